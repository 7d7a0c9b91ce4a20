"""Records API: every endpoint × role, writes through the services, Chinese errors, masking, query counts."""
import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cadre.idnumber import make_id_number
from cadre.models import Cadre, OrgUnit, Post, PostHistory, RankHistory
from cadre.tests.factories import (
    AssessmentFactory,
    CadreFactory,
    EducationFactory,
    FamilyMemberFactory,
    OrgUnitFactory,
    PostFactory,
)
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

READ_ROLES = ["staff_user", "leader_user", "observer_user"]
NON_STAFF_ROLES = ["leader_user", "observer_user", "judge_user", "candidate_user"]


@pytest.fixture
def records(db):
    """A small tree: zone → finance bureau (key) → nothing; a township; one post with one holder."""
    zone = OrgUnitFactory(name="青溪经济开发区管委会", code="QX000", kind="机关")
    finance = OrgUnitFactory(
        name="财政局", code="QX005", parent=zone, is_key_unit=True, key_area="财政", locality="青溪经济开发区"
    )
    town = OrgUnitFactory(name="东林镇", code="QX020", parent=zone, kind="乡镇", locality="东林镇")
    head = PostFactory(unit=finance, title="局长", level="正科级", headcount=1, is_key_post=True)
    deputy = PostFactory(unit=finance, title="副局长", level="副科级", headcount=3, is_open_for_competition=True)
    holder = CadreFactory(
        name="周明",
        gender="男",
        birth_date=dt.date(1979, 4, 1),
        id_number="330502197904013110",
        unit=finance,
        position_title="局长",
        rank_level="正科级",
        position_start=dt.date(2019, 3, 1),
    )
    PostHistory.objects.create(
        cadre=holder, unit=finance, post=head, seat=1, unit_name="财政局", title="局长", level="正科级",
        start=dt.date(2019, 3, 1),
    )
    EducationFactory(cadre=holder, mode="全日制", level="大学本科", school="浙江大学", major="经济学")
    AssessmentFactory(cadre=holder, year=2025, grade="优秀")
    FamilyMemberFactory(cadre=holder, relation="配偶", name="李芳", id_number="330502198001013229")
    town_cadre = CadreFactory(
        name="吴芳", gender="女", birth_date=dt.date(1985, 8, 1), id_number="330502198508013228", unit=town,
        position_title="副镇长", rank_level="副科级",
    )
    return {"zone": zone, "finance": finance, "town": town, "head": head, "deputy": deputy, "holder": holder,
            "town_cadre": town_cadre}


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def as_role(request, role):
    return api(request.getfixturevalue(role)) if role else api()


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("role", READ_ROLES)
@pytest.mark.parametrize("route", ["unit-list", "post-list", "cadre-list"])
def test_readers_may_list(request, records, role, route):
    response = as_role(request, role).get(reverse(route))
    assert response.status_code == 200
    assert response.json()["count"] >= 2


@pytest.mark.parametrize("role", READ_ROLES)
def test_readers_may_read_details(request, records, role):
    client = as_role(request, role)
    assert client.get(reverse("unit-detail", args=[records["finance"].pk])).json()["name"] == "财政局"
    assert client.get(reverse("post-detail", args=[records["head"].pk])).json()["title"] == "局长"
    body = client.get(reverse("cadre-detail", args=[records["holder"].pk])).json()
    assert body["name"] == "周明"


@pytest.mark.parametrize("route", ["unit-list", "post-list", "cadre-list"])
def test_judge_is_refused_records(judge_user, records, route):
    response = api(judge_user).get(reverse(route))
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有执行该操作的权限。"


def test_judge_is_refused_details_and_me(judge_user, records):
    client = api(judge_user)
    assert client.get(reverse("cadre-detail", args=[records["holder"].pk])).status_code == 403
    assert client.get(reverse("unit-detail", args=[records["finance"].pk])).status_code == 403
    assert client.get(reverse("cadre-me")).status_code == 403


@pytest.mark.parametrize(
    "url_name,args",
    [("unit-list", []), ("post-list", []), ("cadre-list", []), ("cadre-me", []), ("cadre-detail", ["holder"])],
)
def test_anonymous_is_refused(records, url_name, args):
    url = reverse(url_name, args=[records[a].pk for a in args])
    response = api().get(url)
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "身份认证信息未提供。"


@pytest.mark.parametrize("route", ["unit-list", "post-list"])
def test_candidate_may_not_read_units_or_posts(candidate_user, records, route):
    assert api(candidate_user).get(reverse(route)).status_code == 403


def test_candidate_list_holds_only_own_record(candidate_user, records):
    body = api(candidate_user).get(reverse("cadre-list")).json()
    assert body["count"] == 1
    assert [row["name"] for row in body["results"]] == ["候选人"]


def test_candidate_cannot_read_another_record(candidate_user, records):
    response = api(candidate_user).get(reverse("cadre-detail", args=[records["holder"].pk]))
    assert response.status_code == 404


def test_candidate_reads_own_record_and_me_with_full_id(candidate_user, records):
    own = candidate_user.cadre
    client = api(candidate_user)
    detail = client.get(reverse("cadre-detail", args=[own.pk])).json()
    me = client.get(reverse("cadre-me")).json()
    assert detail["id"] == me["id"] == own.pk
    assert me["id_number"] == own.id_number
    assert detail["id_number"] == own.id_number


def test_me_without_linked_record_is_404_in_chinese(staff_user):
    response = api(staff_user).get(reverse("cadre-me"))
    assert response.status_code == 404
    assert response.json()["detail"] == "您的账号未关联干部档案"


def test_candidate_search_cannot_widen_the_list(candidate_user, records):
    body = api(candidate_user).get(reverse("cadre-list"), {"q": "周明"}).json()
    assert body["count"] == 0


# ---------------------------------------------------------------- content


def test_cadre_detail_nests_education_position_assessments_history(staff_user, records):
    body = api(staff_user).get(reverse("cadre-detail", args=[records["holder"].pk])).json()
    assert body["current_position"]["unit"]["name"] == "财政局"
    assert body["current_position"]["title"] == "局长"
    assert body["current_position"]["level"] == "正科级"
    assert body["current_position"]["current_job"] == "财政局局长"
    assert body["educations"][0]["level"] == "大学本科"
    assert body["assessments"] == [{"id": body["assessments"][0]["id"], "year": 2025, "grade": "优秀", "reason": ""}]
    assert body["resume"] == ["2019.03--         财政局局长"]
    assert body["family"][0]["relation"] == "配偶"


def test_post_list_has_holders_and_vacancy(staff_user, records):
    rows = {row["title"]: row for row in api(staff_user).get(reverse("post-list")).json()["results"]}
    assert (rows["局长"]["holders"], rows["局长"]["vacancy"]) == (1, 0)
    assert (rows["副局长"]["holders"], rows["副局长"]["vacancy"]) == (0, 3)
    assert rows["局长"]["unit"]["name"] == "财政局"
    assert rows["局长"]["is_key_post"] is True


def test_post_filters(staff_user, records):
    client = api(staff_user)
    assert [r["title"] for r in client.get(reverse("post-list"), {"has_vacancy": "true"}).json()["results"]] == ["副局长"]
    assert [r["title"] for r in client.get(reverse("post-list"), {"level": "正科级"}).json()["results"]] == ["局长"]
    assert client.get(reverse("post-list"), {"is_open_for_competition": "true"}).json()["count"] == 1


def test_unit_list_has_parent_kind_locality_flags_and_counts(leader_user, records):
    rows = {row["name"]: row for row in api(leader_user).get(reverse("unit-list")).json()["results"]}
    finance = rows["财政局"]
    assert finance["parent"]["name"] == "青溪经济开发区管委会"
    assert (finance["kind"], finance["locality"], finance["is_key_unit"], finance["key_area"]) == (
        "机关", "青溪经济开发区", True, "财政"
    )
    assert (finance["post_count"], finance["cadre_count"]) == (2, 1)
    assert rows["青溪经济开发区管委会"]["parent"] is None
    assert rows["东林镇"]["kind"] == "乡镇"


def test_unit_filters(observer_user, records):
    client = api(observer_user)
    assert [r["name"] for r in client.get(reverse("unit-list"), {"kind": "乡镇"}).json()["results"]] == ["东林镇"]
    assert [r["name"] for r in client.get(reverse("unit-list"), {"is_key_unit": "true"}).json()["results"]] == ["财政局"]
    assert client.get(reverse("unit-list"), {"parent": records["zone"].pk}).json()["count"] == 2


def test_cadre_filters_and_ordering(staff_user, records):
    client = api(staff_user)
    url = reverse("cadre-list")
    assert [r["name"] for r in client.get(url, {"gender": "女"}).json()["results"]] == ["吴芳"]
    assert [r["name"] for r in client.get(url, {"level": "正科级"}).json()["results"]] == ["周明"]
    # unit filter includes sub-units
    names = {r["name"] for r in client.get(url, {"unit": records["zone"].pk}).json()["results"]}
    assert names == {"周明", "吴芳"}
    assert [r["name"] for r in client.get(url, {"q": "副镇"}).json()["results"]] == ["吴芳"]
    assert [r["name"] for r in client.get(url, {"q": "19790401"}).json()["results"]] == ["周明"]
    assert [r["name"] for r in client.get(url, {"education": "大学本科"}).json()["results"]] == ["周明"]
    ordered = [r["name"] for r in client.get(url, {"ordering": "-birth_date"}).json()["results"]]
    assert ordered == ["吴芳", "周明"]
    assert client.get(url, {"staffing_type": "事业"}).json()["count"] == 0
    assert client.get(url, {"political_status": "中共党员"}).json()["count"] == 2


def test_leader_cannot_probe_id_numbers_through_search(leader_user, records):
    assert api(leader_user).get(reverse("cadre-list"), {"q": "19790401"}).json()["count"] == 0


# ---------------------------------------------------------------- masking


@pytest.mark.parametrize("role", ["leader_user", "observer_user"])
def test_id_number_masked_for_leader_and_observer(request, records, role):
    client = as_role(request, role)
    row = next(r for r in client.get(reverse("cadre-list")).json()["results"] if r["name"] == "周明")
    assert row["id_number"] == "330502********311*"
    detail = client.get(reverse("cadre-detail", args=[records["holder"].pk])).json()
    assert detail["id_number"] == "330502********311*"
    assert detail["family"][0]["id_number"] == "330502********322*"


def test_id_number_full_for_staff(staff_user, records):
    client = api(staff_user)
    row = next(r for r in client.get(reverse("cadre-list")).json()["results"] if r["name"] == "周明")
    assert row["id_number"] == "330502197904013110"
    detail = client.get(reverse("cadre-detail", args=[records["holder"].pk])).json()
    assert detail["family"][0]["id_number"] == "330502198001013229"


# ---------------------------------------------------------------- writing: cadres


def new_cadre_payload(unit, **extra):
    payload = {
        "name": "钱  进",
        "gender": "男",
        "id_number": make_id_number("330502", dt.date(1988, 3, 15), 21, "男"),
        "unit": unit.pk,
        "position_title": "副局长",
        "rank_level": "副科级",
        "position_start": "2024-05-01",
        "rank_start": "2024-05-01",
        "appointment_method": "竞争上岗",
    }
    payload.update(extra)
    return payload


def test_staff_creates_cadre_through_service(staff_user, records):
    response = api(staff_user).post(reverse("cadre-list"), new_cadre_payload(records["finance"]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    cadre = Cadre.objects.get(pk=body["id"])
    assert cadre.name == "钱进"  # the service strips padding spaces
    assert cadre.birth_date == dt.date(1988, 3, 15)  # derived from the 身份证号
    holding = PostHistory.objects.get(cadre=cadre)
    assert (holding.post, holding.seat, holding.method) == (records["deputy"], 1, "竞争上岗")
    assert RankHistory.objects.get(cadre=cadre).level == "副科级"
    assert AuditEvent.objects.filter(action="cadre.create", object_id=str(cadre.pk), actor=staff_user).exists()
    assert body["id_number"] == cadre.id_number


def test_create_bad_id_number_checksum_is_chinese_400(staff_user, records):
    number = make_id_number("330502", dt.date(1988, 3, 15), 21, "男")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = api(staff_user).post(
        reverse("cadre-list"), new_cadre_payload(records["finance"], id_number=wrong), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": f"身份证号校验位错误（应为{number[17]}）", "field": "id_number"}
    assert not Cadre.objects.filter(name="钱进").exists()


def test_create_gender_mismatch_is_chinese_400(staff_user, records):
    response = api(staff_user).post(
        reverse("cadre-list"), new_cadre_payload(records["finance"], gender="女"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "身份证号第17位表示男性，与性别「女」不符", "field": "id_number"}


def test_create_birth_date_mismatch_and_duplicate(staff_user, records):
    client = api(staff_user)
    response = client.post(
        reverse("cadre-list"), new_cadre_payload(records["finance"], birth_date="1988-04-15"), format="json"
    )
    assert response.status_code == 400
    assert "与出生年月1988.04不符" in response.json()["detail"]
    response = client.post(
        reverse("cadre-list"), new_cadre_payload(records["finance"], id_number="330502197904013110"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "身份证号330502197904013110已存在于干部名册"


def test_create_shape_errors_are_chinese(staff_user, records):
    response = api(staff_user).post(reverse("cadre-list"), {"gender": "未知"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == ["该字段是必填项。"]
    assert "不是合法选项" in body["gender"][0]


def test_staff_partial_update_keeps_history(staff_user, records):
    holder = records["holder"]
    response = api(staff_user).patch(
        reverse("cadre-detail", args=[holder.pk]), {"grew_up_place": "东林镇", "health": "良好"}, format="json"
    )
    assert response.status_code == 200, response.json()
    holder.refresh_from_db()
    assert (holder.grew_up_place, holder.health, holder.name) == ("东林镇", "良好", "周明")
    assert holder.history.first().history_user == staff_user
    event = AuditEvent.objects.get(action="cadre.update", object_id=str(holder.pk))
    assert "成长地" in event.summary


def test_staff_full_update_moves_position(staff_user, records):
    holder = records["holder"]
    payload = {
        "name": "周明", "gender": "男", "id_number": holder.id_number, "unit": records["finance"].pk,
        "position_title": "副局长", "rank_level": "正科级", "position_start": "2026-01-01", "rank_start": "2019-03-01",
    }
    response = api(staff_user).put(reverse("cadre-detail", args=[holder.pk]), payload, format="json")
    assert response.status_code == 200, response.json()
    rows = list(PostHistory.objects.filter(cadre=holder).order_by("start"))
    assert [(r.title, r.end) for r in rows] == [("局长", dt.date(2025, 12, 31)), ("副局长", None)]
    assert response.json()["resume"][-1].endswith("财政局副局长")


def test_update_gender_mismatch_is_chinese_400(staff_user, records):
    response = api(staff_user).patch(
        reverse("cadre-detail", args=[records["holder"].pk]), {"gender": "女"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "身份证号第17位表示男性，与性别「女」不符"


@pytest.mark.parametrize("role", NON_STAFF_ROLES)
def test_non_staff_cannot_write_cadres(request, records, role):
    client = as_role(request, role)
    assert client.post(reverse("cadre-list"), new_cadre_payload(records["finance"]), format="json").status_code == 403
    url = reverse("cadre-detail", args=[records["holder"].pk])
    assert client.patch(url, {"health": "良好"}, format="json").status_code == 403
    assert client.put(url, new_cadre_payload(records["finance"]), format="json").status_code == 403
    assert not Cadre.objects.filter(name="钱进").exists()


def test_candidate_cannot_edit_own_record(candidate_user):
    response = api(candidate_user).patch(
        reverse("cadre-detail", args=[candidate_user.cadre.pk]), {"health": "良好"}, format="json"
    )
    assert response.status_code == 403


def test_anonymous_cannot_write(records):
    client = api()
    assert client.post(reverse("cadre-list"), new_cadre_payload(records["finance"]), format="json").status_code in (401, 403)
    assert client.post(reverse("post-list"), {"unit": records["finance"].pk, "title": "x", "level": "副科级"}).status_code in (401, 403)
    assert client.delete(reverse("unit-detail", args=[records["town"].pk])).status_code in (401, 403)


def test_cadres_cannot_be_deleted_through_api(staff_user, records):
    response = api(staff_user).delete(reverse("cadre-detail", args=[records["holder"].pk]))
    assert response.status_code == 405
    assert Cadre.objects.filter(pk=records["holder"].pk).exists()


# ---------------------------------------------------------------- writing: posts


def test_staff_creates_and_updates_post(staff_user, records):
    client = api(staff_user)
    response = client.post(
        reverse("post-list"),
        {"unit": records["finance"].pk, "title": "总会计师", "level": "副科级", "headcount": 1, "is_key_post": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["holders"], body["vacancy"], body["full_title"]) == (0, 1, "财政局总会计师")
    assert AuditEvent.objects.filter(action="post.create", object_id=str(body["id"])).exists()
    response = client.patch(reverse("post-detail", args=[body["id"]]), {"headcount": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["vacancy"] == 2
    assert Post.objects.get(pk=body["id"]).history.count() == 2


def test_post_duplicate_title_and_headcount_below_holders(staff_user, records):
    client = api(staff_user)
    response = client.post(
        reverse("post-list"), {"unit": records["finance"].pk, "title": "局长", "level": "正科级"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "财政局已有职位「局长」", "field": "title"}
    head = records["head"]
    head.headcount = 2
    head.save()
    PostHistory.objects.create(
        cadre=records["town_cadre"], unit=records["finance"], post=head, seat=2, unit_name="财政局", title="局长",
        start=dt.date(2024, 1, 1),
    )
    response = client.patch(reverse("post-detail", args=[head.pk]), {"headcount": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "财政局局长现有在任2人，职数不能少于2"


def test_post_headcount_range_is_checked(staff_user, records):
    response = api(staff_user).post(
        reverse("post-list"), {"unit": records["finance"].pk, "title": "科长", "level": "副科级", "headcount": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "headcount" in response.json()


def test_post_delete_only_when_never_held(staff_user, records):
    client = api(staff_user)
    response = client.delete(reverse("post-detail", args=[records["head"].pk]))
    assert response.status_code == 400
    assert response.json()["detail"] == "职位「财政局局长」已有任职记录，不能删除；可将其设为无效"
    assert client.delete(reverse("post-detail", args=[records["deputy"].pk])).status_code == 204
    assert not Post.objects.filter(pk=records["deputy"].pk).exists()
    assert AuditEvent.objects.filter(action="post.delete").count() == 1


@pytest.mark.parametrize("role", NON_STAFF_ROLES)
def test_non_staff_cannot_write_posts(request, records, role):
    client = as_role(request, role)
    assert client.post(
        reverse("post-list"), {"unit": records["finance"].pk, "title": "科长", "level": "副科级"}, format="json"
    ).status_code == 403
    url = reverse("post-detail", args=[records["deputy"].pk])
    assert client.patch(url, {"headcount": 5}, format="json").status_code == 403
    assert client.put(url, {"unit": records["finance"].pk, "title": "x", "level": "副科级"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert Post.objects.get(pk=records["deputy"].pk).headcount == 3


# ---------------------------------------------------------------- writing: units


def test_staff_creates_unit_with_inferred_kind(staff_user, records):
    response = api(staff_user).post(
        reverse("unit-list"), {"name": "白鹭镇", "parent": records["zone"].pk, "locality": "白鹭镇"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["parent"]["id"], body["code"]) == ("乡镇", records["zone"].pk, "U0001")
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(body["id"])).exists()


def test_unit_key_flag_needs_area_and_names_are_unique(staff_user, records):
    client = api(staff_user)
    response = client.post(reverse("unit-list"), {"name": "审计局", "is_key_unit": True}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "标记为重要单位时必须选择重要单位类别", "field": "key_area"}
    response = client.post(reverse("unit-list"), {"name": "财政局"}, format="json")
    assert response.json() == {"detail": "单位「财政局」已存在", "field": "name"}
    response = client.post(reverse("unit-list"), {"name": "统计局", "code": "QX005"}, format="json")
    assert response.json() == {"detail": "单位代码「QX005」已被使用", "field": "code"}


def test_staff_updates_unit_and_cycles_are_refused(staff_user, records):
    client = api(staff_user)
    url = reverse("unit-detail", args=[records["town"].pk])
    response = client.patch(url, {"locality": "东林", "short_name": "东林"}, format="json")
    assert response.status_code == 200
    assert response.json()["locality"] == "东林"
    response = client.patch(
        reverse("unit-detail", args=[records["zone"].pk]), {"parent": records["town"].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "上级单位不能是本单位或其下级单位"
    response = client.patch(reverse("unit-detail", args=[records["finance"].pk]), {"key_area": ""}, format="json")
    assert response.json()["detail"] == "标记为重要单位时必须选择重要单位类别"


def test_unit_delete_only_when_empty(staff_user, records):
    client = api(staff_user)
    response = client.delete(reverse("unit-detail", args=[records["finance"].pk]))
    assert response.status_code == 400
    assert response.json()["detail"] == "单位「财政局」有职位、有干部、有任职经历引用，不能删除；可将其设为无效"
    response = client.delete(reverse("unit-detail", args=[records["zone"].pk]))
    assert response.json()["detail"].startswith("单位「青溪经济开发区管委会」有下级单位")
    empty = OrgUnitFactory(name="空单位", code="QX099")
    assert client.delete(reverse("unit-detail", args=[empty.pk])).status_code == 204
    assert not OrgUnit.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("role", NON_STAFF_ROLES)
def test_non_staff_cannot_write_units(request, records, role):
    client = as_role(request, role)
    assert client.post(reverse("unit-list"), {"name": "统计局"}, format="json").status_code == 403
    url = reverse("unit-detail", args=[records["town"].pk])
    assert client.patch(url, {"locality": "x"}, format="json").status_code == 403
    assert client.put(url, {"name": "x"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert OrgUnit.objects.get(pk=records["town"].pk).locality == "东林镇"


# ---------------------------------------------------------------- query counts


def _grow(records, n):
    for i in range(n):
        cadre = CadreFactory(unit=records["finance"] if i % 2 else records["town"])
        EducationFactory(cadre=cadre)
        AssessmentFactory(cadre=cadre, year=2024)
        AssessmentFactory(cadre=cadre, year=2025)
        OrgUnitFactory(parent=records["zone"])
        PostFactory(unit=records["town"])


@pytest.mark.parametrize(
    "route,queries",
    [
        ("cadre-list", 5),  # count, page, educations, assessments, the audit row (full 身份证号 read)
        ("post-list", 2),  # count, page (holders/vacancy annotated)
        ("unit-list", 2),  # count, page (post/cadre counts as subqueries)
    ],
)
def test_list_query_count_is_constant(django_assert_num_queries, staff_user, records, route, queries):
    client = api(staff_user)
    client.get(reverse(route))  # warms the per-request role cache of the forced user
    with django_assert_num_queries(queries):
        small = client.get(reverse(route))
    _grow(records, 12)
    with django_assert_num_queries(queries):
        large = client.get(reverse(route))
    assert large.json()["count"] > small.json()["count"]


def test_cadre_detail_query_count_does_not_grow_with_rows(django_assert_num_queries, staff_user, records):
    client = api(staff_user)
    url = reverse("cadre-detail", args=[records["holder"].pk])
    client.get(url)
    with django_assert_num_queries(8):  # cadre+unit, one per nested list, the audit row (full 身份证号 read)
        client.get(url)
    for year in (2021, 2022, 2023):
        AssessmentFactory(cadre=records["holder"], year=year)
        FamilyMemberFactory(cadre=records["holder"], name=f"家属{year}")
    with django_assert_num_queries(8):
        client.get(url)


# ---------------------------------------------------------------- schema and docs


RECORD_PATHS = {
    "/api/units/": {"get", "post"},
    "/api/units/{id}/": {"get", "put", "patch", "delete"},
    "/api/posts/": {"get", "post"},
    "/api/posts/{id}/": {"get", "put", "patch", "delete"},
    "/api/cadres/": {"get", "post"},
    "/api/cadres/{id}/": {"get", "put", "patch"},
    "/api/cadres/me/": {"get"},
}


def test_records_api_schema_has_no_warnings_and_validates():
    """The records API alone (with the enum names of config.api_schema) generates cleanly and validates."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import patched_settings
    from drf_spectacular.validation import validate_schema

    from config.api_schema import ENUM_NAME_OVERRIDES

    GENERATOR_STATS.reset()
    with patched_settings({"ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES}):
        schema = SchemaGenerator(patterns=[path("api/", include("cadre.api.urls"))]).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, GENERATOR_STATS._warn_cache
    validate_schema(schema)
    assert {p: set(item) - {"parameters"} for p, item in schema["paths"].items()} == RECORD_PATHS
    names = set(schema["components"]["schemas"])
    assert {"RankLevelEnum", "EducationLevelEnum", "UnitKindEnum", "PostKindEnum"} <= names


def test_project_schema_generates_without_warnings(tmp_path):
    """The whole project's schema, as `manage.py spectacular --validate --fail-on-warn` checks it."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text(encoding="utf-8")
    for path in RECORD_PATHS:
        assert path in text


def test_schema_endpoint_serves_every_operation_with_chinese_summary(staff_user):
    response = api(staff_user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operations = [(path, method, schema["paths"][path][method]) for path in RECORD_PATHS for method in RECORD_PATHS[path]]
    assert len(operations) == sum(len(methods) for methods in RECORD_PATHS.values()) == 18
    for path, method, op in operations:
        assert re.search(r"[\u4e00-\u9fff]", op.get("summary", "")), (path, method)
        assert re.search(r"[\u4e00-\u9fff]", op.get("description", "")), (path, method)
        assert op["tags"][0] in ("单位", "职位", "干部档案")


def test_swagger_ui_loads_local_assets_only(client, staff_user):
    assert client.get("/api/docs/").status_code == 403  # API docs need a login
    client.force_login(staff_user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html  # split view: the init script is a separate same-origin file (CSP-ready)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    assert any("swagger-ui.css" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/") or asset.startswith("/api/docs/?"), asset
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    script = client.get("/api/docs/", {"script": ""}).content.decode()
    assert "/api/schema/" in script
