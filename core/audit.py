from .models import AuditEvent


def audit(*, actor, action: str, obj=None, summary: str = "", data: dict | None = None) -> AuditEvent:
    """Record one write action. Call inside the service's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:500],
        data=data or {},
    )
