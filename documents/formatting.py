"""Pure helpers for how 公文 write numbers and dates."""
from __future__ import annotations

import datetime as dt


def cn_date(value: dt.date | None) -> str:
    """成文日期: `2026年11月23日` (年份全称，月、日不编虚位)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def doc_number(prefix: str, year: int, seq: int) -> str:
    """发文字号: `开组〔2026〕12号` (六角括号, 序号不编虚位)."""
    if seq < 1:
        raise ValueError("发文序号应为正整数")
    return f"{prefix}〔{year}〕{seq}号"


def month_dot(value: dt.date | None) -> str:
    """`1985.06` as 任免审批表 and 公示 write 出生年月."""
    if value is None:
        return ""
    return f"{value.year}.{value.month:02d}"


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
