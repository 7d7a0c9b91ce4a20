"""公布职位 → 公开报名 → 报名截止: the window, the form, nominations, 补报, the suggestion snapshot, auto close."""
import datetime as dt

import pytest
import time_machine

from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents.models import DocumentKind, GeneratedDocument, Notification
from selection import services as S
from selection.models import Application, AppStatus, Campaign, StageEvent
from selection.tests import factories as F
from selection.workflow import Stage

pytestmark = pytest.mark.django_db

IN_WINDOW = "2026-07-08 10:00 +0800"
AFTER_WINDOW = "2026-07-11 09:00 +0800"
FORM = {"achievements": "主持全区营商环境改革，牵头完成项目审批提速。", "declaration": True, "accept_adjustment": True}


@pytest.fixture
def travel():
    travellers = []

    def go(when):
        t = time_machine.travel(when, tick=False)
        t.start()
        travellers.append(t)

    yield go
    for t in reversed(travellers):
        t.stop()


@pytest.fixture
def camp():
    return F.campaign(Stage.REGISTRATION)


# ------------------------------------------------------------------ window


@pytest.mark.parametrize(
    "when, ok, message",
    [
        ("2026-07-05 23:59 +0800", False, "报名尚未开始"),
        ("2026-07-06 00:00 +0800", True, ""),
        ("2026-07-10 23:59 +0800", True, ""),
        ("2026-07-11 00:00 +0800", False, "报名已于 2026年7月10日 截止"),
    ],
)
def test_window_is_inclusive_on_both_ends(camp, travel, when, ok, message):
    u, cadre = F.candidate()
    cp = F.posts_of(camp)[0]
    travel(when)
    if ok:
        app = S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
        assert app.status == AppStatus.SUBMITTED
        assert app.submitted_at is not None
    else:
        with pytest.raises(ApplicationError, match=message):
            S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
        assert not Application.objects.filter(cadre=cadre).exists()


def test_no_submission_outside_registration_stage(travel):
    c = F.campaign(Stage.POSTING)
    u, _cadre = F.candidate()
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="不在报名期间"):
        S.application_save(actor=u, campaign_post=F.posts_of(c)[0], data=FORM, submit=True)


# ------------------------------------------------------------------ the form


def test_draft_then_submit_takes_eligibility_snapshot(camp, travel):
    u, cadre = F.candidate()
    cp = F.posts_of(camp)[0]
    travel(IN_WINDOW)
    draft = S.application_save(actor=u, campaign_post=cp, data={"achievements": "草稿内容"})
    assert draft.status == AppStatus.DRAFT
    assert draft.suggestion == ""
    app = S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
    assert app.pk == draft.pk
    assert app.status == AppStatus.SUBMITTED
    assert app.suggestion == "符合"
    assert app.eligibility["cadre_id"] == cadre.pk
    assert app.eligibility["post_id"] == cp.post_id
    assert app.eligibility["appointment"] == "新任"
    assert "待人工审核" in app.suggestion_reasons  # the political items are listed, never passed silently
    assert AuditEvent.objects.filter(action="selection.application.submit", object_id=str(app.pk)).exists()


def test_ineligible_candidate_may_still_submit_and_sees_reason(camp, travel):
    from core import roles

    u = F.user("oldcand", roles.CANDIDATE)
    F.unqualified_cadre(user=u)
    travel(IN_WINDOW)
    app = S.application_save(actor=u, campaign_post=F.posts_of(camp)[0], data=FORM, submit=True)
    assert app.status == AppStatus.SUBMITTED
    assert app.suggestion == "不符合"
    assert "年龄" in app.suggestion_reasons


@pytest.mark.parametrize(
    "data, message",
    [
        ({"achievements": "", "declaration": True}, "请填写主要工作经历和业绩"),
        ({"achievements": "业绩", "declaration": False}, "本人承诺"),
        ({"achievements": "业" * 1501, "declaration": True}, "不能超过 1500 字"),
        ({**FORM, "name": "改个名字"}, "个人基本情况从干部档案带出"),
    ],
)
def test_submit_validation(camp, travel, data, message):
    u, cadre = F.candidate()
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match=message):
        S.application_save(actor=u, campaign_post=F.posts_of(camp)[0], data=data, submit=True)
    assert not Application.objects.filter(cadre=cadre).exists()


def test_exactly_1500_chars_accepted(camp, travel):
    u, _cadre = F.candidate()
    travel(IN_WINDOW)
    app = S.application_save(actor=u, campaign_post=F.posts_of(camp)[0], data={**FORM, "achievements": "业" * 1500}, submit=True)
    assert len(app.achievements) == 1500


def test_user_without_record_cannot_apply(camp, travel):
    from core import roles

    u = F.user("norecord", roles.CANDIDATE)
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="尚未关联干部档案"):
        S.application_save(actor=u, campaign_post=F.posts_of(camp)[0], data=FORM, submit=True)


# ------------------------------------------------------------------ one per post, max posts


def test_max_posts_per_candidate(camp, travel):
    u, cadre = F.candidate()
    first, second = F.posts_of(camp)
    travel(IN_WINDOW)
    S.application_save(actor=u, campaign_post=first, data=FORM, submit=True)
    # a draft is not an entry: it saves; submitting it is refused, in the second person, with the way out
    draft = S.application_save(actor=u, campaign_post=second, data={"achievements": "草稿"})
    assert draft.status == AppStatus.DRAFT
    with pytest.raises(ApplicationError, match="每人最多报名 1 个职位") as exc:
        S.application_save(actor=u, campaign_post=second, data=FORM, submit=True)
    assert exc.value.message.startswith("您已报名“") and "请先在“我的报名”中撤回原报名" in exc.value.message
    assert cadre.name not in exc.value.message
    assert Application.objects.get(pk=draft.pk).status == AppStatus.DRAFT
    # a withdrawn application no longer counts
    S.application_withdraw(actor=u, application=Application.objects.get(cadre=cadre, campaign_post=first),
                           reason="改报其他职位")
    app = S.application_save(actor=u, campaign_post=second, data=FORM, submit=True)
    assert app.status == AppStatus.SUBMITTED


def test_max_posts_configurable(travel):
    c = F.campaign(Stage.REGISTRATION, max_posts_per_candidate=2)
    u, cadre = F.candidate()
    travel(IN_WINDOW)
    for cp in F.posts_of(c):
        S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
    assert Application.objects.filter(cadre=cadre, status=AppStatus.SUBMITTED).count() == 2


def test_saving_again_edits_the_one_application(camp, travel):
    u, cadre = F.candidate()
    cp = F.posts_of(camp)[0]
    travel(IN_WINDOW)
    S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
    app = S.application_save(actor=u, campaign_post=cp, data={**FORM, "work_plan": "补充工作设想"})
    assert app.status == AppStatus.SUBMITTED  # a submitted application stays submitted when edited
    assert Application.objects.filter(cadre=cadre).count() == 1
    assert Application.objects.get(cadre=cadre).work_plan == "补充工作设想"


def test_duplicate_application_is_a_chinese_error_and_writes_nothing(camp, travel):
    staff = F.staff()
    cp = F.posts_of(camp)[0]
    cadre = F.qualified_cadre()
    F.application(cp, cadre)
    apps, audits = Application.objects.count(), AuditEvent.objects.count()
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="同一人对同一职位只能报名一次"):
        S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="org",
                            recommending_unit="经济发展局", recommending_signer="赵局长")
    assert Application.objects.count() == apps
    assert AuditEvent.objects.count() == audits


def test_database_constraint_one_per_person_post(camp):
    from django.db import IntegrityError, transaction

    cp = F.posts_of(camp)[0]
    cadre = F.qualified_cadre()
    F.application(cp, cadre)
    with pytest.raises(IntegrityError), transaction.atomic():
        F.application(cp, cadre, status=AppStatus.DRAFT)


# ------------------------------------------------------------------ isolation and withdrawal


def test_candidate_isolation(camp, travel):
    ua, cadre_a = F.candidate()
    ub, cadre_b = F.candidate()
    cp = F.posts_of(camp)[0]
    travel(IN_WINDOW)
    app_b = S.application_save(actor=ub, campaign_post=cp, data=FORM, submit=True)
    # A saving for the same post files A's own application; B's is untouched
    app_a = S.application_save(actor=ua, campaign_post=cp, data={"achievements": "A的草稿"})
    assert app_a.cadre_id == cadre_a.pk and app_a.pk != app_b.pk
    app_b.refresh_from_db()
    assert app_b.achievements == FORM["achievements"] and app_b.status == AppStatus.SUBMITTED
    with pytest.raises(ApplicationError, match="只能撤回本人的报名"):
        S.application_withdraw(actor=ua, application=app_b, reason="不想报了")
    app_b.refresh_from_db()
    assert app_b.status == AppStatus.SUBMITTED
    with pytest.raises(ApplicationError, match="只有被举荐（推荐）人本人可以确认"):
        S.nomination_respond(actor=ua, application=app_b, accept=False)


def test_withdraw_needs_reason_and_is_audited(camp, travel):
    u, _cadre = F.candidate()
    travel(IN_WINDOW)
    app = S.application_save(actor=u, campaign_post=F.posts_of(camp)[0], data=FORM, submit=True)
    with pytest.raises(ApplicationError, match="撤回理由"):
        S.application_withdraw(actor=u, application=app, reason=" ")
    app = S.application_withdraw(actor=u, application=app, reason="家庭原因")
    assert app.status == AppStatus.WITHDRAWN and app.withdraw_reason == "家庭原因"
    assert AuditEvent.objects.filter(action="selection.application.withdraw", object_id=str(app.pk)).exists()


# ------------------------------------------------------------------ nominations


def test_mass_nomination_needs_enough_named_recommenders(camp, travel):
    staff = F.staff()
    cp = F.posts_of(camp)[0]
    cadre = F.qualified_cadre()
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="5 人以上联名"):
        S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="mass", recommenders="甲、乙、丙、丁")
    with pytest.raises(ApplicationError, match="请核对"):
        S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="mass", recommenders="甲、乙、丙、丁、戊",
                            recommender_count=6)
    with pytest.raises(ApplicationError, match="个人自荐由本人填报"):
        S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="self")
    with pytest.raises(ApplicationError, match="负责人"):
        S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="org", recommending_unit="经济发展局")
    assert not Application.objects.filter(cadre=cadre).exists()
    app = S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="mass",
                              recommenders="甲、乙、丙、丁、戊")
    assert app.status == AppStatus.PENDING and app.recommender_count == 5


def test_min_mass_recommenders_configurable(travel):
    c = F.campaign(Stage.REGISTRATION, min_mass_recommenders=3)
    travel(IN_WINDOW)
    app = S.nomination_create(actor=F.staff(), campaign_post=F.posts_of(c)[0], cadre=F.qualified_cadre(), source="mass",
                              recommenders="甲 乙 丙")
    assert app.recommender_count == 3


def test_only_staff_nominate(camp, travel):
    u, _cadre = F.candidate()
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.nomination_create(actor=u, campaign_post=F.posts_of(camp)[0], cadre=F.qualified_cadre(), source="org",
                            recommending_unit="经济发展局", recommending_signer="赵局长")


def test_nominee_accepts(camp, travel):
    staff = F.staff()
    u, cadre = F.candidate()
    cp = F.posts_of(camp)[0]
    travel(IN_WINDOW)
    app = S.nomination_create(actor=staff, campaign_post=cp, cadre=cadre, source="org",
                              recommending_unit="经济发展局", recommending_signer="赵局长")
    assert Notification.objects.filter(user=u, dedup_key=f"selection:nomination:{app.pk}").exists()
    # a pending nomination is not an application yet: the candidate must answer it, not file a second one
    with pytest.raises(ApplicationError, match="请在“我的报名”中同意（即为报名）或婉拒"):
        S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
    with pytest.raises(ApplicationError, match="请填写主要工作经历和业绩"):
        S.nomination_respond(actor=u, application=app, accept=True, data={"declaration": True})
    app = S.nomination_respond(actor=u, application=app, accept=True, data=FORM)
    assert app.status == AppStatus.SUBMITTED
    assert app.source == "org" and app.responded_at is not None
    assert app.suggestion == "符合"


def test_nominee_declines(camp, travel):
    u, cadre = F.candidate()
    travel(IN_WINDOW)
    app = S.nomination_create(actor=F.staff(), campaign_post=F.posts_of(camp)[0], cadre=cadre, source="mass",
                              recommenders="甲、乙、丙、丁、戊")
    app = S.nomination_respond(actor=u, application=app, accept=False)
    assert app.status == AppStatus.DECLINED
    assert app.suggestion == ""
    with pytest.raises(ApplicationError, match="无需确认"):
        S.nomination_respond(actor=u, application=app, accept=True, data=FORM)


def test_pending_nomination_counts_toward_max_posts(camp, travel):
    u, cadre = F.candidate()
    first, second = F.posts_of(camp)
    travel(IN_WINDOW)
    S.nomination_create(actor=F.staff(), campaign_post=first, cadre=cadre, source="org",
                        recommending_unit="经济发展局", recommending_signer="赵局长")
    with pytest.raises(ApplicationError, match="最多报名 1 个职位") as exc:
        S.application_save(actor=u, campaign_post=second, data=FORM, submit=True)
    assert exc.value.message.startswith("您已被组织推荐竞争“") and "请先在“我的报名”中婉拒该组织推荐" in exc.value.message
    # the draft can still be saved, and after declining the nomination the entry goes through
    assert S.application_save(actor=u, campaign_post=second, data=FORM).status == AppStatus.DRAFT
    pending = Application.objects.get(cadre=cadre, campaign_post=first)
    S.nomination_respond(actor=u, application=pending, accept=False, data={"reason": "改报其他职位"})
    assert S.application_save(actor=u, campaign_post=second, data=FORM, submit=True).status == AppStatus.SUBMITTED


# ------------------------------------------------------------------ 补报


def test_late_entry_only_by_staff_with_reason_in_review(travel):
    c = F.campaign(Stage.REVIEW)
    cp = F.posts_of(c)[0]
    u, cadre = F.candidate()
    staff = F.staff()
    travel(AFTER_WINDOW)
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.late_entry_create(actor=u, campaign_post=cp, cadre=cadre, reason="出差未能按时报名", data=FORM)
    with pytest.raises(ApplicationError, match="补报须填写理由"):
        S.late_entry_create(actor=staff, campaign_post=cp, cadre=cadre, reason="", data=FORM)
    # the candidate can no longer file it themselves
    with pytest.raises(ApplicationError, match="不在报名期间"):
        S.application_save(actor=u, campaign_post=cp, data=FORM, submit=True)
    app = S.late_entry_create(actor=staff, campaign_post=cp, cadre=cadre, reason="出差未能按时报名", data=FORM)
    assert app.late_entry and app.late_reason == "出差未能按时报名"
    assert app.status == AppStatus.SUBMITTED and app.suggestion == "符合"
    assert AuditEvent.objects.filter(action="selection.application.late_entry", object_id=str(app.pk)).exists()


def test_late_entry_not_during_registration(camp, travel):
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="资格审查"):
        S.late_entry_create(actor=F.staff(), campaign_post=F.posts_of(camp)[0], cadre=F.qualified_cadre(),
                            reason="补报", data=FORM)


# ------------------------------------------------------------------ closing


def test_close_registration_before_end_is_refused(camp, travel):
    travel(IN_WINDOW)
    with pytest.raises(ApplicationError, match="报名尚未结束"):
        S.registration_close(actor=F.staff(), campaign=camp)
    camp.refresh_from_db()
    assert camp.stage == Stage.REGISTRATION


def test_close_registration_snapshots_every_submitted_application(camp, travel):
    first, second = F.posts_of(camp)
    ok = F.application(first)
    old = F.application(second, F.unqualified_cadre())
    draft = F.application(second, status=AppStatus.DRAFT)
    travel(AFTER_WINDOW)
    S.registration_close(actor=F.staff(), campaign=camp)
    camp.refresh_from_db()
    assert camp.stage == Stage.REVIEW
    ok.refresh_from_db(), old.refresh_from_db(), draft.refresh_from_db()
    assert ok.suggestion == "符合" and ok.eligibility["post_id"] == first.post_id
    assert old.suggestion == "不符合" and "年龄" in old.suggestion_reasons
    assert old.eligibility["post_id"] == second.post_id
    assert draft.suggestion == ""  # drafts are not applications
    assert AuditEvent.objects.filter(action="selection.registration.screen", object_id=str(camp.pk)).exists()


def test_close_snapshot_matches_single_explain(camp, travel):
    """The set-based screen gives each application the same answer as the one-person check."""
    from cadre import eligibility

    apps = [F.application(cp, F.qualified_cadre(birth=dt.date(1986 + i, 1, 1), education=edu))
            for i, (cp, edu) in enumerate(zip(F.posts_of(camp) * 2, ["大学本科", "中专", "研究生", "大学专科"]))]
    travel(AFTER_WINDOW)
    S.registration_close(actor=F.staff(), campaign=camp)
    for a in apps:
        a.refresh_from_db()
        x = eligibility.explain(a.cadre, a.campaign_post.post, camp.as_of, scope=camp.scope)
        assert (a.suggestion, a.suggestion_reasons, a.eligibility) == (x.result, x.reasons_text, x.as_dict())


def test_registration_close_query_count_is_constant(travel, django_assert_max_num_queries):
    """One screen for all posts and bulk writes: 30 applications cost what 3 cost. The only difference allowed is
    the backend splitting the one history INSERT into batches (SQLite: 999 parameters per statement)."""
    import math

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c3 = F.campaign(Stage.REGISTRATION)
    c30 = F.campaign(Stage.REGISTRATION)
    for i in range(3):
        F.application(F.posts_of(c3)[i % 2])
    for i in range(30):
        F.application(F.posts_of(c30)[i % 2])
    travel(AFTER_WINDOW)
    with CaptureQueriesContext(connection) as small:
        S.registration_close(actor=F.staff(), campaign=c3)
    history = Application.history.model
    batch = connection.ops.bulk_batch_size([f for f in history._meta.concrete_fields if not f.primary_key], [None] * 30)
    extra = math.ceil(30 / batch) - math.ceil(3 / batch)
    with django_assert_max_num_queries(len(small) + extra):
        S.registration_close(actor=F.staff(), campaign=c30)
    assert Application.objects.filter(campaign=c30, suggestion="符合").count() == 30
    assert history.objects.filter(campaign_id=c30.pk, suggestion="符合").count() == 30


def test_auto_close_is_idempotent(travel):
    ended = F.campaign(Stage.REGISTRATION)
    running = F.campaign(Stage.REGISTRATION, registration_end=dt.date(2026, 7, 20))
    F.application(F.posts_of(ended)[0])
    travel(AFTER_WINDOW)
    assert S.auto_close_registrations() == [ended.pk]
    assert S.auto_close_registrations() == []
    ended.refresh_from_db(), running.refresh_from_db()
    assert ended.stage == Stage.REVIEW and running.stage == Stage.REGISTRATION
    events = StageEvent.objects.filter(campaign=ended, action="close_registration")
    assert events.count() == 1
    assert events.get().actor is None and events.get().actor_label == "系统（定时任务）"


def test_auto_close_leaves_the_end_day_open(travel):
    c = F.campaign(Stage.REGISTRATION)
    travel("2026-07-10 23:00 +0800")
    assert S.auto_close_registrations() == []
    c.refresh_from_db()
    assert c.stage == Stage.REGISTRATION


# ------------------------------------------------------------------ 职位公告 and publishing


def test_announcement_and_publish(travel):
    c = F.campaign(Stage.POSTING, announcement_no="青开组〔2026〕8号")
    staff = F.staff()
    travel("2026-07-01 10:00 +0800")
    with pytest.raises(ApplicationError, match="尚未生成职位公告"):
        S.posts_publish(actor=staff, campaign=c)
    doc = S.announcement_generate(actor=staff, campaign=c)
    assert doc.kind == DocumentKind.POST_ANNOUNCEMENT and doc.subject_key == c.scope
    # same data → the same document, not a second copy
    assert S.announcement_generate(actor=staff, campaign=c).pk == doc.pk
    assert GeneratedDocument.objects.filter(kind=DocumentKind.POST_ANNOUNCEMENT, subject_key=c.scope).count() == 1
    S.posts_publish(actor=staff, campaign=c, note="公告已发布")
    c.refresh_from_db()
    assert c.stage == Stage.REGISTRATION


def test_announcement_data_lists_conditions():
    from selection import notices

    c = F.campaign(Stage.POSTING)
    data = notices.announcement_data(c)
    assert [p.headcount for p in data.posts] == [1, 1]
    first = data.posts[0].conditions
    assert first[0].startswith("新提任副科级职务：年龄男40周岁以下（1986年1月1日以后出生）")
    assert "大学专科及以上学历" in first[0]
    assert first[1].startswith("转任（现任副科级领导职务或非领导职务")
    assert "男50周岁以下（1976年1月1日以后出生）、女45周岁以下（1981年1月1日以后出生）" in first[1]
    assert first[-1] == "熟悉经济工作"  # the post's own conditions follow the rule set
    assert "2023、2024、2025年度考核结果均为优秀或称职等次。" in data.general_conditions
    assert any("群众举荐须5人以上联名" in line for line in data.how_to_apply)
    assert (data.registration_start, data.registration_end) == (F.REG_START, F.REG_END)


def test_announcement_needs_window():
    from selection import notices

    c = F.campaign(Stage.POSTING, registration_start=None, registration_end=None)
    with pytest.raises(ApplicationError, match="尚未设定报名时间"):
        notices.announcement_data(c)


def test_announcement_only_by_staff_in_posting(travel):
    c = F.campaign(Stage.POSTING)
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.announcement_generate(actor=F.leader(), campaign=c)
    Campaign.objects.filter(pk=c.pk).update(stage=Stage.REGISTRATION)
    with pytest.raises(ApplicationError, match="公布职位"):
        S.announcement_generate(actor=F.staff(), campaign=c)
