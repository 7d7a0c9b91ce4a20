"""Roster Excel import (干部花名册导入): check the whole sheet first, then write everything in one transaction.

    report = import_roster(actor=user, source="roster.xlsx", dry_run=True)   # preview: errors or counts
    report = import_roster(actor=user, source="roster.xlsx")                 # writes only when no error

Reading is streaming (``roster_sheet``: one lxml pass over the sheet; openpyxl for the workbook parts). Writing is set-based: a handful of queries per 2000 rows, history
rows through django-simple-history's bulk helpers with the actor as history user, one audit row per import.
The rules of each cell are in ``roster_format``; formats.md is the specification.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from django.db import connection, models, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import audit
from core.exceptions import ApplicationError

from . import roster_format as rf
from .idnumber import IdNumberError, parse_id_number
from .models import AnnualAssessment, Cadre, EducationRecord, OrgUnit, Post, PostHistory, RankHistory
from .roster_sheet import SheetFile, open_sheet_file
from .services import infer_unit_kind, unit_create, validate_id_number

BATCH = 2000
ProgressFn = Callable[[str, int, int], None]

# Cadre fields a roster column sets, and the model fields whose blank cell keeps the current value instead
TEXT_FIELDS = ("native_place", "birthplace", "grew_up_place", "position_title", "professional_title", "health", "note")
KEEP_WHEN_BLANK = {"ethnicity": "01", "political_status": "中共党员", "staffing_type": "公务员"}
POSITION_FIELDS = ("unit_id", "position_title", "position_start", "rank_level", "rank_start")
CHOICE_PARSERS = {
    "ethnicity": rf.parse_ethnicity,
    "political_status": rf.parse_political_status,
    "staffing_type": rf.parse_staffing_type,
    "rank_level": rf.parse_rank_level,
    "title_level": rf.parse_title_level,
}
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# --- report ---------------------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    errors: list[rf.RowIssue] = field(default_factory=list)
    warnings: list[rf.RowIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_units: list[dict] = field(default_factory=list)  # {"name", "kind"}
    rows: int = 0
    sheet: str = ""
    header_row: int | None = None
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    def summary_zh(self) -> str:
        text = f"新建 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人"
        if self.new_units:
            text += f"，新建单位 {len(self.new_units)} 个"
        return text

    def as_dict(self) -> dict:
        return {
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "new_units": self.new_units,
            "rows": self.rows,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "dry_run": self.dry_run,
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        data = dict(data)
        data["errors"] = [rf.RowIssue.from_dict(e) for e in data.get("errors", [])]
        data["warnings"] = [rf.RowIssue.from_dict(w) for w in data.get("warnings", [])]
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class RosterRow:
    row: int  # Excel row number
    id_number: str
    values: dict  # Cadre field → value; "unit" holds the unit name ("" = no unit)
    educations: dict  # mode → {"level", "degree", "school", "major"} (present columns only)
    assessments: dict  # year → grade


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[rf.RowIssue] = field(default_factory=list)
    warnings: list[rf.RowIssue] = field(default_factory=list)
    sheet: str = ""
    header_row: int | None = None
    data_rows: int = 0


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


def open_workbook(source):
    """Open an uploaded roster read-only; raise ApplicationError with a Chinese message if it is no xlsx."""
    _check_head(source)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise ApplicationError(f"文件无法作为Excel（.xlsx）打开，可能已损坏：{type(exc).__name__}") from None
    except Exception as exc:  # openpyxl raises a variety of parser errors on malformed parts
        raise ApplicationError(f"文件无法作为Excel（.xlsx）打开，可能已损坏：{type(exc).__name__}") from None


def open_sheet(source) -> tuple[SheetFile, str]:
    """Open an uploaded roster for reading: (workbook, title of the roster sheet) — the sheet named
    “干部名册”, else the first. Raise ApplicationError with a Chinese message if it is no xlsx."""
    _check_head(source)
    try:
        book = open_sheet_file(source)
    except Exception as exc:  # zip, XML and openpyxl's part parsers raise a variety of errors on malformed files
        raise _damaged(exc) from None
    if not book.titles:
        book.close()
        raise ApplicationError("文件中没有工作表")
    return book, (rf.SHEET_TITLE if rf.SHEET_TITLE in book.titles else book.titles[0])


def check_upload(fileobj) -> int:
    """Quick check for the upload form: zip magic + the workbook opens. Returns the estimated data rows."""
    book, title = open_sheet(fileobj)
    try:
        return max(0, book.estimated_rows(title) - 2)
    except Exception as exc:
        raise _damaged(exc) from None
    finally:
        book.close()
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)


def _pick_sheet(wb):
    if rf.SHEET_TITLE in wb.sheetnames:
        return wb[rf.SHEET_TITLE]
    return wb.worksheets[0]


# --- reading --------------------------------------------------------------------------------------------------
def _cells(row) -> tuple[list, list]:
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
        book, title = open_sheet(source)
    except ApplicationError as exc:
        parsed.errors.append(rf.RowIssue(None, "文件", "", exc.message))
        return parsed
    try:
        parsed.sheet = title
        try:
            estimated = book.estimated_rows(title)
        except Exception as exc:  # a damaged sheet part
            raise _DamagedSheet(_damaged(exc)) from exc
        if title != rf.SHEET_TITLE:
            parsed.warnings.append(
                rf.RowIssue(None, "工作表", title, f"未找到名为“{rf.SHEET_TITLE}”的工作表，已读取第一个工作表“{title}”")
            )
        cmap = None
        any_cell = False
        for excel_row, (values, formats) in enumerate(_sheet_rows(book, title), start=1):
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
    finally:
        book.close()
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
    for key, parser in (("name", rf.clean_name), ("gender", rf.parse_gender)):
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
            date, warning = rf.parse_date(value, formats[index] if index < len(formats) else None)
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
        parsed_id = parse_id_number(rf.cell_text(id_value))
    except IdNumberError as exc:
        err("id_number", id_value, str(exc))
    else:
        if isinstance(id_value, float):
            warn("id_number", id_value, "身份证号以数字格式保存，可能已丢失末尾数字，请将该列设为文本")
        try:
            id_number = validate_id_number(
                parsed_id.number, gender=out.get("gender"), birth_date=dates.get("birth_date")
            )
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

    for key, parser in CHOICE_PARSERS.items():
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
        text = rf.cell_text(value)
        limit = _max_length(Cadre, key)
        if len(text) > limit:
            err(key, value, f"{cmap.header(key)}不能超过{limit}个字符")
            continue
        values_out[key] = text

    if "unit" in cmap.columns:
        value, _ = raw("unit")
        name = rf.cell_text(value).replace("\u3000", " ").strip()
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
                record["level"] = rf.parse_education(value)
            except rf.ValueProblem as exc:
                err(level_key, value, str(exc))
        if degree_key in cmap.columns:
            value, _ = raw(degree_key)
            record["degree"] = rf.cell_text(value)
            if len(record["degree"]) > _max_length(EducationRecord, "degree"):
                err(degree_key, value, f"学位不能超过{_max_length(EducationRecord, 'degree')}个字符")
        if school_key in cmap.columns:
            value, _ = raw(school_key)
            record["school"], record["major"] = rf.split_school_major(value)
            for part in ("school", "major"):
                if len(record[part]) > _max_length(EducationRecord, part):
                    err(school_key, value, f"院校或专业不能超过{_max_length(EducationRecord, part)}个字符")
        if any(record.values()):
            educations[mode] = record

    assessments: dict = {}
    for year, index in cmap.assessments.items():
        value = values[index] if index < len(values) else None
        try:
            grade = rf.parse_assessment(value)
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


# --- planning and writing -------------------------------------------------------------------------------------
def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fast_create(model, objs: list, *, user, now=None):
    """Insert ``objs`` and their “+” history rows (history user = ``user``) like ``bulk_create_with_history``.

    On PostgreSQL the rows go in as one ``INSERT … SELECT * FROM UNNEST(<one array per column>) RETURNING id`` per
    5000 rows (and one for their history rows), built straight from the instances' attributes (no per-value field
    preparation, no historical model instances); elsewhere the
    django-simple-history helper is used. ``auto_now``/``auto_now_add`` fields take ``now``; the pks are set on
    ``objs``.
    """
    if not objs:
        return
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        for chunk in _chunks(objs):
            bulk_create_with_history(chunk, model, batch_size=BATCH, default_user=user, default_date=now)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
        elif f.is_relation:  # like Model._prepare_related_fields_for_save: take the pk of a related object saved since
            for obj in objs:
                related = obj._state.fields_cache.get(f.name)
                if related is not None and getattr(obj, f.attname) is None:
                    setattr(obj, f.attname, related.pk)
    history_model = model.history.model
    tracked = [history_model._meta.get_field(f.attname) for f in history_model.tracked_fields]
    extra = [history_model._meta.get_field(n) for n in ("history_date", "history_change_reason", "history_type", "history_user")]
    quote = connection.ops.quote_name

    def insert_sql(table, columns, returning=""):
        arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in columns)
        return (
            f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in columns)}) "
            f"SELECT * FROM UNNEST({arrays}){returning}"
        )

    sql = insert_sql(model._meta.db_table, fields, f" RETURNING {quote(model._meta.pk.column)}")
    history_sql = insert_sql(history_model._meta.db_table, tracked + extra)
    user_id = user.pk if user is not None else None
    db = connection.alias

    file_fields = {f.attname: f for f in fields if isinstance(f, models.FileField)}  # FieldFile → its name

    def column(chunk, f):
        values = [obj.__dict__[f.attname] for obj in chunk]
        if f.attname in file_fields:
            values = [file_fields[f.attname].get_prep_value(v) for v in values]
        return values

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        for chunk in _chunks(objs, 5000):
            cursor.execute(sql, [column(chunk, f) for f in fields])
            for obj, (pk,) in zip(chunk, cursor.fetchall()):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = db
            n = len(chunk)
            cursor.execute(
                history_sql,
                [column(chunk, f) for f in tracked] + [[now] * n, [""] * n, ["+"] * n, [user_id] * n],
            )


@dataclass
class _Plan:
    creates: list = field(default_factory=list)  # (RosterRow, Cadre)
    updates: list = field(default_factory=list)  # (RosterRow, Cadre, changed fields)
    education_creates: list = field(default_factory=list)
    education_updates: list = field(default_factory=list)
    assessment_creates: list = field(default_factory=list)
    assessment_updates: list = field(default_factory=list)
    touched: set = field(default_factory=set)  # ids of existing cadres with any change
    new_units: dict = field(default_factory=dict)  # name → kind


def _resolve_units(rows: list[RosterRow]) -> tuple[dict, dict]:
    names = {r.values["unit"] for r in rows if r.values.get("unit")}
    units: dict[str, int] = {}
    if names:
        for unit_id, name in OrgUnit.objects.filter(name__in=names).values_list("id", "name"):
            units[name] = unit_id
        rest = names - set(units)
        if rest:
            by_short: dict[str, list[int]] = defaultdict(list)
            for unit_id, short in OrgUnit.objects.filter(short_name__in=rest).values_list("id", "short_name"):
                by_short[short].append(unit_id)
            for short, ids in by_short.items():
                if len(ids) == 1:
                    units[short] = ids[0]
    new_units = {name: str(infer_unit_kind(name)) for name in sorted(names - set(units))}
    return units, new_units


def _plan(rows: list[RosterRow], warnings: list[rf.RowIssue]) -> _Plan:
    plan = _Plan()
    units, plan.new_units = _resolve_units(rows)
    existing: dict[str, Cadre] = {}
    for chunk in _chunks([r.id_number for r in rows]):
        for cadre in Cadre.objects.filter(id_number__in=chunk):
            existing[cadre.id_number] = cadre
    cadre_ids = [c.pk for c in existing.values()]
    educations: dict[tuple[int, str], EducationRecord] = {}
    assessments: dict[tuple[int, int], AnnualAssessment] = {}
    for chunk in _chunks(cadre_ids):
        for rec in EducationRecord.objects.filter(cadre_id__in=chunk):
            educations[(rec.cadre_id, rec.mode)] = rec
        for rec in AnnualAssessment.objects.filter(cadre_id__in=chunk):
            assessments[(rec.cadre_id, rec.year)] = rec

    for row in rows:
        values = dict(row.values)
        unit_name = values.pop("unit", None)
        if unit_name is not None:
            values["unit_id"] = units.get(unit_name) if unit_name else None
            values["_unit_name"] = unit_name
        cadre = existing.get(row.id_number)
        if cadre is None:
            for key, default in KEEP_WHEN_BLANK.items():
                if not values.get(key):
                    values[key] = default
            unit_pending = values.pop("_unit_name", "")
            cadre = Cadre(**{k: v for k, v in values.items() if v is not None or k != "unit_id"})
            cadre._unit_name = unit_pending
            plan.creates.append((row, cadre))
            for mode, data in row.educations.items():
                plan.education_creates.append((cadre, EducationRecord(mode=mode, **data)))
            for year, grade in row.assessments.items():
                plan.assessment_creates.append((cadre, AnnualAssessment(year=year, grade=grade)))
            continue
        unit_pending = values.pop("_unit_name", None)
        changed = []
        for key, value in values.items():
            if key in KEEP_WHEN_BLANK and not value:
                continue
            if key == "unit_id" and value is None and unit_pending:
                changed.append(key)  # a unit that does not exist yet
                continue
            if getattr(cadre, key) != value:
                changed.append(key)
        if changed:
            cadre._unit_name = unit_pending
            cadre._new_values = values
            plan.updates.append((row, cadre, changed))
        child_change = False
        for mode, data in row.educations.items():
            rec = educations.get((cadre.pk, mode))
            if rec is None:
                plan.education_creates.append((cadre, EducationRecord(cadre=cadre, mode=mode, **data)))
                child_change = True
            elif any(getattr(rec, k) != v for k, v in data.items()):
                for k, v in data.items():
                    setattr(rec, k, v)
                plan.education_updates.append(rec)
                child_change = True
        for year, grade in row.assessments.items():
            rec = assessments.get((cadre.pk, year))
            if rec is None:
                plan.assessment_creates.append((cadre, AnnualAssessment(cadre=cadre, year=year, grade=grade)))
                child_change = True
            elif rec.grade != grade:
                rec.grade = grade
                plan.assessment_updates.append(rec)
                child_change = True
        if changed or child_change:
            plan.touched.add(cadre.pk)
    return plan


def import_roster(*, actor, source, dry_run: bool = False, progress: ProgressFn | None = None, filename: str = "") -> ImportReport:
    """Check the whole roster; when there is no error and not ``dry_run``, write it in one transaction."""
    parsed = read_roster(source, progress=progress)
    report = ImportReport(
        errors=parsed.errors, warnings=parsed.warnings, rows=parsed.data_rows, sheet=parsed.sheet,
        header_row=parsed.header_row, dry_run=dry_run,
    )
    if parsed.errors:
        return report
    if dry_run:
        plan = _plan(parsed.rows, report.warnings)
        _count(report, plan, parsed.rows)
        return report
    if progress:
        progress("正在写入", 0, len(parsed.rows))
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        plan = _plan(parsed.rows, report.warnings)
        _count(report, plan, parsed.rows)
        _write(plan, actor=actor, user=user, report=report)
        audit(
            actor=actor,
            action="cadre.import_roster",
            summary=f"导入干部花名册{('「' + filename + '」') if filename else ''}：{report.summary_zh()}",
            data={
                "file": filename,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "new_units": [u["name"] for u in report.new_units],
                "warnings": len(report.warnings),
            },
        )
    report.written = True
    return report


def _count(report: ImportReport, plan: _Plan, rows: list[RosterRow]):
    report.created = len(plan.creates)
    report.updated = len(plan.touched)
    report.unchanged = len(rows) - report.created - report.updated
    report.new_units = [{"name": name, "kind": kind} for name, kind in plan.new_units.items()]


def _write(plan: _Plan, *, actor, user, report: ImportReport):
    unit_ids = {}
    for name, kind in plan.new_units.items():
        unit_ids[name] = unit_create(actor=actor, name=name, kind=kind).pk
    now = timezone.now()
    unit_orders = dict(OrgUnit.objects.values_list("id", "order"))  # the unit tree is small

    creates = []
    for _row, cadre in plan.creates:
        if cadre.unit_id is None and getattr(cadre, "_unit_name", ""):
            cadre.unit_id = unit_ids[cadre._unit_name]
        cadre.fill_sort_keys()
        cadre.unit_order = unit_orders.get(cadre.unit_id)
        creates.append(cadre)
    _fast_create(Cadre, creates, user=user, now=now)

    update_fields: set[str] = set()
    updates = []
    for _row, cadre, changed in plan.updates:
        values = cadre._new_values
        if values.get("unit_id") is None and getattr(cadre, "_unit_name", None):
            values["unit_id"] = unit_ids[cadre._unit_name]
        for key in changed:
            setattr(cadre, key, values[key])
        cadre.fill_sort_keys()
        cadre.unit_order = unit_orders.get(cadre.unit_id)
        cadre.updated_at = now
        update_fields.update(changed)
        updates.append(cadre)
    if updates:
        fields = sorted(update_fields | {"updated_at", "rank_order", "unit_order", "pinyin_key", "stroke_key"})
        for chunk in _chunks(updates):
            bulk_update_with_history(chunk, Cadre, fields, batch_size=500, default_user=user)

    education_creates = []
    for cadre, rec in plan.education_creates:
        rec.cadre = cadre
        education_creates.append(rec)
    _fast_create(EducationRecord, education_creates, user=user, now=now)
    for chunk in _chunks(plan.education_updates):
        bulk_update_with_history(chunk, EducationRecord, ["level", "degree", "school", "major"], batch_size=500, default_user=user)
    assessment_creates = []
    for cadre, rec in plan.assessment_creates:
        rec.cadre = cadre
        assessment_creates.append(rec)
    _fast_create(AnnualAssessment, assessment_creates, user=user, now=now)
    for chunk in _chunks(plan.assessment_updates):
        bulk_update_with_history(chunk, AnnualAssessment, ["grade"], batch_size=500, default_user=user)

    synced = creates + updates
    rows_by_cadre = {id(c): row.row for row, c in plan.creates}
    rows_by_cadre.update({id(c): row.row for row, c, _ in plan.updates})
    for chunk in _chunks(synced):
        warnings = sync_positions_bulk(chunk, user=user)
        for cadre in chunk:
            for message in warnings.get(cadre.pk, ()):
                report.warnings.append(rf.RowIssue(rows_by_cadre.get(id(cadre)), "职务", cadre.position_title, message))


def sync_positions_bulk(cadres: list[Cadre], *, user=None, method: str = "") -> dict[int, list[str]]:
    """Set-based ``services.sync_current_position`` for many cadres: same rules, a few queries per batch.

    For each cadre, in order: a changed unit/职务/任现职时间 closes its open post-history rows the day before the
    new start and opens a new row (linked to the unit's post of that title when a seat is free, else a
    warning); an unchanged one only takes over the 职务层次. A changed 职务层次/任现职级时间 closes (or, when the
    new start is not later, deletes) the open rank row and opens a new one.
    """
    warnings: dict[int, list[str]] = defaultdict(list)
    if not cadres:
        return warnings
    ids = [c.pk for c in cadres]
    open_posts: dict[int, list[PostHistory]] = defaultdict(list)
    for row in PostHistory.objects.filter(cadre_id__in=ids, end__isnull=True, is_secondment=False).order_by("id"):
        open_posts[row.cadre_id].append(row)
    wanted = {(c.unit_id, c.position_title) for c in cadres if c.unit_id and c.position_title and c.position_start}
    posts: dict[tuple[int, str], Post] = {}
    if wanted:
        for post in Post.objects.filter(
            unit_id__in={u for u, _ in wanted}, title__in={t for _, t in wanted}
        ).select_related("unit"):
            if (post.unit_id, post.title) in wanted:
                posts[(post.unit_id, post.title)] = post
    taken: dict[int, dict[int, int]] = defaultdict(dict)  # post id → seat → cadre id
    if posts:
        for post_id, seat, cadre_id in PostHistory.objects.filter(
            post_id__in=[p.pk for p in posts.values()], end__isnull=True
        ).values_list("post_id", "seat", "cadre_id"):
            taken[post_id][seat] = cadre_id
    unit_names = dict(OrgUnit.objects.filter(pk__in={c.unit_id for c in cadres if c.unit_id}).values_list("id", "name"))

    post_updates: list[PostHistory] = []
    post_creates: list[PostHistory] = []
    for cadre in cadres:
        if not (cadre.position_title and cadre.position_start):
            continue
        rows = open_posts.get(cadre.pk, [])
        current = next(
            (
                r
                for r in rows
                if r.unit_id == cadre.unit_id and r.title == cadre.position_title and r.start == cadre.position_start
            ),
            None,
        )
        if current is None:
            for r in rows:
                r.end = max(r.start, cadre.position_start - dt.timedelta(days=1))
                post_updates.append(r)
                if r.post_id and taken[r.post_id].get(r.seat) == cadre.pk:
                    del taken[r.post_id][r.seat]
            post = posts.get((cadre.unit_id, cadre.position_title)) if cadre.unit_id else None
            seat = None
            if post:
                seats = taken[post.pk]
                seat = next(
                    (s for s in range(1, post.headcount + 1) if s not in seats or seats[s] == cadre.pk), None
                )
                if seat is None:
                    warnings[cadre.pk].append(f"{post}职数已满（{post.headcount}人），任职记录未关联职位")
                    post = None
                else:
                    seats[seat] = cadre.pk
            post_creates.append(
                PostHistory(
                    cadre=cadre,
                    unit_id=cadre.unit_id,
                    post=post,
                    seat=seat,
                    unit_name=unit_names.get(cadre.unit_id, ""),
                    title=cadre.position_title,
                    level=cadre.rank_level,
                    start=cadre.position_start,
                    method=method,
                )
            )
        elif current.level != cadre.rank_level:
            current.level = cadre.rank_level
            post_updates.append(current)

    open_ranks = {r.cadre_id: r for r in RankHistory.objects.filter(cadre_id__in=ids, end__isnull=True)}
    rank_closes: list[RankHistory] = []
    rank_deletes: list[RankHistory] = []
    rank_creates: list[RankHistory] = []
    for cadre in cadres:
        if not (cadre.rank_level and cadre.rank_start):
            continue
        open_rank = open_ranks.get(cadre.pk)
        if open_rank is not None and (open_rank.level, open_rank.start) == (cadre.rank_level, cadre.rank_start):
            continue
        if open_rank is not None:
            if open_rank.start >= cadre.rank_start:
                rank_deletes.append(open_rank)
            else:
                open_rank.end = cadre.rank_start - dt.timedelta(days=1)
                rank_closes.append(open_rank)
        rank_creates.append(RankHistory(cadre=cadre, level=cadre.rank_level, start=cadre.rank_start))

    if post_updates:
        bulk_update_with_history(post_updates, PostHistory, ["end", "level"], batch_size=500, default_user=user)
    _fast_create(PostHistory, post_creates, user=user)
    for row in rank_deletes:
        row._history_user = user
        row.delete()
    if rank_closes:
        bulk_update_with_history(rank_closes, RankHistory, ["end"], batch_size=500, default_user=user)
    _fast_create(RankHistory, rank_creates, user=user)
    return warnings


# --- the error copy -------------------------------------------------------------------------------------------
def write_error_copy(source, issues: list[rf.RowIssue], dest) -> int:
    """The uploaded sheet again (values and number formats), erroneous cells highlighted, plus a `错误说明` column.

    Streams read-only → write-only, so a large sheet needs little memory. Returns the number of rows with errors.
    ``dest`` is a path or a binary file object.
    """
    by_row: dict[int, list[rf.RowIssue]] = defaultdict(list)
    file_level = []
    for issue in issues:
        if issue.row is None:
            file_level.append(issue)
        else:
            by_row[issue.row].append(issue)
    wb_in = open_workbook(source)
    out = Workbook(write_only=True)
    try:
        ws_in = _pick_sheet(wb_in)
        ws_in.reset_dimensions()
        ws = out.create_sheet(ws_in.title)
        # Look ahead to the header row (write-only sheets take widths and panes before the first row).
        head = []
        for excel_row, row in enumerate(ws_in.iter_rows(max_row=30), start=1):
            head.append((excel_row, *_cells(row)))
        header_row = next((r for r, v, _ in head if rf.is_header_row(v)), None)
        width = max((len(v) for r, v, _ in head if header_row is None or r == header_row), default=0)
        width = max(width, max((i.col + 1 for i in issues if i.col is not None), default=0))
        note_col = width + 1
        ws.column_dimensions[get_column_letter(note_col)].width = 60
        if header_row is not None:
            ws.freeze_panes = f"A{header_row + 1}"
        first_data = (header_row or 0) + 1

        def emit(excel_row, values, formats):
            cells = []
            marked = {i.col for i in by_row.get(excel_row, []) if i.col is not None}
            for index in range(max(len(values), width)):
                value = values[index] if index < len(values) else None
                cell = WriteOnlyCell(ws, value=value)
                fmt = formats[index] if index < len(formats) else None
                if fmt and fmt != "General":
                    cell.number_format = fmt
                if index in marked:
                    cell.fill = ERROR_FILL
                    cell.font = ERROR_FONT
                elif excel_row == header_row:
                    cell.font = Font(bold=True)
                cells.append(cell)
            if excel_row == header_row:
                note = WriteOnlyCell(ws, value="错误说明")
                note.font = Font(bold=True, color="9C0006")
            else:
                messages = [f"{i.column}：{i.message}" if i.column else i.message for i in by_row.get(excel_row, [])]
                if file_level and excel_row == max(1, first_data - 2):
                    messages += [i.message for i in file_level]
                note = WriteOnlyCell(ws, value="；".join(messages) or None)
                if messages:
                    note.font = ERROR_FONT
            note.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(note)
            ws.append(cells)

        last = 0
        for excel_row, row in enumerate(ws_in.iter_rows(), start=1):
            emit(excel_row, *_cells(row))
            last = excel_row
        for excel_row in sorted(r for r in by_row if r > last):  # errors on rows beyond the sheet's data
            emit(excel_row, [], [])
    finally:
        wb_in.close()
    out.save(dest)
    return len(by_row)


def error_copy_bytes(source, issues: list[rf.RowIssue]) -> bytes:
    buffer = io.BytesIO()
    write_error_copy(source, issues, buffer)
    return buffer.getvalue()
