"""The roster is read by python-calamine when it can promise the values of the careful reader (sheet.SheetFile),
and by the careful reader otherwise: either way the import reports the same rows, errors and warnings."""
import datetime as dt

import pytest

from cadre.roster import reading
from cadre.roster.reading import read_roster
from cadre.roster.sheet import Unsure
from cadre.tests.roster_helpers import sample_rows, set_cell, xlsx


def careful(monkeypatch, source):
    def unsure(*args, **kwargs):
        raise Unsure
        yield  # a generator, as fast_rows

    with monkeypatch.context() as m:
        m.setattr(reading, "fast_rows", unsure)
        source.seek(0)
        return read_roster(source)


def outcome(parsed):
    return (
        [(r.row, r.id_number, r.values, r.educations, r.assessments) for r in parsed.rows],
        [e.as_dict() for e in parsed.errors],
        [w.as_dict() for w in parsed.warnings],
        parsed.header_row, parsed.data_rows, parsed.sheet,
    )


def spy_fast(monkeypatch):
    used = []
    real = reading.fast_rows

    def fast(*args, **kwargs):
        used.append(True)
        yield from real(*args, **kwargs)

    monkeypatch.setattr(reading, "fast_rows", fast)
    return used


def assorted_rows():
    rows = sample_rows()
    set_cell(rows, 0, "出生年月", dt.datetime(1979, 4, 1))  # a date cell
    set_cell(rows, 1, "参加工作时间", 200108)  # a number
    set_cell(rows, 2, "民族", "汉")
    set_cell(rows, 3, "性别", "男性")
    set_cell(rows, 4, "2024年度考核", "合格")
    set_cell(rows, 5, "入党时间", "1900.13")  # an error
    rows.append([""] * len(rows[0]))  # a blank row
    rows.append(list(rows[1]))  # a duplicate number
    rows[0].append("未知列")
    return rows


@pytest.mark.parametrize("case", ["sample", "assorted", "decimal_date", "number_id", "error_cell"])
def test_fast_and_careful_readers_report_the_same(monkeypatch, case):
    rows = sample_rows() if case == "sample" else assorted_rows()
    expect_fast = case in ("sample", "assorted")
    if case == "decimal_date":
        set_cell(rows, 0, "任现职时间", 2016.1)  # a date typed as a number with decimals: its format decides
    if case == "number_id":
        set_cell(rows, 0, "身份证号", 330502197904013110)
    if case == "error_cell":
        set_cell(rows, 0, "籍贯", "=1/0")
    source = xlsx(rows, formats={(1, rows[0].index("任现职时间")): "0.00"})
    if case == "error_cell":  # openpyxl writes a formula without a cached value: give it an error result
        import io
        import zipfile

        data = source.getvalue()
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                content = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#DIV/0!</v>")
                    content = content.replace(b'<c r="G3"', b'<c t="e" r="G3"', 1) if b't="e"' not in content else content
                dst.writestr(info.filename, content)
        source = out
    used = spy_fast(monkeypatch)
    source.seek(0)
    fast = read_roster(source)
    assert bool(used) == (case != "error_cell")
    assert outcome(fast) == outcome(careful(monkeypatch, source))
    if expect_fast:
        assert fast.rows  # read fully by calamine (no fallback happened inside)


def test_a_sparse_sheet_is_streamed_not_read_as_one_dense_range(monkeypatch):
    """A cell far away (row 250,000, column 400: within the limits) would make calamine allocate 100 million
    cells; the careful reader streams the rows instead and reports that row as any other."""
    import io
    import zipfile

    data = xlsx(sample_rows()).getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                far = b'<row r="250000"><c r="OJ250000" t="inlineStr"><is><t>x</t></is></c></row>'
                content = content.replace(b"</sheetData>", far + b"</sheetData>")
            dst.writestr(info.filename, content)
    used = spy_fast(monkeypatch)
    out.seek(0)
    parsed = read_roster(out)
    assert not used
    assert parsed.data_rows == 7 and {e.row for e in parsed.errors} == {250000}  # the far row: 姓名 … 不能为空
    assert outcome(parsed) == outcome(careful(monkeypatch, out))
