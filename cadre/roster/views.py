"""Roster Excel pages: upload → preview (dry run) → confirm → result, the error copy, and the export.

Thin views: the jobs are created and started by ``cadre.services`` (roster_import_start, …); the work is in
``cadre.roster.jobs`` (inline for small files, on the Celery worker with a progress bar for big ones).
"""
from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.decorators import require
from core.models import BackgroundJob

from ..permissions import can_see_full_id_number
from ..selectors import roster_search
from ..services import (
    ROSTER_EXPORT_KIND,
    ROSTER_IMPORT_KIND,
    roster_export_record,
    roster_export_start,
    roster_import_confirm,
    roster_import_start,
)
from .errors import write_error_copy
from .export import write_roster
from .forms import RosterUploadForm
from .report import ImportReport
from .selection import selected_queryset
from .template import template_workbook

INLINE_IMPORT_ROWS = 2000  # up to this many rows the preview and the import run inside the request
INLINE_IMPORT_BYTES = 8 * 1024 * 1024  # … and up to this many bytes of inflated sheet XML (measured, not claimed)
INLINE_EXPORT_ROWS = 5000  # up to this many people the export downloads directly
ERRORS_ON_PAGE = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

staff_only = require(roles.is_staff_member)


def _import_job(pk) -> BackgroundJob:
    return get_object_or_404(BackgroundJob, pk=pk, kind=ROSTER_IMPORT_KIND)


# ---------------------------------------------------------------- import
@staff_only
@require_http_methods(["GET", "POST"])
def import_upload(request, pk=None):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = roster_import_start(
            actor=request.user, upload=form.cleaned_data["file"], estimated_rows=form.estimated_rows,
            inline=form.estimated_rows <= INLINE_IMPORT_ROWS and form.measure.sheet_bytes <= INLINE_IMPORT_BYTES,
        )
        return redirect("cadre:import-preview", pk=job.pk)
    recent = BackgroundJob.objects.filter(kind=ROSTER_IMPORT_KIND).select_related("created_by")[:10]
    return render(request, "cadre/import_upload.html", {"form": form, "recent": recent})


@staff_only
def import_template(request):
    """The empty 干部名册 layout with a note on every column (cadre.roster.template)."""
    response = HttpResponse(template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%B9%B2%E9%83%A8%E5%90%8D%E5%86%8C%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


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
    rows = (job.result.get("preview") or {}).get("rows", 0)
    roster_import_confirm(actor=request.user, job=job, inline=rows <= INLINE_IMPORT_ROWS)
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
    if request.method == "POST":  # the list page's batch action: only the ticked rows (or all matching)
        params = QueryDict(request.POST.get("query", ""), mutable=True)
        filterset, _ = roster_search(user=request.user, params=params)
        queryset = selected_queryset(user=request.user, data=request.POST)
    else:
        params = request.GET.copy()
        filterset, queryset = roster_search(user=request.user, params=params)  # the list page's filters
    title = _export_title(filterset)
    count = queryset.count()
    if count > INLINE_EXPORT_ROWS:
        job = roster_export_start(actor=request.user, query=params.urlencode(), title=title, total=count)
        return redirect(reverse("cadre:roster-export") + "?" + urlencode({"job": job.pk}))
    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = write_roster(queryset, out, title=title, sort=None, full_ids=can_see_full_id_number(request.user))
    out.seek(0)
    roster_export_record(actor=request.user, rows=rows, query=params.urlencode())
    return FileResponse(
        out, as_attachment=True, filename=f"{title}_{timezone.localdate():%Y%m%d}.xlsx", content_type=XLSX
    )


def _export_job_page(request):
    try:
        job_id = int(request.GET["job"])
    except ValueError:
        raise Http404("任务编号无效") from None
    job = get_object_or_404(BackgroundJob, pk=job_id, kind=ROSTER_EXPORT_KIND)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied("只能下载自己发起的导出")
    if request.GET.get("download") and job.status == BackgroundJob.Status.DONE and job.output_file:
        title = job.params.get("title", "干部花名册")
        return FileResponse(
            job.output_file.open("rb"), as_attachment=True, filename=f"{title}_{job.created_at:%Y%m%d}.xlsx",
            content_type=XLSX,
        )
    return render(request, "cadre/export_progress.html", {"job": job})
