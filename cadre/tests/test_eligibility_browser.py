"""Browser walk of the eligibility pages (Debian chromium, zh-CN): the filtered index with counts, a post's screen
grouped 新提任/转任/降职 with its 打印 button, and a manual check recorded from the explanation page. Screenshots in
docs/screenshots/ (eligibility-index.png, eligibility-post-screen.png, eligibility-manual.png)."""
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from cadre.models import EligibilityManualCheck
from cadre.tests.factories import OrgUnitFactory, PostFactory
from cadre.tests.test_eligibility import person
from core import roles
from tests.browser import PASSWORD, click_and_wait, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
D = dt.date


def test_index_screen_groups_and_manual_check(live_server, browser):
    staff = User.objects.create_user("elig-staff", password=PASSWORD, first_name="组织部")
    staff.groups.add(Group.objects.get_or_create(name=roles.STAFF)[0])
    unit = OrgUnitFactory(name="财政局", kind="机关")
    town = OrgUnitFactory(name="东林镇", kind="乡镇")
    post = PostFactory(unit=unit, title="副局长", level="副科级", headcount=2, is_open_for_competition=True)
    PostFactory(unit=unit, title="局长", level="正科级")
    PostFactory(unit=town, title="副镇长", level="副科级", headcount=3)
    person(rank="一级科员", birth=D(1990, 3, 1), name="刘洋", unit_kind="机关")
    young = person(rank="四级主任科员", birth=D(1988, 5, 1), name="赵敏", unit_kind="乡镇")
    person(rank="一级科员", birth=D(1979, 1, 1), name="孙强", unit_kind="机关")
    person(rank="副科级", birth=D(1983, 9, 1), name="李秀英", unit_kind="机关")
    person(rank="正科级", birth=D(1978, 3, 1), name="陈晓东", unit_kind="机关")
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, staff.username)

    page.goto(f"{base}/eligibility/?as_of=2026-06-30")
    expect(page.locator("tbody tr")).to_have_count(3)
    page.select_option("#id_vacancy", "有空缺")
    page.wait_for_url("**vacancy=**")
    page.screenshot(path=str(SHOTS / "eligibility-index.png"), full_page=True)

    page.goto(f"{base}/eligibility/posts/{post.pk}/?as_of=2026-06-30")
    headers = page.locator("tr.table-secondary th")
    expect(headers).to_have_count(3)
    assert [h[:2] for h in headers.all_inner_texts()] == ["新提", "转任", "降职"]
    expect(page.locator("[data-print]")).to_be_visible()
    expect(page.get_by_text("其中政治素质和品行待人工审核 3 人")).to_be_visible()
    page.screenshot(path=str(SHOTS / "eligibility-post-screen.png"), full_page=True)

    page.goto(f"{base}/eligibility/cadres/{young.pk}/posts/{post.pk}/?as_of=2026-06-30")
    page.check("input[name=passed][value='1']")
    page.fill("#id_reason", "经考察，坚持四项基本原则，政治立场坚定，品行端正")
    click_and_wait(page, "form[action$='/manual/'] button[type=submit]")
    expect(page.get_by_text("人工审核通过：经考察，坚持四项基本原则").first).to_be_visible()
    assert EligibilityManualCheck.objects.filter(cadre=young, post=post, passed=True).exists()
    page.goto(f"{base}/eligibility/cadres/{young.pk}/manual/")
    page.screenshot(path=str(SHOTS / "eligibility-manual.png"), full_page=True)
    page.goto(f"{base}/eligibility/posts/{post.pk}/?as_of=2026-06-30")
    expect(page.get_by_text("其中政治素质和品行待人工审核 2 人")).to_be_visible()
    assert not errors
    context.close()
