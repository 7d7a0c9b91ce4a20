"""Safe defaults: DEBUG off unless asked for, no committed secret, a per-install ballot HMAC key, production
refusing to start without its keys, Celery redelivery settings, the access log format."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.install_keys import install_secret

ROOT = Path(settings.BASE_DIR)
ENTRY_POINTS = ("manage.py", "config/wsgi.py", "config/celery.py")
PROBE = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY == s.ASSESSMENT_BALLOT_HMAC_KEY)"


def _run(code: str, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ASSESSMENT_"))}
    env.update(extra)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_manage_wsgi_and_celery_default_to_settings_with_debug_off():
    modules = set()
    for name in ENTRY_POINTS:
        found = re.findall(r'setdefault\("DJANGO_SETTINGS_MODULE", "([\w.]+)"\)', (ROOT / name).read_text())
        assert len(found) == 1, name
        modules.add(found[0])
    assert len(modules) == 1
    (module,) = modules
    result = _run(PROBE, DJANGO_SETTINGS_MODULE=module)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]  # DEBUG off; the HMAC key is not the SECRET_KEY
    # only an explicit switch turns it on (make dev)
    assert _run(PROBE, DJANGO_SETTINGS_MODULE=module, DJANGO_DEBUG="1").stdout.split()[0] == "True"


def test_make_run_and_make_dev_say_which_debug_they_want():
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run:.*\n\t(.*)$", makefile, re.M).group(1)
    dev = re.search(r"^dev:.*\n\t(.*)$", makefile, re.M).group(1)
    assert run.startswith("DJANGO_DEBUG=0 ") and "runserver" in run
    assert dev.startswith("DJANGO_DEBUG=1 ") and "runserver" in dev
    assert settings.WHITENOISE_USE_FINDERS  # static files without DEBUG on the embedded server


def test_install_secrets_differ_per_install_are_private_and_stable(tmp_path):
    one, two = tmp_path / "a", tmp_path / "b"
    key = install_secret(one, "secret_key")
    assert len(key) >= 50 and install_secret(one, "secret_key") == key  # generated once, then read back
    assert install_secret(two, "secret_key") != key  # another install, another key
    assert install_secret(one, "ballot_hmac_key") != key
    assert stat.S_IMODE((one / "secret_key").stat().st_mode) == 0o600


def test_no_committed_secret_is_used():
    assert settings.SECRET_KEY != settings.ASSESSMENT_BALLOT_HMAC_KEY
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".secrets/secret_key" not in tracked
    for key in (settings.SECRET_KEY, settings.ASSESSMENT_BALLOT_HMAC_KEY):
        found = subprocess.run(["git", "grep", "-l", "-F", key], cwd=ROOT, capture_output=True, text=True)
        assert found.stdout == "", f"a key in use is committed: {found.stdout}"
    ignored = subprocess.run(["git", "check-ignore", "-q", ".secrets/secret_key"], cwd=ROOT)
    assert ignored.returncode == 0
    assert "insecure" not in (ROOT / "config" / "settings" / "base.py").read_text()


def _production(**keys) -> subprocess.CompletedProcess:
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "cadre.example.org",
           "DJANGO_SECRETS_DIR": "/nonexistent/never-written", **keys}
    return _run(PROBE, **env)


@pytest.mark.parametrize("keys, message", [
    ({"DJANGO_SECRET_KEY": "s" * 60}, "ASSESSMENT_BALLOT_HMAC_KEY"),
    ({"ASSESSMENT_BALLOT_HMAC_KEY": "h" * 60}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "k" * 60, "ASSESSMENT_BALLOT_HMAC_KEY": "k" * 60}, "不能与 DJANGO_SECRET_KEY 相同"),
])
def test_production_refuses_to_start_without_its_own_keys(keys, message):
    result = _production(**keys)
    assert result.returncode != 0 and message in result.stderr
    assert not Path("/nonexistent/never-written").exists()


def test_production_starts_with_both_keys():
    result = _production(DJANGO_SECRET_KEY="s" * 60, ASSESSMENT_BALLOT_HMAC_KEY="h" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_celery_acknowledges_late_and_redelivers_after_the_longest_task():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < timeout < 3600  # longer than any task, shorter than the default
    assert settings.JOBS_STUCK_AFTER_SECONDS > settings.CELERY_TASK_TIME_LIMIT
