"""The roster's batch action 加入轮岗交流方案: choose a draft plan, then the selected people get suggestions."""
import datetime as dt

import pytest
from django.urls import reverse

from rotation import services
from rotation.models import RotationSuggestion
from rotation.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, staff_user):
    dep = world.post(world.finance, "副局长")
    a_dep = world.post(world.audit, "副局长")
    world.post(world.town, "宣传委员")  # vacant
    li = world.place("李副局", dep, start=dt.date(2014, 1, 1))
    zhao = world.place("赵审计", a_dep, start=dt.date(2015, 6, 1), gender="女", birth=dt.date(1988, 1, 1))
    plan = services.plan_create(actor=staff_user, name="2026年轮岗交流", as_of=AS_OF, effective_date=dt.date(2026, 4, 1),
                                units=[world.finance, world.audit, world.town])
    return plan, li, zhao


def test_first_step_lists_the_editable_plans_and_the_people(staff_client, setup):
    plan, li, zhao = setup
    page = staff_client.post(reverse("rotation:roster-add"), {"cadre": [li.pk, zhao.pk]}).content.decode()
    assert plan.name in page and "李副局" in page and "赵审计" in page
    assert page.count('name="cadre"') == 2


def test_second_step_adds_exactly_the_selected_people(staff_client, setup):
    plan, li, zhao = setup
    response = staff_client.post(reverse("rotation:roster-add"), {"cadre": [zhao.pk], "plan": plan.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("rotation:plan", args=[plan.pk]))
    assert list(RotationSuggestion.objects.filter(plan=plan).values_list("cadre_id", flat=True)) == [zhao.pk]


def test_nothing_selected_goes_back_to_the_roster(staff_client, setup):
    response = staff_client.post(reverse("rotation:roster-add"), {"plan": setup[0].pk}, follow=True)
    assert "请先在花名册中选择干部" in response.content.decode()
    assert not RotationSuggestion.objects.exists()


def test_a_submitted_plan_cannot_take_people(staff_client, staff_user, setup):
    plan, li, _ = setup
    plan.status = "submitted"
    plan.save(update_fields=["status"])
    assert staff_client.post(reverse("rotation:roster-add"), {"cadre": [li.pk], "plan": plan.pk}).status_code == 403
    assert plan.name not in staff_client.post(reverse("rotation:roster-add"), {"cadre": [li.pk]}).content.decode()


@pytest.mark.parametrize("who", ["leader_user", "observer_user", "judge_user", "candidate_user"])
def test_only_staff_add_people_to_a_plan(client, request, who, setup):
    plan, li, _ = setup
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("rotation:roster-add"), {"cadre": [li.pk], "plan": plan.pk}).status_code == 403
    assert not RotationSuggestion.objects.exists()
