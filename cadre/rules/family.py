"""Matching a family member (家庭成员) to a roster record: pure scoring, no I/O.

- A 身份证号 on the family row decides alone: the record with that number is linked; none → no match.
- Otherwise name + birth month (年月): one candidate whose unit text agrees with the family row's
  工作单位及职务 is linked; one candidate without that support, or several candidates, are proposed to staff.
- The owner of the family row is never its own relative. A row without a birth date is not matched by name.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

EXACT, PROPOSAL = "exact", "proposal"

_SPACE = re.compile(r"[\s\u3000]+")
# generic tails of unit names that say nothing on their own (局, 委员会 …): a unit is supported by its
# distinctive part when the full name is not written out
_UNIT_TAILS = ("人民政府", "委员会", "办公室", "管理局", "街道办事处", "街道", "局", "委", "办", "中心", "镇", "乡")


def normalize_name(value: str) -> str:
    """A person's name without any spaces (half- or full-width)."""
    return _SPACE.sub("", value or "")


def normalize_id(value: str) -> str:
    return _SPACE.sub("", value or "").upper()


@dataclass(frozen=True)
class RelativeFacts:
    """A family row as recorded on someone's record."""

    member_id: int
    owner_id: int
    name: str
    birth_date: dt.date | None
    id_number: str = ""
    work_text: str = ""  # 工作单位及职务


@dataclass(frozen=True)
class RosterFacts:
    """A roster record that a family row may be."""

    cadre_id: int
    name: str
    birth_date: dt.date | None
    id_number: str
    unit_name: str = ""
    unit_short_name: str = ""
    position_title: str = ""


@dataclass(frozen=True)
class Match:
    member_id: int
    cadre_id: int
    kind: str  # EXACT (link now) or PROPOSAL (ask staff)
    basis: str  # Chinese: why


def _core(name: str) -> str:
    for tail in _UNIT_TAILS:
        if name.endswith(tail) and len(name) - len(tail) >= 2:
            return name[: -len(tail)]
    return name


def unit_supports(work_text: str, person: RosterFacts) -> bool:
    """Whether the family row's 工作单位及职务 text names the record's unit (full, short or distinctive part)."""
    text = normalize_name(work_text)
    if not text:
        return False
    for name in (person.unit_name, person.unit_short_name):
        name = normalize_name(name)
        if len(name) >= 2 and (name in text or _core(name) in text):
            return True
    return False


def name_month_key(name: str, birth: dt.date | None) -> tuple[str, int, int] | None:
    if not birth or not normalize_name(name):
        return None
    return normalize_name(name), birth.year, birth.month


def index_roster(people: Iterable[RosterFacts]) -> tuple[dict[str, RosterFacts], dict[tuple, list[RosterFacts]]]:
    """Look-ups by 身份证号 and by (name, year, month)."""
    by_id: dict[str, RosterFacts] = {}
    by_name: dict[tuple, list[RosterFacts]] = {}
    for p in people:
        if p.id_number:
            by_id[normalize_id(p.id_number)] = p
        key = name_month_key(p.name, p.birth_date)
        if key:
            by_name.setdefault(key, []).append(p)
    return by_id, by_name


def match_relative(
    rel: RelativeFacts, by_id: Mapping[str, RosterFacts], by_name: Mapping[tuple, list[RosterFacts]]
) -> list[Match]:
    """[] (no match), [one EXACT match], or one PROPOSAL per plausible record."""
    if normalize_id(rel.id_number):
        p = by_id.get(normalize_id(rel.id_number))
        if p is None or p.cadre_id == rel.owner_id:
            return []
        return [Match(rel.member_id, p.cadre_id, EXACT, "身份证号一致")]
    key = name_month_key(rel.name, rel.birth_date)
    if key is None:
        return []
    candidates = sorted((p for p in by_name.get(key, ()) if p.cadre_id != rel.owner_id), key=lambda p: p.cadre_id)
    if not candidates:
        return []
    supported = [unit_supports(rel.work_text, p) for p in candidates]
    if len(candidates) == 1 and supported[0]:
        return [Match(rel.member_id, candidates[0].cadre_id, EXACT, "姓名、出生年月一致，工作单位相符")]
    several = f"；同名同出生年月共{len(candidates)}人" if len(candidates) > 1 else ""
    return [
        Match(
            rel.member_id, p.cadre_id, PROPOSAL,
            ("姓名、出生年月一致，工作单位相符" if ok else "姓名、出生年月一致，工作单位未能印证") + several,
        )
        for p, ok in zip(candidates, supported)
    ]
