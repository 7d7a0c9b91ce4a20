"""Working-day arithmetic on China's official calendar (法定节假日 and 调休 working weekends). Pure functions.

`chinese_calendar` ships the State Council's yearly holiday arrangements; a date in a year it does not know
raises ``WorkdayError`` with a Chinese message instead of silently guessing weekends.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar
from chinese_calendar import constants as _cc

from core.exceptions import ApplicationError

FIRST_YEAR = min(_cc.holidays).year
LAST_YEAR = max(_cc.holidays).year
MAX_SPAN_DAYS = 400  # no sane 公示 period reaches this far; stops a runaway loop


class WorkdayError(ApplicationError):
    """A date outside the years the installed calendar covers."""


def covered_years() -> tuple[int, int]:
    return FIRST_YEAR, LAST_YEAR


def is_working_day(day: dt.date) -> bool:
    """True on ordinary weekdays and on 调休 weekend days; False on weekends and 法定节假日."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise WorkdayError(
            f"工作日历仅包含{FIRST_YEAR}年至{LAST_YEAR}年的法定节假日安排，无法判断{day:%Y年%m月%d日}是否为工作日"
            f"（请升级 chinesecalendar 软件包）"
        )
    return chinese_calendar.is_workday(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (``day`` itself is not counted; n = 0 returns ``day``).

    Negative n counts backwards. Example: 5 working days after Friday 2026-09-18 end on Thursday 2026-09-24,
    because the 调休 Sunday 2026-09-20 is a working day.
    """
    if n == 0:
        return day
    step = dt.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    for _ in range(MAX_SPAN_DAYS * max(1, remaining // 200 + 1)):
        current += step
        if is_working_day(current):
            remaining -= 1
            if remaining == 0:
                return current
    raise WorkdayError(f"无法在合理范围内找到第{n}个工作日")


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    return day if is_working_day(day) else add_working_days(day, 1)


def working_day_period(start: dt.date, n: int) -> tuple[dt.date, dt.date]:
    """A period of n working days beginning on the first working day on or after ``start``: (first, last)."""
    if n < 1:
        raise WorkdayError("期限应至少为1个工作日")
    first = next_working_day(start)
    return first, add_working_days(first, n - 1)


def count_working_days(first: dt.date, last: dt.date) -> int:
    """Working days in [first, last], both included."""
    if last < first:
        return 0
    count, current = 0, first
    while current <= last:
        count += is_working_day(current)
        current += dt.timedelta(days=1)
    return count
