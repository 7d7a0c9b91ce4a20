"""Record pages: permissions for every role, the roster (filters, masking, htmx, pagination, query count),
the record page with its change log, the create/edit forms, the unit pages."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre.filters import AGE_BANDS, CadreFilter
from cadre.idnumber import make_id_number
from cadre.models import AnnualAssessment, Cadre, FamilyMember, RewardPunishment
from cadre.services import cadre_create, cadre_update
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

ROLES = ["staff", "leader", "observer", "judge", "candidate", "anonymous"]
READERS = {"staff", "leader", "observer"}


@pytest.fixture
def role_client(client, staff_user, leader_user, observer_user, judge_user, candidate_user):
    users = {
        "staff": staff_user,
        "leader": leader_user,
        "observer": observer_user,
        "judge": judge_user,
        "candidate": candidate_user,
    }

    def login_as(role):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return login_as


@pytest.fixture
def other_cadre(db):
    unit = OrgUnitFactory(name="财政局")
    post = PostFactory(unit=unit, title="副局长", headcount=2)
    cadre = cadre_create(
        actor=None,
        data={
            "name": "王建国",
            "gender": "男",
            "id_number": make_id_number("330502", dt.date(1980, 3, 12), 11, "男"),
            "unit": unit,
            "position_title": "副局长",
            "rank_level": "副科级",
            "position_start": dt.date(2019, 6, 1),
            "rank_start": dt.date(2019, 6, 1),
        },
    )
    return cadre, unit, post


# ---------------------------------------------------------------- permissions, every view × every role
def _expected(role, allowed):
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,allowed",
    [
        ("roster", READERS),
        ("units", READERS),
        ("unit-detail", READERS),
        ("cadre-detail", READERS),
        ("cadre-create", {"staff"}),
        ("cadre-edit", {"staff"}),
        ("my-record", {"staff", "leader", "observer", "judge", "candidate"}),
    ],
)
def test_view_permissions(role_client, other_cadre, role, name, allowed):
    cadre, unit, _ = other_cadre
    kwargs = {"unit-detail": {"pk": unit.pk}, "cadre-detail": {"pk": cadre.pk}, "cadre-edit": {"pk": cadre.pk}}
    url = reverse(f"cadre:{name}", kwargs=kwargs.get(name))
    response = role_client(role).get(url)
    assert response.status_code == _expected(role, allowed)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["leader", "observer", "judge", "candidate"])
def test_edit_post_refused_for_non_staff(role_client, other_cadre, role):
    cadre, _, _ = other_cadre
    response = role_client(role).post(reverse("cadre:cadre-edit", args=[cadre.pk]), {"name": "改名"})
    assert response.status_code == 403
    assert Cadre.objects.get(pk=cadre.pk).name == "王建国"
    response = role_client(role).post(reverse("cadre:cadre-create"), {"name": "新人"})
    assert response.status_code == 403
    assert not Cadre.objects.filter(name="新人").exists()


def test_candidate_sees_own_record_but_not_others(role_client, candidate_user, other_cadre):
    client = role_client("candidate")
    own = candidate_user.cadre
    assert client.get(reverse("cadre:cadre-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("cadre:cadre-detail", args=[other_cadre[0].pk])).status_code == 403
    # a record that does not exist is refused the same way (no probing of ids)
    assert client.get(reverse("cadre:cadre-detail", args=[999999])).status_code == 403


def test_missing_record_is_404_for_staff(role_client):
    assert role_client("staff").get(reverse("cadre:cadre-detail", args=[999999])).status_code == 404


# ---------------------------------------------------------------- roster
def test_roster_default_status_masking_and_columns(role_client, other_cadre):
    cadre, _, _ = other_cadre
    CadreFactory(name="退休人", status="退休")
    EducationFactory(cadre=cadre, mode="全日制", level="大学专科")
    EducationFactory(cadre=cadre, mode="在职", level="研究生", degree="公共管理硕士")

    response = role_client("staff").get(reverse("cadre:roster"))
    html = response.content.decode()
    assert "王建国" in html and "退休人" not in html  # status defaults to 在职
    assert cadre.id_number in html
    assert "研究生（在职）" in html
    assert "财政局副局长" in html
    assert f"{cadre.birth_date.year}.03（" in html
    for header in ["序号", "姓名", "性别", "出生年月（年龄）", "民族", "政治面貌", "单位及职务", "职务层次", "任现职时间", "学历", "身份证号"]:
        assert f"<th>{header}</th>" in html or f'<th class="text-center">{header}</th>' in html

    response = role_client("leader").get(reverse("cadre:roster"))
    html = response.content.decode()
    assert cadre.id_number not in html
    assert cadre.masked_id_number in html
    assert re.search(r"330502\*{8}\d{3}\*", html)  # check digit hidden too (core.privacy)

    response = role_client("staff").get(reverse("cadre:roster"), {"status": ""})
    assert "退休人" in response.content.decode()


def test_roster_text_search_by_id_number_only_for_staff(role_client, other_cadre):
    cadre, _, _ = other_cadre
    CadreFactory(name="李四")
    fragment = cadre.id_number[6:14]
    staff_html = role_client("staff").get(reverse("cadre:roster"), {"q": fragment}).content.decode()
    assert "王建国" in staff_html and "李四" not in staff_html
    leader_html = role_client("leader").get(reverse("cadre:roster"), {"q": fragment}).content.decode()
    assert "王建国" not in leader_html and "data-roster-empty" in leader_html
    # name, pinyin prefix and 职务 work for every reader
    assert "王建国" in role_client("leader").get(reverse("cadre:roster"), {"q": "wang"}).content.decode()
    assert "王建国" in role_client("leader").get(reverse("cadre:roster"), {"q": "副局长"}).content.decode()


def test_roster_htmx_returns_fragment_with_export_link(role_client, other_cadre):
    client = role_client("staff")
    response = client.get(reverse("cadre:roster"), {"gender": "男", "q": "王"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<nav class=\"navbar" not in html
    assert "王建国" in html
    assert "HX-Request" in response["Vary"]
    export = reverse("cadre:roster-export")
    assert re.search(re.escape(export) + r"\?[^\"]*gender=%E7%94%B7", html)
    assert "q=%E7%8E%8B" in html
    # the full page has the filter form wired for htmx and a plain GET fallback
    page = client.get(reverse("cadre:roster"), {"gender": "男"}).content.decode()
    assert 'hx-get="/cadre/"' in page and 'hx-target="#roster-table"' in page and 'hx-push-url="true"' in page
    assert 'method="get"' in page


@pytest.mark.parametrize("role", sorted(READERS))
def test_roster_export_button_for_every_roster_reader(role_client, other_cadre, role):
    # the export view (cadre.roster.views.roster_export) admits the same roles as the list page
    html = role_client(role).get(reverse("cadre:roster"), {"gender": "男"}).content.decode()
    assert f'href="{reverse("cadre:roster-export")}?gender=%E7%94%B7"' in html


def test_roster_pagination_keeps_filters(role_client):
    unit = OrgUnitFactory(name="东林镇")
    for i in range(55):
        CadreFactory(unit=unit, gender="女", birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i))
    CadreFactory(gender="男")
    client = role_client("staff")
    html = client.get(reverse("cadre:roster"), {"gender": "女"}).content.decode()
    assert "共 <strong>55</strong> 人" in html
    assert "gender=%E5%A5%B3&amp;page=2" in html
    page2 = client.get(reverse("cadre:roster"), {"gender": "女", "page": 2}).content.decode()
    assert page2.count("data-cadre-row=") == 5
    assert ">51</td>" in page2  # 序号 continues across pages


def test_roster_empty_state(role_client):
    html = role_client("observer").get(reverse("cadre:roster"), {"q": "查无此人"}).content.decode()
    assert "没有符合条件的干部" in html


def _roster_rows(n):
    units = [OrgUnitFactory(name=f"单位{i}") for i in range(3)]
    for i in range(n):
        cadre = CadreFactory(unit=units[i % 3], birth_date=dt.date(1975, 1, 1) + dt.timedelta(days=97 * i))
        EducationFactory(cadre=cadre, mode="全日制", level="大学本科")
        EducationFactory(cadre=cadre, mode="在职", level="研究生")


@pytest.mark.parametrize("rows", [5, 40])
def test_roster_query_count_is_constant(staff_client, django_assert_num_queries, rows):
    _roster_rows(rows)
    # user (the session comes from the cache), roles, unit choices, count (inside a transaction: not cached),
    # page rows with each mode's 学历, whether the user has a record (nav)
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("cadre:roster"))
    assert response.content.decode().count("data-cadre-row=") == rows


@pytest.mark.parametrize("rows", [5, 40])
def test_roster_query_count_with_filters(staff_client, django_assert_num_queries, rows):
    _roster_rows(rows)
    first = Cadre.objects.order_by("id").first()
    band = next(v for v, _, lo, hi in AGE_BANDS if (lo or 0) <= first.age <= (hi or 200))
    params = {"unit": first.unit_id, "include_sub": "on", "education": "研究生", "age_band": band, "sort": "pinyin"}
    expected = CadreFilter(params, queryset=Cadre.objects.all()).qs.count()
    assert expected >= 1
    with django_assert_num_queries(8):  # + the chosen unit and the unit tree for 含下级单位
        response = staff_client.get(reverse("cadre:roster"), params)
    assert response.content.decode().count("data-cadre-row=") == expected


# ---------------------------------------------------------------- record page
def _full_record(staff_user):
    unit = OrgUnitFactory(name="东林镇", kind="乡镇")
    cadre = cadre_create(
        actor=staff_user,
        data={
            "name": "陈晓东",
            "gender": "男",
            "id_number": make_id_number("330521", dt.date(1982, 7, 20), 3, "男"),
            "ethnicity": "01",
            "native_place": "浙江德清",
            "birthplace": "浙江湖州",
            "grew_up_place": "德清县武康镇",
            "party_join_date": dt.date(2004, 6, 1),
            "work_start_date": dt.date(2005, 8, 1),
            "professional_title": "经济师",
            "title_level": "中级",
            "unit": unit,
            "position_title": "党政办科员",
            "rank_level": "一级科员",
            "position_start": dt.date(2008, 7, 1),
            "rank_start": dt.date(2008, 7, 1),
        },
    )
    cadre = cadre_update(
        actor=staff_user,
        cadre=cadre,
        data={"position_title": "副镇长", "rank_level": "副科级", "position_start": dt.date(2012, 6, 1), "rank_start": dt.date(2012, 6, 1)},
    )
    EducationFactory(cadre=cadre, mode="全日制", level="大学本科", degree="管理学学士", school="浙江工商大学", major="行政管理")
    AssessmentFactory(cadre=cadre, year=2024, grade="优秀")
    FamilyMemberFactory(cadre=cadre, relation="妻子", name="周敏", id_number=make_id_number("330521", dt.date(1984, 2, 2), 5, "女"))
    RewardPunishment.objects.create(
        cadre=cadre, kind="党纪处分", name="党内警告", decided_on=dt.date(2025, 9, 1),
        effect_start=dt.date(2025, 9, 1), effect_end=dt.date(2099, 8, 31),
    )
    RewardPunishment.objects.create(cadre=cadre, kind="奖励", name="记三等功", decided_on=dt.date(2020, 1, 1))
    return cadre


def test_detail_sections_resume_and_rewards(role_client, staff_user):
    cadre = _full_record(staff_user)
    html = role_client("staff").get(reverse("cadre:cadre-detail", args=[cadre.pk])).content.decode()
    for text in ["基本信息", "学历学位", "任职经历", "简历", "职务层次经历", "年度考核", "奖惩情况", "家庭成员", "变更记录",
                 "浙江德清", "浙江湖州", "德清县武康镇", "汉族", "经济师", "中级", "2004.06", "2005.08", "公务员", "健康",
                 "浙江工商大学 行政管理", "管理学学士", "2024年度", "优秀", "周敏", "影响期内"]:
        assert text in html, text
    assert "2008.07--2012.05  东林镇党政办科员" in html
    assert "2012.06--  东林镇副镇长" in html or "2012.06--" in html
    assert cadre.id_number in html
    assert cadre.family.get().id_number in html  # staff see relatives' numbers


def test_detail_change_log_shows_who_and_old_new(role_client, staff_user):
    cadre = _full_record(staff_user)
    html = role_client("leader").get(reverse("cadre:cadre-detail", args=[cadre.pk])).content.decode()
    assert 'id="pane-history"' in html
    assert "组织部小王" in html  # staff_user's full name
    assert "<del>党政办科员</del> → 副镇长" in html
    assert "<del>一级科员</del> → 副科级" in html
    # related records appear too (post history closed, rank history)
    assert "任职经历" in html and "终止时间" in html
    # leaders see the number masked and no relatives' numbers
    assert cadre.id_number not in html and cadre.masked_id_number in html
    assert cadre.family.get().id_number not in html


def test_own_record_page(role_client, candidate_user, staff_user):
    own = candidate_user.cadre
    FamilyMemberFactory(cadre=own, relation="父亲", name="候父", id_number=make_id_number("330502", dt.date(1955, 1, 1), 7, "男"))
    cadre_update(actor=staff_user, cadre=own, data={"native_place": "浙江长兴"})
    client = role_client("candidate")
    html = client.get(reverse("cadre:my-record")).content.decode()
    assert "我的档案" in html and "候选人" in html and "浙江长兴" in html
    assert own.id_number in html  # their own number in full
    assert own.family.get().id_number not in html
    assert "pane-history" not in html and "组织部小王" not in html
    assert "修改档案" not in html
    # the same rendering on the detail URL of the own record
    html = client.get(reverse("cadre:cadre-detail", args=[own.pk])).content.decode()
    assert "pane-history" not in html and own.id_number in html


def test_my_record_without_record_is_friendly(role_client):
    response = role_client("judge").get(reverse("cadre:my-record"))
    assert response.status_code == 200
    assert "尚未关联干部档案" in response.content.decode()


# ---------------------------------------------------------------- create / edit
def _payload(**fields):
    data = {
        "name": "赵  敏",
        "gender": "女",
        "id_number": make_id_number("330502", dt.date(1990, 7, 9), 21, "女"),
        "birth_date": "1990.07",
        "ethnicity": "01",
        "political_status": "中共党员",
        "party_join_date": "2012-05-04",
        "work_start_date": "2013.08",
        "staffing_type": "公务员",
        "health": "健康",
        "status": "在职",
        "position_title": "科员",
        "rank_level": "一级科员",
        "position_start": "2015.09",
        "rank_start": "2015.09",
        "edu-TOTAL_FORMS": "2", "edu-INITIAL_FORMS": "2", "edu-MIN_NUM_FORMS": "2", "edu-MAX_NUM_FORMS": "2",
        "edu-0-mode": "全日制", "edu-0-level": "大学本科", "edu-0-degree": "法学学士", "edu-0-school": "浙江大学",
        "edu-0-major": "法学", "edu-0-graduated_on": "2013.06",
        "edu-1-mode": "在职", "edu-1-level": "", "edu-1-degree": "", "edu-1-school": "", "edu-1-major": "",
        "edu-1-graduated_on": "",
        "assess-TOTAL_FORMS": "1", "assess-INITIAL_FORMS": "0", "assess-MIN_NUM_FORMS": "0", "assess-MAX_NUM_FORMS": "1000",
        "assess-0-year": "2024", "assess-0-grade": "优秀", "assess-0-reason": "",
        "family-TOTAL_FORMS": "1", "family-INITIAL_FORMS": "0", "family-MIN_NUM_FORMS": "0", "family-MAX_NUM_FORMS": "1000",
        "family-0-relation": "丈夫", "family-0-name": "孙立", "family-0-birth_date": "1988.03",
        "family-0-political_status": "群众", "family-0-work_unit_and_post": "某公司职员", "family-0-id_number": "",
        "reward-TOTAL_FORMS": "1", "reward-INITIAL_FORMS": "0", "reward-MIN_NUM_FORMS": "0", "reward-MAX_NUM_FORMS": "1000",
        "reward-0-kind": "", "reward-0-name": "", "reward-0-reason": "", "reward-0-decided_on": "",
        "reward-0-effect_start": "", "reward-0-effect_end": "", "reward-0-issuer": "",
    }
    data.update(fields)
    return data


def test_create_with_related_records(staff_client):
    unit = OrgUnitFactory(name="司法局")
    response = staff_client.post(reverse("cadre:cadre-create"), _payload(unit=str(unit.pk)))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    cadre = Cadre.objects.get(name="赵敏")
    assert response["Location"] == reverse("cadre:cadre-detail", args=[cadre.pk])
    assert cadre.birth_date == dt.date(1990, 7, 9)
    assert cadre.party_join_date == dt.date(2012, 5, 4)
    assert cadre.work_start_date == dt.date(2013, 8, 1)
    assert cadre.post_history.get().title == "科员"
    assert list(cadre.educations.values_list("mode", "level")) == [("全日制", "大学本科")]
    assert cadre.assessments.get().grade == "优秀"
    assert cadre.family.get().birth_date == dt.date(1988, 3, 1)
    assert not cadre.rewards_punishments.exists()  # the blank extra row is ignored
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cadre.create", "cadre.records_update"} <= actions
    assert cadre.history.first().history_user.username == "staff"


def test_create_get_renders_two_education_rows(staff_client):
    html = staff_client.get(reverse("cadre:cadre-create")).content.decode()
    assert 'name="edu-0-mode" value="全日制"' in html and 'name="edu-1-mode" value="在职"' in html
    assert "data-formset-add=\"assess\"" in html and "<template data-formset-template=\"family\">" in html
    assert "<script" not in html.split("<footer")[0]


def test_id_number_error_shown_on_field_and_nothing_saved(staff_client):
    wrong = make_id_number("330502", dt.date(1990, 7, 9), 21, "男")  # 17th digit says male
    response = staff_client.post(reverse("cadre:cadre-create"), _payload(id_number=wrong))
    assert response.status_code == 200
    form = response.context["form"]
    assert "与性别「女」不符" in form.errors["id_number"][0]
    assert not Cadre.objects.filter(name="赵敏").exists()
    assert "与性别「女」不符" in response.content.decode()


def test_bad_date_is_a_chinese_field_error(staff_client):
    response = staff_client.post(reverse("cadre:cadre-create"), _payload(work_start_date="2013.13"))
    assert response.status_code == 200
    assert "不是有效日期" in response.context["form"].errors["work_start_date"][0]


def test_records_error_rolls_back_the_cadre_write(staff_client, other_cadre):
    cadre, _, _ = other_cadre
    bad_family_id = "330502198001011230"  # wrong check digit
    payload = _payload(
        name="王建国",
        gender="男",
        id_number=cadre.id_number,
        birth_date="",
        native_place="浙江安吉",
        position_title="副局长",
        rank_level="副科级",
        position_start="2019.06",
        rank_start="2019.06",
        **{"family-0-id_number": bad_family_id},
    )
    response = staff_client.post(reverse("cadre:cadre-edit", args=[cadre.pk]), payload)
    assert response.status_code == 200
    errors = response.context["formsets"]["family"].non_form_errors()
    assert "家庭成员第1行" in errors[0] and "校验位" in errors[0]
    cadre.refresh_from_db()
    assert cadre.native_place == ""  # the cadre change was rolled back with the records
    assert not AnnualAssessment.objects.filter(cadre=cadre).exists()


def test_edit_updates_and_deletes_related_rows(staff_client, staff_user):
    cadre = _full_record(staff_user)
    assessment = cadre.assessments.get()
    member = cadre.family.get()
    get = staff_client.get(reverse("cadre:cadre-edit", args=[cadre.pk]))
    assert get.status_code == 200 and 'value="2024"' in get.content.decode()
    rewards = list(cadre.rewards_punishments.order_by("-decided_on"))
    payload = _payload(
        name="陈晓东", gender="男", id_number=cadre.id_number, birth_date="1982.07.20",
        unit=str(cadre.unit_id), position_title="副镇长", rank_level="副科级", position_start="2012.06", rank_start="2012.06",
        **{
            "assess-TOTAL_FORMS": "2", "assess-INITIAL_FORMS": "1",
            "assess-0-id": str(assessment.pk), "assess-0-year": "2024", "assess-0-grade": "称职", "assess-0-reason": "",
            "assess-1-year": "2023", "assess-1-grade": "未定等次", "assess-1-reason": "新录用未满一年",
            "family-TOTAL_FORMS": "1", "family-INITIAL_FORMS": "1",
            "family-0-id": str(member.pk), "family-0-relation": "妻子", "family-0-name": "周敏",
            "family-0-birth_date": "1984.02", "family-0-political_status": "", "family-0-work_unit_and_post": "",
            "family-0-id_number": member.id_number, "family-0-DELETE": "on",
            "reward-TOTAL_FORMS": "2", "reward-INITIAL_FORMS": "2",
            "reward-0-id": str(rewards[0].pk), "reward-0-kind": "党纪处分", "reward-0-name": "党内警告",
            "reward-0-decided_on": "2025.09", "reward-0-effect_start": "2025.09", "reward-0-effect_end": "2026.08",
            "reward-1-id": str(rewards[1].pk), "reward-1-kind": "奖励", "reward-1-name": "记三等功",
            "reward-1-decided_on": "2020.01",
        },
    )
    response = staff_client.post(reverse("cadre:cadre-edit", args=[cadre.pk]), payload)
    assert response.status_code == 302, response.context["form"].errors
    assert dict(cadre.assessments.values_list("year", "grade")) == {2024: "称职", 2023: "未定等次"}
    assert not FamilyMember.objects.filter(pk=member.pk).exists()
    assert RewardPunishment.objects.get(pk=rewards[0].pk).effect_end == dt.date(2026, 8, 1)
    html = staff_client.get(reverse("cadre:cadre-detail", args=[cadre.pk])).content.decode()
    assert "<del>优秀</del> → 称职" in html
    assert "删除" in html


def test_undetermined_grade_without_reason_is_refused(staff_client):
    response = staff_client.post(
        reverse("cadre:cadre-create"), _payload(**{"assess-0-grade": "未定等次", "assess-0-reason": ""})
    )
    assert response.status_code == 200
    assert "未定等次时须填写原因" in response.content.decode()
    assert not Cadre.objects.filter(name="赵敏").exists()


# ---------------------------------------------------------------- units
def _unit_tree_data(n_units):
    root = OrgUnitFactory(name="开发区管委会", order=1)
    for i in range(n_units):
        unit = OrgUnitFactory(name=f"下属单位{i}", parent=root, is_key_unit=(i == 0), key_area="财政" if i == 0 else "")
        post = PostFactory(unit=unit, title="局长", level="正科级", headcount=1)
        PostFactory(unit=unit, title="副局长", headcount=2)
        holder = CadreFactory(unit=unit, position_title="局长", rank_level="正科级")
        holder.post_history.create(unit=unit, post=post, seat=1, unit_name=unit.name, title="局长", start=dt.date(2020, 1, 1))
    return root


@pytest.mark.parametrize("n_units", [2, 12])
def test_unit_tree_query_count_and_totals(staff_client, django_assert_num_queries, n_units):
    _unit_tree_data(n_units)
    # user, roles, units (with cadre counts), posts with holders, user.cadre (nav); the session is cached
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("cadre:units"))
    html = response.content.decode()
    assert html.count("data-unit-row=") == n_units + 1
    assert f"职数 {n_units * 3}，在任 {n_units}，空缺 <strong class=\"text-danger\">{n_units * 2}</strong>" in html
    assert "tree-depth-1" in html and "财政" in html


def test_unit_detail_posts_holders_vacancies(role_client):
    root = _unit_tree_data(1)
    unit = root.children.get()
    html = role_client("observer").get(reverse("cadre:unit-detail", args=[unit.pk])).content.decode()
    holder = Cadre.objects.get(unit=unit)
    assert reverse("cadre:cadre-detail", args=[holder.pk]) in html
    assert "职数 3，在任 1，空缺 2" in html
    assert "开发区管委会" in html  # breadcrumb to the parent
    assert "重要单位（财政）" in html


def test_detail_query_count_does_not_grow_with_rows(staff_client, staff_user, django_assert_num_queries):
    cadre = _full_record(staff_user)
    # record (1) + six prefetches + seven history tables + unit/post names for the change log + user/roles/nav (the session is cached)
    with django_assert_num_queries(18):
        staff_client.get(reverse("cadre:cadre-detail", args=[cadre.pk]))
    for i in range(6):
        FamilyMemberFactory(cadre=cadre, relation="女儿", name=f"陈{i}")
        AssessmentFactory(cadre=cadre, year=2015 + i)
    cadre_update(actor=staff_user, cadre=cadre, data={"health": "良好", "native_place": "浙江安吉"})
    with django_assert_num_queries(18):
        response = staff_client.get(reverse("cadre:cadre-detail", args=[cadre.pk]))
    assert response.content.decode().count("<td>女儿</td>") == 6


@pytest.mark.parametrize("extra_posts", [0, 8])
def test_unit_detail_query_count_is_constant(staff_client, django_assert_num_queries, extra_posts):
    root = _unit_tree_data(1)
    unit = root.children.get()
    for i in range(extra_posts):
        post = PostFactory(unit=unit, title=f"四级主任科员{i}", level="四级主任科员", kind="职级")
        holder = CadreFactory(unit=unit, position_title=post.title)
        EducationFactory(cadre=holder)
        holder.post_history.create(unit=unit, post=post, seat=1, unit_name=unit.name, title=post.title, start=dt.date(2021, 1, 1))
    # user, roles, unit, posts, open holdings, cadres, their education, child units, user.cadre (nav); session cached
    with django_assert_num_queries(9):
        response = staff_client.get(reverse("cadre:unit-detail", args=[unit.pk]))
    assert response.content.decode().count("data-post-row=") == 2 + extra_posts


@pytest.mark.django_db(transaction=True)
def test_roster_count_is_cached_until_the_roster_changes(staff_user, django_assert_num_queries):
    """Outside a transaction the roster's count comes from the cache under the roster version: the same
    filters on another page (a table not rendered yet) count nothing; a new record (its commit bumps the
    version) is counted at once."""
    client = Client()
    client.force_login(staff_user)
    _roster_rows(3)
    url = reverse("cadre:roster")

    def count(response) -> int:
        return int(re.search(r'data-roster-count="(\d+)"', response.content.decode()).group(1))

    males = Cadre.objects.filter(gender="男", status="在职").count()
    assert count(client.get(url, {"gender": "男"})) == males
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"gender": "男", "page": "2"})
    assert count(again) == males
    assert [q for q in queries.captured_queries if 'FROM "cadre_cadre"' in q["sql"]]  # the rows were read
    assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    CadreFactory(gender="男")
    assert count(client.get(url, {"gender": "男"})) == males + 1
    assert count(client.get(url, {"gender": "女"})) == Cadre.objects.filter(gender="女", status="在职").count()


def test_roster_rows_escape_every_value(staff_client):
    unit = OrgUnitFactory(name="单位<甲>", short_name="")
    cadre = CadreFactory(unit=unit, position_title='"><script>alert(1)</script>', status="调离")
    html = staff_client.get(reverse("cadre:roster"), {"status": "调离"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "单位&lt;甲&gt;&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'<tr data-cadre-row="{cadre.pk}">' in html and '<span class="badge text-bg-secondary">调离</span>' in html
    assert f'href="{reverse("cadre:cadre-detail", args=[cadre.pk])}"' in html


def test_nav_links_my_record_only_for_an_account_with_one(role_client, candidate_user):
    my_record = f'href="{reverse("cadre:my-record")}"'
    assert my_record in role_client("candidate").get(reverse("home")).content.decode()
    assert my_record not in role_client("staff").get(reverse("cadre:roster")).content.decode()


def test_roster_education_column_shows_the_higher_of_both_modes(staff_client):
    both = CadreFactory(name="甲学历")
    EducationFactory(cadre=both, mode="全日制", level="大学本科")
    EducationFactory(cadre=both, mode="在职", level="研究生")
    tie = CadreFactory(name="乙学历")
    EducationFactory(cadre=tie, mode="全日制", level="大学本科")
    EducationFactory(cadre=tie, mode="在职", level="大学本科")
    CadreFactory(name="丙学历")
    html = staff_client.get(reverse("cadre:roster"), {"q": "学历"}).content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(r'>([甲乙丙]学历)</a>.*?<td>([^<]*)</td>\s*<td class="font-monospace', html, re.S)}
    assert rows == {"甲学历": "研究生（在职）", "乙学历": "大学本科", "丙学历": ""}
