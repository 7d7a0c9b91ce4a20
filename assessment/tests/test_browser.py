"""Browser test of the ballot page (phone viewport) and the results page, with screenshots.

Debian chromium driven by Playwright against the live server. Checks that the QR link's #fragment fills the
code and disappears from the address bar, the review step, submit-once, and the ECharts results page.
Writes docs/screenshots/ballot-*.png and tally-*.png.
"""
import random
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from assessment import services
from assessment.models import Ballot, PendingBallot
from cadre.tests.factories import CadreFactory, OrgUnitFactory
from core import roles
from selection.tests.factories import user
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PEOPLE = [("陈晓东", "财政局副局长"), ("林雅琴", "党政办公室副主任"), ("周建国", "经济发展局副局长"), ("吴海峰", "西山街道副主任")]


def _setup():
    staff = user("staff", roles.STAFF)
    leader = user("leader", roles.LEADER)
    unit = OrgUnitFactory(name="开发区管委会")
    targets = []
    for name, job in PEOPLE:
        cadre = CadreFactory(name=name, unit=unit, position_title=job)
        targets.append({"cadre": cadre, "description": job})
    session = services.ballot_session_create(
        actor=staff, title="2026年中层干部竞争上岗民主测评", option_set="评价", targets=targets,
        groups=[("领导班子成员", 30), ("中层干部", 40), ("一般干部", 20), ("服务对象", 10)],
    )
    services.session_open(actor=staff, session=session)
    return staff, leader, session


def _vote_many(staff, session):
    rnd = random.Random(5)
    weights = {"陈晓东": [6, 3, 1, 0], "林雅琴": [3, 5, 2, 0], "周建国": [2, 5, 2, 1], "吴海峰": [1, 4, 3, 2]}
    targets = list(session.targets.order_by("order"))
    for group, n in (("领导班子成员", 7), ("中层干部", 18), ("一般干部", 24), ("服务对象", 3)):
        g = session.groups.get(name=group)
        codes = services.codes_issue(actor=staff, session=session, group=g, count=n + 2)
        for code in codes[:n]:
            marks = {t.pk: rnd.choices(["优秀", "称职", "基本称职", "不称职"], weights[t.name])[0] for t in targets}
            services.ballot_submit(session_id=session.public_id, code=code, marks=marks)


def test_ballot_on_phone_and_results(live_server, browser):
    staff, leader, session = _setup()
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    (code,) = services.codes_issue(actor=staff, session=session, group=session.groups.get(name="一般干部"), count=1)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = phone.new_page()
    errors, hosts = [], set()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    posted = []
    page.on("request", lambda req: posted.append((req.method, req.url)))

    # the QR code's link: the code is in the fragment, which the browser never sends
    page.goto(f"{base}/assessment/vote/{session.public_id}/#c={code}")
    field = page.locator("#ballot-code")
    assert field.input_value() == code
    assert "#" not in page.url and code not in page.url  # removed from the address bar and history
    page.screenshot(path=str(SHOTS / "ballot-code.png"))

    page.click("button[type=submit]")
    page.get_by_text("下一步：核对").wait_for()
    targets = list(session.targets.order_by("order"))
    for target, option in zip(targets, ["优秀", "称职", "称职"]):  # the fourth is left blank
        page.locator(f"label[for^='m_{target.pk}_']", has_text=option).first.click()
    page.screenshot(path=str(SHOTS / "ballot-form.png"), full_page=True)

    page.click("text=下一步：核对")
    page.get_by_text("确认提交").wait_for()
    assert "有 1 名对象未填，按弃权处理" in page.content()
    page.screenshot(path=str(SHOTS / "ballot-review.png"), full_page=True)
    page.click("text=确认提交")
    page.get_by_text("投票成功").wait_for()
    page.screenshot(path=str(SHOTS / "ballot-done.png"))
    assert PendingBallot.objects.filter(session=session).count() == 1  # sealed in the pool until close
    assert all(method == "GET" or "code" not in url.lower() for method, url in posted)
    assert not any(code in url for _m, url in posted)

    # the same code again: refused with a clear message
    page.goto("about:blank")
    page.goto(f"{base}/assessment/vote/{session.public_id}/#c={code}")
    page.click("button[type=submit]")
    page.locator("[data-ballot-error]").wait_for()
    assert "已使用" in page.locator("[data-ballot-error]").inner_text()
    page.screenshot(path=str(SHOTS / "ballot-used.png"))
    assert PendingBallot.objects.filter(session=session).count() == 1 and not Ballot.objects.exists()
    phone.close()

    _vote_many(staff, session)
    services.session_close(actor=staff, session=session)

    desktop = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = desktop.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    login(page, base, leader.username)
    page.goto(f"{base}/assessment/sessions/{session.pk}/results/")
    expect(page.locator("[data-tally-chart=counts] canvas")).to_be_visible()
    expect(page.locator("[data-tally-chart=scores] canvas")).to_be_visible()
    page.wait_for_timeout(800)  # let the bar animation finish before the screenshot
    table = page.locator("table.table-bordered").first.inner_text()
    assert "服务对象" not in table and "其他" in table  # 3 ballots < 5 → merged into 其他
    session.refresh_from_db()
    assert session.result_hash in page.content()
    page.screenshot(path=str(SHOTS / "tally-results.png"), full_page=True)
    desktop.close()

    assert errors == []
    assert hosts == {base.split("/")[2]}  # nothing from a CDN


def test_codes_for_several_groups_printed_and_counted(live_server, browser):
    """Staff issue codes for two groups in one step, get the print page (打印), and the session page counts."""
    staff, leader, session = _setup()
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, staff.username)
    page.goto(f"{base}/assessment/sessions/{session.pk}/")
    groups = {g.name: g for g in session.groups.all()}
    page.fill(f"#id_count_{groups['领导班子成员'].pk}", "4")
    page.fill(f"#id_count_{groups['一般干部'].pk}", "6")
    page.select_option("#id_format", "html")
    page.click("text=生成测评票")
    page.locator(".slip").first.wait_for()
    assert page.locator(".slip").count() == 10
    assert page.locator("[data-print]").is_visible()
    page.screenshot(path=str(SHOTS / "ballot-slips-print-page.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "ballot-slips-printed.png"), full_page=True)
    assert not page.locator("[data-print]").is_visible()  # the button and the page chrome are not printed
    page.emulate_media(media="screen")

    services.ballot_submit(session_id=session.public_id, code=page.locator(".slip-code").first.inner_text(), marks={})
    page.goto(f"{base}/assessment/sessions/{session.pk}/")
    table = page.locator("table.turnout-table").inner_text()
    assert "合计" in table and "相符" in table
    page.screenshot(path=str(SHOTS / "ballot-count-check.png"), full_page=True)
    page.goto(f"{base}/assessment/sessions/{session.pk}/results/")
    assert "只显示参评情况" in page.content() and page.locator("[data-tally-chart]").count() == 0
    page.screenshot(path=str(SHOTS / "tally-open-turnout-only.png"), full_page=True)
    context.close()
    assert errors == []
