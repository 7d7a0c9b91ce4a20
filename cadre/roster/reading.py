"""Reading a roster workbook: open and check the file, then parse and check every row without touching the
database. Streaming (``sheet``: one lxml pass over the sheet; openpyxl for the workbook parts); the checks of
each row are in ``rows``, the rules of each cell in ``formats``; formats.md is the specification."""
from __future__ import annotations

import zipfile
from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook

from core.exceptions import ApplicationError
from core.uploads import UnreadableXlsx, XlsxMeasure, measure_xlsx

from . import formats as rf
from .report import ParsedRoster, ProgressFn
from .rows import RowLayout, parse_row
from .sheet import SheetFile, Unsure, fast_rows, open_sheet_file


# --- opening the file -----------------------------------------------------------------------------------------
def _read_head(source) -> bytes:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            return fh.read(8)
    pos = source.tell()
    head = source.read(8)
    source.seek(pos)
    return head


def _check_head(source):
    try:
        head = _read_head(source)
    except OSError:
        raise ApplicationError("无法读取上传的文件") from None
    if not head:
        raise ApplicationError("上传的文件是空的")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ApplicationError("这是旧版Excel（.xls）文件，请在Excel中“另存为”.xlsx格式后再上传")
    if not head.startswith(b"PK\x03\x04"):
        raise ApplicationError("文件不是Excel（.xlsx）格式，请上传用Excel保存的.xlsx文件")


def _damaged(exc: Exception) -> ApplicationError:
    return ApplicationError(f"文件无法作为Excel（.xlsx）打开，可能已损坏：{type(exc).__name__}")


def _measure(source) -> XlsxMeasure:
    """``measure_xlsx`` of the roster; a file that is no readable zip keeps this module's message."""
    try:
        return measure_xlsx(source, what="花名册文件")
    except UnreadableXlsx as exc:
        raise _damaged(exc.cause) from None


def open_workbook(source):
    """Open an uploaded roster read-only; raise ApplicationError with a Chinese message if it is no xlsx or passes
    a limit of ``measure_xlsx`` (openpyxl would build every row of a bomb)."""
    _check_head(source)
    _measure(source)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise ApplicationError(f"文件无法作为Excel（.xlsx）打开，可能已损坏：{type(exc).__name__}") from None
    except Exception as exc:  # openpyxl raises a variety of parser errors on malformed parts
        raise ApplicationError(f"文件无法作为Excel（.xlsx）打开，可能已损坏：{type(exc).__name__}") from None


def open_sheet(source, *, measured: bool = False) -> tuple[SheetFile, str]:
    """Open an uploaded roster for reading: (workbook, title of the roster sheet) — the sheet named
    “干部名册”, else the first. Raise ApplicationError with a Chinese message if it is no xlsx, or if it passes a
    limit of ``core.uploads.measure_xlsx`` (inflated size, rows, cells, row index, column; measured while
    streaming, before anything parses a row) unless the caller has just ``measured`` it."""
    _check_head(source)
    if not measured:
        _measure(source)
    try:
        book = open_sheet_file(source)
    except Exception as exc:  # zip, XML and openpyxl's part parsers raise a variety of errors on malformed files
        raise _damaged(exc) from None
    if not book.titles:
        book.close()
        raise ApplicationError("文件中没有工作表")
    return book, (rf.SHEET_TITLE if rf.SHEET_TITLE in book.titles else book.titles[0])


def check_upload(fileobj, measure: XlsxMeasure | None = None) -> XlsxMeasure:
    """Quick check for the upload form: zip magic, the limits of ``measure_xlsx`` (unless ``measure`` is that of
    this file), the workbook opens. Returns the measure: rows counted and bytes inflated, never the sheet's own
    ``<dimension>`` claim, decide whether the import runs in the request."""
    if measure is None:
        _check_head(fileobj)
        measure = _measure(fileobj)
    book, _title = open_sheet(fileobj, measured=True)
    try:
        return measure
    finally:
        book.close()
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)


def pick_sheet(wb):
    if rf.SHEET_TITLE in wb.sheetnames:
        return wb[rf.SHEET_TITLE]
    return wb.worksheets[0]


# --- reading --------------------------------------------------------------------------------------------------
def cell_values(row) -> tuple[list, list]:
    """Values and number formats of an openpyxl row (the error copy reads the file with openpyxl)."""
    values, formats = [], []
    for cell in row:
        values.append(getattr(cell, "value", None))
        formats.append(getattr(cell, "number_format", None))
    return values, formats


class _DamagedSheet(Exception):
    def __init__(self, error: ApplicationError):
        super().__init__(error.message)
        self.error = error


def _sheet_rows(book: SheetFile, title: str):
    """The sheet's rows; a malformed sheet part becomes _DamagedSheet (the checks of each row are not wrapped)."""
    rows = book.rows(title)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # lxml, zlib and number parsing errors in a damaged sheet
            raise _DamagedSheet(_damaged(exc)) from exc
        yield row


def read_roster(source, *, progress: ProgressFn | None = None) -> ParsedRoster:
    """Parse and check every row without touching the database (except nothing: pure reading)."""
    parsed = ParsedRoster()
    try:
        _check_head(source)
        measure = _measure(source)
        book, title = open_sheet(source, measured=True)
    except ApplicationError as exc:
        parsed.errors.append(rf.RowIssue(None, "文件", "", exc.message))
        return parsed
    try:
        # calamine reads error cells as blanks, and holds the sheet as one dense range (rows × columns): a few cells
        # spread far apart (within the limits) would still take gigabytes there; the lxml reader streams
        dense = measure.max_row_index * max(measure.max_column, 1) <= max(FAST_AREA, 2 * measure.cells)
        if not measure.error_cells and dense:
            try:
                return _read_rows(source, book, title, parsed, measure.rows, fast=True, progress=progress)
            except Unsure:
                parsed = ParsedRoster()  # the careful reader again, from the start
        return _read_rows(source, book, title, parsed, measure.rows, fast=False, progress=progress)
    finally:
        book.close()


FAST_AREA = 2_000_000  # cells of the dense range python-calamine may allocate whatever the sheet holds


def _read_rows(source, book: SheetFile, title: str, parsed: ParsedRoster, estimated: int, *, fast: bool, progress) -> ParsedRoster:
    """Parse and check every row of the sheet, read by python-calamine (``fast``) or by ``SheetFile.rows``."""
    try:
        parsed.sheet = title
        if title != rf.SHEET_TITLE:
            parsed.warnings.append(
                rf.RowIssue(None, "工作表", title, f"未找到名为“{rf.SHEET_TITLE}”的工作表，已读取第一个工作表“{title}”")
            )
        cmap = None
        any_cell = False
        rows = ((values, ()) for values in fast_rows(source, title)) if fast else _sheet_rows(book, title)
        for excel_row, (values, formats) in enumerate(rows, start=1):
            if rf.is_blank_row(values):
                continue
            any_cell = True
            if cmap is None:
                if rf.is_header_row(values):
                    parsed.header_row = excel_row
                    cmap = rf.map_columns(values)
                    _check_header(cmap, excel_row, parsed)
                    if parsed.errors:
                        return parsed
                    layout = RowLayout.of(cmap)
                continue
            parsed.data_rows += 1
            parse_row(values, formats, excel_row, layout, parsed)
            if progress and parsed.data_rows % 500 == 0:
                progress("正在检查", excel_row, estimated)
        if not any_cell:
            parsed.errors.append(rf.RowIssue(None, "工作表", title, f"工作表“{title}”是空的"))
        elif cmap is None:
            parsed.errors.append(
                rf.RowIssue(None, "表头", "", "未找到表头行：应有一行包含“姓名”“性别”“身份证号”“出生年月”等列名")
            )
        elif parsed.data_rows == 0:
            parsed.errors.append(rf.RowIssue(parsed.header_row, "表头", "", "表头下面没有任何干部数据"))
    except _DamagedSheet as exc:
        return ParsedRoster(errors=[rf.RowIssue(None, "文件", "", exc.error.message)])
    _check_duplicates(parsed)
    return parsed


def _check_header(cmap: rf.ColumnMap, excel_row: int, parsed: ParsedRoster):
    for header in cmap.missing_required:
        parsed.errors.append(rf.RowIssue(excel_row, header, "", f"缺少必填列“{header}”"))
    for index, header in cmap.duplicates:
        parsed.warnings.append(rf.RowIssue(excel_row, header, header, "列名重复，只读取第一列", col=index))
    for index, header in cmap.unknown:
        parsed.warnings.append(rf.RowIssue(excel_row, header, header, "无法识别的列，已忽略", col=index))


def _check_duplicates(parsed: ParsedRoster):
    by_id: dict[str, list[RosterRow]] = defaultdict(list)
    for row in parsed.rows:
        by_id[row.id_number].append(row)
    duplicated = set()
    for id_number, rows in by_id.items():
        if len(rows) < 2:
            continue
        for row in rows:
            others = "、".join(str(r.row) for r in rows if r is not row)
            parsed.errors.append(rf.RowIssue(row.row, "身份证号", id_number, f"身份证号与第{others}行重复"))
            duplicated.add(id(row))
    parsed.errors.sort(key=lambda e: (e.row or 0, e.col if e.col is not None else -1))
    parsed.rows = [r for r in parsed.rows if id(r) not in duplicated and not r.values.get("_invalid")]
