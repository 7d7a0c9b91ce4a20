"""Small helpers shared by the cadre services."""
from __future__ import annotations

from django.db.models import Max

from core.audit import audit

from ..audit import AuditAction


def history_user(actor):
    """The user simple-history records for a write by ``actor`` (None for the system or an anonymous actor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def save_changed_fields(*, actor, instance, merged: dict, fields, action: AuditAction, label: str) -> list[str]:
    """Copy the fields whose value differs from `merged` onto `instance`; if any did, save it with the actor
    as history user and write one audit row naming the changed fields. Returns the changed field names."""
    changed = [f for f in fields if f in merged and getattr(instance, f) != merged[f]]
    if not changed:
        return changed
    for f in changed:
        setattr(instance, f, merged[f])
    instance._history_user = history_user(actor)
    instance.save()
    names = "、".join(str(type(instance)._meta.get_field(f).verbose_name) for f in changed)
    audit(actor=actor, action=action, obj=instance, summary=f"{label}：{names}", data={"fields": changed})
    return changed


def next_order(model, **filters) -> int:
    return (model.objects.filter(**filters).aggregate(m=Max("order"))["m"] or 0) + 10
