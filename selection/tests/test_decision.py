"""讨论决定 and 任前公示 through the services: quorum of 应到 (exactly 2/3 passes), passing needs 同意 > half of
应到 (exactly half fails), 缓议 handling, the superior approval, the 公示 period over 国庆 and 春节 in working days,
objections that block and end, and the automatic end of 公示 (idempotent)."""
import datetime as dt

import pytest
import time_machine

from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents.models import DocumentKind, GeneratedDocument
from selection import gates, tasks
from selection import services as decision
from selection import services as scoring
from selection.models import (
    Application,
    Campaign,
    Meeting,
    MeetingResult,
    MeetingVote,
    Objection,
    ObjectionStatus,
    StageEvent,
)
from selection.tests import factories as F
from selection.tests.factories import refresh
from selection.workflow import ROLE_LABELS, SYSTEM, Stage

pytestmark = pytest.mark.django_db


def at(day: str):
    """Freeze the clock at 10:00 Beijing time on `day`."""
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def members(n: int, present: int) -> list[dict]:
    return [{"name": f"委员{i}", "present": i <= present} for i in range(1, n + 1)]


def ballot(**choices) -> dict:
    """ballot(同意=4, 不同意=2) → {"委员1": "同意", …, "委员6": "不同意"} for the first members."""
    out, i = {}, 1
    for choice, count in choices.items():
        for _ in range(count):
            out[f"委员{i}"] = choice
            i += 1
    return out


@pytest.fixture
def world():
    with at("2026-09-10"):
        c = F.decided()
        yield c, c.world.staff, c.world.leader, c.world.winners


class TestMeeting:
    def test_quorum_of_exactly_two_thirds_passes(self, world):
        c, staff, leader, (a, b) = world
        expected = members(9, 6)
        expected[0]["user"] = leader
        meeting = decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=expected,
            votes={a.pk: ballot(同意=6), b.pk: ballot(同意=5, 缓议=1)},
        )
        assert meeting.quorum_met is True
        assert meeting.members.get(name="委员1").user == leader
        assert MeetingVote.objects.filter(meeting=meeting).count() == 12
        refresh(a, b)
        # 6 and 5 同意 of 9 应到: both more than 4.5
        assert (a.meeting_result, b.meeting_result) == ("通过", "通过")
        assert "应到 9 人，实到 6 人" in AuditEvent.objects.get(action="selection.meeting.record").summary

    def test_below_quorum_is_stored_without_results(self, world):
        c, staff, leader, (a, b) = world
        meeting = decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(9, 5),
            votes={a.pk: ballot(同意=5), b.pk: ballot(同意=5)},
        )
        assert Meeting.objects.get(pk=meeting.pk).quorum_met is False
        assert meeting.members.count() == 9 and meeting.members.filter(present=True).count() == 5
        assert not MeetingVote.objects.exists()
        assert "未达到应到人数的三分之二" in meeting.messages[0]
        refresh(a, b)
        assert (a.meeting_result, b.meeting_result) == ("", "")
        assert "党委会到会人数未达到应到人数的三分之二" in "；".join(gates.decision_errors(c))

    def test_agree_exactly_half_of_expected_fails_and_half_plus_one_passes(self, world):
        c, staff, leader, (a, b) = world
        decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(8, 8),
            votes={a.pk: ballot(同意=4, 不同意=4), b.pk: ballot(同意=5, 不同意=3)},
        )
        refresh(a, b)
        assert (a.meeting_result, b.meeting_result) == ("未通过", "通过")

    def test_majority_is_of_the_expected_not_of_those_present(self, world):
        c, staff, leader, (a, b) = world
        decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(10, 7),
            votes={a.pk: ballot(同意=5, 不同意=2), b.pk: ballot(同意=6, 不同意=1)},
        )
        refresh(a, b)
        # 5 of 7 present is a majority of those present, but 5 is exactly half of 10 应到
        assert (a.meeting_result, b.meeting_result) == ("未通过", "通过")

    def test_deferral_when_most_say_defer(self, world):
        c, staff, leader, (a, b) = world
        decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(6, 6),
            votes={a.pk: ballot(同意=2, 不同意=1, 缓议=3), b.pk: ballot(同意=6)},
        )
        refresh(a, b)
        assert (a.meeting_result, b.meeting_result) == ("缓议", "通过")

    def test_every_present_member_votes_and_absent_ones_cannot(self, world):
        c, staff, leader, (a, b) = world
        with pytest.raises(ApplicationError) as err:
            decision.meeting_record(
                actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(9, 6),
                votes={a.pk: {**ballot(同意=6), "委员8": "同意"}, b.pk: ballot(同意=5)},
            )
        assert "委员8未到会，不能表决" in err.value.message
        assert "委员6尚未表决" in err.value.message
        with pytest.raises(ApplicationError, match="表决意见“弃权”无效"):
            decision.meeting_record(
                actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(6, 6),
                votes={a.pk: ballot(同意=5, 弃权=1), b.pk: ballot(同意=6)},
            )
        assert not Meeting.objects.exists()

    def test_only_leaders_record_and_not_in_the_future(self, world):
        c, staff, leader, (a, b) = world
        votes = {a.pk: ballot(同意=3), b.pk: ballot(同意=3)}
        with pytest.raises(ApplicationError, match="领导小组成员"):
            decision.meeting_record(actor=staff, campaign=c, held_on=dt.date(2026, 9, 9), members=members(3, 3), votes=votes)
        with at("2026-09-10"), pytest.raises(ApplicationError, match="不能晚于今天"):
            decision.meeting_record(actor=leader, campaign=c, held_on=dt.date(2026, 9, 11), members=members(3, 3), votes=votes)


class TestDeferral:
    def _deferred(self, world):
        c, staff, leader, (a, b) = world
        decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(5, 5),
            votes={a.pk: ballot(缓议=5), b.pk: ballot(同意=5)},
        )
        a.refresh_from_db()
        assert a.meeting_result == MeetingResult.DEFERRED
        return c, staff, leader, a, b

    def test_back_to_inspection_then_voted_again(self, world):
        c, staff, leader, a, b = self._deferred(world)
        with pytest.raises(ApplicationError, match="须填写理由"):
            decision.deferral_resolve(actor=staff, application=a, action="重新考察", reason="")
        with at("2026-09-12"):
            decision.deferral_resolve(actor=staff, application=a, action="重新考察", reason="群众反映需进一步了解")
        c.refresh_from_db()
        a.refresh_from_db()
        assert c.stage == Stage.INSPECTION
        assert (a.defer_action, a.meeting_result, a.inspection_conclusion) == ("重新考察", "", "")
        event = StageEvent.objects.get(campaign=c, action="withdraw_decision")
        assert event.is_withdrawal and "群众反映需进一步了解" in event.note
        with at("2026-09-14"):
            scoring.inspection_record(actor=staff, application=a, talks_count=30, opinion="经补充考察，情况属实无问题。",
                                      conclusion="建议任用")
            scoring.inspection_finish(actor=staff, campaign=c)
            assert [x.pk for x in decision.meeting_candidates(c)] == [a.pk]
            decision.meeting_record(actor=leader, campaign=c, held_on=dt.date(2026, 9, 14), members=members(5, 4),
                                    votes={a.pk: ballot(同意=4)})
        a.refresh_from_db()
        assert (a.meeting_result, a.defer_action) == ("通过", "")

    def test_dropped_ends_the_candidacy(self, world):
        c, staff, leader, a, b = self._deferred(world)
        decision.deferral_resolve(actor=staff, application=a, action="不再提名", reason="本人身体原因")
        a.refresh_from_db()
        c.refresh_from_db()
        assert c.stage == Stage.DECISION
        assert a.defer_action == "不再提名" and a.ended_reason.startswith("党委会缓议后不再提名")
        assert not any("缓议" in e for e in gates.decision_errors(c))
        with pytest.raises(ApplicationError, match="不是待处理的缓议人选"):
            decision.deferral_resolve(actor=staff, application=a, action="重新考察", reason="再议")


class TestApprovalAndPublicity:
    def _passed(self, world):
        c, staff, leader, (a, b) = world
        decision.meeting_record(
            actor=leader, campaign=c, held_on=dt.date(2026, 9, 9), members=members(5, 5),
            votes={a.pk: ballot(同意=5), b.pk: ballot(同意=4, 不同意=1)},
        )
        return c, staff, leader, a, b

    def test_superior_approval_only_of_passed_candidates(self, world):
        c, staff, leader, a, b = self._passed(world)
        with at("2026-09-20"):
            with pytest.raises(ApplicationError, match="不是经党委会表决通过的人选"):
                decision.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕8号",
                                                  approved_on=dt.date(2026, 9, 18), approved_ids=[a.pk, 999999])
            with pytest.raises(ApplicationError, match="不能早于党委会召开日期"):
                decision.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕8号",
                                                  approved_on=dt.date(2026, 9, 1), approved_ids=[a.pk])
            decision.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕8号",
                                              approved_on=dt.date(2026, 9, 18), approved_ids=[a.pk], rejected_ids=[b.pk])
        c.refresh_from_db()
        assert (c.superior_approval_no, c.superior_approval_date) == ("湖组干〔2026〕8号", dt.date(2026, 9, 18))
        assert list(gates.publicity_candidates(c)) == [a]

    def test_publicity_over_national_day_in_working_days_with_the_notice(self, world, django_capture_on_commit_callbacks):
        c, staff, leader, a, b = self._passed(world)
        with at("2026-09-28"):
            decision.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕8号",
                                              approved_on=dt.date(2026, 9, 25), approved_ids=[a.pk, b.pk])
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                decision.publicity_start(actor=staff, campaign=c, start_date=dt.date(2026, 9, 29))
        c.refresh_from_db()
        # Tue 29, Wed 30 September; 1–7 October 国庆; Thu 8, Fri 9 and the 调休 Saturday 10 October
        assert (c.stage, c.publicity_start, c.publicity_end) == (Stage.PUBLICITY, dt.date(2026, 9, 29), dt.date(2026, 10, 10))
        assert len(callbacks) == 1
        doc = GeneratedDocument.objects.get(kind=DocumentKind.PRE_APPOINTMENT_NOTICE, subject_key=c.scope)
        assert sorted(doc.subject_ids) == sorted([a.cadre_id, b.cadre_id])
        # the task is idempotent: same records, same stored document
        assert tasks.issue_campaign_document.apply(args=[c.pk, DocumentKind.PRE_APPOINTMENT_NOTICE]).get() == doc.pk
        assert GeneratedDocument.objects.filter(kind=DocumentKind.PRE_APPOINTMENT_NOTICE).count() == 1

    def test_default_start_is_the_next_working_day(self, world):
        c, staff, leader, a, b = self._passed(world)
        with at("2026-09-30"):
            decision.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕8号",
                                              approved_on=dt.date(2026, 9, 29), approved_ids=[a.pk, b.pk])
            decision.publicity_start(actor=staff, campaign=c)
        c.refresh_from_db()
        # from Wed 30 September the next working day is Thu 8 October; 8, 9, 10 (调休), 12, 13
        assert (c.publicity_start, c.publicity_end) == (dt.date(2026, 10, 8), dt.date(2026, 10, 13))

    def test_publicity_over_spring_festival(self):
        with at("2026-02-05"):
            c = F.decided()
            staff, leader, (a, b) = c.world.staff, c.world.leader, c.world.winners
            decision.meeting_record(actor=leader, campaign=c, held_on=dt.date(2026, 2, 4), members=members(3, 3),
                                    votes={a.pk: ballot(同意=3), b.pk: ballot(同意=3)})
            decision.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕2号",
                                              approved_on=dt.date(2026, 2, 5), approved_ids=[a.pk, b.pk])
            decision.publicity_start(actor=staff, campaign=c, start_date=dt.date(2026, 2, 12))
        c.refresh_from_db()
        # Thu 12, Fri 13, the 调休 Saturday 14; 15–23 February 春节; Tue 24, Wed 25
        assert (c.publicity_start, c.publicity_end) == (dt.date(2026, 2, 12), dt.date(2026, 2, 25))

    def test_start_refused_until_the_decision_gate_is_open(self, world):
        c, staff, leader, a, b = self._passed(world)
        with at("2026-09-28"), pytest.raises(ApplicationError, match="尚未登记上级组织部审批文号和日期"):
            decision.publicity_start(actor=staff, campaign=c, start_date=dt.date(2026, 9, 29))
        c.refresh_from_db()
        assert c.stage == Stage.DECISION and c.publicity_start is None


@pytest.fixture
def in_publicity():
    with at("2026-09-10"):
        c = F.decided(Stage.PUBLICITY, publicity_start=dt.date(2026, 9, 29))
    assert (c.publicity_start, c.publicity_end) == (dt.date(2026, 9, 29), dt.date(2026, 10, 10))
    return c, c.world.staff, c.world.winners


class TestObjections:
    def test_open_objection_blocks_the_end_and_substantiated_ends_the_candidate(self, in_publicity):
        c, staff, (a, b) = in_publicity
        with at("2026-10-09"):
            objection = decision.objection_record(actor=staff, application=a, received_on=dt.date(2026, 10, 9),
                                                  channel="来信", content="反映其存在违规兼职问题")
        with at("2026-10-12"):
            with pytest.raises(ApplicationError, match=f"{a.cadre.name}的公示反映问题尚未核查完毕"):
                decision.publicity_end(actor=staff, campaign=c)
            assert decision.auto_end_publicity() == []
            decision.objection_resolve(actor=staff, objection=objection, substantiated=True,
                                       resolution="经核查，违规兼职问题属实。")
            objection.refresh_from_db()
            a.refresh_from_db()
            assert objection.status == ObjectionStatus.SUBSTANTIATED and objection.resolved_by == staff
            assert a.ended_reason.startswith("任前公示反映问题查实")
            assert list(gates.publicity_candidates(c)) == [b]
            decision.publicity_end(actor=staff, campaign=c)
        c.refresh_from_db()
        assert c.stage == Stage.APPOINTMENT

    def test_unsubstantiated_objection_releases_the_candidate(self, in_publicity):
        c, staff, (a, b) = in_publicity
        with at("2026-10-09"):
            objection = decision.objection_record(actor=staff, application=b, received_on=dt.date(2026, 10, 8),
                                                  channel="来电", content="反映其工作作风问题")
            with pytest.raises(ApplicationError, match="请填写核查结论"):
                decision.objection_resolve(actor=staff, objection=objection, substantiated=False, resolution="")
            decision.objection_resolve(actor=staff, objection=objection, substantiated=False, resolution="经核查，反映问题不属实。")
            with pytest.raises(ApplicationError, match="已核查办结"):
                decision.objection_resolve(actor=staff, objection=objection, substantiated=True, resolution="再查")
        b.refresh_from_db()
        assert b.ended_reason == "" and Objection.objects.get().status == ObjectionStatus.UNSUBSTANTIATED
        with at("2026-10-12"):
            assert decision.auto_end_publicity() == [c.pk]

    def test_objection_only_for_people_in_publicity(self, in_publicity):
        c, staff, (a, b) = in_publicity
        Application.objects.filter(pk=b.pk).update(superior_approved=False)
        with at("2026-10-09"), pytest.raises(ApplicationError, match="不在任前公示名单中"):
            decision.objection_record(actor=staff, application=b, received_on=dt.date(2026, 10, 9), channel="来信", content="x")
        with at("2026-10-09"), pytest.raises(ApplicationError, match="不能早于公示开始日期"):
            decision.objection_record(actor=staff, application=a, received_on=dt.date(2026, 9, 20), channel="来信", content="x")


class TestAutoEnd:
    def test_auto_end_only_after_the_last_day_and_idempotent(self, in_publicity):
        c, staff, apps = in_publicity
        with at("2026-10-09"):
            assert decision.auto_end_publicity() == []
        with at("2026-10-10"):  # the last day of 公示 itself
            assert decision.auto_end_publicity() == []
            with pytest.raises(ApplicationError, match="公示期未满"):
                decision.publicity_end(actor=staff, campaign=c)
        with at("2026-10-11"):
            assert decision.auto_end_publicity() == [c.pk]
            assert decision.auto_end_publicity() == []
            assert tasks.auto_transitions.apply().get() == {"registration_closed": [], "publicity_ended": []}
        c.refresh_from_db()
        assert c.stage == Stage.APPOINTMENT
        event = StageEvent.objects.get(campaign=c, action="end_publicity")
        assert event.actor is None and event.actor_label == ROLE_LABELS[SYSTEM]

    def test_beat_task_ends_due_publicity(self, in_publicity):
        c, staff, apps = in_publicity
        with at("2026-09-10"):
            other_c = F.decided(Stage.PUBLICITY, people=[("丙任", "新任", "一级科员")], publicity_start=dt.date(2026, 10, 8))
        with at("2026-10-12"):
            result = tasks.auto_transitions.apply().get()
        assert result["publicity_ended"] == [c.pk]
        assert Campaign.objects.get(pk=other_c.pk).stage == Stage.PUBLICITY
