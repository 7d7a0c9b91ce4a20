"""The parts of a record the 干部任免审批表 carries besides the form fields: the photo and the 简历 (the
post-history rows, kept line by line). Keyword-only, an actor, one transaction, simple-history with the actor.

Each writes its own audit row when called on its own; a caller that is one audited operation made of several
writes (the LRMX import names 照片/简历 in its own row) passes ``audited=False``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from core.audit import audit

from ..audit import AuditAction
from ..models import Cadre, OrgUnit, PostHistory
from .common import history_user

TITLE_MAX = PostHistory._meta.get_field("title").max_length


@dataclass(frozen=True)
class ResumeLine:
    """One 简历 line: from/to (to None = to this day), the unit when it is a known OrgUnit, and the rest of the
    text (职务). ``unit_name + title`` is the line's text as written."""

    start: dt.date
    end: dt.date | None
    unit: OrgUnit | None
    title: str

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else ""


def cadre_photo_set(*, actor, cadre: Cadre, content: bytes, name: str, audited: bool = True) -> Cadre:
    """Store ``content`` (image bytes) as the cadre's photo under ``name``; returns the saved cadre."""
    with transaction.atomic():
        cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
        cadre.photo.save(name, ContentFile(content), save=False)
        cadre._history_user = history_user(actor)
        cadre.save()
        if audited:
            audit(actor=actor, action=AuditAction.CADRE_PHOTO_SET, obj=cadre, summary=f"更换干部照片 {cadre.name}")
    return cadre


def _same_month(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _matches(row: PostHistory, line: ResumeLine) -> bool:
    return (
        _same_month(row.start, line.start)
        and ((row.end is None and line.end is None) or _same_month(row.end, line.end))
        and f"{row.unit_name}{row.title}" == f"{line.unit_name}{line.title}"
    )


def post_history_replace(*, actor, cadre: Cadre, lines: Sequence[ResumeLine], audited: bool = True) -> tuple[int, int]:
    """Make the cadre's post-history rows say what the 简历 lines say. A row with the same start month, the same
    end month (or both open) and the same unit name + 职务 as a line stays as it is (with its post, seat and
    exact days); every other line becomes a new row, every row no line matched is deleted.

    Returns (created, deleted).
    """
    user = history_user(actor)
    with transaction.atomic():
        Cadre.objects.select_for_update().only("pk").get(pk=cadre.pk)  # one replacement per cadre at a time
        unmatched = list(PostHistory.objects.filter(cadre=cadre).order_by("start", "id"))
        created = deleted = 0
        for line in lines:
            match = next((r for r in unmatched if _matches(r, line)), None)
            if match is not None:
                unmatched.remove(match)
                continue
            row = PostHistory(
                cadre=cadre,
                unit=line.unit,
                unit_name=line.unit_name,
                title=line.title[:TITLE_MAX],
                start=line.start,
                end=line.end,
            )
            row._history_user = user
            row.save()
            created += 1
        for row in unmatched:
            row._history_user = user
            row.delete()
            deleted += 1
        if audited and (created or deleted):
            audit(
                actor=actor,
                action=AuditAction.CADRE_POST_HISTORY_REPLACE,
                obj=cadre,
                summary=f"修改干部简历 {cadre.name}：任职经历新增{created}条、删除{deleted}条",
                data={"created": created, "deleted": deleted},
            )
    return created, deleted
