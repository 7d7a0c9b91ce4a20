"""Celery tasks of the assessment app: thin and idempotent.

``vacuum_ballot_tables`` runs after a session's pool was written out (close or void): VACUUM cannot run inside a
transaction, so the service enqueues it on commit (``core.jobs.enqueue_on_commit``); running it twice is harmless.
"""
from __future__ import annotations

from celery import shared_task

from core.jobs import RETRY

from .services import ballot_tables_vacuum


@shared_task(name="assessment.vacuum_ballot_tables", **RETRY)
def vacuum_ballot_tables() -> bool:
    return ballot_tables_vacuum()
