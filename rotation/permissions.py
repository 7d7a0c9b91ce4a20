"""Who may do what with rotation records: pure predicates over core.roles.

Staff write (plans, moves, suggestions, secondments, execution); leaders approve or return plans and read;
the 纪检 observer reads; candidates and judges see nothing here.
"""
from core import roles
from core.exceptions import ApplicationError

from .models import PlanStatus


def _auth(user) -> bool:
    return bool(user and user.is_authenticated)


def can_read(user) -> bool:
    return _auth(user) and roles.has_role(user, roles.STAFF, roles.LEADER, roles.OBSERVER)


def can_write(user) -> bool:
    return _auth(user) and roles.is_staff_member(user)


def can_decide(user) -> bool:
    return _auth(user) and roles.has_role(user, roles.LEADER)


def require(ok: bool, message: str = "您没有执行该操作的权限") -> None:
    """The services' refusal: an ApplicationError with a Chinese message when ``ok`` is false."""
    if not ok:
        raise ApplicationError(message)


# plan transitions: action → (allowed from-statuses, to-status, who)
TRANSITIONS = {
    "submit": ((PlanStatus.DRAFT, PlanStatus.RETURNED), PlanStatus.SUBMITTED, can_write),
    "approve": ((PlanStatus.SUBMITTED,), PlanStatus.APPROVED, can_decide),
    "return": ((PlanStatus.SUBMITTED,), PlanStatus.RETURNED, can_decide),
    "execute": ((PlanStatus.APPROVED,), PlanStatus.EXECUTED, can_write),
}
ACTION_LABELS = {"submit": "提交审批", "approve": "批准", "return": "退回", "execute": "执行"}


def can_transition(user, plan, action: str) -> bool:
    sources, _target, who = TRANSITIONS[action]
    return plan.status in sources and who(user)


def can_edit_plan(user, plan) -> bool:
    return can_write(user) and plan.is_editable
