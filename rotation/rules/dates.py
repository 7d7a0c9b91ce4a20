"""Whole-year tenure arithmetic and the year.month format of reports."""
from __future__ import annotations

import datetime as dt


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(d.year + years, 3, 1)


def whole_years(start: dt.date, on: dt.date) -> int:
    if on < start:
        return 0
    years = on.year - start.year
    while years > 0 and add_years(start, years) > on:
        years -= 1
    return years


def fmt_month(d: dt.date | None) -> str:
    return f"{d.year}.{d.month:02d}" if d else ""


def assessment_basis(on: dt.date, last_year_in: bool) -> tuple[dt.date, str]:
    """The date eligibility is screened as of, for a plan dated `on`, and a note when it differs.

    Rules that need last year's 年度考核 use the latest year completed on `on` (on.year - 1). When no result of that
    year is on record yet (typically a plan dated in January), the year before last is the latest year in: the
    screen runs as of 31 December of last year, so its completed years end with the year before last."""
    last = on.year - 1
    if last_year_in:
        return on, ""
    return dt.date(last, 12, 31), (
        f"测算基准日{on:%Y.%m.%d}时{last}年度考核结果尚未录入，任职资格中的年度考核按{last - 1}年度及以前的结果审核"
        f"（按{last}.12.31测算）"
    )
