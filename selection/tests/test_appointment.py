"""任职 through the service: the records written in one transaction (old post closed, new post history row with
method 竞争上岗 and a seat, the rank when the level changes, 聘期 and 试用期 dates), nothing at all written when
a seat is taken or a write fails half-way, open objections holding a candidate back, the 任职通知, and the
reminders before 试用期 and 聘期 end."""
import datetime as dt

import pytest
import time_machine

from cadre.models import Cadre, PostHistory, RankHistory
from cadre.services import positions
from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents.models import DocumentKind, GeneratedDocument, Notification
from documents.reminders import run_reminders
from selection import services as decision
from selection.models import Application, Campaign, CampaignPost, StageEvent
from selection.tests import factories as F
from selection.workflow import Stage

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 12)
DOC_NO = "青开组〔2026〕21号"


def at(day: str):
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


@pytest.fixture
def world():
    """甲任 (一级科员, 新任) and 乙任 (副科级 副主任, 转任), each to a 副科级 副局长 post; 公示 29.9–10.10."""
    with at("2026-10-11"):  # the day after 公示 ended
        c = F.decided(Stage.APPOINTMENT, people=[("甲任", "新任", "一级科员"), ("乙任", "转任", "副科级")],
                      publicity_start=dt.date(2026, 9, 29))
    assert (c.publicity_start, c.publicity_end) == (dt.date(2026, 9, 29), dt.date(2026, 10, 10))
    return c, c.world.staff, c.world.winners


def snapshot(c: Campaign) -> tuple:
    """Everything the appointment could touch."""
    return (
        list(PostHistory.objects.order_by("id").values_list("id", "cadre_id", "post_id", "seat", "title", "level", "start", "end", "method")),
        list(RankHistory.objects.order_by("id").values_list("id", "cadre_id", "level", "start", "end")),
        list(Cadre.objects.order_by("id").values_list("id", "unit_id", "position_title", "position_start", "rank_level", "rank_start")),
        list(Application.objects.filter(campaign=c).order_by("id").values_list(
            "id", "appointed_on", "term_end", "probation_end", "is_new_appointment")),
        Campaign.objects.filter(pk=c.pk).values_list("stage", "appointment_date", "appointment_document_no").get(),
        StageEvent.objects.count(),
        AuditEvent.objects.filter(action__in=["cadre.update", "selection.appointment.execute"]).count(),
    )


class TestAppointment:
    def test_records_written_with_term_and_probation(self, world, django_capture_on_commit_callbacks):
        c, staff, (a, b) = world
        target_a, target_b = a.campaign_post.post, b.campaign_post.post
        old_a = PostHistory.objects.get(cadre=a.cadre, end__isnull=True)
        with at("2026-10-12"), django_capture_on_commit_callbacks(execute=True) as callbacks:
            decision.appointment_execute(actor=staff, campaign=c, appointed_on=DAY, document_no=DOC_NO)
        c.refresh_from_db()
        assert (c.stage, c.appointment_date, c.appointment_document_no) == (Stage.COMPLETED, DAY, DOC_NO)

        # 甲任: 新提任 一级科员 → 副科级 leadership post
        old_a.refresh_from_db()
        assert old_a.end == dt.date(2026, 10, 11)
        new_a = PostHistory.objects.get(cadre=a.cadre, end__isnull=True)
        assert (new_a.post, new_a.seat, new_a.start, new_a.method, new_a.level) == (target_a, 1, DAY, "竞争上岗", "副科级")
        assert new_a.document_no == DOC_NO
        cadre_a = Cadre.objects.get(pk=a.cadre_id)
        assert (cadre_a.unit_id, cadre_a.position_title, cadre_a.rank_level, cadre_a.rank_start) == (
            target_a.unit_id, "副局长", "副科级", DAY)
        assert list(RankHistory.objects.filter(cadre=cadre_a).order_by("start").values_list("level", "end")) == [
            ("一级科员", dt.date(2026, 10, 11)), ("副科级", None)]
        a.refresh_from_db()
        assert (a.appointed_on, a.is_new_appointment) == (DAY, True)
        assert a.term_end == dt.date(2028, 10, 11)  # 聘期 2 years
        assert a.probation_end == dt.date(2027, 10, 11)  # 试用期 1 year

        # 乙任: 转任 at the same level: no new rank, no 试用期
        new_b = PostHistory.objects.get(cadre=b.cadre, end__isnull=True)
        assert (new_b.post, new_b.method) == (target_b, "竞争上岗")
        cadre_b = Cadre.objects.get(pk=b.cadre_id)
        assert (cadre_b.rank_level, cadre_b.rank_start) == ("副科级", dt.date(2019, 3, 1))
        assert RankHistory.objects.filter(cadre=cadre_b).count() == 1
        b.refresh_from_db()
        assert (b.is_new_appointment, b.probation_end, b.term_end) == (False, None, dt.date(2028, 10, 11))

        # the 任职通知 rendered after commit, about both people
        assert len(callbacks) == 1
        doc = GeneratedDocument.objects.get(kind=DocumentKind.APPOINTMENT_NOTICE, subject_key=c.scope)
        assert sorted(doc.subject_ids) == sorted([a.cadre_id, b.cadre_id])
        assert "甲任" in AuditEvent.objects.get(action="selection.appointment.execute").summary

    def test_longer_term_and_probation_from_the_plan(self, world):
        c, staff, (a, b) = world
        Campaign.objects.filter(pk=c.pk).update(term_years=3, probation_years=2)
        with at("2026-10-12"):
            decision.appointment_execute(actor=staff, campaign=c, appointed_on=dt.date(2026, 10, 12), document_no=DOC_NO)
        a.refresh_from_db()
        assert (a.term_end, a.probation_end) == (dt.date(2029, 10, 11), dt.date(2028, 10, 11))

    def test_seat_taken_writes_nothing(self, world):
        c, staff, (a, b) = world
        holder = F.placed_cadre("占位人", post=b.campaign_post.post)
        assert PostHistory.objects.get(cadre=holder, end__isnull=True).post == b.campaign_post.post
        before = snapshot(c)
        with at("2026-10-12"), pytest.raises(ApplicationError, match="职数不足.*不能再任用乙任"):
            decision.appointment_execute(actor=staff, campaign=c, appointed_on=DAY, document_no=DOC_NO)
        assert snapshot(c) == before

    @pytest.mark.parametrize("error", [ApplicationError("档案写入失败"), RuntimeError("database went away")])
    def test_failure_on_the_second_appointee_rolls_everything_back(self, world, monkeypatch, error):
        c, staff, (a, b) = world
        before = snapshot(c)
        real = positions._sync_rank  # the last write of each appointee in cadre.services.positions_assign
        calls = []

        def flaky(cadre, **kwargs):
            calls.append(cadre.pk)
            if len(calls) == 2:
                raise error
            return real(cadre, **kwargs)

        monkeypatch.setattr(positions, "_sync_rank", flaky)
        with at("2026-10-12"), pytest.raises(type(error)):
            decision.appointment_execute(actor=staff, campaign=c, appointed_on=DAY, document_no=DOC_NO)
        assert calls == [a.cadre_id, b.cadre_id]  # the first appointee was written, then undone
        assert snapshot(c) == before

    def test_a_seat_vacated_by_one_appointee_is_free_for_another(self, world):
        c, staff, (a, b) = world
        a_seat = PostHistory.objects.get(cadre=a.cadre, end__isnull=True).post
        CampaignPost.objects.filter(pk=b.campaign_post_id).update(post=a_seat)  # 乙任 competes for 甲任's own post
        with at("2026-10-12"):
            decision.appointment_execute(actor=staff, campaign=c, appointed_on=DAY, document_no=DOC_NO)
        assert PostHistory.objects.get(post=a_seat, end__isnull=True).cadre_id == b.cadre_id
        assert PostHistory.objects.get(cadre=a.cadre, end__isnull=True).post == a.campaign_post.post

    def test_open_objection_holds_its_candidate_back(self, world):
        c, staff, (a, b) = world
        with at("2026-10-11"):
            decision.objection_record(actor=staff, application=b, received_on=dt.date(2026, 10, 11), channel="网络",
                                      content="反映其任职期间存在问题")
        with at("2026-10-12"):
            decision.appointment_execute(actor=staff, campaign=c, appointed_on=DAY, document_no=DOC_NO)
        a.refresh_from_db()
        b.refresh_from_db()
        assert a.appointed_on == DAY and b.appointed_on is None
        assert PostHistory.objects.get(cadre=b.cadre, end__isnull=True).title == "副主任"
        assert "乙任（" in AuditEvent.objects.get(action="selection.appointment.execute").data["held_back"][0]

    def test_refused_before_the_end_of_publicity_or_without_a_document_number(self, world):
        c, staff, (a, b) = world
        before = snapshot(c)
        with at("2026-10-12"):
            with pytest.raises(ApplicationError, match="应在任前公示期满（2026.10.10）之后"):
                decision.appointment_execute(actor=staff, campaign=c, appointed_on=dt.date(2026, 10, 10), document_no=DOC_NO)
            with pytest.raises(ApplicationError, match="请填写聘任文件文号"):
                decision.appointment_execute(actor=staff, campaign=c, appointed_on=DAY, document_no=" ")
            with pytest.raises(ApplicationError, match="组织部工作人员"):
                decision.appointment_execute(actor=F.leader(), campaign=c, appointed_on=DAY, document_no=DOC_NO)
        assert snapshot(c) == before


class TestReminders:
    def test_probation_and_term_ends_remind_staff_and_the_appointee(self):
        appointee = F.user("appointee")
        with at("2026-09-10"):
            c = F.decided(users={"甲任": appointee})
            staff, (a, b) = c.world.staff, c.world.winners
        today = dt.date(2027, 9, 20)
        Application.objects.filter(pk=a.pk).update(appointed_on=dt.date(2026, 10, 12), term_end=dt.date(2028, 10, 11),
                                                   probation_end=dt.date(2027, 10, 11))
        Application.objects.filter(pk=b.pk).update(appointed_on=dt.date(2025, 10, 20), term_end=dt.date(2027, 10, 19))
        created = run_reminders(today, sources=["selection_probation_ending", "selection_term_ending"])
        assert created == {"selection_probation_ending": 2, "selection_term_ending": 1}
        mine = Notification.objects.get(user=appointee)
        assert mine.title == f"甲任任{a.campaign_post.post}的试用期将于2027年10月11日届满"
        assert "还有21天" in mine.body
        assert set(Notification.objects.filter(user=staff).values_list("source", flat=True)) == {
            "selection_probation_ending", "selection_term_ending"}
        # the same day again: nothing new
        assert run_reminders(today, sources=["selection_probation_ending", "selection_term_ending"]) == {
            "selection_probation_ending": 0, "selection_term_ending": 0}
        # more than 30 days ahead: no reminder
        assert run_reminders(dt.date(2027, 9, 1), sources=["selection_probation_ending"]) == {"selection_probation_ending": 0}

    def test_registration_and_publicity_closing_within_two_days(self):
        staff = F.staff()
        open_c = F.campaign(Stage.REGISTRATION, posts=1)  # window ends 2026-07-10
        with at("2026-09-10"):
            c = F.decided(people=[("丁任", "新任", "一级科员")])
        Campaign.objects.filter(pk=c.pk).update(stage=Stage.PUBLICITY, publicity_start=dt.date(2026, 7, 6),
                                                publicity_end=dt.date(2026, 7, 10))
        assert run_reminders(dt.date(2026, 7, 7), sources=["selection_registration_closing", "selection_publicity_ending"]) == {
            "selection_registration_closing": 0, "selection_publicity_ending": 0}
        created = run_reminders(dt.date(2026, 7, 8), sources=["selection_registration_closing", "selection_publicity_ending"])
        # two staff users (this test's and the world's), one notice each per campaign
        assert created == {"selection_registration_closing": 2, "selection_publicity_ending": 2}
        titles = set(Notification.objects.filter(user=staff).values_list("title", flat=True))
        assert f"{open_c.title}报名将于2026年7月10日截止" in titles
        assert f"{c.title}任前公示将于2026年7月10日期满" in titles
