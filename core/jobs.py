"""Enqueue a Celery task by name once the current transaction commits; the retry policy every task shares.

Services enqueue work through here so that ``services`` never imports its app's ``tasks`` module (which
imports the services it runs): the task is looked up by its registered name when the transaction commits.
Before the first lookup the loader imports the default modules, which fires ``app.autodiscover_tasks()`` (a
worker does this at start; a web process would not otherwise). ``.delay`` honours ``CELERY_TASK_ALWAYS_EAGER``
(``send_task`` would not).
"""
from __future__ import annotations

from celery import current_app
from django.db import InterfaceError, OperationalError, transaction

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
