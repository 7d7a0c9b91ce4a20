"""Reads of the selection app for pages, the API and the exports.

Every list is built with select_related/prefetch_related (or set-based counts) so its query count does not grow
with the number of rows; the tests pin the counts. The role-filtered lists take the user; the rest take records
the caller already checked with selection.permissions.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from core import roles

from . import gates, rules
from .models import (
    Application,
    AppStatus,
    Campaign,
    CampaignJudge,
    CampaignPost,
    JudgeScore,
    Meeting,
    Objection,
    PostStatus,
    StageEvent,
)
from .permissions import is_leader, is_reader
from .workflow import Stage

QUALIFIED = gates.QUALIFIED


def _count(queryset, link: str = "campaign"):
    """A correlated COUNT subquery on ``queryset`` per campaign row (0 when none)."""
    sub = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _with_counts(qs):
    return qs.annotate(
        post_count=_count(CampaignPost.objects.filter(status=PostStatus.OPEN)),
        application_count=_count(Application.objects.filter(status=AppStatus.SUBMITTED)),
        qualified_count=_count(
            Application.objects.filter(
                status=AppStatus.SUBMITTED, review_decision__in=QUALIFIED, campaign_post__status=PostStatus.OPEN
            )
        ),
        judge_count=_count(CampaignJudge.objects.all()),
    )


# ---------------------------------------------------------------- campaigns


def campaign_list(user):
    """Campaigns the user may see, newest first, with open post, application, qualified and judge counts.

    Staff, leaders and observers: all; judges: those they are assigned to; anyone else (candidates): none —
    candidates use ``open_campaigns_for_candidates``.
    """
    qs = Campaign.objects.select_related("created_by")
    if not is_reader(user):
        if user and user.is_authenticated and roles.has_role(user, roles.JUDGE):
            qs = qs.filter(judges__user=user)
        else:
            return _with_counts(qs.none())
    return _with_counts(qs).order_by("-plan_year", "-id")


def campaign_detail(pk: int) -> Campaign:
    """One campaign with its deciders, posts (with counts), members and judges (a fixed number of queries).

    Raises Campaign.DoesNotExist."""
    posts = (
        CampaignPost.objects.select_related("post", "post__unit")
        .annotate(
            application_count=Count("applications", filter=Q(applications__status=AppStatus.SUBMITTED)),
            qualified_count=Count(
                "applications",
                filter=Q(applications__status=AppStatus.SUBMITTED, applications__review_decision__in=QUALIFIED),
            ),
        )
        .order_by("order", "id")
    )
    return (
        _with_counts(Campaign.objects.all())
        .select_related(
            "created_by", "plan_approved_by", "review_approved_by", "inspection_confirmed_by", "rotation_plan",
            "ballot_session",
        )
        .prefetch_related(
            Prefetch("posts", queryset=posts),
            "members",
            Prefetch("judges", queryset=CampaignJudge.objects.select_related("user")),
        )
        .get(pk=pk)
    )


def applications_for(campaign: Campaign, post: CampaignPost | None = None, *, statuses=None):
    """Applications of a campaign (or one of its posts), with the person, unit, post and reviewer loaded.

    Ordered by post order, then speaking order, then entry. ``statuses`` limits the 报名状态 (all by default).
    """
    qs = (
        Application.objects.filter(campaign=campaign)
        .select_related("cadre", "cadre__unit", "campaign_post", "campaign_post__post", "campaign_post__post__unit",
                        "reviewed_by")
        .prefetch_related("cadre__educations")
        .order_by("campaign_post__order", "campaign_post_id", "speaking_order", "id")
    )
    if post is not None:
        qs = qs.filter(campaign_post=post)
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    return qs


@dataclass
class PostGroup:
    """One post and its applications (review queue, ranking, score sheets)."""

    campaign_post: CampaignPost
    rows: list = field(default_factory=list)
    qualified: int = 0
    decided: int = 0
    quota: int = 0
    shortfall: int = 0

    @property
    def undecided(self) -> int:
        return len(self.rows) - self.decided


def _posts(campaign: Campaign, *, open_only: bool = False) -> list[CampaignPost]:
    qs = CampaignPost.objects.filter(campaign=campaign).select_related("post", "post__unit").order_by("order", "id")
    if open_only:
        qs = qs.filter(status=PostStatus.OPEN)
    return list(qs)


def review_queue(campaign: Campaign) -> list[PostGroup]:
    """资格审查: per post, the submitted applications (in order of submission) with the engine's suggestion and
    the recorded decision, counts of decided and qualified, and the 差额 shortfall of open posts."""
    groups = {cp.pk: PostGroup(cp) for cp in _posts(campaign)}
    apps = applications_for(campaign, statuses=[AppStatus.SUBMITTED]).order_by(
        "campaign_post__order", "campaign_post_id", "submitted_at", "id"
    )
    for a in apps:
        g = groups[a.campaign_post_id]
        g.rows.append(a)
        if a.review_decision:
            g.decided += 1
        if a.review_decision in QUALIFIED:
            g.qualified += 1
    for g in groups.values():
        if g.campaign_post.status == PostStatus.OPEN:
            g.shortfall = rules.shortfall(g.qualified, g.campaign_post.vacancies, campaign.min_candidates_per_vacancy)
    return list(groups.values())


@dataclass
class RankRow:
    application: Application
    speech: Decimal | None
    evaluation: Decimal | None
    written: Decimal | None
    composite: Decimal | None
    rank: int | None
    tied: bool
    is_target: bool
    double_target: bool  # 考察对象 for two (or more) posts of this campaign

    @property
    def cadre(self):
        return self.application.cadre


def ranking_table(campaign: Campaign) -> list[PostGroup]:
    """Per open post, the qualified candidates ordered by rank (unranked last, by speaking order), with their
    speech, evaluation, written and composite scores, tie flags, 考察对象 and the two-posts flag; each group's
    ``quota`` is the number of 考察对象 by the campaign's ratio."""
    apps = list(
        gates.qualified(campaign)
        .select_related("cadre", "cadre__unit", "campaign_post")
        .prefetch_related("cadre__educations")
    )
    targets = Counter(a.cadre_id for a in apps if a.is_inspection_target)
    groups = {
        cp.pk: PostGroup(cp, quota=rules.inspection_quota(cp.vacancies, campaign.inspection_ratio))
        for cp in _posts(campaign, open_only=True)
    }
    for a in apps:
        groups[a.campaign_post_id].rows.append(
            RankRow(
                application=a, speech=a.speech_score, evaluation=a.evaluation_score, written=a.written_score,
                composite=a.composite_score, rank=a.rank, tied=a.tied, is_target=a.is_inspection_target,
                double_target=a.is_inspection_target and targets[a.cadre_id] > 1,
            )
        )
    big = 10**6
    for g in groups.values():
        g.rows.sort(key=lambda r: (r.rank if r.rank is not None else big, r.application.speaking_order or big,
                                   r.application.pk))
        g.qualified = len(g.rows)
    return list(groups.values())


# ---------------------------------------------------------------- candidates


def _candidate_apps():
    return Application.objects.select_related(
        "campaign", "campaign_post", "campaign_post__post", "campaign_post__post__unit", "cadre"
    ).order_by("-campaign_id", "campaign_post__order", "id")


def own_applications(cadre):
    """Every application of one person (``cadre`` or its id), nominations waiting for an answer included."""
    return _candidate_apps().filter(cadre=cadre)


def my_applications(cadre):
    """A candidate's own applications (nominations waiting for an answer are in ``nominations_waiting``)."""
    return _candidate_apps().filter(cadre=cadre).exclude(status=AppStatus.PENDING)


def nominations_waiting(cadre):
    """群众举荐/组织推荐 of this person still waiting for their answer, while registration is open."""
    return _candidate_apps().filter(cadre=cadre, status=AppStatus.PENDING, campaign__stage=Stage.REGISTRATION)


def open_campaigns_for_candidates():
    """Campaigns in 公开报名 with their open posts (unit and post loaded): what a candidate may apply to."""
    posts = CampaignPost.objects.filter(status=PostStatus.OPEN).select_related("post", "post__unit").order_by("order", "id")
    return (
        Campaign.objects.filter(stage=Stage.REGISTRATION)
        .prefetch_related(Prefetch("posts", queryset=posts, to_attr="open_posts"))
        .order_by("registration_end", "id")
    )


# ---------------------------------------------------------------- judges


def judge_campaigns(user):
    """Campaigns the user judges, newest first, each with ``my_absent``, ``candidate_count`` (qualified) and
    ``my_scored`` (how many of them this judge has scored)."""
    mine = CampaignJudge.objects.filter(campaign=OuterRef("pk"), user=user)
    scored = (
        JudgeScore.objects.filter(judge__campaign=OuterRef("pk"), judge__user=user)
        .order_by()
        .values("judge__campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Campaign.objects.filter(judges__user=user)
        .annotate(
            my_absent=Subquery(mine.values("absent")[:1]),
            candidate_count=_count(
                Application.objects.filter(
                    status=AppStatus.SUBMITTED, review_decision__in=QUALIFIED, campaign_post__status=PostStatus.OPEN
                )
            ),
            my_scored=Coalesce(Subquery(scored, output_field=IntegerField()), Value(0)),
        )
        .order_by("-plan_year", "-id")
    )


@dataclass
class SheetRow:
    application: Application
    my_score: Decimal | None


@dataclass
class JudgeSheet:
    judge: CampaignJudge
    campaign: Campaign
    groups: list[PostGroup]
    open: bool  # scores may still be entered (演讲 stage, not closed)

    @property
    def rows(self) -> list[SheetRow]:
        return [r for g in self.groups for r in g.rows]


def judge_sheet(user, campaign: Campaign) -> JudgeSheet:
    """The judge's own score sheet: qualified candidates per post in speaking order, with only this judge's
    scores. Raises CampaignJudge.DoesNotExist when the user is not a judge of the campaign."""
    judge = CampaignJudge.objects.get(campaign=campaign, user=user)
    apps = list(
        gates.qualified(campaign)
        .select_related("cadre", "campaign_post")
        .order_by("campaign_post__order", "campaign_post_id", "speaking_order", "id")
    )
    mine = dict(JudgeScore.objects.filter(judge=judge, application__in=apps).values_list("application_id", "score"))
    groups = {cp.pk: PostGroup(cp) for cp in _posts(campaign, open_only=True)}
    for a in apps:
        groups[a.campaign_post_id].rows.append(SheetRow(a, mine.get(a.pk)))
    for g in groups.values():
        g.qualified = len(g.rows)
        g.decided = sum(1 for r in g.rows if r.my_score is not None)
    is_open = campaign.stage == Stage.SPEECH and campaign.speech_closed_at is None and not judge.absent
    return JudgeSheet(judge=judge, campaign=campaign, groups=list(groups.values()), open=is_open)


@dataclass
class ScoreRow:
    application: Application
    scores: list  # one per judge, in the order of ScoresOverview.judges (None when missing)
    missing: int


@dataclass
class ScoresOverview:
    judges: list[CampaignJudge]
    groups: list[PostGroup]

    @property
    def missing_total(self) -> int:
        return sum(r.missing for g in self.groups for r in g.rows)


def scores_overview(campaign: Campaign) -> ScoresOverview:
    """Staff: every judge's score of every qualified candidate, per post in speaking order, and what is missing
    (absent judges are listed but not counted as missing)."""
    judges = list(CampaignJudge.objects.filter(campaign=campaign).order_by("order", "id"))
    apps = list(
        gates.qualified(campaign)
        .select_related("cadre", "campaign_post")
        .order_by("campaign_post__order", "campaign_post_id", "speaking_order", "id")
    )
    matrix = {
        (a, j): s
        for a, j, s in JudgeScore.objects.filter(application__in=apps).values_list("application_id", "judge_id", "score")
    }
    groups = {cp.pk: PostGroup(cp) for cp in _posts(campaign, open_only=True)}
    for a in apps:
        scores = [matrix.get((a.pk, j.pk)) for j in judges]
        missing = sum(1 for j, s in zip(judges, scores) if s is None and not j.absent)
        groups[a.campaign_post_id].rows.append(ScoreRow(a, scores, missing))
    for g in groups.values():
        g.qualified = len(g.rows)
    return ScoresOverview(judges=judges, groups=list(groups.values()))


# ---------------------------------------------------------------- leaders


INBOX_REASONS = (
    ("plan", "方案待审批"),
    ("review", "资格审查名单待审定"),
    ("inspection", "考察对象名单待确定"),
    ("meeting", "待召开党委会讨论决定"),
)


def leader_inbox(user):
    """Campaigns waiting for a leader, each with ``waiting_for`` (a code of INBOX_REASONS) and
    ``waiting_label``: 方案报批; 资格审查 list submitted but not approved; 考察对象 proposed but not confirmed;
    讨论决定 without a recorded meeting. Empty for anyone who is not a leader."""
    if not is_leader(user):
        return []
    has_meeting = Exists(Meeting.objects.filter(campaign=OuterRef("pk")))
    qs = (
        Campaign.objects.annotate(has_meeting=has_meeting)
        .filter(
            Q(stage=Stage.PLAN_APPROVAL)
            | Q(stage=Stage.REVIEW, review_submitted_at__isnull=False, review_approved_at__isnull=True)
            | Q(stage=Stage.INSPECTION, inspection_confirmed_at__isnull=True)
            | Q(stage=Stage.DECISION, has_meeting=False)
        )
        .order_by("stage_since", "id")
    )
    labels = dict(INBOX_REASONS)
    by_stage = {Stage.PLAN_APPROVAL: "plan", Stage.REVIEW: "review", Stage.INSPECTION: "inspection",
                Stage.DECISION: "meeting"}
    out = []
    for c in qs:
        c.waiting_for = by_stage[c.stage]
        c.waiting_label = labels[c.waiting_for]
        out.append(c)
    return out


# ---------------------------------------------------------------- records of a campaign


def events(campaign: Campaign):
    """The stage events (transitions, 撤回, returns) of a campaign, oldest first, with the actor."""
    return StageEvent.objects.filter(campaign=campaign).select_related("actor").order_by("created_at", "id")


def objections(campaign: Campaign):
    """任前公示 objections of a campaign, with the person, the post and who recorded/resolved them."""
    return (
        Objection.objects.filter(application__campaign=campaign)
        .select_related(
            "application", "application__cadre", "application__campaign_post__post",
            "application__campaign_post__post__unit", "resolved_by", "created_by",
        )
        .order_by("received_on", "id")
    )


def inspection_targets(campaign: Campaign):
    """考察对象 of a campaign, per post order then rank."""
    return (
        gates.qualified(campaign)
        .filter(is_inspection_target=True)
        .select_related("cadre", "cadre__unit", "campaign_post", "campaign_post__post", "campaign_post__post__unit")
        .prefetch_related("cadre__educations")
        .order_by("campaign_post__order", "campaign_post_id", "rank", "speaking_order", "id")
    )


def document_numbers_used(field: str, year: int) -> list[str]:
    """The 文号 already given in ``field`` of campaigns (plan_document_no, appointment_document_no …) this and
    last year, newest first: what the suggestion of the next number reads. One query."""
    return [
        n for n in Campaign.objects.filter(plan_year__gte=year - 1).exclude(**{field: ""})
        .order_by("-id").values_list(field, flat=True)[:200]
    ]
