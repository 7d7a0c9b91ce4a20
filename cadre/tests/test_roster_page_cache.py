"""The roster's rendered HTML kept under the roster version (core.fragments, cadre.views.roster): outside a
transaction the same query is rendered once; a committed write, another date, other permissions or another
query renders afresh; each viewer gets their own CSRF token in the cached batch form."""
import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre.services import cadre_update
from cadre.tests.factories import CadreFactory, EducationFactory, OrgUnitFactory
from core.fragments import CSRF_SLOT

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("cadre:roster")
TOKEN = re.compile(r'id="roster-batch"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}|打印时间：[0-9: -]+")  # the masked CSRF tokens; the print header's minute


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _people():
    unit = OrgUnitFactory(name="缓存测试局")
    people = [CadreFactory(unit=unit, name=f"缓存{i}") for i in range(3)]
    for cadre in people:
        EducationFactory(cadre=cadre, mode="全日制", level="大学本科")
    return unit, people


def _row_queries(queries) -> list:
    return [q for q in queries.captured_queries if 'FROM "cadre_cadre"' in q["sql"] and "user_id" not in q["sql"]]


def test_same_query_is_rendered_once_and_a_write_renders_afresh(staff_user):
    _unit, people = _people()
    client = _client(staff_user)
    first = client.get(URL, {"q": "缓存"}).content.decode()
    assert "缓存0" in first and first.count("data-cadre-row=") == 3
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL, {"q": "缓存"}).content.decode()
    assert not _row_queries(queries)  # neither the rows nor the count were read
    assert ANY_TOKEN.sub("", again) == ANY_TOKEN.sub("", first)
    cadre_update(actor=staff_user, cadre=people[0], data={"position_title": "新任科长"})  # commits: a new version
    with CaptureQueriesContext(connection) as queries:
        after = client.get(URL, {"q": "缓存"}).content.decode()
    assert _row_queries(queries) and "新任科长" in after


def test_the_htmx_table_and_the_page_are_kept_apart(staff_user):
    _people()
    client = _client(staff_user)
    page = client.get(URL, {"q": "缓存"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        table = client.get(URL, {"q": "缓存"}, HTTP_HX_REQUEST="true")
    assert not _row_queries(queries)  # the table the page showed, from the cache
    html = table.content.decode()
    assert ANY_TOKEN.sub("", html.strip()) in ANY_TOKEN.sub("", page)
    assert "<html" in page and "roster-filter" in page
    assert "<html" not in html and "roster-filter" not in html and html.count("data-cadre-row=") == 3
    assert "HX-Request" in table["Vary"]
    assert "<html" in client.get(URL, {"q": "缓存"}).content.decode()
    with CaptureQueriesContext(connection) as queries:  # another page of the same filter: the form is not built again
        client.get(URL, {"q": "缓存", "page": "2"})
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "cadre_orgunit"."id", "cadre_orgunit"."name"')]


def test_each_viewer_gets_their_own_csrf_token_and_permissions(staff_user, leader_user):
    _unit, people = _people()
    staff, leader = _client(staff_user), _client(leader_user)
    staff_html = staff.get(URL, {"q": "缓存"}).content.decode()
    leader_html = leader.get(URL, {"q": "缓存"}).content.decode()
    assert CSRF_SLOT not in staff_html and CSRF_SLOT not in leader_html
    (staff_token,) = set(TOKEN.findall(staff_html))
    (leader_token,) = set(TOKEN.findall(leader_html))
    assert staff_token != leader_token
    # the staff member's page (full 身份证号, edit buttons) is not the leader's (masked, none)
    number = people[0].id_number
    assert number in staff_html and number not in leader_html
    assert "新建档案" in staff_html and "新建档案" not in leader_html
    # the token filled into a cached page is accepted: a batch export posted with it goes through
    again = staff.get(URL, {"q": "缓存"}).content.decode()
    (token,) = set(TOKEN.findall(again))
    enforcing = Client(enforce_csrf_checks=True)
    enforcing.cookies = staff.cookies
    response = enforcing.post(reverse("cadre:roster-export"), {"csrfmiddlewaretoken": token, "cadre": [people[0].pk]})
    assert response.status_code == 200


def test_ages_follow_the_date(staff_user):
    unit = OrgUnitFactory(name="年龄局")
    CadreFactory(unit=unit, name="年龄甲", birth_date=dt.date(1980, 6, 15))
    client = _client(staff_user)
    with time_machine.travel("2026-06-14 10:00 +0800", tick=False):
        assert "（45岁）" in client.get(URL, {"q": "年龄甲"}).content.decode()
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        assert "（46岁）" in client.get(URL, {"q": "年龄甲"}).content.decode()
