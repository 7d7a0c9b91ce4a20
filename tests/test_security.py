"""Security settings: deploy check, secure cookies, axes lockout, CSP (no inline scripts), upload checks,
the audit-log viewer, 身份证号 masked in logs and in lists, and a browser run of every role's home page under
the CSP (which also writes docs/screenshots/home-<role>.png).
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from cadre.tests.factories import CadreFactory, OrgUnitFactory
from core import roles
from core.audit import audit
from core.exceptions import ApplicationError
from core.privacy import IdNumberMaskFilter, mask_id_numbers
from core.uploads import check_photo, check_xlsx
from selection.tests import factories as F
from tests.browser import login

BASE_DIR = Path(settings.BASE_DIR)
ID = "330521198403120016"  # any 18-digit number shaped like a 身份证号


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "ASSESSMENT_BALLOT_HMAC_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "cadre.example.org",
        "DATABASE_URL": "sqlite:///" + str(BASE_DIR / ".test-media" / "deploy-check.sqlite3"),
        **extra,
    })
    return env


# ------------------------------------------------------------------------------------ deploy settings
# One process with the production settings answers both tests below: `check --deploy` and the security settings.
PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings as s
from django.core.management import call_command
from django.core.management.base import SystemCheckError
try:
    call_command("check", deploy=True, fail_level="WARNING")
    check = "ok"
except SystemCheckError as exc:
    check = str(exc)
print(json.dumps({"check": check, "settings": {
    "session": s.SESSION_COOKIE_SECURE, "csrf": s.CSRF_COOKIE_SECURE, "httponly": s.SESSION_COOKIE_HTTPONLY,
    "ssl": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS, "debug": s.DEBUG,
    "csp": "csp.middleware.CSPMiddleware" in s.MIDDLEWARE, "axes": "axes.middleware.AxesMiddleware" in s.MIDDLEWARE,
    "script_src": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]}}))
"""


@pytest.fixture(scope="module")
def production():
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=BASE_DIR, env=production_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings(production):
    stdout, answer = production
    assert answer["check"] == "ok", answer["check"]
    assert "no issues" in stdout


def test_production_cookies_are_secure_and_csp_is_on(production):
    _stdout, answer = production
    assert answer["settings"] == {
        "session": True, "csrf": True, "httponly": True, "ssl": True, "hsts": 31536000, "debug": False,
        "csp": True, "axes": True, "script_src": ["'self'"],
    }


# ------------------------------------------------------------------------------------------------- axes
@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_axes_locks_out_after_five_failures(client, staff_user):
    from axes.models import AccessAttempt

    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "staff", "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with the error
    locked = client.post(url, {"username": "staff", "password": "wrong-password"})
    assert locked.status_code in (403, 429)
    assert "登录失败次数过多" in locked.content.decode()
    # the right password does not help while locked out
    again = client.post(url, {"username": "staff", "password": "pass12345"})
    assert again.status_code in (403, 429) and "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="staff").exists()


# -------------------------------------------------------------------------------------------------- CSP
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_inline_scripts_or_event_handlers_in_templates():
    offenders = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for regex, what in ((INLINE_SCRIPT, "inline <script>"), (INLINE_HANDLER, "inline event handler"), (JS_URL, "javascript: URL")):
            for m in regex.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                offenders.append(f"{path.relative_to(BASE_DIR)}:{line}: {what}: {m.group(0)[:60]}")
    assert not offenders, "move these into static/js (CSP forbids inline scripts):\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_pages_carry_the_csp_header(staff_client):
    response = staff_client.get(reverse("cadre:roster"))
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    assert '<meta name="htmx-config"' in html and '"includeIndicatorStyles": false' in html


# ----------------------------------------------------------------------------------------------- uploads
def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("content, message", [
    (b"", "空文件"),
    (b"name,gender\n", "不是Excel（.xlsx）格式"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版Excel"),
    (_zip({"word/document.xml": b"<w/>"}), "缺少[Content_Types].xml"),
    (b"PK\x03\x04" + b"\0" * 100, "已损坏"),
])
def test_xlsx_content_checks(content, message):
    with pytest.raises(ApplicationError) as exc:
        check_xlsx(SimpleUploadedFile("名册.xlsx", content))
    assert message in exc.value.message


def test_xlsx_size_limit_and_a_real_workbook_passes():
    with pytest.raises(ApplicationError, match="过大"):
        check_xlsx(SimpleUploadedFile("名册.xlsx", _xlsx_bytes()), limit=100)
    check_xlsx(SimpleUploadedFile("名册.xlsx", _xlsx_bytes()))


def test_photo_checks():
    check_photo(SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20))
    check_photo(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20))
    with pytest.raises(ApplicationError, match="JPEG或PNG"):
        check_photo(SimpleUploadedFile("a.jpg", b"GIF89a" + b"\0" * 20))
    with pytest.raises(ApplicationError, match="过大"):
        check_photo(SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"\0" * 100), limit=10)


@pytest.mark.django_db
def test_roster_upload_of_a_renamed_zip_gets_a_chinese_error(staff_client):
    upload = SimpleUploadedFile("名册.xlsx", _zip({"a.txt": b"x"}))
    response = staff_client.post(reverse("cadre:import"), {"file": upload})
    assert response.status_code == 200
    assert "缺少[Content_Types].xml" in response.content.decode()


@pytest.mark.django_db
def test_lrmx_upload_that_is_not_xml_gets_a_chinese_error(staff_client):
    response = staff_client.post(reverse("documents:lrmx-import"), {"file": SimpleUploadedFile("张三.lrmx", b"%PDF-1.4")})
    page = staff_client.get(response["Location"]).content.decode()
    assert "张三.lrmx" in page and "不是格式正确的XML" in page


@pytest.mark.django_db
def test_photo_that_is_not_jpeg_or_png_is_refused_by_the_record_form(staff_user):
    from cadre.forms import CadreForm

    cadre = CadreFactory()
    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
           b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
    form = CadreForm(data={}, files={"photo": SimpleUploadedFile("p.gif", gif, content_type="image/gif")}, instance=cadre)
    form.is_valid()
    assert "照片只能是JPEG或PNG格式的图片文件。" in form.errors.get("photo", [])


# ------------------------------------------------------------------------------------------- audit log
@pytest.fixture
def audit_rows(db, staff_user):
    from core.models import AuditEvent

    rows = [AuditEvent(actor=staff_user, action="cadre.update" if i % 2 else "rotation.plan.create", object_type="cadre.cadre",
                       object_id=str(i), summary=f"修改干部档案 身份证号 {ID} 第{i}条", data={"id_number": ID})
            for i in range(60)]
    AuditEvent.objects.bulk_create(rows)
    return rows


@pytest.mark.django_db
def test_audit_log_for_the_observer_masks_id_numbers_filters_and_pages(client, observer_user, audit_rows, django_assert_max_num_queries):
    client.force_login(observer_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit-log"))
    html = response.content.decode()
    assert response.status_code == 200 and "操作记录" in html
    assert ID not in html and "330521********001*" in html
    assert "共 60 条记录" in html and "第 1/2 页" in html
    filtered = client.get(reverse("audit-log"), {"action": "cadre.update"}).content.decode()
    assert "共 30 条记录" in filtered
    second = client.get(reverse("audit-log"), {"action": "cadre.update", "page": 2}).content.decode()
    assert "共 30 条记录" in second and "第 1/2 页" not in second
    empty = client.get(reverse("audit-log"), {"q": "不存在的内容"}).content.decode()
    assert "没有符合条件的操作记录" in empty
    bad = client.get(reverse("audit-log"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}).content.decode()
    assert "起始日期不能晚于截止日期" in bad


@pytest.mark.django_db
def test_audit_log_query_count_does_not_grow_with_rows(client, staff_user, audit_rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import AuditEvent

    client.force_login(staff_user)
    client.get(reverse("audit-log"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("audit-log"), {"page": 2})
    other = type(staff_user).objects.create_user("another_staff")
    AuditEvent.objects.bulk_create([AuditEvent(actor=other, action="cadre.update", summary=f"第{i}条") for i in range(60)])
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("audit-log"), {"page": 2})
    assert len(second) == len(first) <= 10
    assert ID in client.get(reverse("audit-log"), {"page": 3}).content.decode()  # staff see the full number


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["candidate_user", "judge_user", "leader_user"])
def test_audit_log_is_refused_to_other_roles(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("audit-log")).status_code == 403


# ----------------------------------------------------------------------------------------- personal data
def test_mask_id_numbers_in_text():
    assert mask_id_numbers(f"身份证号{ID}有误") == "身份证号330521********001*有误"
    assert mask_id_numbers("33052119840312001X") == "330521********001*"
    assert mask_id_numbers("订单号 1234567890123456789012") == "订单号 1234567890123456789012"  # 22 digits: not an ID


def test_log_records_never_carry_an_id_number():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(IdNumberMaskFilter())
    logger = logging.getLogger("tests.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("导入失败：身份证号 %s 重复", ID)
        try:
            raise ValueError(f"bad id {ID}")
        except ValueError:
            logger.exception("row %d", 7)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert ID not in text
    assert "身份证号 330521********001* 重复" in text and "bad id 330521********001*" in text and "row 7" in text


def test_the_console_handler_masks_id_numbers():
    handler = settings.LOGGING["handlers"]["console"]
    assert "mask_id_numbers" in handler["filters"]
    assert settings.LOGGING["filters"]["mask_id_numbers"]["()"] == "core.privacy.IdNumberMaskFilter"


@pytest.mark.django_db
def test_id_numbers_masked_in_lists_for_roles_that_do_not_need_them(client, staff_user, leader_user, observer_user):
    cadre = CadreFactory(name="掩码测试")
    full = cadre.id_number
    masked = f"{full[:6]}********{full[14:17]}*"
    for user, sees_full in ((staff_user, True), (leader_user, False), (observer_user, False)):
        client.force_login(user)
        page = client.get(reverse("cadre:roster")).content.decode()
        api = json.dumps(client.get(reverse("cadre-list")).json(), ensure_ascii=False)
        for text in (page, api):
            assert (full in text) is sees_full, user.username
            if not sees_full:
                assert masked in text


# ------------------------------------------------------------------------------------------ browser + CSP
SHOTS = BASE_DIR / "docs" / "screenshots"
HOME_PAGES = [
    # role, username, the page to show, text the page must show
    ("staff", "shot_staff", "cadre:roster", "干部花名册"),
    ("leader", "shot_leader", "selection:leader-inbox", ""),
    ("judge", "shot_judge", "selection:judge-home", ""),
    ("observer", "shot_observer", "audit-log", "操作记录"),
    ("candidate", "shot_candidate", "cadre:my-record", ""),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_home_page_under_csp_with_htmx(live_server, browser):
    """Log in through the form as each role, open the home page, check no CSP violation is reported, and for
    staff run an htmx filter on the roster (htmx must work without inline scripts or eval)."""
    unit = OrgUnitFactory(name="财政局")
    people = [CadreFactory(name=n, unit=unit) for n in ("陈晓东", "李秀英", "王建国")]
    role_names = {"staff": roles.STAFF, "leader": roles.LEADER, "judge": roles.JUDGE, "observer": roles.OBSERVER,
                  "candidate": roles.CANDIDATE}
    names = {"staff": "王组织", "leader": "李书记", "judge": "张评委", "observer": "赵纪检", "candidate": "陈晓东"}
    users = {role: F.user(username, role_names[role], first_name=names[role]) for role, username, _p, _t in HOME_PAGES}
    people[0].user = users["candidate"]
    people[0].save(update_fields=["user"])
    audit(actor=users["staff"], action="cadre.update", obj=people[1], summary="修改干部档案：李秀英 任现职时间")

    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, username, page_name, must_show in HOME_PAGES:
        context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        page = context.new_page()
        violations = []
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        login(page, live_server.url, username)
        page.goto(f"{live_server.url}{reverse(page_name)}")
        if must_show:
            expect(page.locator("body")).to_contain_text(must_show)
        if role == "staff":
            with page.expect_response(lambda r: "/cadre/" in r.url and "q=" in r.url):
                page.locator("#id_q").fill("李秀英")
            table = page.locator("#roster-table")
            expect(table).not_to_contain_text("王建国")  # htmx filtering runs under the CSP
            expect(table).to_contain_text("李秀英")
        page.screenshot(path=str(SHOTS / f"home-{role}.png"), full_page=False)
        assert not violations, f"{role}: CSP violations: {violations}"
        context.close()
