"""The roster's background work: take a BackgroundJob id, do the work once, record the result on the job.

Run by the Celery tasks in ``cadre.tasks`` (on the worker, or inside the request for a small file). Both are
idempotent (a finished job is not run again); a transient database error propagates so the task is retried.
The uploaded file and the export are stored in MEDIA (BackgroundJob.input_file / output_file), so a separate
worker can run them.
"""
from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.db import InterfaceError, OperationalError
from django.http import QueryDict
from django.utils import timezone

from core.models import BackgroundJob

from ..permissions import can_see_full_id_number
from ..selectors import roster_search
from ..services import roster_export_record
from .export import write_roster
from .importer import import_roster

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, ConnectionError)


def _progress(job_id):
    def report(message, done, total=None):
        fields = {"progress": done, "message": message}
        if total:
            fields["total"] = total
        BackgroundJob.objects.filter(pk=job_id).update(**fields)

    return report


def _fail(job: BackgroundJob, exc: Exception):
    logger.exception("background job %s failed", job.pk)
    job.status = BackgroundJob.Status.FAILED
    job.message = f"处理失败：{exc}"[:500]
    job.save(update_fields=["status", "message", "updated_at"])


def run_import_job(job_id: int) -> None:
    """Run the preview (dry run) or the import of an uploaded roster, as `job.params["mode"]` says."""
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    mode = job.params.get("mode", "preview")
    if job.status == BackgroundJob.Status.DONE and mode in job.result:
        return
    job.status = BackgroundJob.Status.RUNNING
    job.message = "正在检查" if mode == "preview" else "正在导入"
    job.save(update_fields=["status", "message", "updated_at"])
    try:
        with job.input_file.open("rb") as fh:
            report = import_roster(
                actor=job.created_by,
                source=fh,
                dry_run=(mode == "preview"),
                progress=_progress(job.pk),
                filename=job.params.get("filename", ""),
            )
    except TRANSIENT:
        raise
    except Exception as exc:  # a bug or an unreadable file: show it on the page, do not retry
        _fail(job, exc)
        return
    job.refresh_from_db()
    job.result = {**job.result, mode: report.as_dict()}
    job.status = BackgroundJob.Status.DONE
    job.progress = job.total = report.rows
    if report.errors:
        job.message = f"发现 {len(report.errors)} 处错误"
    elif mode == "preview":
        job.message = "检查通过：" + report.summary_zh()
    else:
        job.message = "导入完成：" + report.summary_zh()
    job.save(update_fields=["result", "status", "progress", "total", "message", "updated_at"])


def run_export_job(job_id: int) -> None:
    """Write the roster for the list page's filters (job.params["query"]) into job.output_file."""
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    if job.status == BackgroundJob.Status.DONE and job.output_file:
        return
    job.status = BackgroundJob.Status.RUNNING
    job.message = "正在导出"
    job.save(update_fields=["status", "message", "updated_at"])
    try:
        _filterset, queryset = roster_search(user=job.created_by, params=QueryDict(job.params.get("query", "")))
        progress = _progress(job.pk)
        with tempfile.TemporaryFile(suffix=".xlsx") as fh:
            count = write_roster(
                queryset,
                fh,
                title=job.params.get("title", "干部花名册"),
                sort=None,
                progress=lambda done: progress("正在导出", done),
                full_ids=can_see_full_id_number(job.created_by),  # the same role rule as the pages
            )
            fh.seek(0)
            job.output_file.save(f"roster_{timezone.localtime():%Y%m%d_%H%M%S}_{job.pk}.xlsx", File(fh), save=False)
    except TRANSIENT:
        raise
    except Exception as exc:
        _fail(job, exc)
        return
    job.status = BackgroundJob.Status.DONE
    job.progress = job.total = count
    job.message = f"已导出 {count} 人"
    job.save(update_fields=["output_file", "status", "progress", "total", "message", "updated_at"])
    roster_export_record(actor=job.created_by, rows=count, query=job.params.get("query", ""), job=job)
