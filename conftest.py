"""Shared fixtures: one user per role, the browser (Debian chromium through Playwright), and per-xdist-worker
isolation (the media folder: config/settings/test.py; databases and live-server ports: pytest-django)."""
import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from playwright.sync_api import sync_playwright

from cadre.tests.factories import CadreFactory
from core import roles
from tests.browser import launch


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the per-process locmem of config/settings/test.py): cached counts,
    screens and pages, throttles and sessions of one test never answer another's."""
    cache.clear()
    yield


def _user(username, *group_names, **extra):
    user = User.objects.create_user(username=username, password="pass12345", **extra)
    for name in group_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def staff_user(db):
    return _user("staff", roles.STAFF, first_name="组织部小王")


@pytest.fixture
def leader_user(db):
    return _user("leader", roles.LEADER)


@pytest.fixture
def judge_user(db):
    return _user("judge", roles.JUDGE)


@pytest.fixture
def observer_user(db):
    return _user("observer", roles.OBSERVER)


@pytest.fixture
def candidate_user(db):
    """A candidate with their own cadre record."""
    user = _user("candidate", roles.CANDIDATE)
    CadreFactory(user=user, name="候选人")
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def candidate_client(client, candidate_user):
    client.force_login(candidate_user)
    return client


@pytest.fixture
def browser(monkeypatch):
    """Headless Debian chromium (zh-CN), see tests/browser.py. Playwright's sync API runs an event loop in this
    thread, so the ORM calls a test makes between page actions need DJANGO_ALLOW_ASYNC_UNSAFE meanwhile."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


# The slowest tests first, so that under pytest-xdist the long browser walk overlaps everything else instead of
# starting last: the 11-stage walk, then the other browser and real-worker tests, then the rest (stable order).
def _weight(item) -> int:
    if item.get_closest_marker("browser") is not None:
        return 0 if "e2e" in item.nodeid else 1
    if item.get_closest_marker("worker") is not None:
        return 1
    return 2


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_weight)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases. Before they are dropped, PostgreSQL sessions still open on them (the
    live server's request threads leave one) are ended: otherwise DROP DATABASE waits 5 s and then fails,
    leaving the database behind."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
