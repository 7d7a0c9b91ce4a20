"""The web server's access log (docker/start-web.sh → config/gunicorn.py): no query strings, no user agent,
身份证号 masked, and no line at all for the ballot page or the ballot API. Runs a real gunicorn."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ID = "330521198403120016"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> None:
    try:
        urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30).read()
    except urllib.error.HTTPError:
        pass


def test_start_web_uses_the_gunicorn_config():
    text = (ROOT / "docker" / "start-web.sh").read_text()
    assert "--config python:config.gunicorn" in text
    assert "--access-logformat" not in text  # the format lives in config/gunicorn.py only


def test_access_log_has_no_query_strings_no_ballot_lines_and_masked_ids(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "-c", "python:config.gunicorn",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(log), "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/accounts/login/?probe=1", timeout=30).read()
                break
            except OSError:  # not listening yet
                time.sleep(0.3)
        _get(f"{base}/accounts/login/?id_number={ID}&q=%E5%BC%A0%E4%B8%89", **{"User-Agent": "SecretAgent/1.0",
                                                                 "Referer": f"{base}/cadre/?q={ID}"})
        _get(f"{base}/cadre/{ID}/")
        _get(f"{base}/assessment/vote/6f1c1d2e-8a11-4c7e-9a55-0c2f8f3b1a77/")
        _get(f"{base}/api/ballots/")
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert any('"GET /accounts/login/"' in line for line in lines), text
    assert any("/cadre/330521********001*/" in line for line in lines), text
    assert "?" not in text and ID not in text and "张三" not in text and "%E5%BC%A0" not in text
    assert "SecretAgent" not in text and "probe" not in text
    assert "/assessment/vote/" not in text and "/api/ballots/" not in text
