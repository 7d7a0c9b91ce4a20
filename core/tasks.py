"""Celery tasks of the core app (run by beat: core/schedule.py)."""
from celery import shared_task

from .jobs import jobs_fail_stuck


@shared_task(name="core.fail_stuck_jobs")
def fail_stuck_jobs() -> list[int]:
    return jobs_fail_stuck(actor=None)
