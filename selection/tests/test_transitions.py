"""The one entry for stage moves: every action of the table reaches its stage service through
``campaign_transition`` with its inputs; the table's refusals (role, stage, reason, inputs) come first, in
Chinese, naming the field, and write nothing."""
import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from core.audit import action_label
from core.exceptions import ApplicationError
from core.models import AuditEvent
from selection import exports, workflow
from selection.audit import EXPORT_ACTIONS, TRANSITION_ACTIONS, AuditAction
from selection.models import Campaign, StageEvent
from selection.services import campaign_transition
from selection.services.transitions import SERVICES
from selection.workflow import TRANSITIONS, Stage

pytestmark = pytest.mark.django_db

INPUTS = {
    "approve_plan": {"document_no": "青开组〔2026〕3号"},
    "start_publicity": {"start_date": dt.date(2026, 8, 24)},
    "appoint": {"appointed_on": dt.date(2026, 9, 3), "document_no": "青开组〔2026〕9号"},
    "extend_registration": {"new_end": dt.date(2999, 1, 1)},
}
# forward moves on a bare campaign stop in their own service: at the gate, or at the service's own check first
REFUSED_BY_SERVICE = {
    "close_evaluation": "尚未建立民主测评场次。",
    "appoint": "没有可以办理任职的人选。",
}


def user_with(role_name: str, username: str) -> User:
    roles.ensure_groups()
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=role_name))
    return user


@pytest.fixture
def staff():
    return user_with(roles.STAFF, "staff")


@pytest.fixture
def leader():
    return user_with(roles.LEADER, "leader")


def make(stage: str, **fields) -> Campaign:
    return Campaign.objects.create(title="2026年度竞争上岗", plan_year=2026, as_of=dt.date(2026, 6, 30), stage=stage, **fields)


def test_every_action_has_one_service_and_every_input_a_known_kind():
    assert set(SERVICES) == set(workflow.ACTIONS)
    for t in TRANSITIONS:
        assert t.kind in workflow.KINDS
        assert t.gated is t.is_forward
        assert t.reason_required is not t.is_forward
        assert all(i.kind in workflow.INPUT_KINDS for i in t.inputs)
    assert [i.name for i in workflow.transition_for("appoint", Stage.APPOINTMENT).inputs] == ["appointed_on", "document_no"]


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.action}@{t.source}")
def test_every_transition_reaches_its_service(t, staff, leader):
    actor = staff if workflow.STAFF in t.roles else leader
    c = make(t.source)
    try:
        moved = campaign_transition(actor=actor, campaign=c, action=t.action, note="经研究", **INPUTS.get(t.action, {}))
    except ApplicationError as e:
        assert t.is_forward, (t.action, e.message)
        expected = REFUSED_BY_SERVICE.get(t.action)
        assert e.message == expected if expected else e.message.startswith(f"不能{t.label}："), e.message
        assert Campaign.objects.get(pk=c.pk).stage == t.source
        return
    assert moved.stage == t.target
    ev = StageEvent.objects.filter(campaign=c).latest("id")
    assert (ev.action, ev.from_stage, ev.to_stage, ev.is_withdrawal) == (t.action, t.source, t.target, t.is_withdrawal)
    assert AuditEvent.objects.filter(action=f"selection.{t.action}", object_id=str(c.pk)).exists()


def test_inputs_reach_the_service(staff, leader):
    c = campaign_transition(actor=leader, campaign=make(Stage.PLAN_APPROVAL), action="approve_plan", document_no=" 青开组〔2026〕3号 ")
    assert (c.stage, c.plan_document_no) == (Stage.POSTING, "青开组〔2026〕3号")
    c = make(Stage.REVIEW, registration_start=dt.date(2026, 7, 1), registration_end=dt.date(2026, 7, 10))
    c = campaign_transition(actor=staff, campaign=c, action="extend_registration", note="报名人数不足", new_end="2999-01-01")
    assert (c.stage, c.registration_end) == (Stage.REGISTRATION, dt.date(2999, 1, 1))


def test_missing_required_input_is_refused_in_chinese_naming_the_field(staff, leader):
    c = make(Stage.PLAN_APPROVAL)
    counts = (StageEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=leader, campaign=c, action="approve_plan", document_no="  ")
    assert (e.value.message, e.value.field) == ("“批准方案”须填写方案批准文号。", "document_no")
    c = make(Stage.APPOINTMENT)
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=c, action="appoint")
    assert e.value.errors == ["“办理任职”须填写任职日期。", "“办理任职”须填写聘任文件文号。"]
    assert e.value.field == "appointed_on"
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=c, action="appoint", appointed_on="9月3日", document_no="x")
    assert e.value.field == "appointed_on" and "不是有效的日期" in e.value.message
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=make(Stage.PREPARATION), action="submit_plan", document_no="x")
    assert e.value.field == "document_no"
    assert (StageEvent.objects.count(), AuditEvent.objects.count()) == counts


def test_optional_input_may_be_left_out_and_empty_values_count_as_absent(staff):
    c = make(Stage.DECISION)
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=c, action="start_publicity", start_date=None, document_no="")
    assert e.value.message.startswith("不能开始任前公示：")


def test_wrong_role_wrong_stage_and_missing_reason_are_refused(staff, leader):
    c = make(Stage.PLAN_APPROVAL)
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=c, action="approve_plan", document_no="青开组〔2026〕3号")
    assert e.value.message == "“批准方案”只能由领导小组成员执行。"
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=leader, campaign=c, action="return_plan")
    assert (e.value.message, e.value.field) == ("“退回方案”须填写理由。", "note")
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=c, action="close_speech")
    assert "当前处于“方案报批”阶段，不能执行“演讲评分结束”" in e.value.message
    with pytest.raises(ApplicationError) as e:
        campaign_transition(actor=staff, campaign=c, action="jump")
    assert e.value.message == "未知的操作“jump”。"
    assert Campaign.objects.get(pk=c.pk).stage == Stage.PLAN_APPROVAL


def test_every_move_and_export_has_its_audit_action_with_a_chinese_label():
    assert set(TRANSITION_ACTIONS) == set(workflow.ACTIONS)
    assert all(member.value == f"selection.{action}" for action, member in TRANSITION_ACTIONS.items())
    assert set(EXPORT_ACTIONS) == set(exports.KINDS)
    assert all(member.value == f"selection.export.{kind}" for kind, member in EXPORT_ACTIONS.items())
    for member in AuditAction:
        assert action_label(member.value) == member.label and not member.label.isascii()
    assert action_label("selection.approve_plan") == "批准方案"
