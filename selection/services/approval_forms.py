"""干部任免审批表 of the people the 党委会 passed: 拟任职务, 拟免职务 and 任免理由 (with the appointment kind and, for
a 新提任, the 试用期) taken from each application's snapshot, rendered by documents.services like any other form."""
from __future__ import annotations

from core.audit import audit
from documents.models import GeneratedDocument
from documents.services import approval_forms_generate

from .. import notices
from ..audit import AuditAction
from ..models import Campaign
from .base import require_staff


def approval_forms_issue(*, actor, campaign: Campaign) -> list[GeneratedDocument]:
    """One 任免审批表 per person passed by the 党委会 (staff; from 讨论决定 on). An unchanged form is found again by
    its content hash, a changed one becomes the next version."""
    require_staff(actor)
    proposals = notices.approval_proposals(campaign)
    documents = approval_forms_generate(actor=actor, cadre_ids=list(proposals), proposals=proposals)
    audit(actor=actor, action=AuditAction.APPROVAL_FORMS, obj=campaign,
          summary=f"{campaign.title}：生成干部任免审批表 {len(documents)} 份",
          data={"documents": [d.pk for d in documents], "kinds": {k: v["reason"] for k, v in proposals.items()}})
    return documents
