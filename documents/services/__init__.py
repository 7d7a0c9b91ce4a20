"""Writes of the documents app: store rendered documents (content-addressed, versioned; an issued one is a
record, a correction is the next version with a reason) and notifications; the 节假日安排 writes are in
``calendar`` and re-exported here."""
from __future__ import annotations

import datetime as dt
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

from .. import campaign_docs, rendering, selectors
from ..audit import AuditAction
from ..lrmx import archive
from ..lrmx import batch as lrmx_batch
from ..models import DocumentKind, DocumentSeries, GeneratedDocument, Notification
from .calendar import calendar_day_delete, calendar_day_set, calendar_days_bulk  # noqa: F401  (re-exported)

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


ISSUED_NUMBERED, ISSUED_PUBLISHED, ISSUED_DOWNLOADED = "编号印发", "公布", "他人下载"  # GeneratedDocument.issued_how


def _issue(document: GeneratedDocument, how: str, *, actor) -> None:
    """Mark issued (once): from now on its file is a record and a change is a correction with a reason."""
    now = timezone.now()
    if how and GeneratedDocument.objects.filter(pk=document.pk, issued_at__isnull=True).update(issued_at=now, issued_how=how):
        document.issued_at, document.issued_how = now, how
        audit(actor=actor, action=AuditAction.DOCUMENT_ISSUE, obj=document, summary=f"文书印发（{how}）：{document}",
              data={"kind": document.kind, "subject": document.subject_key, "version": document.version, "how": how})


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
    document_date=None,
    issue: str = "",
    reason: str = "",
) -> tuple[GeneratedDocument, bool]:
    """Store a rendered PDF unless the same content is already stored. Returns (document, created).

    The series row is locked (select_for_update) so two tasks racing on the same subject get consecutive
    versions; the unique (kind, subject, hash) constraint turns a duplicate into a lookup of the first copy.
    The file name is the content hash, so a second write of the same content is the same file.

    Versions: the new one replaces the latest (which is kept, marked 被第N版替代). When the latest was issued
    the new one is a correction and needs ``reason``; without one nothing is stored (ApplicationError). A
    任免审批表 is a per-person form made on demand from the record: its next version needs no reason.
    ``issue`` (编号印发/公布) marks the stored document issued.
    """
    reason = (reason or "").strip()
    series = _series(kind, subject_key)
    try:
        with transaction.atomic():
            series = DocumentSeries.objects.select_for_update().get(pk=series.pk)
            existing = find_document(kind, subject_key, digest)
            if existing is not None:
                _issue(existing, issue, actor=actor)
                return existing, False
            latest = (
                GeneratedDocument.objects.filter(series=series, superseded_by__isnull=True).order_by("-version").first()
            )
            if latest is not None and latest.issued_at and not reason and kind != DocumentKind.APPROVAL_FORM:
                raise ApplicationError(f"{latest.title}第{latest.version}版已印发，文件不再改动；如需更正，请填写更正理由，"
                                       f"生成第{latest.version + 1}版。", field="reason")
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
                document_date=document_date,
                correction_reason=reason[:300] if latest is not None else "",
            )
            series.latest_version = version
            series.save(update_fields=["latest_version"])
            if latest is not None:
                GeneratedDocument.objects.filter(pk=latest.pk).update(superseded_by=document)
            audit(
                actor=actor,
                action=AuditAction.DOCUMENT_GENERATE,
                obj=document,
                summary=f"生成文书 {document.title}（第{version}版）"
                + (f"，更正第{latest.version}版，理由：{reason}" if latest is not None and reason else ""),
                data={"kind": kind, "subject": subject_key, "hash": digest, "reason": reason,
                      "replaces": latest.version if latest is not None else None},
            )
            _issue(document, issue, actor=actor)
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
    *, actor, kind: str, subject_key: str, data, subject_ids=(), job: BackgroundJob | None = None,
    issue: str = "", reason: str = "",
) -> GeneratedDocument:
    """One campaign document from plain data (a documents.campaign_docs dataclass or its dict), dated with the
    data's ``issue_date`` (its stage's date). Same data → the stored one (issued when ``issue`` says); changed data
    → the next version (document_store: a ``reason`` once the latest is issued). A numbered one is issued."""
    if kind not in campaign_docs.DATA_CLASSES:
        raise ApplicationError(f"未知的文书类型：{kind}")
    plain = campaign_docs.to_plain(data)
    issue = issue or (ISSUED_NUMBERED if plain.get("document_number") else "")
    tv = rendering.template_version(campaign_docs.TEMPLATES[kind])
    digest = content_hash(kind, plain, tv)
    existing = find_document(kind, subject_key, digest)
    if existing is not None:
        _issue(existing, issue, actor=actor)
        return existing
    html, context = campaign_document_html(kind, plain)
    title = context["title"]
    part = rendering.render_chunk([html], [title])[0]
    issue_date = plain.get("issue_date")
    doc, _ = document_store(
        actor=actor, kind=kind, subject_key=subject_key, digest=digest, template_version=tv, title=title,
        pdf=part.pdf, page_count=part.page_count, subject_ids=subject_ids, job=job, issue=issue, reason=reason,
        document_date=dt.date.fromisoformat(issue_date) if issue_date else None,
    )
    return doc


def document_record_download(*, actor, document: GeneratedDocument) -> None:
    """Count a download; a download by anyone but the person who generated it issues the document."""
    now = timezone.now()
    GeneratedDocument.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)
    GeneratedDocument.objects.filter(pk=document.pk, first_downloaded_at__isnull=True).update(first_downloaded_at=now)
    audit(actor=actor, action=AuditAction.DOCUMENT_DOWNLOAD, obj=document, summary=f"下载文书：{document}",
          data={"kind": document.kind, "subject": document.subject_key})
    user = _user(actor)
    if user is not None and user.pk != document.created_by_id:
        _issue(document, ISSUED_DOWNLOADED, actor=actor)


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

