"""The statutory retirement-age table (data: `cadre/data/retirement_ages.json`) and the lookup every app uses.

`retirement_of(birth, gender)` → `Retirement` (age in years and months, the day and month it is reached). The rule
itself is the pure `cadre.rules.retirement`; this module only loads the table once.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .rules.retirement import Category, Retirement, parse_table
from .rules.retirement import retirement_of as _retirement_of

TABLE_PATH = Path(__file__).resolve().parent / "data" / "retirement_ages.json"
TABLE: dict[str, Category] = parse_table(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


def retirement_of(birth: dt.date, gender: str, *, original_years: int | None = None) -> Retirement:
    return _retirement_of(birth, gender, TABLE, original_years=original_years)


__all__ = ["TABLE", "Retirement", "retirement_of"]
