"""Eligibility pages and API: permissions both ways for every role, filters, export, waivers, rule sets."""
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadre import eligibility as E
from cadre.models import EligibilityRuleSet, EligibilityWaiver
from cadre.tests.factories import CadreFactory, PostFactory
from cadre.tests.test_eligibility import person
from core.models import AuditEvent

D = dt.date
ROLES = ["staff_user", "leader_user", "observer_user", "judge_user", "candidate_user"]
READERS = {"staff_user", "leader_user", "observer_user"}


@pytest.fixture
def world(db):
    post = PostFactory(level="正科级", title="局长", is_open_for_competition=True)
    closed = PostFactory(level="副科级", title="副局长")
    ok = person(birth=D(1985, 6, 15), rank_start=D(2020, 1, 1), name="符合甲")
    old = person(birth=D(1975, 1, 1), name="超龄乙")
    return {"post": post, "closed": closed, "ok": ok, "old": old}


def login(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_reader_pages_permissions(client, request, world, role):
    login(client, request, role)
    post, ok = world["post"], world["ok"]
    urls = [
        reverse("eligibility:index"),
        reverse("eligibility:post-screen", args=[post.pk]),
        reverse("eligibility:post-export", args=[post.pk]),
        reverse("eligibility:cadre-options", args=[ok.pk]),
        reverse("eligibility:explain", args=[ok.pk, post.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (200 if role in READERS else 403), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_only_rule_pages(client, request, world, role):
    login(client, request, role)
    for url in (
        reverse("eligibility:rule-sets"),
        reverse("eligibility:rule-set-level", args=["正科"]),
        reverse("eligibility:rule-set-post", args=[world["post"].pk]),
    ):
        assert client.get(url).status_code == (200 if role == "staff_user" else 403), url


@pytest.mark.django_db
def test_anonymous_redirected(client, world):
    for url in (reverse("eligibility:index"), reverse("eligibility:my-posts"), reverse("eligibility:post-screen", args=[world["post"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("eligibility-explain"), {"cadre": world["ok"].pk, "post": world["post"].pk}).status_code == 403


@pytest.mark.django_db
def test_post_screen_filters_and_pagination(client, staff_user, world, django_assert_max_num_queries):
    client.force_login(staff_user)
    url = reverse("eligibility:post-screen", args=[world["post"].pk])
    response = client.get(url, {"as_of": "2026-06-30"})
    body = response.content.decode()
    assert "符合甲" in body and "超龄乙" in body
    assert "年龄51岁，超过新提任正科男性45岁上限" in body
    assert "另有1项待人工审核" in body
    response = client.get(url, {"as_of": "2026-06-30", "result": "符合"})
    assert [x.cadre.name for x in response.context["page"].object_list] == ["符合甲"]
    response = client.get(url, {"as_of": "2026-06-30", "result": "不符合"})
    assert [x.cadre.name for x in response.context["page"].object_list] == ["超龄乙"]
    response = client.get(url, {"as_of": "2026-06-30", "appointment": "转任"})
    assert response.context["total"] == 0
    response = client.get(url, {"as_of": "2026-06-30", "unit": world["ok"].unit_id})
    assert response.context["total"] == 2  # both in the same 机关 test unit
    # default as-of date is today
    assert client.get(url).context["as_of"] == E.today()
    for _ in range(60):
        CadreFactory()
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, {"as_of": "2026-06-30", "page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 12
    for _ in range(60):
        CadreFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):  # the page reads its 50 rows, not the roster
        response = client.get(url, {"as_of": "2026-06-30", "page": 2})
    assert len(response.context["page"].object_list) == 50


@pytest.mark.django_db
def test_explain_api_reads_the_person_and_post_in_one_query(client, staff_user, world, django_assert_num_queries):
    client.force_login(staff_user)
    url = reverse("eligibility-explain")
    params = {"cadre": world["old"].pk, "post": world["post"].pk, "as_of": "2026-06-30"}
    assert client.get(url, params).json()["result"] == "不符合"  # the session is read once, then from the cache
    # the user, their groups, then the person with their history, waivers, manual checks, the rule sets and the post
    with django_assert_num_queries(3):
        response = client.get(url, params)
    assert response.json()["result"] == "不符合" and response.json()["id_number"] == world["old"].id_number


@pytest.mark.django_db
def test_post_export_has_reasons_column(client, observer_user, world):
    client.force_login(observer_user)
    response = client.get(reverse("eligibility:post-export", args=[world["post"].pk]), {"as_of": "2026-06-30"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[2]]
    assert header[:9] == ["序号", "姓名", "性别", "出生年月", "工作单位", "现任职务", "职务层次", "任职方式", "结果"]
    assert header[-1] == "原因" and "年龄" in header and "年度考核" in header
    rows = {ws.cell(row=r, column=2).value: [c.value for c in ws[r]] for r in range(3, ws.max_row + 1)}
    assert rows["符合甲"][8] == "符合"
    assert rows["超龄乙"][8] == "不符合"
    assert "年龄：年龄51岁" in rows["超龄乙"][-1]
    assert "政治素质和品行：待人工审核" in rows["符合甲"][-1]


@pytest.mark.django_db
def test_cadre_options_open_posts_and_level(client, leader_user, world):
    client.force_login(leader_user)
    url = reverse("eligibility:cadre-options", args=[world["ok"].pk])
    response = client.get(url, {"as_of": "2026-06-30"})
    assert [x.post.id for x in response.context["rows"]] == [world["post"].pk]
    response = client.get(url, {"as_of": "2026-06-30", "level": "副科"})
    assert [x.post.id for x in response.context["rows"]] == [world["closed"].pk]
    assert response.context["rows"][0].appointment == "转任"


@pytest.mark.django_db
def test_leader_grants_and_revokes_waiver_from_explain_page(client, leader_user, world):
    client.force_login(leader_user)
    old, post = world["old"], world["post"]
    url = reverse("eligibility:explain", args=[old.pk, post.pk])
    page = client.get(url)
    assert "批准放宽" in page.content.decode()
    response = client.post(reverse("eligibility:waiver-grant", args=[old.pk, post.pk]), {"rule": "age", "reason": "业务骨干，工作需要"})
    assert response.status_code == 302
    waiver = EligibilityWaiver.objects.get()
    assert waiver.approved_by == leader_user
    body = client.get(url).content.decode()
    assert "经批准放宽：业务骨干，工作需要" in body and "符合（含放宽）" in body
    client.post(reverse("eligibility:waiver-revoke", args=[waiver.pk]), {"reason": "复核不同意"})
    waiver.refresh_from_db()
    assert waiver.revoked_at is not None and waiver.revoked_by == leader_user
    # a refused grant shows the service's message
    response = client.post(reverse("eligibility:waiver-grant", args=[old.pk, post.pk]), {"rule": "age", "reason": ""}, follow=True)
    assert "请选择放宽条件并填写放宽理由" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff_user", "observer_user", "judge_user", "candidate_user"])
def test_non_leaders_cannot_waive(client, request, world, role):
    login(client, request, role)
    old, post = world["old"], world["post"]
    assert client.post(reverse("eligibility:waiver-grant", args=[old.pk, post.pk]), {"rule": "age", "reason": "x"}).status_code == 403
    assert not EligibilityWaiver.objects.exists()
    if role in READERS:
        assert "批准放宽（领导小组成员）" not in client.get(reverse("eligibility:explain", args=[old.pk, post.pk])).content.decode()


@pytest.mark.django_db
def test_candidate_sees_only_own_check(client, candidate_user, world):
    client.force_login(candidate_user)
    own = candidate_user.cadre
    response = client.get(reverse("eligibility:my-posts"))
    assert response.status_code == 200
    assert [x.post.id for x in response.context["rows"]] == [world["post"].pk]
    assert all(x.cadre.id == own.pk for x in response.context["rows"])
    response = client.get(reverse("eligibility:my-explain", args=[world["post"].pk]))
    assert response.status_code == 200 and response.context["x"].cadre.id == own.pk
    assert "放宽记录" not in response.content.decode()
    assert client.get(reverse("eligibility:my-explain", args=[world["closed"].pk])).status_code == 404
    assert client.get(reverse("eligibility:explain", args=[world["ok"].pk, world["post"].pk])).status_code == 403


@pytest.mark.django_db
def test_user_without_record_has_no_own_check(client, judge_user):
    client.force_login(judge_user)
    assert client.get(reverse("eligibility:my-posts")).status_code == 403


@pytest.mark.django_db
def test_staff_edits_rule_set_through_page(client, staff_user, world):
    client.force_login(staff_user)
    url = reverse("eligibility:rule-set-level", args=["正科"])
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = value
    data["new_age_male"] = 52
    data.pop("health_on")
    data["note"] = "按2026年方案调整"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    row = EligibilityRuleSet.objects.get(level="正科", post__isnull=True)
    assert row.params == {"新任": {"age": {"male": 52}}, "common": {"health": {"on": False}}}
    assert row.updated_by == staff_user and row.note == "按2026年方案调整"
    assert AuditEvent.objects.filter(action="eligibility.ruleset.save").exists()
    # invalid number is refused with a message
    data["new_age_male"] = 99
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    # post override and reset
    post_url = reverse("eligibility:rule-set-post", args=[world["post"].pk])
    data["new_age_male"] = 52
    data["new_edu_full_time"] = "on"
    assert client.post(post_url, data).status_code == 302
    post_row = EligibilityRuleSet.objects.get(post=world["post"])
    assert post_row.params == {"新任": {"education": {"full_time_only": True}}}
    assert "按2026年方案调整" in client.get(reverse("eligibility:rule-sets")).content.decode()
    assert client.post(reverse("eligibility:rule-set-delete", args=[post_row.pk])).status_code == 302
    assert not EligibilityRuleSet.objects.filter(post=world["post"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader_user", "observer_user", "judge_user", "candidate_user"])
def test_rule_set_writes_refused_for_non_staff(client, request, world, role):
    login(client, request, role)
    assert client.post(reverse("eligibility:rule-set-level", args=["正科"]), {"new_age_male": 50}).status_code == 403
    row = EligibilityRuleSet.objects.create(level="副科", params={"common": {"health": {"on": False}}})
    assert client.post(reverse("eligibility:rule-set-delete", args=[row.pk])).status_code == 403
    assert EligibilityRuleSet.objects.filter(pk=row.pk).exists()


# ---------------------------------------------------------------- API

@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_explain_permissions(client, request, world, role):
    user = login(client, request, role)
    url = reverse("eligibility-explain")
    response = client.get(url, {"cadre": world["old"].pk, "post": world["post"].pk, "as_of": "2026-06-30"})
    if role in READERS:
        assert response.status_code == 200
        data = response.json()
        assert data["result"] == "不符合" and data["appointment"] == "新任"
        age = next(r for r in data["rules"] if r["code"] == "age")
        assert age["status"] == "fail" and age["reason"].startswith("年龄51岁")
    else:
        assert response.status_code == 403
    if role == "candidate_user":
        own = user.cadre
        response = client.get(url, {"cadre": own.pk, "post": world["post"].pk})
        assert response.status_code == 200 and response.json()["cadre_id"] == own.pk
        assert client.get(url, {"cadre": own.pk, "post": world["closed"].pk}).status_code == 404


@pytest.mark.django_db
def test_api_explain_bad_input(client, staff_user, world):
    client.force_login(staff_user)
    url = reverse("eligibility-explain")
    assert client.get(url, {"cadre": "x"}).status_code == 400
    response = client.get(url, {"cadre": world["ok"].pk, "post": world["post"].pk, "as_of": "2026/1/1"})
    assert response.status_code == 400 and "截止日期格式不正确" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_screen_permissions_and_filters(client, request, world, role):
    login(client, request, role)
    url = reverse("eligibility-post-screen", args=[world["post"].pk])
    response = client.get(url, {"as_of": "2026-06-30"})
    if role not in READERS:
        assert response.status_code == 403
        return
    data = response.json()
    names = [r["name"] for r in data["results"]]
    assert "符合甲" in names and "超龄乙" in names
    assert data["results"][0]["result"] in ("符合", "符合（含放宽）")
    response = client.get(url, {"as_of": "2026-06-30", "result": "不符合"})
    assert [r["name"] for r in response.json()["results"]] == ["超龄乙"]
    assert client.get(url, {"result": "差不多"}).status_code == 400
    assert client.get(url, {"appointment": "调任"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_waiver_permissions(client, request, world, role):
    login(client, request, role)
    payload = {"cadre": world["old"].pk, "post": world["post"].pk, "rule": "age", "reason": "工作需要"}
    response = client.post(reverse("eligibility-waiver-create"), payload, content_type="application/json")
    if role != "leader_user":
        assert response.status_code == 403
        assert not EligibilityWaiver.objects.exists()
        return
    assert response.status_code == 201
    waiver_id = response.json()["id"]
    again = client.post(reverse("eligibility-waiver-create"), payload, content_type="application/json")
    assert again.status_code == 400 and "已有有效" in again.json()["detail"]
    response = client.post(reverse("eligibility-waiver-revoke", args=[waiver_id]), {"reason": "撤回"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["revoked_at"]


@pytest.mark.django_db
def test_api_schema_documents_eligibility(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/eligibility/explain/" in paths
    assert paths["/api/eligibility/explain/"]["get"]["summary"] == "单人对照单个职位的任职资格"
    assert "/api/eligibility/posts/{id}/screen/" in paths


@pytest.mark.django_db(transaction=True)
def test_post_screen_page_is_rendered_once_per_roster_version(client, staff_user, leader_user, monkeypatch):
    """Outside a transaction the "who qualifies" body is kept under the roster version, date, post and query:
    the same page again reads no screen; another viewer gets the same body (it shows nothing of the viewer);
    a write renders it afresh; another query is another page."""
    post = PostFactory(level="正科级", title="局长", is_open_for_competition=True)
    person(birth=D(1985, 6, 15), rank_start=D(2020, 1, 1), name="符合甲")
    calls = []
    real = E.selectors.post_screen
    monkeypatch.setattr(E.selectors, "post_screen", lambda *a, **k: calls.append(1) or real(*a, **k))
    url = reverse("eligibility:post-screen", args=[post.pk])
    client.force_login(staff_user)
    first = client.get(url, {"as_of": "2026-06-30"}).content.decode()
    assert "符合甲" in first and len(calls) == 1
    # the body after the print header (which names the viewer and the minute)
    body = first.split("<main", 1)[1].split("</main>")[0].split('<div class="print-header">', 1)[1].split("</div>", 1)[1]
    assert body in client.get(url, {"as_of": "2026-06-30"}).content.decode() and len(calls) == 1
    client.force_login(leader_user)
    leader = client.get(url, {"as_of": "2026-06-30"}).content.decode()
    assert len(calls) == 1 and body in leader
    assert "截止2026年6月30日" in leader  # the print title is the request's own
    person(birth=D(1986, 1, 1), rank_start=D(2020, 1, 1), name="新来乙")  # committed: a new roster version
    after = client.get(url, {"as_of": "2026-06-30"}).content.decode()
    assert "新来乙" in after and len(calls) == 2
    client.get(url, {"as_of": "2026-06-30", "result": "符合"})
    assert len(calls) == 3
