"""Who may do what with rotation records: pure predicates over core.roles.

Staff write (plans, moves, suggestions, secondments, execution); leaders approve or return plans and read;
the 纪检 observer reads; candidates and judges see nothing here. Who takes which status move of a plan is in the
table of rotation.workflow.
"""
from core import roles
from core.exceptions import ApplicationError


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


def can_edit_plan(user, plan) -> bool:
    return can_write(user) and plan.is_editable
