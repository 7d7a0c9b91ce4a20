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
