"""A real Celery worker process renders a document (needs REDIS_URL; PostgreSQL recommended).

The worker gets the test database through DATABASE_URL and the same settings module (hence the same
MEDIA_ROOT), and consumes a queue of its own so it cannot take other tasks from the broker.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker for a real worker"),
]

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 90


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    queue = f"documents-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(BASE_DIR / ".test-media" / f"{queue}.log", "wb") if (BASE_DIR / ".test-media").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-c", "1", "-P", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"{queue}@%h"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if log is not subprocess.DEVNULL:
            log.close()


@pytest.mark.django_db(transaction=True)
def test_worker_renders_and_stores_an_approval_form(worker_queue, staff_user):
    from documents import tasks
    from documents.models import GeneratedDocument
    from documents.tests.conftest import make_full_cadre

    cadre = make_full_cadre(with_photo=False)
    app = tasks.render_approval_forms.app
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        tasks.render_approval_forms.apply_async(args=[[cadre.pk]], kwargs={"actor_id": staff_user.pk}, queue=worker_queue)
    finally:
        app.conf.task_always_eager = eager
    deadline = time.monotonic() + WAIT_SECONDS
    doc = None
    while time.monotonic() < deadline:
        doc = GeneratedDocument.objects.filter(cadre=cadre).first()
        if doc is not None and doc.file.storage.exists(doc.file.name):
            break
        time.sleep(0.5)
    assert doc is not None, f"the worker stored no document within {WAIT_SECONDS} s"
    with doc.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert doc.page_count == 2 and doc.created_by == staff_user and doc.version == 1
