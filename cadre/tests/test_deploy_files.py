"""docker-compose.yml and docker/: the production shape, checked by reading (Docker is not available in CI)."""
import importlib
import os
import stat
from pathlib import Path

import yaml

import config.gunicorn as gunicorn_config

ROOT = Path(__file__).resolve().parents[2]
PYTHON_SERVICES = ("web", "worker", "beat")


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_parses_and_has_the_five_services():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"


def test_one_gunicorn_config_and_environment_for_all_python_services():
    services = compose()["services"]
    envs = [services[name]["environment"] for name in PYTHON_SERVICES]
    assert all(env == envs[0] for env in envs)
    env = envs[0]
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        assert env[key], key
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert "localhost" in env["DJANGO_ALLOWED_HOSTS"]  # the web healthcheck probes localhost
    images = {services[name]["image"] for name in PYTHON_SERVICES}
    assert len(images) == 1
    assert all(services[name]["build"]["dockerfile"] == "docker/Dockerfile" for name in PYTHON_SERVICES)


def test_commands_run_gunicorn_and_celery():
    services = compose()["services"]
    scripts = {name: (ROOT / services[name]["command"][0].replace("/app/", "", 1)) for name in PYTHON_SERVICES}
    web = scripts["web"].read_text()
    assert "gunicorn config.wsgi" in web
    assert web.index("manage.py migrate --noinput") < web.index("exec gunicorn")  # migrations before the server
    assert "celery -A config worker" in scripts["worker"].read_text()
    assert "celery -A config beat" in scripts["beat"].read_text()
    for path in [*scripts.values(), ROOT / "docker" / "entrypoint.sh"]:
        assert path.read_text().startswith("#!/bin/sh\n")
        assert os.stat(path).st_mode & stat.S_IXUSR, path


def test_healthchecks_and_dependencies():
    services = compose()["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://localhost:8000/" in web_check
    for name in PYTHON_SERVICES:
        depends = services[name]["depends_on"]
        assert all(cond["condition"] == "service_healthy" for cond in depends.values())
        assert "redis" in depends
    assert {"postgres", "redis"} <= set(services["web"]["depends_on"])
    assert "web" in services["worker"]["depends_on"] and "web" in services["beat"]["depends_on"]


def test_volumes_for_database_and_media():
    data = compose()
    assert {"pgdata", "media"} <= set(data["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in data["services"]["postgres"]["volumes"]
    assert "media:/app/media" in data["services"]["web"]["volumes"]
    assert "media:/app/media" in data["services"]["worker"]["volumes"]


def test_dockerfile_base_fonts_weasyprint_libs_and_collectstatic():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    assert text.splitlines()[1] == "FROM python:3.11-slim-bookworm"
    for package in ("fonts-wqy-zenhei", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b"):
        assert package in text
    assert "pip install -r /app/requirements.txt" in text
    assert "collectstatic --noinput" in text
    assert "USER app" in text


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", ".git", "db.sqlite3", "media", "staticfiles", ".env"):
        assert entry in ignored


def test_gunicorn_workers_two_per_core_plus_one_unless_set(monkeypatch):
    """docker/start-web.sh leaves the number of workers to config/gunicorn.py: GUNICORN_WORKERS, else
    gunicorn's rule of two per core plus one (measured best once pages come from the cache: docs/decisions.md)."""
    web = (ROOT / "docker" / "start-web.sh").read_text()
    assert "--config python:config.gunicorn" in web and "--workers" not in web
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert importlib.reload(gunicorn_config).workers == 5
    monkeypatch.setenv("GUNICORN_WORKERS", "9")
    assert importlib.reload(gunicorn_config).workers == 9
    monkeypatch.delenv("GUNICORN_WORKERS")
    importlib.reload(gunicorn_config)
