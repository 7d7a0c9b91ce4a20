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


def _count(value, label: str = "") -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"{label}发放数量须为整数。", field="count") from None
    if not (0 <= count <= MAX_CODES_PER_ISSUE):
        raise ApplicationError(f"{label}每次发放数量须在 1–{MAX_CODES_PER_ISSUE} 之间。", field="count")
    return count


def _new_digests(count: int) -> tuple[list[str], list[str]]:
    for _attempt in range(3):
        codes = [new_code() for _ in range(count)]
        digests = [code_digest(c) for c in codes]
        if len(set(digests)) == count and not BallotCode.objects.filter(digest__in=digests).exists():
            return codes, digests
    raise ApplicationError("生成测评码时发生冲突，请重试。")  # pragma: no cover - 2**49 code space


def codes_issue_groups(*, actor, session: BallotSession, counts: dict) -> list[tuple[EvaluatorGroup, list[str]]]:
    """Issue codes for several evaluator groups in one step: ``counts`` {group (or its id): n} (0 = none).

    Returns [(group, plain codes)] in the session's group order — the only time the codes exist in plain text;
    the database keeps only HMAC-SHA256(key, code). Serials run on across the groups (票号 are unique per
    session). One transaction: either every group gets its codes or none does.
    """
    require_staff(actor)
    wanted = {}
    for key, value in (counts or {}).items():
        group_id = key.pk if isinstance(key, EvaluatorGroup) else int(key)
        wanted[group_id] = _count(value)
    if not any(wanted.values()):
        raise ApplicationError("请至少为一个测评人类别填写发放数量。", field="count")
    if sum(wanted.values()) > MAX_CODES_PER_ISSUE:
        raise ApplicationError(f"一次发放的测评码合计不能超过 {MAX_CODES_PER_ISSUE} 个。", field="count")
    with transaction.atomic():
        session = locked(session)
        refused = workflow.work_error("issue_codes", title=session.title, status=session.status)
        if refused:
            raise ApplicationError(refused)
        groups = {g.pk: g for g in EvaluatorGroup.objects.filter(session=session)}
        foreign = set(wanted) - set(groups)
        if foreign:
            raise ApplicationError("该测评人类别不属于本次测评。", field="group")
        start = (session.codes.aggregate(m=Max("serial"))["m"] or 0) + 1
        issued, rows, parts = [], [], []
        for group in sorted((groups[i] for i, n in wanted.items() if n), key=lambda g: (g.order, g.pk)):
            count = wanted[group.pk]
            codes, digests = _new_digests(count)
            rows += [BallotCode(session=session, group=group, serial=start + i, digest=d) for i, d in enumerate(digests)]
            parts.append({"group": group.name, "count": count, "first_serial": start})
            issued.append((group, codes))
            start += count
        BallotCode.objects.bulk_create(rows)
        for part in parts:
            last = part["first_serial"] + part["count"] - 1
            audit(
                actor=actor,
                action=AuditAction.BALLOT_CODE_ISSUE,
                obj=session,
                summary=f"为“{part['group']}”发放测评码 {part['count']} 个（票号 {part['first_serial']}–{last}）",
                data=part,
            )
    return issued


def codes_issue(*, actor, session: BallotSession, group: EvaluatorGroup, count: int) -> list[str]:
    """Create ``count`` one-time codes for ``group`` and return them in plain text — the only time they exist."""
    require_staff(actor)
    count = _count(count)
    if count < 1:
        raise ApplicationError(f"每次发放数量须在 1–{MAX_CODES_PER_ISSUE} 之间。", field="count")
    if group.session_id != session.pk:
        raise ApplicationError("该测评人类别不属于本次测评。", field="group")
    return codes_issue_groups(actor=actor, session=session, counts={group.pk: count})[0][1]


def expire_unused_codes(session: BallotSession) -> int:
    """Every code still unused becomes 未使用（结束时作废）; inside the caller's locked transaction (close, void)."""
    return BallotCode.objects.filter(session=session, status=CodeStatus.UNUSED).update(status=CodeStatus.EXPIRED)


def codes_void_unused(*, actor, session: BallotSession) -> int:
    """Void every unused code of the session now (e.g. when the hall is closed before the session ends): the
    codes still count as issued in the participation rate. Close does the same by itself."""
    require_staff(actor)
    with transaction.atomic():
        session = locked(session)
        refused = workflow.work_error("issue_codes", title=session.title, status=session.status)
        if refused:
            raise ApplicationError(refused.replace("发放", "作废"))
        n = expire_unused_codes(session)
        audit(actor=actor, action=AuditAction.BALLOT_CODE_EXPIRE, obj=session,
              summary=f"作废未使用的测评码 {n} 个", data={"count": n})
    return n


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
        if row.status in (CodeStatus.REVOKED, CodeStatus.EXPIRED):
            raise ApplicationError(f"{label}已作废。")
        row.status = CodeStatus.REVOKED
        row.revoked_at = timezone.now()
        row.save(update_fields=["status", "revoked_at"])
        audit(actor=actor, action=AuditAction.BALLOT_CODE_REVOKE, obj=session, summary=f"作废票号 {row.serial} 的测评码")
    return row
