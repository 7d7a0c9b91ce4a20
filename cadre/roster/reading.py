"""Reading a roster workbook: open and check the file, then parse and check every row without touching the
database. Streaming (``sheet``: one lxml pass over the sheet; openpyxl for the workbook parts); the rules of
each cell are in ``formats``; formats.md is the specification."""
from __future__ import annotations

import zipfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from openpyxl import load_workbook

from core.exceptions import ApplicationError
from core.uploads import UnreadableXlsx, XlsxMeasure, measure_xlsx

from ..idnumber import IdNumberError, parse_id_number
from ..models import Cadre, EducationRecord, OrgUnit
from ..services.cadres import check_id_number
from . import formats as rf
from .report import ParsedRoster, ProgressFn, RosterRow
from .sheet import SheetFile, Unsure, fast_rows, open_sheet_file

# Cadre fields a roster column sets as text, and the choice columns with their parsers
TEXT_FIELDS = ("native_place", "birthplace", "grew_up_place", "position_title", "professional_title", "health", "note")
CHOICE_PARSERS = {
    "ethnicity": rf.parse_ethnicity,
    "political_status": rf.parse_political_status,
    "staffing_type": rf.parse_staffing_type,
    "rank_level": rf.parse_rank_level,
    "title_level": rf.parse_title_level,
}
_CHOICE_PARSERS = {}  # memoized, filled below


@lru_cache(maxsize=None)
def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _memo(parser):
    """``parser`` (a pure cell parser of ``formats``) remembering its answer, or its ValueProblem's message, per
    (type, value, extra args): a roster repeats the same dates, 民族, 学历 … thousands of times."""
    cache: dict = {}

    def call(value, *extra):
        key = (type(value), value, *extra)
        try:
            ok, out = cache[key]
        except KeyError:
            try:
                ok, out = True, parser(value, *extra)
            except rf.ValueProblem as exc:
                ok, out = False, str(exc)
            if len(cache) > 100_000:
                cache.clear()
            cache[key] = (ok, out)
        except TypeError:  # an unhashable value
            return parser(value, *extra)
        if ok:
            return out
        raise rf.ValueProblem(out)

    return call


_parse_gender = _memo(rf.parse_gender)
_parse_date = _memo(rf.parse_date)
_parse_education = _memo(rf.parse_education)
_parse_assessment = _memo(rf.parse_assessment)
_cell_text = _memo(rf.cell_text)
_split_school_major = _memo(rf.split_school_major)
_CHOICE_PARSERS.update({key: _memo(parser) for key, parser in CHOICE_PARSERS.items()})


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
                continue
            parsed.data_rows += 1
            _parse_row(values, formats, excel_row, cmap, parsed)
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


def _parse_row(values, formats, excel_row: int, cmap: rf.ColumnMap, parsed: ParsedRoster):
    errors_before = len(parsed.errors)

    def raw(key):
        index = cmap.columns.get(key)
        return (values[index] if index is not None and index < len(values) else None), index

    def err(key, value, message, index=None):
        if index is None:
            index = cmap.columns.get(key)
        parsed.errors.append(rf.RowIssue(excel_row, cmap.header(key), rf.display_value(value), message, col=index))

    def warn(key, value, message, index=None):
        if index is None:
            index = cmap.columns.get(key)
        parsed.warnings.append(rf.RowIssue(excel_row, cmap.header(key), rf.display_value(value), message, col=index))

    out: dict = {}
    for key, parser in (("name", rf.clean_name), ("gender", _parse_gender)):
        value, _ = raw(key)
        try:
            out[key] = parser(value)
        except rf.ValueProblem as exc:
            err(key, value, str(exc))

    dates: dict = {}
    for key in rf.DATE_KEYS:
        if key not in cmap.columns:
            continue
        value, index = raw(key)
        try:
            date, warning = _parse_date(value, formats[index] if index < len(formats) else None)
        except rf.ValueProblem as exc:
            err(key, value, str(exc))
            continue
        if warning:
            warn(key, value, warning)
        dates[key] = date
    if "birth_date" in dates and dates["birth_date"] is None:
        err("birth_date", None, "出生年月不能为空")

    id_value, _ = raw("id_number")
    id_number = ""
    birth = None
    try:
        parsed_id = parse_id_number(_cell_text(id_value))
    except IdNumberError as exc:
        err("id_number", id_value, str(exc))
    else:
        if isinstance(id_value, float):
            warn("id_number", id_value, "身份证号以数字格式保存，可能已丢失末尾数字，请将该列设为文本")
        try:
            id_number = check_id_number(parsed_id, gender=out.get("gender"), birth_date=dates.get("birth_date"))
        except ApplicationError as exc:
            err("id_number", id_value, exc.message)
        else:
            birth = parsed_id.birth_date
            if parsed_id.converted_from_15:
                warn("id_number", id_value, f"15位身份证号已转换为18位：{id_number}")

    values_out: dict = {"name": out.get("name"), "gender": out.get("gender"), "id_number": id_number, "birth_date": birth}
    for key in ("work_start_date", "party_join_date", "position_start", "rank_start"):
        if key in dates:
            values_out[key] = dates[key]
    if birth:
        for key, label in (
            ("work_start_date", "参加工作时间不能早于出生日期"),
            ("party_join_date", "入党时间不能早于出生日期"),
            ("position_start", "任现职时间不能早于出生日期"),
            ("rank_start", "任现职级时间不能早于出生日期"),
        ):
            if dates.get(key) and dates[key] <= birth:
                err(key, raw(key)[0], label)

    for key, parser in _CHOICE_PARSERS.items():
        if key not in cmap.columns:
            continue
        value, _ = raw(key)
        try:
            values_out[key] = parser(value)
        except rf.ValueProblem as exc:
            err(key, value, str(exc))

    for key in TEXT_FIELDS:
        if key not in cmap.columns:
            continue
        value, _ = raw(key)
        text = _cell_text(value)
        limit = _max_length(Cadre, key)
        if len(text) > limit:
            err(key, value, f"{cmap.header(key)}不能超过{limit}个字符")
            continue
        values_out[key] = text

    if "unit" in cmap.columns:
        value, _ = raw("unit")
        name = _cell_text(value).replace("\u3000", " ").strip()
        if len(name) > _max_length(OrgUnit, "name"):
            err("unit", value, f"单位名称不能超过{_max_length(OrgUnit, 'name')}个字符")
        values_out["unit"] = name

    if values_out.get("position_title") and "position_start" in cmap.columns and not values_out.get("position_start"):
        warn("position_start", None, "填写了职务但未填任现职时间，任职经历不会更新")
    if values_out.get("rank_level") and "rank_start" in cmap.columns and not values_out.get("rank_start"):
        warn("rank_start", None, "填写了职务层次但未填任现职级时间，职级经历不会更新")

    educations: dict = {}
    for mode, (level_key, degree_key, school_key) in rf.EDUCATION_KEYS.items():
        record: dict = {}
        if level_key in cmap.columns:
            value, _ = raw(level_key)
            try:
                record["level"] = _parse_education(value)
            except rf.ValueProblem as exc:
                err(level_key, value, str(exc))
        if degree_key in cmap.columns:
            value, _ = raw(degree_key)
            record["degree"] = _cell_text(value)
            if len(record["degree"]) > _max_length(EducationRecord, "degree"):
                err(degree_key, value, f"学位不能超过{_max_length(EducationRecord, 'degree')}个字符")
        if school_key in cmap.columns:
            value, _ = raw(school_key)
            record["school"], record["major"] = _split_school_major(value)
            for part in ("school", "major"):
                if len(record[part]) > _max_length(EducationRecord, part):
                    err(school_key, value, f"院校或专业不能超过{_max_length(EducationRecord, part)}个字符")
        if any(record.values()):
            educations[mode] = record

    assessments: dict = {}
    for year, index in cmap.assessments.items():
        value = values[index] if index < len(values) else None
        try:
            grade = _parse_assessment(value)
        except rf.ValueProblem as exc:
            parsed.errors.append(
                rf.RowIssue(excel_row, cmap.headers[index], rf.display_value(value), str(exc), col=index)
            )
            continue
        if grade:
            assessments[year] = grade

    if len(parsed.errors) == errors_before:
        parsed.rows.append(RosterRow(excel_row, id_number, values_out, educations, assessments))
    elif id_number:
        # keep the number so that a duplicate in another row is still reported on both rows
        parsed.rows.append(RosterRow(excel_row, id_number, {}, {}, {}))
        parsed.rows[-1].values["_invalid"] = True


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
