"""The one entry for a stage move: ``campaign_transition(actor=…, campaign=…, action=…, note=…, **inputs)``.

It reads the move from ``workflow.TRANSITIONS`` (source, target, roles, kind, gate, inputs, reason), refuses in
Chinese what the table forbids (wrong stage, wrong role, missing reason, a missing or malformed input, named by
its field), then hands the move to the stage service that owns it (``SERVICES``, the only action → service
map). That service does the stage's own writes and moves through ``transition()``, which locks the campaign,
checks the gate of the stage being left when the move is gated (``gates.errors``), records the StageEvent and
the audit row. Every stage service also works when called directly.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from core.exceptions import ApplicationError

from .. import workflow
from ..models import Campaign
from .appointment import appointment_execute
from .base import campaign_cancel, campaign_withdraw
from .campaign import plan_approve, plan_return, plan_submit
from .decision import publicity_end, publicity_start
from .evaluation import evaluation_close, inspection_finish
from .registration import posts_publish, registration_close
from .review import registration_extend, speech_start
from .scoring import speech_close


def _with_reason(service: Callable[..., Campaign]) -> Callable[..., Campaign]:
    """Adapt a service whose note is called ``reason`` (returns, 撤回, cancel)."""

    def call(*, actor, campaign: Campaign, note: str, **inputs) -> Campaign:
        return service(actor=actor, campaign=campaign, reason=note, **inputs)

    return call


# action → the stage service that owns it, each called as service(actor=, campaign=, note=, **inputs)
SERVICES: dict[str, Callable[..., Campaign]] = {
    "submit_plan": plan_submit,
    "approve_plan": plan_approve,
    "return_plan": _with_reason(plan_return),
    "withdraw_plan": _with_reason(campaign_withdraw),
    "withdraw_posting": _with_reason(campaign_withdraw),
    "publish_posts": posts_publish,
    "withdraw_registration": _with_reason(campaign_withdraw),
    "close_registration": registration_close,
    "extend_registration": _with_reason(registration_extend),
    "start_speech": speech_start,
    "withdraw_speech": _with_reason(campaign_withdraw),
    "close_speech": speech_close,
    "withdraw_evaluation": _with_reason(campaign_withdraw),
    "close_evaluation": evaluation_close,
    "withdraw_inspection": _with_reason(campaign_withdraw),
    "finish_inspection": inspection_finish,
    "withdraw_decision": _with_reason(campaign_withdraw),
    "start_publicity": publicity_start,
    "withdraw_publicity": _with_reason(campaign_withdraw),
    "end_publicity": publicity_end,
    "appoint": appointment_execute,
    "cancel": _with_reason(campaign_cancel),
}


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(field: workflow.Input, value):
    """The input's value in its kind (a date from a date or an ISO string, an int, stripped text)."""
    if field.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ApplicationError(f"{field.label}“{value}”不是有效的日期（应为 YYYY-MM-DD）。", field=field.name) from None
    if field.kind == "int":
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApplicationError(f"{field.label}“{value}”不是整数。", field=field.name) from None
    text = str(value).strip()
    if field.max_length and len(text) > field.max_length:
        raise ApplicationError(f"{field.label}不能超过{field.max_length}个字符。", field=field.name)
    return text


def transition_inputs(t: workflow.Transition, inputs: dict) -> dict:
    """The move's inputs cleaned by the table: required ones present, values in their kind, no stray ones."""
    known = {field.name: field for field in t.inputs}
    for name, value in inputs.items():
        if name not in known and not _empty(value):
            raise ApplicationError(f"“{t.label}”不需要填写“{name}”。", field=name)
    missing = [field for field in t.inputs if field.required and _empty(inputs.get(field.name))]
    if missing:
        errors = [f"“{t.label}”须填写{field.label}。" for field in missing]
        raise ApplicationError("；".join(errors), errors=errors, field=missing[0].name)
    return {name: _clean(known[name], value) for name, value in inputs.items() if name in known and not _empty(value)}


def campaign_transition(*, actor, campaign: Campaign, action: str, note: str = "", **inputs) -> Campaign:
    """Take ``action`` from the campaign's current stage: check it by the table, then run its stage service.

    ``inputs`` are the transition's ``Input``s by name (e.g. ``document_no`` for approve_plan, ``start_date``
    for start_publicity, ``appointed_on`` and ``document_no`` for appoint, ``new_end`` for
    extend_registration); empty values count as absent. ``actor`` is a user or ``workflow.SYSTEM``.
    Raises ApplicationError (Chinese, ``field`` = the input's name or ``note``) and changes nothing when refused.
    """
    note = (note or "").strip()
    t = workflow.transition_for(action, campaign.stage)
    errors = workflow.transition_errors(actor, action, campaign.stage, reason=note)
    if errors:
        field = "note" if t is not None and t.reason_required and not note else None
        raise ApplicationError("；".join(errors), errors=errors, field=field)
    values = transition_inputs(t, inputs)
    return SERVICES[action](actor=actor, campaign=campaign, note=note, **values)
