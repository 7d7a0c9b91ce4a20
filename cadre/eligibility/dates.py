"""Calendar arithmetic of the 任职资格 rules: pure functions of dates and history rows (no ORM, no clock).

- Dates print in Chinese (`2026年6月30日`; `2016年3月` for year-month dates stored as the 1st).
- Tenure is whole years and days; N years are reached on the same month-day N years later (a start on
  29 February reaches its anniversary on 1 March in common years).
- `consecutive_start`, `rank_on`, `grassroots_days` read rank-history and post-history rows as plain tuples.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..choices import EDUCATION_RANK, RANK_GRADE

ONE_DAY = dt.timedelta(days=1)


def fmt_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_month(d: dt.date) -> str:
    """Year-month precision for dates on the 1st (rosters give 出生年月), the full date otherwise."""
    return f"{d.year}年{d.month}月" if d.day == 1 else fmt_date(d)


def parse_date(value) -> dt.date | None:
    """`2016.03`, `2016-03`, `2016.03.15`, `2016-03-15` or a date; year-month counts from the 1st."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) == 2:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    if len(parts) == 3:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(f"日期格式不正确：{value}")


def add_years(d: dt.date, years: int) -> dt.date:
    """The same month-day `years` later; 29 February falls on 1 March in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 3, 1)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the target month lacks rolls to the 1st of the next month."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    try:
        return dt.date(year, month + 1, d.day)
    except ValueError:
        year, month = divmod(index + 1, 12)
        return dt.date(year, month + 1, 1)


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Whole years completed on `on` (born 1981-06-15 → 44 on 2026-06-14, 45 on 2026-06-15)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def birth_cutoff(as_of: dt.date, limit: int) -> dt.date:
    """Default cutoff for an age limit L in a campaign whose as-of date is in year Y: 1 January of Y−L."""
    return dt.date(as_of.year - limit, 1, 1)


def tenure(start: dt.date, on: dt.date) -> tuple[int, int]:
    """Whole years and remaining days from `start` to `on` (N years reached on the same month-day)."""
    if on < start:
        return 0, 0
    years = on.year - start.year
    while years > 0 and add_years(start, years) > on:
        years -= 1
    return years, (on - add_years(start, years)).days


def has_years(start: dt.date | None, on: dt.date, years: int) -> bool:
    return start is not None and add_years(start, years) <= on


def fmt_tenure(years: int, days: int) -> str:
    return f"{years}年{days}天"


def consecutive_start(
    rows: Iterable[tuple[str, dt.date, dt.date | None]],
    *,
    as_of: dt.date,
    min_grade: int,
    levels: Iterable[str] | None = None,
) -> dt.date | None:
    """Start of the unbroken service at `min_grade` or above (RANK_GRADE) that covers `as_of`.

    Rows are rank-history rows (level, start, end or None for the open row). A move between two levels
    that both qualify does not restart the clock; a gap of more than a day, or a row below the grade, does.
    `levels` restricts the qualifying levels further (e.g. leadership levels only). None when the person
    does not hold such a level on `as_of`.
    """
    allowed = set(levels) if levels is not None else None
    intervals = sorted(
        (start, end)
        for level, start, end in rows
        if start <= as_of
        and RANK_GRADE.get(level, -1) >= min_grade
        and (allowed is None or level in allowed)
    )
    run_start = run_end = None
    for start, end in intervals:
        if run_start is None or (run_end is not None and start - ONE_DAY > run_end):
            run_start, run_end = start, end
        elif run_end is not None:
            run_end = None if end is None else max(run_end, end)
    if run_start is None or (run_end is not None and run_end < as_of):
        return None
    return run_start


def rank_on(rows: Iterable[tuple[str, dt.date, dt.date | None]], on: dt.date, fallback: str = "") -> str:
    """The level held on `on` according to rank history; `fallback` (the record's 职务层次) without rows."""
    rows = list(rows)
    if not rows:
        return fallback
    held = [(start, level) for level, start, end in rows if start <= on and (end is None or on <= end)]
    return max(held)[1] if held else ""


def highest_education(levels: Mapping[str, str], *, full_time_only: bool = False) -> tuple[str, str]:
    """(level, mode) of the highest education; only 全日制 when the post requires it. ('', '') if none."""
    best = ("", "")
    for mode in ("全日制", "在职"):
        if full_time_only and mode != "全日制":
            continue
        level = levels.get(mode) or ""
        if level and EDUCATION_RANK.get(level, 0) > EDUCATION_RANK.get(best[0], 0):
            best = (level, mode)
    return best


def grassroots_days(rows: Iterable[tuple[str, dt.date, dt.date | None]], *, as_of: dt.date, kinds=("乡镇", "街道")) -> int:
    """Days served in units of the grassroots kinds up to `as_of`, overlapping periods counted once."""
    intervals = sorted(
        (start, min(end or as_of, as_of)) for kind, start, end in rows if kind in kinds and start <= as_of
    )
    total, cur_start, cur_end = 0, None, None
    for start, end in intervals:
        if cur_end is None or start > cur_end + ONE_DAY:
            if cur_end is not None:
                total += (cur_end - cur_start).days + 1
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += (cur_end - cur_start).days + 1
    return total
