"""Browser test of the roster's batch action: a clerk ticks two people, asks for their 任免审批表 in Word and
downloads one zip. Writes docs/screenshots/roster-batch.png and approval-forms-zip.png."""
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from core import roles
from selection.tests.factories import user
from tests.browser import DOWNLOAD_TIMEOUT_MS, click_and_wait, login

from .conftest import make_full_cadre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def test_clerk_downloads_the_forms_of_two_ticked_people(live_server, browser):
    user("staff", roles.STAFF)
    first = make_full_cadre(name="张晓明", seq=7, with_photo=False)
    second = make_full_cadre(name="李文静", seq=8, with_photo=False)
    make_full_cadre(name="王建国", seq=9, with_photo=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN", accept_downloads=True)
    login(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/cadre/")
    word = page.locator("[data-batch-bar] button[value=docx]")
    expect(word).to_be_disabled()
    page.check(f"input[data-select-row][value='{first.pk}']")
    page.check(f"input[data-select-row][value='{second.pk}']")
    expect(page.locator("[data-selected-count]")).to_have_text("2")
    expect(word).to_be_enabled()
    page.screenshot(path=str(SHOTS / "roster-batch.png"))
    click_and_wait(page, "[data-batch-bar] button[value=docx]")
    expect(page.locator("[data-zip-ready]")).to_be_visible(timeout=DOWNLOAD_TIMEOUT_MS)
    page.screenshot(path=str(SHOTS / "approval-forms-zip.png"))
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.click("[data-zip-download]")
    names = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())).namelist()
    assert sorted(names) == sorted(f"{c.name}-{c.id_number[-4:]}.docx" for c in (first, second))
