"""Upload limits of an .xlsx checked while streaming, before any parser builds a row (issue #18, item 5):
crafted files (a small zip bomb, a lying size, a huge row index, too many cells/rows, a far column) are refused
quickly with a Chinese error, and inline vs. background follows the counted rows, not the sheet's claim."""
import io
import re
import struct
import time
import zipfile

import pytest
from django.urls import reverse

from cadre.models import Cadre
from cadre.roster import import_roster
from cadre.tests.roster_helpers import sample_rows, sample_xlsx, xlsx
from core import uploads
from core.exceptions import ApplicationError
from core.models import BackgroundJob
from core.uploads import check_xlsx, measure_xlsx

pytestmark = pytest.mark.django_db
FAST = 5.0  # seconds; the target is 2 s, loosely bounded for a loaded machine
SHEET = "xl/worksheets/sheet1.xml"


def rewrite(data: bytes, changes: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The package again with some members replaced and others added (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, changes.get(info.filename, src.read(info.filename)))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(SHEET)


def with_rows_appended(data: bytes, rows_xml: bytes) -> bytes:
    xml = sheet_xml(data)
    return rewrite(data, {SHEET: xml.replace(b"</sheetData>", rows_xml + b"</sheetData>")})


def upload(client, content: bytes, name="roster.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(reverse("cadre:import"), {"file": f})


def refused_quickly(content: bytes, staff_client, words: str):
    """The upload page, read_roster (the job and the command) and check_xlsx all refuse, each within FAST."""
    t0 = time.perf_counter()
    page = upload(staff_client, content).content.decode()
    assert time.perf_counter() - t0 < FAST
    assert words in page, re.findall(r'invalid-feedback[^>]*>([^<]*)', page)
    assert BackgroundJob.objects.count() == 0
    t0 = time.perf_counter()
    report = import_roster(actor=None, source=io.BytesIO(content))
    assert time.perf_counter() - t0 < FAST
    assert [(e.row, e.column) for e in report.errors] == [(None, "文件")] and words in report.errors[0].message
    assert Cadre.objects.count() == 0
    with pytest.raises(ApplicationError) as caught:
        check_xlsx(io.BytesIO(content), what="花名册文件")
    assert words in caught.value.message
    return report.errors[0].message


def test_a_small_zip_bomb_is_refused_from_the_central_directory(staff_client, settings):
    settings.XLSX_MAX_INFLATED_BYTES = 8 * 1024 * 1024
    bomb = rewrite(sample_xlsx().getvalue(), {}, extra={"xl/media/image1.png": b"\0" * (40 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # 40 MB of zeros deflate to ~40 KB
    message = refused_quickly(bomb, staff_client, "压缩炸弹")
    assert "解压后共" in message and "未解压" in message


def test_a_sheet_inflating_past_the_limit_is_refused_while_inflating(staff_client, settings, monkeypatch):
    """A central directory that understates the sizes passes the first check; counting the inflated bytes stops
    the reading at the limit."""
    settings.XLSX_MAX_INFLATED_BYTES = 4 * 1024 * 1024
    settings.XLSX_MAX_RATIO = 10**6  # this test is about the byte count (the ratio check would refuse it first)
    data = with_rows_appended(sample_xlsx().getvalue(), b"<!--" + b" " * (12 * 1024 * 1024) + b"-->")
    monkeypatch.setattr(uploads, "_declared_total", lambda infos: 0)  # as if the directory said "tiny"
    message = refused_quickly(data, staff_client, "压缩炸弹")
    assert "已停止解压" in message


def test_a_part_inflating_far_beyond_its_compressed_size_is_refused(staff_client):
    """290 MB of tiny tags in a 0.3 MB file stays under the byte limit, but no spreadsheet inflates 1000×."""
    data = with_rows_appended(sample_xlsx().getvalue(), b"<x/>" * (64 * 1024 * 1024 // 4))
    assert len(data) < 1024 * 1024
    message = refused_quickly(data, staff_client, "超过压缩大小的200倍")
    assert "压缩炸弹" in message


def test_a_lying_central_directory_is_a_damaged_file(staff_client):
    """zipfile inflates no more than the declared size; the mismatch (CRC) refuses the file as damaged."""
    data = bytearray(with_rows_appended(sample_xlsx().getvalue(), b"<!--" + b" " * (8 * 1024 * 1024) + b"-->"))
    index = 0
    while True:  # the sheet's central directory entry: set its uncompressed size to 100 bytes
        index = data.find(b"PK\x01\x02", index)
        assert index >= 0
        name_len = struct.unpack_from("<H", data, index + 28)[0]
        if bytes(data[index + 46 : index + 46 + name_len]) == SHEET.encode():
            struct.pack_into("<I", data, index + 24, 100)
            break
        index += 4
    t0 = time.perf_counter()
    report = import_roster(actor=None, source=io.BytesIO(bytes(data)))
    assert time.perf_counter() - t0 < FAST
    assert report.errors and report.errors[0].column == "文件" and "损坏" in report.errors[0].message
    page = upload(staff_client, bytes(data)).content.decode()
    assert "损坏" in page and BackgroundJob.objects.count() == 0


def test_a_huge_row_index_in_a_tiny_sheet_is_refused_at_once(staff_client):
    row = b'<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>x</t></is></c></row>'
    data = with_rows_appended(sample_xlsx().getvalue(), row)
    assert len(data) < 16 * 1024
    message = refused_quickly(data, staff_client, "第20,000,000行")
    assert "上限" in message


def test_too_many_cells_are_refused(staff_client, settings):
    settings.XLSX_MAX_CELLS = 100  # the sample has 7 rows of 27 columns
    message = refused_quickly(sample_xlsx().getvalue(), staff_client, "单元格超过100个的上限")
    assert "分批导入" in message


def test_too_many_rows_are_refused(staff_client, settings):
    settings.XLSX_MAX_ROWS = 5
    refused_quickly(sample_xlsx().getvalue(), staff_client, "超过5行的上限")


def test_a_far_column_is_refused(staff_client):
    row = b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row>'
    refused_quickly(with_rows_appended(sample_xlsx().getvalue(), row), staff_client, "第16384列")


def test_prefixed_tags_are_counted_too(settings):
    settings.XLSX_MAX_ROW_INDEX = 1000
    rows = b'<x:row r="5000" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c r="A5000"/></x:row>'
    data = with_rows_appended(sample_xlsx().getvalue(), rows)
    with pytest.raises(ApplicationError) as caught:
        measure_xlsx(io.BytesIO(data))
    assert "第5,000行" in caught.value.message


def test_measure_counts_a_normal_file():
    rows = sample_rows()
    measure = measure_xlsx(xlsx(rows))
    assert measure.rows == len(rows) + 1  # a title row, the header, the data
    assert measure.max_row_index == len(rows) + 1
    assert measure.max_column == len(rows[0])
    assert measure.cells >= len(rows) * 4
    assert 0 < measure.sheet_bytes <= measure.inflated_bytes


def test_inline_or_background_follows_the_counted_rows_not_the_dimension_claim(
    staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    from cadre.roster import views as roster_views

    monkeypatch.setattr(roster_views, "INLINE_IMPORT_ROWS", 3)  # the sample has 6 data rows
    data = sample_xlsx().getvalue()
    xml = sheet_xml(data)
    lying = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', xml)
    assert lying != xml
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(staff_client, rewrite(data, {SHEET: lying}))
    job = BackgroundJob.objects.get()
    assert job.status == "pending" and len(callbacks) == 1  # on the worker, not in the request
    assert job.total == 6


def test_a_sheet_padded_with_other_elements_is_refused(staff_client, settings):
    """Elements that are no rows or cells (after the last row, where no reader frees them) pass the byte and ratio
    limits only when incompressible enough; counted tags against cells refuse them."""
    settings.XLSX_MAX_RATIO = 10**6
    data = with_rows_appended(sample_xlsx().getvalue(), b"<x/>" * 300_000)
    refused_quickly(data, staff_client, "结构异常")
