"""The 操作记录 viewer reads as people speak: action labels, object names and model names, never codes."""
from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from core.audit import action_choices, action_label, audit, register_actions
from core.models import AuditEvent
from core.views.audit import AuditFilterForm, object_label, object_type_label

pytestmark = pytest.mark.django_db


class SelectionActions(models.TextChoices):
    """The selection app's enum member, as the contract fixes it (registered here if the app has not yet)."""

    APPROVE_PLAN = "selection.approve_plan", "批准方案"


def approve_plan():
    if action_label(SelectionActions.APPROVE_PLAN.value) == SelectionActions.APPROVE_PLAN.value:
        register_actions(SelectionActions)
    return SelectionActions.APPROVE_PLAN


def _page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("audit-log"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_action_column_shows_the_label_not_the_code(client, staff_user):
    audit(actor=staff_user, action=approve_plan(), summary="批准竞争上岗工作方案")
    html = _page(client, staff_user)
    assert "批准方案" in html
    assert "selection.approve_plan</td>" not in html and "<code>selection.approve_plan" not in html


def test_action_filter_lists_labels_and_filters_by_the_stored_value(client, staff_user):
    audit(actor=staff_user, action=approve_plan(), summary="第一条")
    AuditEvent.objects.create(actor=staff_user, action="legacy.unregistered_thing", summary="第二条")
    form = AuditFilterForm()
    choices = dict(form.fields["action"].choices)
    assert choices["selection.approve_plan"] == "批准方案"
    assert set(action_choices()) <= set(form.fields["action"].choices)
    # an action no app registered (yet) is still offered, under its stored code
    assert choices["legacy.unregistered_thing"] == "legacy.unregistered_thing"
    html = _page(client, staff_user, action="selection.approve_plan")
    assert "共 1 条记录" in html and "第一条" in html and "第二条" not in html
    assert '<option value="selection.approve_plan" selected>批准方案</option>' in html


def test_object_column_shows_the_recorded_name(client, staff_user):
    AuditEvent.objects.create(actor=staff_user, action=approve_plan(), object_type="selection.campaign", object_id="7",
                              object_repr="竞争上岗工作（第一批）", summary="批准方案")
    html = _page(client, staff_user)
    assert "竞争上岗工作（第一批）" in html
    assert "selection.campaign" not in html.split("<table", 1)[1]


def test_object_column_of_an_old_row_falls_back_to_the_model_name_and_id(staff_user):
    old = AuditEvent.objects.create(actor=staff_user, action="assessment.session_open", object_type="assessment.ballotsession",
                                    object_id="5")
    assert object_label(old) == "测评场次 #5"
    gone = AuditEvent(action="x", object_type="nosuchapp.model", object_id="3")
    assert object_label(gone) == "nosuchapp.model #3"
    assert object_label(AuditEvent(action="x")) == ""


def test_object_type_filter_shows_verbose_names(client, staff_user):
    AuditEvent.objects.create(actor=staff_user, action="assessment.session_open", object_type="assessment.ballotsession",
                              object_id="5")
    AuditEvent.objects.create(actor=staff_user, action="x.y", object_type="selection.campaign", object_id="7")
    choices = dict(AuditFilterForm().fields["object_type"].choices)
    assert choices["assessment.ballotsession"] == "测评场次"
    assert choices["selection.campaign"] == object_type_label("selection.campaign") != "selection.campaign"
    html = _page(client, staff_user, object_type="assessment.ballotsession")
    assert "共 1 条记录" in html and '<option value="assessment.ballotsession" selected>测评场次</option>' in html
    assert ">assessment.ballotsession<" not in html


def test_admin_actions_get_a_label_from_the_model(client, staff_user):
    assert action_label("admin.backgroundjob.delete") == "后台删除：后台任务"
    assert action_label("admin.calendarday.create").startswith("后台新增：")
    assert action_label("admin.nosuchmodel.update") == "admin.nosuchmodel.update"
    assert action_label("admin.backgroundjob.frobnicate") == "admin.backgroundjob.frobnicate"
    AuditEvent.objects.create(actor=staff_user, action="admin.backgroundjob.delete", summary="后台删除后台任务 1")
    html = _page(client, staff_user)
    assert "后台删除：后台任务" in html
    assert dict(AuditFilterForm().fields["action"].choices)["admin.backgroundjob.delete"] == "后台删除：后台任务"


def test_an_enum_label_wins_over_the_admin_label_function():
    class Admin(models.TextChoices):
        JOB_UPDATE = "admin.backgroundjob.update", "后台修改后台任务（枚举）"

    register_actions(Admin)
    assert action_label("admin.backgroundjob.update") == "后台修改后台任务（枚举）"


def test_observer_sees_masked_id_numbers_in_object_names(client, observer_user):
    AuditEvent.objects.create(action="cadre.update", object_type="cadre.cadre", object_id="1",
                              object_repr="张三 330521198403120016")
    html = _page(client, observer_user)
    assert "330521198403120016" not in html and "330521********001*" in html


def test_audit_refuses_an_unregistered_action(staff_user):
    with pytest.raises(ValueError):
        audit(actor=staff_user, action="selection.no_such_thing", summary="x")
    assert not AuditEvent.objects.filter(action="selection.no_such_thing").exists()


def test_admin_list_shows_action_labels(admin_client):
    AuditEvent.objects.create(action="admin.backgroundjob.delete", summary="后台删除后台任务 1")
    page = admin_client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "后台删除：后台任务" in page and ">admin.backgroundjob.delete<" not in page
