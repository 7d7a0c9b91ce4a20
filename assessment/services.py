"""Every write of 民主测评 and 考核. The selection workflow calls:

    ballot_session_create(*, actor, title, option_set, targets, groups) -> BallotSession
    codes_issue(*, actor, session, group, count) -> list[str]        # plain codes, returned exactly once
    session_open(*, actor, session) / session_close(*, actor, session) / session_void(*, actor, session, reason)
    ballot_submit(*, session_id, code, marks)                        # anonymous; no actor on purpose
    tally(session) -> dict                                           # frozen result once closed
"""
from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from cadre.models import AnnualAssessment, Cadre, OrgUnit
from core.audit import audit
from core.exceptions import ApplicationError

from . import rules
from .codes import code_digest, looks_like_code, new_code, normalize_code
from .models import (
    Ballot,
    BallotCode,
    BallotMark,
    BallotSession,
    BallotTarget,
    CodeStatus,
    EvaluatorGroup,
    OptionSet,
    PeriodicAssessment,
    PeriodicKind,
    ResidentEvaluation,
    ReviewMethod,
    SessionStatus,
    TermReview,
    TermReviewResult,
)

logger = logging.getLogger(__name__)

MAX_CODES_PER_ISSUE = 2000
MAX_TARGETS = 200


def _setting(name, default):
    return getattr(settings, name, default)


def _require_staff(actor):
    from .permissions import can_manage

    if not can_manage(actor):
        raise ApplicationError("只有组织部工作人员可以进行此操作。")


# ---------------------------------------------------------------------------------------------- sessions


def _decimal(value, label) -> Decimal:
    try:
        return Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}“{value}”不是数字") from None


def _json_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def ballot_session_create(
    *,
    actor,
    title: str,
    option_set: str,
    targets: list,
    groups: list,
    score_map: dict | None = None,
    vote_date=None,
    participation_threshold=None,
    min_group_ballots: int | None = None,
) -> BallotSession:
    """Create a draft session.

    ``targets``: Cadre instances, or dicts ``{"cadre": Cadre|id|None, "name": str, "description": str}``
    (a name without a cadre is an outside candidate). ``groups``: dicts ``{"name", "weight"[, "paper_issued"]}``
    or ``(name, weight)`` pairs, weights in percent summing to 100.
    """
    _require_staff(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写测评名称。", field="title")
    if option_set not in OptionSet.values:
        raise ApplicationError(f"选项类型“{option_set}”无效，可选：评价、推荐、群众。", field="option_set")
    score_map = dict(score_map or rules.DEFAULT_SCORE_MAPS[option_set])
    errors = rules.score_map_errors(option_set, score_map)
    if errors:
        raise ApplicationError("分值对照有误：" + "；".join(errors), errors=errors, field="score_map")
    score_map = {k: _json_number(Decimal(str(v))) for k, v in score_map.items()}

    target_rows = _target_rows(targets)
    group_rows = _group_rows(groups)

    threshold = _decimal(
        participation_threshold if participation_threshold is not None
        else _setting("ASSESSMENT_PARTICIPATION_THRESHOLD", 80),
        "参评率下限",
    )
    if not (0 <= threshold <= 100):
        raise ApplicationError(f"参评率下限 {threshold}% 须在 0–100 之间。", field="participation_threshold")
    min_group = min_group_ballots if min_group_ballots is not None else _setting("ASSESSMENT_MIN_GROUP_BALLOTS", 5)
    if int(min_group) < 1:
        raise ApplicationError("分组显示最少票数须至少为 1。", field="min_group_ballots")

    with transaction.atomic():
        session = BallotSession.objects.create(
            title=title,
            option_set=option_set,
            score_map=score_map,
            vote_date=vote_date,
            participation_threshold=threshold,
            min_group_ballots=int(min_group),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        BallotTarget.objects.bulk_create(
            BallotTarget(session=session, order=i, **row) for i, row in enumerate(target_rows, 1)
        )
        EvaluatorGroup.objects.bulk_create(
            EvaluatorGroup(session=session, order=i, **row) for i, row in enumerate(group_rows, 1)
        )
        audit(
            actor=actor,
            action="ballot_session.create",
            obj=session,
            summary=f"创建测评“{title}”：{len(target_rows)} 名对象，{len(group_rows)} 个测评人类别",
            data={"option_set": option_set, "groups": [(g["name"], str(g["weight"])) for g in group_rows]},
        )
    return session


def _target_rows(targets) -> list[dict]:
    if not targets:
        raise ApplicationError("至少需要一名测评对象。", field="targets")
    if len(targets) > MAX_TARGETS:
        raise ApplicationError(f"测评对象最多 {MAX_TARGETS} 名。", field="targets")
    rows, seen_cadres = [], set()
    for i, item in enumerate(targets, 1):
        if isinstance(item, Cadre):
            item = {"cadre": item}
        cadre = item.get("cadre")
        if cadre is not None and not isinstance(cadre, Cadre):
            cadre = Cadre.objects.filter(pk=cadre).first()
            if cadre is None:
                raise ApplicationError(f"第 {i} 名测评对象：干部档案 {item.get('cadre')} 不存在。", field="targets")
        name = (item.get("name") or (cadre.name if cadre else "")).strip()
        if not name:
            raise ApplicationError(f"第 {i} 名测评对象缺少姓名。", field="targets")
        if len(name) > 30:
            raise ApplicationError(f"第 {i} 名测评对象姓名“{name}”过长（最多 30 字）。", field="targets")
        if cadre is not None:
            if cadre.pk in seen_cadres:
                raise ApplicationError(f"第 {i} 名测评对象“{name}”重复。", field="targets")
            seen_cadres.add(cadre.pk)
        description = (item.get("description") or (cadre.current_job if cadre else "")).strip()[:100]
        rows.append({"cadre": cadre, "name": name, "description": description})
    return rows


def _group_rows(groups) -> list[dict]:
    rows = []
    for i, item in enumerate(groups or [], 1):
        if isinstance(item, (tuple, list)):
            item = {"name": item[0], "weight": item[1]}
        name = str(item.get("name") or "").strip()
        if not name:
            raise ApplicationError(f"第 {i} 个测评人类别缺少名称。", field="groups")
        weight = _decimal(item.get("weight"), f"测评人类别“{name}”的权重")
        paper = int(item.get("paper_issued") or 0)
        if paper < 0:
            raise ApplicationError(f"测评人类别“{name}”的纸质票数不能为负数。", field="groups")
        rows.append({"name": name[:50], "weight": weight, "paper_issued": paper})
    names = [r["name"] for r in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ApplicationError(f"测评人类别重复：{'、'.join(duplicates)}。", field="groups")
    errors = rules.weight_errors([r["weight"] for r in rows])
    if errors:
        raise ApplicationError("；".join(errors) + "。", errors=errors, field="groups")
    return rows


def _locked(session: BallotSession) -> BallotSession:
    return BallotSession.objects.select_for_update().get(pk=session.pk)


def session_open(*, actor, session: BallotSession) -> BallotSession:
    _require_staff(actor)
    with transaction.atomic():
        session = _locked(session)
        if session.status != SessionStatus.DRAFT:
            raise ApplicationError(f"测评“{session.title}”当前为{session.get_status_display()}，只有草稿可以开始。")
        session.status = SessionStatus.OPEN
        session.opened_at = timezone.now()
        if session.vote_date is None:
            session.vote_date = timezone.localdate()
        session.save(update_fields=["status", "opened_at", "vote_date"])
        audit(actor=actor, action="ballot_session.open", obj=session, summary=f"开始测评“{session.title}”")
    return session


def session_close(*, actor, session: BallotSession) -> BallotSession:
    """Close and freeze: the tally is stored with the SHA-256 of its canonical JSON."""
    _require_staff(actor)
    with transaction.atomic():
        _lock_session_exclusive(session.pk)  # waits for the ballots in flight (they hold the shared lock)
        session = _locked(session)
        if session.status != SessionStatus.OPEN:
            raise ApplicationError(f"测评“{session.title}”当前为{session.get_status_display()}，只有测评中的场次可以结束。")
        _reshuffle_ballots(session.pk)
        result = compute_live_tally(session)
        session.result = result
        session.result_hash = rules.content_hash(result)
        session.status = SessionStatus.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["result", "result_hash", "status", "closed_at"])
        audit(
            actor=actor,
            action="ballot_session.close",
            obj=session,
            summary=f"结束测评“{session.title}”：收回 {result['returned']} 张，发出 {result['issued']} 张",
            data={"result_hash": session.result_hash, "participation_ok": result["participation_ok"]},
        )
    return session


def _reshuffle_ballots(session_pk: int):
    """PostgreSQL keeps the inserting transaction id (xmin) on every row, so a ballot and the code it consumed
    share one, and xmin grows in submission order. At close the ballots and marks are copied to new rows (new
    UUIDs, random physical order, all with the closing transaction's id) and the originals deleted; the code
    rows are rewritten too. Dead row versions disappear at the next (auto)vacuum.
    """
    if connection.vendor != "postgresql":
        return
    ballot_t, mark_t, code_t = (m._meta.db_table for m in (Ballot, BallotMark, BallotCode))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS _ballot_map")
        cursor.execute(
            f"CREATE TEMP TABLE _ballot_map ON COMMIT DROP AS SELECT id AS old_id, gen_random_uuid() AS new_id"
            f" FROM {ballot_t} WHERE session_id = %s",
            [session_pk],
        )
        cursor.execute(
            f"INSERT INTO {ballot_t} (id, session_id, group_id, is_paper) SELECT m.new_id, b.session_id, b.group_id,"
            f" b.is_paper FROM _ballot_map m JOIN {ballot_t} b ON b.id = m.old_id ORDER BY random()"
        )
        cursor.execute(
            f"INSERT INTO {mark_t} (id, ballot_id, target_id, choice, valid) SELECT gen_random_uuid(), m.new_id,"
            f" k.target_id, k.choice, k.valid FROM {mark_t} k JOIN _ballot_map m ON k.ballot_id = m.old_id ORDER BY random()"
        )
        cursor.execute(f"DELETE FROM {mark_t} WHERE ballot_id IN (SELECT old_id FROM _ballot_map)")
        cursor.execute(f"DELETE FROM {ballot_t} WHERE id IN (SELECT old_id FROM _ballot_map)")
        cursor.execute(f"UPDATE {code_t} SET status = status WHERE session_id = %s", [session_pk])
        cursor.execute("DROP TABLE _ballot_map")


def session_void(*, actor, session: BallotSession, reason: str) -> BallotSession:
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("作废测评须填写原因。", field="reason")
    with transaction.atomic():
        session = _locked(session)
        if session.status == SessionStatus.VOID:
            raise ApplicationError(f"测评“{session.title}”已作废。")
        _void(actor, session, reason)
    return session


def _void(actor, session, reason):
    session.status = SessionStatus.VOID
    session.void_reason = reason[:300]
    session.save(update_fields=["status", "void_reason"])
    audit(actor=actor, action="ballot_session.void", obj=session, summary=f"测评“{session.title}”作废：{reason}"[:500])


# ------------------------------------------------------------------------------------------------- codes


def codes_issue(*, actor, session: BallotSession, group: EvaluatorGroup, count: int) -> list[str]:
    """Create ``count`` one-time codes for ``group`` and return them in plain text — the only time they exist.

    The database keeps only HMAC-SHA256(key, code) (key: ASSESSMENT_BALLOT_HMAC_KEY, else SECRET_KEY).
    """
    _require_staff(actor)
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ApplicationError("发放数量须为整数。", field="count") from None
    if not (1 <= count <= MAX_CODES_PER_ISSUE):
        raise ApplicationError(f"每次发放数量须在 1–{MAX_CODES_PER_ISSUE} 之间。", field="count")
    with transaction.atomic():
        session = _locked(session)
        if session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
            raise ApplicationError(f"测评“{session.title}”{session.get_status_display()}，不能再发放测评码。")
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
            action="ballot_code.issue",
            obj=session,
            summary=f"为“{group.name}”发放测评码 {count} 个（票号 {start}–{start + count - 1}）",
            data={"group": group.name, "count": count, "first_serial": start},
        )
    return codes


def code_revoke(*, actor, session: BallotSession, code: str = "", serial: int | None = None) -> BallotCode:
    """Revoke an unused code (lost slip), found by the code itself or by its printed 票号."""
    _require_staff(actor)
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
        audit(actor=actor, action="ballot_code.revoke", obj=session, summary=f"作废票号 {row.serial} 的测评码")
    return row


def paper_issued_set(*, actor, session: BallotSession, group: EvaluatorGroup, count: int) -> EvaluatorGroup:
    _require_staff(actor)
    with transaction.atomic():
        session = _locked(session)
        if session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
            raise ApplicationError(f"测评“{session.title}”{session.get_status_display()}，不能修改纸质票数。")
        group = EvaluatorGroup.objects.select_for_update().get(pk=group.pk, session=session)
        count = int(count)
        returned = Ballot.objects.filter(group=group, is_paper=True).count()
        if count < returned:
            raise ApplicationError(f"发出纸质票数 {count} 少于已录入的 {returned} 张。", field="count")
        group.paper_issued = count
        group.save(update_fields=["paper_issued"])
        audit(actor=actor, action="ballot_paper.issue", obj=session, summary=f"“{group.name}”发出纸质票 {count} 张")
    return group


# ------------------------------------------------------------------------------------------------ voting

MSG_FORMAT = "测评码格式不正确：应为 10 位字母和数字（不含 0、1、I、L、O）。"
MSG_UNKNOWN = "测评码无效，请核对后重新输入。"
MSG_FOREIGN = "该测评码不属于本次测评，请确认测评场次。"
MSG_USED = "该测评码已使用，每个测评码只能投票一次。"
MSG_REVOKED = "该测评码已作废，请向工作人员领取新的测评码。"
MSG_NOT_OPEN = "本次测评未开始或已结束，不能投票。"
MSG_NO_SESSION = "测评场次不存在。"


ADVISORY_CLASS = 0x4241  # pg advisory lock namespace of ballot sessions ("BA")


def _resolve_session_id(session_id):
    if isinstance(session_id, uuid.UUID) or (isinstance(session_id, str) and not session_id.isdigit()):
        try:
            return "public_id", uuid.UUID(str(session_id))
        except ValueError:
            raise ApplicationError(MSG_NO_SESSION) from None
    return "pk", int(session_id)


def _session_for_vote(session_id, *, lock: bool) -> tuple[int, str, list[int]]:
    """(pk, option_set, target ids) of an open session.

    With ``lock`` on PostgreSQL the transaction takes a *shared* advisory lock on the session first: any
    number of ballots proceed together, while session_close takes the exclusive one and so waits for the
    ballots in flight (and they for it) — no ballot can slip in after the result is frozen. An advisory
    lock, unlike SELECT … FOR SHARE, does not rewrite the hot session row for every ballot.
    """
    field_name, value = _resolve_session_id(session_id)
    if lock and connection.vendor == "postgresql":
        column = "public_id" if field_name == "public_id" else "id"
        with connection.cursor() as cursor:
            # Targets never change after creation. The status read here may be stale (taken before the lock
            # was granted): ballot_submit re-checks it inside its consuming statement.
            cursor.execute(
                f"SELECT s.id, s.status, s.option_set,"
                f" ARRAY(SELECT t.id FROM assessment_ballottarget t WHERE t.session_id = s.id ORDER BY t.id),"
                f" pg_advisory_xact_lock_shared(({ADVISORY_CLASS}::bigint << 32) | s.id)"
                f" FROM assessment_ballotsession s WHERE s.{column} = %s",
                [str(value) if column == "public_id" else value],
            )
            found = cursor.fetchone()
        if found is None:
            raise ApplicationError(MSG_NO_SESSION)
        pk, status, option_set, target_ids, _lock = found
        if status in (SessionStatus.CLOSED, SessionStatus.VOID):
            raise ApplicationError(MSG_NOT_OPEN)
        return pk, option_set, list(target_ids)
    row = BallotSession.objects.filter(**{field_name: value}).values_list("pk", "status", "option_set").first()
    if row is None:
        raise ApplicationError(MSG_NO_SESSION)
    pk, status, option_set = row
    if status != SessionStatus.OPEN:
        raise ApplicationError(MSG_NOT_OPEN)
    target_ids = list(BallotTarget.objects.filter(session_id=pk).order_by("id").values_list("id", flat=True))
    return pk, option_set, target_ids


def _lock_session_exclusive(session_pk: int):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [(ADVISORY_CLASS << 32) | session_pk])


def _refusal(digest: str, session_pk: int) -> ApplicationError:
    """Why a code could not be consumed (read after the failed UPDATE; the error path only)."""
    if BallotSession.objects.filter(pk=session_pk).values_list("status", flat=True).first() != SessionStatus.OPEN:
        return ApplicationError(MSG_NOT_OPEN)
    row = BallotCode.objects.filter(digest=digest).values_list("session_id", "status").first()
    if row is None:
        return ApplicationError(MSG_UNKNOWN, field="code")
    if row[0] != session_pk:
        return ApplicationError(MSG_FOREIGN, field="code")
    if row[1] == CodeStatus.REVOKED:
        return ApplicationError(MSG_REVOKED, field="code")
    return ApplicationError(MSG_USED, field="code")


def _normalized_or_error(code: str) -> str:
    code = normalize_code(code)
    if not looks_like_code(code):
        raise ApplicationError(MSG_FORMAT, field="code")
    return code


def code_check(*, session_id, code: str) -> int:
    """Step one of the ballot page: is this code usable here? Reads only; consumes nothing."""
    session_pk, _option_set, _targets = _session_for_vote(session_id, lock=False)
    digest = code_digest(_normalized_or_error(code))
    if not BallotCode.objects.filter(digest=digest, session_id=session_pk, status=CodeStatus.UNUSED).exists():
        raise _refusal(digest, session_pk)
    return session_pk


_CONSUME_SQL = (
    "UPDATE assessment_ballotcode SET status = %s WHERE digest = %s AND session_id = %s AND status = %s"
    " RETURNING group_id"
)


def _consume_and_store(digest: str, session_pk: int, judged: list) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_CONSUME_SQL, [CodeStatus.USED, digest, session_pk, CodeStatus.UNUSED])
        consumed = cursor.fetchone()
    if consumed is None:
        return False
    ballot = Ballot(session_id=session_pk, group_id=consumed[0])
    ballot.save(force_insert=True)
    BallotMark.objects.bulk_create(
        BallotMark(ballot=ballot, target_id=m.target_id, choice=m.choice, valid=m.valid) for m in judged
    )
    return True


def _consume_and_store_pg(digest: str, session_pk: int, judged: list) -> bool:
    """PostgreSQL: consume the code and insert the ballot and its marks in ONE statement (data-modifying CTEs).

    When the code is not consumable or the session is no longer open (checked here with this statement's
    snapshot, taken after the shared session lock was granted) the UPDATE returns no row and the two INSERTs
    insert nothing.
    """
    code_t, ballot_t, mark_t, session_t = (m._meta.db_table for m in (BallotCode, Ballot, BallotMark, BallotSession))
    values = ", ".join(["(%s::uuid, %s::bigint, %s, %s)"] * len(judged))
    params = [CodeStatus.USED, digest, session_pk, CodeStatus.UNUSED, session_pk, SessionStatus.OPEN,
              str(uuid.uuid4()), session_pk]
    for m in judged:
        params += [str(uuid.uuid4()), m.target_id, m.choice, m.valid]
    sql = (
        f"WITH c AS (UPDATE {code_t} SET status = %s WHERE digest = %s AND session_id = %s AND status = %s"
        f" AND EXISTS (SELECT 1 FROM {session_t} s WHERE s.id = %s AND s.status = %s) RETURNING group_id),"
        f" b AS (INSERT INTO {ballot_t} (id, session_id, group_id, is_paper)"
        f" SELECT %s::uuid, %s, c.group_id, false FROM c RETURNING id)"
        f" INSERT INTO {mark_t} (id, ballot_id, target_id, choice, valid)"
        f" SELECT v.id, b.id, v.target_id, v.choice, v.valid FROM b CROSS JOIN (VALUES {values})"
        f" AS v(id, target_id, choice, valid)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == len(judged)


def ballot_submit(*, session_id, code: str, marks: dict) -> None:
    """Consume ``code`` and store one ballot in the same transaction.

    ``marks``: {target_id: {"choice": "优秀", "reason": ""}} (or {target_id: "优秀"}); missing targets are
    blank. The code is consumed by one conditional ``UPDATE … WHERE status = 'unused' RETURNING`` (on
    PostgreSQL in the same statement as the INSERTs of the ballot and its marks): of any
    number of simultaneous submissions with one code, the row lock lets exactly one see ``unused``; the others
    match nothing and are refused, and nothing of theirs is written. Nothing identifying is stored or logged;
    the function returns nothing that names the ballot.
    """
    digest = code_digest(_normalized_or_error(code))
    with transaction.atomic():
        session_pk, option_set, target_ids = _session_for_vote(session_id, lock=True)
        try:
            judged = rules.judge_ballot(option_set, target_ids, marks)
        except ValueError as exc:
            raise ApplicationError(str(exc), field="marks") from None
        if connection.vendor == "postgresql":
            stored = _consume_and_store_pg(digest, session_pk, judged)
        else:
            stored = _consume_and_store(digest, session_pk, judged)
        if not stored:
            raise _refusal(digest, session_pk)
    logger.info("ballot accepted")


# ------------------------------------------------------------------------------------------ paper ballots


@dataclass
class PaperEntryResult:
    entered: int = 0
    invalid_marks: int = 0
    voided: bool = False
    message: str = ""
    problems: list = field(default_factory=list)


def paper_ballots_enter(*, actor, session: BallotSession, group: EvaluatorGroup, rows: list[list[str]], blank_ballots: int = 0) -> PaperEntryResult:
    """Enter paper ballots: each row holds one cell per target (in session order).

    A cell with two options is invalid for that target; 优/差 without a reason is invalid; a cell that is
    not an option at all is an entry error (nothing is written). When more paper ballots have come back
    than were issued for the group, the whole session is made void (废票处理) in the same transaction.
    """
    _require_staff(actor)
    targets = list(BallotTarget.objects.filter(session=session).order_by("order", "id"))
    parsed, errors = [], []
    for r, cells in enumerate(rows, 1):
        if len(cells) > len(targets):
            errors.append({"row": r, "message": f"第 {r} 张：有 {len(cells)} 格，多于测评对象 {len(targets)} 名"})
            continue
        marks = []
        for t, target in enumerate(targets):
            text = cells[t] if t < len(cells) else ""
            try:
                mark = rules.parse_paper_cell(session.option_set, text)
            except ValueError as exc:
                errors.append({"row": r, "field": target.name, "message": f"第 {r} 张“{target.name}”：{exc}"})
                continue
            marks.append(rules.Mark(target.pk, mark.choice, mark.valid, mark.problem))
        parsed.append(marks)
    if errors:
        raise ApplicationError(f"纸质票录入有 {len(errors)} 处错误，未保存任何选票。", errors=errors)
    blank_ballots = int(blank_ballots or 0)
    if blank_ballots < 0:
        raise ApplicationError("空白票数不能为负数。", field="blank_ballots")
    parsed.extend([[rules.Mark(t.pk, "", True) for t in targets] for _ in range(blank_ballots)])
    if not parsed:
        raise ApplicationError("没有需要录入的选票。")

    result = PaperEntryResult()
    with transaction.atomic():
        session = _locked(session)
        if session.status != SessionStatus.OPEN:
            raise ApplicationError(f"测评“{session.title}”{session.get_status_display()}，不能录入纸质票。")
        group = EvaluatorGroup.objects.select_for_update().get(pk=group.pk, session=session)
        ballots = [Ballot(session=session, group=group, is_paper=True) for _ in parsed]
        Ballot.objects.bulk_create(ballots)
        BallotMark.objects.bulk_create(
            BallotMark(ballot=b, target_id=m.target_id, choice=m.choice, valid=m.valid)
            for b, marks in zip(ballots, parsed)
            for m in marks
        )
        result.entered = len(ballots)
        result.invalid_marks = sum(1 for marks in parsed for m in marks if not m.valid)
        result.problems = [m.problem for marks in parsed for m in marks if m.problem]
        returned = Ballot.objects.filter(group=group, is_paper=True).count()
        audit(
            actor=actor,
            action="ballot_paper.enter",
            obj=session,
            summary=f"“{group.name}”录入纸质票 {len(ballots)} 张（无效标记 {result.invalid_marks} 处）",
        )
        if returned > group.paper_issued:
            result.voided = True
            result.message = (
                f"“{group.name}”收回纸质票 {returned} 张，多于发出的 {group.paper_issued} 张，本次测评作废（废票处理）。"
            )
            _void(actor, session, result.message)
    return result


# ------------------------------------------------------------------------------------------------- tally


def compute_live_tally(session: BallotSession) -> dict:
    groups = list(EvaluatorGroup.objects.filter(session=session).order_by("order", "id"))
    targets = list(BallotTarget.objects.filter(session=session).order_by("order", "id"))
    issued_codes = dict(
        BallotCode.objects.filter(session=session)
        .exclude(status=CodeStatus.REVOKED)
        .values_list("group_id")
        .annotate(n=Count("id"))
    )
    returned = dict(Ballot.objects.filter(session=session).values_list("group_id").annotate(n=Count("id")))
    mark_counts = {
        (row["target_id"], row["ballot__group_id"], row["choice"], row["valid"]): row["n"]
        for row in BallotMark.objects.filter(ballot__session=session)
        .values("target_id", "ballot__group_id", "choice", "valid")
        .annotate(n=Count("id"))
        .order_by()
    }
    data = rules.compute_tally(
        option_set=session.option_set,
        score_map=session.score_map,
        targets=[rules.TargetInput(t.pk, t.name, t.description, t.cadre_id) for t in targets],
        groups=[
            rules.GroupInput(g.pk, g.name, g.weight, issued_codes.get(g.pk, 0) + g.paper_issued, returned.get(g.pk, 0))
            for g in groups
        ],
        mark_counts=mark_counts,
        threshold_percent=session.participation_threshold,
        min_group_ballots=session.min_group_ballots,
    )
    data["session"] = {"id": session.pk, "title": session.title, "vote_date": str(session.vote_date or "")}
    return data


def tally(session: BallotSession) -> dict:
    """The frozen result of a closed session (checked against its hash), else the live count."""
    if session.status == SessionStatus.CLOSED:
        if rules.content_hash(session.result) != session.result_hash:
            raise ApplicationError(f"测评“{session.title}”的冻结结果与摘要不符，结果可能被改动，请联系管理员。")
        return session.result
    return compute_live_tally(session)


# ------------------------------------------------------------------------------------------- assessments


@dataclass
class AnnualSaveResult:
    saved: int
    quota: rules.QuotaCheck
    warnings: list[str]


def annual_assessments_save(*, actor, unit: OrgUnit, year: int, entries: list[dict]) -> AnnualSaveResult:
    """年度考核 for one unit and year. ``entries``: [{"cadre": Cadre|id, "grade": "优秀", "reason": ""}].

    A blank grade leaves the cadre's record as it was. Checks the 优秀 quota over the unit's assessed staff
    (this batch plus rows already stored for the unit's cadres): a warning by default, refused when
    ASSESSMENT_EXCELLENT_QUOTA_HARD is true. Writes cadre.AnnualAssessment (with its history).
    """
    _require_staff(actor)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("年度须为四位数字。", field="year") from None
    if not (1950 <= year <= timezone.localdate().year):
        raise ApplicationError(f"年度 {year} 无效。", field="year")
    unit_cadres = {c.pk: c for c in Cadre.objects.filter(unit=unit)}
    grades_valid = {"优秀", "称职", "基本称职", "不称职", "未定等次"}
    clean, errors = {}, []
    for i, entry in enumerate(entries, 1):
        cadre = entry.get("cadre")
        cadre_id = cadre.pk if isinstance(cadre, Cadre) else int(cadre)
        if cadre_id not in unit_cadres:
            errors.append(f"第 {i} 行：干部不属于{unit.name}")
            continue
        name = unit_cadres[cadre_id].name
        grade = (entry.get("grade") or "").strip()
        reason = (entry.get("reason") or "").strip()
        if not grade:
            continue
        if grade not in grades_valid:
            errors.append(f"{name}：考核结果“{grade}”无效")
        elif grade == "未定等次" and not reason:
            errors.append(f"{name}：未定等次须填写原因")
        else:
            clean[cadre_id] = (grade, reason[:200])
    if errors:
        raise ApplicationError("年度考核录入有误：" + "；".join(errors) + "。", errors=errors)

    existing = dict(
        AnnualAssessment.objects.filter(cadre_id__in=unit_cadres, year=year).values_list("cadre_id", "grade")
    )
    combined = {**existing, **{cid: g for cid, (g, _r) in clean.items()}}
    percent = Decimal(str(_setting("ASSESSMENT_EXCELLENT_QUOTA_PERCENT", 20)))
    quota = rules.excellent_quota(list(combined.values()), percent)
    warnings = []
    if quota.exceeded:
        message = f"{unit.name}{year}年度：{quota.message}"
        if _setting("ASSESSMENT_EXCELLENT_QUOTA_HARD", False):
            raise ApplicationError(message + "，不能保存。", field="grade")
        warnings.append(message + "，请核实。")

    with transaction.atomic():
        for cadre_id, (grade, reason) in clean.items():
            AnnualAssessment.objects.update_or_create(
                cadre_id=cadre_id, year=year, defaults={"grade": grade, "reason": reason}
            )
        audit(
            actor=actor,
            action="annual_assessment.save",
            obj=unit,
            summary=f"{unit.name}{year}年度考核录入 {len(clean)} 人" + ("（优秀超比例）" if quota.exceeded else ""),
            data={"year": year, "excellent": quota.excellent, "assessed": quota.assessed},
        )
    return AnnualSaveResult(saved=len(clean), quota=quota, warnings=warnings)


def periodic_assessment_create(
    *, actor, cadre: Cadre, kind: str, year: int, assessed_on, grade: str, quarter: int | None = None,
    task: str = "", comment: str = "",
) -> PeriodicAssessment:
    _require_staff(actor)
    if kind not in PeriodicKind.values:
        raise ApplicationError(f"考核类别“{kind}”无效。", field="kind")
    if grade not in {"优秀", "称职", "基本称职", "不称职", "未定等次"}:
        raise ApplicationError(f"考核结果“{grade}”无效。", field="grade")
    if kind == PeriodicKind.QUARTERLY:
        if quarter not in (1, 2, 3, 4):
            raise ApplicationError("季度考核须选择第 1–4 季度。", field="quarter")
        task = ""
        if PeriodicAssessment.objects.filter(cadre=cadre, kind=kind, year=year, quarter=quarter).exists():
            raise ApplicationError(f"{cadre.name}{year}年第{quarter}季度已有考核记录。", field="quarter")
    else:
        quarter = None
        if not (task or "").strip():
            raise ApplicationError("专项考核须填写任务名称。", field="task")
    with transaction.atomic():
        row = PeriodicAssessment.objects.create(
            cadre=cadre, kind=kind, year=year, quarter=quarter, task=(task or "").strip()[:200],
            assessed_on=assessed_on, grade=grade, comment=(comment or "").strip()[:500],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit(actor=actor, action="periodic_assessment.create", obj=row, summary=f"{cadre.name} {row}")
    return row


def resident_evaluation_create(
    *, actor, title: str, subject_name: str = "", cadre: Cadre | None = None, population: list[str],
    sample_size: int, seed: int | None = None, create_session: bool = True,
) -> ResidentEvaluation:
    """Draw ``sample_size`` evaluators from ``population`` with a recorded seed (new random seed if None).

    With ``create_session`` a 群众评价 ballot session (one group 群众代表, weight 100%) is created for the
    subject; codes are then issued to the sampled people as usual.
    """
    _require_staff(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写名称。", field="title")
    subject_name = (subject_name or (cadre.name if cadre else "")).strip()
    if not subject_name:
        raise ApplicationError("请填写被评价对象。", field="subject_name")
    people = rules.normalize_population(population)
    if seed is None:
        seed = secrets.randbits(48)
    try:
        sample_size = int(sample_size)
        seed = int(seed)
        sample = rules.draw_sample(people, sample_size, seed)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="sample_size") from None
    with transaction.atomic():
        session = None
        if create_session:
            session = ballot_session_create(
                actor=actor, title=title, option_set=OptionSet.MASSES,
                targets=[{"cadre": cadre, "name": subject_name}], groups=[{"name": "群众代表", "weight": 100}],
            )
        row = ResidentEvaluation.objects.create(
            title=title, cadre=cadre, subject_name=subject_name, population=people,
            population_hash=rules.population_hash(people), sample_size=sample_size, seed=seed, sample=sample,
            session=session, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit(
            actor=actor, action="resident_evaluation.create", obj=row,
            summary=f"群众评价“{title}”：从 {len(people)} 人中抽取 {sample_size} 人，随机种子 {seed}",
            data={"seed": seed, "population_hash": row.population_hash},
        )
    return row


def resident_sample_verify(evaluation: ResidentEvaluation) -> bool:
    """Re-draw from the stored list and seed: True when it reproduces the recorded sample and list hash."""
    return (
        rules.population_hash(evaluation.population) == evaluation.population_hash
        and rules.draw_sample(evaluation.population, evaluation.sample_size, evaluation.seed) == evaluation.sample
    )


def term_review_create(
    *, actor, subject_name: str = "", subject_kind: str = "其他", cadre: Cadre | None = None, subject=None,
    term_start=None, term_end=None, panel: list[str], methods: list[str], result: str, opinion: str,
    reviewed_on, session: BallotSession | None = None,
) -> TermReview:
    """期满考核 for a cadre, any other record (``subject``: e.g. a secondment row) or a named person."""
    _require_staff(actor)
    from django.contrib.contenttypes.models import ContentType

    subject_name = (subject_name or (cadre.name if cadre else "") or (str(subject) if subject else "")).strip()
    if not subject_name:
        raise ApplicationError("请填写考核对象。", field="subject_name")
    panel = [p.strip() for p in panel if p and p.strip()]
    if not panel:
        raise ApplicationError("请填写考核组成员。", field="panel")
    bad = [m for m in methods if m not in ReviewMethod.values]
    if bad or not methods:
        raise ApplicationError(
            f"考核方式须从 {'、'.join(ReviewMethod.values)} 中选择" + (f"，“{'、'.join(bad)}”无效" if bad else "") + "。",
            field="methods",
        )
    if result not in TermReviewResult.values:
        raise ApplicationError("考核结果须为 合格、基本合格 或 不合格。", field="result")
    if not (opinion or "").strip():
        raise ApplicationError("请填写考核意见。", field="opinion")
    if term_start and term_end and term_end < term_start:
        raise ApplicationError("任期止不能早于任期起。", field="term_end")
    with transaction.atomic():
        row = TermReview.objects.create(
            subject_kind=subject_kind, subject_name=subject_name[:50], cadre=cadre,
            subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
            subject_id=str(subject.pk) if subject is not None else "",
            term_start=term_start, term_end=term_end, panel=panel,
            methods=[m for m in ReviewMethod.values if m in methods], result=result, opinion=opinion.strip(),
            reviewed_on=reviewed_on, session=session,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit(actor=actor, action="term_review.create", obj=row, summary=str(row))
    return row


__all__ = [
    "annual_assessments_save",
    "ballot_session_create",
    "ballot_submit",
    "code_check",
    "code_revoke",
    "codes_issue",
    "paper_ballots_enter",
    "paper_issued_set",
    "periodic_assessment_create",
    "resident_evaluation_create",
    "resident_sample_verify",
    "session_close",
    "session_open",
    "session_void",
    "tally",
    "term_review_create",
]
