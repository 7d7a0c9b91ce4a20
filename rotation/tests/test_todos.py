"""The home page's 轮岗交流 items: a submitted plan waits in the leader's list; staff see their plans in work."""
import pytest
from django.urls import reverse

from rotation import services
from documents.models import Notification
from rotation.models import PlanStatus, RotationPlan

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_submitted_plan_waits_for_the_leader_and_shows_as_waiting_for_staff(client, world, staff_user, leader_user):
    plan = services.plan_create(actor=staff_user, name="2026年机关轮岗方案", as_of=AS_OF, units=[world.finance])
    assert "2026年机关轮岗方案（草拟）" in home(client, staff_user)
    assert "2026年机关轮岗方案" not in home(client, leader_user)
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    leader_page = home(client, leader_user)
    assert "待我审批" in leader_page and "轮岗交流方案：2026年机关轮岗方案" in leader_page
    assert reverse("rotation:plan", args=[plan.pk]) in leader_page
    assert "等待领导小组审批" in home(client, staff_user)
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.EXECUTED)
    assert "2026年机关轮岗方案" not in home(client, leader_user)
    assert "2026年机关轮岗方案" not in home(client, staff_user)


def test_observer_and_judge_do_not_see_plans(client, world, staff_user, observer_user, judge_user):
    plan = services.plan_create(actor=staff_user, name="方案甲", as_of=AS_OF, units=[world.finance])
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    assert "方案甲" not in home(client, judge_user)
    observer_page = home(client, observer_user)
    assert "待我审批" not in observer_page and "最近操作记录" in observer_page


def test_a_submitted_plan_notifies_the_leaders_and_its_return_the_author(world, staff_user, leader_user):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长")
    a, b = world.place("甲", p1), world.place("乙", p2)
    plan = services.plan_create(actor=staff_user, name="方案乙", as_of=AS_OF, units=[world.finance, world.audit])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="任职期满交流")
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=p1, kind="任职期满交流")
    services.plan_transition(actor=staff_user, plan=plan, action="submit")
    assert Notification.objects.filter(user=leader_user, title="轮岗交流方案待审批：方案乙").exists()
    services.plan_transition(actor=leader_user, plan=plan, action="return", note="交流比例不足")
    note = Notification.objects.get(user=staff_user, title="轮岗交流方案被退回：方案乙")
    assert note.body == "退回理由：交流比例不足"
