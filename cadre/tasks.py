"""Celery tasks of the roster Excel work: thin wrappers over ``cadre.roster.jobs``, retried on transient
database errors. Services start them by name (``cadre.services.roster``), never by importing this module."""
from __future__ import annotations

from celery import shared_task

from .roster.jobs import TRANSIENT, run_export_job, run_import_job
from .services.roster import EXPORT_TASK, IMPORT_TASK


@shared_task(name=IMPORT_TASK, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_kwargs={"max_retries": 3})
def roster_import_job(self, job_id: int) -> None:
    run_import_job(job_id)


@shared_task(name=EXPORT_TASK, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_kwargs={"max_retries": 3})
def roster_export_job(self, job_id: int) -> None:
    run_export_job(job_id)
