"""Django admin: every records model registered; changelists and change pages load; constant query count."""
import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from cadre import models as m
from cadre.idnumber import make_id_number
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

MODELS = [
    m.OrgUnit, m.Post, m.Cadre, m.EducationRecord, m.PostHistory, m.RankHistory, m.AnnualAssessment,
    m.RewardPunishment, m.FamilyMember,
]


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.com", "pass12345")
    client.force_login(user)
    return client


@pytest.fixture
def cadre(db):
    unit = OrgUnitFactory(name="财政局", code="QX004", is_key_unit=True, key_area="财政", locality="青溪经济开发区")
    post = PostFactory(unit=unit, title="局长", level="正科级")
    person = CadreFactory(
        name="周明", unit=unit, position_title="局长", rank_level="正科级", position_start=dt.date(2019, 3, 1),
        rank_start=dt.date(2019, 3, 1),
    )
    m.PostHistory.objects.create(
        cadre=person, unit=unit, post=post, seat=1, unit_name=unit.name, title="局长", level="正科级",
        start=dt.date(2019, 3, 1),
    )
    m.RankHistory.objects.create(cadre=person, level="正科级", start=dt.date(2019, 3, 1))
    EducationFactory(cadre=person)
    AssessmentFactory(cadre=person)
    m.RewardPunishment.objects.create(cadre=person, kind="奖励", name="嘉奖", decided_on=dt.date(2024, 1, 5))
    relative = CadreFactory(name="李芳", gender="女", unit=unit)
    FamilyMemberFactory(cadre=person, relation="配偶", name="李芳", relative_cadre=relative)
    return person


def test_every_cadre_model_is_registered_with_history():
    for model in MODELS:
        assert model in admin.site._registry, model
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_change_and_history_pages_load(admin_client, cadre, model):
    info = (model._meta.app_label, model._meta.model_name)
    response = admin_client.get(reverse("admin:%s_%s_changelist" % info))
    assert response.status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse("admin:%s_%s_history" % info, args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse("admin:%s_%s_add" % info)).status_code == 200


def test_cadre_change_page_has_all_inlines(admin_client, cadre):
    html = admin_client.get(reverse("admin:cadre_cadre_change", args=[cadre.pk])).content.decode()
    for prefix in ("educations", "post_history", "rank_history", "assessments", "rewards_punishments", "family"):
        assert f'id="{prefix}-group"' in html, prefix
    assert "身份证号" in html and "周明" in html


def test_changelist_search_and_filters(admin_client, cadre):
    url = reverse("admin:cadre_cadre_changelist")
    assert "周明" in admin_client.get(url, {"q": "周明"}).content.decode()
    assert admin_client.get(url, {"rank_level__exact": "正科级"}).context["cl"].result_count == 1
    post_list = admin_client.get(reverse("admin:cadre_post_changelist")).content.decode()
    assert "在任人数" in post_list


def test_cadre_changelist_query_count_is_constant(admin_client, cadre, django_assert_max_num_queries):
    url = reverse("admin:cadre_cadre_changelist")
    admin_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    unit = m.OrgUnit.objects.get(code="QX004")
    for i in range(25):
        CadreFactory(unit=OrgUnitFactory() if i % 2 else unit)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 27
    # the unit filter lists units (one query) — rows themselves add none
    assert len(many.captured_queries) == len(few.captured_queries)


def test_admin_save_validates_id_number_and_keeps_history(admin_client, cadre):
    url = reverse("admin:cadre_cadre_change", args=[cadre.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if name == "photo":
            continue  # no file uploaded: the field keeps its (empty) value
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = "0"
        data[f"{fs.prefix}-INITIAL_FORMS"] = "0"
    data["gender"] = "女"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "身份证号第17位表示男性，与性别「女」不符" in response.content.decode()

    data["gender"] = "男"
    data["grew_up_place"] = "东林镇"
    data["position_title"] = "副局长"
    data["position_start"] = "2026-01-01"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    cadre.refresh_from_db()
    assert cadre.grew_up_place == "东林镇"
    assert cadre.history.count() >= 1
    open_rows = m.PostHistory.objects.filter(cadre=cadre, end__isnull=True)
    assert [r.title for r in open_rows] == ["副局长"]  # the admin edit kept the history rows in step
    assert AuditEvent.objects.filter(action="admin.cadre.update", object_id=str(cadre.pk)).exists()


def test_admin_add_cadre_with_valid_number(admin_client):
    unit = OrgUnitFactory(name="东林镇", code="QX020", kind="乡镇")
    number = make_id_number("330502", dt.date(1990, 5, 17), 3, "女")
    url = reverse("admin:cadre_cadre_add")
    page = admin_client.get(url)
    data = {
        "name": "孙丽", "gender": "女", "id_number": number, "birth_date": "1990-05-17", "ethnicity": "01",
        "political_status": "中共党员", "staffing_type": "公务员", "health": "健康", "unit": unit.pk,
        "position_title": "科员", "rank_level": "四级主任科员", "position_start": "2022-01-01",
        "rank_start": "2022-01-01", "status": "在职",
    }
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = "0"
        data[f"{fs.prefix}-INITIAL_FORMS"] = "0"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    created = m.Cadre.objects.get(id_number=number)
    assert m.RankHistory.objects.get(cadre=created).level == "四级主任科员"
    assert AuditEvent.objects.filter(action="admin.cadre.create").exists()
