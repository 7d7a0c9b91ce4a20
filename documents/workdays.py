"""Working-day arithmetic on China's official calendar (法定节假日 and 调休 working weekends).

Where a day's status comes from, first match wins:

1. a stored ``documents.CalendarDay`` row (the yearly 放假安排 staff enter in 系统 → 节假日安排);
2. the bundled ``chinesecalendar`` data, inside the years it covers;
3. for any other year: ordinary weekday/weekend, but only once staff have entered at least one day of that
   year's arrangement; a year with no stored row raises ``WorkdayError`` with a Chinese message instead of
   silently guessing weekends.

The module has two layers. The pure layer (``is_working_day_pure``, ``add_working_days_pure``,
``next_working_day_pure``, ``count_working_days_pure``, ``parse_arrangement``) does no I/O and takes the stored
days as a plain ``{date: is_working_day}`` dict or an ``is_working(day)`` callable. The public functions
(``is_working_day``, ``add_working_days``, ``next_working_day``, ``working_day_period``,
``count_working_days``) read the stored days of the whole years they need with one query per call and hand
them to the pure layer.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar import constants as _cc

from core.exceptions import ApplicationError

from .models import CalendarDay

FIRST_YEAR = min(_cc.holidays).year
LAST_YEAR = max(_cc.holidays).year
MAX_SPAN_DAYS = 400  # no sane 公示 period reaches this far; stops a runaway loop
# Extra calendar days read beyond n working days * 7/5: covers 春节 or 国庆 (8-9 days off) several times over,
# so add_working_days needs a second query only for absurd spans.
HOLIDAY_MARGIN_DAYS = 45
ARRANGEMENT_MENU = "系统 → 节假日安排"

IsWorking = Callable[[dt.date], bool]


class WorkdayError(ApplicationError):
    """A date whose status is unknown: outside the bundled calendar and no stored arrangement for its year."""


def covered_years() -> tuple[int, int]:
    """The years the bundled ``chinesecalendar`` package covers."""
    return FIRST_YEAR, LAST_YEAR


def is_bundled_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def missing_year_message(day: dt.date) -> str:
    return (
        f"系统尚无{day.year}年的法定节假日安排，无法判断{day:%Y年%m月%d日}是否为工作日"
        f"（内置日历仅包含{FIRST_YEAR}年至{LAST_YEAR}年）。请组织部工作人员在“{ARRANGEMENT_MENU}”中"
        f"录入国务院办公厅公布的{day.year}年放假安排（含调休上班日）后再试"
    )


def _as_date(day) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


# --- pure layer ---------------------------------------------------------------------------------------------------
def is_working_day_pure(
    day: dt.date, overrides: Mapping[dt.date, bool], entered_years: Collection[int] | None = None
) -> bool:
    """True on working days (ordinary weekdays and 调休 weekend days), False on weekends and 法定节假日.

    ``overrides`` holds the stored days ({date: is_working_day}) of every year it touches; ``entered_years``
    (the years with at least one stored day) defaults to the years of its keys.
    """
    day = _as_date(day)
    stored = overrides.get(day)
    if stored is not None:
        return stored
    if is_bundled_year(day.year):
        return chinese_calendar.is_workday(day)
    if entered_years is None:
        entered_years = {d.year for d in overrides}
    if day.year in entered_years:
        return day.weekday() < 5
    raise WorkdayError(missing_year_message(day))


def add_working_days_pure(day: dt.date, n: int, is_working: IsWorking) -> dt.date:
    """The n-th working day after ``day`` (``day`` itself not counted; n = 0 returns ``day``); n < 0 goes back."""
    day = _as_date(day)
    if n == 0:
        return day
    step = dt.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    for _ in range(MAX_SPAN_DAYS * max(1, remaining // 200 + 1)):
        current += step
        if is_working(current):
            remaining -= 1
            if remaining == 0:
                return current
    raise WorkdayError(f"无法在合理范围内找到第{n}个工作日")


def next_working_day_pure(day: dt.date, is_working: IsWorking) -> dt.date:
    day = _as_date(day)
    return day if is_working(day) else add_working_days_pure(day, 1, is_working)


def working_day_period_pure(start: dt.date, n: int, is_working: IsWorking) -> tuple[dt.date, dt.date]:
    if n < 1:
        raise WorkdayError("期限应至少为1个工作日")
    first = next_working_day_pure(start, is_working)
    return first, add_working_days_pure(first, n - 1, is_working)


def count_working_days_pure(first: dt.date, last: dt.date, is_working: IsWorking) -> int:
    first, last = _as_date(first), _as_date(last)
    count, current = 0, first
    while current <= last:
        count += is_working(current)
        current += dt.timedelta(days=1)
    return count


def span_estimate(n: int) -> int:
    """Calendar days that certainly hold ``n`` working days around ordinary holidays."""
    return abs(n) * 7 // 5 + HOLIDAY_MARGIN_DAYS


# --- the 放假安排 text staff paste ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArrangementLine:
    line: int
    date: dt.date
    is_working_day: bool
    name: str
    note: str


@dataclass(frozen=True)
class LineIssue:
    """One bad line of the bulk entry, shaped like ``cadre.roster.RowIssue`` (row, column, value, message)."""

    row: int
    column: str
    value: str
    message: str


HOLIDAY_WORDS = {"放假", "休", "休息", "假", "节假日"}
WORKING_WORDS = {"上班", "班", "调休上班", "工作日"}
DEFAULT_WORKING_NAME = "调休上班"
NAME_MAX, NOTE_MAX = 50, 200
MAX_LINES = 400
_SPLIT = re.compile(r"[\s,，;；、]+")
_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> dt.date | None:
    """2027-01-01, 2027/1/1, 2027.1.1 or 2027年1月1日; None when it is not a real date."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_kind(text: str) -> bool | None:
    """放假 → False, 上班 → True, anything else → None."""
    word = text.strip()
    if word in HOLIDAY_WORDS:
        return False
    if word in WORKING_WORDS:
        return True
    return None


def parse_arrangement(text: str) -> tuple[list[ArrangementLine], list[LineIssue]]:
    """Lines ``日期 放假|上班 [名称] [备注]`` (blank lines and lines starting with # are skipped).

    Returns the parsed days and one issue per bad line; callers save nothing when there is any issue.
    """
    entries: list[ArrangementLine] = []
    issues: list[LineIssue] = []
    seen: dict[dt.date, int] = {}
    lines = (text or "").splitlines()
    content = [(i, raw.strip()) for i, raw in enumerate(lines, start=1) if raw.strip() and not raw.strip().startswith("#")]
    if not content:
        return [], [LineIssue(0, "全部", "", "请至少填写一行，例如“2027-01-01 放假 元旦”")]
    if len(content) > MAX_LINES:
        return [], [LineIssue(0, "全部", str(len(content)), f"一次最多录入{MAX_LINES}行，请分批录入")]
    for number, line in content:
        parts = _SPLIT.split(line, maxsplit=3)
        if len(parts) < 2:
            issues.append(LineIssue(number, "全部", line[:100], f"第{number}行应为“日期 放假/上班 名称”，例如“2027-01-01 放假 元旦”"))
            continue
        day = parse_date(parts[0])
        if day is None:
            issues.append(LineIssue(number, "日期", parts[0][:100], f"第{number}行的日期“{parts[0][:30]}”无效，应写作2027-01-01"))
            continue
        working = parse_kind(parts[1])
        if working is None:
            issues.append(LineIssue(number, "类别", parts[1][:100], f"第{number}行的类别“{parts[1][:30]}”无效，应为“放假”或“上班”"))
            continue
        name = parts[2] if len(parts) > 2 else ""
        note = parts[3].strip() if len(parts) > 3 else ""
        if not name and working:
            name = DEFAULT_WORKING_NAME
        if len(name) > NAME_MAX:
            issues.append(LineIssue(number, "名称", name[:100], f"第{number}行的名称超过{NAME_MAX}个字"))
            continue
        if len(note) > NOTE_MAX:
            issues.append(LineIssue(number, "备注", note[:100], f"第{number}行的备注超过{NOTE_MAX}个字"))
            continue
        if day in seen:
            issues.append(LineIssue(number, "日期", parts[0][:100], f"第{number}行的日期{day:%Y-%m-%d}与第{seen[day]}行重复"))
            continue
        seen[day] = number
        entries.append(ArrangementLine(number, day, working, name, note))
    return entries, issues


# --- stored days (the one place that reads the database) --------------------------------------------------------
def load_overrides(first_year: int, last_year: int) -> dict[dt.date, bool]:
    """Every stored day of the years [first_year, last_year]: one query."""
    first_year, last_year = max(first_year, dt.MINYEAR), min(last_year, dt.MAXYEAR)
    rows = CalendarDay.objects.filter(
        date__gte=dt.date(first_year, 1, 1), date__lte=dt.date(last_year, 12, 31)
    ).values_list("date", "is_working_day")
    return dict(rows)


class StoredCalendar:
    """``is_working(day)`` over the stored days of whole years, read up front; a day outside those years reads
    the missing years with one more query (only when a span estimate was too short)."""

    def __init__(self, first: dt.date, last: dt.date, loader: Callable[[int, int], dict[dt.date, bool]] = load_overrides):
        first, last = min(first, last), max(first, last)
        self._loader = loader
        self.overrides: dict[dt.date, bool] = {}
        self.entered_years: set[int] = set()
        self.first_year, self.last_year = first.year, last.year
        self._read(first.year, last.year)

    def _read(self, first_year: int, last_year: int) -> None:
        days = self._loader(first_year, last_year)
        self.overrides.update(days)
        self.entered_years.update(d.year for d in days)

    def __call__(self, day: dt.date) -> bool:
        day = _as_date(day)
        if day.year < self.first_year:
            self._read(day.year, self.first_year - 1)
            self.first_year = day.year
        elif day.year > self.last_year:
            self._read(self.last_year + 1, day.year)
            self.last_year = day.year
        return is_working_day_pure(day, self.overrides, self.entered_years)


def calendar_around(day: dt.date, n: int) -> StoredCalendar:
    """The stored days for counting ``n`` working days from ``day`` (either direction)."""
    day = _as_date(day)
    reach = span_estimate(n)
    return StoredCalendar(_shift(day, -reach if n < 0 else 0), _shift(day, 0 if n < 0 else reach))


# --- public API (reads the stored days once per call) -------------------------------------------------------------
def is_working_day(day: dt.date) -> bool:
    """True on ordinary weekdays and on 调休 weekend days; False on weekends and 法定节假日."""
    day = _as_date(day)
    return StoredCalendar(day, day)(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (``day`` itself is not counted; n = 0 returns ``day``).

    Negative n counts backwards. Example: 5 working days after Friday 2026-09-18 end on Thursday 2026-09-24,
    because the 调休 Sunday 2026-09-20 is a working day.
    """
    if n == 0:
        return _as_date(day)
    return add_working_days_pure(day, n, calendar_around(day, n))


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    return next_working_day_pure(day, calendar_around(day, 1))


def working_day_period(start: dt.date, n: int) -> tuple[dt.date, dt.date]:
    """A period of n working days beginning on the first working day on or after ``start``: (first, last)."""
    if n < 1:
        raise WorkdayError("期限应至少为1个工作日")
    return working_day_period_pure(start, n, calendar_around(start, n + 1))


def count_working_days(first: dt.date, last: dt.date) -> int:
    """Working days in [first, last], both included."""
    first, last = _as_date(first), _as_date(last)
    if last < first:
        return 0
    return count_working_days_pure(first, last, StoredCalendar(first, last))
