"""Thin views: document list and download, approval-form generation with a progress page, LRMX export/import,
notification bell."""
from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadre.models import Cadre
from cadre.roster import selected_ids
from core import roles
from core.exceptions import ApplicationError
from core.models import BackgroundJob

from . import approval_export, lrmx, selectors, services, workdays
from .lrmx.batch import STATUS_LABELS
from .lrmx import report as lrmx_report
from .models import CalendarDay, DocumentKind, GeneratedDocument, Notification


def _staff_required(request):
    if not roles.is_staff_member(request.user):
        raise PermissionDenied


@login_required
def document_list(request):
    qs = selectors.documents_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in DocumentKind.values:
        qs = qs.filter(kind=kind)
    cadre_id = request.GET.get("cadre", "")
    if cadre_id.isdigit():
        qs = qs.filter(cadre_id=int(cadre_id))
    return render(
        request,
        "documents/list.html",
        {"documents": qs[:200], "kinds": DocumentKind.choices, "kind": kind},
    )


@login_required
def download(request, pk):
    document = get_object_or_404(GeneratedDocument.objects.select_related("cadre"), pk=pk)
    if not selectors.can_download(request.user, document):
        raise PermissionDenied
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件不存在") from None
    services.document_record_download(actor=request.user, document=document)
    return FileResponse(handle, as_attachment=True, filename=document.filename, content_type="application/pdf")


@login_required
@require_POST
def approval_form_generate(request, cadre_id):
    """Queue a 任免审批表 for one cadre and show its progress."""
    _staff_required(request)
    cadre = get_object_or_404(Cadre, pk=cadre_id)
    proposal = {k: request.POST.get(k, "").strip() for k in ("proposed", "removed", "reason", "reporting_unit")}
    proposal = {k: v for k, v in proposal.items() if v} or None
    job = services.approval_forms_request(
        actor=request.user, cadre_ids=[cadre.pk], proposals={str(cadre.pk): proposal} if proposal else None,
        next_url=reverse("documents:list") + f"?cadre={cadre.pk}",
    )
    return redirect("documents:job", pk=job.pk)


@login_required
@require_POST
def approval_forms_batch(request):
    """Queue 任免审批表 for the selected cadres (ids in POST `cadre`), rendered in one batch."""
    _staff_required(request)
    ids = sorted({int(v) for v in request.POST.getlist("cadre") if v.isdigit()})
    ids = list(Cadre.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if not ids:
        messages.error(request, "请先选择干部")
        return redirect("documents:list")
    job = services.approval_forms_request(
        actor=request.user, cadre_ids=ids, next_url=reverse("documents:list") + f"?kind={DocumentKind.APPROVAL_FORM}",
    )
    return redirect("documents:job", pk=job.pk)


@login_required
def job_page(request, pk):
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.id and not roles.is_staff_member(request.user):
        raise PermissionDenied
    return render(request, "documents/job.html", {"job": job})


def _form_response(form: approval_export.FormFile) -> HttpResponse:
    response = HttpResponse(form.data, content_type=form.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(form.name)}"
    return response


@login_required
def approval_form_download(request, cadre_id, fmt):
    """One click: this person's 任免审批表 as PDF, Word or LRMX, generated now and downloaded (audited)."""
    _staff_required(request)
    get_object_or_404(Cadre, pk=cadre_id)
    try:
        form = approval_export.approval_form_export(actor=request.user, cadre_id=cadre_id, fmt=fmt)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("cadre:cadre-detail", pk=cadre_id)
    return _form_response(form)


@login_required
@require_POST
def approval_forms_selected(request):
    """The roster's batch action: the selected people's 任免审批表 (``format`` pdf/docx/lrmx). One person downloads
    at once; several become one zip made by a background job, whose page offers the download."""
    _staff_required(request)
    fmt = request.POST.get("format", "pdf")
    ids = selected_ids(user=request.user, data=request.POST)
    back = reverse("cadre:roster") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    try:
        if len(ids) == 1:
            return _form_response(approval_export.approval_form_export(actor=request.user, cadre_id=ids[0], fmt=fmt))
        job = approval_export.approval_forms_bundle_start(actor=request.user, cadre_ids=ids, fmt=fmt)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return redirect("documents:approval-forms-zip", pk=job.pk)


@login_required
def approval_forms_zip(request, pk):
    """The zip job's progress, then its files and the download (``?download=1``)."""
    _staff_required(request)
    job = get_object_or_404(BackgroundJob, pk=pk, kind=approval_export.BUNDLE_KIND)
    if request.GET.get("download"):
        if job.status != BackgroundJob.Status.DONE or not job.output_file:
            raise Http404("压缩文件尚未生成")
        return FileResponse(job.output_file.open("rb"), as_attachment=True,
                            filename=approval_export.bundle_file_name(job), content_type="application/zip")
    return render(request, "documents/approval_forms_zip.html", {
        "job": job, "format_label": approval_export.FORMATS.get(job.params.get("format"), ""),
        "files": job.result.get("files", []) if job.status == BackgroundJob.Status.DONE else [],
    })


# --- LRMX ------------------------------------------------------------------------------------------------------
@login_required
def lrmx_export(request, cadre_id):
    _staff_required(request)
    cadre = get_object_or_404(Cadre, pk=cadre_id)
    data = lrmx.export_person(cadre, actor=request.user)
    services.lrmx_export_record(actor=request.user, cadre=cadre)
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{lrmx.file_name(cadre)}"
    return response


@login_required
def lrmx_import(request):
    """One or several .lrmx files, or a .zip: stored as a batch and previewed (new / changed field by field /
    unchanged / refused) before anything is written; staff then confirm."""
    _staff_required(request)
    context = {"max_files": settings.LRMX_BATCH_MAX_FILES, "max_upload_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    if request.method == "POST":
        # more than DATA_UPLOAD_MAX_NUMBER_FILES files: Django refuses the request (templates/400.html says why)
        uploads = request.FILES.getlist("file")
        if not uploads:
            context["errors"] = [lrmx.LrmxIssue("", "", "请选择要导入的LRMX文件")]
        else:
            try:
                job = services.lrmx_batch_start(actor=request.user, uploads=uploads)
            except ApplicationError as exc:
                context["errors"] = exc.errors or [lrmx.LrmxIssue("", "", exc.message)]
            else:
                return redirect("documents:lrmx-batch", pk=job.pk)
    return render(request, "documents/lrmx_import.html", context, status=400 if context.get("errors") else 200)


def _lrmx_job(request, pk) -> BackgroundJob:
    _staff_required(request)
    return get_object_or_404(BackgroundJob, pk=pk, kind=services.LRMX_BATCH_KIND)


def _report_rows(report: dict) -> list[dict]:
    return [{**e, "status_label": STATUS_LABELS.get(e["status"], e["status"])} for e in report["entries"]]


@login_required
def lrmx_batch(request, pk):
    """The batch's progress, then its preview (confirm) or the import's report."""
    job = _lrmx_job(request, pk)
    mode = job.params.get("mode", "preview")
    report = job.result.get(mode) if job.status == BackgroundJob.Status.DONE else None
    counts = report["counts"] if report else {}
    return render(request, "documents/lrmx_batch.html", {
        "job": job, "mode": mode, "report": report, "rows": _report_rows(report) if report else [],
        "counts": [(STATUS_LABELS[k], v) for k, v in counts.items()],
        "can_confirm": bool(report) and mode == "preview" and (counts.get("new") or counts.get("changed")),
    })


@login_required
@require_POST
def lrmx_batch_confirm(request, pk):
    job = _lrmx_job(request, pk)
    try:
        services.lrmx_batch_confirm(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("documents:lrmx-batch", pk=job.pk)


@login_required
def lrmx_batch_report(request, pk):
    """The preview's or the import's report as .xlsx."""
    job = _lrmx_job(request, pk)
    mode = "import" if "import" in job.result else "preview"
    if mode not in job.result:
        raise Http404("报告尚未生成")
    title = "LRMX批量导入报告" if mode == "import" else "LRMX批量导入预览"
    response = HttpResponse(
        lrmx_report.report_xlsx(job.result[mode], title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}-{job.pk}.xlsx')}"
    return response


# --- notifications -------------------------------------------------------------------------------------------------
@login_required
def bell(request):
    """htmx fragment: the unread count and the latest notifications."""
    return render(
        request,
        "documents/_bell_menu.html",
        {"unread": selectors.unread_count(request.user), "items": selectors.recent_notifications(request.user)},
    )


@login_required
def notification_list(request):
    items = Notification.objects.filter(user=request.user).order_by("is_read", "-created_at")[:200]
    return render(request, "documents/notifications.html", {"items": items})


@login_required
@require_POST
def notification_read(request, pk=None):
    services.notification_mark_read(user=request.user, notification_id=pk)
    if request.headers.get("HX-Request"):
        return bell(request)
    target = None
    if pk is not None:
        note = Notification.objects.filter(pk=pk, user=request.user).first()
        target = note.link if note and note.link.startswith("/") else None
    return redirect(target or "documents:notifications")


# --- 节假日安排 -------------------------------------------------------------------------------------------------------
def _calendar_years(days) -> list[dict]:
    """Stored days grouped by year (newest year first), with where the year's other days come from."""
    years: dict[int, list] = {}
    for day in days:
        years.setdefault(day.date.year, []).append(day)
    return [
        {
            "year": year,
            "days": items,
            "holidays": sum(not d.is_working_day for d in items),
            "working": sum(d.is_working_day for d in items),
            "bundled": workdays.is_bundled_year(year),
        }
        for year, items in sorted(years.items(), reverse=True)
    ]


@login_required
def calendar(request):
    """Staff enter the State Council's yearly 放假安排: one day at a time or many lines at once."""
    _staff_required(request)
    context = {"bulk_text": "", "form_data": {}, "errors": [], "error": ""}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "bulk":
                context["bulk_text"] = request.POST.get("text", "")
                saved = services.calendar_days_bulk(actor=request.user, text=context["bulk_text"])
                messages.success(request, f"已保存{len(saved)}天节假日安排")
            elif action == "add":
                context["form_data"] = request.POST
                raw_date = request.POST.get("date", "")
                day = workdays.parse_date(raw_date)
                if day is None:
                    raise ApplicationError(f"日期“{raw_date[:30]}”无效，应写作2027-01-01", field="date")
                working = workdays.parse_kind(request.POST.get("kind", ""))
                if working is None:
                    raise ApplicationError("请选择“放假”或“上班”", field="kind")
                saved_day = services.calendar_day_set(
                    actor=request.user, date=day, is_working_day=working,
                    name=request.POST.get("name", ""), note=request.POST.get("note", ""),
                )
                messages.success(request, f"已保存：{saved_day}")
            else:
                raise ApplicationError("未知操作")
        except ApplicationError as exc:
            context["error"], context["errors"] = exc.message, exc.errors
            status = 400
        else:
            return redirect("documents:calendar")
    first, last = workdays.covered_years()
    this_year = timezone.localdate().year
    years = _calendar_years(CalendarDay.objects.select_related("created_by").order_by("date"))
    entered = {y["year"] for y in years}
    context.update(
        years=years,
        first_year=first,
        last_year=last,
        missing_years=[y for y in (this_year, this_year + 1) if not workdays.is_bundled_year(y) and y not in entered],
    )
    return render(request, "documents/calendar.html", context, status=status)


@login_required
@require_POST
def calendar_delete(request, pk):
    _staff_required(request)
    try:
        services.calendar_day_delete(actor=request.user, calendar_day_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除")
    return redirect("documents:calendar")
