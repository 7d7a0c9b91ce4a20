"""The demo's extra accounts (a second leader, four more judges) and the accounts of demo candidates."""
from __future__ import annotations

from django.contrib.auth.models import Group, User

from cadre.models import Cadre
from core import roles

PASSWORD = "demo12345"
EXTRA_ACCOUNTS = [
    # username, role, first name
    ("leader2", roles.LEADER, "领导小组成员老陈"),
    ("judge2", roles.JUDGE, "评委刘老师"),
    ("judge3", roles.JUDGE, "评委陈老师"),
    ("judge4", roles.JUDGE, "评委杨老师"),
    ("judge5", roles.JUDGE, "评委赵老师"),
]
JUDGES = ("judge", "judge2", "judge3", "judge4", "judge5")


def _user(username: str, role: str, first_name: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def accounts() -> dict[str, User]:
    roles.ensure_groups()
    out = {u.username: u for u in User.objects.filter(username__in=["staff", "leader", "judge"])}
    for username, role, first_name in EXTRA_ACCOUNTS:
        out[username] = _user(username, role, first_name)
    return out


def own_user(cadre: Cadre) -> User:
    """Candidates file their own forms: give the demo person an account if they have none (not printed)."""
    if cadre.user_id:
        return cadre.user
    user, created = User.objects.get_or_create(username=f"gb{cadre.pk}", defaults={"first_name": cadre.name})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.CANDIDATE))
    Cadre.objects.filter(pk=cadre.pk).update(user=user)
    cadre.user = user
    return user
