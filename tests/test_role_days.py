"""Each role's day on the `make run` demo, in Debian chromium (--lang=zh-CN), starting from the home page.

The demo (``seed_demo --size 400``) is built once; then, one after the other:

- 组织部 staff: the to-do list shows the running campaigns with their next step and the open 民主测评; they open
  a campaign from it, and print the roster (the print layout);
- the leader: 待我审批 lists what waits; the approval form offers the next 文号 by the numbering rule;
- the judge: 待评分 leads to the score sheet of the campaign in 演讲;
- the candidate cadre1: a 组织推荐 to answer, and 我能报考的职位;
- the 纪检 observer: recent audit entries in Chinese, one click to the log.

One test, because the demo takes most of its time; each role signs in through the login form and gets its own
browser context. Screenshots: docs/screenshots/day-<role>.png (and the item each opens), looked at by people.
Waits are on locators, never on network idle.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cadre.demo import PASSWORD as DEMO_PASSWORD
from cadre.demo import demo_seed
from tests.browser import click_and_wait, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def _day(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, username, DEMO_PASSWORD)
    assert page.url == f"{base}/", f"{username} landed on {page.url}, not the home page"
    page.locator("h3:text-is('我的待办')").wait_for()
    return context, page, errors


def _section(page, title: str):
    card = page.locator(".todo-section", has=page.locator(".card-header strong", has_text=title))
    expect(card).to_have_count(1)
    return card


def _shot(page, name: str):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_role_finds_its_work_from_the_home_page(live_server, browser):
    demo_seed(size=400, seed=20261123, log=lambda *args, **kwargs: None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # 组织部 staff: campaigns with their next step, the open 民主测评, then a campaign and the roster's print layout
    context, page, errors = _day(browser, base, "staff")
    campaigns = _section(page, "竞争上岗工作")
    expect(campaigns.locator(".todo-item").first).to_contain_text(re.compile("下一步|等待领导小组"))
    _section(page, "民主测评")
    _shot(page, "day-staff")
    click_and_wait(page, ".todo-section:has(strong:text-is('竞争上岗工作')) .todo-item a >> nth=0")
    page.locator("main h1, main h4").first.wait_for()
    page.goto(f"{base}/cadre/")
    page.locator("[data-print]").first.wait_for()
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator(".print-header")).to_be_visible()
    _shot(page, "day-staff-roster-print")
    assert errors == []
    context.close()

    # the leader: what waits for approval, with the next 文号 suggested
    context, page, errors = _day(browser, base, "leader")
    inbox = _section(page, "待我审批")
    expect(inbox.locator(".todo-item").first).to_be_visible()
    _shot(page, "day-leader")
    click_and_wait(page, ".todo-section:has(strong:text-is('待我审批')) .todo-item a >> nth=0")
    page.locator("main").wait_for()
    _shot(page, "day-leader-item")
    assert errors == []
    context.close()

    # the judge: the sheet of the campaign in 演讲
    context, page, errors = _day(browser, base, "judge")
    sheets = _section(page, "待评分")
    expect(sheets.locator(".todo-item").first).to_contain_text("演讲评分表")
    _shot(page, "day-judge")
    click_and_wait(page, ".todo-section:has(strong:text-is('待评分')) .todo-item a >> nth=0")
    expect(page.locator("#sheet-state")).to_contain_text("请按演讲顺序评分")
    _shot(page, "day-judge-sheet")
    assert errors == []
    context.close()

    # the candidate cadre1: a nomination to answer, and the posts open now
    context, page, errors = _day(browser, base, "cadre1")
    mine = _section(page, "我的竞争上岗")
    expect(mine).to_contain_text("请答复")
    _shot(page, "day-candidate")
    click_and_wait(page, ".todo-section:has(strong:text-is('我的竞争上岗')) .todo-item a >> nth=0")
    page.locator("main").wait_for()
    page.goto(f"{base}/selection/my/#open-posts")
    expect(page.locator("#open-posts")).to_contain_text("我能报考的职位")
    _shot(page, "day-candidate-posts")
    assert errors == []
    context.close()

    # the 纪检 observer: recent audit entries, one click to the log
    context, page, errors = _day(browser, base, "observer")
    recent = _section(page, "最近操作记录")
    first = recent.locator(".todo-item a").first
    expect(first).to_be_visible()
    assert not re.search(r"[a-z_]+\.[a-z_]+", first.inner_text()), "an audit label is not in Chinese"
    _shot(page, "day-observer")
    click_and_wait(page, ".todo-section:has(strong:text-is('最近操作记录')) .todo-item a >> nth=0")
    assert "/audit/" in page.url
    assert errors == []
    context.close()
