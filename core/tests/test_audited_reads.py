"""Reads that take personal data out are audited: an LRMX export, a document (PDF) download, and full 身份证号
through the cadre API — one audit row per read, none for masked or own-record reads."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cadre.tests.factories import CadreFactory
from core.models import AuditEvent
from documents import services as document_services

pytestmark = pytest.mark.django_db


def _rows(action):
    return list(AuditEvent.objects.filter(action=action))


def test_each_lrmx_export_writes_one_audit_row(client, staff_user):
    cadre = CadreFactory()
    client.force_login(staff_user)
    for n in (1, 2):
        response = client.get(reverse("documents:lrmx-export", args=[cadre.pk]))
        assert response.status_code == 200
        rows = _rows("documents.lrmx_export")
        assert len(rows) == n
    assert rows[0].actor == staff_user and rows[0].object_id == str(cadre.pk) and cadre.name in rows[0].summary


def test_lrmx_export_refused_to_a_leader_writes_nothing(client, leader_user):
    cadre = CadreFactory()
    client.force_login(leader_user)
    assert client.get(reverse("documents:lrmx-export", args=[cadre.pk])).status_code == 403
    assert _rows("documents.lrmx_export") == []


def test_each_pdf_download_writes_one_audit_row(client, staff_user, candidate_user):
    document = document_services.approval_form_generate(actor=None, cadre_id=candidate_user.cadre.pk)
    url = reverse("documents:download", args=[document.pk])
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
    client.force_login(candidate_user)  # the person's own document: still a download on record
    assert client.get(url).status_code == 200
    rows = _rows("documents.download")
    assert [r.actor for r in reversed(rows)] == [staff_user, candidate_user]
    assert all(r.object_id == str(document.pk) for r in rows)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_full_id_numbers_through_the_api_are_audited_per_response(staff_user):
    cadres = CadreFactory.create_batch(3)
    body = _api(staff_user).get(reverse("cadre-list")).json()
    assert any(row["id_number"] == cadres[0].id_number for row in body["results"])  # in full, for staff
    (row,) = _rows("cadre.id_numbers_read")
    assert row.actor == staff_user and sorted(row.data["cadre_ids"]) == sorted(c.pk for c in cadres)
    assert cadres[0].id_number not in str(row.data) + row.summary  # which records, never the numbers
    _api(staff_user).get(reverse("cadre-detail", args=[cadres[1].pk]))
    rows = _rows("cadre.id_numbers_read")
    assert len(rows) == 2 and rows[0].object_id == str(cadres[1].pk) and rows[0].object_repr == cadres[1].name


def test_masked_and_own_record_reads_are_not_audited(leader_user, observer_user, candidate_user):
    CadreFactory.create_batch(2)
    for user in (leader_user, observer_user):
        assert _api(user).get(reverse("cadre-list")).status_code == 200
    assert _api(candidate_user).get(reverse("cadre-me")).status_code == 200
    assert _rows("cadre.id_numbers_read") == []


def test_the_export_lrmx_command_is_audited_too(tmp_path):
    cadre = CadreFactory()
    call_command("export_lrmx", cadre.id_number, str(tmp_path / "out.lrmx"), stdout=io.StringIO())
    (row,) = _rows("documents.lrmx_export")
    assert row.actor is None and row.object_id == str(cadre.pk)
