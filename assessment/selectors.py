"""Reads of 民主测评 and 考核. Never a single ballot: tallies are the only read path to ballot contents."""
from django.db.models import Count, Q

from cadre.models import AnnualAssessment, Cadre

from .models import (
    BallotSession,
    CodeStatus,
    EvaluatorGroup,
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
