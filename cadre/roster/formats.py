"""Roster Excel (干部花名册) layout and value parsers: pure functions, no ORM and no I/O (formats.md).

Every parser takes a raw cell value (str, int, float, date, datetime or None) and returns the stored value,
or raises ``ValueProblem`` with a Chinese message. Parsers that may accept a value with a doubt return a
``(value, warning)`` pair.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass

from ..choices import (
    ASSESSMENT_ALIASES,
    EDUCATION_ALIASES,
    ETHNICITY_BY_NAME,
    ETHNICITY_NAME,
    POLITICAL_ALIASES,
    RANK_ALIASES,
    STAFFING_ALIASES,
    TITLE_LEVEL_ALIASES,
    AssessmentGrade,
    Education,
    PoliticalStatus,
    RankLevel,
    StaffingType,
    TitleLevel,
)

SHEET_TITLE = "干部名册"
# TextChoices.values builds a new list on every access: keep the vocabularies as tuples (hot path, per cell)
_POLITICAL = tuple(PoliticalStatus.values)
_EDUCATION = tuple(Education.values)
_RANKS = tuple(RankLevel.values)
_STAFFING = tuple(StaffingType.values)
_TITLE_LEVELS = tuple(TitleLevel.values)
_GRADES = tuple(AssessmentGrade.values)


class ValueProblem(ValueError):
    """A cell value that cannot be read; the message is Chinese and names what is expected."""


@dataclass
class RowIssue:
    """One error or warning of an import: Excel row number, column header as written, the value, a message."""

    row: int | None
    column: str
    value: str
    message: str
    col: int | None = None  # 0-based column index in the sheet, for highlighting in the error copy

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RowIssue":
        return cls(
            row=data.get("row"),
            column=data.get("column", ""),
            value=data.get("value", ""),
            message=data["message"],
            col=data.get("col"),
        )

    def line(self) -> str:
        """`第R行 <列名>: <message>` (the command's output format)."""
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        return f"第{self.row}行 {self.column}: {self.message}"


# --- columns --------------------------------------------------------------------------------------------------
# (key, canonical header, aliases). The order is the export order; assessment columns go before 健康状况.
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("seq", "序号", ("编号",)),
    ("name", "姓名", ()),
    ("gender", "性别", ()),
    ("id_number", "身份证号", ("公民身份号码", "身份证号码", "公民身份证号码")),
    ("birth_date", "出生年月", ("出生日期",)),
    ("ethnicity", "民族", ()),
    ("native_place", "籍贯", ()),
    ("birthplace", "出生地", ()),
    ("grew_up_place", "成长地", ()),
    ("work_start_date", "参加工作时间", ()),
    ("political_status", "政治面貌", ()),
    ("party_join_date", "入党时间", ()),
    ("staffing_type", "编制类型", ()),
    ("unit", "单位", ("工作单位",)),
    ("position_title", "职务", ("现任职务",)),
    ("rank_level", "职务层次", ("级别",)),
    ("position_start", "任现职时间", ()),
    ("rank_start", "任现职级时间", ("任现职务层次时间",)),
    ("professional_title", "专业技术职务", ()),
    ("title_level", "职称级别", ("专业技术职务级别",)),
    ("ft_level", "全日制学历", ()),
    ("ft_degree", "全日制学位", ()),
    ("ft_school", "全日制院校及专业", ("全日制毕业院校及专业", "全日制毕业院校系及专业")),
    ("pt_level", "在职学历", ()),
    ("pt_degree", "在职学位", ()),
    ("pt_school", "在职院校及专业", ("在职毕业院校及专业", "在职毕业院校系及专业")),
    ("health", "健康状况", ()),
    ("note", "备注", ()),
]
HEADER_OF = {key: header for key, header, _ in COLUMNS}
REQUIRED_KEYS = ("name", "gender", "id_number", "birth_date")
DATE_KEYS = ("birth_date", "work_start_date", "party_join_date", "position_start", "rank_start")
EDUCATION_KEYS = {"全日制": ("ft_level", "ft_degree", "ft_school"), "在职": ("pt_level", "pt_degree", "pt_school")}
_HEADER_LOOKUP = {}
for _key, _header, _aliases in COLUMNS:
    for _text in (_header, *_aliases):
        _HEADER_LOOKUP[_text] = _key
ASSESSMENT_HEADER = re.compile(r"^(\d{4})年度?考核(?:结果|等次|情况)?$")

_SPACES = re.compile(r"[\s\u3000\u00a0]+")


def normalize_header(value) -> str:
    """Header text without any spaces or line breaks, full-width forms folded (`出生\n年月` → `出生年月`)."""
    if value is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))


def assessment_header(text: str) -> str:
    return f"{text}年度考核"


@dataclass
class ColumnMap:
    """Where each known column is (0-based index into the row), as found in a header row."""

    columns: dict[str, int]  # key → index
    assessments: dict[int, int]  # year → index
    headers: dict[int, str]  # index → header text as written (for messages)
    unknown: list[tuple[int, str]]  # (index, header) ignored with a warning
    duplicates: list[tuple[int, str]]  # (index, header) of a column seen twice (the first is used)

    def header(self, key: str) -> str:
        return self.headers.get(self.columns.get(key, -1), HEADER_OF.get(key, key))

    @property
    def missing_required(self) -> list[str]:
        return [HEADER_OF[k] for k in REQUIRED_KEYS if k not in self.columns]


def is_header_row(values) -> bool:
    return any(normalize_header(v) == "姓名" for v in values)


def map_columns(values) -> ColumnMap:
    columns: dict[str, int] = {}
    assessments: dict[int, int] = {}
    headers: dict[int, str] = {}
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str]] = []
    for index, raw in enumerate(values):
        text = normalize_header(raw)
        if not text:
            continue
        headers[index] = str(raw).strip()
        key = _HEADER_LOOKUP.get(text)
        match = ASSESSMENT_HEADER.match(text) if key is None else None
        if key is not None:
            if key in columns:
                duplicates.append((index, headers[index]))
            else:
                columns[key] = index
        elif match:
            year = int(match.group(1))
            if year in assessments:
                duplicates.append((index, headers[index]))
            else:
                assessments[year] = index
        else:
            unknown.append((index, headers[index]))
    return ColumnMap(columns, assessments, headers, unknown, duplicates)


# --- plain text -----------------------------------------------------------------------------------------------
def cell_text(value) -> str:
    """Any cell value as trimmed text; whole floats lose their `.0` (numbers typed into text columns)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def display_value(value) -> str:
    """How a value is quoted in an error message."""
    return cell_text(value)[:100]


def clean_name(value) -> str:
    """`张  三` → `张三`: every space removed, including full-width ones."""
    name = _SPACES.sub("", cell_text(value))
    if not name:
        raise ValueProblem("姓名不能为空")
    if len(name) > 30:
        raise ValueProblem("姓名不能超过30个字符")
    return name


def _fold(value) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", cell_text(value)))


def _choice(value, valid, aliases: dict, what: str, *, allow_blank: bool = True) -> str:
    text = _fold(value)
    if not text:
        if allow_blank:
            return ""
        raise ValueProblem(f"{what}不能为空")
    if text in valid:  # a short tuple
        return text
    if text in aliases:
        return aliases[text]
    examples = "、".join(list(valid)[:6])
    raise ValueProblem(f"无法识别的{what}「{text}」，应为{examples}等")


def parse_gender(value) -> str:
    text = _fold(value)
    if not text:
        raise ValueProblem("性别不能为空")
    mapped = {"男": "男", "女": "女", "男性": "男", "女性": "女"}.get(text)
    if mapped is None:
        raise ValueProblem(f"性别应为“男”或“女”，而不是「{text}」")
    return mapped


_PARTY_SHORT = {
    "民革": "民革会员", "民盟": "民盟盟员", "民建": "民建会员", "民进": "民进会员", "农工党": "农工党党员",
    "致公党": "致公党党员", "九三学社": "九三学社社员", "台盟": "台盟盟员", "中国共产党党员": "中共党员",
    "共产党员": "中共党员", "中共": "中共党员", "预备党员": "中共预备党员",
}


def parse_political_status(value) -> str:
    return _choice(value, _POLITICAL, {**POLITICAL_ALIASES, **_PARTY_SHORT}, "政治面貌")


def parse_ethnicity(value) -> str:
    """`汉族` or `汉` (or the code `01`) → GB/T 3304 code."""
    text = _fold(value)
    if not text:
        return ""
    if text in ETHNICITY_BY_NAME:
        return ETHNICITY_BY_NAME[text]
    if text.isdigit() and text.zfill(2) in ETHNICITY_NAME:
        return text.zfill(2)
    raise ValueProblem(f"无法识别的民族「{text}」，应为民族名称，例如汉族")


def parse_education(value) -> str:
    return _choice(value, _EDUCATION, EDUCATION_ALIASES, "学历")


def parse_rank_level(value) -> str:
    return _choice(value, _RANKS, RANK_ALIASES, "职务层次")


def parse_staffing_type(value) -> str:
    return _choice(value, _STAFFING, STAFFING_ALIASES, "编制类型")


def parse_title_level(value) -> str:
    return _choice(value, _TITLE_LEVELS, TITLE_LEVEL_ALIASES, "职称级别")


def parse_assessment(value) -> str | None:
    """优秀/称职/基本称职/不称职/未定等次 (合格 → 称职); blank → None (no record)."""
    text = _fold(value)
    if not text:
        return None
    return _choice(text, _GRADES, ASSESSMENT_ALIASES, "考核结果")


def split_school_major(value) -> tuple[str, str]:
    """`浙江大学 经济学` → (`浙江大学`, `经济学`): split at the first run of whitespace (full-width included)."""
    text = cell_text(value).replace("\u3000", " ").strip()
    if not text:
        return "", ""
    parts = re.split(r"\s+", text, maxsplit=1)
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def join_school_major(school: str, major: str) -> str:
    return " ".join(p for p in (school, major) if p)


# --- dates ----------------------------------------------------------------------------------------------------
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[.\-/](\d{1,2})$"),
    re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
]
DATE_HINT = "应为1981.06、1981-06、198106、1981年6月或1981-06-15等格式"


def _make_date(year: int, month: int, day: int, raw: str) -> dt.date:
    if not 1900 <= year <= 2100:
        raise ValueProblem(f"日期「{raw}」的年份超出范围")
    if not 1 <= month <= 12:
        raise ValueProblem(f"日期「{raw}」的月份应为1至12")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueProblem(f"日期「{raw}」不存在") from None


def _two_decimals(number_format: str | None) -> bool:
    """A number format such as `0.00` or `#,##0.00` shows exactly two decimals."""
    if not number_format:
        return False
    section = number_format.split(";")[0]
    match = re.search(r"\.([0#?]+)", section)
    return bool(match) and len(match.group(1)) == 2


def parse_date(value, number_format: str | None = None) -> tuple[dt.date | None, str | None]:
    """A roster date → (date, warning). Year-month dates are the 1st of the month. Blank → (None, None).

    Numeric cells: 1981.06 is June; 1981.1 is ambiguous (Excel shows 1981.10 as 1981.1 unless the cell's
    number format has two decimals), so it is read as January with the warning `可能为1981年10月`.
    """
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return _make_date(value.year, value.month, value.day, cell_text(value)), None
    if isinstance(value, dt.date):
        return _make_date(value.year, value.month, value.day, cell_text(value)), None
    if isinstance(value, bool):
        raise ValueProblem(f"无法识别的日期，{DATE_HINT}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            if _two_decimals(number_format):
                text = f"{value:.2f}"
            else:
                text = repr(round(value, 6))
            year_text, _, month_text = text.partition(".")
            if len(month_text) > 2 or not year_text.isdigit():
                raise ValueProblem(f"无法识别的日期「{text}」，{DATE_HINT}")
            year, month = int(year_text), int(month_text)
            if len(month_text) == 1:
                if month == 1:
                    date = _make_date(year, 1, 1, text)
                    return date, f"按{year}年1月读取，可能为{year}年10月（请将单元格设为文本或保留两位小数）"
                # 1981.2 … 1981.9: the only reading is the month itself
            return _make_date(year, month, 1, text), None
        text = str(int(value))
    else:
        text = _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))
        text = text.replace("．", ".")
    if not text:
        return None, None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(g) for g in match.groups()]
            year, month = parts[0], parts[1]
            day = parts[2] if len(parts) > 2 else 1
            return _make_date(year, month, day, text), None
    raise ValueProblem(f"无法识别的日期「{text}」，{DATE_HINT}")


def date_text(value: dt.date | None) -> str:
    """Export form: `1981.06` for the 1st of a month, `1981.06.15` otherwise, '' for None."""
    if value is None:
        return ""
    if value.day == 1:
        return f"{value.year}.{value.month:02d}"
    return f"{value.year}.{value.month:02d}.{value.day:02d}"


def is_blank_row(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
