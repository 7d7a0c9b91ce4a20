"""The audit trail: one ``AuditEvent`` per write, named by an action enum with a Chinese label.

Each app declares its actions once, in ``<app>/audit.py``, as a ``models.TextChoices`` subclass whose values
are the stored strings (``"selection.approve_plan"``) and whose labels are what people read ("批准方案"), and
registers it in its ``AppConfig.ready()`` with :func:`register_actions`. ``audit()`` refuses an action that no
app registered, so a typo cannot create an unlabelled row, and the viewer shows labels, never codes.
"""
from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import models

from .models import AuditEvent

_LABELS: dict[str, str] = {}
# Labels of dynamic action families (e.g. ``admin.<model>.<verb>``), by prefix: a function of the stored value
# that returns a label or None. A value registered in an enum always wins.
_PREFIX_LABELS: dict[str, Callable[[str], str | None]] = {}


def register_actions(enum: type[models.TextChoices]) -> type[models.TextChoices]:
    """Make an app's action enum known to ``audit()`` and to the viewer's labels (idempotent)."""
    for value, label in enum.choices:
        if _LABELS.get(value, label) != label:
            raise ValueError(f"audit action {value!r} registered twice with different labels")
        _LABELS[value] = str(label)
    return enum


def register_label_function(prefix: str, label: Callable[[str], str | None]) -> None:
    """Label every action starting with ``prefix`` that no enum names (e.g. the Django admin's)."""
    _PREFIX_LABELS[prefix] = label


def action_label(value: str) -> str:
    """The Chinese label of a stored action (the code itself only for rows older than every enum)."""
    if value in _LABELS:
        return _LABELS[value]
    for prefix, label in _PREFIX_LABELS.items():
        if value.startswith(prefix):
            text = label(value)
            if text:
                return text
    return value


ADMIN_VERBS = {"create": "后台新增", "update": "后台修改", "delete": "后台删除"}


def admin_action_label(value: str) -> str | None:
    """``admin.cadre.update`` → "后台修改：干部" (the model's verbose_name; None for an unknown model or verb)."""
    _admin, _, rest = value.partition(".")
    model_name, _, verb = rest.rpartition(".")
    if verb not in ADMIN_VERBS:
        return None
    names = {str(m._meta.verbose_name) for m in apps.get_models() if m._meta.model_name == model_name}
    return f"{ADMIN_VERBS[verb]}：{names.pop()}" if len(names) == 1 else None


register_label_function("admin.", admin_action_label)


def action_choices() -> list[tuple[str, str]]:
    """Every registered action as (value, label), ordered by label, for filters."""
    return sorted(_LABELS.items(), key=lambda item: (item[1], item[0]))


def audit(*, actor, action: models.TextChoices | str, obj=None, summary: str = "", data: dict | None = None) -> AuditEvent:
    """Record one write action. Call inside the service's transaction."""
    value = str(action.value if isinstance(action, models.TextChoices) else action)
    if action_label(value) == value:
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


class AuditAction(models.TextChoices):
    """The core app's own actions: accounts and background jobs."""

    PASSWORD_CHANGE = "core.password_change", "修改本人密码"
    JOB_FAIL_STUCK = "core.job_fail_stuck", "后台任务超时，标记为失败"
    JOB_RETRY = "core.job_retry", "重试后台任务"


register_actions(AuditAction)
