"""Who may see and change cadre records. Pure predicates over core.roles; views call them and raise 403."""
from __future__ import annotations

from core import roles


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def can_view_roster(user) -> bool:
    """花名册、单位与职位: staff, leaders and the 纪检 observer."""
    return _authenticated(user) and roles.can_read_roster(user)


def can_view_units(user) -> bool:
    return can_view_roster(user)


def is_own_record(user, cadre) -> bool:
    return _authenticated(user) and cadre.user_id is not None and cadre.user_id == user.pk


def can_view_cadre(user, cadre) -> bool:
    """A record: roster readers see every record; anybody else only their own."""
    return can_view_roster(user) or is_own_record(user, cadre)


def can_edit_cadre(user) -> bool:
    """Create and change records: 组织部工作人员 only."""
    return _authenticated(user) and roles.is_staff_member(user)


def can_see_full_id_number(user, cadre=None) -> bool:
    """Staff see every 身份证号 in full; a person sees their own; leaders/observers see it masked."""
    if _authenticated(user) and roles.is_staff_member(user):
        return True
    return cadre is not None and is_own_record(user, cadre)


def can_search_id_number(user) -> bool:
    return _authenticated(user) and roles.is_staff_member(user)


def can_see_relative_id_numbers(user) -> bool:
    """家庭成员的身份证号 (kept for kinship avoidance): staff only, never on the own-record page of others."""
    return _authenticated(user) and roles.is_staff_member(user)


def can_see_change_log(user) -> bool:
    """变更记录 names the staff who changed a record: roster readers only, not the person themselves."""
    return can_view_roster(user)
