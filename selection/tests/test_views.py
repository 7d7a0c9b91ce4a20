"""Pages of the selection app: each renders for its role and is refused to the others, a candidate reaches only
their own applications, the self-nomination form saves a draft and submits, a judge scores through the page, a
leader approves from the inbox, and a service's ApplicationError comes back as a message (never a 500)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core import roles
from selection.models import Application, AppStatus, Campaign, JudgeScore, StageEvent
from selection.tests import factories as F
from selection.workflow import Stage
from tests.browser import click_and_wait, login

pytestmark = pytest.mark.django_db

IN_WINDOW = dt.datetime(2026, 7, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SECTIONS = ["plan", "registration", "review", "speech", "evaluation", "inspection", "decision", "publicity",
            "appointment", "events"]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _login(client, user):
    client.force_login(user)
    return client


def _qualify(app, **extra):
    app.review_decision = "通过"
    app.reviewed_at = timezone.now()
    for k, v in extra.items():
        setattr(app, k, v)
    app.save()
    return app


@pytest.fixture
def people():
    return {
        "staff": F.staff(), "leader": F.leader(), "judge": F.judge(),
        "observer": F.user(None, roles.OBSERVER), "candidate": F.candidate()[0],
    }


# ---------------------------------------------------------------- who sees what


def test_anonymous_is_sent_to_login(client):
    c = F.campaign(Stage.PREPARATION)
    for url in (reverse("selection:campaigns"), reverse("selection:campaign", args=[c.pk]),
                reverse("selection:section", args=[c.pk, "review"]), reverse("selection:my-applications"),
                reverse("selection:judge-home"), reverse("selection:leader-inbox"),
                reverse("selection:meeting", args=[c.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("stage", [Stage.PREPARATION, Stage.REVIEW, Stage.SPEECH, Stage.DECISION, Stage.PUBLICITY])
@pytest.mark.parametrize("role", ["staff", "leader", "observer"])
def test_campaign_pages_render_for_readers(client, people, role, stage):
    c = F.campaign(stage, judges=2)
    cp = F.posts_of(c)[0]
    _qualify(F.application(cp), speaking_order=1)
    _login(client, people[role])
    assert client.get(reverse("selection:campaigns")).status_code == 200
    detail = client.get(reverse("selection:campaign", args=[c.pk]))
    assert detail.status_code == 200
    assert c.title in detail.content.decode()
    for section in SECTIONS:
        response = client.get(reverse("selection:section", args=[c.pk, section]))
        assert response.status_code == 200, section
    assert client.get(reverse("selection:meeting", args=[c.pk])).status_code == 200


@pytest.mark.parametrize("role", ["judge", "candidate"])
def test_campaign_pages_refused_to_judges_and_candidates(client, people, role):
    c = F.campaign(Stage.REVIEW)
    _login(client, people[role])
    assert client.get(reverse("selection:campaigns")).status_code == 403
    assert client.get(reverse("selection:campaign", args=[c.pk])).status_code == 403
    for section in SECTIONS:
        assert client.get(reverse("selection:section", args=[c.pk, section])).status_code == 403
    assert client.post(reverse("selection:transition", args=[c.pk, "start_speech"])).status_code == 403
    assert client.post(reverse("selection:review-submit", args=[c.pk])).status_code == 403


def test_unknown_section_and_campaign_are_404(client, people):
    c = F.campaign(Stage.REVIEW)
    _login(client, people["staff"])
    assert client.get(reverse("selection:section", args=[c.pk, "nothing"])).status_code == 404
    assert client.get(reverse("selection:campaign", args=[c.pk + 999])).status_code == 404


def test_observer_reads_only(client, people):
    c = F.campaign(Stage.PREPARATION)
    _login(client, people["observer"])
    page = client.get(reverse("selection:section", args=[c.pk, "plan"])).content.decode()
    assert "只读" in page
    assert "保存方案设置" not in page and "列入竞争职位</button>" not in page
    assert "transition-submit_plan" not in page  # no transition buttons
    assert client.post(reverse("selection:transition", args=[c.pk, "submit_plan"])).status_code == 403
    assert client.post(reverse("selection:plan-edit", args=[c.pk]), {"title": "x"}).status_code == 403
    c.refresh_from_db()
    assert c.stage == Stage.PREPARATION


def test_staff_only_pages_refused_to_leader(client, people):
    c = F.campaign(Stage.PREPARATION)
    _login(client, people["leader"])
    assert client.get(reverse("selection:campaign-create")).status_code == 403
    assert client.post(reverse("selection:members-set", args=[c.pk]), {}).status_code == 403
    assert client.post(reverse("selection:transition", args=[c.pk, "submit_plan"])).status_code == 403


def test_scores_overview_only_for_staff(client, people):
    c = F.campaign(Stage.SPEECH, judges=2)
    cp = F.posts_of(c)[0]
    app = _qualify(F.application(cp), speaking_order=1)
    judge = c.judges.first()
    JudgeScore.objects.create(application=app, judge=judge, score=Decimal("87.5"))
    _login(client, people["staff"])
    assert "评分总览" in client.get(reverse("selection:section", args=[c.pk, "speech"])).content.decode()
    _login(client, people["leader"])
    page = client.get(reverse("selection:section", args=[c.pk, "speech"])).content.decode()
    assert "评分总览" not in page and "87.5" not in page


# ---------------------------------------------------------------- staff work


def test_staff_creates_a_campaign_and_edits_the_plan(client, people):
    _login(client, people["staff"])
    assert client.get(reverse("selection:campaign-create")).status_code == 200
    data = {
        "title": "2026年度中层干部竞争上岗", "plan_year": 2026, "as_of": "2026-06-30", "issuer": "中共青溪经济开发区工作委员会组织部",
        "scope_post_count": 10, "declared_rotation_count": 3, "min_rotation_percent": "30",
        "max_posts_per_candidate": 1, "min_candidates_per_vacancy": 2, "min_mass_recommenders": 5,
        "speech_weight": "40", "evaluation_weight": "60", "written_weight": "0", "trim_min_judges": 5,
        "inspection_ratio": "2", "publicity_working_days": 5, "term_years": 2, "probation_years": 1,
    }
    response = client.post(reverse("selection:campaign-create"), data)
    c = Campaign.objects.get(title="2026年度中层干部竞争上岗")
    assert response.status_code == 302 and response["Location"] == reverse("selection:section", args=[c.pk, "plan"])
    # the service's check comes back on the form (weights must sum to 100)
    response = client.post(reverse("selection:plan-edit", args=[c.pk]), {**data, "speech_weight": "50"})
    assert response.status_code == 200
    assert "100" in response.content.decode()
    c.refresh_from_db()
    assert c.speech_weight == Decimal(40)
    # members through the formset
    response = client.post(reverse("selection:members-set", args=[c.pk]), {
        "m-TOTAL_FORMS": 3, "m-INITIAL_FORMS": 0,
        "m-0-name": "张组长", "m-0-duty": "党工委书记", "m-0-role": "组长",
        "m-1-name": "李干事", "m-1-role": "工作班子", "m-2-name": "",
    })
    assert response.status_code == 302
    assert list(c.members.values_list("name", flat=True)) == ["张组长", "李干事"]


def test_transition_gate_errors_are_shown_before_and_after_the_click(client, people):
    c = F.campaign(Stage.PREPARATION, posts=0)
    _login(client, people["staff"])
    page = client.get(reverse("selection:campaign", args=[c.pk])).content.decode()
    assert "提交方案报批" in page and "尚未列入任何竞争职位" in page
    response = client.post(reverse("selection:transition", args=[c.pk, "submit_plan"]), follow=True)
    assert response.status_code == 200
    assert any("尚未列入任何竞争职位" in m for m in _messages(response))
    c.refresh_from_db()
    assert c.stage == Stage.PREPARATION


def test_withdrawal_needs_a_reason_and_is_logged(client, people):
    c = F.campaign(Stage.SPEECH)
    _login(client, people["staff"])
    response = client.post(reverse("selection:transition", args=[c.pk, "withdraw_speech"]), {"note": ""}, follow=True)
    assert any("须填写理由" in m for m in _messages(response))
    c.refresh_from_db()
    assert c.stage == Stage.SPEECH
    client.post(reverse("selection:transition", args=[c.pk, "withdraw_speech"]), {"note": "审查结论需复核"})
    c.refresh_from_db()
    assert c.stage == Stage.REVIEW
    event = StageEvent.objects.get(campaign=c, action="withdraw_speech")
    assert event.is_withdrawal and event.note == "审查结论需复核"
    page = client.get(reverse("selection:section", args=[c.pk, "events"])).content.decode()
    assert "审查结论需复核" in page and "撤回" in page


def test_review_decide_from_the_queue(client, people):
    c = F.campaign(Stage.REVIEW)
    cp = F.posts_of(c)[0]
    app = F.application(cp, suggestion="符合")
    _login(client, people["staff"])
    page = client.get(reverse("selection:section", args=[c.pk, "review"])).content.decode()
    assert app.cadre.name in page and "作出结论" in page
    # differing from the suggestion without a reason: the service refuses, the page says why
    response = client.post(reverse("selection:review-decide", args=[c.pk, app.pk]), {"decision": "不通过", "reason": ""},
                           follow=True)
    assert response.status_code == 200
    assert _messages(response)
    app.refresh_from_db()
    assert app.review_decision == ""
    client.post(reverse("selection:review-decide", args=[c.pk, app.pk]), {"decision": "通过", "reason": ""})
    app.refresh_from_db()
    assert app.review_decision == "通过"


def test_campaign_list_query_count_is_constant(client, people, django_assert_max_num_queries):
    F.campaign(Stage.PREPARATION)
    _login(client, people["staff"])
    client.get(reverse("selection:campaigns"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("selection:campaigns"))
    for _ in range(4):
        F.campaign(Stage.REVIEW)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("selection:campaigns")).status_code == 200


def test_plan_posts_and_judges_through_the_pages(client, people):
    from cadre.tests.factories import PostFactory

    c = F.campaign(Stage.PREPARATION)
    post = PostFactory(level="副科级", headcount=2)
    _login(client, people["staff"])
    client.post(reverse("selection:post-add", args=[c.pk]), {"post": post.pk, "vacancies": 2, "conditions": "熟悉财务"})
    cp = c.posts.get(post=post)
    assert cp.vacancies == 2 and cp.conditions == "熟悉财务"
    response = client.post(reverse("selection:post-add", args=[c.pk]), {"post": post.pk, "vacancies": 1}, follow=True)
    assert response.status_code == 200 and _messages(response)  # already listed: not a choice any more
    client.post(reverse("selection:post-remove", args=[c.pk, cp.pk]))
    assert not c.posts.filter(post=post).exists()
    client.post(reverse("selection:judges-set", args=[c.pk]), {"users": [people["judge"].pk]})
    assert list(c.judges.values_list("user_id", flat=True)) == [people["judge"].pk]


def test_review_stage_post_cancel_and_extension(client, people):
    c = F.campaign(Stage.REVIEW)
    cp = F.posts_of(c)[0]
    _login(client, people["staff"])
    page = client.get(reverse("selection:section", args=[c.pk, "review"])).content.decode()
    assert "差额不足" in page and "延长报名" in page
    client.post(reverse("selection:post-cancel", args=[c.pk, cp.pk]), {"reason": "报名人数不足"})
    cp.refresh_from_db()
    assert cp.status == "cancelled" and cp.cancel_reason == "报名人数不足"
    new_end = timezone.localdate() + dt.timedelta(days=7)
    client.post(reverse("selection:registration-extend", args=[c.pk]), {"new_end": new_end.isoformat(), "reason": "合格人选不足"})
    c.refresh_from_db()
    assert c.stage == Stage.REGISTRATION and c.registration_end == new_end


def test_speech_stage_draw_and_absence(client, people):
    c, apps = _speech_campaign(judges=2)
    for a in apps:
        Application.objects.filter(pk=a.pk).update(speaking_order=None)
    cp = apps[0].campaign_post
    judge = c.judges.first()
    _login(client, people["staff"])
    client.post(reverse("selection:order-draw", args=[c.pk, cp.pk]))
    assert sorted(Application.objects.filter(campaign_post=cp).values_list("speaking_order", flat=True)) == [1, 2]
    client.post(reverse("selection:judge-absence", args=[c.pk, judge.pk]), {"absent": "on", "reason": "因公出差"})
    judge.refresh_from_db()
    assert judge.absent and judge.absence_reason == "因公出差"


def test_evaluation_session_created_from_the_page(client, people):
    c, _apps = _speech_campaign()
    Campaign.objects.filter(pk=c.pk).update(stage=Stage.EVALUATION, speech_closed_at=timezone.now())
    _login(client, people["staff"])
    page = client.get(reverse("selection:section", args=[c.pk, "evaluation"])).content.decode()
    assert "建立民主测评场次" in page
    response = client.post(reverse("selection:evaluation-create", args=[c.pk]), {
        "g-TOTAL_FORMS": 2, "g-INITIAL_FORMS": 0, "g-0-name": "领导班子成员", "g-0-weight": "40",
        "g-1-name": "中层干部", "g-1-weight": "60", "option_set": "评价",
    })
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.ballot_session is not None
    page = client.get(reverse("selection:section", args=[c.pk, "evaluation"])).content.decode()
    assert reverse("assessment:session-detail", args=[c.ballot_session_id]) in page


def test_inspection_record_and_objections_through_the_pages(client, people):
    c = F.campaign(Stage.INSPECTION, inspection_confirmed_at=timezone.now())
    cp = F.posts_of(c)[0]
    app = _qualify(F.application(cp), is_inspection_target=True, rank=1)
    _login(client, people["staff"])
    client.post(reverse("selection:inspection-record", args=[c.pk, app.pk]), {
        f"a{app.pk}-talks_count": 15, f"a{app.pk}-opinion": "政治素质好，群众公认。", f"a{app.pk}-conclusion": "建议任用",
    })
    app.refresh_from_db()
    assert app.talks_count == 15 and app.inspection_conclusion == "建议任用"

    Campaign.objects.filter(pk=c.pk).update(stage=Stage.PUBLICITY, publicity_start=timezone.localdate(),
                                            publicity_end=timezone.localdate() + dt.timedelta(days=7))
    Application.objects.filter(pk=app.pk).update(meeting_result="通过", superior_approved=True)
    client.post(reverse("selection:objection-create", args=[c.pk]), {
        "application": app.pk, "received_on": timezone.localdate().isoformat(), "channel": "来信", "content": "反映其工作作风问题",
    })
    objection = app.objections.get()
    assert objection.status == "open"
    page = client.get(reverse("selection:section", args=[c.pk, "publicity"])).content.decode()
    assert "反映其工作作风问题" in page and "登记核查结论" in page
    client.post(reverse("selection:objection-resolve", args=[c.pk, objection.pk]),
                {"substantiated": "0", "resolution": "经核查，反映问题不属实。"})
    objection.refresh_from_db()
    assert objection.status == "unfounded"


@time_machine.travel(IN_WINDOW)
def test_staff_enters_a_nomination(client, people):
    c = F.campaign(Stage.REGISTRATION)
    cp = F.posts_of(c)[0]
    cadre = F.qualified_cadre()
    _login(client, people["staff"])
    response = client.post(reverse("selection:nomination-create", args=[c.pk]), {
        "campaign_post": cp.pk, "id_number": cadre.id_number, "source": "mass",
        "recommenders": "甲、乙、丙、丁、戊", "recommender_count": 5,
    }, follow=True)
    assert response.status_code == 200
    app = Application.objects.get(cadre=cadre, campaign_post=cp)
    assert app.status == AppStatus.PENDING and app.source == "mass"
    response = client.post(reverse("selection:nomination-create", args=[c.pk]), {
        "campaign_post": cp.pk, "id_number": "110101199001011234", "source": "org", "recommending_unit": "财政局",
    }, follow=True)
    assert any("档案中没有" in m for m in _messages(response))


# ---------------------------------------------------------------- candidates


def test_candidate_pages_need_a_cadre_record(client, people):
    _login(client, people["staff"])
    assert client.get(reverse("selection:my-applications")).status_code == 403
    _login(client, people["judge"])
    assert client.get(reverse("selection:my-applications")).status_code == 403


@time_machine.travel(IN_WINDOW)
def test_self_nomination_draft_then_submit(client):
    user, cadre = F.candidate()
    c = F.campaign(Stage.REGISTRATION)
    cp = F.posts_of(c)[0]
    _login(client, user)
    page = client.get(reverse("selection:my-applications")).content.decode()
    assert c.title in page and str(cp.post) in page
    form = client.get(reverse("selection:apply", args=[c.pk]) + f"?post={cp.pk}")
    assert form.status_code == 200
    html = form.content.decode()
    assert cadre.name in html and "出生年月" in html and "任现职时间" in html and "保存草稿" in html
    assert "hx-get" in html and "<script>" not in html and "onclick" not in html

    response = client.post(reverse("selection:apply", args=[c.pk]), {
        "campaign_post": cp.pk, "accept_adjustment": "on", "achievements": "负责经济运行分析。", "action": "draft",
    })
    assert response.status_code == 302
    app = Application.objects.get(cadre=cadre, campaign_post=cp)
    assert app.status == AppStatus.DRAFT

    # submitting without the declaration: the service's message is on the form
    response = client.post(reverse("selection:apply", args=[c.pk]), {
        "campaign_post": cp.pk, "achievements": "负责经济运行分析。", "action": "submit",
    })
    assert response.status_code == 200
    assert "承诺" in response.content.decode()
    app.refresh_from_db()
    assert app.status == AppStatus.DRAFT

    response = client.post(reverse("selection:apply", args=[c.pk]), {
        "campaign_post": cp.pk, "accept_adjustment": "on", "achievements": "负责经济运行分析，牵头完成重点项目。",
        "work_plan": "抓好项目落地。", "declaration": "on", "action": "submit",
    })
    app.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("selection:my-application", args=[app.pk])
    assert app.status == AppStatus.SUBMITTED and app.suggestion
    detail = client.get(response["Location"]).content.decode()
    assert "资格审查结果将在张榜公布后显示" in detail


@time_machine.travel(IN_WINDOW)
def test_eligibility_check_partial(client):
    user, cadre = F.candidate()
    c = F.campaign(Stage.REGISTRATION)
    cp = F.posts_of(c)[0]
    _login(client, user)
    response = client.get(reverse("selection:eligibility-check", args=[c.pk]), {"campaign_post": cp.pk},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert str(cp.post) in html and "badge" in html and "年龄" in html
    empty = client.get(reverse("selection:eligibility-check", args=[c.pk])).content.decode()
    assert "选择竞争职位后" in empty


def test_candidate_sees_only_own_applications(client):
    user_a, cadre_a = F.candidate()
    user_b, cadre_b = F.candidate()
    c = F.campaign(Stage.REVIEW)
    cp = F.posts_of(c)[0]
    mine = F.application(cp, cadre_a)
    theirs = F.application(cp, cadre_b, review_decision="不通过", review_reason="年龄超过规定", reviewed_at=timezone.now())
    _login(client, user_a)
    assert client.get(reverse("selection:my-application", args=[mine.pk])).status_code == 200
    assert client.get(reverse("selection:my-application", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("selection:my-application-withdraw", args=[theirs.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("selection:my-application-respond", args=[theirs.pk]), {"accept": "1"}).status_code == 404
    page = client.get(reverse("selection:my-applications")).content.decode()
    assert cadre_b.name not in page
    # no campaign pages, no review queue, no judge sheet
    assert client.get(reverse("selection:section", args=[c.pk, "review"])).status_code == 403
    assert client.get(reverse("selection:judge-scores", args=[c.pk])).status_code == 403


def test_review_reason_shown_only_after_publication(client):
    user, cadre = F.candidate()
    c = F.campaign(Stage.REVIEW)
    cp = F.posts_of(c)[0]
    app = F.application(cp, cadre, review_decision="不通过", review_reason="任现职级时间不足两年", reviewed_at=timezone.now())
    _login(client, user)
    page = client.get(reverse("selection:my-application", args=[app.pk])).content.decode()
    assert "任现职级时间不足两年" not in page and "不通过" not in page
    Campaign.objects.filter(pk=c.pk).update(review_published_at=timezone.now())
    page = client.get(reverse("selection:my-application", args=[app.pk])).content.decode()
    assert "任现职级时间不足两年" in page and "不通过" in page


def test_own_scores_hidden_before_publicity(client):
    user, cadre = F.candidate()
    c = F.campaign(Stage.INSPECTION)
    cp = F.posts_of(c)[0]
    app = _qualify(F.application(cp, cadre), speech_score=Decimal("88.25"), composite_score=Decimal("86.10"), rank=1)
    _login(client, user)
    assert "88.25" not in client.get(reverse("selection:my-application", args=[app.pk])).content.decode()
    Campaign.objects.filter(pk=c.pk).update(stage=Stage.PUBLICITY)
    assert "88.25" in client.get(reverse("selection:my-application", args=[app.pk])).content.decode()


@time_machine.travel(IN_WINDOW)
def test_nominee_accepts_through_the_page(client, people):
    user, cadre = F.candidate()
    c = F.campaign(Stage.REGISTRATION)
    cp = F.posts_of(c)[0]
    app = F.application(cp, cadre, status=AppStatus.PENDING, source="org")
    _login(client, user)
    page = client.get(reverse("selection:my-applications")).content.decode()
    assert "待您确认的推荐" in page
    response = client.post(reverse("selection:my-application-respond", args=[app.pk]), {
        "accept": "1", "accept_adjustment": "on", "achievements": "长期从事经济运行分析工作。", "declaration": "on",
    })
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == AppStatus.SUBMITTED


# ---------------------------------------------------------------- judges


def _speech_campaign(judges=2):
    """A campaign in 演讲 (one post, two qualified candidates, the speaking order drawn)."""
    c = F.CampaignFactory(stage=Stage.SPEECH, posts=1, judges=judges)
    c.world.draw()
    return c, c.world.apps[0]


def test_judge_scores_through_the_page(client, people):
    c, apps = _speech_campaign()
    judge = c.judges.first()
    _login(client, judge.user)
    home = client.get(reverse("selection:judge-home"))
    assert home.status_code == 200 and c.title in home.content.decode()
    sheet = client.get(reverse("selection:judge-scores", args=[c.pk]))
    assert sheet.status_code == 200
    html = sheet.content.decode()
    assert apps[0].cadre.name in html and f'name="score_{apps[0].pk}"' in html

    # a bad value: nothing saved, the row is marked
    response = client.post(reverse("selection:judge-scores", args=[c.pk]), {f"score_{apps[0].pk}": "100.5"})
    assert response.status_code == 200 and "0–100" in response.content.decode()
    assert not JudgeScore.objects.exists()

    response = client.post(reverse("selection:judge-scores", args=[c.pk]),
                           {f"score_{apps[0].pk}": "88.5", f"score_{apps[1].pk}": "90"})
    assert response.status_code == 302
    assert dict(JudgeScore.objects.filter(judge=judge).values_list("application_id", "score")) == {
        apps[0].pk: Decimal("88.5"), apps[1].pk: Decimal("90.0")}

    # another judge's scores never show on this sheet
    other = c.judges.exclude(pk=judge.pk).first()
    JudgeScore.objects.create(application=apps[0], judge=other, score=Decimal("61.3"))
    assert "61.3" not in client.get(reverse("selection:judge-scores", args=[c.pk])).content.decode()


def test_judge_sheet_read_only_after_close(client):
    c, apps = _speech_campaign()
    judge = c.judges.first()
    JudgeScore.objects.create(application=apps[0], judge=judge, score=Decimal("77.0"))
    Campaign.objects.filter(pk=c.pk).update(stage=Stage.EVALUATION, speech_closed_at=timezone.now())
    _login(client, judge.user)
    html = client.get(reverse("selection:judge-scores", args=[c.pk])).content.decode()
    assert "只读" in html and "score_" not in html and "77.0" in html
    response = client.post(reverse("selection:judge-scores", args=[c.pk]), {f"score_{apps[0].pk}": "99"}, follow=True)
    assert any("评分已结束" in m for m in _messages(response))
    assert JudgeScore.objects.get(judge=judge, application=apps[0]).score == Decimal("77.0")


def test_judge_not_assigned_gets_404_and_others_403(client, people):
    c, _apps = _speech_campaign()
    _login(client, people["judge"])  # a judge, but not of this campaign
    assert client.get(reverse("selection:judge-scores", args=[c.pk])).status_code == 404
    _login(client, people["staff"])
    assert client.get(reverse("selection:judge-home")).status_code == 403
    assert client.get(reverse("selection:judge-scores", args=[c.pk])).status_code == 403


# ---------------------------------------------------------------- leaders


def test_leader_approves_the_plan_from_the_inbox(client, people):
    c = F.campaign(Stage.PLAN_APPROVAL, plan_document_no="")
    _login(client, people["leader"])
    inbox = client.get(reverse("selection:leader-inbox"))
    assert inbox.status_code == 200 and c.title in inbox.content.decode() and "方案待审批" in inbox.content.decode()
    response = client.post(reverse("selection:transition", args=[c.pk, "approve_plan"]), {
        "document_no": "青开组〔2026〕9号", "next": reverse("selection:leader-inbox"),
    })
    assert response.status_code == 302 and response["Location"] == reverse("selection:leader-inbox")
    c.refresh_from_db()
    assert c.stage == Stage.POSTING and c.plan_document_no == "青开组〔2026〕9号"
    assert c.title not in client.get(reverse("selection:leader-inbox")).content.decode()


def test_leader_returns_the_plan_with_a_reason(client, people):
    c = F.campaign(Stage.PLAN_APPROVAL)
    _login(client, people["leader"])
    response = client.post(reverse("selection:transition", args=[c.pk, "return_plan"]), {"note": ""}, follow=True)
    assert any("理由" in m for m in _messages(response))
    client.post(reverse("selection:transition", args=[c.pk, "return_plan"]), {"note": "职位范围需调整"})
    c.refresh_from_db()
    assert c.stage == Stage.PREPARATION


def test_leader_approves_the_review_list_from_the_inbox(client, people):
    c = F.campaign(Stage.REVIEW, review_submitted_at=timezone.now())
    cp = F.posts_of(c)[0]
    _qualify(F.application(cp))
    _login(client, people["leader"])
    assert "资格审查名单待审定" in client.get(reverse("selection:leader-inbox")).content.decode()
    response = client.post(reverse("selection:review-approve", args=[c.pk]), {"next": reverse("selection:leader-inbox")})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.review_approved_at is not None


def test_leader_inbox_refused_to_others(client, people):
    for role in ("staff", "judge", "candidate", "observer"):
        _login(client, people[role])
        assert client.get(reverse("selection:leader-inbox")).status_code == 403, role


def test_meeting_form_renders_for_leader_and_is_read_only_for_observer(client, people):
    c = F.campaign(Stage.DECISION)
    cp = F.posts_of(c)[0]
    _qualify(F.application(cp), is_inspection_target=True, inspection_conclusion="建议任用", rank=1)
    _login(client, people["leader"])
    html = client.get(reverse("selection:meeting", args=[c.pk])).content.decode()
    assert "保存表决结果" in html and "张组长" in html and "data-vote-for" in html
    _login(client, people["observer"])
    html = client.get(reverse("selection:meeting", args=[c.pk])).content.decode()
    assert "保存表决结果" not in html and "<fieldset disabled>" in html
    assert client.post(reverse("selection:meeting", args=[c.pk]), {"held_on": "2026-09-01"}).status_code == 403


def test_meeting_record_error_is_shown_on_the_form_then_recorded(client, people):
    c = F.campaign(Stage.DECISION)
    cp = F.posts_of(c)[0]
    app = _qualify(F.application(cp), is_inspection_target=True, inspection_conclusion="建议任用", rank=1)
    _login(client, people["leader"])
    today = timezone.localdate().isoformat()
    data = {"held_on": today, "title": "党工委会议", "member_count": 3,
            "m0-name": "甲", "m0-present": "1", "m1-name": "乙", "m1-present": "1", "m2-name": "丙", "m2-present": "1",
            f"v{app.pk}-0": "同意", f"v{app.pk}-1": "同意"}
    response = client.post(reverse("selection:meeting", args=[c.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html and "丙尚未表决" in html
    assert 'value="甲"' in html  # what was typed stays on the form
    response = client.post(reverse("selection:meeting", args=[c.pk]), {**data, f"v{app.pk}-2": "不同意"}, follow=True)
    assert response.status_code == 200
    assert any("同意 2 票" in m for m in _messages(response))
    app.refresh_from_db()
    assert app.meeting_result == "通过"


# ---------------------------------------------------------------- screenshots (Debian chromium through Playwright)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screenshots_of_the_main_pages(live_server, browser, tmp_path):
    """Drives the pages in a real browser (htmx eligibility check, modal, counters) and writes
    docs/screenshots/selection-*.png."""
    shots = Path(settings.BASE_DIR) / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    staff, leader = F.staff("shot_staff"), F.leader("shot_leader")
    cand_user, cand = F.candidate("shot_cand", name="刘洋")

    names = iter(["陈晓东", "李秀英", "王建国", "张丽华", "周婷", "吴海峰", "钱伟", "何静"])
    reg = F.campaign(Stage.REGISTRATION, title="2026年度中层干部竞争上岗", registration_start=today - dt.timedelta(days=2),
                     registration_end=today + dt.timedelta(days=5))
    review = F.campaign(Stage.REVIEW, title="2026年度中层干部竞争上岗（第二批）", judges=3,
                        review_submitted_at=timezone.now())
    for cp in F.posts_of(review):
        F.application(cp, F.qualified_cadre(name=next(names)), suggestion="符合", suggestion_reasons="各项条件均符合")
        F.application(cp, F.unqualified_cadre(name=next(names)), suggestion="不符合",
                      suggestion_reasons="年龄：新提任副科级领导职务须在40周岁以下")
    speech, apps = _speech_campaign(judges=5)
    speech.title = "2025年度竞争上岗（演讲）"
    speech.save()
    scores = [Decimal(x) for x in ("86.5", "88", "91.2", "79", "85.5")]
    for j, s in zip(speech.judges.all(), scores):
        JudgeScore.objects.create(application=apps[0], judge=j, score=s)
    decision = F.decided(title="2025年度竞争上岗（讨论决定）", people=[(next(names), "新任", "一级科员") for _ in range(2)])
    F.campaign(Stage.PLAN_APPROVAL, title="2027年度竞争上岗方案", plan_document_no="")
    judge_user = speech.judges.first().user

    base = live_server.url

    def session(user):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        login(page, base, user.username)
        return context, page, errors

    ctx, page, errors = session(staff)
    page.goto(f"{base}{reverse('selection:campaigns')}")
    page.screenshot(path=str(shots / "selection-campaigns.png"), full_page=True)
    page.goto(f"{base}{reverse('selection:campaign', args=[review.pk])}")
    assert page.locator(".stage-current .stage-label").inner_text() == "资格审查"
    page.screenshot(path=str(shots / "selection-review.png"), full_page=True)
    page.click("[data-bs-target='#transition-start_speech']")
    page.locator("#transition-start_speech.show").wait_for()
    page.screenshot(path=str(shots / "selection-transition-modal.png"))
    page.goto(f"{base}{reverse('selection:section', args=[speech.pk, 'speech'])}")
    page.screenshot(path=str(shots / "selection-speech.png"), full_page=True)
    page.goto(f"{base}{reverse('selection:section', args=[reg.pk, 'plan'])}")
    page.screenshot(path=str(shots / "selection-plan.png"), full_page=True)
    assert not errors, errors
    ctx.close()

    ctx, page, errors = session(cand_user)
    cp = F.posts_of(reg)[0]
    page.goto(f"{base}{reverse('selection:apply', args=[reg.pk])}?post={cp.pk}")
    page.locator("#eligibility-check table").wait_for()
    page.fill("#id_achievements", "2016年起在经济发展局从事经济运行分析工作，牵头完成年度重点项目推进。")
    assert "/ 1500" in page.locator("[data-counter-for='id_achievements']").inner_text()
    page.screenshot(path=str(shots / "selection-apply.png"), full_page=True)
    page.check("#id_declaration")
    click_and_wait(page, "button[value=submit]")
    assert Application.objects.get(cadre=cand, campaign_post=cp).status == AppStatus.SUBMITTED
    page.screenshot(path=str(shots / "selection-my-application.png"), full_page=True)
    assert not errors, errors
    ctx.close()

    ctx, page, errors = session(judge_user)
    page.goto(f"{base}{reverse('selection:judge-scores', args=[speech.pk])}")
    page.fill(f"input[name=score_{apps[1].pk}]", "89.5")
    page.screenshot(path=str(shots / "selection-judge.png"), full_page=True)
    click_and_wait(page, "button[type=submit]:has-text('保存评分')")
    assert JudgeScore.objects.filter(application=apps[1], judge__user=judge_user).exists()
    assert not errors, errors
    ctx.close()

    ctx, page, errors = session(leader)
    page.goto(f"{base}{reverse('selection:leader-inbox')}")
    page.screenshot(path=str(shots / "selection-inbox.png"), full_page=True)
    page.goto(f"{base}{reverse('selection:meeting', args=[decision.pk])}")
    page.uncheck("[data-present-toggle='1']")
    for b in page.locator("[data-fill-votes]").all():
        b.click()
    assert page.locator("select[data-vote-member='1']").first.is_disabled()
    page.screenshot(path=str(shots / "selection-meeting.png"), full_page=True)
    assert not errors, errors
    ctx.close()
