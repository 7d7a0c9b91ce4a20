"""任职回避（亲属）: reading a recorded 称谓 into its avoidance category, and the situations in which kin conflict."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cadre.choices import RANK_GRADE  # plain vocabularies, no ORM

from .facts import RULE_KINSHIP, RULE_NAMES, Finding, PersonFacts
from .relations import relation_from_other_side


SPOUSE, LINEAL, COLLATERAL, IN_LAW = "配偶", "直系血亲", "三代以内旁系血亲", "近姻亲"

# base terms → (kind, generation offset: + older, − younger); kind: S spouse, P parent-line, C child-line,
# SIB sibling, UNC parent's sibling, NEP sibling's child, COU first cousin, and in-law atoms.
_BASE = {
    "配偶": "S", "妻子": "S", "妻": "S", "丈夫": "S", "夫": "S", "爱人": "S", "老伴": "S",
    "父亲": "P1", "母亲": "P1", "父": "P1", "母": "P1", "爸爸": "P1", "妈妈": "P1", "父母": "P1", "继父": "P1", "继母": "P1",
    "养父": "P1", "养母": "P1",
    "祖父": "P2", "祖母": "P2", "爷爷": "P2", "奶奶": "P2", "外祖父": "P2", "外祖母": "P2", "外公": "P2", "外婆": "P2",
    "曾祖父": "P3", "曾祖母": "P3", "外曾祖父": "P3", "外曾祖母": "P3",
    "儿子": "C1", "女儿": "C1", "子": "C1", "女": "C1", "子女": "C1", "长子": "C1", "次子": "C1", "长女": "C1", "次女": "C1",
    "养子": "C1", "养女": "C1", "继子": "C1", "继女": "C1",
    "孙子": "C2", "孙女": "C2", "外孙": "C2", "外孙女": "C2", "外孙子": "C2",
    "曾孙": "C3", "曾孙女": "C3", "曾外孙": "C3", "曾外孙女": "C3",
    "哥哥": "SIB", "弟弟": "SIB", "姐姐": "SIB", "妹妹": "SIB", "兄": "SIB", "弟": "SIB", "姐": "SIB", "妹": "SIB",
    "兄弟": "SIB", "姐妹": "SIB", "兄弟姐妹": "SIB", "胞兄": "SIB", "胞弟": "SIB", "胞姐": "SIB", "胞妹": "SIB",
    "伯父": "UNC", "叔父": "UNC", "叔叔": "UNC", "伯伯": "UNC", "姑母": "UNC", "姑姑": "UNC", "舅父": "UNC", "舅舅": "UNC",
    "姨母": "UNC", "姨妈": "UNC", "阿姨": "UNC",
    "侄子": "NEP", "侄女": "NEP", "外甥": "NEP", "外甥女": "NEP",
    "堂兄": "COU", "堂弟": "COU", "堂姐": "COU", "堂妹": "COU", "堂兄弟": "COU", "堂姐妹": "COU",
    "表兄": "COU", "表弟": "COU", "表姐": "COU", "表妹": "COU", "表兄弟": "COU", "表姐妹": "COU",
    # in-law words that name a composite relation directly
    "岳父": "S.P1", "岳母": "S.P1", "公公": "S.P1", "婆婆": "S.P1",
    "儿媳": "C1.S", "女婿": "C1.S", "儿媳妇": "C1.S",
    "嫂子": "SIB.S", "嫂嫂": "SIB.S", "弟媳": "SIB.S", "弟妹": "SIB.S", "姐夫": "SIB.S", "妹夫": "SIB.S",
    "伯母": "UNC.S", "婶婶": "UNC.S", "婶母": "UNC.S", "姑父": "UNC.S", "舅母": "UNC.S", "舅妈": "UNC.S", "姨父": "UNC.S",
    "侄媳": "NEP.S", "侄女婿": "NEP.S", "外甥媳妇": "NEP.S", "外甥女婿": "NEP.S",
    "内兄": "S.SIB", "内弟": "S.SIB", "妻兄": "S.SIB", "妻弟": "S.SIB", "妻姐": "S.SIB", "妻妹": "S.SIB", "大姨子": "S.SIB",
    "小姨子": "S.SIB", "大伯子": "S.SIB", "小叔子": "S.SIB", "大姑子": "S.SIB", "小姑子": "S.SIB", "大舅子": "S.SIB",
    "小舅子": "S.SIB",
    "连襟": "S.SIB.S", "妯娌": "S.SIB.S",
    "亲家": "C1.S.P1", "亲家公": "C1.S.P1", "亲家母": "C1.S.P1",
}
# ordinal prefixes: 大哥, 二姐, 三叔, 小妹, 大女儿, 二儿子 ...
_PREFIX = re.compile(r"^(大|二|三|四|五|六|小|长|次|幺)")
_EXTRA = {"哥": "SIB", "姐": "SIB", "叔": "UNC", "伯": "UNC", "姑": "UNC", "舅": "UNC", "姨": "UNC", "儿子": "C1", "女儿": "C1"}


def _atom(word: str) -> str | None:
    word = word.strip()
    if word in _BASE:
        return _BASE[word]
    stripped = _PREFIX.sub("", word)
    if stripped != word:
        return _BASE.get(stripped) or _EXTRA.get(stripped)
    return None


@dataclass(frozen=True)
class Kinship:
    category: str  # 配偶 / 直系血亲 / 三代以内旁系血亲 / 近姻亲
    relation: str  # the word as recorded on the owner's record
    owner_id: int | None = None  # whose record says it (None: direction unknown)
    inverse: str = ""  # what the owner is to the relative (relation_from_other_side)

    @property
    def label(self) -> str:
        return f"{self.category}（{self.relation}）"

    def relation_for(self, cadre_id: int) -> str:
        """The relative's 称谓 seen by `cadre_id`: the recorded word on the owner's side, its inverse on the other."""
        if self.owner_id is None or cadre_id == self.owner_id or not self.inverse:
            return self.relation
        return self.inverse

    def label_for(self, cadre_id: int) -> str:
        return f"{self.category}（{self.relation_for(cadre_id)}）"


_BLOOD_COLLATERAL = {"SIB", "UNC", "NEP", "COU"}


def _classify(path: tuple[str, ...]) -> str | None:
    """Category of a composed relation path, or None when outside the avoidance circle."""
    if path == ("S",):
        return SPOUSE
    if len(path) == 1 and path[0][0] in "PC" and path[0][1:].isdigit():
        return LINEAL
    if len(path) == 1 and path[0] in _BLOOD_COLLATERAL:
        return COLLATERAL
    # 近姻亲: 配偶的父母、配偶的兄弟姐妹及其配偶、子女的配偶及子女配偶的父母、三代以内旁系血亲的配偶
    if path in (("S", "P1"), ("S", "SIB"), ("S", "SIB", "S"), ("C1", "S"), ("C1", "S", "P1")):
        return IN_LAW
    if len(path) == 2 and path[0] in _BLOOD_COLLATERAL and path[1] == "S":
        return IN_LAW
    return None


def _simplify(path: list[str]) -> tuple[str, ...]:
    """Fold blood steps: 父亲的父亲 → 祖父 (P2), 父亲的兄弟 → 伯叔 (UNC), 兄弟的儿子 → 侄 (NEP) ..."""
    out: list[str] = []
    for step in path:
        if out:
            last = out[-1]
            if last[0] == "P" and step[0] == "P" and last[1:].isdigit() and step[1:].isdigit():
                out[-1] = f"P{int(last[1:]) + int(step[1:])}"
                continue
            if last[0] == "C" and step[0] == "C" and last[1:].isdigit() and step[1:].isdigit():
                out[-1] = f"C{int(last[1:]) + int(step[1:])}"
                continue
            if last == "P1" and step == "SIB":
                out[-1] = "UNC"
                continue
            if last == "SIB" and step == "C1":
                out[-1] = "NEP"
                continue
            if last == "UNC" and step == "C1":
                out[-1] = "COU"
                continue
            if last == "P2" and step == "C1":  # 祖父母的子女 → 父辈 (own parent or uncle): treat as 伯叔姑舅姨
                out[-1] = "UNC"
                continue
            if last == "S" and step == "S":
                out.pop()
                continue
        out.append(step)
    return tuple(out)


def kinship_of(relation: str) -> Kinship | None:
    """The avoidance category of a recorded 称谓, or None when outside the circle (or not understood).

    Composite words are read step by step on 的: `配偶的兄弟姐妹` → 近姻亲, `父亲的哥哥` → 三代以内旁系血亲,
    `配偶的堂兄弟` → None.
    """
    text = re.sub(r"\s+", "", relation or "")
    if not text:
        return None
    steps: list[str] = []
    for part in text.split("的"):
        atom = _atom(part)
        if atom is None:
            return None
        steps.extend(atom.split("."))
    category = _classify(_simplify(steps))
    return Kinship(category, text) if category else None


@dataclass(frozen=True)
class KinLink:
    """A family record linking two cadres in the roster."""

    cadre_id: int  # the record that lists the family member
    relative_id: int
    relation: str  # as written on `cadre_id`'s record
    cadre_gender: str = ""  # of the record's owner: words the relation from the relative's side


def kin_pairs(links: Iterable[KinLink]) -> dict[frozenset, Kinship]:
    """Unordered pairs of cadres within the avoidance circle, with the relation as recorded (first found) and its
    direction, so that each side's finding names the other as that side calls them."""
    out: dict[frozenset, Kinship] = {}
    for link in links:
        if link.cadre_id == link.relative_id:
            continue
        kin = kinship_of(link.relation)
        if kin is None:
            continue
        directed = Kinship(kin.category, kin.relation, link.cadre_id, relation_from_other_side(kin.relation, link.cadre_gender))
        out.setdefault(frozenset((link.cadre_id, link.relative_id)), directed)
    return out


def kinship_situations(a: PersonFacts, b: PersonFacts) -> list[tuple[str, str]]:
    """Situations (code, Chinese text) in which kin `a` and `b` conflict where they serve now."""
    if a.unit_id is None or a.unit_id != b.unit_id:
        return []
    out: list[tuple[str, str]] = []
    ga, gb = RANK_GRADE.get(a.post_level, 0), RANK_GRADE.get(b.post_level, 0)
    if (a.is_leader and (a.is_head and not b.is_head or ga > gb)) or (b.is_leader and (b.is_head and not a.is_head or gb > ga)):
        out.append(("a", "同一单位直接上下级"))
    if a.is_leader and b.is_leader:
        out.append(("b", "同在单位领导班子"))
    for x, y in ((a, b), (b, a)):
        if y.is_leader and x.does_sensitive_work and not x.is_leader:
            out.append(("c", f"{x.name}在{y.name}任职的单位从事组织、人事、纪检、监察、审计、财务工作"))
            break
    return out


def kinship_findings(people: Mapping[int, PersonFacts], pairs: Mapping[frozenset, Kinship]) -> list[Finding]:
    out = []
    for pair, kin in pairs.items():
        ids = sorted(pair)
        if ids[0] not in people or ids[1] not in people:
            continue
        a, b = people[ids[0]], people[ids[1]]
        situations = kinship_situations(a, b)
        if not situations:
            continue
        text = "；".join(s for _c, s in situations)
        for me, other in ((a, b), (b, a)):
            out.append(
                Finding(
                    RULE_KINSHIP,
                    RULE_NAMES[RULE_KINSHIP],
                    me.cadre_id,
                    f"与{other.name}（{other.job}）系{kin.label_for(me.cadre_id)}，{text}（任职回避）",
                    {"relative": other.cadre_id, "relation": kin.relation_for(me.cadre_id), "category": kin.category,
                     "situations": [c for c, _s in situations]},
                    related_cadre_id=other.cadre_id,
                )
            )
    return out


def kin_conflicts_with(
    p: PersonFacts, others: Iterable[PersonFacts], pairs: Mapping[frozenset, Kinship]
) -> list[str]:
    """Reasons `p` (as placed) conflicts with any kin among `others` (as placed)."""
    out = []
    for o in others:
        if o.cadre_id == p.cadre_id:
            continue
        kin = pairs.get(frozenset((p.cadre_id, o.cadre_id)))
        if kin is None:
            continue
        situations = kinship_situations(p, o)
        if situations:
            out.append(f"与{o.name}（{o.job}）系{kin.label_for(p.cadre_id)}，{'；'.join(s for _c, s in situations)}")
    return out
