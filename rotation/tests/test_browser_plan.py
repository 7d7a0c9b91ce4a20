"""The plan page in a browser: a suggestion's detail loads on demand (htmx), adopting one adopts its chain, the
check loads after the page, and the before/after charts draw."""
import datetime as dt

import pytest
from playwright.sync_api import expect
from django.contrib.auth.models import User

from rotation.models import RotationMove
from tests.browser import click_and_wait, login

from .test_plan_state import _plan, _suggest
from .conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_page_details_chain_adoption_and_charts(live_server, browser, staff_user):
    world = World()
    p1, p2, p3 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长"), world.post(world.town, "副镇长")
    a = world.place("甲", p1, start=dt.date(2014, 1, 1))
    b = world.place("乙", p2, start=dt.date(2014, 1, 1), gender="女")
    staff = User.objects.get(pk=staff_user.pk)
    plan = _plan(staff, [world.finance, world.audit, world.town])
    sa = _suggest(plan, a, p1, p2, needs=b)
    _suggest(plan, b, p2, p3, score=90)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, staff.username)
    page.goto(f"{live_server.url}/rotation/plans/{plan.pk}/")
    page.locator("button:has-text('详情')").first.click()
    page.locator(f"#detail-{sa.pk}").wait_for()
    assert "交流链：与乙的建议一并采纳" in page.locator(f"#detail-{sa.pk}").inner_text()
    click_and_wait(page, f"form[action$='/suggestions/{sa.pk}/accept/'] button")
    page.locator(".alert-success:has-text('含交流链一并采纳：乙')").wait_for()
    assert set(RotationMove.objects.values_list("cadre__name", flat=True)) == {"甲", "乙"}
    # the check loads after the page (htmx): wait for its result, not the placeholder (also an .alert)
    expect(page.locator("#plan-check")).to_contain_text("交流比例", timeout=60_000)
    page.goto(f"{live_server.url}/rotation/plans/{plan.pk}/structure/?team=all")
    page.locator("[data-side-chart='民族'] canvas").first.wait_for()
    assert page.locator("[data-side-chart] canvas").count() == 8  # 4 dimensions × before/after
    context.close()
