"""Changing what was frozen (selection.md "Snapshots", documents.md): a snapshot fact corrected by hand (staff, a
reason, audited) and an issued campaign notice corrected as its next version (a reason; the old one stays,
marked 被第N版替代). Nothing here touches the live record: a record change is shown as 档案已变更 instead.
"""
from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError
from documents.models import GeneratedDocument
from documents.services import campaign_document_generate

from .. import gates, notices, snapshots
from ..audit import AuditAction
from ..models import Application, Campaign
from .base import actor_user, app_label, lock, require_staff

MONTH = re.compile(r"^(\d{4})[.\-年/](\d{1,2})月?$")


def _clean(field: str, value: str) -> dict:
    """The snapshot keys one corrected fact sets (出生年月 also sets the date; unit/post the job text)."""
    value = (value or "").strip()
    if field == "birth_month":
        m = MONTH.match(value)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ApplicationError("出生年月应写作“1988.05”。", field="value")
        year, month = int(m.group(1)), int(m.group(2))
        return {"birth_month": f"{year}.{month:02d}", "birth": dt.date(year, month, 1).isoformat()}
    if field == "rank_start" and value:
        try:
            return {"rank_start": dt.date.fromisoformat(value).isoformat()}
        except ValueError:
            raise ApplicationError("任现职级时间应写作“2020-03-01”。", field="value") from None
    return {field: value}


def application_snapshot_correct(*, actor, application: Application, field: str, value: str, reason: str) -> Application:
    """Staff correct one fact of an application's snapshot, with a reason; the change is audited (old and new
    value) and kept in the snapshot's ``corrections`` list. Documents already issued keep their text; a
    correction of a notice is ``campaign_document_correct``."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("更正档案快照须填写理由。", field="reason")
    if field not in snapshots.CORRECTABLE:
        raise ApplicationError("只能更正快照中的个人信息和任职信息。", field="field")
    with transaction.atomic():
        lock(application.campaign_id)
        app = Application.objects.select_for_update().select_related("cadre", "campaign_post__post").get(pk=application.pk)
        if not app.snapshot:
            raise ApplicationError("该报名尚未提交，没有档案快照；个人信息以干部档案为准。")
        new = _clean(field, value)
        old = {k: app.snapshot.get(k, "") for k in new}
        if old == new:
            raise ApplicationError("更正后的内容与快照相同。", field="value")
        snap = {**app.snapshot, **new}
        snap["current_job"] = f"{snap.get('unit', '')}{snap.get('post', '')}"
        label = snapshots.FACT_LABELS[field]
        snap["corrections"] = [*app.snapshot.get("corrections", []), {
            "field": field, "label": label, "was": old.get(field, ""), "now": new[field], "reason": reason[:300],
            "by": getattr(actor_user(actor), "username", ""), "at": timezone.now().isoformat(),
        }]
        app.snapshot = snap
        app._history_user = actor_user(actor)
        app.save(update_fields=["snapshot", "updated_at"])
        audit(actor=actor, action=AuditAction.SNAPSHOT_CORRECT, obj=app,
              summary=f"更正档案快照：{app_label(app)}，{label}“{old.get(field) or '（空）'}”改为“{new[field] or '（空）'}”，理由：{reason}",
              data={"field": field, "old": old, "new": new, "reason": reason})
    return app


BUILDERS = {
    "post_announcement": lambda c: notices.announcement_data(c, today=_published_on(c)),
    "qualification_notice": notices.qualification_data,
    "inspection_notice": notices.inspection_data,
    "pre_appointment_notice": notices.pre_appointment_data,
    "appointment_notice": notices.appointment_data,
}


def _published_on(campaign: Campaign) -> dt.date | None:
    doc = GeneratedDocument.objects.filter(kind="post_announcement", subject_key=campaign.scope,
                                           superseded_by__isnull=True).order_by("-version").first()
    return doc.document_date if doc is not None else None


def campaign_document_correct(*, actor, campaign: Campaign, kind: str, reason: str) -> GeneratedDocument:
    """A corrected notice: rebuilt from the snapshots (with any corrections) and dated as its stage; stored as the
    next version with the reason, the old version kept and marked 被第N版替代. Refused without a reason, or when
    nothing changed."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("更正已印发文书须填写更正理由。", field="reason")
    if kind not in BUILDERS:
        raise ApplicationError("该文书不能在此更正。", field="kind")
    with transaction.atomic():
        locked = lock(campaign)
        before = GeneratedDocument.objects.filter(kind=kind, subject_key=locked.scope).count()
        doc = campaign_document_generate(
            actor=actor, kind=kind, subject_key=locked.scope, data=BUILDERS[kind](locked), reason=reason,
            issue="公布", subject_ids=sorted(set(gates.qualified(locked).values_list("cadre_id", flat=True))),
        )
        if GeneratedDocument.objects.filter(kind=kind, subject_key=locked.scope).count() == before:
            raise ApplicationError(f"{doc.title}的内容没有变化，无需更正（现行为第{doc.version}版）。")
        audit(actor=actor, action=AuditAction.DOCUMENT_CORRECT, obj=locked,
              summary=f"{locked.title}：更正{doc.title}，生成第{doc.version}版，理由：{reason}",
              data={"document": doc.pk, "kind": kind, "version": doc.version, "reason": reason})
    return doc
