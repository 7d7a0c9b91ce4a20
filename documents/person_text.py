"""The text blocks of a 任免审批表 / LRMX file built from a cadre's rows, and their parsers. Pure functions.

The same wording is printed on the PDF and written into the LRMX elements (JianLi, JiangChengQingKuang,
NianDuKaoHeJieGuo, RuDangShiJian), and the parsers read it back, so an export imports to the same rows.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

NONE_TEXT = "无"


# --- 简历 (JianLi) ---------------------------------------------------------------------------------------------
RESUME_LINE = re.compile(
    r"^\s*(?P<sy>\d{4})\.(?P<sm>\d{1,2})\s*(?:--|—+|－－|~|～|至)\s*"
    r"(?:(?P<ey>\d{4})\.(?P<em>\d{1,2})|至今)?\s+(?P<text>\S.*?)\s*$"
)


@dataclass
class ResumeLine:
    start: dt.date
    end: dt.date | None
    text: str


def parse_resume_line(line: str) -> ResumeLine:
    match = RESUME_LINE.match(line)
    if not match:
        raise ValueError("简历行应为“2008.07--2012.05  单位及职务”的格式")
    try:
        start = dt.date(int(match["sy"]), int(match["sm"]), 1)
        end = dt.date(int(match["ey"]), int(match["em"]), 1) if match["ey"] else None
    except ValueError:
        raise ValueError("简历行中的年月无效") from None
    if end and end < start:
        raise ValueError("简历行的终止年月早于起始年月")
    return ResumeLine(start=start, end=end, text=match["text"])


def resume_text(rows) -> str:
    """Newline-separated ``PostHistory.resume_line`` of the rows, in date order."""
    return "\n".join(row.resume_line for row in rows)


# --- 入党时间 (RuDangShiJian) ------------------------------------------------------------------------------------
def compact_date(value: dt.date | None) -> str:
    """yyyyMM for a date on the 1st (year-month precision), yyyyMMdd otherwise."""
    if value is None:
        return ""
    return f"{value:%Y%m}" if value.day == 1 else f"{value:%Y%m%d}"


def party_text(political_status: str, party_join_date: dt.date | None) -> str:
    """`200506` for a 中共党员; other statuses follow the date or stand alone (`201001民盟盟员`, `群众`)."""
    date = compact_date(party_join_date)
    if political_status == "中共党员" and date:
        return date
    return f"{date}{political_status}"


def parse_party_text(value: str) -> tuple[str, str]:
    """→ (date digits, status text); status '' means 中共党员 when a date is present."""
    match = re.match(r"^\s*(\d{6}|\d{8})?\s*(.*?)\s*$", value or "")
    return (match.group(1) or ""), match.group(2)


# --- 年度考核结果 (NianDuKaoHeJieGuo) -----------------------------------------------------------------------------
ASSESSMENT_ITEM = re.compile(
    r"(?P<year>\d{4})\s*年度?(?:考核)?(?:结果)?(?:为|：|:)?\s*(?P<grade>基本称职|不称职|称职|优秀|未定等次|基本合格|不合格|合格)"
    r"(?:（(?P<reason>[^）]*)）)?"
)


def assessments_text(rows) -> str:
    parts = []
    for row in rows:
        reason = f"（{row.reason}）" if row.reason else ""
        parts.append(f"{row.year}年度考核{'' if row.grade == '未定等次' else '为'}{row.grade}{reason}")
    return ("；".join(parts) + "。") if parts else ""


def parse_assessments_text(value: str) -> list[tuple[int, str, str]]:
    text = (value or "").strip()
    if not text or text == NONE_TEXT:
        return []
    items = [(int(m["year"]), m["grade"], m["reason"] or "") for m in ASSESSMENT_ITEM.finditer(text)]
    if not items:
        raise ValueError("无法识别年度考核结果，应写作“2025年度考核为称职；2024年度考核为优秀。”")
    return items


# --- 奖惩情况 (JiangChengQingKuang) --------------------------------------------------------------------------------
REWARD_LINE = re.compile(
    r"^(?P<date>\d{4}\.\d{2}(?:\.\d{2})?)\s+(?P<kind>奖励|党纪处分|政务处分|组织处理)：(?P<name>[^；]+)"
    r"(?:；事由：(?P<reason>[^；]*))?(?:；决定机关：(?P<issuer>[^；]*))?"
    r"(?:；影响期：(?P<es>\d{4}\.\d{2}(?:\.\d{2})?)?--(?P<ee>\d{4}\.\d{2}(?:\.\d{2})?)?)?$"
)


def dot_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value:%Y.%m}" if value.day == 1 else f"{value:%Y.%m.%d}"


def parse_dot_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split(".")]
    return dt.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


def reward_line(row) -> str:
    line = f"{dot_date(row.decided_on)}  {row.kind}：{row.name}"
    if row.reason:
        line += f"；事由：{row.reason}"
    if row.issuer:
        line += f"；决定机关：{row.issuer}"
    if row.effect_start or row.effect_end:
        line += f"；影响期：{dot_date(row.effect_start)}--{dot_date(row.effect_end)}"
    return line


def rewards_text(rows) -> str:
    lines = [reward_line(r) for r in rows]
    return "\n".join(lines) if lines else NONE_TEXT


def parse_reward_line(line: str) -> dict:
    match = REWARD_LINE.match(line.strip())
    if not match:
        raise ValueError("奖惩情况每行应为“2019.12  奖励：记三等功；事由：……”的格式")
    try:
        return {
            "decided_on": parse_dot_date(match["date"]),
            "kind": match["kind"],
            "name": match["name"].strip(),
            "reason": (match["reason"] or "").strip(),
            "issuer": (match["issuer"] or "").strip(),
            "effect_start": parse_dot_date(match["es"]),
            "effect_end": parse_dot_date(match["ee"]),
        }
    except ValueError:
        raise ValueError("奖惩情况中的日期无效") from None
