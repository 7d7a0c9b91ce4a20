"""Reads of 民主测评 and 考核. Never a single ballot: tallies are the only read path to ballot contents.

    tally(session) -> dict              # frozen result once closed (checked against its hash), else live
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
    PeriodicAssessment,
    ResidentEvaluation,
    SessionStatus,
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
    """Groups with code counts (未使用/已使用/已作废) and returned paper/electronic ballots — counts only."""
    return list(
        EvaluatorGroup.objects.filter(session=session)
        .annotate(
            codes_unused=Count("codes", filter=Q(codes__status=CodeStatus.UNUSED), distinct=True),
            codes_used=Count("codes", filter=Q(codes__status=CodeStatus.USED), distinct=True),
            codes_revoked=Count("codes", filter=Q(codes__status=CodeStatus.REVOKED), distinct=True),
            paper_returned=Count("ballots", filter=Q(ballots__is_paper=True), distinct=True),
        )
        .order_by("order", "id")
    )


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


def tally(session: BallotSession) -> dict:
    """The frozen result of a closed session (checked against its hash), else the live count."""
    if session.status == SessionStatus.CLOSED:
        if rules.content_hash(session.result) != session.result_hash:
            raise ApplicationError(f"测评“{session.title}”的冻结结果与摘要不符，结果可能被改动，请联系管理员。")
        return session.result
    return compute_live_tally(session)
