"""干部档案's items on the home page (core.todos): family links proposed by an import that wait for staff to
confirm or reject them. Registered in apps.ready(); two queries."""
from __future__ import annotations

from django.db.models import Min
from django.urls import reverse

from core import roles
from core.todos import Todo, register

from .models import FamilyLinkProposal


@register("cadre.family_links", section="干部档案", roles=(roles.STAFF,))
def family_links_waiting(user) -> list[Todo]:
    pending = FamilyLinkProposal.objects.filter(status=FamilyLinkProposal.Status.PENDING)
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return []
    return [Todo(
        title="家庭成员关联待确认", url=reverse("cadre:family-links"), count=pending.count(), since=oldest,
        action="核对导入时发现的名册内亲属关系（用于任职回避）",
    )]
