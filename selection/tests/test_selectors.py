"""Selectors: role-filtered lists, per-post groupings with their flags, and query counts that do not grow."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core import roles
from selection import selectors
from selection.models import AppStatus, CampaignJudge, JudgeScore, Meeting, Objection, PostStatus, StageEvent
from selection.tests import factories as f
from selection.workflow import Stage

pytestmark = pytest.mark.django_db

D = Decimal


def _observer():
    return f.user(None, roles.OBSERVER)


# ---------------------------------------------------------------- campaign_list


def test_campaign_list_by_role_with_counts():
    staff, leader, observer = f.staff(), f.leader(), _observer()
    judge = f.judge()
    mine = f.campaign(Stage.REVIEW)
    other = f.campaign(Stage.PREPARATION)
    CampaignJudge.objects.create(campaign=mine, user=judge, name="王评委")
    p1, p2 = f.posts_of(mine)
    f.application(p1, review_decision="通过", reviewed_at=timezone.now())
    f.application(p1, review_decision="不通过", reviewed_at=timezone.now(), review_reason="年龄超过")
    f.application(p2, status=AppStatus.DRAFT)
    for user in (staff, leader, observer):
        assert {c.pk for c in selectors.campaign_list(user)} == {mine.pk, other.pk}
    rows = list(selectors.campaign_list(judge))
    assert [c.pk for c in rows] == [mine.pk]
    c = rows[0]
    assert (c.post_count, c.application_count, c.qualified_count, c.judge_count) == (2, 2, 1, 1)
    cand_user, _ = f.candidate()
    assert list(selectors.campaign_list(cand_user)) == []


def test_campaign_list_query_count_is_constant(django_assert_num_queries):
    staff = f.staff()
    for _ in range(2):
        f.campaign()
    staff = type(staff).objects.get(pk=staff.pk)
    with django_assert_num_queries(2):  # the user's groups, then one list query with the counts as subqueries
        assert len(list(selectors.campaign_list(staff))) == 2
    for _ in range(4):
        f.campaign()
    with django_assert_num_queries(1):  # groups cached on the user
        assert len(list(selectors.campaign_list(staff))) == 6


def test_campaign_detail_loads_everything_in_fixed_queries(django_assert_num_queries):
    c = f.campaign(Stage.REVIEW, posts=3, judges=2)
    for cp in f.posts_of(c):
        f.application(cp)
    usernames = set(CampaignJudge.objects.filter(campaign=c).values_list("user__username", flat=True))
    with django_assert_num_queries(4):  # campaign, posts (with counts), members, judges with users
        detail = selectors.campaign_detail(c.pk)
        posts = list(detail.posts.all())
        assert [p.application_count for p in posts] == [1, 1, 1]
        assert len(list(detail.members.all())) == 2
        assert {j.user.username for j in detail.judges.all()} == usernames


# ---------------------------------------------------------------- review and ranking


def test_review_queue_groups_counts_and_shortfall(django_assert_num_queries):
    c = f.campaign(Stage.REVIEW)
    p1, p2 = f.posts_of(c)
    a1 = f.application(p1, suggestion="符合", review_decision="通过", reviewed_at=timezone.now())
    a2 = f.application(p1, suggestion="不符合")
    f.application(p1, status=AppStatus.WITHDRAWN)
    f.application(p2, suggestion="符合", review_decision="放宽通过", reviewed_at=timezone.now(), review_reason="经批准")
    with django_assert_num_queries(3):  # posts, applications, educations
        groups = selectors.review_queue(c)
        first, second = groups
        assert first.campaign_post == p1 and [a.pk for a in first.rows] == [a1.pk, a2.pk]
        assert (first.decided, first.undecided, first.qualified, first.shortfall) == (1, 1, 1, 1)
        assert (second.decided, second.qualified, second.shortfall) == (1, 1, 1)
        assert first.rows[0].cadre.unit.name == "青溪经济开发区经济发展局"


def _qualified(cp, **extra):
    return f.application(cp, review_decision="通过", reviewed_at=timezone.now(), **extra)


def test_ranking_table_orders_by_rank_with_ties_and_double_targets(django_assert_num_queries):
    c = f.campaign(Stage.INSPECTION)
    p1, p2 = f.posts_of(c)
    both = f.qualified_cadre(name="两岗人")
    a = _qualified(p1, cadre=both, speaking_order=2, speech_score=D("90.00"), evaluation_score=D("88.00"),
                   composite_score=D("88.80"), rank=1, is_inspection_target=True)
    b = _qualified(p1, speaking_order=1, speech_score=D("80.00"), evaluation_score=D("85.00"),
                   composite_score=D("83.00"), rank=2, tied=True, is_inspection_target=True)
    d = _qualified(p1, speaking_order=3, speech_score=D("80.00"), evaluation_score=D("85.00"),
                   composite_score=D("83.00"), rank=2, tied=True, is_inspection_target=True)
    e = _qualified(p1, speaking_order=4)  # no scores yet: last
    x = _qualified(p2, cadre=both, speaking_order=1, composite_score=D("70.00"), rank=1, is_inspection_target=True)
    f.application(p1, review_decision="不通过", reviewed_at=timezone.now(), review_reason="学历不符")
    with django_assert_num_queries(3):
        groups = selectors.ranking_table(c)
    g1, g2 = groups
    assert [r.application.pk for r in g1.rows] == [a.pk, b.pk, d.pk, e.pk]
    assert [(r.rank, r.tied) for r in g1.rows] == [(1, False), (2, True), (2, True), (None, False)]
    assert [r.double_target for r in g1.rows] == [True, False, False, False]
    assert g1.rows[0].composite == D("88.80") and g1.rows[0].speech == D("90.00")
    assert g1.quota == 2 and g1.qualified == 4
    assert [r.application.pk for r in g2.rows] == [x.pk] and g2.rows[0].double_target


def test_ranking_table_leaves_out_cancelled_posts():
    c = f.campaign(Stage.EVALUATION)
    p1, p2 = f.posts_of(c)
    p2.status, p2.cancel_reason = PostStatus.CANCELLED, "差额不足"
    p2.save()
    _qualified(p1)
    _qualified(p2)
    groups = selectors.ranking_table(c)
    assert [g.campaign_post.pk for g in groups] == [p1.pk]


# ---------------------------------------------------------------- judges


def test_judge_sheet_shows_only_own_scores_in_speaking_order(django_assert_num_queries):
    c = f.campaign(Stage.SPEECH, judges=2)
    j1, j2 = list(c.judges.order_by("id"))
    p1, _p2 = f.posts_of(c)
    first = _qualified(p1, speaking_order=2)
    second = _qualified(p1, speaking_order=1)
    JudgeScore.objects.create(application=first, judge=j1, score=D("88.5"))
    JudgeScore.objects.create(application=first, judge=j2, score=D("70.0"))
    JudgeScore.objects.create(application=second, judge=j2, score=D("75.0"))
    judge_user = j1.user
    with django_assert_num_queries(4):  # judge, applications, own scores, posts
        sheet = selectors.judge_sheet(judge_user, c)
    assert [r.application.pk for r in sheet.rows] == [second.pk, first.pk]
    assert [r.my_score for r in sheet.rows] == [None, D("88.5")]
    assert sheet.open and sheet.groups[0].decided == 1
    with pytest.raises(CampaignJudge.DoesNotExist):
        selectors.judge_sheet(f.judge(), c)


def test_judge_sheet_closed_after_speech():
    c = f.campaign(Stage.EVALUATION, judges=1, speech_closed_at=timezone.now())
    assert selectors.judge_sheet(c.judges.get().user, c).open is False


def test_judge_campaigns_counts_own_scores():
    c = f.campaign(Stage.SPEECH, judges=2)
    j1, j2 = list(c.judges.order_by("id"))
    p1, p2 = f.posts_of(c)
    a, b = _qualified(p1), _qualified(p2)
    JudgeScore.objects.create(application=a, judge=j1, score=D("80"))
    JudgeScore.objects.create(application=b, judge=j2, score=D("80"))
    JudgeScore.objects.create(application=a, judge=j2, score=D("81"))
    f.campaign(Stage.SPEECH, judges=1)  # not theirs
    rows = list(selectors.judge_campaigns(j2.user))
    assert [r.pk for r in rows] == [c.pk]
    assert (rows[0].candidate_count, rows[0].my_scored, rows[0].my_absent) == (2, 2, False)


def test_scores_overview_matrix_and_missing(django_assert_num_queries):
    c = f.campaign(Stage.SPEECH, judges=3)
    j1, j2, j3 = list(c.judges.order_by("order", "id"))
    j3.absent, j3.absence_reason = True, "出差"
    j3.save()
    p1, _ = f.posts_of(c)
    a = _qualified(p1, speaking_order=1)
    JudgeScore.objects.create(application=a, judge=j1, score=D("90.0"))
    with django_assert_num_queries(4):
        overview = selectors.scores_overview(c)
    row = overview.groups[0].rows[0]
    assert row.scores == [D("90.0"), None, None]
    assert row.missing == 1 and overview.missing_total == 1


# ---------------------------------------------------------------- leaders


def test_leader_inbox_conditions():
    leader = f.leader()
    plan = f.campaign(Stage.PLAN_APPROVAL)
    review = f.campaign(Stage.REVIEW, review_submitted_at=timezone.now())
    f.campaign(Stage.REVIEW)  # not submitted yet
    f.campaign(Stage.REVIEW, review_submitted_at=timezone.now(), review_approved_at=timezone.now())
    inspection = f.campaign(Stage.INSPECTION)
    f.campaign(Stage.INSPECTION, inspection_confirmed_at=timezone.now())
    decision = f.campaign(Stage.DECISION)
    held = f.campaign(Stage.DECISION)
    Meeting.objects.create(campaign=held, held_on=dt.date(2026, 9, 1))
    f.campaign(Stage.SPEECH)
    rows = selectors.leader_inbox(leader)
    assert {c.pk: c.waiting_for for c in rows} == {
        plan.pk: "plan", review.pk: "review", inspection.pk: "inspection", decision.pk: "meeting",
    }
    assert {c.waiting_label for c in rows} == {"方案待审批", "资格审查名单待审定", "考察对象名单待确定", "待召开党委会讨论决定"}
    assert selectors.leader_inbox(f.staff()) == []


# ---------------------------------------------------------------- candidates


def test_my_applications_and_nominations():
    user, cadre = f.candidate()
    c = f.campaign(Stage.REGISTRATION)
    p1, p2 = f.posts_of(c)
    own = f.application(p1, cadre=cadre, status=AppStatus.DRAFT)
    nominated = f.application(p2, cadre=cadre, status=AppStatus.PENDING, source="mass")
    f.application(p1)  # somebody else
    assert [a.pk for a in selectors.my_applications(cadre)] == [own.pk]
    assert [a.pk for a in selectors.nominations_waiting(cadre)] == [nominated.pk]
    c.stage = Stage.REVIEW
    c.save()
    assert list(selectors.nominations_waiting(cadre)) == []


def test_open_campaigns_for_candidates(django_assert_num_queries):
    open_one = f.campaign(Stage.REGISTRATION)
    p1, p2 = f.posts_of(open_one)
    p2.status, p2.cancel_reason = PostStatus.CANCELLED, "取消"
    p2.save()
    f.campaign(Stage.REVIEW)
    with django_assert_num_queries(2):
        rows = list(selectors.open_campaigns_for_candidates())
        assert [c.pk for c in rows] == [open_one.pk]
        assert [str(p.post) for p in rows[0].open_posts] == [str(p1.post)]


# ---------------------------------------------------------------- records


def test_events_and_objections(django_assert_num_queries):
    staff = f.staff()
    c = f.campaign(Stage.PUBLICITY)
    StageEvent.objects.create(campaign=c, action="start_publicity", label="开始任前公示", from_stage=Stage.DECISION,
                              to_stage=Stage.PUBLICITY, actor=staff)
    StageEvent.objects.create(campaign=c, action="close_registration", label="报名截止", from_stage=Stage.REGISTRATION,
                              to_stage=Stage.REVIEW, actor_label="系统（定时任务）")
    p1, p2 = f.posts_of(c)
    for cp in (p1, p2):
        a = _qualified(cp)
        Objection.objects.create(application=a, received_on=dt.date(2026, 9, 2), channel="来信", content="反映问题",
                                 created_by=staff)
    with django_assert_num_queries(2):
        evs = list(selectors.events(c))
        assert [e.actor.username if e.actor else e.actor_label for e in evs] == [staff.username, "系统（定时任务）"]
        objs = list(selectors.objections(c))
        assert [str(o.application.campaign_post.post) for o in objs] == [str(p1.post), str(p2.post)]
        assert objs[0].application.cadre.name and objs[0].created_by == staff


def test_applications_for_constant_queries(django_assert_num_queries):
    c = f.campaign(Stage.REVIEW)
    p1, p2 = f.posts_of(c)
    for cp in (p1, p2, p1):
        f.application(cp)

    def read():
        return [(a.cadre.name, a.cadre.unit.name, str(a.campaign_post.post), len(a.cadre.educations.all()))
                for a in selectors.applications_for(c)]

    with django_assert_num_queries(2):
        assert len(read()) == 3
    for cp in (p2, p2, p1, p2):
        f.application(cp)
    with django_assert_num_queries(2):
        assert len(read()) == 7
    assert len(list(selectors.applications_for(c, p2))) == 4
