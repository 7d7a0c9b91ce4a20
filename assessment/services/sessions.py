"""Ballot sessions: create, open, close (freeze the tally), void."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from cadre.models import Cadre
from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules
from ..models import (
    Ballot,
    BallotCode,
    BallotMark,
    BallotSession,
    BallotTarget,
    EvaluatorGroup,
    OptionSet,
    SessionStatus,
)
from ..selectors import compute_live_tally
from .common import locked, require_staff, setting, user_or_none
from .voting import _lock_session_exclusive

MAX_TARGETS = 200


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
    require_staff(actor)
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
        else setting("ASSESSMENT_PARTICIPATION_THRESHOLD", 80),
        "参评率下限",
    )
    if not (0 <= threshold <= 100):
        raise ApplicationError(f"参评率下限 {threshold}% 须在 0–100 之间。", field="participation_threshold")
    min_group = min_group_ballots if min_group_ballots is not None else setting("ASSESSMENT_MIN_GROUP_BALLOTS", 5)
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
            created_by=user_or_none(actor),
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


def locked(session: BallotSession) -> BallotSession:
    return BallotSession.objects.select_for_update().get(pk=session.pk)


def session_open(*, actor, session: BallotSession) -> BallotSession:
    require_staff(actor)
    with transaction.atomic():
        session = locked(session)
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
    require_staff(actor)
    with transaction.atomic():
        _lock_session_exclusive(session.pk)  # waits for the ballots in flight (they hold the shared lock)
        session = locked(session)
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
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("作废测评须填写原因。", field="reason")
    with transaction.atomic():
        session = locked(session)
        if session.status == SessionStatus.VOID:
            raise ApplicationError(f"测评“{session.title}”已作废。")
        _void(actor, session, reason)
    return session


def _void(actor, session, reason):
    session.status = SessionStatus.VOID
    session.void_reason = reason[:300]
    session.save(update_fields=["status", "void_reason"])
    audit(actor=actor, action="ballot_session.void", obj=session, summary=f"测评“{session.title}”作废：{reason}"[:500])
