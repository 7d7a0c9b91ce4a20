"""The plan transition table: its shape, every illegal move refused in Chinese, every legal one only for its role,
and plan_transition as the one writer of RotationPlan.status."""
import ast
import pathlib

import pytest

from core.exceptions import ApplicationError
from core.models import AuditEvent
from rotation import services, workflow
from rotation.models import PlanStatus, RotationPlan

from .conftest import AS_OF

ROLE_USERS = {
    "staff_user": {workflow.STAFF},
    "leader_user": {workflow.LEADER},
    "observer_user": set(),
    "judge_user": set(),
    "candidate_user": set(),
}
ACTOR_FOR = {workflow.STAFF: "staff_user", workflow.LEADER: "leader_user"}
LEGAL = {(t.action, t.source) for t in workflow.TRANSITIONS}
ILLEGAL = [(a, s) for a in workflow.ACTIONS for s in PlanStatus.values if (a, s) not in LEGAL]


def test_table_shape():
    assert workflow.ACTIONS == ("submit", "approve", "return", "execute")
    assert len(LEGAL) == len(workflow.TRANSITIONS)  # one row per (action, source)
    for t in workflow.TRANSITIONS:
        assert t.source in PlanStatus.values and t.target in PlanStatus.values and t.source != t.target
        assert t.kind in workflow.KINDS
        assert t.roles and set(t.roles) <= set(workflow.ROLE_LABELS)
        assert all(i.kind in workflow.INPUT_KINDS for i in t.inputs)
        # every row of one action agrees on its label, kind, roles, reason and inputs
        first = next(x for x in workflow.TRANSITIONS if x.action == t.action)
        assert (t.label, t.kind, t.roles, t.reason_required, t.inputs) == (
            first.label, first.kind, first.roles, first.reason_required, first.inputs)
    assert {t.action for t in workflow.TRANSITIONS if t.kind != workflow.FORWARD} == {"return"}
    assert {t.action for t in workflow.TRANSITIONS if t.reason_required} == {"return"}
    assert [i.name for i in workflow.inputs_for("execute")] == ["effective_date"]
    assert not workflow.available(PlanStatus.EXECUTED)  # executed is final


def test_unknown_action_is_refused(staff_user):
    assert workflow.transition_errors(staff_user, "publish", PlanStatus.DRAFT) == ["未知的操作“publish”"]


@pytest.mark.parametrize("action,status", ILLEGAL)
def test_illegal_move_is_refused_in_chinese(request, world, staff_user, action, status):
    actor = request.getfixturevalue(ACTOR_FOR[workflow.roles_for(action)[0]])
    label = workflow.ACTION_LABELS[action]
    expected = f"方案当前状态为「{PlanStatus(status).label}」，不能{label}"
    assert workflow.transition_errors(actor, action, status, reason="理由") == [expected]
    assert not workflow.can(actor, action, status)
    plan = services.plan_create(actor=staff_user, name="方案", as_of=AS_OF, units=[world.finance])
    RotationPlan.objects.filter(pk=plan.pk).update(status=status)
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.plan_transition(actor=actor, plan=plan, action=action, note="理由")
    assert exc.value.message == expected
    plan.refresh_from_db()
    assert plan.status == status and AuditEvent.objects.count() == events


@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=lambda t: f"{t.action}-{t.source}")
@pytest.mark.parametrize("who", list(ROLE_USERS))
def test_legal_move_only_for_its_role(request, world, staff_user, transition, who):
    user = request.getfixturevalue(who)
    allowed = bool(ROLE_USERS[who] & set(transition.roles))
    assert workflow.can(user, transition.action, transition.source) is allowed
    assert (transition in workflow.actions_for(user, transition.source)) is allowed
    errors = workflow.transition_errors(user, transition.action, transition.source, reason="理由")
    assert errors == ([] if allowed else ["您没有执行该操作的权限"])
    if not allowed:
        plan = services.plan_create(actor=staff_user, name="方案", as_of=AS_OF, units=[world.finance])
        RotationPlan.objects.filter(pk=plan.pk).update(status=transition.source)
        with pytest.raises(ApplicationError, match="您没有执行该操作的权限"):
            services.plan_transition(actor=user, plan=plan, action=transition.action, note="理由")
        plan.refresh_from_db()
        assert plan.status == transition.source


def test_return_needs_a_reason_and_stores_it(world, staff_user, leader_user):
    plan = services.plan_create(actor=staff_user, name="方案", as_of=AS_OF, units=[world.finance])
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    assert workflow.transition_errors(leader_user, "return", PlanStatus.SUBMITTED, reason=" ") == ["退回方案须填写理由"]
    with pytest.raises(ApplicationError, match="退回方案须填写理由") as exc:
        services.plan_transition(actor=leader_user, plan=plan, action="return", note="  ")
    assert exc.value.field == "reason"
    plan = services.plan_transition(actor=leader_user, plan=plan, action="return", note=" 请补充交流理由 ")
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "请补充交流理由"
    assert AuditEvent.objects.filter(action="rotation.plan.return", object_id=str(plan.pk)).exists()
    # a returned plan goes back to the staff, who submit it again (the plan check runs first: no moves yet)
    with pytest.raises(ApplicationError, match="方案未通过校验"):
        services.plan_transition(actor=staff_user, plan=plan, action="submit")


def test_inputs_are_checked_against_the_table(world, staff_user, leader_user):
    plan = services.plan_create(actor=staff_user, name="方案", as_of=AS_OF, units=[world.finance])
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    with pytest.raises(ApplicationError, match="“批准”不需要填写“effective_date”"):
        services.plan_transition(actor=leader_user, plan=plan, action="approve", effective_date=AS_OF)


def test_only_plan_transition_writes_the_plan_status():
    """No module of the rotation app but services/transitions.py assigns a plan's status."""
    root = pathlib.Path(workflow.__file__).parent
    writers = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(t, ast.Attribute) and t.attr == "status" and getattr(t.value, "id", "") == "plan":
                        writers.append(str(path.relative_to(root)))
    assert writers == ["services/transitions.py"]
