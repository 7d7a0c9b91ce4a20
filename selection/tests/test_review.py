"""资格审查: decisions with reasons, the list to 党委 (leader approves or returns), 张榜公布 with the PDF and each
candidate's notification, 差额 (cancel a post or extend registration), then 演讲."""
import datetime as dt

import pytest
import time_machine

from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents.models import DocumentKind, GeneratedDocument, Notification
from cadre.models import Cadre
from selection import gates, notices, snapshots
from selection import services as S
from selection.models import Application, AppStatus, Campaign, PostStatus, StageEvent
from selection.tests import factories as F
from selection.workflow import Stage

pytestmark = pytest.mark.django_db

NOW = "2026-07-13 10:00 +0800"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff():
    return F.staff()


@pytest.fixture
def leader():
    return F.leader()


def with_suggestion(cp, suggestion, cadre=None, **extra):
    extra.setdefault("suggestion_reasons", f"系统：{suggestion}")
    return F.application(cp, cadre, suggestion=suggestion, **extra)


@pytest.fixture
def review():
    """A campaign in 资格审查 with 2 qualifying applications per post (no shortfall) and 3 judges."""
    c = F.campaign(Stage.REVIEW, judges=3)
    for cp in F.posts_of(c):
        for _ in range(2):
            with_suggestion(cp, "符合")
    return c


def decide_all(campaign, actor, decision="通过"):
    for a in gates.submitted(campaign):
        S.review_decide(actor=actor, application=a, decision=decision, reason="")


# ------------------------------------------------------------------ decisions and reasons


@pytest.mark.parametrize(
    "suggestion, decision, needs_reason",
    [
        ("符合", "通过", False),
        ("符合（含放宽）", "通过", False),
        ("不符合", "不通过", False),
        ("符合", "不通过", True),
        ("不符合", "通过", True),
        ("符合（含放宽）", "不通过", True),
        ("待人工审核", "通过", True),
        ("待人工审核", "不通过", True),
        ("符合", "放宽通过", True),
        ("符合（含放宽）", "放宽通过", True),
        ("不符合", "放宽通过", True),
        ("", "通过", True),
    ],
)
def test_reason_rules(staff, suggestion, decision, needs_reason):
    c = F.campaign(Stage.REVIEW)
    app = with_suggestion(F.posts_of(c)[0], suggestion)
    assert S.reason_required(suggestion, decision) is needs_reason
    if needs_reason:
        with pytest.raises(ApplicationError, match="理由"):
            S.review_decide(actor=staff, application=app, decision=decision)
        app.refresh_from_db()
        assert app.review_decision == ""
    app = S.review_decide(actor=staff, application=app, decision=decision, reason="经集体研究" if needs_reason else "")
    assert app.review_decision == decision
    assert app.reviewed_by == staff and app.reviewed_at is not None
    assert AuditEvent.objects.filter(action="selection.review.decide", object_id=str(app.pk)).exists()


def test_invalid_decision(staff, review):
    app = gates.submitted(review).first()
    with pytest.raises(ApplicationError, match="审查结论“同意”无效"):
        S.review_decide(actor=staff, application=app, decision="同意", reason="x")


def test_decide_only_staff_and_only_in_review(staff, leader):
    c = F.campaign(Stage.REVIEW)
    app = with_suggestion(F.posts_of(c)[0], "符合")
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.review_decide(actor=leader, application=app, decision="通过")
    c.stage = Stage.SPEECH
    c.save(update_fields=["stage"])
    with pytest.raises(ApplicationError, match="资格审查"):
        S.review_decide(actor=staff, application=app, decision="通过")


def test_withdrawn_application_is_not_reviewed(staff):
    c = F.campaign(Stage.REVIEW)
    app = with_suggestion(F.posts_of(c)[0], "符合", status=AppStatus.WITHDRAWN, withdraw_reason="本人放弃")
    with pytest.raises(ApplicationError, match="不需要审查"):
        S.review_decide(actor=staff, application=app, decision="通过")


# ------------------------------------------------------------------ the list to 党委


def test_submit_needs_every_decision(staff, review):
    first = gates.submitted(review).first()
    S.review_decide(actor=staff, application=first, decision="通过")
    with pytest.raises(ApplicationError, match="尚未作出审查结论"):
        S.review_submit(actor=staff, campaign=review)
    review.refresh_from_db()
    assert review.review_submitted_at is None
    decide_all(review, staff)
    S.review_submit(actor=staff, campaign=review)
    review.refresh_from_db()
    assert review.review_submitted_at is not None
    # decisions are frozen while 党委 has the list
    with pytest.raises(ApplicationError, match="不能再修改审查结论"):
        S.review_decide(actor=staff, application=first, decision="不通过", reason="复核")


def test_submit_notifies_leaders_of_the_group(staff, leader, review):
    review.members.filter(role="组长").update(user=leader)
    decide_all(review, staff)
    S.review_submit(actor=staff, campaign=review)
    assert Notification.objects.filter(user=leader, title__contains="资格审查名单待审定").count() == 1


def test_approval_is_leader_only(staff, leader, review):
    decide_all(review, staff)
    with pytest.raises(ApplicationError, match="尚未报党委审定"):
        S.review_approve(actor=leader, campaign=review)
    S.review_submit(actor=staff, campaign=review)
    with pytest.raises(ApplicationError, match="领导小组成员"):
        S.review_approve(actor=staff, campaign=review)
    review.refresh_from_db()
    assert review.review_approved_at is None
    S.review_approve(actor=leader, campaign=review, note="党工委会议审定")
    review.refresh_from_db()
    assert review.review_approved_by == leader and review.review_approved_at is not None
    assert AuditEvent.objects.filter(action="selection.review.approve", object_id=str(review.pk)).exists()
    with pytest.raises(ApplicationError, match="已经审定"):
        S.review_approve(actor=leader, campaign=review)


def test_return_clears_submission_with_reason(staff, leader, review):
    decide_all(review, staff)
    S.review_submit(actor=staff, campaign=review)
    with pytest.raises(ApplicationError, match="领导小组成员"):
        S.review_return(actor=staff, campaign=review, reason="请复核")
    with pytest.raises(ApplicationError, match="退回须填写理由"):
        S.review_return(actor=leader, campaign=review, reason="")
    S.review_return(actor=leader, campaign=review, reason="请复核王某的任职年限")
    review.refresh_from_db()
    assert review.review_submitted_at is None
    event = AuditEvent.objects.get(action="selection.review.return", object_id=str(review.pk))
    assert event.data["reason"] == "请复核王某的任职年限" and event.actor == leader
    # the team can change a decision again and resubmit
    app = gates.submitted(review).first()
    S.review_decide(actor=staff, application=app, decision="不通过", reason="复核后任职年限不足")
    S.review_submit(actor=staff, campaign=review)


# ------------------------------------------------------------------ 张榜公布


def test_publish_generates_notice_and_notifies_candidates(staff, leader):
    c = F.campaign(Stage.REVIEW, judges=3)
    first, second = F.posts_of(c)
    u1, c1 = F.candidate(name="王明")
    u2, c2 = F.candidate(name="李华")
    pass_app = with_suggestion(first, "符合", c1)
    fail_app = with_suggestion(first, "不符合", c2, suggestion_reasons="年龄：超过男40岁上限")
    no_user = with_suggestion(second, "符合")
    S.review_decide(actor=staff, application=pass_app, decision="通过")
    S.review_decide(actor=staff, application=fail_app, decision="不通过")
    S.review_decide(actor=staff, application=no_user, decision="通过")
    S.review_submit(actor=staff, campaign=c)
    with pytest.raises(ApplicationError, match="尚未经党委审定"):
        S.review_publish(actor=staff, campaign=c)
    S.review_approve(actor=leader, campaign=c)
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.review_publish(actor=leader, campaign=c)
    c = S.review_publish(actor=staff, campaign=c)
    assert c.review_published_at is not None
    doc = GeneratedDocument.objects.get(kind=DocumentKind.QUALIFICATION_NOTICE, subject_key=c.scope)
    assert c.qualification_document == doc
    assert sorted(doc.subject_ids) == sorted([c1.pk, no_user.cadre_id])
    assert doc.page_count >= 1
    n1 = Notification.objects.get(user=u1)
    assert "通过" in n1.title and "“通过”" in n1.body
    n2 = Notification.objects.get(user=u2)
    assert "未通过" in n2.title
    assert "年龄：超过男40岁上限" in n2.body  # the failed candidate sees the reason
    assert AuditEvent.objects.get(action="selection.review.publish", object_id=str(c.pk)).data["notified"] == 2
    with pytest.raises(ApplicationError, match="已于"):
        S.review_publish(actor=staff, campaign=c)
    assert Notification.objects.filter(user__in=[u1, u2]).count() == 2


def test_qualification_notice_lists_only_qualified_per_open_post(staff):
    c = F.campaign(Stage.REVIEW)
    first, second = F.posts_of(c)
    a = with_suggestion(first, "符合", F.qualified_cadre(name="张三"))
    b = with_suggestion(first, "不符合", F.qualified_cadre(name="李四"))
    w = with_suggestion(second, "符合（含放宽）", F.qualified_cadre(name="王五"))
    S.review_decide(actor=staff, application=a, decision="通过")
    S.review_decide(actor=staff, application=b, decision="不通过")
    S.review_decide(actor=staff, application=w, decision="放宽通过", reason="经批准放宽年龄")
    with pytest.raises(ApplicationError, match="尚未经党委审定"):  # documents in stage order
        notices.qualification_data(c)
    Campaign.objects.filter(pk=c.pk).update(review_approved_at=dt.datetime(2026, 7, 14, 2, tzinfo=dt.timezone.utc))
    c.refresh_from_db()
    data = notices.qualification_data(c)
    assert data.issue_date == dt.date(2026, 7, 14)  # the day the list was approved, not today
    assert [[p.name for p in g.people] for g in data.groups] == [["张三"], ["王五"]]
    person = data.groups[0].people[0]
    assert (person.gender, person.birth, person.education) == ("男", dt.date(1990, 5, 1), "大学本科")
    assert person.current_post.endswith("科员")


# ------------------------------------------------------------------ 差额


def test_shortfall_cancel_post(staff, leader):
    c = F.campaign(Stage.REVIEW, judges=3)
    full, short = F.posts_of(c)
    for _ in range(2):
        with_suggestion(full, "符合")
    u, cadre = F.candidate()
    lonely = with_suggestion(short, "符合", cadre)
    decide_all(c, staff)
    assert [cp.pk for cp, _msg in gates.shortfalls(c)] == [short.pk]
    with pytest.raises(ApplicationError, match="取消职位须填写理由"):
        S.post_cancel(actor=staff, campaign_post=short, reason="")
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.post_cancel(actor=leader, campaign_post=short, reason="差额不足")
    cp = S.post_cancel(actor=staff, campaign_post=short, reason="合格人选不足，不能形成差额")
    assert cp.status == PostStatus.CANCELLED and cp.cancel_reason == "合格人选不足，不能形成差额"
    assert gates.shortfalls(c) == []
    assert Notification.objects.filter(user=u, dedup_key=f"selection:post-cancelled:{lonely.pk}").exists()
    with pytest.raises(ApplicationError, match="最后一个竞争职位"):
        S.post_cancel(actor=staff, campaign_post=full, reason="x")
    # with the post cancelled the list goes on: submit, approve, publish, start 演讲
    S.review_submit(actor=staff, campaign=c)
    S.review_approve(actor=leader, campaign=c)
    S.review_publish(actor=staff, campaign=c)
    S.speech_start(actor=staff, campaign=c)
    c.refresh_from_db()
    assert c.stage == Stage.SPEECH


def test_shortfall_extend_registration(staff, leader):
    c = F.campaign(Stage.REVIEW, judges=3)
    for cp in F.posts_of(c):
        with_suggestion(cp, "符合")
    decide_all(c, staff)
    S.review_submit(actor=staff, campaign=c)
    S.review_approve(actor=leader, campaign=c)
    S.review_publish(actor=staff, campaign=c)
    with pytest.raises(ApplicationError, match="差额不足"):
        S.speech_start(actor=staff, campaign=c)
    with pytest.raises(ApplicationError, match="不能早于今天"):
        S.registration_extend(actor=staff, campaign=c, new_end=dt.date(2026, 7, 12), reason="差额不足")
    with pytest.raises(ApplicationError, match="须填写理由"):
        S.registration_extend(actor=staff, campaign=c, new_end=dt.date(2026, 7, 20), reason="")
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.registration_extend(actor=leader, campaign=c, new_end=dt.date(2026, 7, 20), reason="差额不足")
    S.registration_extend(actor=staff, campaign=c, new_end=dt.date(2026, 7, 13), reason="差额不足，延长报名")
    c.refresh_from_db()
    assert c.stage == Stage.REGISTRATION
    assert c.registration_end == dt.date(2026, 7, 13)  # today is allowed (inclusive)
    assert (c.review_submitted_at, c.review_approved_at, c.review_approved_by, c.review_published_at) == (None,) * 4
    event = StageEvent.objects.get(campaign=c, action="extend_registration")
    assert event.is_withdrawal and event.note == "差额不足，延长报名"
    # registration is open again today for a new candidate
    u, _cadre = F.candidate()
    app = S.application_save(actor=u, campaign_post=F.posts_of(c)[0],
                             data={"achievements": "业绩", "declaration": True}, submit=True)
    assert app.status == AppStatus.SUBMITTED


# ------------------------------------------------------------------ 演讲


def test_speech_start_gate(staff, leader, review):
    with pytest.raises(ApplicationError, match="尚未作出审查结论"):
        S.speech_start(actor=staff, campaign=review)
    decide_all(review, staff)
    S.review_submit(actor=staff, campaign=review)
    S.review_approve(actor=leader, campaign=review)
    with pytest.raises(ApplicationError, match="尚未张榜公布"):
        S.speech_start(actor=staff, campaign=review)
    S.review_publish(actor=staff, campaign=review)
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.speech_start(actor=leader, campaign=review)
    S.speech_start(actor=staff, campaign=review, note="资格审查结束")
    review.refresh_from_db()
    assert review.stage == Stage.SPEECH
    assert Application.objects.filter(campaign=review, review_decision="通过").count() == 4


# ------------------------------------------------------------------ the later notices' data (notices.py)


def _passed(cp, cadre=None, **extra):
    return with_suggestion(
        cp, "符合", cadre, review_decision="通过", reviewed_at=dt.datetime(2026, 7, 12, tzinfo=dt.timezone.utc), **extra
    )


def test_inspection_data_lists_targets_in_rank_order():
    c = F.campaign(Stage.INSPECTION)
    first, second = F.posts_of(c)
    _passed(first, F.qualified_cadre(name="乙"), is_inspection_target=True, rank=2)
    _passed(first, F.qualified_cadre(name="甲"), is_inspection_target=True, rank=1)
    _passed(first, F.qualified_cadre(name="丙"), rank=3)
    with pytest.raises(ApplicationError, match="考察对象尚未确定"):
        notices.inspection_data(c)
    Campaign.objects.filter(pk=c.pk).update(inspection_confirmed_at=dt.datetime(2026, 7, 23, 2, tzinfo=dt.timezone.utc))
    c.refresh_from_db()
    data = notices.inspection_data(c)
    assert data.issue_date == dt.date(2026, 7, 23)
    assert [[p.name for p in g.people] for g in data.groups] == [["甲", "乙"], []]


def test_pre_appointment_data():
    from documents.campaign_docs import build_context

    c = F.campaign(Stage.DECISION, publicity_working_days=7)
    first, second = F.posts_of(c)
    a = _passed(first, F.qualified_cadre(name="赵六", native_place="浙江德清"), meeting_result="通过", superior_approved=True)
    _passed(second, meeting_result="通过", superior_approved=False)  # not approved above: not in 公示
    data = notices.pre_appointment_data(c, dt.date(2026, 9, 1))
    assert [p.name for p in data.people] == ["赵六"]
    p = data.people[0]
    assert (p.native_place, p.political_status, p.education) == ("浙江德清", "中共党员", "大学本科")
    assert p.proposed_post == f"{first.post.unit.name}副局长"
    assert p.current_post == a.cadre.current_job
    assert data.working_days == 7 and data.start_date == dt.date(2026, 9, 1)
    ctx = build_context(DocumentKind.PRE_APPOINTMENT_NOTICE, data)
    assert ctx["period_start"] == dt.date(2026, 9, 1) and "7个工作日" in ctx["period_text"]


def _snap(app, **facts):
    """Give an application a snapshot (as submission takes it) with some facts changed."""
    snap = {**snapshots.take(app.cadre), **facts}
    snap["current_job"] = f"{snap['unit']}{snap['post']}"
    Application.objects.filter(pk=app.pk).update(snapshot=snap)
    app.refresh_from_db()
    return app


def test_appointment_data_reads_the_snapshot_kind_and_date():
    c = F.campaign(Stage.APPOINTMENT, superior_approval_no="湖组干〔2026〕30号", appointment_document_no="青开组〔2026〕40号")
    first, second = F.posts_of(c)
    assert first.post.level == second.post.level == "副科级"
    new = _passed(first, F.qualified_cadre(name="钱七"), meeting_result="通过", superior_approved=True)
    moved = _passed(second, F.qualified_cadre(name="孙八"), meeting_result="通过", superior_approved=True)
    down = _passed(second, F.qualified_cadre(name="李九"), meeting_result="通过", superior_approved=True)
    _snap(new, unit="经发局", post="科员", post_level="", rank_level="一级科员")
    _snap(moved, unit="财政局", post="副局长", post_level="副科级", rank_level="副科级")
    _snap(down, unit="财政局", post="局长", post_level="正科级", rank_level="正科级")
    with pytest.raises(ApplicationError, match="尚未办理任职"):  # documents in stage order
        notices.appointment_data(c)
    Application.objects.filter(campaign=c).update(appointed_on=dt.date(2026, 9, 3))
    Campaign.objects.filter(pk=c.pk).update(appointment_date=dt.date(2026, 9, 3))
    c.refresh_from_db()
    # the live record now shows the new post: the notice still reads the post held at registration
    Cadre.objects.filter(pk=new.cadre_id).update(position_title="副局长")
    data = notices.appointment_data(c)
    assert [(x.name, x.kind, x.is_new_promotion, x.previous_post) for x in data.appointments] == [
        ("钱七", "新提任", True, ""), ("孙八", "平职交流", False, "财政局副局长"),
        ("李九", "降职", False, "财政局局长"),
    ]
    assert data.issue_date == dt.date(2026, 9, 3) and data.addressee == "各部门、各单位"
    assert data.document_number == "青开组〔2026〕40号"
    assert "湖组干〔2026〕30号" in data.decision and "试用期1年" in data.decision and "聘期2年" in data.decision


def test_appointment_data_needs_appointees():
    c = F.campaign(Stage.APPOINTMENT, appointment_date=dt.date(2026, 9, 3))
    with pytest.raises(ApplicationError, match="没有任职人员"):
        notices.appointment_data(c)
