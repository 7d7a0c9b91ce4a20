"""The audit trail: one ``AuditEvent`` per write, named by an action enum with a Chinese label.

Each app declares its actions once, in ``<app>/audit.py``, as a ``models.TextChoices`` subclass whose values
are the stored strings (``"selection.approve_plan"``) and whose labels are what people read ("批准方案"), and
registers it in its ``AppConfig.ready()`` with :func:`register_actions`. ``audit()`` refuses an action that no
app registered, so a typo cannot create an unlabelled row, and the viewer shows labels, never codes.
"""
from __future__ import annotations

from django.db import models

from .models import AuditEvent

_LABELS: dict[str, str] = {}
# Turned on once every app registers its enum (during the move from plain strings).
STRICT = False


def register_actions(enum: type[models.TextChoices]) -> type[models.TextChoices]:
    """Make an app's action enum known to ``audit()`` and to the viewer's labels (idempotent)."""
    for value, label in enum.choices:
        if _LABELS.get(value, label) != label:
            raise ValueError(f"audit action {value!r} registered twice with different labels")
        _LABELS[value] = str(label)
    return enum


def action_label(value: str) -> str:
    """The Chinese label of a stored action (the code itself only for rows older than every enum)."""
    return _LABELS.get(value, value)


def action_choices() -> list[tuple[str, str]]:
    """Every registered action as (value, label), ordered by label, for filters."""
    return sorted(_LABELS.items(), key=lambda item: (item[1], item[0]))


def audit(*, actor, action: models.TextChoices | str, obj=None, summary: str = "", data: dict | None = None) -> AuditEvent:
    """Record one write action. Call inside the service's transaction."""
    value = str(action.value if isinstance(action, models.TextChoices) else action)
    if STRICT and value not in _LABELS:
        raise ValueError(f"audit action {value!r} is not in any registered AuditAction enum")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=value,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        summary=summary[:500],
        data=data or {},
    )
