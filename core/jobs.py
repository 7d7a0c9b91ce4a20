"""Enqueue a Celery task by name once the current transaction commits; the retry policy every task shares.

Services enqueue work through here so that ``services`` never imports its app's ``tasks`` module (which
imports the services it runs): the task is looked up by its registered name when the transaction commits.
Before the first lookup the loader imports the default modules, which fires ``app.autodiscover_tasks()`` (a
worker does this at start; a web process would not otherwise). ``.delay`` honours ``CELERY_TASK_ALWAYS_EAGER``
(``send_task`` would not).
"""
from __future__ import annotations

from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from .audit import AuditAction, audit
from .exceptions import ApplicationError
from .models import BackgroundJob

# errors worth another try: the database or the file system hiccuped, the broker connection dropped
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 3,
}


_imported = False


def task(name: str):
    """The registered task called ``name``, importing every app's ``tasks`` module on first use."""
    global _imported
    if not _imported:
        current_app.loader.import_default_modules()
        _imported = True
    return current_app.tasks[name]


def enqueue(name: str, *args, **kwargs):
    """Send task ``name`` now (outside a transaction, or when the caller is itself an on-commit hook)."""
    return task(name).delay(*args, **kwargs)


def enqueue_on_commit(name: str, *args, **kwargs) -> None:
    """Send task ``name`` after the surrounding transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: enqueue(name, *args, **kwargs))


# --- stuck jobs and retries ------------------------------------------------------------------------------------------
# A worker killed mid-task (OOM, deploy, kill -9) leaves its BackgroundJob 排队中/进行中 for ever. Beat runs
# ``core.fail_stuck_jobs`` every few minutes: a job with no progress (``updated_at``, bumped by every progress
# report) for JOBS_STUCK_AFTER_SECONDS is marked failed with a Chinese message, and its page offers 重试 when its
# kind is in JOBS_RETRY_TASKS (the task that takes the job's id; the tasks are idempotent).
ACTIVE = (BackgroundJob.Status.PENDING, BackgroundJob.Status.RUNNING)


def stuck_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return f"任务已超过{minutes}分钟没有进展，处理进程可能已中断，已标记为失败；可点击“重试”重新执行。"


def retryable(job: BackgroundJob) -> bool:
    return job.status == BackgroundJob.Status.FAILED and job.kind in settings.JOBS_RETRY_TASKS


def jobs_fail_stuck(*, actor=None) -> list[int]:
    """Mark every job without progress for JOBS_STUCK_AFTER_SECONDS failed; the ids marked."""
    limit = settings.JOBS_STUCK_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=limit)
    marked = []
    with transaction.atomic():
        stuck = BackgroundJob.objects.select_for_update(skip_locked=True).filter(status__in=ACTIVE, updated_at__lt=cutoff)
        for job in stuck.order_by("pk"):
            was = job.get_status_display()
            job.status = BackgroundJob.Status.FAILED
            job.message = stuck_message(limit)
            job.save(update_fields=["status", "message", "updated_at"])
            audit(actor=actor, action=AuditAction.JOB_FAIL_STUCK, obj=job,
                  summary=f"后台任务 {job.pk}（{job.kind}）{was}超时，标记为失败", data={"kind": job.kind, "limit": limit})
            marked.append(job.pk)
    return marked


def job_retry(*, actor, job: BackgroundJob) -> BackgroundJob:
    """Run a failed job again: back to 排队中, its task enqueued by name once this commits."""
    task_name = settings.JOBS_RETRY_TASKS.get(job.kind)
    if not task_name:
        raise ApplicationError("这类后台任务不能重试，请回到原页面重新发起。")
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job.pk)
        if job.status != BackgroundJob.Status.FAILED:
            raise ApplicationError("只有失败的后台任务可以重试。")
        retries = int(job.params.get("retries", 0)) + 1
        job.status = BackgroundJob.Status.PENDING
        job.progress = 0
        job.message = "等待重试"
        job.params = {**job.params, "retries": retries}
        job.save(update_fields=["status", "progress", "message", "params", "updated_at"])
        audit(actor=actor, action=AuditAction.JOB_RETRY, obj=job, summary=f"重试后台任务 {job.pk}（第{retries}次）",
              data={"kind": job.kind, "retries": retries})
        enqueue_on_commit(task_name, job.pk)
    return job
