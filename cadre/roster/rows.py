"""The checks of each data row of a roster (no database): ``RowLayout`` is worked out once per sheet from its
header (where each column is, its header as written, the length limits), ``parse_row`` checks one row with it.

The rules of each cell are in ``formats``; the parsers are memoized here (a roster repeats the same dates, 民族,
学历 … thousands of times). Errors and warnings are appended in a fixed order per row (the caller sorts the
errors by row and column, the warnings stay in this order).
"""
from __future__ import annotations

from dataclasses import dataclass

from core.exceptions import ApplicationError

from ..idnumber import IdNumberError, parse_id_number
from ..models import Cadre, EducationRecord, OrgUnit
from ..services.cadres import check_id_number
from . import formats as rf
from .report import ParsedRoster, RosterRow

# Cadre fields a roster column sets as text, and the choice columns with their parsers
TEXT_FIELDS = ("native_place", "birthplace", "grew_up_place", "position_title", "professional_title", "health", "note")
CHOICE_PARSERS = {
    "ethnicity": rf.parse_ethnicity,
    "political_status": rf.parse_political_status,
    "staffing_type": rf.parse_staffing_type,
    "rank_level": rf.parse_rank_level,
    "title_level": rf.parse_title_level,
}
# the dates that may not be on or before the birth date, with their messages
AFTER_BIRTH = (
    ("work_start_date", "参加工作时间不能早于出生日期"),
    ("party_join_date", "入党时间不能早于出生日期"),
    ("position_start", "任现职时间不能早于出生日期"),
    ("rank_start", "任现职级时间不能早于出生日期"),
)
NUMBER_AS_FLOAT = "身份证号以数字格式保存，可能已丢失末尾数字，请将该列设为文本"


def _memo(parser):
    """``parser`` (a pure cell parser of ``formats``) remembering its answer, or its ValueProblem's message, per
    (type, value, extra args)."""
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
_CHOICE_PARSERS = {key: _memo(parser) for key, parser in CHOICE_PARSERS.items()}


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


@dataclass
class RowLayout:
    """Where the sheet's columns are (0-based indexes, None when absent) and what their messages say."""

    cmap: rf.ColumnMap
    width: int  # a row is padded with None to this many cells
    headers: dict  # key → header as written (as ColumnMap.header)
    dates: list  # (key, index) of the date columns present
    choices: list  # (key, index, memoized parser)
    texts: list  # (key, index, limit, message over the limit)
    unit: int | None
    unit_limit: int
    educations: list  # (mode, (level key, index), (degree key, index), (school key, index))
    assessments: list  # (year, index, header)

    @classmethod
    def of(cls, cmap: rf.ColumnMap) -> RowLayout:
        columns = cmap.columns
        keys = ["name", "gender", "id_number", "unit", *rf.DATE_KEYS, *CHOICE_PARSERS, *TEXT_FIELDS]
        keys += [k for trio in rf.EDUCATION_KEYS.values() for k in trio]
        texts = []
        for key in TEXT_FIELDS:
            if key in columns:
                limit = _limit(Cadre, key)
                texts.append((key, columns[key], limit, f"{cmap.header(key)}不能超过{limit}个字符"))
        return cls(
            cmap=cmap,
            width=max([*columns.values(), *cmap.assessments.values(), -1]) + 1,
            headers={key: cmap.header(key) for key in keys},
            dates=[(key, columns[key]) for key in rf.DATE_KEYS if key in columns],
            choices=[(key, columns[key], parser) for key, parser in _CHOICE_PARSERS.items() if key in columns],
            texts=texts,
            unit=columns.get("unit"),
            unit_limit=_limit(OrgUnit, "name"),
            educations=[
                (mode, *((key, columns.get(key)) for key in trio)) for mode, trio in rf.EDUCATION_KEYS.items()
            ],
            assessments=[(year, index, cmap.headers[index]) for year, index in cmap.assessments.items()],
        )


_DEGREE_LIMIT = _limit(EducationRecord, "degree")
_SCHOOL_LIMITS = (("school", _limit(EducationRecord, "school")), ("major", _limit(EducationRecord, "major")))


def parse_row(values, formats, excel_row: int, layout: RowLayout, parsed: ParsedRoster):
    """Check one data row: its errors and warnings go to ``parsed``, and the row to ``parsed.rows`` when it has no
    error (with only its 身份证号 when it has one, so that a duplicate in another row is still reported)."""
    errors = parsed.errors
    errors_before = len(errors)
    headers = layout.headers
    columns = layout.cmap.columns
    if len(values) < layout.width:
        values = [*values, *([None] * (layout.width - len(values)))]

    def err(key, value, message, index=None):
        errors.append(rf.RowIssue(excel_row, headers[key], rf.display_value(value), message,
                                  col=columns.get(key) if index is None else index))

    def warn(key, value, message):
        parsed.warnings.append(rf.RowIssue(excel_row, headers[key], rf.display_value(value), message,
                                           col=columns.get(key)))

    def cell(key):
        index = columns.get(key)
        return None if index is None else values[index]

    out: dict = {}
    for key, parser in (("name", rf.clean_name), ("gender", _parse_gender)):
        value = cell(key)
        try:
            out[key] = parser(value)
        except rf.ValueProblem as exc:
            err(key, value, str(exc))

    dates: dict = {}
    for key, index in layout.dates:
        value = values[index]
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

    id_value = cell("id_number")
    id_number = ""
    birth = None
    try:
        parsed_id = parse_id_number(_cell_text(id_value))
    except IdNumberError as exc:
        err("id_number", id_value, str(exc))
    else:
        if isinstance(id_value, float):
            warn("id_number", id_value, NUMBER_AS_FLOAT)
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
        for key, label in AFTER_BIRTH:
            if dates.get(key) and dates[key] <= birth:
                err(key, cell(key), label)

    for key, index, parser in layout.choices:
        value = values[index]
        try:
            values_out[key] = parser(value)
        except rf.ValueProblem as exc:
            err(key, value, str(exc))

    for key, index, limit, message in layout.texts:
        value = values[index]
        text = _cell_text(value)
        if len(text) > limit:
            err(key, value, message)
            continue
        values_out[key] = text

    if layout.unit is not None:
        value = values[layout.unit]
        name = _cell_text(value).replace("\u3000", " ").strip()
        if len(name) > layout.unit_limit:
            err("unit", value, f"单位名称不能超过{layout.unit_limit}个字符")
        values_out["unit"] = name

    if values_out.get("position_title") and "position_start" in columns and not values_out.get("position_start"):
        warn("position_start", None, "填写了职务但未填任现职时间，任职经历不会更新")
    if values_out.get("rank_level") and "rank_start" in columns and not values_out.get("rank_start"):
        warn("rank_start", None, "填写了职务层次但未填任现职级时间，职级经历不会更新")

    educations: dict = {}
    for mode, (level_key, level_at), (degree_key, degree_at), (school_key, school_at) in layout.educations:
        record: dict = {}
        if level_at is not None:
            value = values[level_at]
            try:
                record["level"] = _parse_education(value)
            except rf.ValueProblem as exc:
                err(level_key, value, str(exc))
        if degree_at is not None:
            value = values[degree_at]
            record["degree"] = _cell_text(value)
            if len(record["degree"]) > _DEGREE_LIMIT:
                err(degree_key, value, f"学位不能超过{_DEGREE_LIMIT}个字符")
        if school_at is not None:
            value = values[school_at]
            record["school"], record["major"] = _split_school_major(value)
            for part, limit in _SCHOOL_LIMITS:
                if len(record[part]) > limit:
                    err(school_key, value, f"院校或专业不能超过{limit}个字符")
        if any(record.values()):
            educations[mode] = record

    assessments: dict = {}
    for year, index, header in layout.assessments:
        value = values[index]
        try:
            grade = _parse_assessment(value)
        except rf.ValueProblem as exc:
            errors.append(rf.RowIssue(excel_row, header, rf.display_value(value), str(exc), col=index))
            continue
        if grade:
            assessments[year] = grade

    if len(errors) == errors_before:
        parsed.rows.append(RosterRow(excel_row, id_number, values_out, educations, assessments))
    elif id_number:
        parsed.rows.append(RosterRow(excel_row, id_number, {"_invalid": True}, {}, {}))
