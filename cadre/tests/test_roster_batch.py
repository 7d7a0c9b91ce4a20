"""Roster checkboxes and batch actions: the selection (ticked rows or all matching the filter), the export of the
selection, and who sees which batch buttons."""
import io

import pytest
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from cadre.roster import selected_ids
from cadre.tests.factories import CadreFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    town = OrgUnitFactory(name="东林镇")
    office = OrgUnitFactory(name="财政局")
    return [CadreFactory(name="张三", unit=town), CadreFactory(name="李四", unit=town), CadreFactory(name="王五", unit=office)]


def _names(response) -> list[str]:
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["干部名册"]
    return sorted(r[1] for r in ws.iter_rows(min_row=3, values_only=True) if r[1])


def test_staff_sees_checkboxes_and_every_batch_action(staff_client, people):
    page = staff_client.get(reverse("cadre:roster")).content.decode()
    assert page.count('name="cadre"') == 3 and "data-select-page" in page
    assert reverse("documents:approval-forms-selected") in page and 'value="docx"' in page
    assert 'formaction="' + reverse("cadre:roster-export") in page
    assert "roster-batch.js" in page and reverse("rotation:roster-add") in page


@pytest.mark.parametrize("who", ["leader_user", "observer_user"])
def test_readers_select_and_export_but_get_no_form_actions(client, request, who, people):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("cadre:roster")).content.decode()
    assert page.count('name="cadre"') == 3
    assert reverse("documents:approval-forms-selected") not in page
    response = client.post(reverse("cadre:roster-export"), {"cadre": [people[0].pk]})
    assert response.status_code == 200 and _names(response) == ["张三"]


@pytest.mark.parametrize("who", ["candidate_user", "judge_user"])
def test_export_of_a_selection_refused_for_non_readers(client, request, who, people):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("cadre:roster-export"), {"cadre": [people[0].pk]}).status_code == 403


def test_export_selected_rows_only(staff_client, people):
    response = staff_client.post(reverse("cadre:roster-export"), {"cadre": [people[0].pk, people[2].pk], "query": ""})
    assert response.status_code == 200 and _names(response) == ["张三", "王五"]


def test_export_all_matching_the_filter(staff_client, people):
    unit = people[0].unit
    response = staff_client.post(reverse("cadre:roster-export"),
                                 {"all_matching": "1", "query": f"unit={unit.pk}", "cadre": [people[0].pk]})
    assert _names(response) == ["张三", "李四"]


def test_selection_keeps_the_roster_filter_and_ignores_junk(staff_user, people):
    unit = people[0].unit
    data = QueryDict(f"cadre={people[1].pk}&cadre={people[2].pk}&cadre=x&query=unit%3D{unit.pk}")
    assert selected_ids(user=staff_user, data=data) == [people[1].pk]  # 王五 is outside the filtered page
    assert selected_ids(user=staff_user, data=QueryDict("cadre=abc")) == []
    assert sorted(selected_ids(user=staff_user, data=QueryDict("all_matching=1"))) == sorted(p.pk for p in people)
