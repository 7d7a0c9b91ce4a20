"""简历 (JianLi) text → entries with start, end and text, from the variants real files carry. Pure functions.

A line that starts with a date opens an entry: `2008.07--2012.05  text`, with `--`, `-`, `—`, `～`, `~`, `至` or
`到` between the dates, dates written 2008.07, 2008.7, 200807, 2008-07, 2008/07 or 2008年7月 (full-width digits
too), and an open end (nothing, spaces or `至今`). Any other non-blank line continues the entry above: an
indented continuation or a parenthesised study line (`（2009.09--2012.07在省委党校在职研究生班学习）`). Lines
before the first entry cannot be placed; they come back as problems with their text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .values import narrow

_D = r"\d{4}\s*(?:[.\-/年]\s*\d{1,2}\s*月?|\d{2})"
_SEP = r"(?:-{1,3}|—{1,3}|–{1,2}|~{1,2}|至|到)"
ENTRY = re.compile(
    rf"^\s*(?P<start>{_D})\s*(?:(?P<now>至今|至\s*今)|{_SEP}\s*(?:(?P<end>{_D})|(?P<open>至今|今))?)?"
    r"(?P<rest>(?:\s|[^\d.\-/年月]).*)?$"
)
_MONTH = re.compile(r"^(\d{4})\s*(?:[.\-/年]\s*(\d{1,2})\s*月?|(\d{2}))$")


@dataclass
class Entry:
    start: dt.date
    end: dt.date | None
    text: str
    line: int  # 1-based line number of the line that opened the entry


def _month(text: str) -> dt.date:
    match = _MONTH.match(text.replace(" ", ""))
    year, month = int(match[1]), int(match[2] or match[3])
    return dt.date(year, month, 1)  # ValueError on month 13


def read_resume(value: str) -> tuple[list[Entry], list[tuple[int, str, str]]]:
    """→ (entries, problems as (line number, line, message)). Entries keep the file's order."""
    entries: list[Entry] = []
    problems: list[tuple[int, str, str]] = []
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip(" \t\u3000\u00a0"):
            continue
        match = ENTRY.match(narrow(line))
        if match:
            try:
                start = _month(match["start"])
                end = _month(match["end"]) if match["end"] else None
            except ValueError:
                problems.append((number, line.strip(), "简历行中的年月无效"))
                continue
            if end is not None and end < start:
                problems.append((number, line.strip(), "简历行的终止年月早于起始年月"))
                continue
            text = line[match.start("rest"):].strip(" \t\u3000\u00a0") if match["rest"] else ""
            entries.append(Entry(start=start, end=end, text=text, line=number))
            continue
        piece = line.strip(" \t\u3000\u00a0")
        if not entries:
            problems.append((number, piece, "简历行不以起止年月开头，且前面没有可归属的简历条目"))
            continue
        entries[-1].text += piece
    for entry in entries:
        if not entry.text:
            problems.append((entry.line, f"{entry.start:%Y.%m}", "简历条目没有内容"))
    return [e for e in entries if e.text], problems
