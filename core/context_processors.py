from . import roles as role_defs


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
    }

