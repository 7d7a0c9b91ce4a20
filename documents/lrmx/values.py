"""Readers for the LRMX values real files carry (dates, 入党时间, 学历, 年度考核结果). Pure functions, no ORM.

Each reader raises ``ValueError`` with a Chinese message when the value cannot be read; the caller keeps the raw
text and reports a warning. The forms accepted are listed in docs/decisions.md ("LRMX import (issue #15)").
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from cadre.choices import ASSESSMENT_ALIASES, AssessmentGrade, PoliticalStatus
from cadre.roster import formats as rf

_WIDE = str.maketrans({
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
    "．": ".", "。": ".", "－": "-", "／": "/", "～": "~", "\u3000": " ", "：": ":", "，": ",", "、": ",",
})


def narrow(value: str) -> str:
    """Full-width digits and punctuation that dates use → ASCII, character for character (same length)."""
    return (value or "").translate(_WIDE)


# --- dates ----------------------------------------------------------------------------------------------------
_DATE = re.compile(
    r"^(?P<y>\d{4})\s*(?:(?:[.\-/年]\s*(?P<m>\d{1,2})\s*(?:月份?)?(?:\s*[.\-/]?\s*(?P<d>\d{1,2})\s*日?)?)"
    r"|(?P<m6>\d{2})(?P<d8>\d{2})?)?\s*\.?$"
)
DATE_HINT = "应为1999.06、199906、1999-06、1999年6月、1999.6或19990601等格式"


def read_date(value: str) -> dt.date | None:
    """Any date form of the files → a date (the 1st when only year and month are given). Blank → None."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", narrow(value or "")))
    if not text:
        return None
    match = _DATE.match(text)
    if not match or not (match["m"] or match["m6"]):
        raise ValueError(f"无法识别的日期「{value.strip()}」，{DATE_HINT}")
    year = int(match["y"])
    month = int(match["m"] or match["m6"])
    day = int(match["d"] or match["d8"] or 1)
    if not 1900 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError(f"日期「{value.strip()}」的年份或月份超出范围")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期「{value.strip()}」不存在") from None


# a date at the start of a longer text (入党时间 `1999.06中共党员`, `1999年6月入党`)
_LEADING_DATE = re.compile(r"^\s*(\d{4}\s*(?:[.\-/年]\s*\d{1,2}\s*(?:月份?)?(?:\s*[.\-/]?\s*\d{1,2}\s*日?)?|\d{2}(?:\d{2})?))")


# --- 入党时间 ---------------------------------------------------------------------------------------------------
_PARTY_WORDS = re.compile(r"^[\s,;；.。()（）]*(?:加入|入党|参加)?[\s,;；.。()（）]*|[\s,;；.。()（）]*(?:入党|加入|转正)?[\s,;；.。()（）]*$")
_POLITICAL = set(PoliticalStatus.values)


def read_party(value: str) -> tuple[dt.date | None, str]:
    """入党时间 → (join date, political status). A date alone means 中共党员 with that join date; a status name
    alone (群众, 民盟盟员 …) has no date; `201001民盟盟员` is both. Blank or 无 → (None, '')."""
    raw = narrow(value or "").strip()
    if not raw or raw in ("无", "/", "-"):
        return None, ""
    lead = _LEADING_DATE.match(raw)
    date = None
    rest = raw
    if lead and lead.group(1):
        date = read_date(lead.group(1))
        rest = raw[lead.end():]
    status_text = _PARTY_WORDS.sub("", rest).strip()
    if not status_text:
        if date is None:
            raise ValueError(f"无法识别的入党时间「{value.strip()}」，应为日期（例如1999.06）或政治面貌")
        return date, "中共党员"
    try:
        status = rf.parse_political_status(status_text)
    except rf.ValueProblem as exc:
        raise ValueError(str(exc)) from None
    return date, status


# --- 学历 ---------------------------------------------------------------------------------------------------------
_LEVEL_WORDS = [
    ("研究生", ("研究生", "博士", "硕士")),
    ("大学专科", ("大学专科", "专科", "大专")),
    ("大学本科", ("大学本科", "本科", "大学")),
    ("中专", ("中专", "中等专科", "中等专业", "中技", "技校", "技工学校")),
    ("高中及以下", ("高中", "职高", "初中", "小学")),
]


def read_education(value: str) -> tuple[str, bool]:
    """学历 text → (level, 党校 flag): `省委党校研究生` → (研究生, True), `本科` → (大学本科, False)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
    if not text or text in ("无", "/"):
        return "", False
    party_school = "党校" in text
    core = text.split("党校", 1)[1] if party_school else text
    for level, words in _LEVEL_WORDS:
        if any(word in core for word in words):
            return level, party_school
    raise ValueError(f"无法识别的学历「{value.strip()}」，应为研究生、大学本科、大学专科、中专、高中或党校学历等")


def education_text(level: str, party_school: bool, written: str) -> str:
    """The 学历 text to export: the text as the file wrote it while it still reads as the stored level."""
    if written:
        try:
            if read_education(written) == (level, party_school):
                return written
        except ValueError:
            pass
    return f"党校{level}" if party_school and level else level


# --- 年度考核结果 -----------------------------------------------------------------------------------------------
_GRADES = sorted(set(AssessmentGrade.values) | set(ASSESSMENT_ALIASES), key=len, reverse=True)
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_YEAR = r"(?:19|20)\d{2}"
_TOKEN = re.compile(
    rf"(?P<paren>[(（][^)）]*[)）])"
    rf"|(?P<range>{_YEAR})\s*年?度?\s*(?:-+|—+|~|至|到)\s*(?P<range_end>{_YEAR})\s*年?度?"
    rf"|(?P<years>{_YEAR}(?:\s*年?度?\s*(?:,|;|和|及|与|/)\s*{_YEAR})*)\s*年?度?"
    rf"|(?:连续|近)\s*(?P<n>\d{{1,2}}|[一二两三四五六七八九十])\s*个?年度?"
    rf"|(?P<grade>{'|'.join(_GRADES)})"
)


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _CN[text]


def read_assessments(value: str, *, last_year: int | None = None) -> tuple[list[tuple[int, str, str]], list[str]]:
    """年度考核结果 free text → ([(year, grade, reason)], problems). ``last_year`` is the year `连续N年` ends on
    (the year before the file was filled in). A parenthesis right after a grade is that grade's reason."""
    text = narrow(value or "").replace("；", ";").strip()
    if not text or text in ("无", "/"):
        return [], []
    results: dict[int, tuple[str, str]] = {}
    problems: list[str] = []
    pending: list[int] = []
    last_assigned: list[int] = []
    previous, previous_end = "", 0
    for match in _TOKEN.finditer(text):
        kind = "range" if match["range"] else match.lastgroup
        if kind == "paren":
            inner = match.group(0)[1:-1].strip()
            if re.search(rf"{_YEAR}|{'|'.join(_GRADES)}", inner):
                problems.append(f"括号中的「{inner}」未读取")
            elif previous == "grade" and not text[previous_end:match.start()].strip():
                reason = inner
                for year in last_assigned:
                    results[year] = (results[year][0], reason[:200])
            continue
        if kind == "range":
            start, end = int(match["range"]), int(match["range_end"])
            if end < start or end - start > 50:
                problems.append(f"年度范围「{match.group(0)}」无效")
            else:
                pending = list(range(start, end + 1))
        elif kind == "years":
            pending = [int(y) for y in re.findall(_YEAR, match["years"])]
        elif kind == "n":
            if pending:
                pass  # `2021-2023年连续三年称职`: the years are already given
            elif last_year is None:
                problems.append(f"「{match.group(0)}」没有指明年度，且文件没有填表时间")
            else:
                n = _count(match["n"])
                pending = list(range(last_year - n + 1, last_year + 1))
        else:
            grade = rf.parse_assessment(match["grade"])
            if not pending:
                problems.append(f"考核结果「{match['grade']}」没有对应的年度")
            for year in pending:
                if year in results and results[year][0] != grade:
                    problems.append(f"{year}年度有两个不同的考核结果，取第一个")
                    continue
                results.setdefault(year, (grade, ""))
            last_assigned, pending = [y for y in pending if results[y][0] == grade], []
        previous, previous_end = kind, match.end()
    if pending:
        problems.append(f"{'、'.join(map(str, pending))}年度没有考核结果")
    if not results and not problems:
        problems.append("无法识别年度考核结果，应写作“2025年度考核为称职；2024年度考核为优秀”等")
    return [(year, grade, reason) for year, (grade, reason) in sorted(results.items())], problems
