"""Faults: a database that goes away, error pages in Chinese, malformed and huge uploads, and a Celery worker
killed (SIGKILL) in the middle of a document batch.
"""
from __future__ import annotations

import http.client
import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
DB_DOWN = OperationalError("server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally")


# ------------------------------------------------------------------------------------------ database down
@pytest.mark.django_db
def test_database_down_on_a_page_gives_a_chinese_503(staff_client):
    with mock.patch("cadre.views.selectors.roster_search", side_effect=DB_DOWN):
        response = staff_client.get(reverse("cadre:roster"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "服务暂时不可用" in html and "数据库暂时无法连接" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.django_db
def test_database_down_on_the_api_gives_json_503(staff_client):
    with mock.patch("cadre.api.CadreViewSet.get_queryset", side_effect=DB_DOWN):
        response = staff_client.get(reverse("cadre-list"))
    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_database_failure_in_the_middle_of_a_write_leaves_no_partial_rows(client, staff_user):
    """The plan row is written, then the audit insert fails as if the server restarted: nothing is kept."""
    from core.models import AuditEvent
    from rotation.models import RotationPlan

    client.force_login(staff_user)
    before_audit = AuditEvent.objects.count()
    with mock.patch("core.audit.AuditEvent.objects.create", side_effect=DB_DOWN):
        response = client.post(reverse("rotation:plan-create"), {"name": "故障中的方案", "as_of": "2026-03-01"})
    assert response.status_code == 503
    assert "没有保存" in response.content.decode()
    assert not RotationPlan.objects.filter(name="故障中的方案").exists()
    assert AuditEvent.objects.count() == before_audit
    # the same request once the database is back succeeds
    ok = client.post(reverse("rotation:plan-create"), {"name": "故障中的方案", "as_of": "2026-03-01"})
    assert ok.status_code == 302 and RotationPlan.objects.filter(name="故障中的方案").count() == 1


# ------------------------------------------------------------------------------------------- error pages
@pytest.mark.django_db
def test_404_403_and_500_pages_are_in_chinese(client, candidate_user):
    client.force_login(candidate_user)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在（404）" in missing.content.decode()
    refused = client.get(reverse("cadre:roster"))
    assert refused.status_code == 403 and "没有访问权限（403）" in refused.content.decode()
    quiet = Client(raise_request_exception=False)
    quiet.force_login(candidate_user)
    with mock.patch("cadre.views.selectors.cadre_detail", side_effect=RuntimeError("boom")):
        broken = quiet.get(reverse("cadre:my-record"))
    html = broken.content.decode()
    assert broken.status_code == 500 and "系统出错了（500）" in html and "boom" not in html


# ------------------------------------------------------------------------------------------------- uploads
def _stored_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')


def _valid_xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.title = "干部名册"
    wb.active.append(["姓名", "性别", "身份证号"])
    wb.save(buffer)
    return buffer.getvalue()


def _broken_sheet_xlsx() -> bytes:
    """A real workbook whose sheet XML is cut off in the middle."""
    source = zipfile.ZipFile(io.BytesIO(_valid_xlsx()))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    members[sheet] = members[sheet][: len(members[sheet]) // 2]
    return _stored_zip(members)


@pytest.mark.django_db
@pytest.mark.parametrize("content, message", [
    (b"\x00" * 4096, "不是Excel（.xlsx）格式"),
    (_stored_zip({"[Content_Types].xml": CONTENT_TYPES}), ""),  # no workbook part
    (lambda: _broken_sheet_xlsx(), ""),
    (lambda: _valid_xlsx()[:3000], ""),  # truncated download
])
def test_malformed_xlsx_gets_a_clear_chinese_error_and_no_job(staff_client, content, message):
    from core.models import BackgroundJob

    data = content() if callable(content) else content
    response = staff_client.post(reverse("cadre:import"), {"file": SimpleUploadedFile("名册.xlsx", data)}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert any(text in html for text in ("已损坏", "不是有效的Excel", "不是Excel（.xlsx）格式")), "no clear Chinese error shown"
    if message:
        assert message in html
    # a malformed sheet either stops at the form or ends in a failed/erroneous preview: never imported
    assert not BackgroundJob.objects.filter(kind="cadre.roster_import", params__mode="commit").exists()


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return int(next(line for line in fh if line.startswith("VmRSS:")).split()[1])


def _stream_upload(url: str, cookies: dict, csrf: str, filename: str, size: int, head: bytes, tail_member=None) -> http.client.HTTPResponse:
    """POST a multipart upload of `size` bytes to the live server without ever holding it in memory."""
    boundary = uuid.uuid4().hex
    pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{csrf}\r\n"
           f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
           f"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
    post = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield pre
        yield head
        left = size - len(head)
        block = os.urandom(1 << 20)
        while left > 0:
            n = min(left, len(block))
            yield block[:n]
            left -= n
        yield post

    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    conn.request("POST", parsed.path, body=body(), headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(pre) + size + len(post)),
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Referer": url, "Host": f"{parsed.hostname}:{parsed.port}",
    })
    return conn.getresponse()


def _session_for(live_server, user) -> tuple[dict, str]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("cadre:import"))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies, csrf


@pytest.mark.django_db(transaction=True)
def test_huge_uploads_are_refused_clearly_with_bounded_memory(live_server, staff_user):
    """51 MB (over the 50 MB limit) and a 48 MB ZIP that passes the package check but holds no workbook: both
    get a Chinese error; the server's memory does not grow with the file (it is spooled to disk)."""
    url = live_server.url + reverse("cadre:import")
    cookies, csrf = _session_for(live_server, staff_user)
    growth = {}
    for label, size, head in (
        ("over-limit", 51 * 1024 * 1024, b"PK\x03\x04"),
        ("big-zip", 48 * 1024 * 1024, None),
    ):
        if head is None:
            # a stored ZIP: [Content_Types].xml first, then one member of random bytes (its local header only;
            # the central directory is missing, as in a cut-off transfer)
            info = zipfile.ZipInfo("[Content_Types].xml")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as z:
                z.writestr(info, CONTENT_TYPES)
            head = buffer.getvalue()[: buffer.getvalue().find(b"PK\x01\x02")]
        before = _rss_kb()
        response = _stream_upload(url, cookies, csrf, "大名册.xlsx", size, head)
        html = response.read().decode()
        growth[label] = (_rss_kb() - before) / 1024
        assert response.status == 200, html[:500]
        if label == "over-limit":
            assert "文件过大" in html and "不能超过" in html
        else:
            assert "已损坏" in html or "不是有效的Excel" in html or "不是Excel（.xlsx）格式" in html
    print(f"RSS growth per upload (MB): {growth}")
    assert all(mb < 40 for mb in growth.values()), growth


# --------------------------------------------------------------------------- a worker killed mid-batch
def _database_url() -> str:
    from urllib.parse import quote

    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}{':' + str(db['PORT']) if db.get('PORT') else ''}/{db['NAME']}"


def _start_worker(queue: str, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": "4",  # a lost task comes back after 4 s
        "DOCUMENTS_BATCH_CHUNK_SIZE": "2",  # progress after every two forms, so the kill lands mid-batch
    }
    log = open(log_path, "ab")
    return subprocess.Popen(
        [sys.executable, "-c", WORKER_MAIN, "worker", "-Q", queue, "-c", "1", "-P", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"{queue}-{uuid.uuid4().hex[:4]}@%h"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


# `celery worker` with the Redis transport sweeping for unacknowledged messages every second: by default kombu
# sweeps every unacked_restore_interval (10 s) × unacked_restore_throttle (10), so a killed worker's task would
# come back only after ~100 s instead of just after the 4 s visibility timeout.
WORKER_MAIN = (
    "import sys\n"
    "from config.celery import app\n"
    "app.conf.broker_transport_options = {**app.conf.broker_transport_options,"
    " 'unacked_restore_interval': 1, 'unacked_restore_throttle': 1}\n"
    "app.worker_main(sys.argv[1:])\n"
)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker for a real worker")
@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="the worker needs a shared (PostgreSQL) test database")
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_then_rerun_has_no_duplicate_and_no_loss(staff_user):
    from core.models import BackgroundJob
    from documents import services, tasks
    from documents.models import GeneratedDocument
    from documents.tests.conftest import make_full_cadre

    cadres = [make_full_cadre(name=name, seq=20 + i, with_photo=False)
              for i, name in enumerate(("张一", "王二", "李三", "赵四", "钱五", "孙六", "周七", "吴八", "郑九", "冯十"))]
    ids = [c.pk for c in cadres]
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    log_dir = BASE_DIR / ".test-media"
    log_dir.mkdir(exist_ok=True)
    log_path = log_dir / f"{queue}.log"
    job = services.job_create(actor=staff_user, kind="documents.approval_form", total=len(ids), params={"cadre_ids": ids})
    app = tasks.render_approval_forms.app
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {"visibility_timeout": 4}
    worker = _start_worker(queue, log_path)
    try:
        tasks.render_approval_forms.apply_async(args=[ids], kwargs={"actor_id": staff_user.pk, "job_id": job.pk}, queue=queue)
        # the first chunk is rendered (progress 2 of 10): kill the worker without warning
        _wait(lambda: BackgroundJob.objects.filter(pk=job.pk, progress__gte=2).exists(), 120, "the first rendered chunk")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        at_kill = GeneratedDocument.objects.filter(cadre_id__in=ids).count()
        progress_at_kill = BackgroundJob.objects.get(pk=job.pk).progress
        assert BackgroundJob.objects.get(pk=job.pk).status != BackgroundJob.Status.DONE
        # a new worker gets the unacknowledged task back (acks_late + visibility timeout) and finishes it
        worker = _start_worker(queue, log_path)
        _wait(lambda: BackgroundJob.objects.filter(pk=job.pk, status=BackgroundJob.Status.DONE).exists(), 180, "the redelivered batch")
        first_ids = sorted(BackgroundJob.objects.get(pk=job.pk).result["document_ids"])
        # an explicit rerun of the same batch (a user clicking again) finds every document by its hash
        rerun = services.job_create(actor=staff_user, kind="documents.approval_form", total=len(ids), params={"cadre_ids": ids})
        tasks.render_approval_forms.apply_async(args=[ids], kwargs={"actor_id": staff_user.pk, "job_id": rerun.pk}, queue=queue)
        _wait(lambda: BackgroundJob.objects.filter(pk=rerun.pk, status=BackgroundJob.Status.DONE).exists(), 120, "the rerun")
        second_ids = sorted(BackgroundJob.objects.get(pk=rerun.pk).result["document_ids"])
    finally:
        app.conf.task_always_eager = eager
        _stop(worker)
    docs = list(GeneratedDocument.objects.filter(cadre_id__in=ids))
    per_cadre = {cid: [d for d in docs if d.cadre_id == cid] for cid in ids}
    assert all(len(v) == 1 for v in per_cadre.values()), {k: len(v) for k, v in per_cadre.items()}  # no duplicate, no loss
    assert all(d.version == 1 and d.file.storage.exists(d.file.name) for d in docs)
    assert first_ids == second_ids == sorted(d.pk for d in docs)
    print(f"worker killed at progress {progress_at_kill}/10 with {at_kill} documents stored; "
          f"after the redelivery and a rerun: {len(docs)} documents, one per cadre")
