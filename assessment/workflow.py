"""测评场次 statuses and the one transition table (the shape of ``selection.workflow``).

Pure: no ORM. Each ``Transition`` carries everything about a status move: the status it leaves and the one it
enters, who may take it (only ``staff``, 组织部工作人员), its kind (forward or cancel), whether a gate is checked
(none is: a session has no records to check before it moves), the extra inputs it takes and whether a reason
is required. ``services.ballot_session_transition`` is the one entry that runs a move by this table; the
other services ask ``work_error()`` whether their work is allowed in the session's status.

    草稿 ──开始测评──▶ 测评中 ──结束测评──▶ 已结束
      └────────────────┴──────作废测评──────┴──▶ 已作废
"""
from __future__ import annotations

from core.workflow import (  # noqa: F401 (the shared shape, re-exported for this table's callers)
    CANCEL, FORWARD, INPUT_KINDS, KINDS, RETURN, WITHDRAW, Input, Transition, TransitionTable,
)

from .models import SessionStatus
from .permissions import can_manage

STAFF = "staff"
ROLE_LABELS = {STAFF: "组织部工作人员"}

S = SessionStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition("open", "开始测评", S.DRAFT, S.OPEN, (STAFF,)),
    Transition("close", "结束测评并冻结结果", S.OPEN, S.CLOSED, (STAFF,)),
) + tuple(
    Transition("void", "作废测评", status, S.VOID, (STAFF,), kind=CANCEL, reason_required=True)
    for status in (S.DRAFT, S.OPEN, S.CLOSED)
)

TABLE = TransitionTable(TRANSITIONS)
ACTIONS = sorted(TABLE.actions)
# the one status in which ballots are accepted, and those in which none can be any more (voting reads the
# status before it takes the session's lock, so it refuses early only there and re-checks VOTING when storing)
VOTING = S.OPEN
FINISHED = frozenset({S.CLOSED, S.VOID})
NOT_VOTING = "本次测评未开始或已结束，不能投票。"

# why a move is refused in the session's current status ({title}, {status}: the status label)
REFUSALS = {
    "open": "测评“{title}”当前为{status}，只有草稿可以开始。",
    "close": "测评“{title}”当前为{status}，只有测评中的场次可以结束。",
    "void": "测评“{title}”已作废。",
}
REASON_MISSING = {"void": "作废测评须填写原因。"}
ROLE_REFUSAL = "只有组织部工作人员可以进行此操作。"


transition_for = TABLE.get
available = TABLE.available


def reason_required(action: str) -> bool:
    return any(t.reason_required for t in TRANSITIONS if t.action == action)


def role_codes(user) -> set[str]:
    return {STAFF} if can_manage(user) else set()


def role_allowed(user, action: str) -> bool:
    return any(role_codes(user) & set(t.roles) for t in TRANSITIONS if t.action == action)


def refusal(action: str, *, title: str, status: str) -> str:
    if action not in ACTIONS:
        return f"未知的操作“{action}”。"
    return REFUSALS[action].format(title=title, status=SessionStatus(status).label)


def transition_errors(user, action: str, status: str, *, title: str = "", reason: str = "") -> list[str]:
    """Why ``user`` may not take ``action`` from ``status`` (empty list: allowed), in Chinese."""
    if action not in ACTIONS:
        return [refusal(action, title=title, status=status)]
    errors = []
    if not role_allowed(user, action):
        errors.append(ROLE_REFUSAL)
    if reason_required(action) and not (reason or "").strip():
        errors.append(REASON_MISSING[action])
    if transition_for(action, status) is None:
        errors.append(refusal(action, title=title, status=status))
    return errors


def can(user, action: str, status: str) -> bool:
    """May ``user`` take ``action`` from ``status`` (role and status only; the reason aside)?"""
    return not transition_errors(user, action, status, reason="x")


# Work inside a status (not moves): the statuses it is allowed in, and the refusal otherwise.
STATUS_WORK = {
    "issue_codes": ({S.DRAFT, S.OPEN}, "测评“{title}”{status}，不能再发放测评码。"),
    "set_paper_issued": ({S.DRAFT, S.OPEN}, "测评“{title}”{status}，不能修改纸质票数。"),
    "enter_paper": ({S.OPEN}, "测评“{title}”{status}，不能录入纸质票。"),
    "vote": ({VOTING}, NOT_VOTING),
}


def work_allowed(work: str, status: str) -> bool:
    return status in STATUS_WORK[work][0]


def work_error(work: str, *, title: str, status: str) -> str | None:
    """The refusal of ``work`` in ``status`` (None: allowed)."""
    statuses, message = STATUS_WORK[work]
    if status in statuses:
        return None
    return message.format(title=title, status=SessionStatus(status).label)
