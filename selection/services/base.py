"""What every selection service shares: role and stage-work checks, the campaign row lock, and ``transition``,
the one mover every stage service goes through (lock, role and stage by ``workflow``, the service's own writes,
the gate when ``Transition.gated``, the StageEvent and the audit row), with 撤回 and 终止 built on it.

``campaign_transition`` (transitions.py) is the entry that runs a move by action name; the stage services in
the sibling modules call ``transition`` with their own writes as ``before``/``after``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from core import roles
from core.audit import audit
from core.exceptions import ApplicationError
from core.jobs import enqueue_on_commit

from .. import gates, workflow
from ..audit import TRANSITION_ACTIONS
from ..models import Application, Campaign, StageEvent
from ..workflow import Stage
from .waiting import stage_waiting_notify

SYSTEM = workflow.SYSTEM


def require_staff(actor):
    if not roles.is_staff_member(actor):
        raise ApplicationError("只有组织部工作人员可以进行此项操作。")


def require_work(actor, campaign: Campaign, work: str):
    errors = workflow.work_errors(actor, work, campaign.stage)
    if errors:
        raise ApplicationError("；".join(errors), errors=errors)


def lock(campaign: Campaign | int) -> Campaign:
    """Re-read the campaign row under ``SELECT … FOR UPDATE`` (call inside a transaction)."""
    pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    return Campaign.objects.select_for_update().get(pk=pk)


def actor_user(actor):
    """The user behind ``actor`` for foreign keys (None for ``SYSTEM``)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def today() -> dt.date:
    return timezone.localdate()


def app_label(app: Application) -> str:
    """“姓名（职位）” of one application, as messages and audit summaries name it."""
    return f"{app.cadre.name}（{app.campaign_post.post}）"


def document_issue_on_commit(campaign_id: int, kind: str, actor) -> None:
    """Queue the campaign document task (``selection.tasks.issue_campaign_document``, by its registered name)
    once the surrounding transaction commits."""
    enqueue_on_commit("selection.issue_campaign_document", campaign_id, kind, getattr(actor_user(actor), "pk", None))


# ------------------------------------------------------------------ the stage mover


def transition(
    *,
    actor,
    campaign: Campaign,
    action: str,
    note: str = "",
    before: Callable[[Campaign], None] | None = None,
    after: Callable[[Campaign], None] | None = None,
    today: dt.date | None = None,
) -> Campaign:
    """Move the campaign one step by the transition table.

    Inside one transaction: lock the row, check stage and role (workflow), run ``before(campaign)`` (the
    action's own writes, e.g. computing speech scores), check the gate of the stage being left
    (gates.errors), move, write a StageEvent and an audit row, then run ``after(campaign)``. Any error leaves
    everything as it was. ``actor`` is a user or ``workflow.SYSTEM`` for Celery beat; ``today`` is the day the
    gate reads (the window ended, the 公示 is over), by default the real today.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock(campaign)
        errors = workflow.transition_errors(actor, action, locked.stage, reason=note)
        if errors:
            raise ApplicationError("；".join(errors), errors=errors)
        t = workflow.transition_for(action, locked.stage)
        if before is not None:
            before(locked)
        if t.gated:
            errors = gates.errors(locked, action, today=today)
            if errors:
                raise ApplicationError(f"不能{t.label}：" + "；".join(errors), errors=errors)
        source = locked.stage
        locked.stage = t.target
        locked.stage_since = timezone.now()
        if t.target == Stage.CANCELLED:
            locked.cancel_reason = note[:300]
        locked.save(update_fields=["stage", "stage_since", "cancel_reason"])
        StageEvent.objects.create(
            campaign=locked, action=action, label=t.label, from_stage=source, to_stage=t.target,
            is_withdrawal=t.is_withdrawal, actor=actor_user(actor),
            actor_label=workflow.ROLE_LABELS[SYSTEM] if actor == SYSTEM else "", note=note[:500],
        )
        audit(
            actor=actor_user(actor), action=TRANSITION_ACTIONS[action], obj=locked,
            summary=f"{locked.title}：{t.label}（{Stage(source).label} → {Stage(t.target).label}）" + (f"，{note}" if note else ""),
            data={"from": source, "to": t.target, "note": note},
        )
        if after is not None:
            after(locked)
        stage_waiting_notify(locked)
    campaign.refresh_from_db()
    return campaign


def campaign_withdraw(*, actor, campaign: Campaign, reason: str) -> Campaign:
    """撤回: back to the previous stage by the withdrawal transition of the current stage, with a reason.

    Work done in the stage being re-entered stays (scores, decisions); the gate is checked again on the way
    forward. Withdrawing from 演讲 reopens scoring; from 民主测评 clears the ranking.
    """
    t = next((t for t in workflow.available(campaign.stage) if t.is_withdrawal), None)
    if t is None:
        raise ApplicationError(f"“{Stage(campaign.stage).label}”阶段不能撤回。")
    if t.action == "extend_registration":
        raise ApplicationError("资格审查阶段退回公开报名须重新设定报名截止日期，请使用“延长报名”。")

    def undo(c: Campaign):
        if t.action == "withdraw_evaluation":
            c.speech_closed_at = None
            c.save(update_fields=["speech_closed_at"])
        if t.action == "withdraw_inspection":
            Application.objects.filter(campaign=c).update(
                evaluation_score=None, composite_score=None, rank=None, tied=False, is_inspection_target=False
            )
            c.inspection_confirmed_at = None
            c.inspection_confirmed_by = None
            c.save(update_fields=["inspection_confirmed_at", "inspection_confirmed_by"])

    return transition(actor=actor, campaign=campaign, action=t.action, note=reason, after=undo)


def campaign_cancel(*, actor, campaign: Campaign, reason: str) -> Campaign:
    return transition(actor=actor, campaign=campaign, action="cancel", note=reason)
