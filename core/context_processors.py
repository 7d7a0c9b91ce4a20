from django.apps import apps

from . import roles as role_defs


def has_own_record(user) -> bool:
    """Whether the user's account is linked to a cadre record (the nav's 我的档案): an EXISTS, not the whole
    35-column record that `user.cadre` would load on every page; the loaded record when there is one already."""
    if not user.is_authenticated:
        return False
    cadre = apps.get_model("cadre", "Cadre")
    link = cadre._meta.get_field("user").remote_field  # the reverse one-to-one, `user.cadre`
    if link.is_cached(user):
        return link.get_cached_value(user) is not None
    return cadre.objects.filter(user_id=user.pk).exists()


def roles(request):
    names = role_defs.role_names(request.user)
    return {
        "user_roles": names,
        "is_staff_member": role_defs.STAFF in names,
        "is_leader": role_defs.LEADER in names,
        "is_judge": role_defs.JUDGE in names,
        "is_candidate": role_defs.CANDIDATE in names,
        "is_observer": role_defs.OBSERVER in names,
        "can_read_roster": bool(names & {role_defs.STAFF, role_defs.LEADER, role_defs.OBSERVER}),
        "has_own_record": has_own_record(request.user),
    }
