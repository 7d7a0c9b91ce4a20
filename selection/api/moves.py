"""Stage moves over the API. Every route that moves a campaign (``transition``, ``withdraw`` and the named routes
``speech-close``, ``publicity``, ``appointment``) goes through ``take`` and so through
``services.campaign_transition``; each request body is built from the move's row of ``workflow.TRANSITIONS``
(its ``inputs``), never listed here by hand."""
from __future__ import annotations

from dataclasses import replace

from rest_framework import serializers

from core.exceptions import ApplicationError

from .. import permissions, services, workflow
from ..models import Campaign
from .common import deny, input_data

# one row per action (a move's inputs, roles and label are the same whichever stage it leaves; only cancel repeats)
MOVES: dict[str, workflow.Transition] = {}
for _t in workflow.TRANSITIONS:
    MOVES.setdefault(_t.action, _t)


def _field(spec: workflow.Input, *, required: bool) -> serializers.Field:
    common = {"label": spec.label, "help_text": spec.help or None, "required": required}
    if spec.kind == "date":
        return serializers.DateField(allow_null=not required, **common)
    if spec.kind == "int":
        return serializers.IntegerField(allow_null=not required, **common)
    return serializers.CharField(allow_blank=not required, max_length=spec.max_length, **common)


def _note(label: str, help_text: str | None = None) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label=label,
                                 help_text=help_text)


def _camel(action: str) -> str:
    return "".join(word.capitalize() for word in action.split("_"))


def _move_in(t: workflow.Transition) -> type[serializers.Serializer]:
    """The body of a named route's move: each of its inputs as the table defines it, and its note (or reason: that
    one campaign_transition checks, with the move's label)."""
    fields = {spec.name: _field(spec, required=spec.required) for spec in t.inputs}
    fields["note"] = _note("理由" if t.reason_required else "说明", "必填" if t.reason_required else None)
    return type(f"{_camel(t.action)}In", (serializers.Serializer,), fields)


MOVE_IN: dict[str, type[serializers.Serializer]] = {action: _move_in(t) for action, t in MOVES.items()}


def _transition_in() -> type[serializers.Serializer]:
    """The body of ``/transition/``: the action, the note and every input any move takes, each documented with the
    moves that take it."""
    uses: dict[str, list[tuple[workflow.Transition, workflow.Input]]] = {}
    for t in MOVES.values():
        for spec in t.inputs:
            uses.setdefault(spec.name, []).append((t, spec))
    fields = {
        "action": serializers.ChoiceField(choices=workflow.ACTIONS, label="操作代码",
                                          help_text="阶段表中的操作，例如 submit_plan、close_speech、cancel"),
        "note": _note("说明/理由", "退回、撤回、终止时必填"),
    }
    for name, pairs in uses.items():
        label = "/".join(dict.fromkeys(spec.label for _t, spec in pairs))
        help_text = "；".join(
            f"{t.label}（{t.action}）时{'必填' if spec.required else '可填'}" + (f"：{spec.help}" if spec.help else "")
            for t, spec in pairs
        )
        fields[name] = _field(replace(pairs[0][1], label=label, help=help_text), required=False)
    return type("TransitionIn", (serializers.Serializer,), fields)


TransitionIn = _transition_in()


def help_of(action: str) -> str:
    """The inputs of a move and what the table says about each, for a route's description."""
    return "；".join(f"{spec.label}{'（必填）' if spec.required else ''}" + (f"：{spec.help}" if spec.help else "")
                    for spec in MOVES[action].inputs)


def _refuse_role(t: workflow.Transition):
    deny(f"“{t.label}”只能由" + "或".join(workflow.ROLE_LABELS[r] for r in t.roles if r != workflow.SYSTEM) + "执行。")


def _run(user, campaign: Campaign, t: workflow.Transition | None, action: str, data: dict) -> Campaign:
    """campaign_transition; a missing or malformed input is answered as the app's error body and, under the
    input's name, as DRF reports a field."""
    try:
        return services.campaign_transition(actor=user, campaign=campaign, action=action, **data)
    except ApplicationError as exc:
        if t is None or exc.field not in {spec.name for spec in t.inputs}:
            raise
        body = {"detail": exc.message, "field": exc.field, exc.field: [exc.message]}
        if exc.errors:
            body["errors"] = [str(e) for e in exc.errors]
        raise serializers.ValidationError(body) from exc


def take(request, campaign: Campaign, action: str) -> Campaign:
    """A named route's move (``speech-close``, ``publicity``, ``appointment``): the role the table names (403),
    the body (400 by field), then campaign_transition (400 with the reasons)."""
    t = MOVES[action]
    if not permissions.transition_role_allowed(request.user, action, t.source):
        _refuse_role(t)
    data = input_data(MOVE_IN[action], request)
    return _run(request.user, campaign, workflow.transition_for(action, campaign.stage), action, data)


def take_any(request, campaign: Campaign) -> Campaign:
    """``/transition/``: the action named in the body, from the campaign's current stage, with the inputs that move
    takes (others in the body are ignored). A move from the wrong stage is left to campaign_transition, which says
    from which stage it can be taken."""
    data = input_data(TransitionIn, request)
    action = data.pop("action")
    if not permissions.transition_role_allowed(request.user, action, campaign.stage):
        _refuse_role(workflow.transition_for(action, campaign.stage))
    t = workflow.transition_for(action, campaign.stage)
    inputs = {spec.name: data[spec.name] for spec in (t.inputs if t is not None else ()) if spec.name in data}
    return _run(request.user, campaign, t, action, {"note": data["note"], **inputs})


def take_withdrawal(request, campaign: Campaign, reason: str) -> Campaign:
    """``/withdraw/``: the 撤回 of the current stage. A 撤回 that needs inputs (延长报名 needs the new end) is taken
    through ``/transition/``."""
    t = next((t for t in workflow.available(campaign.stage) if t.is_withdrawal), None)
    if t is None:
        raise ApplicationError(f"“{workflow.Stage(campaign.stage).label}”阶段不能撤回。")
    if not permissions.transition_role_allowed(request.user, t.action, campaign.stage):
        _refuse_role(t)
    needed = [spec for spec in t.inputs if spec.required]
    if needed:
        raise ApplicationError(
            f"“{t.label}”须填写{'、'.join(spec.label for spec in needed)}：请通过阶段流转（transition）执行“{t.label}”"
            f"（{t.action}）。", field=needed[0].name)
    return services.campaign_transition(actor=request.user, campaign=campaign, action=t.action, note=reason)
