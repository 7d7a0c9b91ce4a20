"""Enqueue a Celery task by name once the current transaction commits.

Services enqueue work through here so that ``services`` never imports its app's ``tasks`` module (which
imports the services it runs): the task is looked up by its registered name when the transaction commits.
``app.tasks[name]`` finalizes the Celery app, which imports every autodiscovered ``tasks`` module, and
``.delay`` honours ``CELERY_TASK_ALWAYS_EAGER`` (``send_task`` would not).
"""
from __future__ import annotations

from celery import current_app
from django.db import transaction


def enqueue(name: str, *args, **kwargs):
    """Send task ``name`` now (outside a transaction, or when the caller is itself an on-commit hook)."""
    return current_app.tasks[name].delay(*args, **kwargs)


def enqueue_on_commit(name: str, *args, **kwargs) -> None:
    """Send task ``name`` after the surrounding transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: enqueue(name, *args, **kwargs))
