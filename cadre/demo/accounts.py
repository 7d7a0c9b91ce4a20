"""The demo's role groups and accounts (passwords only set when an account is created)."""
from __future__ import annotations

from django.contrib.auth.models import Group, User

from core import roles

from ..models import Cadre
from . import data as D


DEMO_ACCOUNTS = [
    # (username, role group or None for the superuser, label, first_name)
    ("admin", None, "超级管理员（可进入 /admin/ 后台）", "系统管理员"),
    ("staff", roles.STAFF, roles.STAFF, "组织部小王"),
    ("leader", roles.LEADER, roles.LEADER, "领导小组成员老李"),
    ("judge", roles.JUDGE, roles.JUDGE, "评委张老师"),
    ("observer", roles.OBSERVER, roles.OBSERVER, "纪检监督员"),
]


def ensure_accounts(candidate_cadres: list[Cadre]) -> list[tuple[str, str]]:
    """Role groups and demo accounts; passwords are only set when an account is created."""
    roles.ensure_groups()
    printed = []
    for username, group, label, first_name in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "is_staff": group is None, "is_superuser": group is None},
        )
        if created:
            user.set_password(D.PASSWORD)
            user.save(update_fields=["password"])
        if group:
            user.groups.add(Group.objects.get(name=group))
        printed.append((username, label))
    candidate_group = Group.objects.get(name=roles.CANDIDATE)
    for n, cadre in enumerate(candidate_cadres, start=1):
        username = f"cadre{n}"
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": cadre.name})
        if created:
            user.set_password(D.PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(candidate_group)
        if cadre.user_id is None and not Cadre.objects.filter(user=user).exists():
            Cadre.objects.filter(pk=cadre.pk).update(user=user)
        linked = Cadre.objects.select_related("unit").filter(user=user).first()
        label = f"{roles.CANDIDATE}（本人档案：{linked.name}，{linked.current_job}）" if linked else roles.CANDIDATE
        printed.append((username, label))
    return printed


def candidate_cadres_for_existing_demo() -> list[Cadre]:
    """On a second run: the records already linked to cadre1..cadre3 (or, if unlinked, the same rule as before)."""
    linked = list(Cadre.objects.filter(user__username__in=["cadre1", "cadre2", "cadre3"]).order_by("user__username"))
    if linked:
        return linked
    picks, units = [], set()
    for cadre in Cadre.objects.filter(rank_level="副科级", user__isnull=True, unit__code__startswith="QX").order_by("id"):
        if cadre.unit_id not in units:
            picks.append(cadre)
            units.add(cadre.unit_id)
        if len(picks) == 3:
            break
    return picks
