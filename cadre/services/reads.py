"""Audited reads: a full 身份证号 that leaves through the API for someone else's record (issue #18)."""
from __future__ import annotations

from core.audit import audit

from ..audit import AuditAction
from ..models import Cadre


def id_numbers_read_record(*, actor, cadre_ids: list[int], cadre: Cadre | None = None) -> None:
    """One audit row per API response that carried full 身份证号 of other people (a page of the list, or one
    record): which records, never the numbers. One INSERT, no other query."""
    if not cadre_ids:
        return
    summary = f"通过接口读取完整身份证号：{cadre.name}" if cadre is not None else f"通过接口读取完整身份证号 {len(cadre_ids)} 人"
    audit(actor=actor, action=AuditAction.ID_NUMBERS_READ, obj=cadre, summary=summary,
          data={"cadre_ids": cadre_ids[:200], "count": len(cadre_ids)})
