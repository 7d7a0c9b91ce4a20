"""No formulas from user data (issue 18, deliverable 4): every spreadsheet export writes a name such as
``=HYPERLINK("http://x","点我")`` as a text cell, through the one writer core.xlsx (the .csv writer prefixes it)."""
import csv
import dataclasses
import datetime as dt
import inspect
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from assessment.slips import Slip, slips_xlsx
from cadre.roster.errors import write_error_copy
from cadre.roster.export import write_roster
from cadre.roster.formats import RowIssue
from cadre.models import Cadre
from cadre.tests.factories import CadreFactory, PostFactory
from cadre.tests.test_eligibility import person
from core import xlsx
from rotation.views.common import xlsx_response
from selection import exports
from selection.models import AppStatus
from selection.tests import factories as f
from selection.workflow import Stage

EVIL = '=HYPERLINK("http://evil.example/x","点我")'
OTHERS = ["+1+2", "-3+4", "@SUM(A1)", "\tA", "=1+1"]


def cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_text_only(content: bytes, *expected: str):
    found = cells(content)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a cell is a formula"
    values = {c.value for c in found}
    for text in expected:
        assert text in values or any(text in str(v) for v in values), f"{text!r} missing"


def test_writer_cells_are_text_whatever_they_start_with():
    wb = xlsx.write_only_workbook()
    ws = wb.create_sheet("表")
    xlsx.append(ws, [EVIL, *OTHERS, 7, 1.5, None])
    content = xlsx.to_bytes(wb)
    found = cells(content)
    assert [c.value for c in found] == [EVIL, *OTHERS, 7, 1.5]
    assert [c.data_type for c in found] == ["s"] * 6 + ["n", "n"]
    assert xlsx.cell_xml("A1", EVIL).startswith('<c r="A1" t="inlineStr">')


def test_writer_on_a_normal_worksheet_too():
    wb = Workbook()
    xlsx.append(wb.active, [EVIL])
    assert_text_only(xlsx.to_bytes(wb), EVIL)


def test_csv_writer_neutralises_formula_starts():
    out = io.StringIO()
    xlsx.csv_writer(out).writerow([EVIL, *OTHERS, "张三", 5])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[0] == "'" + EVIL and row[1] == "'+1+2" and row[3] == "'@SUM(A1)" and row[-2:] == ["张三", "5"]
    assert all(v.startswith("'") for v in row[:6])


@pytest.mark.django_db
def test_roster_export(tmp_path):
    CadreFactory(name=EVIL[:30], note=EVIL, position_title="+1+2")
    out = tmp_path / "r.xlsx"
    write_roster(Cadre.objects.all(), out)
    assert_text_only(out.read_bytes(), EVIL[:30], EVIL, "+1+2")


@pytest.mark.django_db
def test_eligibility_export(client, staff_user):
    post = PostFactory(level="正科级", title="局长", is_open_for_competition=True)
    person(name=EVIL[:30], position_title="=1+1")
    client.force_login(staff_user)
    response = client.get(reverse("eligibility:post-export", args=[post.pk]), {"as_of": "2026-06-30"})
    assert response.status_code == 200
    assert_text_only(response.content, EVIL[:30], "=1+1")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(exports.KINDS))
def test_selection_exports(kind):
    c = f.campaign(Stage.INSPECTION, title="=1+1竞争上岗", judges=1)
    p1, _p2 = f.posts_of(c)
    cadre = f.qualified_cadre(name=EVIL[:30], position_title="@SUM(A1)", birth=dt.date(1990, 5, 1))
    f.application(
        p1, cadre, status=AppStatus.SUBMITTED, suggestion="符合", review_decision="通过", review_reason=EVIL,
        is_inspection_target=True, rank=1, reviewed_at=timezone.now(), submitted_at=timezone.now(),
    )
    content = exports.build(c, kind, user=None)
    assert_text_only(content, EVIL[:30])


def test_rotation_export():
    response = xlsx_response("x.xlsx", "=1+1名单", ["姓名", "说明"], [[EVIL, "-3+4"]])
    assert_text_only(response.content, EVIL, "-3+4", "=1+1名单")


def test_assessment_code_list():
    """The code list (its signature may carry the evaluator group per slip or per call)."""
    session = SimpleNamespace(title="=1+1测评")
    group = SimpleNamespace(name=EVIL)
    slip_fields = {field.name for field in dataclasses.fields(Slip)}
    slip = Slip(serial=1, code="ABCDEFGH", url="http://t/v", **({"group": EVIL} if "group" in slip_fields else {}))
    kwargs = {"group": group} if "group" in inspect.signature(slips_xlsx).parameters else {}
    assert_text_only(slips_xlsx(session=session, slips=[slip], **kwargs), EVIL, "=1+1测评")


@pytest.mark.django_db
def test_roster_export_title_with_a_unit_name(tmp_path):
    CadreFactory(name="张三")
    out = tmp_path / "r.xlsx"
    write_roster(Cadre.objects.all(), out, title="=1+1单位干部花名册")
    assert_text_only(out.read_bytes(), "=1+1单位干部花名册", "张三")


def test_roster_error_copy(tmp_path):
    """The import's error copy echoes the uploaded values: as text, never as formulas."""
    wb = xlsx.write_only_workbook()
    ws = wb.create_sheet("干部花名册")
    xlsx.append(ws, ["序号", "姓名", "身份证号"])
    xlsx.append(ws, [1, EVIL, "@bad"])
    source = io.BytesIO(xlsx.to_bytes(wb))
    out = tmp_path / "errors.xlsx"
    write_error_copy(source, [RowIssue(row=2, column="身份证号", value="@bad", message="=1+1 格式不对", col=2)], out)
    assert_text_only(out.read_bytes(), EVIL, "@bad")


def test_every_spreadsheet_goes_through_the_shared_writer():
    """No production module builds openpyxl cells or csv rows itself: core/xlsx.py is the one writer."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "bench/", "tests/")) or "/tests/" in rel or rel == "core/xlsx.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "WriteOnlyCell(" in text or "csv.writer(" in text:
            offenders.append(rel)
    assert offenders == []
