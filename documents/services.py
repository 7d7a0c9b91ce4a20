"""Writes of the documents app: store rendered documents (content-addressed, versioned) and notifications."""
from __future__ import annotations

import hashlib
import json
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError
from core.jobs import enqueue_on_commit
from core.models import BackgroundJob

from . import campaign_docs, rendering, selectors, workdays
from .audit import AuditAction
from .lrmx import archive
from .lrmx import batch as lrmx_batch
from .models import CalendarDay, DocumentKind, DocumentSeries, GeneratedDocument, Notification

logger = logging.getLogger(__name__)

APPROVAL_TEMPLATE = "documents/print/approval_form.html"


def content_hash(kind: str, data: dict, template_version: str, *, exclude=()) -> str:
    """SHA-256 of the kind, the template version and the canonical JSON of the inputs."""
    payload = {k: v for k, v in data.items() if k not in exclude}
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{kind}\n{template_version}\n{canonical}".encode()).hexdigest()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _series(kind: str, subject_key: str) -> DocumentSeries:
    try:
        with transaction.atomic():
            series, _ = DocumentSeries.objects.get_or_create(kind=kind, subject_key=subject_key)
    except IntegrityError:  # created meanwhile by a concurrent task
        series = DocumentSeries.objects.get(kind=kind, subject_key=subject_key)
    return series


def _file_name(kind: str, digest: str) -> str:
    return f"documents/{kind}/{digest[:2]}/{digest}.pdf"


def find_document(kind: str, subject_key: str, digest: str) -> GeneratedDocument | None:
    return GeneratedDocument.objects.filter(kind=kind, subject_key=subject_key, content_hash=digest).first()


def document_store(
    *,
    actor,
    kind: str,
    subject_key: str,
    digest: str,
    template_version: str,
    title: str,
    pdf: bytes,
    page_count: int,
    subject_ids=(),
    cadre_id: int | None = None,
    job: BackgroundJob | None = None,
) -> tuple[GeneratedDocument, bool]:
    """Store a rendered PDF unless the same content is already stored. Returns (document, created).

    The series row is locked (select_for_update) so two tasks racing on the same subject get consecutive
    versions; the unique (kind, subject, hash) constraint turns a duplicate into a lookup of the first copy.
    The file name is the content hash, so a second write of the same content is the same file.
    """
    series = _series(kind, subject_key)
    try:
        with transaction.atomic():
            series = DocumentSeries.objects.select_for_update().get(pk=series.pk)
            existing = find_document(kind, subject_key, digest)
            if existing is not None:
                return existing, False
            name = _file_name(kind, digest)
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(pdf))
            version = series.latest_version + 1
            document = GeneratedDocument.objects.create(
                series=series,
                kind=kind,
                subject_key=subject_key,
                subject_ids=list(subject_ids),
                cadre_id=cadre_id,
                title=title[:200],
                version=version,
                content_hash=digest,
                template_version=template_version,
                file=name,
                page_count=page_count,
                size=len(pdf),
                created_by=_user(actor),
                job=job,
            )
            series.latest_version = version
            series.save(update_fields=["latest_version"])
            audit(
                actor=actor,
                action=AuditAction.DOCUMENT_GENERATE,
                obj=document,
                summary=f"生成文书 {document.title}（第{version}版）",
                data={"kind": kind, "subject": subject_key, "hash": digest},
            )
    except IntegrityError:
        existing = find_document(kind, subject_key, digest)
        if existing is None:
            raise
        return existing, False
    return document, True


# --- 干部任免审批表 -----------------------------------------------------------------------------------------------
def _approval_item(cadre_id: int, proposal: dict | None, tv: str) -> dict:
    try:
        cadre = selectors.cadre_for_documents(cadre_id)
    except selectors.Cadre.DoesNotExist:
        raise ApplicationError(f"干部档案（编号{cadre_id}）不存在") from None
    data = selectors.approval_form_data(cadre, proposal)
    digest = content_hash(DocumentKind.APPROVAL_FORM, data, tv, exclude=selectors.APPROVAL_FORM_VOLATILE)
    return {
        "cadre_id": cadre.pk,
        "data": data,
        "digest": digest,
        "subject_key": f"cadre:{cadre.pk}",
        "title": f"干部任免审批表-{cadre.name}",
    }


def approval_forms_generate(
    *, actor, cadre_ids: list[int], proposals: dict | None = None, job: BackgroundJob | None = None, workers: int = 1
) -> list[GeneratedDocument]:
    """任免审批表 for many cadres: unchanged ones are found by hash, the rest rendered in one batch."""
    proposals = proposals or {}
    tv = rendering.template_version(APPROVAL_TEMPLATE)
    items = [_approval_item(cid, proposals.get(str(cid)) or proposals.get(cid), tv) for cid in cadre_ids]
    found = {}
    for item in items:
        doc = find_document(DocumentKind.APPROVAL_FORM, item["subject_key"], item["digest"])
        if doc is not None:
            found[item["digest"]] = doc
    todo = [item for item in items if item["digest"] not in found]
    if job is not None:
        job_progress(job, done=len(items) - len(todo), total=len(items), message="正在生成干部任免审批表")
    if todo:
        parts = [
            rendering.render_part_html(APPROVAL_TEMPLATE, {"p": item["data"]}) for item in todo
        ]
        done_before = len(items) - len(todo)

        def progress(done, total):
            if job is not None:
                job_progress(job, done=done_before + done, total=len(items), message="正在生成干部任免审批表")

        rendered = rendering.render_many(parts, [item["title"] for item in todo], workers=workers, progress=progress)
        for item, part in zip(todo, rendered):
            doc, _ = document_store(
                actor=actor,
                kind=DocumentKind.APPROVAL_FORM,
                subject_key=item["subject_key"],
                digest=item["digest"],
                template_version=tv,
                title=item["title"],
                pdf=part.pdf,
                page_count=part.page_count,
                subject_ids=[item["cadre_id"]],
                cadre_id=item["cadre_id"],
                job=job,
            )
            found[item["digest"]] = doc
    return [found[item["digest"]] for item in items]


def approval_form_generate(*, actor, cadre_id: int, proposal: dict | None = None, job=None) -> GeneratedDocument:
    return approval_forms_generate(
        actor=actor, cadre_ids=[cadre_id], proposals={cadre_id: proposal} if proposal else None, job=job
    )[0]


# --- campaign documents -------------------------------------------------------------------------------------------
def campaign_document_html(kind: str, data) -> tuple[str, dict]:
    context = campaign_docs.build_context(kind, data)
    return rendering.render_part_html(campaign_docs.TEMPLATES[kind], context), context


def campaign_document_generate(
    *, actor, kind: str, subject_key: str, data, subject_ids=(), job: BackgroundJob | None = None
) -> GeneratedDocument:
    """One campaign document from plain data (a dataclass of documents.campaign_docs or its dict)."""
    if kind not in campaign_docs.DATA_CLASSES:
        raise ApplicationError(f"未知的文书类型：{kind}")
    plain = campaign_docs.to_plain(data)
    tv = rendering.template_version(campaign_docs.TEMPLATES[kind])
    digest = content_hash(kind, plain, tv)
    existing = find_document(kind, subject_key, digest)
    if existing is not None:
        return existing
    html, context = campaign_document_html(kind, plain)
    title = context["title"]
    part = rendering.render_chunk([html], [title])[0]
    doc, _ = document_store(
        actor=actor, kind=kind, subject_key=subject_key, digest=digest, template_version=tv, title=title,
        pdf=part.pdf, page_count=part.page_count, subject_ids=subject_ids, job=job,
    )
    return doc


def document_record_download(*, actor, document: GeneratedDocument) -> None:
    now = timezone.now()
    GeneratedDocument.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)
    GeneratedDocument.objects.filter(pk=document.pk, first_downloaded_at__isnull=True).update(first_downloaded_at=now)
    audit(actor=actor, action=AuditAction.DOCUMENT_DOWNLOAD, obj=document, summary=f"下载文书：{document}",
          data={"kind": document.kind, "subject": document.subject_key})


def lrmx_export_record(*, actor, cadre) -> None:
    """The audit row of one LRMX export: the whole record, full 身份证号 included, leaves the system."""
    audit(actor=actor, action=AuditAction.LRMX_EXPORT, obj=cadre, summary=f"导出LRMX文件：{cadre.name}",
          data={"cadre": cadre.pk})


# --- background jobs ------------------------------------------------------------------------------------------------
def job_create(*, actor, kind: str, params: dict, total: int = 0) -> BackgroundJob:
    return BackgroundJob.objects.create(kind=kind, created_by=_user(actor), params=params, total=total)


def approval_forms_request(
    *, actor, cadre_ids: list[int], proposals: dict | None = None, next_url: str = ""
) -> BackgroundJob:
    """Queue 任免审批表 for ``cadre_ids`` (rendered in one batch): the job row now, the task once the
    transaction commits (``documents.render_approval_forms``, by name). Its progress page reads the job."""
    ids = list(cadre_ids)
    job = job_create(
        actor=actor, kind="documents.approval_form", total=len(ids), params={"cadre_ids": ids, "next_url": next_url}
    )
    enqueue_on_commit(
        "documents.render_approval_forms", ids, actor_id=getattr(_user(actor), "pk", None), job_id=job.pk,
        proposals=proposals,
    )
    return job


def job_progress(job: BackgroundJob, *, done: int, total: int, message: str = "") -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.RUNNING, progress=done, total=total, message=message[:500], updated_at=timezone.now()
    )


def job_finish(job: BackgroundJob, *, result: dict, message: str) -> None:
    job.refresh_from_db()
    job.status = BackgroundJob.Status.DONE
    job.result = result
    job.message = message[:500]
    job.progress = job.total or job.progress
    job.save(update_fields=["status", "result", "message", "progress", "updated_at"])


def job_fail(job: BackgroundJob, *, message: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.FAILED, message=message[:500], updated_at=timezone.now()
    )


# --- notifications --------------------------------------------------------------------------------------------------
def notification_create(
    *, user, source: str, dedup_key: str, title: str, body: str = "", link: str = "", email: bool = True
) -> tuple[Notification, bool]:
    """Idempotent: the same (user, dedup_key) is stored once. A new one is also e-mailed once the surrounding
    transaction commits (``email``; settings.NOTIFY_EMAIL, on by default; Django's mail framework, the console
    backend unless configured), when the user has an address."""
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                user=user, dedup_key=dedup_key[:200],
                defaults={"source": source, "title": title[:200], "body": body, "link": link[:300]},
            )
    except IntegrityError:
        return Notification.objects.get(user=user, dedup_key=dedup_key[:200]), False
    if created and email and getattr(settings, "NOTIFY_EMAIL", True) and getattr(user, "email", ""):
        transaction.on_commit(lambda: notification_email(notification_id=notification.pk))
    return notification, created


def notification_email(*, notification_id: int) -> bool:
    """Send one notification by e-mail (once: ``emailed_at`` marks it); a mail server error is logged, the
    notification stays in the bell."""
    n = Notification.objects.select_related("user").filter(pk=notification_id, emailed_at=None).first()
    if n is None or not n.user.email:
        return False
    link = f"\n\n{getattr(settings, 'SITE_URL', '').rstrip('/')}{n.link}" if n.link else ""
    try:
        send_mail(subject=f"[干部系统] {n.title}", message=f"{n.body}{link}".strip() or n.title,
                  from_email=None, recipient_list=[n.user.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("notification e-mail %s failed", n.pk)
        return False
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
    return True


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all when no id) as read; returns how many changed."""
    qs = Notification.objects.filter(user=user, is_read=False)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(is_read=True, read_at=timezone.now())


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


# --- LRMX batch import ----------------------------------------------------------------------------------------------
LRMX_BATCH_KIND = "documents.lrmx_batch"  # BackgroundJob.kind
LRMX_BATCH_TASK = "documents.run_lrmx_batch"


def _lrmx_batch_launch(job: BackgroundJob) -> None:
    """Small batches run here and now (after the job row is committed); larger ones (``LRMX_BATCH_ASYNC_FILES``)
    on the worker, enqueued by task name."""
    if job.total > settings.LRMX_BATCH_ASYNC_FILES:
        enqueue_on_commit(LRMX_BATCH_TASK, job.pk)
    else:
        lrmx_batch_run(job_id=job.pk)


def lrmx_batch_start(*, actor, uploads) -> BackgroundJob:
    """Store uploaded LRMX files or a zip (checked: count, sizes, names) on a new job and run its preview.
    Raises ApplicationError when the batch is refused as a whole; nothing is stored then."""
    data, name, count = archive.pack_uploads(uploads)
    with transaction.atomic():
        job = BackgroundJob(kind=LRMX_BATCH_KIND, created_by=_user(actor), total=count, message="等待检查",
                            params={"mode": "preview", "filename": name[:200]})
        job.input_file.save(f"lrmx_{timezone.localtime():%Y%m%d_%H%M%S}.zip", ContentFile(data), save=False)
        job.save()
        job.params["next_url"] = reverse("documents:lrmx-batch", args=[job.pk])
        job.save(update_fields=["params"])
    _lrmx_batch_launch(job)
    return job


def lrmx_batch_confirm(*, actor, job: BackgroundJob) -> BackgroundJob:
    """Import the previewed batch (stored on the job): each person in a transaction of their own."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job.pk, kind=LRMX_BATCH_KIND)
        if job.params.get("mode") != "preview" or job.status != BackgroundJob.Status.DONE or "preview" not in job.result:
            raise ApplicationError("这批文件尚未预览完成或已经导入，不能再次确认")
        job.params = {**job.params, "mode": "import", "confirmed_by": getattr(_user(actor), "pk", None)}
        job.status, job.progress, job.message = BackgroundJob.Status.PENDING, 0, "等待导入"
        job.save(update_fields=["params", "status", "progress", "message", "updated_at"])
    _lrmx_batch_launch(job)
    return job


def lrmx_batch_run(*, job_id: int) -> None:
    """The job's preview or import (``params["mode"]``); a finished one is not run again."""
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    mode = job.params.get("mode", "preview")
    if job.status == BackgroundJob.Status.DONE and mode in job.result:
        return
    actor = get_user_model().objects.filter(pk=job.params.get("confirmed_by")).first() or job.created_by
    commit = mode == "import"
    job_progress(job, done=0, total=job.total, message="正在导入" if commit else "正在检查")
    try:
        with job.input_file.open("rb") as fh:
            batch = archive.read_zip(fh, label=f"压缩包「{job.params.get('filename', '')}」")
    except ApplicationError as exc:
        job_fail(job, message=exc.message)
        return
    report = lrmx_batch.run_batch(
        batch, actor=actor, commit=commit,
        progress=lambda done, total: job_progress(job, done=done, total=total, message="正在导入" if commit else "正在检查"),
    )
    message = lrmx_batch.summary(report, commit=commit)
    job_finish(job, result={**job.result, mode: report}, message=message)
    if commit:
        audit(actor=actor, action=AuditAction.LRMX_BATCH_IMPORT, obj=job, summary=f"批量导入LRMX文件：{message}",
              data={"job": job.pk, "counts": report["counts"]})
