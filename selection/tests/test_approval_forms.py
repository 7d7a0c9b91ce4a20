"""干部任免审批表 of the people the 党委会 passed: 拟任/拟免 and 任免理由 with the appointment kind from the snapshot."""
import io
import subprocess
import zipfile

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from documents.selectors import approval_form_data, cadre_for_documents
from selection import notices, services
from selection.tests import factories as F
from selection.workflow import Stage

pytestmark = pytest.mark.django_db


def test_the_forms_carry_the_kind_and_the_probation_from_the_snapshot(client):
    c = F.decided(Stage.PUBLICITY)
    proposals = notices.approval_proposals(c)
    assert len(proposals) == 2
    for winner in c.world.winners:
        p = proposals[winner.cadre_id]
        assert p["proposed"] == notices.post_title(winner.campaign_post)
        assert "（新提任，试用期1年）" in p["reason"] and p["removed"] == ""  # 一级科员: nothing to 免去
    client.force_login(c.world.staff)
    response = client.post(reverse("selection:approval-forms", args=[c.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        names = bundle.namelist()
        assert len(names) == 2 and all(n.startswith("干部任免审批表-") for n in names)
        pdfs = [bundle.read(n) for n in names]
    for pdf in pdfs:
        # pdftotext in reading order keeps the 任免理由 cell together; `-layout` interleaves a wrapped line with
        # the cell's label column ("新提" / "理 由" / "任"), which is how this check once failed under CI
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "（新提任，试用期1年）" in "".join(text.split())
    winner = c.world.winners[0]
    data = approval_form_data(cadre_for_documents(winner.cadre_id), notices.approval_proposals(c)[winner.cadre_id])
    assert data["proposed"] == notices.post_title(winner.campaign_post) and "新提任，试用期1年" in data["reason"]


def test_refused_before_the_meeting_and_for_anyone_but_staff(client):
    early = F.campaign(Stage.REGISTRATION)
    with pytest.raises(ApplicationError, match="尚未进入“讨论决定”阶段"):
        services.approval_forms_issue(actor=F.staff(), campaign=early)
    c = F.decided(Stage.PUBLICITY)
    client.force_login(c.world.leader)
    assert client.post(reverse("selection:approval-forms", args=[c.pk])).status_code == 403
