"""Anonymous voting: check a code, consume it and store one ballot in the same transaction."""
from __future__ import annotations

import uuid

from django.db import connection, transaction

from core.exceptions import ApplicationError

from .. import rules, sealing, workflow
from ..codes import code_digest, looks_like_code, normalize_code
from ..models import BallotCode, BallotSession, BallotTarget, CodeStatus, PendingBallot

MSG_FORMAT = "测评码格式不正确：应为 10 位字母和数字（不含 0、1、I、L、O）。"
MSG_UNKNOWN = "测评码无效，请核对后重新输入。"
MSG_FOREIGN = "该测评码不属于本次测评，请确认测评场次。"
MSG_USED = "该测评码已使用，每个测评码只能投票一次。"
MSG_REVOKED = "该测评码已作废，请向工作人员领取新的测评码。"
MSG_NOT_OPEN = workflow.NOT_VOTING
MSG_NO_SESSION = "测评场次不存在。"


ADVISORY_CLASS = 0x4241  # pg advisory lock namespace of ballot sessions ("BA")


def _resolve_session_id(session_id):
    if isinstance(session_id, uuid.UUID) or (isinstance(session_id, str) and not session_id.isdigit()):
        try:
            return "public_id", uuid.UUID(str(session_id))
        except ValueError:
            raise ApplicationError(MSG_NO_SESSION) from None
    return "pk", int(session_id)


def _session_for_vote(session_id, *, lock: bool) -> tuple[int, uuid.UUID, str, list[int]]:
    """(pk, public id, option_set, target ids) of an open session.

    With ``lock`` on PostgreSQL the transaction takes a *shared* advisory lock on the session first: any
    number of ballots proceed together, while every status move (ballot_session_transition) takes the exclusive one and so waits for the
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
                f"SELECT s.id, s.public_id, s.status, s.option_set,"
                f" ARRAY(SELECT t.id FROM assessment_ballottarget t WHERE t.session_id = s.id ORDER BY t.id),"
                f" pg_advisory_xact_lock_shared(({ADVISORY_CLASS}::bigint << 32) | s.id)"
                f" FROM assessment_ballotsession s WHERE s.{column} = %s",
                [str(value) if column == "public_id" else value],
            )
            found = cursor.fetchone()
        if found is None:
            raise ApplicationError(MSG_NO_SESSION)
        pk, public_id, status, option_set, target_ids, _lock = found
        if status in workflow.FINISHED:
            raise ApplicationError(MSG_NOT_OPEN)
        return pk, public_id, option_set, list(target_ids)
    row = BallotSession.objects.filter(**{field_name: value}).values_list("pk", "public_id", "status", "option_set").first()
    if row is None:
        raise ApplicationError(MSG_NO_SESSION)
    pk, public_id, status, option_set = row
    if not workflow.work_allowed("vote", status):
        raise ApplicationError(MSG_NOT_OPEN)
    target_ids = list(BallotTarget.objects.filter(session_id=pk).order_by("id").values_list("id", flat=True))
    return pk, public_id, option_set, target_ids


def lock_session_exclusive(session_pk: int):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [(ADVISORY_CLASS << 32) | session_pk])


def _refusal(digest: str, session_pk: int) -> ApplicationError:
    """Why a code could not be consumed (read after the failed UPDATE; the error path only)."""
    if not workflow.work_allowed("vote", BallotSession.objects.filter(pk=session_pk).values_list("status", flat=True).first()):
        return ApplicationError(MSG_NOT_OPEN)
    row = BallotCode.objects.filter(digest=digest).values_list("session_id", "status").first()
    if row is None:
        return ApplicationError(MSG_UNKNOWN, field="code")
    if row[0] != session_pk:
        return ApplicationError(MSG_FOREIGN, field="code")
    if row[1] in (CodeStatus.REVOKED, CodeStatus.EXPIRED):
        return ApplicationError(MSG_REVOKED, field="code")
    return ApplicationError(MSG_USED, field="code")


def _normalized_or_error(code: str) -> str:
    code = normalize_code(code)
    if not looks_like_code(code):
        raise ApplicationError(MSG_FORMAT, field="code")
    return code


def code_check(*, session_id, code: str) -> int:
    """Step one of the ballot page: is this code usable here? Reads only; consumes nothing."""
    session_pk, _public_id, _option_set, _targets = _session_for_vote(session_id, lock=False)
    digest = code_digest(_normalized_or_error(code))
    if not BallotCode.objects.filter(digest=digest, session_id=session_pk, status=CodeStatus.UNUSED).exists():
        raise _refusal(digest, session_pk)
    return session_pk


_CONSUME_SQL = (
    "UPDATE assessment_ballotcode SET status = %s WHERE digest = %s AND session_id = %s AND status = %s"
    " RETURNING group_id"
)


def _consume_and_pool(digest: str, session_pk: int, sealed: bytes) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_CONSUME_SQL, [CodeStatus.USED, digest, session_pk, CodeStatus.UNUSED])
        consumed = cursor.fetchone()
    if consumed is None:
        return False
    PendingBallot(session_id=session_pk, group_id=consumed[0], sealed=sealed).save(force_insert=True)
    return True


def _consume_and_pool_pg(digest: str, session_pk: int, sealed: bytes) -> bool:
    """PostgreSQL: use up the code and pool the sealed ballot in ONE statement (a data-modifying CTE).

    When the code is not consumable or the session is no longer open (checked here with this statement's
    snapshot, taken after the shared session lock was granted) the UPDATE returns no row and the INSERT
    inserts nothing.
    """
    code_t, pool_t, session_t = (m._meta.db_table for m in (BallotCode, PendingBallot, BallotSession))
    sql = (
        f"WITH c AS (UPDATE {code_t} SET status = %s WHERE digest = %s AND session_id = %s AND status = %s"
        f" AND EXISTS (SELECT 1 FROM {session_t} s WHERE s.id = %s AND s.status = %s) RETURNING group_id)"
        f" INSERT INTO {pool_t} (id, session_id, group_id, is_paper, sealed)"
        f" SELECT %s::uuid, %s, c.group_id, false, %s FROM c"
    )
    params = [CodeStatus.USED, digest, session_pk, CodeStatus.UNUSED, session_pk, workflow.VOTING,
              str(uuid.uuid4()), session_pk, sealed]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def ballot_submit(*, session_id, code: str, marks: dict) -> None:
    """Use up ``code`` and pool one sealed ballot in the same transaction (``sealing``; written out at close).

    ``marks``: {target_id: {"choice": "优秀", "reason": ""}} (or {target_id: "优秀"}); missing targets are
    blank. The code is consumed by one conditional ``UPDATE … WHERE status = 'unused' RETURNING`` (on
    PostgreSQL in the same statement as the INSERT of the sealed ballot): of any
    number of simultaneous submissions with one code, the row lock lets exactly one see ``unused``; the others
    match nothing and are refused, and nothing of theirs is written. Nothing identifying is stored or logged;
    the function returns nothing that names the ballot.
    """
    digest = code_digest(_normalized_or_error(code))
    with transaction.atomic():
        session_pk, public_id, option_set, target_ids = _session_for_vote(session_id, lock=True)
        try:
            judged = rules.judge_ballot(option_set, target_ids, marks)
        except ValueError as exc:
            raise ApplicationError(str(exc), field="marks") from None
        sealed = sealing.seal(public_id=public_id, is_paper=False, options=rules.options_for(option_set),
                              target_ids=target_ids, marks=judged)
        if connection.vendor == "postgresql":
            stored = _consume_and_pool_pg(digest, session_pk, sealed)
        else:
            stored = _consume_and_pool(digest, session_pk, sealed)
        if not stored:
            raise _refusal(digest, session_pk)
    # deliberately no log line: a per-vote entry would stamp each ballot with its time
