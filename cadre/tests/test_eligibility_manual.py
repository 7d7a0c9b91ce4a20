"""Manual items recorded by staff, 降职 never listed as a candidate, the grouped screen, the filtered index with
counts that agree with its rows, and the cached screen invalidated by writes."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre import eligibility as E
from cadre import services
from cadre.eligibility import cache as K
from cadre.eligibility import columns as C
from cadre.eligibility import rules as R
from cadre.eligibility import selectors as S
from cadre.models import EligibilityManualCheck, PostHistory
from cadre.tests.factories import OrgUnitFactory, PostFactory
from cadre.tests.test_eligibility import person
from core.exceptions import ApplicationError
from core.models import AuditEvent

D = dt.date
AS_OF = D(2026, 6, 30)
ROLES = ["staff_user", "leader_user", "observer_user", "judge_user", "candidate_user"]


def manual_line(x):
    return next(r for r in x.rules if r.code == "manual")


# ---------------------------------------------------------------- rules

def test_detect_appointment_demotion_transfer_new():
    assert R.detect_appointment(current_rank="正科级", title_level="", post_grade=1) == (R.DEMOTION, "现任正科级")
    assert R.detect_appointment(current_rank="一级主任科员", title_level="", post_grade=1)[0] == R.DEMOTION
    assert R.detect_appointment(current_rank="副科级", title_level="", post_grade=1) == (R.TRANSFER, "现任副科级")
    assert R.detect_appointment(current_rank="一级科员", title_level="中级", post_grade=1) == (R.TRANSFER, "具有中级职称")
    assert R.detect_appointment(current_rank="一级科员", title_level="", post_grade=1) == (R.NEW, "")


@pytest.mark.django_db
def test_a_zhengke_chief_is_a_demotion_for_a_fuke_post_and_never_a_candidate():
    fuke = PostFactory(level="副科级", title="副局长")
    chief = person(rank="正科级", birth=D(1980, 1, 1), position_title="局长")
    x = E.explain(chief, fuke, AS_OF)
    assert (x.appointment, x.result) == (R.DEMOTION, R.RESULT_FAIL)
    level = next(r for r in x.rules if r.code == "level")
    assert level.status == R.FAIL and "属降职" in level.reason and not level.waivable


# ---------------------------------------------------------------- manual checks

@pytest.mark.django_db
def test_manual_check_service_decides_the_manual_line_and_is_audited(staff_user):
    post, other = PostFactory(level="副科级", title="副局长"), PostFactory(level="副科级", title="副主任")
    c = person(rank="一级科员", birth=D(1990, 1, 1))
    assert manual_line(E.explain(c, post, AS_OF)).status == R.MANUAL
    services.manual_check_record(actor=staff_user, cadre=c, passed=True, reason="经考察，政治立场坚定")
    x = E.explain(c, post, AS_OF)
    assert manual_line(x).status == R.PASS and not x.manual and x.result == R.RESULT_OK
    assert manual_line(x).reason.startswith("人工审核通过：经考察，政治立场坚定")
    # a post's own record wins over the general one; recording again replaces it
    services.manual_check_record(actor=staff_user, cadre=c, post=post, passed=False, reason="考察发现问题")
    services.manual_check_record(actor=staff_user, cadre=c, post=post, passed=False, reason="考察发现品行问题")
    assert EligibilityManualCheck.objects.filter(cadre=c).count() == 2
    x = E.explain(c, post, AS_OF)
    assert x.result == R.RESULT_FAIL and "品行问题" in manual_line(x).reason
    assert E.explain(c, other, AS_OF).result == R.RESULT_OK
    # the campaign scope applies where no post record exists
    services.manual_check_record(actor=staff_user, cadre=c, scope="campaign:9", passed=False, reason="另案处理")
    assert E.explain(c, other, AS_OF, scope="campaign:9").result == R.RESULT_FAIL
    # strict: without a record the person is 待人工审核
    assert E.explain(person(rank="一级科员", birth=D(1990, 1, 1)), post, AS_OF, strict_manual=True).result == R.RESULT_MANUAL
    events = AuditEvent.objects.filter(action="eligibility.manual_check.record")
    assert events.count() == 4 and "考察发现品行问题" in events.order_by("-id")[1].summary
    services.manual_check_delete(actor=staff_user, check=EligibilityManualCheck.objects.get(cadre=c, post=post))
    assert manual_line(E.explain(c, post, AS_OF)).status == R.PASS  # the general record again
    assert AuditEvent.objects.filter(action="eligibility.manual_check.delete").count() == 1


@pytest.mark.django_db
def test_manual_check_refused_for_others_and_without_reason(leader_user, staff_user):
    c = person()
    with pytest.raises(ApplicationError):
        services.manual_check_record(actor=leader_user, cadre=c, passed=True, reason="同意")
    with pytest.raises(ApplicationError):
        services.manual_check_record(actor=staff_user, cadre=c, passed=True, reason="  ")
    assert not EligibilityManualCheck.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_manual_check_page_staff_only_both_ways(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    post = PostFactory(level="副科级", title="副局长")
    c = person(rank="一级科员", birth=D(1990, 1, 1))
    url = reverse("eligibility:manual-checks", args=[c.pk])
    assert client.get(url).status_code == (200 if role == "staff_user" else 403)
    response = client.post(url, {"post": post.pk, "passed": "1", "reason": "经考察，政治素质好"})
    assert response.status_code == (302 if role == "staff_user" else 403)
    assert EligibilityManualCheck.objects.filter(cadre=c, post=post, passed=True).exists() == (role == "staff_user")
    if role == "staff_user":
        x = E.explain(c, post, AS_OF)
        assert manual_line(x).status == R.PASS
        body = client.get(reverse("eligibility:explain", args=[c.pk, post.pk])).content.decode()
        assert "人工审核通过：经考察，政治素质好" in body and "记录人工审核结论" in body
        check = EligibilityManualCheck.objects.get(cadre=c)
        assert client.post(reverse("eligibility:manual-check-delete", args=[check.pk])).status_code == 302
        assert not EligibilityManualCheck.objects.exists()
    else:
        check = EligibilityManualCheck.objects.create(cadre=c, passed=True, reason="x", recorded_by=request.getfixturevalue("staff_user"), recorded_on=AS_OF)
        assert client.post(reverse("eligibility:manual-check-delete", args=[check.pk])).status_code == 403
        assert EligibilityManualCheck.objects.filter(pk=check.pk).exists()


# ---------------------------------------------------------------- the post's screen: groups and counts

@pytest.fixture
def fuke_world(db):
    unit = OrgUnitFactory(name="测试局", kind="机关")
    post = PostFactory(unit=unit, level="副科级", title="副局长")
    people = {
        "new": person(rank="一级科员", birth=D(1990, 1, 1), name="新提甲"),
        "old_new": person(rank="一级科员", birth=D(1970, 1, 1), name="超龄乙"),
        "transfer": person(rank="副科级", birth=D(1985, 1, 1), name="转任丙"),
        "chief": person(rank="正科级", birth=D(1984, 1, 1), name="局长丁"),
    }
    return post, people


@pytest.mark.django_db
def test_post_screen_groups_new_then_transfer_then_demotion(client, staff_user, fuke_world):
    post, people = fuke_world
    client.force_login(staff_user)
    response = client.get(reverse("eligibility:post-screen", args=[post.pk]), {"as_of": "2026-06-30"})
    rows = response.context["page"].object_list
    assert [x.cadre.name for x in rows] == ["新提甲", "超龄乙", "转任丙", "局长丁"]
    assert [x.appointment for x in rows] == [R.NEW, R.NEW, R.TRANSFER, R.DEMOTION]
    counts = response.context["counts"]
    assert counts["new"] == {"total": 2, "eligible": 1, "pending": 1}
    assert counts["transfer"] == {"total": 1, "eligible": 1, "pending": 1}
    assert counts["demotion"]["total"] == 1 and counts["fail"] == 2 and counts["ok"] == 2
    body = response.content.decode()
    headers = re.findall(r'<tr class="table-secondary"><th colspan="10">([^<]+)</th></tr>', body)
    assert [h[:2] for h in headers] == ["新提", "转任", "降职"]
    # the header's 待人工审核 count is the number of rows that say 另有…项待人工审核
    assert counts["pending"] == body.count("另有1项待人工审核") == 2
    assert "data-print" in body
    only = client.get(reverse("eligibility:post-screen", args=[post.pk]), {"as_of": "2026-06-30", "result": "待人工审核"})
    assert [x.cadre.name for x in only.context["page"].object_list] == ["新提甲", "转任丙"]
    demoted = client.get(reverse("eligibility:post-screen", args=[post.pk]), {"as_of": "2026-06-30", "appointment": R.DEMOTION})
    assert [x.cadre.name for x in demoted.context["page"].object_list] == ["局长丁"]


@pytest.mark.django_db
def test_index_filters_paginates_and_counts_agree_with_the_screens(client, staff_user, fuke_world):
    post, people = fuke_world
    other_unit = OrgUnitFactory(name="另一镇", kind="乡镇")
    zk = PostFactory(unit=other_unit, level="正科级", title="镇长", headcount=1)
    PostHistory.objects.create(cadre=people["chief"], post=zk, unit=other_unit, unit_name=other_unit.name, title="镇长", start=D(2020, 1, 1))
    for i in range(22):
        PostFactory(unit=other_unit, level="副科级", title=f"副镇长{i}")
    client.force_login(staff_user)
    url = reverse("eligibility:index")
    first = client.get(url, {"as_of": "2026-06-30"})
    assert first.context["page"].paginator.count == 24 and len(first.context["rows"]) == 20
    by_unit = client.get(url, {"unit": post.unit_id, "as_of": "2026-06-30"})
    [(p, counts)] = by_unit.context["rows"]
    assert p.pk == post.pk
    screen = client.get(reverse("eligibility:post-screen", args=[post.pk]), {"as_of": "2026-06-30"}).context["counts"]
    assert counts == screen
    body = by_unit.content.decode()
    assert re.search(r"<td>1</td><td>1</td>\s*<td><span class=\"text-warning-emphasis\">2</span></td>", body)
    levels = client.get(url, {"level": "正科级"}).context["rows"]
    assert [p.pk for p, _c in levels] == [zk.pk]
    full = client.get(url, {"vacancy": "无空缺"}).context["rows"]
    assert [p.pk for p, _c in full] == [zk.pk]
    assert zk.pk not in [p.pk for p, _c in client.get(url, {"vacancy": "有空缺"}).context["rows"]]


@pytest.mark.django_db
def test_index_query_count_is_constant(client, staff_user, fuke_world, django_assert_max_num_queries):
    client.force_login(staff_user)
    url = reverse("eligibility:index")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(8):
        PostFactory(level="副科级", title=f"科长{i}")
        person(rank="一级科员", name=f"加人{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# ---------------------------------------------------------------- the cache

@pytest.mark.django_db(transaction=True)
def test_cached_screen_is_reused_and_invalidated_by_writes(staff_user, monkeypatch):
    post = PostFactory(level="副科级", title="副局长")
    c = person(rank="一级科员", birth=D(1990, 1, 1))
    calls = []
    real = K.screen_columns
    monkeypatch.setattr(K, "screen_columns", lambda *a, **k: calls.append(1) or real(*a, **k))
    rows = S.post_screen(post, AS_OF)
    assert len(calls) == 1 and rows[0].result == R.RESULT_OK and rows[0].manual
    assert len(S.post_screen(post, AS_OF)) == 1 and len(calls) == 1  # from the cache
    before = K.roster_version()
    services.manual_check_record(actor=staff_user, cadre=c, passed=False, reason="考察发现问题")
    assert K.roster_version() != before
    assert S.post_screen(post, AS_OF)[0].result == R.RESULT_FAIL and len(calls) == 2
    person(rank="一级科员", birth=D(1991, 1, 1), unit_kind="乡镇")  # a new record (signals), in another unit
    assert len(S.post_screen(post, AS_OF)) == 2 and len(calls) == 3
    version = K.roster_version()
    K.roster_version_bump()  # what the bulk roster import calls
    assert K.roster_version() != version
    assert len(S.post_screen(post, AS_OF, unit_id=c.unit_id)) == 1 and len(calls) == 4
    assert isinstance(S.post_screen(post, AS_OF).screen, C.Screen)


@pytest.mark.django_db(transaction=True)
def test_kept_screens_and_pages_follow_the_roster_version(staff_user, monkeypatch):
    """A screen read from the cache, and the explanations of its pages, are kept in the process under the cache
    key: read again for the same version, answered anew after a write."""
    post = PostFactory(level="副科级", title="副局长")
    c = person(rank="一级科员", birth=D(1990, 1, 1))
    calls = []
    real = C.explain_many
    monkeypatch.setattr(C, "explain_many", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = S.post_screen(post, AS_OF)[0:50]
    with CaptureQueriesContext(connection) as again:
        second = S.post_screen(post, AS_OF)[0:50]
    assert second == first and len(calls) == 1
    assert not any("cadre_cadre" in q["sql"] for q in again.captured_queries)  # neither the screen nor the rows
    services.manual_check_record(actor=staff_user, cadre=c, passed=False, reason="考察发现问题")
    assert S.post_screen(post, AS_OF)[0].result == R.RESULT_FAIL and len(calls) > 1
    answered = len(calls)
    assert S.post_screen(post, AS_OF)[0].result == R.RESULT_FAIL and len(calls) == answered


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_manual_check_api_staff_only_both_ways(client, request, role):
    client.force_login(request.getfixturevalue(role))
    post = PostFactory(level="副科级", title="副局长")
    c = person(rank="一级科员", birth=D(1990, 1, 1))
    url = reverse("eligibility-manual-check-create")
    body = {"cadre": c.pk, "post": post.pk, "passed": False, "reason": "考察发现问题"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == (201 if role == "staff_user" else 403)
    assert EligibilityManualCheck.objects.filter(cadre=c).exists() == (role == "staff_user")
    if role == "staff_user":
        assert response.json()["passed"] is False
        assert E.explain(c, post, AS_OF).result == R.RESULT_FAIL
        screen = client.get(reverse("eligibility-post-screen", args=[post.pk]), {"as_of": "2026-06-30", "appointment": "降职"})
        assert screen.status_code == 200 and screen.json()["count"] == 0
        assert client.post(url, {"cadre": c.pk, "passed": True}, content_type="application/json").status_code == 400
