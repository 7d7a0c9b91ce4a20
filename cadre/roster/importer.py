"""Roster Excel import (干部花名册导入): check the whole sheet first, then write everything in one transaction.

    report = import_roster(actor=user, source="roster.xlsx", dry_run=True)   # preview: errors or counts
    report = import_roster(actor=user, source="roster.xlsx")                 # writes only when no error

Reading is in ``reading``. Writing is set-based: a handful of queries per 2000 rows, history rows through
django-simple-history's bulk helpers with the actor as history user (``cadre.bulk``), the post and rank history
through ``cadre.services.sync_positions_bulk``, one audit row per import.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.audit import audit

from ..audit import AuditAction
from ..bulk import chunks, fast_create
from ..eligibility import roster_version_bump
from ..models import AnnualAssessment, Cadre, EducationRecord, OrgUnit
from ..services import family_links_refresh, infer_unit_kind, sync_positions_bulk, unit_create
from . import formats as rf
from .reading import read_roster
from .report import ImportReport, ProgressFn, RosterRow

# model fields whose blank cell keeps the current value (a new record takes the default)
KEEP_WHEN_BLANK = {"ethnicity": "01", "political_status": "中共党员", "staffing_type": "公务员"}


@dataclass
class _Plan:
    creates: list = field(default_factory=list)  # (RosterRow, Cadre)
    updates: list = field(default_factory=list)  # (RosterRow, Cadre, changed fields)
    education_creates: list = field(default_factory=list)
    education_updates: list = field(default_factory=list)
    assessment_creates: list = field(default_factory=list)
    assessment_updates: list = field(default_factory=list)
    touched: set = field(default_factory=set)  # ids of existing cadres with any change
    new_units: dict = field(default_factory=dict)  # name → kind


def _resolve_units(rows: list[RosterRow]) -> tuple[dict, dict]:
    names = {r.values["unit"] for r in rows if r.values.get("unit")}
    units: dict[str, int] = {}
    if names:
        for unit_id, name in OrgUnit.objects.filter(name__in=names).values_list("id", "name"):
            units[name] = unit_id
        rest = names - set(units)
        if rest:
            by_short: dict[str, list[int]] = defaultdict(list)
            for unit_id, short in OrgUnit.objects.filter(short_name__in=rest).values_list("id", "short_name"):
                by_short[short].append(unit_id)
            for short, ids in by_short.items():
                if len(ids) == 1:
                    units[short] = ids[0]
    new_units = {name: str(infer_unit_kind(name)) for name in sorted(names - set(units))}
    return units, new_units


def _plan(rows: list[RosterRow], warnings: list[rf.RowIssue]) -> _Plan:
    plan = _Plan()
    units, plan.new_units = _resolve_units(rows)
    existing: dict[str, Cadre] = {}
    for chunk in chunks([r.id_number for r in rows]):
        for cadre in Cadre.objects.filter(id_number__in=chunk):
            existing[cadre.id_number] = cadre
    cadre_ids = [c.pk for c in existing.values()]
    educations: dict[tuple[int, str], EducationRecord] = {}
    assessments: dict[tuple[int, int], AnnualAssessment] = {}
    for chunk in chunks(cadre_ids):
        for rec in EducationRecord.objects.filter(cadre_id__in=chunk):
            educations[(rec.cadre_id, rec.mode)] = rec
        for rec in AnnualAssessment.objects.filter(cadre_id__in=chunk):
            assessments[(rec.cadre_id, rec.year)] = rec

    for row in rows:
        values = dict(row.values)
        unit_name = values.pop("unit", None)
        if unit_name is not None:
            values["unit_id"] = units.get(unit_name) if unit_name else None
            values["_unit_name"] = unit_name
        cadre = existing.get(row.id_number)
        if cadre is None:
            for key, default in KEEP_WHEN_BLANK.items():
                if not values.get(key):
                    values[key] = default
            unit_pending = values.pop("_unit_name", "")
            cadre = Cadre(**{k: v for k, v in values.items() if v is not None or k != "unit_id"})
            cadre._unit_name = unit_pending
            plan.creates.append((row, cadre))
            for mode, data in row.educations.items():
                plan.education_creates.append((cadre, EducationRecord(mode=mode, **data)))
            for year, grade in row.assessments.items():
                plan.assessment_creates.append((cadre, AnnualAssessment(year=year, grade=grade)))
            continue
        unit_pending = values.pop("_unit_name", None)
        changed = []
        for key, value in values.items():
            if key in KEEP_WHEN_BLANK and not value:
                continue
            if key == "unit_id" and value is None and unit_pending:
                changed.append(key)  # a unit that does not exist yet
                continue
            if getattr(cadre, key) != value:
                changed.append(key)
        if changed:
            cadre._unit_name = unit_pending
            cadre._new_values = values
            plan.updates.append((row, cadre, changed))
        child_change = False
        for mode, data in row.educations.items():
            rec = educations.get((cadre.pk, mode))
            if rec is None:
                plan.education_creates.append((cadre, EducationRecord(cadre=cadre, mode=mode, **data)))
                child_change = True
            elif any(getattr(rec, k) != v for k, v in data.items()):
                for k, v in data.items():
                    setattr(rec, k, v)
                plan.education_updates.append(rec)
                child_change = True
        for year, grade in row.assessments.items():
            rec = assessments.get((cadre.pk, year))
            if rec is None:
                plan.assessment_creates.append((cadre, AnnualAssessment(cadre=cadre, year=year, grade=grade)))
                child_change = True
            elif rec.grade != grade:
                rec.grade = grade
                plan.assessment_updates.append(rec)
                child_change = True
        if changed or child_change:
            plan.touched.add(cadre.pk)
    return plan


def import_roster(*, actor, source, dry_run: bool = False, progress: ProgressFn | None = None, filename: str = "") -> ImportReport:
    """Check the whole roster; when there is no error and not ``dry_run``, write it in one transaction."""
    parsed = read_roster(source, progress=progress)
    report = ImportReport(
        errors=parsed.errors, warnings=parsed.warnings, rows=parsed.data_rows, sheet=parsed.sheet,
        header_row=parsed.header_row, dry_run=dry_run,
    )
    if parsed.errors:
        return report
    if dry_run:
        plan = _plan(parsed.rows, report.warnings)
        _count(report, plan, parsed.rows)
        return report
    if progress:
        progress("正在写入", 0, len(parsed.rows))
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        plan = _plan(parsed.rows, report.warnings)
        _count(report, plan, parsed.rows)
        _write(plan, actor=actor, user=user, report=report)
        roster_version_bump()  # bulk writes send no signals: cached eligibility screens go stale after the commit
        # family rows elsewhere that are these records (set-based over the imported ids)
        family_links_refresh(actor=actor, cadre_ids=[c.pk for _r, c in plan.creates] + [c.pk for _r, c, _ch in plan.updates])
        audit(
            actor=actor,
            action=AuditAction.CADRE_IMPORT_ROSTER,
            summary=f"导入干部花名册{('「' + filename + '」') if filename else ''}：{report.summary_zh()}",
            data={
                "file": filename,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "new_units": [u["name"] for u in report.new_units],
                "warnings": len(report.warnings),
            },
        )
    report.written = True
    return report


def _count(report: ImportReport, plan: _Plan, rows: list[RosterRow]):
    report.created = len(plan.creates)
    report.updated = len(plan.touched)
    report.unchanged = len(rows) - report.created - report.updated
    report.new_units = [{"name": name, "kind": kind} for name, kind in plan.new_units.items()]


def _write(plan: _Plan, *, actor, user, report: ImportReport):
    unit_ids = {}
    for name, kind in plan.new_units.items():
        unit_ids[name] = unit_create(actor=actor, name=name, kind=kind).pk
    now = timezone.now()
    unit_orders = dict(OrgUnit.objects.values_list("id", "order"))  # the unit tree is small

    creates = []
    for _row, cadre in plan.creates:
        if cadre.unit_id is None and getattr(cadre, "_unit_name", ""):
            cadre.unit_id = unit_ids[cadre._unit_name]
        cadre.fill_sort_keys()
        cadre.unit_order = unit_orders.get(cadre.unit_id)
        creates.append(cadre)
    fast_create(Cadre, creates, user=user, now=now)

    update_fields: set[str] = set()
    updates = []
    for _row, cadre, changed in plan.updates:
        values = cadre._new_values
        if values.get("unit_id") is None and getattr(cadre, "_unit_name", None):
            values["unit_id"] = unit_ids[cadre._unit_name]
        for key in changed:
            setattr(cadre, key, values[key])
        cadre.fill_sort_keys()
        cadre.unit_order = unit_orders.get(cadre.unit_id)
        cadre.updated_at = now
        update_fields.update(changed)
        updates.append(cadre)
    if updates:
        fields = sorted(update_fields | {"updated_at", "rank_order", "unit_order", "pinyin_key", "stroke_key", "search_key"})
        for chunk in chunks(updates):
            bulk_update_with_history(chunk, Cadre, fields, batch_size=500, default_user=user)

    education_creates = []
    for cadre, rec in plan.education_creates:
        rec.cadre = cadre
        education_creates.append(rec)
    fast_create(EducationRecord, education_creates, user=user, now=now)
    for chunk in chunks(plan.education_updates):
        bulk_update_with_history(chunk, EducationRecord, ["level", "degree", "school", "major"], batch_size=500, default_user=user)
    assessment_creates = []
    for cadre, rec in plan.assessment_creates:
        rec.cadre = cadre
        assessment_creates.append(rec)
    fast_create(AnnualAssessment, assessment_creates, user=user, now=now)
    for chunk in chunks(plan.assessment_updates):
        bulk_update_with_history(chunk, AnnualAssessment, ["grade"], batch_size=500, default_user=user)

    synced = creates + updates
    rows_by_cadre = {id(c): row.row for row, c in plan.creates}
    rows_by_cadre.update({id(c): row.row for row, c, _ in plan.updates})
    for chunk in chunks(synced):
        warnings = sync_positions_bulk(chunk, user=user)
        for cadre in chunk:
            for message in warnings.get(cadre.pk, ()):
                report.warnings.append(rf.RowIssue(rows_by_cadre.get(id(cadre)), "职务", cadre.position_title, message))
