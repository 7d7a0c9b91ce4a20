"""Who may do what in 民主测评: staff manage; leaders and the 纪检 observer read tallies; evaluators need no account."""
from core import roles


def can_manage(user) -> bool:
    return roles.is_staff_member(user)


def can_read_tallies(user) -> bool:
    return roles.has_role(user, roles.STAFF, roles.LEADER, roles.OBSERVER)
