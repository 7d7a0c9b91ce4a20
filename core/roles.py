"""Roles are Django groups; the constants here are the only place their names are spelled."""
from django.contrib.auth.models import Group

STAFF = "组织部工作人员"
LEADER = "领导小组成员"
JUDGE = "评委"
CANDIDATE = "干部"
OBSERVER = "纪检监督"

ALL_ROLES = (STAFF, LEADER, JUDGE, CANDIDATE, OBSERVER)
ROLE_CODES = {STAFF: "staff", LEADER: "leader", JUDGE: "judge", CANDIDATE: "candidate", OBSERVER: "observer"}


def role_names(user) -> set[str]:
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(STAFF)
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_staff_member(user) -> bool:
    """组织部工作人员 (or a superuser): may read and write all records."""
    return has_role(user, STAFF)


def can_read_roster(user) -> bool:
    """Who may read other people's records: staff, leaders and the 纪检 observer."""
    return has_role(user, STAFF, LEADER, OBSERVER)


def ensure_groups():
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
