"""The home page's 轮岗交流 items: a submitted plan waits in the leader's list; staff see their plans in work."""
import pytest
from django.urls import reverse

from rotation import services
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
