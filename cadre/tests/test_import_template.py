"""The import template: the importer's own columns with a note each, drop-downs, a 填写说明 sheet; filled in
with its own examples it imports without an error. Staff only."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre.models import Cadre
from cadre.roster import import_roster
from cadre.roster.formats import COLUMNS, REQUIRED_KEYS
from cadre.roster.template import CHOICES, NOTES

pytestmark = pytest.mark.django_db


def download(client, user):
    client.force_login(user)
    return client.get(reverse("cadre:import-template"))


def test_staff_downloads_the_template_with_a_note_on_every_column(client, staff_user):
    response = download(client, staff_user)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["干部名册"]
    headers = [c.value for c in ws[1]]
    assert headers == [header for _k, header, _a in COLUMNS]
    for cell, (key, _header, _aliases) in zip(ws[1], COLUMNS, strict=True):
        assert cell.comment is not None and cell.comment.text
        assert cell.comment.text.startswith("【必填】") == (key in REQUIRED_KEYS)
    assert ws.max_row == 1  # empty: no stray formatted rows for the importer to read
    assert len(ws.data_validations.dataValidation) == len(CHOICES)  # a drop-down per coded column
    notes = [row for row in wb["填写说明"].iter_rows(values_only=True)]
    assert notes[0] == ("列名", "是否必填", "填写要求", "示例")
    assert {r[0] for r in notes[1:]} >= {h for _k, h, _a in COLUMNS}
    assert set(NOTES) == {k for k, _h, _a in COLUMNS}


def test_the_template_filled_with_its_own_examples_imports_cleanly(client, staff_user):
    wb = load_workbook(io.BytesIO(download(client, staff_user).content))
    ws = wb["干部名册"]
    ws.append([NOTES[key][1] or None for key, _h, _a in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = import_roster(actor=staff_user, source=buf)
    assert not report.errors, [e.line() for e in report.errors]
    assert Cadre.objects.filter(name="张三", id_number="330501198106150012").exists()


@pytest.mark.parametrize("who", ["leader_user", "observer_user", "judge_user", "candidate_user"])
def test_other_roles_are_refused(request, client, who):
    assert download(client, request.getfixturevalue(who)).status_code == 403
