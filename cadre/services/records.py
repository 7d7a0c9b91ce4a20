"""Writes to a cadre's related records (学历学位、年度考核、家庭成员、奖惩情况) from the record form.

Each list item is a dict of model fields, with optional `id` (the row to change: a pk or an instance) and
`DELETE` (remove that row). Everything happens in one transaction with one audit row; call it inside the
same `transaction.atomic()` as cadre_create/cadre_update so the whole form saves or nothing does.
Errors raise ApplicationError with `field` = the section name (educations/assessments/family/rewards).
"""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..choices import AssessmentGrade, EducationMode
from ..models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, RewardPunishment
from .cadres import validate_id_number
from .common import history_user
from .family import family_links_refresh

EDUCATION_FIELDS = ["level", "degree", "school", "major", "graduated_on"]
ASSESSMENT_FIELDS = ["year", "grade", "reason"]
FAMILY_FIELDS = ["relation", "name", "birth_date", "political_status", "work_unit_and_post", "id_number", "order"]
REWARD_FIELDS = ["kind", "name", "reason", "decided_on", "effect_start", "effect_end", "issuer"]

SECTION_LABELS = {"educations": "学历学位", "assessments": "年度考核", "family": "家庭成员", "rewards": "奖惩情况"}


def _pk(value):
    return getattr(value, "pk", value) or None


def _history_user(obj, actor):
    obj._history_user = history_user(actor)


def _error(section: str, row: int | None, message: str) -> ApplicationError:
    where = f"{SECTION_LABELS[section]}第{row}行：" if row else f"{SECTION_LABELS[section]}："
    return ApplicationError(where + message, field=section)


def _check_assessments(rows: list[dict], today: dt.date):
    years: dict[int, int] = {}
    for n, row in rows:
        year = row.get("year")
        if not year:
            raise _error("assessments", n, "请填写年度")
        if year > today.year:
            raise _error("assessments", n, f"{year}年度尚未结束，不能录入考核结果")
        if not row.get("grade"):
            raise _error("assessments", n, "请选择考核结果")
        if row["grade"] == AssessmentGrade.UNDETERMINED and not (row.get("reason") or "").strip():
            raise _error("assessments", n, "考核结果为未定等次时须填写说明（原因）")
        if year in years:
            raise _error("assessments", n, f"{year}年度考核与第{years[year]}行重复")
        years[year] = n


def _check_family(rows: list[dict], cadre: Cadre, today: dt.date):
    for n, row in rows:
        if not (row.get("relation") or "").strip():
            raise _error("family", n, "请填写称谓")
        if not (row.get("name") or "").strip():
            raise _error("family", n, "请填写姓名")
        if row.get("birth_date") and row["birth_date"] > today:
            raise _error("family", n, "出生日期不能晚于今天")
        if row.get("id_number"):
            try:
                row["id_number"] = validate_id_number(row["id_number"])
            except ApplicationError as exc:
                raise _error("family", n, exc.message) from None
            if row["id_number"] == cadre.id_number:
                raise _error("family", n, "家庭成员的身份证号与本人相同")


def _check_rewards(rows: list[dict]):
    for n, row in rows:
        if not row.get("kind"):
            raise _error("rewards", n, "请选择类别")
        if not (row.get("name") or "").strip():
            raise _error("rewards", n, "请填写名称")
        if not row.get("decided_on"):
            raise _error("rewards", n, "请填写决定时间")
        start, end = row.get("effect_start"), row.get("effect_end")
        if start and end and end < start:
            raise _error("rewards", n, "影响期止不能早于影响期起")


def _sync_rows(*, actor, cadre, model, section, rows, fields) -> tuple[int, int, int]:
    """Create/update/delete the cadre's rows of one section; returns (created, updated, deleted)."""
    existing = {obj.pk: obj for obj in model.objects.filter(cadre=cadre)}
    created = updated = deleted = 0
    for n, row in rows:
        pk = _pk(row.get("id"))
        if pk is not None and pk not in existing:
            raise _error(section, n, "该行不属于本人档案，可能已被他人删除，请刷新页面后重试")
        if row.get("DELETE"):
            if pk is not None:
                obj = existing.pop(pk)
                _history_user(obj, actor)
                obj.delete()
                deleted += 1
            continue
        values = {f: (row.get(f) if row.get(f) is not None else _default(model, f)) for f in fields if f in row}
        if pk is None:
            obj = model(cadre=cadre, **values)
            _history_user(obj, actor)
            obj.save()
            created += 1
        else:
            obj = existing[pk]
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                _history_user(obj, actor)
                obj.save()
                updated += 1
    return created, updated, deleted


def _default(model, name):
    f = model._meta.get_field(name)
    if f.null:
        return None
    if f.has_default():
        return f.get_default()
    return ""


def _sync_educations(*, actor, cadre, educations) -> tuple[int, int, int]:
    existing = {obj.mode: obj for obj in EducationRecord.objects.filter(cadre=cadre)}
    created = updated = deleted = 0
    seen = set()
    for n, row in enumerate(educations, start=1):
        mode = row.get("mode")
        if mode not in EducationMode.values:
            raise _error("educations", n, "教育类别应为全日制或在职")
        if mode in seen:
            raise _error("educations", n, f"{mode}学历重复")
        seen.add(mode)
        values = {f: row.get(f) or _default(EducationRecord, f) for f in EDUCATION_FIELDS}
        # the LRMX import also sets the 党校 flag and the 学历 as written; forms leave them as they are
        values.update({f: row[f] for f in ("party_school", "level_text") if f in row})
        blank = not any(row.get(f) for f in EDUCATION_FIELDS)
        if not blank and not values["level"] and not values["degree"]:
            raise _error("educations", n, f"请选择{mode}学历或填写学位")
        obj = existing.get(mode)
        if blank:
            if obj is not None:
                _history_user(obj, actor)
                obj.delete()
                deleted += 1
            continue
        if obj is None:
            obj = EducationRecord(cadre=cadre, mode=mode, **values)
            _history_user(obj, actor)
            obj.save()
            created += 1
        else:
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                _history_user(obj, actor)
                obj.save()
                updated += 1
    return created, updated, deleted


def cadre_records_save(
    *,
    actor,
    cadre: Cadre,
    educations: list[dict] | None = None,
    assessments: list[dict] | None = None,
    family: list[dict] | None = None,
    rewards: list[dict] | None = None,
) -> dict[str, tuple[int, int, int]]:
    """Bring the given sections of a record in line with the submitted rows (None = leave that section alone).

    Returns {section: (created, updated, deleted)}.
    """
    today = timezone.localdate()

    def numbered(rows):
        return [(n, dict(row)) for n, row in enumerate(rows or [], start=1)]

    a_rows, f_rows, r_rows = numbered(assessments), numbered(family), numbered(rewards)
    _check_assessments([(n, r) for n, r in a_rows if not r.get("DELETE")], today)
    _check_family([(n, r) for n, r in f_rows if not r.get("DELETE")], cadre, today)
    _check_rewards([(n, r) for n, r in r_rows if not r.get("DELETE")])

    result: dict[str, tuple[int, int, int]] = {}
    with transaction.atomic():
        if educations is not None:
            result["educations"] = _sync_educations(actor=actor, cadre=cadre, educations=educations)
        if assessments is not None:
            # deletions first so that a year moved from one row to another does not clash with itself
            ordered = sorted(a_rows, key=lambda item: not item[1].get("DELETE"))
            try:
                with transaction.atomic():
                    result["assessments"] = _sync_rows(
                        actor=actor, cadre=cadre, model=AnnualAssessment, section="assessments", rows=ordered,
                        fields=ASSESSMENT_FIELDS,
                    )
            except IntegrityError:
                raise ApplicationError(
                    "年度考核：同一年度只能有一条考核记录（如需对调两行的年度，请分两次保存）", field="assessments"
                ) from None
        if family is not None:
            result["family"] = _sync_rows(
                actor=actor, cadre=cadre, model=FamilyMember, section="family", rows=f_rows, fields=FAMILY_FIELDS
            )
            # the form and the LRMX import: link this record's family rows, and others' rows that are this record
            family_links_refresh(actor=actor, cadre_ids=[cadre.pk])
        if rewards is not None:
            result["rewards"] = _sync_rows(
                actor=actor, cadre=cadre, model=RewardPunishment, section="rewards", rows=r_rows, fields=REWARD_FIELDS
            )
        changed = {k: v for k, v in result.items() if any(v)}
        if changed:
            parts = [
                f"{SECTION_LABELS[k]}新增{c}条、修改{u}条、删除{d}条" for k, (c, u, d) in changed.items()
            ]
            audit(
                actor=actor,
                action=AuditAction.CADRE_RECORDS_UPDATE,
                obj=cadre,
                summary=f"修改干部档案 {cadre.name}：" + "；".join(parts),
                data={k: list(v) for k, v in changed.items()},
            )
    return result

