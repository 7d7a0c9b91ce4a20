"""Writes of the 节假日安排 (the State Council's yearly holiday arrangement entered by staff); re-exported from
``documents.services``."""
from __future__ import annotations

from django.db import transaction

from core.audit import audit
from core.exceptions import ApplicationError

from .. import workdays
from ..audit import AuditAction
from ..models import CalendarDay


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- 节假日安排 (the yearly State Council holiday arrangement) -------------------------------------------------------
def _calendar_upsert(*, actor, day, is_working_day: bool, name: str, note: str) -> tuple[CalendarDay, bool]:
    return CalendarDay.objects.update_or_create(
        date=day,
        defaults={"is_working_day": is_working_day, "name": name, "note": note},
        create_defaults={
            "is_working_day": is_working_day, "name": name, "note": note, "created_by": _user(actor),
        },
    )


def calendar_day_set(*, actor, date, is_working_day: bool, name: str = "", note: str = ""):
    """Enter (or change) one day of the 放假安排; the stored day wins over the bundled calendar."""
    if date is None:
        raise ApplicationError("请填写日期", field="date")
    name, note = (name or "").strip(), (note or "").strip()
    if not name and is_working_day:
        name = workdays.DEFAULT_WORKING_NAME
    if len(name) > workdays.NAME_MAX:
        raise ApplicationError(f"名称不能超过{workdays.NAME_MAX}个字", field="name")
    if len(note) > workdays.NOTE_MAX:
        raise ApplicationError(f"备注不能超过{workdays.NOTE_MAX}个字", field="note")
    with transaction.atomic():
        day, created = _calendar_upsert(actor=actor, day=date, is_working_day=bool(is_working_day), name=name, note=note)
        audit(
            actor=actor, action=AuditAction.CALENDAR_DAY_SET, obj=day,
            summary=f"{'录入' if created else '修改'}节假日安排：{day}",
            data={"date": day.date.isoformat(), "is_working_day": day.is_working_day, "name": name, "created": created},
        )
    return day


def calendar_days_bulk(*, actor, text: str) -> list:
    """Enter many days at once from lines ``2027-01-01 放假 元旦`` / ``2027-02-07 上班 调休``.

    Every line is checked first; any bad line raises ApplicationError (``errors`` lists each line) and nothing is
    saved. Days already stored are overwritten.
    """
    entries, issues = workdays.parse_arrangement(text)
    if issues:
        raise ApplicationError(
            issues[0].message if len(issues) == 1 else f"共{len(issues)}行有误，未保存任何日期：" + "；".join(i.message for i in issues[:5]),
            errors=issues,
        )
    saved, created_count = [], 0
    with transaction.atomic():
        for entry in entries:
            day, created = _calendar_upsert(
                actor=actor, day=entry.date, is_working_day=entry.is_working_day, name=entry.name, note=entry.note
            )
            saved.append(day)
            created_count += created
        years = sorted({e.date.year for e in entries})
        audit(
            actor=actor, action=AuditAction.CALENDAR_DAYS_BULK,
            summary=f"批量录入节假日安排{len(entries)}天（{'、'.join(f'{y}年' for y in years)}；新增{created_count}天）",
            data={
                "days": [[e.date.isoformat(), e.is_working_day, e.name] for e in entries],
                "created": created_count,
                "updated": len(entries) - created_count,
            },
        )
    return saved


def calendar_day_delete(*, actor, calendar_day_id: int) -> None:
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(pk=calendar_day_id).first()
        if day is None:
            raise ApplicationError("该日期已不存在")
        audit(
            actor=actor, action=AuditAction.CALENDAR_DAY_DELETE, obj=day, summary=f"删除节假日安排：{day}",
            data={"date": day.date.isoformat(), "is_working_day": day.is_working_day, "name": day.name},
        )
        day.delete()
