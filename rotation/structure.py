"""队伍结构: pure aggregation of plain rows (no ORM). Selectors load the rows; views chart and export them."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .rules import whole_years

AGE_BANDS = ("30岁及以下", "31-35岁", "36-40岁", "41-45岁", "46-50岁", "51-55岁", "56岁及以上")
TENURE_BANDS = ("不满2年", "2-5年", "5-10年", "10年及以上", "未记录")
EDUCATION_ORDER = ("研究生", "大学本科", "大学专科", "中专", "高中及以下", "未记录")
PARTY_ORDER = ("中共党员", "民主党派", "群众及其他")
GENDER_ORDER = ("男", "女")


def age_band(age: int) -> str:
    for limit, label in ((30, AGE_BANDS[0]), (35, AGE_BANDS[1]), (40, AGE_BANDS[2]), (45, AGE_BANDS[3]),
                         (50, AGE_BANDS[4]), (55, AGE_BANDS[5])):
        if age <= limit:
            return label
    return AGE_BANDS[6]


def tenure_band(start: dt.date | None, on: dt.date) -> str:
    if start is None:
        return TENURE_BANDS[4]
    years = whole_years(start, on)
    if years < 2:
        return TENURE_BANDS[0]
    if years < 5:
        return TENURE_BANDS[1]
    if years < 10:
        return TENURE_BANDS[2]
    return TENURE_BANDS[3]


def party_group(status: str, democratic: set[str]) -> str:
    if status in ("中共党员", "中共预备党员"):
        return PARTY_ORDER[0]
    if status in democratic:
        return PARTY_ORDER[1]
    return PARTY_ORDER[2]


@dataclass(frozen=True)
class Member:
    cadre_id: int
    unit_id: int | None
    gender: str
    age: int
    education: str
    ethnicity: str  # name, e.g. 汉族
    party: str  # 中共党员 / 民主党派 / 群众及其他
    post_start: dt.date | None
    is_leader: bool
    due: bool = False


def _ordered(counter: Counter, order: Iterable[str]) -> list[tuple[str, int]]:
    order = list(order)
    rows = [(k, counter.get(k, 0)) for k in order]
    rows += sorted(((k, v) for k, v in counter.items() if k not in order), key=lambda kv: -kv[1])
    return rows


def summarize(members: Iterable[Member], on: dt.date, *, vacancies: int = 0, headcount: int = 0) -> dict:
    """Tables of counts (label, n) per dimension plus the headline figures."""
    members = list(members)
    n = len(members)
    eth = Counter(m.ethnicity or "未记录" for m in members)
    return {
        "total": n,
        "leaders": sum(m.is_leader for m in members),
        "women": sum(m.gender == "女" for m in members),
        "under_40": sum(m.age <= 40 for m in members),
        "bachelor_plus": sum(m.education in ("研究生", "大学本科") for m in members),
        "minority": sum(bool(m.ethnicity) and m.ethnicity != "汉族" for m in members),
        "average_age": round(sum(m.age for m in members) / n, 1) if n else 0,
        "due": sum(m.due for m in members),
        "vacancies": vacancies,
        "headcount": headcount,
        "tables": {
            "年龄": _ordered(Counter(age_band(m.age) for m in members), AGE_BANDS),
            "性别": _ordered(Counter(m.gender for m in members), GENDER_ORDER),
            "学历": _ordered(Counter(m.education or "未记录" for m in members), EDUCATION_ORDER),
            "民族": _ordered(eth, ("汉族",)),
            "政治面貌": _ordered(Counter(m.party for m in members), PARTY_ORDER),
            "任现职年限": _ordered(Counter(tenure_band(m.post_start, on) for m in members), TENURE_BANDS),
        },
    }


def compare(before: dict, after: dict) -> list[dict]:
    """Rows (dimension, label, before, after, change) for a plan's before/after view."""
    rows = []
    for key, label in (("total", "人数"), ("leaders", "领导职务"), ("women", "女干部"), ("under_40", "40岁及以下"),
                       ("bachelor_plus", "大学本科以上"), ("average_age", "平均年龄"), ("due", "应交流人数")):
        if not before[key] and not after[key]:
            continue
        rows.append({"dimension": "概况", "label": label, "before": before[key], "after": after[key],
                     "change": round(after[key] - before[key], 1)})
    for dim, table in before["tables"].items():
        after_map = dict(after["tables"][dim])
        labels = [k for k, _ in table] + [k for k, _ in after["tables"][dim] if k not in dict(table)]
        b = dict(table)
        for k in labels:
            if b.get(k, 0) or after_map.get(k, 0):
                rows.append({"dimension": dim, "label": k, "before": b.get(k, 0), "after": after_map.get(k, 0),
                             "change": after_map.get(k, 0) - b.get(k, 0)})
    return rows
