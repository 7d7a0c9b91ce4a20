"""Celery tasks: thin, take ids (or plain JSON data), idempotent (a rerun finds the stored document by its
content hash), retried with exponential backoff on transient errors; progress goes into core.BackgroundJob."""
from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from core.exceptions import ApplicationError
from core.jobs import RETRY, TRANSIENT_ERRORS
from core.models import BackgroundJob

from . import approval_export, reminders, services

logger = logging.getLogger(__name__)

def _actor(actor_id):
    if not actor_id:
        return None
    return get_user_model().objects.filter(pk=actor_id).first()


def _job(job_id):
    return BackgroundJob.objects.filter(pk=job_id).first() if job_id else None


def _run(task, job, work):
    """Run ``work()``; record the outcome on the job. Transient errors propagate (Celery retries) and mark
    the job failed only once the retries are used up."""
    try:
        return work()
    except ApplicationError as exc:
        if job:
            services.job_fail(job, message=exc.message)
        raise
    except TRANSIENT_ERRORS as exc:
        if job and task.request.retries >= task.max_retries:
            services.job_fail(job, message=f"生成失败（已重试{task.max_retries}次）：{exc}")
        raise


@shared_task(bind=True, name="documents.render_approval_forms", **RETRY)
def render_approval_forms(self, cadre_ids: list[int], actor_id: int | None = None, job_id: int | None = None,
                          proposals: dict | None = None) -> list[int]:
    job = _job(job_id)

    def work():
        docs = services.approval_forms_generate(
            actor=_actor(actor_id), cadre_ids=list(cadre_ids), proposals=proposals, job=job
        )
        ids = [d.pk for d in docs]
        if job:
            services.job_finish(job, result={"document_ids": ids}, message=f"已生成{len(ids)}份干部任免审批表")
        return ids

    return _run(self, job, work)


@shared_task(bind=True, name="documents.render_campaign_document", **RETRY)
def render_campaign_document(self, kind: str, subject_key: str, data: dict, subject_ids: list | None = None,
                             actor_id: int | None = None, job_id: int | None = None) -> int:
    job = _job(job_id)

    def work():
        doc = services.campaign_document_generate(
            actor=_actor(actor_id), kind=kind, subject_key=subject_key, data=data, subject_ids=subject_ids or [], job=job
        )
        if job:
            services.job_finish(job, result={"document_ids": [doc.pk]}, message=f"已生成{doc.title}")
        return doc.pk

    return _run(self, job, work)


@shared_task(bind=True, name="documents.send_daily_reminders", **RETRY)
def send_daily_reminders(self) -> dict:
    created = reminders.run_reminders()
    logger.info("daily reminders: %s", created)
    return created


@shared_task(bind=True, name="documents.run_lrmx_batch", **RETRY)
def run_lrmx_batch(self, job_id: int) -> None:
    """Preview or import a stored LRMX batch (the job's mode); a finished job is not run again."""
    return _run(self, _job(job_id), lambda: services.lrmx_batch_run(job_id=job_id))


@shared_task(bind=True, name="documents.bundle_approval_forms", **RETRY)
def bundle_approval_forms(self, job_id: int) -> None:
    """The selected people's 任免审批表 in one zip (the job's format); a finished job is not built again."""
    return _run(self, _job(job_id), lambda: approval_export.approval_forms_bundle_run(job_id=job_id))
