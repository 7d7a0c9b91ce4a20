"""The pool of sealed ballots of an open session, and its write-out at close.

While a session is open every returned ballot — electronic (``voting.ballot_submit``) or paper
(``paper.paper_ballots_enter``) — is a ``PendingBallot`` whose marks are sealed (``assessment.sealing``). When
the session closes (or is voided while open) ``pool_write_out`` opens the pool, shuffles it with the system's
random source and writes it as ``Ballot``/``BallotMark`` rows with fresh random ids, in that random order and all
in the closing transaction; the pending rows are deleted and, on PostgreSQL, the session's code rows rewritten so
none keeps the row version of the vote that used it. After commit ``ballot_tables_vacuum`` (a Celery task, see
``assessment.tasks``) vacuums the tables so no dead row version keeps the submission order.
"""
from __future__ import annotations

import logging
import secrets
import uuid
from collections import defaultdict

from django.db import OperationalError, connection

from core.exceptions import ApplicationError
from core.jobs import enqueue_on_commit

from .. import rules, sealing
from ..models import Ballot, BallotCode, BallotMark, BallotSession, BallotTarget, PendingBallot

logger = logging.getLogger(__name__)

VACUUM_TASK = "assessment.vacuum_ballot_tables"
BALLOT_TABLES = (PendingBallot, Ballot, BallotMark, BallotCode)


def sealed_target_ids(session_pk: int) -> list[int]:
    """The target order of a sealed ballot (by id; voting reads the same order)."""
    return list(BallotTarget.objects.filter(session_id=session_pk).order_by("id").values_list("id", flat=True))


def pool_paper(*, session: BallotSession, group_id: int, ballots: list[list]) -> int:
    """Pool paper ballots (each a list of rules.Mark) sealed like electronic ones; the caller holds the lock."""
    target_ids = sealed_target_ids(session.pk)
    options = rules.options_for(session.option_set)
    PendingBallot.objects.bulk_create(
        PendingBallot(
            session_id=session.pk, group_id=group_id, is_paper=True,
            sealed=sealing.seal(public_id=session.public_id, is_paper=True, options=options,
                                target_ids=target_ids, marks=marks),
        )
        for marks in ballots
    )
    return len(ballots)


def pool_write_out(session: BallotSession) -> int:
    """Write the session's pool as ballots in random order (inside the caller's locked transaction).

    Ballots already stored for the session (entered before the pool existed) are rewritten with the pool, so
    the whole session ends up in one random order. Returns the number of ballots of the session.
    """
    opener = sealing.Opener(session.public_id, rules.options_for(session.option_set), sealed_target_ids(session.pk))
    ballots = []  # (group_id, is_paper, [(target_id, choice, valid)])
    broken = 0
    for group_id, is_paper, sealed in PendingBallot.objects.filter(session=session).values_list(
        "group_id", "is_paper", "sealed"
    ):
        try:
            marks = opener(sealed, is_paper=is_paper)
        except sealing.SealError:
            broken += 1
            continue
        ballots.append((group_id, is_paper, [(m.target_id, m.choice, m.valid) for m in marks]))
    if broken:
        raise ApplicationError(
            f"有 {broken} 张选票无法解封（测评密钥已更换或数据被改动），测评未结束。请恢复原测评密钥后重试，或联系管理员。"
        )
    stored = list(Ballot.objects.filter(session=session).values_list("id", "group_id", "is_paper"))
    if stored:
        marks_of = defaultdict(list)
        for ballot_id, target_id, choice, valid in BallotMark.objects.filter(ballot__session=session).values_list(
            "ballot_id", "target_id", "choice", "valid"
        ):
            marks_of[ballot_id].append((target_id, choice, valid))
        ballots += [(group_id, is_paper, marks_of[ballot_id]) for ballot_id, group_id, is_paper in stored]
        BallotMark.objects.filter(ballot__session=session).delete()
        Ballot.objects.filter(session=session).delete()
    rng = secrets.SystemRandom()
    rng.shuffle(ballots)
    rows = [Ballot(id=uuid.uuid4(), session_id=session.pk, group_id=g, is_paper=p) for g, p, _m in ballots]
    Ballot.objects.bulk_create(rows, batch_size=500)
    marks = [
        BallotMark(id=uuid.uuid4(), ballot_id=row.id, target_id=t, choice=c, valid=v)
        for row, (_g, _p, ballot_marks) in zip(rows, ballots)
        for t, c, v in ballot_marks
    ]
    rng.shuffle(marks)
    BallotMark.objects.bulk_create(marks, batch_size=1000)
    PendingBallot.objects.filter(session=session).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # every code row gets the closing transaction's xmin: the order in which codes were used is gone too
            cursor.execute(f"UPDATE {BallotCode._meta.db_table} SET status = status WHERE session_id = %s", [session.pk])
    enqueue_on_commit(VACUUM_TASK)
    return len(rows)


def ballot_tables_vacuum() -> bool:
    """VACUUM the ballot tables (PostgreSQL) or the database file (SQLite): dead row versions and freed pages
    would otherwise keep the pool and the submission order. Runs only outside a transaction (VACUUM cannot run
    inside one); returns whether it ran."""
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in BALLOT_TABLES:
                cursor.execute(f"VACUUM {model._meta.db_table}")
        elif connection.vendor == "sqlite":
            try:
                cursor.execute("VACUUM")
            except OperationalError as exc:  # another connection is reading: the next close vacuums again
                logger.warning("VACUUM of the SQLite file skipped: %s", exc)
                return False
        else:  # pragma: no cover - the project runs on PostgreSQL or SQLite
            return False
    return True
