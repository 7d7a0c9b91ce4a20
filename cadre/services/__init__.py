"""Every write to the cadre records goes through here: keyword-only, an actor, one transaction, an audit row.

One import path for the app (``from cadre.services import post_create``); the package is split by sub-domain:
units, posts, cadres (the record and its 身份证号 check), records (学历/考核/家庭成员/奖惩 rows), family (family
rows linked to roster records), positions
(who holds which post), resume (the photo and the 简历 post-history lines), assessments (年度考核 in bulk),
roster (the Excel import/export jobs).
"""
from cadre.eligibility.services import (  # 任职资格
    manual_check_delete,
    manual_check_record,
    rule_set_reset,
    rule_set_save,
    waiver_grant,
    waiver_revoke,
)

from .assessments import annual_assessments_record
from .cadres import CADRE_FIELDS, cadre_create, cadre_update, validate_id_number
from .common import next_order, save_changed_fields
from .family import family_link_confirm, family_link_reject, family_links_refresh
from .positions import PositionMove, free_seat, positions_assign, sync_current_position, sync_positions_bulk
from .posts import POST_FIELDS, post_create, post_delete, post_update, post_vacancies
from .records import cadre_records_save
from .resume import ResumeLine, cadre_photo_set, post_history_replace
from .roster import (
    ROSTER_EXPORT_KIND,
    ROSTER_IMPORT_KIND,
    roster_export_record,
    roster_export_start,
    roster_import_confirm,
    roster_import_start,
)
from .units import (
    UNIT_FIELDS,
    check_unit_key_area,
    infer_unit_kind,
    next_unit_code,
    unit_create,
    unit_delete,
    unit_update,
    units_create_bulk,
)

__all__ = [
    "CADRE_FIELDS",
    "POST_FIELDS",
    "ROSTER_EXPORT_KIND",
    "ROSTER_IMPORT_KIND",
    "UNIT_FIELDS",
    "PositionMove",
    "ResumeLine",
    "annual_assessments_record",
    "cadre_create",
    "cadre_photo_set",
    "cadre_records_save",
    "cadre_update",
    "check_unit_key_area",
    "family_link_confirm",
    "family_link_reject",
    "family_links_refresh",
    "free_seat",
    "infer_unit_kind",
    "next_order",
    "next_unit_code",
    "positions_assign",
    "post_create",
    "post_delete",
    "post_history_replace",
    "post_update",
    "post_vacancies",
    "roster_export_record",
    "roster_export_start",
    "roster_import_confirm",
    "roster_import_start",
    "rule_set_reset",
    "rule_set_save",
    "save_changed_fields",
    "sync_current_position",
    "sync_positions_bulk",
    "unit_create",
    "unit_delete",
    "unit_update",
    "units_create_bulk",
    "validate_id_number",
    "waiver_grant",
    "manual_check_delete",
    "manual_check_record",
    "waiver_revoke",
]
