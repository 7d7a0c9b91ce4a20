"""The roster Excel jobs (导入/导出干部花名册): the BackgroundJob rows are created here, never in a view.

The work itself is in ``cadre.roster.jobs``, run by the Celery tasks of ``cadre.tasks``, which this module
starts by their registered names (``core.jobs``), so services never import tasks. A small file runs inside the
request (the caller says so with ``inline``), a big one on the worker after the transaction commits.
"""
from __future__ import annotations

from urllib.parse import urlencode

from celery import current_app
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import audit
from core.jobs import enqueue_on_commit
from core.models import BackgroundJob

from ..audit import AuditAction
from .common import history_user

ROSTER_IMPORT_KIND = "cadre.roster_import"  # BackgroundJob.kind
ROSTER_EXPORT_KIND = "cadre.roster_export"
IMPORT_TASK = "cadre.tasks.roster_import_job"  # registered Celery task names
EXPORT_TASK = "cadre.tasks.roster_export_job"


def _start(task: str, job: BackgroundJob, *, inline: bool) -> None:
    if inline:
        current_app.tasks[task](job.pk)  # in this process, now, as the worker would run it
    else:
        enqueue_on_commit(task, job.pk)


def roster_import_start(*, actor, upload, estimated_rows: int, inline: bool) -> BackgroundJob:
    """Store an uploaded roster on a new import job and run its preview (the dry run)."""
    with transaction.atomic():
        job = BackgroundJob(
            kind=ROSTER_IMPORT_KIND,
            created_by=history_user(actor),
            total=estimated_rows,
            message="等待检查",
            params={"mode": "preview", "filename": upload.name[:200]},
        )
        job.input_file.save(f"roster_{timezone.localtime():%Y%m%d_%H%M%S}.xlsx", upload, save=False)
        job.save()
        job.params["next_url"] = reverse("cadre:import-preview", args=[job.pk])
        job.save(update_fields=["params"])
    _start(IMPORT_TASK, job, inline=inline)
    return job


def roster_import_confirm(*, actor, job: BackgroundJob, inline: bool) -> BackgroundJob:
    """Turn a clean preview into the import. A job already confirmed, still running or with errors is left as
    it is (a double submit, or a stale page)."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job.pk)
        preview = job.result.get("preview")
        if job.params.get("mode") == "commit" or not job.finished or not preview or preview.get("errors"):
            return job
        job.params = {**job.params, "mode": "commit", "confirmed_by": getattr(actor, "pk", None)}
        job.status = BackgroundJob.Status.PENDING
        job.progress = 0
        job.message = "等待导入"
        job.save(update_fields=["params", "status", "progress", "message", "updated_at"])
    _start(IMPORT_TASK, job, inline=inline)
    return job


def roster_export_start(*, actor, query: str, title: str, total: int) -> BackgroundJob:
    """A background export of the roster for the list page's query (a big one); its page polls the job."""
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            kind=ROSTER_EXPORT_KIND,
            created_by=history_user(actor),
            total=total,
            message="等待导出",
            params={"query": query, "title": title},
        )
        job.params["next_url"] = reverse("cadre:roster-export") + "?" + urlencode({"job": job.pk, "download": 1})
        job.save(update_fields=["params"])
        enqueue_on_commit(EXPORT_TASK, job.pk)
    return job


def roster_export_record(*, actor, rows: int, query: str, job: BackgroundJob | None = None) -> None:
    """The audit row of a finished export (written directly or by a job)."""
    audit(actor=actor, action=AuditAction.CADRE_EXPORT_ROSTER, obj=job, summary=f"导出干部花名册 {rows} 人",
          data={"query": query, "rows": rows})
