"""The transition table: every illegal move refused with a Chinese message, every legal one by its role only,
each move and each 撤回 stored as an event; nothing written when a move is refused."""
import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from core.exceptions import ApplicationError
from core.models import AuditEvent
from selection import services, workflow
from selection.models import Campaign, StageEvent
from selection.workflow import ORDER, TRANSITIONS, Stage

ALL_STAGES = list(Stage.values)


def user_with(*role_names, username=None):
    user = User.objects.create_user(username or "u_" + "_".join(workflow.ROLE_LABELS.get(r, r) for r in role_names) or "nobody", password="x")
    for name in role_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


class FakeUser:
    """Enough of a user for the pure predicates: core.roles reads _role_names when present."""

    is_authenticated = True
    is_superuser = False

    def __init__(self, *names):
        self._role_names = set(names)


STAFF = FakeUser(roles.STAFF)
LEADER = FakeUser(roles.LEADER)
JUDGE = FakeUser(roles.JUDGE)
CANDIDATE = FakeUser(roles.CANDIDATE)
OBSERVER = FakeUser(roles.OBSERVER)
ACTORS = {"staff": STAFF, "leader": LEADER, "judge": JUDGE, "candidate": CANDIDATE, "observer": OBSERVER, "system": workflow.SYSTEM}


class TestTable:
    def test_eleven_working_stages_in_order(self):
        assert [s.label for s in ORDER] == [
            "准备动员", "方案报批", "公布职位", "公开报名", "资格审查", "演讲", "民主测评", "组织考察", "讨论决定", "任前公示", "任职",
        ]
        assert [workflow.stage_number(s) for s in ORDER] == list(range(1, 12))

    def test_forward_moves_go_one_stage_on(self):
        forward = [t for t in TRANSITIONS if not t.is_withdrawal and t.target not in (Stage.CANCELLED,) and t.action != "return_plan"]
        assert len(forward) == 11
        for t in forward:
            assert workflow.stage_number(t.target) == workflow.stage_number(t.source) + 1, t

    def test_withdrawals_go_one_stage_back_and_need_a_reason(self):
        for t in TRANSITIONS:
            if t.is_withdrawal:
                assert workflow.stage_number(t.target) == workflow.stage_number(t.source) - 1, t
                assert t.reason_required

    def test_every_stage_but_the_last_has_a_way_on_and_every_working_stage_can_be_cancelled(self):
        for stage in ORDER:
            actions = {t.action for t in workflow.available(stage)}
            assert "cancel" in actions
            assert any(not t.is_withdrawal and t.target != Stage.CANCELLED for t in workflow.available(stage))
        assert workflow.available(Stage.COMPLETED) == []
        assert workflow.available(Stage.CANCELLED) == []

    @pytest.mark.parametrize("action,stage", list(itertools.product(workflow.ACTIONS, ALL_STAGES)))
    def test_every_action_from_every_stage_for_every_role(self, action, stage):
        t = workflow.transition_for(action, stage)
        for role, actor in ACTORS.items():
            errors = workflow.transition_errors(actor, action, stage, reason="理由")
            allowed = t is not None and role in t.roles
            assert (errors == []) is allowed, (action, stage, role, errors)
            if t is None:
                assert errors and "不能执行" in errors[0] and Stage(stage).label in errors[0]
            elif not allowed:
                assert errors == [f"“{t.label}”只能由" + "或".join(
                    workflow.ROLE_LABELS[r] for r in t.roles if r != workflow.SYSTEM) + "执行。"]

    def test_unknown_action(self):
        assert workflow.transition_errors(STAFF, "jump", Stage.PREPARATION) == ["未知的操作“jump”。"]

    def test_reason_required_for_withdrawal_return_and_cancel(self):
        assert workflow.transition_errors(STAFF, "withdraw_speech", Stage.SPEECH) == ["“撤回至资格审查”须填写理由。"]
        assert workflow.transition_errors(LEADER, "return_plan", Stage.PLAN_APPROVAL, reason="  ") == ["“退回方案”须填写理由。"]
        assert workflow.transition_errors(LEADER, "cancel", Stage.SPEECH) == ["“终止本次工作”须填写理由。"]
        assert workflow.transition_errors(STAFF, "submit_plan", Stage.PREPARATION) == []

    def test_can_by_role_and_stage(self):
        C = Stage.PLAN_APPROVAL
        assert workflow.can(LEADER, "approve_plan", C) and not workflow.can(STAFF, "approve_plan", C)
        assert workflow.can(STAFF, "withdraw_plan", C) and not workflow.can(LEADER, "withdraw_plan", C)
        assert not workflow.can(STAFF, "submit_plan", C)
        C = Stage.REGISTRATION
        assert workflow.can(workflow.SYSTEM, "close_registration", C) and workflow.can(STAFF, "close_registration", C)
        assert not workflow.can(LEADER, "close_registration", C)

    def test_stage_work(self):
        assert workflow.work_errors(STAFF, "review_decide", Stage.REVIEW) == []
        assert workflow.work_errors(LEADER, "review_approve", Stage.REVIEW) == []
        assert workflow.work_errors(STAFF, "review_approve", Stage.REVIEW) == ["只有领导小组成员可以进行此项工作。"]
        assert workflow.work_errors(STAFF, "review_decide", Stage.SPEECH) == [
            "当前处于“演讲”阶段，此项工作只能在“资格审查”阶段进行。"]
        assert workflow.work_errors(LEADER, "meeting_record", Stage.DECISION) == []


@pytest.mark.django_db
class TestTransitionService:
    @pytest.fixture
    def people(self):
        roles.ensure_groups()
        return {
            "staff": user_with(roles.STAFF, username="staff"),
            "leader": user_with(roles.LEADER, username="leader"),
            "candidate": user_with(roles.CANDIDATE, username="cand"),
        }

    def make(self, stage, **fields):
        return Campaign.objects.create(title="2026年度竞争上岗", plan_year=2026, as_of=dt.date(2026, 6, 30), stage=stage, **fields)

    def test_illegal_move_refused_and_nothing_written(self, people):
        c = self.make(Stage.PREPARATION)
        events, audits = StageEvent.objects.count(), AuditEvent.objects.count()
        with pytest.raises(ApplicationError) as e:
            services.transition(actor=people["staff"], campaign=c, action="approve_plan")
        assert "当前处于“准备动员”阶段，不能执行“批准方案”" in e.value.message
        with pytest.raises(ApplicationError) as e:
            services.transition(actor=people["candidate"], campaign=c, action="submit_plan")
        assert e.value.message == "“提交方案报批”只能由组织部工作人员执行。"
        c.refresh_from_db()
        assert c.stage == Stage.PREPARATION
        assert (StageEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)

    def test_gate_blocks_with_every_reason(self, people):
        c = self.make(Stage.PREPARATION, scope_post_count=10, declared_rotation_count=2)
        with pytest.raises(ApplicationError) as e:
            services.plan_submit(actor=people["staff"], campaign=c)
        assert e.value.message.startswith("不能提交方案报批：")
        assert "尚未列入任何竞争职位" in e.value.errors
        assert "轮岗交流职位 2 个，占纳入范围职位 10 个的 20.00%，低于 30% 的要求" in e.value.errors
        assert "领导小组尚未确定组长" in e.value.errors
        assert Campaign.objects.get(pk=c.pk).stage == Stage.PREPARATION

    def test_legal_move_by_the_right_role_records_an_event(self, people):
        c = self.make(Stage.PLAN_APPROVAL)
        with pytest.raises(ApplicationError):
            services.plan_approve(actor=people["staff"], campaign=c, document_no="青开组〔2026〕3号")
        services.plan_approve(actor=people["leader"], campaign=c, document_no="青开组〔2026〕3号")
        c.refresh_from_db()
        assert c.stage == Stage.POSTING and c.plan_document_no == "青开组〔2026〕3号"
        assert c.plan_approved_by == people["leader"]
        ev = StageEvent.objects.filter(campaign=c).latest("id")
        assert (ev.from_stage, ev.to_stage, ev.actor, ev.is_withdrawal) == (Stage.PLAN_APPROVAL, Stage.POSTING, people["leader"], False)
        assert "青开组〔2026〕3号" in ev.note
        assert AuditEvent.objects.filter(action="selection.approve_plan", object_id=str(c.pk)).exists()

    def test_return_and_withdraw_need_a_reason_and_are_recorded(self, people):
        c = self.make(Stage.PLAN_APPROVAL)
        with pytest.raises(ApplicationError) as e:
            services.plan_return(actor=people["leader"], campaign=c, reason="")
        assert "须填写理由" in e.value.message
        services.plan_return(actor=people["leader"], campaign=c, reason="竞争职位过多，请压缩")
        c.refresh_from_db()
        assert c.stage == Stage.PREPARATION
        c.stage = Stage.SPEECH
        c.save()
        services.campaign_withdraw(actor=people["staff"], campaign=c, reason="补充审查一名人选")
        c.refresh_from_db()
        assert c.stage == Stage.REVIEW
        ev = StageEvent.objects.filter(campaign=c).latest("id")
        assert ev.is_withdrawal and ev.note == "补充审查一名人选" and ev.from_stage == Stage.SPEECH

    def test_withdraw_from_review_must_set_a_new_registration_end(self, people):
        c = self.make(Stage.REVIEW)
        with pytest.raises(ApplicationError) as e:
            services.campaign_withdraw(actor=people["staff"], campaign=c, reason="报名人数不足")
        assert "请使用“延长报名”" in e.value.message
        assert Campaign.objects.get(pk=c.pk).stage == Stage.REVIEW

    def test_cannot_withdraw_from_the_first_stage_or_a_finished_campaign(self, people):
        for stage in (Stage.PREPARATION, Stage.COMPLETED, Stage.CANCELLED):
            c = self.make(stage)
            with pytest.raises(ApplicationError) as e:
                services.campaign_withdraw(actor=people["staff"], campaign=c, reason="x")
            assert "不能撤回" in e.value.message

    def test_cancel_by_a_leader_with_reason(self, people):
        c = self.make(Stage.REGISTRATION)
        with pytest.raises(ApplicationError):
            services.campaign_cancel(actor=people["staff"], campaign=c, reason="机构调整")
        services.campaign_cancel(actor=people["leader"], campaign=c, reason="机构调整")
        c.refresh_from_db()
        assert c.stage == Stage.CANCELLED and c.cancel_reason == "机构调整"

    def test_system_actor_is_labelled(self, people):
        c = self.make(Stage.REGISTRATION, registration_start=dt.date(2020, 1, 1), registration_end=dt.date(2020, 1, 10))
        services.transition(actor=workflow.SYSTEM, campaign=c, action="close_registration")
        ev = StageEvent.objects.filter(campaign=c).latest("id")
        assert ev.actor is None and ev.actor_label == "系统（定时任务）"

    def test_registration_cannot_close_before_its_end(self, people):
        c = self.make(Stage.REGISTRATION, registration_start=dt.date(2020, 1, 1), registration_end=dt.date(2999, 1, 1))
        with pytest.raises(ApplicationError) as e:
            services.transition(actor=workflow.SYSTEM, campaign=c, action="close_registration")
        assert "报名尚未结束" in e.value.message


@pytest.mark.django_db
class TestCampaignSettings:
    def test_create_validates_settings_in_chinese(self):
        roles.ensure_groups()
        staff = user_with(roles.STAFF, username="s2")
        base = {"title": "测试", "plan_year": 2026, "as_of": dt.date(2026, 6, 30)}
        with pytest.raises(ApplicationError) as e:
            services.campaign_create(actor=staff, data={**base, "speech_weight": "50"})
        assert e.value.message == "演讲、民主测评、笔试权重合计应为 100%，现为 110%"
        with pytest.raises(ApplicationError) as e:
            services.campaign_create(actor=staff, data={**base, "inspection_ratio": "4"})
        assert "1:1 至 1:3" in e.value.message
        with pytest.raises(ApplicationError) as e:
            services.campaign_create(actor=staff, data={**base, "publicity_working_days": 4})
        assert e.value.message == "任前公示期不少于 5 个工作日。"
        c = services.campaign_create(actor=staff, data=base)
        assert (c.speech_weight, c.evaluation_weight, c.inspection_ratio, c.min_candidates_per_vacancy) == (40, 60, 2, 2)
        with pytest.raises(ApplicationError):
            services.campaign_create(actor=user_with(roles.LEADER, username="l2"), data=base)

    def test_plan_locked_after_submission(self):
        roles.ensure_groups()
        staff = user_with(roles.STAFF, username="s3")
        c = services.campaign_create(actor=staff, data={"title": "测试", "plan_year": 2026, "as_of": dt.date(2026, 6, 30)})
        services.campaign_update(actor=staff, campaign=c, data={"max_posts_per_candidate": 2})
        assert c.max_posts_per_candidate == 2
        Campaign.objects.filter(pk=c.pk).update(stage=Stage.POSTING)
        c.refresh_from_db()
        with pytest.raises(ApplicationError) as e:
            services.campaign_update(actor=staff, campaign=c, data={"max_posts_per_candidate": 3})
        assert "当前阶段不能修改：每人最多报名职位数" in e.value.message
        services.campaign_update(actor=staff, campaign=c, data={"registration_start": dt.date(2026, 7, 1), "registration_end": dt.date(2026, 7, 7)})
        Campaign.objects.filter(pk=c.pk).update(stage=Stage.SPEECH)
        c.refresh_from_db()
        with pytest.raises(ApplicationError) as e:
            services.campaign_update(actor=staff, campaign=c, data={"registration_end": dt.date(2026, 7, 9)})
        assert "方案不能再修改" in e.value.message
