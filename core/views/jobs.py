"""重试 a failed background job (the button on the job's progress fragment)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from .. import roles
from ..exceptions import ApplicationError
from ..jobs import job_retry
from ..models import BackgroundJob


@login_required
@require_POST
def job_retry_view(request, pk):
    """Who may see the job (its creator, or staff) may retry it; then its progress page."""
    job = get_object_or_404(BackgroundJob, pk=pk)
    if job.created_by_id != request.user.id and not roles.is_staff_member(request.user):
        raise PermissionDenied
    try:
        job_retry(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新提交该后台任务。")
    return redirect("job-status", pk=job.pk)
