"""One-time ballot codes: issue (plain codes returned exactly once) and revoke."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError

from .. import workflow
from ..audit import AuditAction
from ..codes import code_digest, new_code
from ..models import BallotCode, BallotSession, CodeStatus, EvaluatorGroup
from .common import locked, require_staff

MAX_CODES_PER_ISSUE = 2000


def codes_issue(*, actor, session: BallotSession, group: EvaluatorGroup, count: int) -> list[str]:
    """Create ``count`` one-time codes for ``group`` and return them in plain text — the only time they exist.

    The database keeps only HMAC-SHA256(key, code) (key: ASSESSMENT_BALLOT_HMAC_KEY, per install, never SECRET_KEY).
    """
    require_staff(actor)
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ApplicationError("发放数量须为整数。", field="count") from None
    if not (1 <= count <= MAX_CODES_PER_ISSUE):
        raise ApplicationError(f"每次发放数量须在 1–{MAX_CODES_PER_ISSUE} 之间。", field="count")
    with transaction.atomic():
        session = locked(session)
        refused = workflow.work_error("issue_codes", title=session.title, status=session.status)
        if refused:
            raise ApplicationError(refused)
        if group.session_id != session.pk:
            raise ApplicationError("该测评人类别不属于本次测评。", field="group")
        start = (session.codes.aggregate(m=Max("serial"))["m"] or 0) + 1
        for _attempt in range(3):
            codes = [new_code() for _ in range(count)]
            digests = [code_digest(c) for c in codes]
            if len(set(digests)) == count and not BallotCode.objects.filter(digest__in=digests).exists():
                break
        else:  # pragma: no cover - 2**49 code space
            raise ApplicationError("生成测评码时发生冲突，请重试。")
        BallotCode.objects.bulk_create(
            BallotCode(session=session, group=group, serial=start + i, digest=d) for i, d in enumerate(digests)
        )
        audit(
            actor=actor,
            action=AuditAction.BALLOT_CODE_ISSUE,
            obj=session,
            summary=f"为“{group.name}”发放测评码 {count} 个（票号 {start}–{start + count - 1}）",
            data={"group": group.name, "count": count, "first_serial": start},
        )
    return codes


def code_revoke(*, actor, session: BallotSession, code: str = "", serial: int | None = None) -> BallotCode:
    """Revoke an unused code (lost slip), found by the code itself or by its printed 票号."""
    require_staff(actor)
    with transaction.atomic():
        qs = BallotCode.objects.select_for_update().filter(session=session)
        if code:
            row = qs.filter(digest=code_digest(code)).first()
            label = "该测评码"
        elif serial:
            row = qs.filter(serial=int(serial)).first()
            label = f"票号 {serial}"
        else:
            raise ApplicationError("请填写要作废的测评码或票号。")
        if row is None:
            raise ApplicationError(f"{label}不属于本次测评。")
        if row.status == CodeStatus.USED:
            raise ApplicationError(f"{label}已使用，不能作废。")
        if row.status == CodeStatus.REVOKED:
            raise ApplicationError(f"{label}已作废。")
        row.status = CodeStatus.REVOKED
        row.revoked_at = timezone.now()
        row.save(update_fields=["status", "revoked_at"])
        audit(actor=actor, action=AuditAction.BALLOT_CODE_REVOKE, obj=session, summary=f"作废票号 {row.serial} 的测评码")
    return row
