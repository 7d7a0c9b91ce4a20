"""Thin views: document list and download, approval-form generation with a progress page, LRMX export/import,
notification bell."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cadre.models import Cadre
from core import roles
from core.exceptions import ApplicationError
from core.models import BackgroundJob

from . import lrmx, selectors, services, tasks
from .models import DocumentKind, GeneratedDocument, Notification

LRMX_UPLOAD_MAX_BYTES = 5 * 1024 * 1024


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
    job = services.job_create(
        actor=request.user, kind="documents.approval_form", total=1,
        params={"cadre_ids": [cadre.pk], "next_url": reverse("documents:list") + f"?cadre={cadre.pk}"},
    )
    transaction.on_commit(
        lambda: tasks.render_approval_forms.delay([cadre.pk], actor_id=request.user.pk, job_id=job.pk, proposals=(
            {str(cadre.pk): proposal} if proposal else None
        ))
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
    job = services.job_create(
        actor=request.user, kind="documents.approval_form", total=len(ids),
        params={"cadre_ids": ids, "next_url": reverse("documents:list") + f"?kind={DocumentKind.APPROVAL_FORM}"},
    )
    transaction.on_commit(lambda: tasks.render_approval_forms.delay(ids, actor_id=request.user.pk, job_id=job.pk))
    return redirect("documents:job", pk=job.pk)


@login_required
def job_page(request, pk):
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.id and not roles.is_staff_member(request.user):
        raise PermissionDenied
    return render(request, "documents/job.html", {"job": job})


# --- LRMX ------------------------------------------------------------------------------------------------------
@login_required
def lrmx_export(request, cadre_id):
    _staff_required(request)
    cadre = get_object_or_404(Cadre, pk=cadre_id)
    data = lrmx.export_person(cadre, actor=request.user)
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{lrmx.file_name(cadre)}"
    return response


@login_required
def lrmx_import(request):
    _staff_required(request)
    context = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"] = [lrmx.LrmxIssue("", "", "请选择要导入的LRMX文件")]
        elif upload.size > LRMX_UPLOAD_MAX_BYTES:
            context["errors"] = [lrmx.LrmxIssue("", "", "文件超过5MB，不是有效的任免审批表数据文件")]
        else:
            try:
                result = lrmx.import_person(upload.read(), actor=request.user)
            except ApplicationError as exc:
                context["errors"] = exc.errors or [lrmx.LrmxIssue("", "", exc.message)]
            else:
                messages.success(request, result.summary)
                return redirect("cadre:cadre-detail", pk=result.cadre.pk)
    return render(request, "documents/lrmx_import.html", context, status=400 if context.get("errors") else 200)


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
