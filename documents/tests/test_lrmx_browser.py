"""Browser test of the LRMX batch import: a clerk uploads a zip of 任免审批表 files, reads the preview (new,
changed field by field, refused), confirms, and downloads nothing until then. Writes docs/screenshots/lrmx-*.png."""
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cadre.models import Cadre
from core import roles
from documents import lrmx
from selection.tests.factories import user
from tests.browser import click_and_wait, login

from .conftest import make_full_cadre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def _zip() -> bytes:
    known = make_full_cadre(name="张晓明", seq=7, with_photo=False)
    changed = lrmx.export_person(known).replace("浙江湖州".encode(), "浙江安吉".encode())
    newcomer = make_full_cadre(name="李文静", seq=8, with_photo=False)
    new_file = lrmx.export_person(newcomer)
    Cadre.objects.filter(pk=newcomer.pk).delete()  # the second person arrives as new
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("张晓明.lrmx", changed)
        zf.writestr("李文静.lrmx", new_file)
        zf.writestr("说明.lrmx", b"%PDF-1.4 not a form")
    return buf.getvalue()


def test_clerk_previews_and_confirms_a_zip(live_server, browser, tmp_path):
    user("staff", roles.STAFF)
    path = tmp_path / "任免审批表.zip"
    path.write_bytes(_zip())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    login(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/documents/lrmx/import/")
    page.set_input_files("#lrmx-file", str(path))
    click_and_wait(page, "form[enctype='multipart/form-data'] button[type=submit]")
    expect(page.get_by_text("浙江安吉").first).to_be_visible()
    expect(page.get_by_text("说明.lrmx").first).to_be_visible()
    assert Cadre.objects.get(name="张晓明").native_place == "浙江湖州"  # nothing written before confirming
    assert not Cadre.objects.filter(name="李文静").exists()
    page.screenshot(path=str(SHOTS / "lrmx-batch-preview.png"), full_page=True)
    click_and_wait(page, "form[action$='/confirm/'] button[type=submit]")
    expect(page.get_by_role("heading", name="LRMX批量导入结果")).to_be_visible()
    assert Cadre.objects.get(name="张晓明").native_place == "浙江安吉"
    assert Cadre.objects.filter(name="李文静").exists()
    page.screenshot(path=str(SHOTS / "lrmx-batch-report.png"), full_page=True)
