"""The person lookup in a browser: staff enter a nomination by typing the nominee's initials instead of the
身份证号 (issue 17: "Entering a nomination needs the nominee's 身份证号, with no name lookup")."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cadre.tests.factories import CadreFactory
from selection.tests import factories as f
from selection.workflow import Stage
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_nomination_by_pinyin_initials(live_server, browser, staff_user):
    campaign = f.campaign(Stage.REGISTRATION, title="2026年度中层干部竞争上岗")
    yu = CadreFactory(name="余建军", position_title="综合科科长")
    CadreFactory(name="余建")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/selection/{campaign.pk}/tab/registration/")
    box = page.locator("[data-person-lookup] input[type=search]").first
    expect(box).to_be_visible()
    box.fill("yjj")
    option = page.locator("[data-person-lookup-results] button").first
    expect(option).to_contain_text("余建军")
    SHOTS.mkdir(parents=True, exist_ok=True)
    form = page.locator("form", has=page.locator("[data-person-lookup]")).first
    form.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1280, "height": 1100})
    form.screenshot(path=str(SHOTS / "person-lookup-nomination.png"))
    option.click()
    expect(page.locator("#id_id_number").first).to_have_value(yu.id_number)
    expect(page.locator("[data-person-lookup-chosen]").first).to_contain_text("已选：余建军")
    page.close()


def test_cadre_select_gets_a_search_box(live_server, browser, staff_user):
    """Every single <select name="cadre"> (here the 挂职 form) gets the lookup box that picks the option."""
    yu = CadreFactory(name="余建军")
    CadreFactory(name="王五")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/rotation/secondments/new/")
    box = page.locator("[data-person-lookup] input[type=search]").first
    expect(box).to_be_visible()
    box.fill("yu jian jun")
    option = page.locator("[data-person-lookup-results] button").first
    expect(option).to_contain_text("余建军")
    option.click()
    expect(page.locator("select[name=cadre]")).to_have_value(str(yu.pk))
    page.close()
