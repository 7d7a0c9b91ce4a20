"""Pages of the core app: the home page (each role's to-do list), the background-job poller and the 操作记录
viewer (``audit``)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from .. import roles, todos
from ..models import BackgroundJob
from .audit import audit_log

__all__ = ["audit_log", "home", "job_status"]


@login_required
def home(request):
    """Every role lands here: its to-do list, each item with its count, where to act and how long it waited."""
    user = request.user
    has_work = bool(roles.role_names(user)) or hasattr(user, "cadre")
    return render(request, "home.html", {"sections": todos.sections_for(user) if has_work else None,
                                         "has_work": has_work})


@login_required
def job_status(request, pk):
    """htmx polls this fragment until the job is finished."""
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.id and not roles.is_staff_member(request.user):
        raise PermissionDenied
    # htmx polls the fragment; a plain visit (a link from the home page) gets the whole page around it
    template = "core/job_status.html" if request.headers.get("HX-Request") else "core/job_page.html"
    return render(request, template, {"job": job})
