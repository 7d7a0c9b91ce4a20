"""The denormalized unit order behind the roster's default sort, and the raw cell writer of the export."""
import io
import zipfile

import pytest
from django.db import connection
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from cadre.bulk import insert_rows
from cadre.models import AnnualAssessment, Cadre
from cadre.roster.export import _cell_xml, write_roster
from cadre.selectors import roster_search
from cadre.services import unit_update
from cadre.tests.factories import CadreFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def roster_names(user):
    _, qs = roster_search(user=user, params={})
    return [c.name for c in qs if c.unit_id]  # where a cadre without a unit sorts is up to the database


def test_unit_order_follows_the_unit_on_save_and_on_reorder(staff_user):
    first = OrgUnitFactory(name="甲局", order=10)
    second = OrgUnitFactory(name="乙局", order=20)
    a = CadreFactory(name="张一", unit=first, rank_level="副科级")
    b = CadreFactory(name="李二", unit=second, rank_level="副科级")
    c = CadreFactory(name="王三", unit=None, rank_level="副科级")
    assert [x.unit_order for x in Cadre.objects.order_by("id")] == [10, 20, None]
    assert roster_names(staff_user)[:2] == ["张一", "李二"]

    unit_update(actor=staff_user, unit=second, data={"order": 5})
    assert Cadre.objects.get(pk=b.pk).unit_order == 5
    assert roster_names(staff_user)[:2] == ["李二", "张一"]

    a.refresh_from_db()
    a.unit_id = second.pk  # moved without the unit object loaded
    a.save()
    assert Cadre.objects.get(pk=a.pk).unit_order == 5
    a.unit = first
    a.save(update_fields=["unit"])
    assert Cadre.objects.get(pk=a.pk).unit_order == 10
    c.unit = first
    c.save()
    assert Cadre.objects.get(pk=c.pk).unit_order == 10


def test_unit_order_is_not_in_the_change_log():
    cadre = CadreFactory()
    assert not hasattr(cadre.history.model, "unit_order")


def test_cell_xml_matches_the_inline_strings_openpyxl_writes():
    assert _cell_xml("A3", None) == ""
    assert _cell_xml("A3", "") == ""
    assert _cell_xml("A3", 7) == '<c r="A3" t="n"><v>7</v></c>'
    assert _cell_xml("B3", "张三") == '<c r="B3" t="inlineStr"><is><t>张三</t></is></c>'
    assert _cell_xml("B3", "A&B<c>") == '<c r="B3" t="inlineStr"><is><t>A&amp;B&lt;c&gt;</t></is></c>'
    assert _cell_xml("B3", " x") == '<c r="B3" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>'
    with pytest.raises(IllegalCharacterError):
        _cell_xml("B3", "a\x01b")


def test_export_keeps_text_exactly(staff_user):
    note = " 备注 A&B <x>\r\n第二行 "
    CadreFactory(name="张一", note=note, position_title="=SUM(A1)")
    buf = io.BytesIO()
    assert write_roster(Cadre.objects.all(), buf) == 1
    buf.seek(0)
    with zipfile.ZipFile(buf) as z:
        assert z.testzip() is None
    buf.seek(0)
    ws = load_workbook(buf)["干部名册"]
    row = [cell.value for cell in ws[3]]
    assert row[1] == "张一"
    assert note in row
    assert "=SUM(A1)" in row  # text, never a formula
    assert ws.max_row == 3


def _assorted_workbook(write_only: bool) -> io.BytesIO:
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("干部名册") if write_only else wb.active
    if not write_only:
        ws.title = "干部名册"
    rows = [
        ["标题"],
        [],
        ["姓名", None, "出生年月", 1981.1, 1981.1, True, 42, " 空格 ", "a&b<c>"],
        [None, None, None],
        ["王五", dt.date(1980, 5, 1), dt.datetime(1990, 1, 2, 3, 4), 1e20, -3, False, "=1+1", "", "第一行\n第二行"],
    ]
    for values in rows:
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(ws, value=value) if write_only else value
            if index == 4 and value == 1981.1:
                if write_only:
                    cell.number_format = "0.00"
            cells.append(cell)
        ws.append(cells)
    if not write_only:
        ws["E3"].number_format = "0.00"
        ws["B5"].number_format = "yyyy.mm"
        ws["J7"] = "远处"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


@pytest.mark.parametrize("write_only", [False, True])
def test_sheet_reader_gives_what_openpyxl_read_only_gives(write_only):
    from openpyxl import load_workbook as load

    from cadre.roster.sheet import open_sheet_file

    buf = _assorted_workbook(write_only)
    wb = load(buf, read_only=True, data_only=True)
    ws = wb["干部名册"]
    expected_max = ws.max_row or 0
    ws.reset_dimensions()
    expected = [
        ([getattr(c, "value", None) for c in row], [getattr(c, "number_format", None) for c in row])
        for row in ws.iter_rows()
    ]
    wb.close()
    buf.seek(0)
    book = open_sheet_file(buf)
    try:
        assert book.titles == ["干部名册"]
        assert [(list(v), list(f)) for v, f in book.rows("干部名册")] == [(list(v), list(f)) for v, f in expected]
        assert book.estimated_rows("干部名册") == expected_max
    finally:
        book.close()


@pytest.mark.parametrize("step", [1, 2])
def test_insert_rows_copies_exactly_its_rows_to_the_history(staff_user, step):
    """The new pks as one unbroken run (history rows by a pk range) or with gaps (by the list of pks)."""
    other = CadreFactory(name="赵四")
    AnnualAssessment.objects.create(cadre=other, year=2020, grade="称职")  # a row before, not copied again
    if connection.vendor == "postgresql" and step > 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('cadre_annualassessment', 'id')")
            cursor.execute(f"ALTER SEQUENCE {cursor.fetchone()[0]} INCREMENT BY {step}")
    cadre = CadreFactory(name="钱五")
    ids = insert_rows(AnnualAssessment, [{"cadre_id": cadre.pk, "year": y, "grade": "优秀"} for y in (2021, 2022, 2023)], user=staff_user)
    history = AnnualAssessment.history.filter(history_type="+", history_user=staff_user)
    assert sorted(history.values_list("id", flat=True)) == sorted(ids) and len(set(ids)) == 3
    assert set(history.values_list("cadre_id", "grade")) == {(cadre.pk, "优秀")}
