"""Excel downloads of a campaign: build the workbook and record that personal data left the system."""
from __future__ import annotations

from core.audit import audit

from .. import exports
from ..audit import EXPORT_ACTIONS
from ..models import Campaign


def campaign_export(*, actor, campaign: Campaign, kind: str) -> bytes:
    """The workbook of ``kind`` (selection.exports.KINDS) for ``actor``, with one audit row for the download."""
    content = exports.build(campaign, kind, user=actor)
    audit(actor=actor, action=EXPORT_ACTIONS[kind], obj=campaign, summary=f"导出{campaign.title}{exports.KINDS[kind][0]}")
    return content
