"""法定退休年龄: the statutory retirement age by birth month (pure: the table is passed in).

Since 2025-01-01 (全国人大常委会关于实施渐进式延迟法定退休年龄的决定, 2024-09-13) the age rises by birth month:
men from 60 by one month per four months of birth from 1965-01 to 63; women whose original age is 55 (女干部) by
one month per four months from 1970-01 to 58; women whose original age is 50 by one month per two months from
1975-01 to 55. People born before a category's first band keep the original age. The bands are data
(`cadre/data/retirement_ages.json`, loaded by `cadre.retirement`), not code.
"""
from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    start: tuple[int, int]  # (year, month) of birth, inclusive
    end: tuple[int, int]
    years: int
    months: int


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    original_years: int
    final_years: int
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Retirement:
    """The age (years + months) and the day it is reached; ``month`` is the retirement month (year.month)."""

    years: int
    months: int
    on: dt.date
    category: str = ""

    @property
    def age_label(self) -> str:
        return f"{self.years} 岁 {self.months} 个月" if self.months else f"{self.years} 岁"

    @property
    def month(self) -> str:
        return f"{self.on.year}.{self.on.month:02d}"

    @property
    def month_cn(self) -> str:
        return f"{self.on.year}年{self.on.month}月"


def _ym(text: str) -> tuple[int, int]:
    y, m = text.split("-")
    return int(y), int(m)


def parse_table(data: Mapping) -> dict[str, Category]:
    """The JSON table as categories; refuses overlapping or unordered bands."""
    out = {}
    for key, c in data["categories"].items():
        bands = tuple(Band(_ym(b["from"]), _ym(b["to"]), int(b["years"]), int(b["months"])) for b in c["bands"])
        for a, b in zip(bands, bands[1:]):
            if not (a.start <= a.end < b.start <= b.end):
                raise ValueError(f"退休年龄表{key}的出生年月区间有重叠或顺序错误：{a} {b}")
        out[key] = Category(key, c["label"], int(c["original_years"]), int(c["final_years"]), bands)
    return out


def add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    return dt.date(y, m, min(d.day, monthrange(y, m)[1]))


def category_key(gender: str, original_years: int | None = None) -> str:
    """The table category of a person: men 60; women cadres 55 (the default here); women workers 50."""
    if gender == "女":
        return "female_50" if original_years == 50 else "female_55"
    return "male_60"


def retirement_for(birth: dt.date, category: Category) -> Retirement:
    ym = (birth.year, birth.month)
    bands = category.bands
    if not bands or ym < bands[0].start:
        years, months = category.original_years, 0
    elif ym > bands[-1].end:
        years, months = category.final_years, 0
    else:
        band = next(b for b in bands if b.start <= ym <= b.end)
        years, months = band.years, band.months
    return Retirement(years, months, add_months(birth, years * 12 + months), category.key)


def retirement_of(birth: dt.date, gender: str, table: Mapping[str, Category], *,
                  original_years: int | None = None) -> Retirement:
    """The statutory retirement of a person born on `birth`. An `original_years` that matches no category of the
    table (a policy's own fixed age, e.g. 58) is taken as a fixed age without steps."""
    key = category_key(gender, original_years)
    category = table.get(key)
    if category is None or (original_years is not None and original_years != category.original_years):
        years = original_years if original_years is not None else (55 if gender == "女" else 60)
        return Retirement(years, 0, add_months(birth, years * 12), "")
    return retirement_for(birth, category)
