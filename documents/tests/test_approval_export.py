"""任免审批表 as Word, one-click downloads from the record page and the roster's batch zip (PDF, Word, LRMX)."""
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from core.audit import AuditEvent
from core.models import BackgroundJob
from documents import approval_export, selectors
from documents.approval_docx import DOCX_CONTENT_TYPE, FAMILY_MIN_ROWS, approval_form_docx
from documents.tests.conftest import make_full_cadre

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _form_data(cadre, proposal=None):
    return selectors.approval_form_data(selectors.cadre_for_documents(cadre.pk), proposal)


# --- the Word file ---------------------------------------------------------------------------------------------
def test_docx_has_the_standard_two_page_form(full_cadre):
    data = approval_form_docx(_form_data(full_cadre, {"proposed": "财政局副局长", "reason": "工作需要",
                                                      "reporting_unit": "中共东林经济开发区工委组织部"}))
    document = Document(io.BytesIO(data))
    assert len(document.tables) == 2  # 表一 and 表二, a page break between them
    text = docx_text(data)
    for expected in ["干部任免审批表", "张晓明", "1985.06", "（41岁）", "浙江湖州", "经济学学士", "浙江财经大学", "财政学专业",
                     "财政局预算科科长", "财政局副局长", "工作需要", "中共东林经济开发区工委组织部",
                     # 简历 lines, 奖惩, 年度考核
                     "2008.07--2012.05  东林镇人民政府党政办科员", "2016.08--2021.03  财政局预算科副科长",
                     "记三等功", "2024年度考核为优秀",
                     # family rows
                     "妻子", "李丽", "东林中学教师", "儿子", "张一鸣", "父亲", "张建华",
                     "家庭\n主要\n成员", "呈报\n单位", "审批\n机关\n意见", "行政\n机关\n任免\n意见"]:
        assert expected in text, expected
    # the photo sits in its cell
    assert document.inline_shapes and len(document.inline_shapes) == 1
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)


def test_docx_without_photo_or_family_keeps_empty_rows(db):
    cadre = make_full_cadre(name="李某", seq=9, with_photo=False)
    cadre.family.all().delete()
    document = Document(io.BytesIO(approval_form_docx(_form_data(cadre))))
    assert not document.inline_shapes
    assert "（照片）" in docx_text(approval_form_docx(_form_data(cadre)))
    # 表二: 3 rows of text, the family header and six empty family rows, three opinions
    assert len(document.tables[1].rows) == 3 + 1 + FAMILY_MIN_ROWS + 3


def test_docx_and_pdf_come_from_the_same_data(full_cadre):
    """The Word file prints exactly the data the PDF is rendered from (``selectors.approval_form_data``)."""
    data = _form_data(full_cadre)
    text = docx_text(approval_form_docx(data))
    for key in ("name", "birth_text", "native_place", "party_text", "current_job", "assessments_text"):
        assert data[key] and data[key] in text, key
    for line in data["resume_text"].splitlines():
        assert line in text


# --- one click from the record page ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,content_type,magic", [
    ("pdf", "application/pdf", b"%PDF"),
    ("docx", DOCX_CONTENT_TYPE, b"PK"),
    ("lrmx", "application/xml; charset=utf-8", b"<?xml"),
])
def test_staff_downloads_one_form_in_one_click(staff_client, full_cadre, fmt, content_type, magic):
    response = staff_client.get(reverse("documents:approval-form-download", args=[full_cadre.pk, fmt]))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    assert "attachment" in response["Content-Disposition"]
    assert not BackgroundJob.objects.exists()  # no job page for a single form
    event = AuditEvent.objects.filter(action="documents.approval_form_export").get()
    assert event.data["format"] == fmt and event.data["cadre"] == full_cadre.pk


def test_record_page_offers_the_three_downloads(staff_client, full_cadre):
    page = staff_client.get(reverse("cadre:cadre-detail", args=[full_cadre.pk])).content.decode()
    for fmt in ("pdf", "docx", "lrmx"):
        assert reverse("documents:approval-form-download", args=[full_cadre.pk, fmt]) in page


def test_unknown_format_is_refused_in_chinese(staff_client, full_cadre):
    response = staff_client.get(reverse("documents:approval-form-download", args=[full_cadre.pk, "xls"]), follow=True)
    assert "不支持的格式" in response.content.decode()


@pytest.mark.parametrize("who", ["leader_user", "judge_user", "observer_user", "candidate_user"])
def test_other_roles_cannot_download_forms(client, request, who, full_cadre):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("documents:approval-form-download", args=[full_cadre.pk, "docx"])).status_code == 403
    response = client.post(reverse("documents:approval-forms-selected"), {"cadre": [full_cadre.pk], "format": "pdf"})
    assert response.status_code == 403
    assert not BackgroundJob.objects.exists()


def test_service_refuses_non_staff(leader_user, full_cadre):
    with pytest.raises(approval_export.ApplicationError, match="只有组织部工作人员"):
        approval_export.approval_form_export(actor=leader_user, cadre_id=full_cadre.pk, fmt="pdf")


# --- the roster's batch ------------------------------------------------------------------------------------------
@pytest.fixture
def three(full_cadre):
    return [full_cadre, make_full_cadre(name="李红梅", seq=21), make_full_cadre(name="王建国", seq=33, with_photo=False)]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "lrmx"])
def test_batch_zip_has_one_file_per_selected_person(staff_client, three, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("documents:approval-forms-selected"),
                                     {"cadre": [c.pk for c in three], "format": fmt})
    job = BackgroundJob.objects.get(kind=approval_export.BUNDLE_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("documents:approval-forms-zip", args=[job.pk])
    page = staff_client.get(response["Location"]).content.decode()
    assert job.status == "done" or "下载压缩文件" in page
    job.refresh_from_db()
    assert job.status == "done", job.message
    download = staff_client.get(response["Location"] + "?download=1")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    expected = sorted(f"{c.name}-{c.id_number[-4:]}.{fmt}" for c in three)
    assert sorted(archive.namelist()) == expected
    for cadre in three:
        data = archive.read(f"{cadre.name}-{cadre.id_number[-4:]}.{fmt}")
        if fmt == "docx":
            assert cadre.name in docx_text(data)
        elif fmt == "lrmx":
            assert f"<XingMing>{cadre.name}</XingMing>" in data.decode()
        else:
            assert data.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="documents.approval_forms_bundle").count() == 1


def test_one_selected_person_downloads_at_once(staff_client, three):
    response = staff_client.post(reverse("documents:approval-forms-selected"), {"cadre": [three[0].pk], "format": "docx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert not BackgroundJob.objects.exists()


def test_nothing_selected_is_refused(staff_client, three):
    response = staff_client.post(reverse("documents:approval-forms-selected"), {"format": "pdf"}, follow=True)
    assert "请先选择干部" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_select_all_matching_the_filter(staff_client, three, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("documents:approval-forms-selected"), {"all_matching": "1", "query": "", "format": "lrmx"})
    job = BackgroundJob.objects.get(kind=approval_export.BUNDLE_KIND)
    assert sorted(job.params["cadre_ids"]) == sorted(c.pk for c in three) and len(job.result["files"]) == 3
    # the filter narrows the selection: one match downloads at once
    response = staff_client.post(reverse("documents:approval-forms-selected"),
                                 {"all_matching": "1", "query": "q=李红梅", "format": "lrmx"})
    assert response.status_code == 200 and "<XingMing>李红梅</XingMing>" in response.content.decode()


def test_zip_page_is_staff_only(client, leader_user, staff_user, three):
    job = approval_export.approval_forms_bundle_start(actor=staff_user, cadre_ids=[c.pk for c in three], fmt="docx")
    client.force_login(leader_user)
    assert client.get(reverse("documents:approval-forms-zip", args=[job.pk])).status_code == 403


def test_a_damaged_photo_leaves_the_photo_cell_empty(db):
    cadre = make_full_cadre(name="赵丽", seq=41, with_photo=False)
    cadre.photo.save("broken.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    text = docx_text(approval_form_docx(_form_data(cadre)))
    assert "（照片）" in text and "赵丽" in text
    lrmx = approval_export.export_person(cadre).decode()
    assert "<ZhaoPian />" in lrmx or "<ZhaoPian></ZhaoPian>" in lrmx
