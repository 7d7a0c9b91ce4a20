"""The one entry for a ballot session's status moves: ``ballot_session_transition`` runs a move of the table in
``assessment.workflow`` (role, reason, status) and the step that belongs to it; ``session_open``,
``session_close`` and ``session_void`` are that entry with the action filled in."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules, workflow
from ..audit import AuditAction
from ..models import BallotSession, PendingBallot
from ..selectors import compute_live_tally
from .codes import expire_unused_codes
from .common import locked
from .pool import pool_write_out
from .voting import lock_session_exclusive


def ballot_session_transition(*, actor, session: BallotSession, action: str, note: str = "", **inputs) -> BallotSession:
    """Move ``session`` by ``action`` (``open``, ``close``, ``void``; ``note`` is the reason where one is
    required). Refusals are ApplicationErrors in Chinese. Every move first takes the session's exclusive lock,
    so it waits for the ballots in flight (they hold the shared one) and no ballot slips in after it."""
    if action not in workflow.ACTIONS:
        raise ApplicationError(workflow.refusal(action, title=session.title, status=session.status), field="action")
    if not workflow.role_allowed(actor, action):
        raise ApplicationError(workflow.ROLE_REFUSAL)
    note = (note or "").strip()
    if workflow.reason_required(action) and not note:
        raise ApplicationError(workflow.REASON_MISSING[action], field="reason")
    with transaction.atomic():
        lock_session_exclusive(session.pk)
        session = locked(session)
        apply_transition(actor=actor, session=session, action=action, note=note, **inputs)
    return session


def apply_transition(*, actor, session: BallotSession, action: str, note: str = "", **inputs) -> None:
    """Run ``action`` on a session the caller has locked (inside its transaction): the status check of the
    table, the move, the step's own fields and the audit event. Role and reason are the caller's to check."""
    transition = workflow.transition_for(action, session.status)
    if transition is None:
        raise ApplicationError(workflow.refusal(action, title=session.title, status=session.status))
    unknown = set(inputs) - {i.name for i in transition.inputs}
    if unknown:
        raise TypeError(f"unexpected inputs for {action!r}: {sorted(unknown)}")
    session.status = transition.target
    fields, audit_action, summary, data = STEPS[action](session, note=note, **inputs)
    session.save(update_fields=["status", *fields])
    audit(actor=actor, action=audit_action, obj=session, summary=summary, data=data)


def _open(session: BallotSession, *, note: str):
    session.opened_at = timezone.now()
    if session.vote_date is None:
        session.vote_date = timezone.localdate()
    return ["opened_at", "vote_date"], AuditAction.BALLOT_SESSION_OPEN, f"开始测评“{session.title}”", None


def _close(session: BallotSession, *, note: str):
    """Unused codes expire, the sealed pool is written out shuffled (``pool``), and the tally is frozen with the
    SHA-256 of its canonical JSON."""
    expired = expire_unused_codes(session)
    pool_write_out(session)
    result = compute_live_tally(session)
    session.result = result
    session.result_hash = rules.content_hash(result)
    session.closed_at = timezone.now()
    return (
        ["result", "result_hash", "closed_at"],
        AuditAction.BALLOT_SESSION_CLOSE,
        f"结束测评“{session.title}”：收回 {result['returned']} 张，发出 {result['issued']} 张"
        + (f"，未使用的测评码 {expired} 个作废" if expired else ""),
        {"result_hash": session.result_hash, "participation_ok": result["participation_ok"], "codes_expired": expired},
    )


def _void(session: BallotSession, *, note: str):
    """A session voided while open: its unused codes expire and its pool is written out like at close (the
    ballots are kept, unlinked, with no result)."""
    if not session.result_hash:
        expire_unused_codes(session)
    if PendingBallot.objects.filter(session=session).exists():
        pool_write_out(session)
    session.void_reason = note[:300]
    return ["void_reason"], AuditAction.BALLOT_SESSION_VOID, f"测评“{session.title}”作废：{note}"[:500], None


STEPS = {"open": _open, "close": _close, "void": _void}


def session_open(*, actor, session: BallotSession) -> BallotSession:
    return ballot_session_transition(actor=actor, session=session, action="open")


def session_close(*, actor, session: BallotSession) -> BallotSession:
    """Close and freeze the tally (``close``)."""
    return ballot_session_transition(actor=actor, session=session, action="close")


def session_void(*, actor, session: BallotSession, reason: str) -> BallotSession:
    return ballot_session_transition(actor=actor, session=session, action="void", note=reason)
