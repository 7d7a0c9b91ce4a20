"""Reads of 民主测评 and 考核. Never a single ballot: tallies are the only read path to ballot contents.

    tally(session) -> dict              # the frozen result of a closed session (checked against its hash);
                                        # refused before close: while open only the turnout exists
    turnout(session) -> dict            # counts only, any status: issued / returned / remaining / void per group
    compute_live_tally(session) -> dict # the count from the stored ballots (session_close freezes it)
"""
from django.db.models import Count, Q

from cadre.models import AnnualAssessment, Cadre
from core.exceptions import ApplicationError

from . import rules
from .codes import code_digest
from .models import (
    Ballot,
    BallotCode,
    BallotMark,
    BallotSession,
    BallotTarget,
    CodeStatus,
    EvaluatorGroup,
    PendingBallot,
    PeriodicAssessment,
    ResidentEvaluation,
    TermReview,
)


def session_list():
    return BallotSession.objects.select_related("created_by").annotate(
        target_count=Count("targets", distinct=True),
        group_count=Count("groups", distinct=True),
    ).order_by("-created_at", "-id")


def session_get(pk) -> BallotSession:
    return BallotSession.objects.select_related("created_by").get(pk=pk)


def session_for_ballot(public_id) -> BallotSession | None:
    return BallotSession.objects.filter(public_id=public_id).first()


def group_code_stats(session: BallotSession) -> list[EvaluatorGroup]:
    """Groups annotated with their turnout row (``g.turnout``, see ``turnout``) — counts only."""
    rows = {row["id"]: row for row in turnout(session)["groups"]}
    groups = list(EvaluatorGroup.objects.filter(session=session).order_by("order", "id"))
    for g in groups:
        g.turnout = rows[g.pk]
    return groups


def paper_returned(group: EvaluatorGroup) -> int:
    """Paper ballots entered for ``group`` (pooled while the session is open, stored after)."""
    return (
        PendingBallot.objects.filter(group=group, is_paper=True).count()
        + Ballot.objects.filter(group=group, is_paper=True).count()
    )


def _by_group(qs, *fields) -> dict:
    return {tuple(row[:-1]): row[-1] for row in qs.values_list(*fields).annotate(n=Count("pk")).order_by()}


TURNOUT_COUNTS = ("codes_issued", "codes_used", "codes_unused", "codes_revoked", "codes_expired",
                  "electronic_returned", "paper_issued", "paper_returned")


def turnout(session: BallotSession) -> dict:
    """The count check of a session, per group and in total (4 queries). Counts only — no marks are read.

    Per group: ``codes_issued`` (every code printed), ``codes_used``, ``codes_unused``, ``codes_revoked`` (lost
    slips), ``codes_expired`` (unused at close), ``electronic_returned`` (ballots cast with a code),
    ``paper_issued``/``paper_returned``; then the reconciliation ``issued`` (codes printed + paper handed out),
    ``returned``, ``void`` (revoked + expired codes), ``remaining`` (unused codes), ``unaccounted`` (paper not
    returned) and ``balanced`` (every used code has exactly one ballot and no more paper came back than went
    out); ``participation_issued`` is the participation base of the tally (revoked codes left out).
    """
    groups = list(EvaluatorGroup.objects.filter(session=session).order_by("order", "id"))
    codes = _by_group(BallotCode.objects.filter(session=session), "group_id", "status")
    ballots = _by_group(Ballot.objects.filter(session=session), "group_id", "is_paper")
    pending = _by_group(PendingBallot.objects.filter(session=session), "group_id", "is_paper")
    rows = []
    for g in groups:
        c = {status: codes.get((g.pk, status), 0) for status in CodeStatus.values}
        electronic = ballots.get((g.pk, False), 0) + pending.get((g.pk, False), 0)
        paper = ballots.get((g.pk, True), 0) + pending.get((g.pk, True), 0)
        row = {
            "id": g.pk, "name": g.name, "weight": str(g.weight),
            "codes_issued": sum(c.values()), "codes_used": c[CodeStatus.USED], "codes_unused": c[CodeStatus.UNUSED],
            "codes_revoked": c[CodeStatus.REVOKED], "codes_expired": c[CodeStatus.EXPIRED],
            "electronic_returned": electronic, "paper_issued": g.paper_issued, "paper_returned": paper,
        }
        rows.append(_reconcile(row))
    total = _reconcile({"name": "合计", **{k: sum(r[k] for r in rows) for k in TURNOUT_COUNTS}})
    return {"status": session.status, "groups": rows, "total": total}


def _reconcile(row: dict) -> dict:
    row["issued"] = row["codes_issued"] + row["paper_issued"]
    row["participation_issued"] = row["issued"] - row["codes_revoked"]
    row["returned"] = row["electronic_returned"] + row["paper_returned"]
    row["void"] = row["codes_revoked"] + row["codes_expired"]
    row["remaining"] = row["codes_unused"]
    row["unaccounted"] = max(row["paper_issued"] - row["paper_returned"], 0)
    row["balanced"] = row["codes_used"] == row["electronic_returned"] and row["paper_returned"] <= row["paper_issued"]
    row["participation"] = rules.participation_rate(row["returned"], row["participation_issued"])
    return row


def code_serials(session: BallotSession, codes: list[str]) -> list[tuple[int, str]]:
    """(票号, code) for plain codes just issued, in their order (the server keeps only their digests)."""
    digests = [code_digest(c) for c in codes]
    serial_of = dict(BallotCode.objects.filter(session=session, digest__in=digests).values_list("digest", "serial"))
    return [(serial_of[d], c) for d, c in zip(digests, codes)]


def unit_assessment_rows(unit, year: int):
    """The unit's cadres with their grade for ``year`` (None when not yet entered)."""
    cadres = list(Cadre.objects.filter(unit=unit).order_by("rank_order", "id"))
    stored = {
        a.cadre_id: a for a in AnnualAssessment.objects.filter(cadre__unit=unit, year=year)
    }
    return [(c, stored.get(c.pk)) for c in cadres]


def periodic_list():
    return PeriodicAssessment.objects.select_related("cadre", "cadre__unit").order_by("-assessed_on", "-id")


def resident_list():
    return ResidentEvaluation.objects.select_related("cadre", "session").order_by("-created_at", "-id")


def term_review_list():
    return TermReview.objects.select_related("cadre", "session").order_by("-reviewed_on", "-id")


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


RESULTS_AFTER_CLOSE = "测评“{title}”尚未结束，只能查看参评情况；计票结果在结束测评后显示。"


def has_result(session: BallotSession) -> bool:
    """A frozen result exists (the session was closed; it may have been voided since)."""
    return bool(session.result_hash)


def tally(session: BallotSession) -> dict:
    """The frozen result of a closed session, checked against its hash. Before close there is no result to read
    (the ballots are sealed in the pool): ``turnout`` is what an open session shows."""
    if not has_result(session):
        raise ApplicationError(RESULTS_AFTER_CLOSE.format(title=session.title))
    if rules.content_hash(session.result) != session.result_hash:
        raise ApplicationError(f"测评“{session.title}”的冻结结果与摘要不符，结果可能被改动，请联系管理员。")
    return session.result
