"""轮岗交流方案 statuses and the one transition table (the shape of selection/workflow.py).

Pure: no ORM writes. Each ``Transition`` carries everything about a status move: the status it leaves and the one
it enters, who may take it (a role code: ``staff`` or ``leader``), its kind (forward, return, withdraw, cancel),
whether a reason is required and the extra inputs it takes (``Input``). ``transition_errors()`` answers the
role/status/reason half in Chinese; the checks that read the plan's records (``services.plan_check``) run inside
the step; ``services.plan_transition`` is the one entry that runs a move by this table and the one place that
sets ``RotationPlan.status``.
"""
from __future__ import annotations

from core.workflow import (  # noqa: F401 (the shared shape, re-exported for this table's callers)
    CANCEL, FORWARD, INPUT_KINDS, KINDS, RETURN, WITHDRAW, Input, Transition, TransitionTable,
)

from . import permissions
from .models import PlanStatus

STAFF, LEADER = "staff", "leader"
ROLE_LABELS = {STAFF: "组织部工作人员", LEADER: "领导小组成员"}

EFFECTIVE_DATE = Input(
    "effective_date", "交流生效日期", "date", False, "不填则按方案的交流生效日期（未定则为今天）；不能早于测算基准日",
)

S = PlanStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "提交审批", S.DRAFT, S.SUBMITTED, (STAFF,)),
    Transition("submit", "提交审批", S.RETURNED, S.SUBMITTED, (STAFF,)),
    Transition("approve", "批准", S.SUBMITTED, S.APPROVED, (LEADER,)),
    Transition("return", "退回", S.SUBMITTED, S.RETURNED, (LEADER,), kind=RETURN, reason_required=True),
    Transition("execute", "执行", S.APPROVED, S.EXECUTED, (STAFF,), inputs=(EFFECTIVE_DATE,)),
)

TABLE = TransitionTable(TRANSITIONS)
ACTIONS: tuple[str, ...] = TABLE.actions  # in table order
ACTION_LABELS = {t.action: t.label for t in TRANSITIONS}
transition_for = TABLE.get
available = TABLE.available


def roles_for(action: str) -> tuple[str, ...]:
    """Who may take ``action`` (the same from every status it leaves); () for an unknown action."""
    return next((t.roles for t in TRANSITIONS if t.action == action), ())


def inputs_for(action: str) -> tuple[Input, ...]:
    return next((t.inputs for t in TRANSITIONS if t.action == action), ())


def role_codes(user) -> set[str]:
    """The workflow roles a user holds: staff write (a superuser counts as staff), leaders decide."""
    out = set()
    if permissions.can_write(user):
        out.add(STAFF)
    if permissions.can_decide(user):
        out.add(LEADER)
    return out


def has_role(user, action: str) -> bool:
    return bool(role_codes(user) & set(roles_for(action)))


def reason_error(action: str, reason: str) -> str:
    """'' or why the reason is missing (退回方案须填写理由)."""
    t = next((t for t in TRANSITIONS if t.action == action), None)
    if t is not None and t.reason_required and not (reason or "").strip():
        return f"{t.label}方案须填写理由"
    return ""


def transition_errors(user, action: str, status: str, *, reason: str = "") -> list[str]:
    """Why ``user`` may not take ``action`` from ``status`` ([] when allowed), most telling first: a missing
    reason, then the role, then the status (the order the services have always answered in)."""
    if action not in ACTION_LABELS:
        return [f"未知的操作“{action}”"]
    errors = []
    missing = reason_error(action, reason)
    if missing:
        errors.append(missing)
    if not has_role(user, action):
        errors.append("您没有执行该操作的权限")
    if transition_for(action, status) is None:
        errors.append(f"方案当前状态为「{PlanStatus(status).label}」，不能{ACTION_LABELS[action]}")
    return errors


def can(user, action: str, status: str) -> bool:
    """May ``user`` take ``action`` from ``status`` (role and status only; the reason and the plan check aside)?"""
    return not transition_errors(user, action, status, reason="x")


def actions_for(user, status: str) -> list[Transition]:
    """The moves ``user`` may take from ``status``, one per action, in table order (the buttons of a plan page)."""
    return [t for t in available(status) if has_role(user, t.action)]
