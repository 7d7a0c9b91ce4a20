"""Pages of the core app: the home redirect, the background-job poller and the 操作记录 viewer (``audit``)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from .. import roles
from ..models import BackgroundJob
from .audit import audit_log

__all__ = ["audit_log", "home", "job_status"]


@login_required
def home(request):
    if roles.can_read_roster(request.user):
        return redirect("cadre:roster")
    if hasattr(request.user, "cadre"):
        return redirect("cadre:my-record")
    return render(request, "home.html")


@login_required
def job_status(request, pk):
    """htmx polls this fragment until the job is finished."""
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.id and not roles.is_staff_member(request.user):
        raise PermissionDenied
    return render(request, "core/job_status.html", {"job": job})
