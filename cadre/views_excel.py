"""Roster Excel pages: upload → preview (dry run) → confirm → result, the error copy, and the export.

Thin views: the work is in roster_import / roster_export, run by the tasks in cadre.tasks (inline for small
files, on the Celery worker with a progress bar for big ones).
"""
from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.audit import audit
from core.decorators import require
from core.models import BackgroundJob

from . import tasks
from .forms_excel import RosterUploadForm
from .roster_import import ImportReport, write_error_copy

INLINE_IMPORT_ROWS = 2000  # up to this many rows the preview and the import run inside the request
INLINE_EXPORT_ROWS = 5000  # up to this many people the export downloads directly
ERRORS_ON_PAGE = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"




staff_only = require(roles.is_staff_member)


def _import_job(pk) -> BackgroundJob:
    return get_object_or_404(BackgroundJob, pk=pk, kind=tasks.KIND_IMPORT)


def _start(job: BackgroundJob, *, inline: bool, runner, task):
    if inline:
        runner(job.pk)
    else:
        transaction.on_commit(lambda: task.delay(job.pk))


# ---------------------------------------------------------------- import
@staff_only
@require_http_methods(["GET", "POST"])
def import_upload(request, pk=None):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = BackgroundJob(
            kind=tasks.KIND_IMPORT,
            created_by=request.user,
            total=form.estimated_rows,
            message="等待检查",
            params={"mode": "preview", "filename": upload.name[:200]},
        )
        job.input_file.save(f"roster_{timezone.localtime():%Y%m%d_%H%M%S}.xlsx", upload, save=False)
        job.save()
        job.params["next_url"] = reverse("cadre:import-preview", args=[job.pk])
        job.save(update_fields=["params"])
        _start(job, inline=form.estimated_rows <= INLINE_IMPORT_ROWS, runner=tasks.run_import_job, task=tasks.roster_import_job)
        return redirect("cadre:import-preview", pk=job.pk)
    recent = BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT).select_related("created_by")[:10]
    return render(request, "cadre/import_upload.html", {"form": form, "recent": recent})


@staff_only
def import_preview(request, pk):
    """The preview of a dry run, the progress bar while a job runs, or the result of the import."""
    job = _import_job(pk)
    mode = job.params.get("mode", "preview")
    if not job.finished:
        return render(request, "cadre/import_progress.html", {"job": job, "mode": mode})
    if job.status == BackgroundJob.Status.FAILED:
        return render(request, "cadre/import_progress.html", {"job": job, "mode": mode})
    report = ImportReport.from_dict(job.result[mode])
    context = {
        "job": job,
        "report": report,
        "errors": report.errors[:ERRORS_ON_PAGE],
        "more_errors": max(0, len(report.errors) - ERRORS_ON_PAGE),
        "warnings": report.warnings[:ERRORS_ON_PAGE],
        "more_warnings": max(0, len(report.warnings) - ERRORS_ON_PAGE),
        "filename": job.params.get("filename", ""),
    }
    if mode == "commit":
        return render(request, "cadre/import_result.html", context)
    return render(request, "cadre/import_preview.html", context)


@staff_only
@require_POST
def import_confirm(request, pk):
    job = _import_job(pk)
    preview = job.result.get("preview")
    if job.params.get("mode") == "commit":
        return redirect("cadre:import-preview", pk=job.pk)  # already confirmed (double submit)
    if not job.finished or not preview or preview.get("errors"):
        return redirect("cadre:import-preview", pk=job.pk)
    job.params = {**job.params, "mode": "commit", "confirmed_by": request.user.pk}
    job.status = BackgroundJob.Status.PENDING
    job.progress = 0
    job.message = "等待导入"
    job.save(update_fields=["params", "status", "progress", "message", "updated_at"])
    _start(job, inline=preview.get("rows", 0) <= INLINE_IMPORT_ROWS, runner=tasks.run_import_job, task=tasks.roster_import_job)
    return redirect("cadre:import-preview", pk=job.pk)


@staff_only
def import_error_copy(request, pk):
    """The uploaded sheet with erroneous cells highlighted and a 错误说明 column."""
    job = _import_job(pk)
    data = job.result.get(job.params.get("mode", "preview")) or {}
    report = ImportReport.from_dict(data) if data else None
    if report is None or not report.errors or not job.input_file:
        raise Http404("没有错误报告")
    out = tempfile.TemporaryFile(suffix=".xlsx")
    with job.input_file.open("rb") as fh:
        write_error_copy(fh, report.errors, out)
    out.seek(0)
    stem = (job.params.get("filename") or "花名册").rsplit(".", 1)[0]
    return FileResponse(out, as_attachment=True, filename=f"{stem}_错误说明.xlsx", content_type=XLSX)


# ---------------------------------------------------------------- export
def _roster_search(user, params):
    from .selectors import roster_search  # the list page's filters (cadre.selectors)

    return roster_search(user=user, params=params)


def _export_title(filterset) -> str:
    unit = None
    if filterset.is_bound and filterset.form.is_valid():
        unit = filterset.form.cleaned_data.get("unit")
    return f"{unit.name}干部花名册" if unit else "干部花名册"


@require(roles.can_read_roster)
def roster_export(request, pk=None):
    """Download the roster for the list page's current filters and sort (big ones through a background job)."""
    if "job" in request.GET:
        return _export_job_page(request)
    params = request.GET.copy()
    filterset, queryset = _roster_search(request.user, params)
    title = _export_title(filterset)
    count = queryset.count()
    if count > INLINE_EXPORT_ROWS:
        job = BackgroundJob.objects.create(
            kind=tasks.KIND_EXPORT,
            created_by=request.user,
            total=count,
            message="等待导出",
            params={"query": params.urlencode(), "title": title},
        )
        job.params["next_url"] = reverse("cadre:roster-export") + "?" + urlencode({"job": job.pk, "download": 1})
        job.save(update_fields=["params"])
        transaction.on_commit(lambda: tasks.roster_export_job.delay(job.pk))
        return redirect(reverse("cadre:roster-export") + "?" + urlencode({"job": job.pk}))
    from .roster_export import write_roster

    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = write_roster(queryset, out, title=title, sort=None)
    out.seek(0)
    audit(actor=request.user, action="cadre.export_roster", summary=f"导出干部花名册 {rows} 人",
          data={"query": params.urlencode(), "rows": rows})
    return FileResponse(
        out, as_attachment=True, filename=f"{title}_{timezone.localdate():%Y%m%d}.xlsx", content_type=XLSX
    )


def _export_job_page(request):
    try:
        job_id = int(request.GET["job"])
    except ValueError:
        raise Http404("任务编号无效") from None
    job = get_object_or_404(BackgroundJob, pk=job_id, kind=tasks.KIND_EXPORT)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied("只能下载自己发起的导出")
    if request.GET.get("download") and job.status == BackgroundJob.Status.DONE and job.output_file:
        title = job.params.get("title", "干部花名册")
        return FileResponse(
            job.output_file.open("rb"), as_attachment=True, filename=f"{title}_{job.created_at:%Y%m%d}.xlsx",
            content_type=XLSX,
        )
    return render(request, "cadre/export_progress.html", {"job": job})
