"""Roster Excel import (干部花名册导入): check the whole sheet first, then write everything in one transaction.

    report = import_roster(actor=user, source="roster.xlsx", dry_run=True)   # preview: errors or counts
    report = import_roster(actor=user, source="roster.xlsx")                 # writes only when no error

Reading is in ``reading`` (the checks of each row in ``rows``). Writing is set-based: the stored records are
compared as plain values (``cadre.bulk.values_in``: one query per table on PostgreSQL, no model instances), new
records go in from plain dicts with their “+” history rows (``cadre.bulk.insert_rows``: one ``COPY`` per table on
PostgreSQL, the pks taken from the sequence first, the history copied in SQL), their post and rank rows through
``cadre.services.positions.positions_open_bulk``; changed records are loaded as instances and written with
django-simple-history's bulk helpers and ``sync_positions_bulk``. Name keys come from
``cadre.sortkeys.stroke_keys_bulk`` (each distinct name once). One audit row per import.
"""
from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.audit import audit

from ..audit import AuditAction
from ..bulk import chunks, fast_create, gin_pending_lists_merge, insert_rows, values_in
from ..choices import RANK_ORDER
from ..eligibility import roster_version_bump
from ..models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, OrgUnit
from ..services import family_links_refresh, infer_unit_kind, sync_positions_bulk, units_create_bulk
from ..services.positions import positions_open_bulk
from ..sortkeys import stroke_keys_bulk
from . import formats as rf
from .reading import read_roster
from .report import ImportReport, ProgressFn, RosterRow

# model fields whose blank cell keeps the current value (a new record takes the default)
KEEP_WHEN_BLANK = {"ethnicity": "01", "political_status": "中共党员", "staffing_type": "公务员"}
EDUCATION_FIELDS = ("level", "degree", "school", "major")


@dataclass
class _Plan:
    creates: list = field(default_factory=list)  # (RosterRow, field values, name of a unit still to create or "")
    updates: list = field(default_factory=list)  # (RosterRow, Cadre, changed fields)
    education_creates: list = field(default_factory=list)  # EducationRecord of an existing cadre
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


def _stored(rows: list[RosterRow]):
    """The stored records of the sheet's 身份证号 as plain values: cadre fields by number, education rows by
    (cadre, mode) and assessments by (cadre, year), each as (pk, values…)."""
    present = set().union(*(r.values.keys() for r in rows)) | {"id", "id_number"}
    if "unit" in present:
        present.add("unit_id")
    names = [f.attname for f in Cadre._meta.concrete_fields if f.attname in present]  # only the sheet's columns
    cadres: dict[str, dict] = {}
    for values in values_in(Cadre, "id_number", [r.id_number for r in rows], names):
        record = dict(zip(names, values))
        cadres[record["id_number"]] = record
    ids = [c["id"] for c in cadres.values()]
    educations: dict[tuple[int, str], tuple] = {}
    for pk, cadre_id, mode, *rest in values_in(EducationRecord, "cadre_id", ids, ["id", "cadre_id", "mode", *EDUCATION_FIELDS]):
        educations[(cadre_id, mode)] = (pk, *rest)
    assessments: dict[tuple[int, int], tuple] = {}
    for pk, cadre_id, year, grade in values_in(AnnualAssessment, "cadre_id", ids, ["id", "cadre_id", "year", "grade"]):
        assessments[(cadre_id, year)] = (pk, grade)
    return cadres, educations, assessments


def _plan(rows: list[RosterRow], warnings: list[rf.RowIssue]) -> _Plan:
    plan = _Plan()
    units, plan.new_units = _resolve_units(rows)
    existing, educations, assessments = _stored(rows)
    updates: list = []  # (row, cadre id, changed, values, unit name)
    education_updates: dict[int, dict] = {}  # education pk → new values
    assessment_updates: dict[int, str] = {}  # assessment pk → new grade

    for row in rows:
        values = dict(row.values)
        unit_name = values.pop("unit", None)
        if unit_name is not None:
            values["unit_id"] = units.get(unit_name) if unit_name else None
        stored = existing.get(row.id_number)
        if stored is None:
            for key, default in KEEP_WHEN_BLANK.items():
                if not values.get(key):
                    values[key] = default
            if values.get("unit_id", 0) is None:
                del values["unit_id"]
            pending = unit_name if unit_name and "unit_id" not in values else ""
            plan.creates.append((row, values, pending))
            continue
        pk = stored["id"]
        changed = []
        for key, value in values.items():
            if key in KEEP_WHEN_BLANK and not value:
                continue
            if key == "unit_id" and value is None and unit_name:
                changed.append(key)  # a unit that does not exist yet
                continue
            if stored[key] != value:
                changed.append(key)
        if changed:
            updates.append((row, pk, changed, values, unit_name))
        child_change = False
        for mode, data in row.educations.items():
            rec = educations.get((pk, mode))
            if rec is None:
                plan.education_creates.append(EducationRecord(cadre_id=pk, mode=mode, **data))
                child_change = True
            elif any(rec[1 + EDUCATION_FIELDS.index(k)] != v for k, v in data.items()):
                education_updates[rec[0]] = data
                child_change = True
        for year, grade in row.assessments.items():
            rec = assessments.get((pk, year))
            if rec is None:
                plan.assessment_creates.append(AnnualAssessment(cadre_id=pk, year=year, grade=grade))
                child_change = True
            elif rec[1] != grade:
                assessment_updates[rec[0]] = grade
                child_change = True
        if changed or child_change:
            plan.touched.add(pk)

    # only what changes is loaded as model instances (the bulk history helpers need them)
    loaded = _in_bulk(Cadre, [pk for _row, pk, *_ in updates])
    for row, pk, changed, values, unit_name in updates:
        cadre = loaded[pk]
        cadre._unit_name = unit_name
        cadre._new_values = values
        plan.updates.append((row, cadre, changed))
    for rec in _in_bulk(EducationRecord, list(education_updates)).values():
        for k, v in education_updates[rec.pk].items():
            setattr(rec, k, v)
        plan.education_updates.append(rec)
    for rec in _in_bulk(AnnualAssessment, list(assessment_updates)).values():
        rec.grade = assessment_updates[rec.pk]
        plan.assessment_updates.append(rec)
    return plan


def _in_bulk(model, pks: list[int]) -> dict:
    out = {}
    for chunk in chunks(pks):
        out.update(model.objects.in_bulk(chunk))
    return out


@contextmanager
def cyclic_gc_paused():
    """Python's cycle collector paused for a bulk job, then resumed as it was. An import allocates millions of small
    objects that hold no cycles (cells, rows, parsed values, COPY text); reference counting frees them all, but the
    allocations kept triggering the collector, and each of its full passes over the process's heap (Django, the
    workbook, the rows) found nothing and took 0.1–0.4 s."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_roster(*, actor, source, dry_run: bool = False, progress: ProgressFn | None = None, filename: str = "") -> ImportReport:
    """Check the whole roster; when there is no error and not ``dry_run``, write it in one transaction."""
    with cyclic_gc_paused():
        return _import_roster(actor=actor, source=source, dry_run=dry_run, progress=progress, filename=filename)


def _import_roster(*, actor, source, dry_run: bool, progress: ProgressFn | None, filename: str) -> ImportReport:
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
        created_ids = _write(plan, actor=actor, user=user, report=report)
        roster_version_bump()  # bulk writes send no signals: cached eligibility screens go stale after the commit
        if plan.creates:  # the name searches' GIN indexes hold the new rows in their pending lists until merged
            transaction.on_commit(lambda: gin_pending_lists_merge(Cadre))
        # family rows elsewhere that are these records (set-based over the imported ids); none unlinked: nothing to do
        if FamilyMember.objects.filter(relative_cadre__isnull=True).exists():
            family_links_refresh(actor=actor, cadre_ids=created_ids + [c.pk for _r, c, _ch in plan.updates])
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


def _write(plan: _Plan, *, actor, user, report: ImportReport) -> list[int]:
    """Write the plan; returns the ids of the new records (in sheet order)."""
    unit_ids = units_create_bulk(actor=actor, units=plan.new_units)
    now = timezone.now()
    unit_orders = dict(OrgUnit.objects.values_list("id", "order"))  # the unit tree is small
    created_ids = _write_creates(plan.creates, unit_ids, unit_orders, user=user, now=now, report=report)

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

    fast_create(EducationRecord, plan.education_creates, user=user, now=now)
    for chunk in chunks(plan.education_updates):
        bulk_update_with_history(chunk, EducationRecord, list(EDUCATION_FIELDS), batch_size=500, default_user=user)
    fast_create(AnnualAssessment, plan.assessment_creates, user=user, now=now)
    for chunk in chunks(plan.assessment_updates):
        bulk_update_with_history(chunk, AnnualAssessment, ["grade"], batch_size=500, default_user=user)

    rows_by_cadre = {id(c): row.row for row, c, _ in plan.updates}
    for chunk in chunks(updates):
        warnings = sync_positions_bulk(chunk, user=user)
        for cadre in chunk:
            for message in warnings.get(cadre.pk, ()):
                report.warnings.append(rf.RowIssue(rows_by_cadre.get(id(cadre)), "职务", cadre.position_title, message))
    return created_ids


def _write_creates(creates: list, unit_ids: dict, unit_orders: dict, *, user, now, report: ImportReport) -> list[int]:
    """The new records from plain values: the cadres, their education and assessment rows, post and rank rows."""
    if not creates:
        return []
    keys = stroke_keys_bulk([values["name"] for _row, values, _unit in creates])
    cadres = []
    for (_row, values, pending), (pinyin, stroke, search) in zip(creates, keys):
        if pending:
            values["unit_id"] = unit_ids[pending]
        values["rank_order"] = RANK_ORDER.get(values.get("rank_level"), 99)
        values["unit_order"] = unit_orders.get(values.get("unit_id"))
        values["pinyin_key"], values["stroke_key"], values["search_key"] = pinyin, stroke, search
        cadres.append(values)
    ids = insert_rows(Cadre, cadres, user=user, now=now)
    educations, assessments, positions = [], [], []
    for (row, values, _pending), pk in zip(creates, ids):
        for mode, data in row.educations.items():
            educations.append({"cadre_id": pk, "mode": mode, **data})
        for year, grade in row.assessments.items():
            assessments.append({"cadre_id": pk, "year": year, "grade": grade})
        positions.append({"id": pk, **values})
    insert_rows(EducationRecord, educations, user=user, now=now)
    insert_rows(AnnualAssessment, assessments, user=user, now=now)
    warnings = positions_open_bulk(positions, user=user)
    for (row, values, _pending), pk in zip(creates, ids):
        for message in warnings.get(pk, ()):
            report.warnings.append(rf.RowIssue(row.row, "职务", values.get("position_title"), message))
    return ids
