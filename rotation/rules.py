"""轮岗交流 rules as pure functions: no ORM, no I/O, no clock.

Selectors load plain facts (`PersonFacts`, `KinLink`) for the whole roster in a few queries; these functions
decide who must rotate and why, and whether a move would create an avoidance conflict. Every finding carries a
rule code, the facts it rests on and a Chinese reason a clerk can paste into a report.

Assumptions (docs/decisions.md, rotation section):
- Tenure is whole years: N years are reached on the same month-day N years later; dates given as year-month are
  stored as the 1st and so count from the 1st.
- 正职 = a 正科级 领导职务 post whose title does not start with 副 (局长, 主任, 镇长, 书记 ...).
- Key post = `Post.is_key_post`, or a 正职 post in a key unit (`OrgUnit.is_key_unit`: 纪检监察, 组织, 人事, 公安,
  财政, 审计, 法院, 检察院).
- Exemptions (< 2 years in post; within 2 years of retirement age) lift every must-rotate finding, avoidance
  included, unless the policy says avoidance is never exempt; an exempted finding is still listed (暂缓) with why.
- Retirement age defaults to 60 (男) / 55 (女) for these cadres; both are policy numbers.
- Kinship follows 《公务员回避规定》: 夫妻关系、直系血亲、三代以内旁系血亲、近姻亲 (配偶的父母、配偶的兄弟姐妹及其配偶、
  子女的配偶及子女配偶的父母、三代以内旁系血亲的配偶).
- "Direct superior–subordinate" in one unit: our records carry no reporting lines, so a leadership post holder is
  treated as the direct superior of everyone in the same unit at a lower grade (正职 over everyone else).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from cadre.choices import RANK_GRADE  # plain vocabularies, no ORM

# ---------------------------------------------------------------- dates


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


# ---------------------------------------------------------------- policy and facts


@dataclass(frozen=True)
class Policy:
    """The numbers of the must-rotate rules (RotationPolicy rows carry them; these are the defaults)."""

    same_post_years: int = 10
    key_post_years: int = 5
    min_years_in_post: int = 2
    retirement_age_male: int = 60
    retirement_age_female: int = 55
    near_retirement_years: int = 2
    no_return_years: int = 5
    min_scope_ratio: float = 0.30
    local_avoidance: bool = True
    kinship_avoidance: bool = True
    exempt_avoidance: bool = True


SENSITIVE_WORDS = ("组织", "人事", "纪检", "监察", "审计", "财务", "会计")
SENSITIVE_AREAS = {"纪检监察", "组织", "人事", "审计"}


@dataclass(frozen=True)
class PersonFacts:
    cadre_id: int
    name: str
    gender: str
    birth_date: dt.date
    unit_id: int | None
    unit_name: str
    post_id: int | None
    post_title: str  # title within the unit (局长)
    post_level: str  # 正科级 / 副科级 / a 职级
    post_kind: str  # 领导职务 / 职级
    position_start: dt.date | None
    is_key_post: bool = False
    needs_local_avoidance: bool = False
    unit_is_key: bool = False
    unit_key_area: str = ""
    unit_locality: str = ""
    grew_up_place: str = ""
    native_place: str = ""

    @property
    def is_leader(self) -> bool:
        return self.post_kind == "领导职务" and self.post_level in ("正科级", "副科级")

    @property
    def is_head(self) -> bool:
        return self.is_leader and self.post_level == "正科级" and not self.post_title.startswith("副")

    @property
    def is_key(self) -> bool:
        return self.is_key_post or (self.unit_is_key and self.is_head)

    @property
    def does_sensitive_work(self) -> bool:
        """组织/人事/纪检/监察/审计/财务 work: by the post title, or any post of such a key unit."""
        return any(w in self.post_title for w in SENSITIVE_WORDS) or self.unit_key_area in SENSITIVE_AREAS

    @property
    def job(self) -> str:
        return f"{self.unit_name}{self.post_title}"


@dataclass(frozen=True)
class Finding:
    rule: str
    rule_name: str
    cadre_id: int
    reason: str
    facts: dict = field(default_factory=dict)
    exempt_reason: str = ""
    related_cadre_id: int | None = None

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reason)


RULE_SAME_POST = "same_post"
RULE_KEY_POST = "key_post"
RULE_LOCAL = "local"
RULE_KINSHIP = "kinship"
RULE_NAMES = {
    RULE_SAME_POST: "同一职位任职年限",
    RULE_KEY_POST: "重要岗位任职满一届",
    RULE_LOCAL: "地域回避",
    RULE_KINSHIP: "任职回避（亲属）",
}
RULE_KIND = {RULE_SAME_POST: "任职期满交流", RULE_KEY_POST: "任职期满交流", RULE_LOCAL: "回避流", RULE_KINSHIP: "回避流"}


# ---------------------------------------------------------------- tenure rules


def rule_same_post(p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding | None:
    if p.position_start is None or not p.post_title:
        return None
    years = whole_years(p.position_start, as_of)
    if years < policy.same_post_years:
        return None
    return Finding(
        RULE_SAME_POST,
        RULE_NAMES[RULE_SAME_POST],
        p.cadre_id,
        f"任{p.job} {fmt_month(p.position_start)} 起已满 {policy.same_post_years} 年"
        f"（同一职位任职满{policy.same_post_years}年，实际{years}年）",
        {"start": p.position_start.isoformat(), "years": years, "limit": policy.same_post_years},
    )


def rule_key_post(p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding | None:
    if p.position_start is None or not p.is_key or not p.is_head:
        return None
    years = whole_years(p.position_start, as_of)
    if years < policy.key_post_years:
        return None
    return Finding(
        RULE_KEY_POST,
        RULE_NAMES[RULE_KEY_POST],
        p.cadre_id,
        f"任{p.job} {fmt_month(p.position_start)} 起已满 {policy.key_post_years} 年（重要岗位满一届）",
        {"start": p.position_start.isoformat(), "years": years, "limit": policy.key_post_years},
    )


def _norm_place(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def place_matches(place: str, locality: str) -> bool:
    """`浙江省湖州市东林镇` matches the locality `东林镇` (either contains the other, at least two characters)."""
    a, b = _norm_place(place), _norm_place(locality)
    if len(a) < 2 or len(b) < 2:
        return False
    return a in b or b in a


def local_conflicts(p: PersonFacts, *, unit_locality: str | None = None) -> list[tuple[str, str]]:
    """[(label, place)] of 成长地/籍贯 that match the unit's locality (the current one, or `unit_locality`)."""
    locality = p.unit_locality if unit_locality is None else unit_locality
    out = []
    for label, place in (("成长地", p.grew_up_place), ("籍贯", p.native_place)):
        if place_matches(place, locality):
            out.append((label, place))
    return out


def needs_local_avoidance(*, is_key: bool, is_head: bool, post_flag: bool) -> bool:
    return post_flag or (is_key and is_head)


def rule_local(p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding | None:
    if not policy.local_avoidance or not p.unit_locality:
        return None
    if not needs_local_avoidance(is_key=p.is_key, is_head=p.is_head, post_flag=p.needs_local_avoidance):
        return None
    hits = local_conflicts(p)
    if not hits:
        return None
    what = "、".join(f"{label}“{place}”" for label, place in hits)
    return Finding(
        RULE_LOCAL,
        RULE_NAMES[RULE_LOCAL],
        p.cadre_id,
        f"{what}与任职单位{p.unit_name}所在地“{p.unit_locality}”相同（{p.post_title}须地域回避）",
        {"places": dict(hits), "locality": p.unit_locality},
    )


# ---------------------------------------------------------------- kinship

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
    relation: str  # the word as recorded

    @property
    def label(self) -> str:
        return f"{self.category}（{self.relation}）"


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

    cadre_id: int
    relative_id: int
    relation: str


def kin_pairs(links: Iterable[KinLink]) -> dict[frozenset, Kinship]:
    """Unordered pairs of cadres within the avoidance circle, with the relation as recorded (first found)."""
    out: dict[frozenset, Kinship] = {}
    for link in links:
        if link.cadre_id == link.relative_id:
            continue
        kin = kinship_of(link.relation)
        if kin is None:
            continue
        out.setdefault(frozenset((link.cadre_id, link.relative_id)), kin)
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
                    f"与{other.name}（{other.job}）系{kin.label}，{text}（任职回避）",
                    {"relative": other.cadre_id, "relation": kin.relation, "category": kin.category,
                     "situations": [c for c, _s in situations]},
                    related_cadre_id=other.cadre_id,
                )
            )
    return out


# ---------------------------------------------------------------- exemptions and the roster scan


def retirement_age(p: PersonFacts, policy: Policy) -> int:
    return policy.retirement_age_female if p.gender == "女" else policy.retirement_age_male


def exemption(p: PersonFacts, policy: Policy, as_of: dt.date) -> str:
    """'' when not exempt; otherwise why the person is not due (both exemptions are inclusive at the boundary)."""
    if p.position_start is not None and as_of < add_years(p.position_start, policy.min_years_in_post):
        return f"任现职 {fmt_month(p.position_start)} 起不满 {policy.min_years_in_post} 年"
    age = retirement_age(p, policy)
    retire_on = add_years(p.birth_date, age)
    if as_of >= add_years(p.birth_date, age - policy.near_retirement_years):
        return f"{p.birth_date.year}.{p.birth_date.month:02d} 出生，距 {age} 岁退休年龄（{retire_on:%Y.%m.%d}）不足 {policy.near_retirement_years} 年"
    return ""


def _with_exemption(f: Finding, p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding:
    if f.rule in (RULE_LOCAL, RULE_KINSHIP) and not policy.exempt_avoidance:
        return f
    why = exemption(p, policy, as_of)
    if not why:
        return f
    return Finding(f.rule, f.rule_name, f.cadre_id, f.reason, f.facts, why, f.related_cadre_id)


def must_rotate(
    people: Mapping[int, PersonFacts], links: Iterable[KinLink], policy: Policy, as_of: dt.date
) -> dict[int, list[Finding]]:
    """Every finding for the roster, keyed by cadre id (exempted findings included, flagged)."""
    out: dict[int, list[Finding]] = defaultdict(list)
    for p in people.values():
        for rule in (rule_same_post, rule_key_post, rule_local):
            f = rule(p, policy, as_of)
            if f:
                out[p.cadre_id].append(_with_exemption(f, p, policy, as_of))
    if policy.kinship_avoidance:
        for f in kinship_findings(people, kin_pairs(links)):
            out[f.cadre_id].append(_with_exemption(f, people[f.cadre_id], policy, as_of))
    return dict(out)


def is_due(findings: Iterable[Finding]) -> bool:
    return any(not f.exempt for f in findings)


# ---------------------------------------------------------------- moves and plans


@dataclass(frozen=True)
class PostFacts:
    post_id: int
    unit_id: int
    unit_name: str
    title: str
    level: str
    kind: str
    headcount: int
    holders: int = 0
    is_key_post: bool = False
    needs_local_avoidance: bool = False
    unit_is_key: bool = False
    unit_key_area: str = ""
    unit_locality: str = ""
    unit_kind: str = ""

    @property
    def job(self) -> str:
        return f"{self.unit_name}{self.title}"


def person_at(p: PersonFacts, post: PostFacts, start: dt.date) -> PersonFacts:
    """The person as they would be after taking `post` on `start`."""
    return replace(
        p,
        unit_id=post.unit_id,
        unit_name=post.unit_name,
        post_id=post.post_id,
        post_title=post.title,
        post_level=post.level,
        post_kind=post.kind,
        position_start=start,
        is_key_post=post.is_key_post,
        needs_local_avoidance=post.needs_local_avoidance,
        unit_is_key=post.unit_is_key,
        unit_key_area=post.unit_key_area,
        unit_locality=post.unit_locality,
    )


def move_type(from_level: str, to_level: str) -> str:
    """平级 / 提拔 / 降职 by the grade of the levels (RANK_GRADE; 正职 counts above 副职 at the same grade)."""
    a, b = RANK_GRADE.get(from_level, 0), RANK_GRADE.get(to_level, 0)
    if b > a:
        return "提拔"
    if b < a:
        return "降职"
    return "平级"


def local_conflict_at(p: PersonFacts, post: PostFacts, policy: Policy) -> str:
    """'' or the reason taking `post` would break 地域回避."""
    if not policy.local_avoidance or not post.unit_locality:
        return ""
    is_head = post.kind == "领导职务" and post.level == "正科级" and not post.title.startswith("副")
    is_key = post.is_key_post or (post.unit_is_key and is_head)
    if not needs_local_avoidance(is_key=is_key, is_head=is_head, post_flag=post.needs_local_avoidance):
        return ""
    q = person_at(p, post, dt.date.min)
    hits = local_conflicts(q)
    if not hits:
        return ""
    what = "、".join(f"{label}“{place}”" for label, place in hits)
    return f"{what}与{post.unit_name}所在地“{post.unit_locality}”相同，{post.title}须地域回避"


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
            out.append(f"与{o.name}（{o.job}）系{kin.label}，{'；'.join(s for _c, s in situations)}")
    return out


@dataclass(frozen=True)
class MoveFacts:
    index: int  # 1-based position in the plan
    cadre_id: int
    from_post_id: int | None
    to_post_id: int
    kind: str = ""
    move_type: str = ""


@dataclass(frozen=True)
class Eligibility:
    overall: str  # 符合 / 符合（含放宽）/ 待人工审核 / 不符合
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.overall != "不符合"


def move_label(m: MoveFacts, people: Mapping[int, PersonFacts], posts: Mapping[int, PostFacts]) -> str:
    p = people.get(m.cadre_id)
    name = p.name if p else f"干部#{m.cadre_id}"
    src = posts[m.from_post_id].job if m.from_post_id in posts else (p.job if p else "")
    dst = posts[m.to_post_id].job if m.to_post_id in posts else f"职位#{m.to_post_id}"
    return f"第{m.index}项（{name}：{src or '无现职'}→{dst}）"


def validate_plan(
    *,
    moves: list[MoveFacts],
    people: Mapping[int, PersonFacts],
    posts: Mapping[int, PostFacts],
    holdings: Mapping[int, set[int]],
    kin: Mapping[frozenset, Kinship],
    left_units: Mapping[int, list[tuple[int, str, dt.date]]],
    eligibility: Mapping[tuple[int, int], Eligibility],
    scope_post_ids: set[int],
    policy: Policy,
    as_of: dt.date,
) -> list[str]:
    """Every reason the plan cannot be approved, each naming its move; [] when it can.

    `holdings`: post id → ids of cadres holding it now; `left_units`: cadre id → (unit id, unit name, end) of closed
    post-history rows; `eligibility`: (cadre id, post id) → the engine's verdict (a waiver already applied).
    """
    errors: list[str] = []
    if not moves:
        return ["方案中没有交流人员"]
    label = {m.index: move_label(m, people, posts) for m in moves}
    seen: dict[int, int] = {}
    for m in moves:
        if m.cadre_id in seen:
            errors.append(f"{label[m.index]}：同一人在方案中重复交流（另见第{seen[m.cadre_id]}项）")
        else:
            seen[m.cadre_id] = m.index
        if m.to_post_id not in posts:
            errors.append(f"{label[m.index]}：拟任职位不存在或已停用")
        if m.from_post_id is not None and m.cadre_id not in holdings.get(m.from_post_id, set()):
            errors.append(f"{label[m.index]}：本人现不在原职位任职")
        if m.from_post_id is not None and m.from_post_id == m.to_post_id:
            errors.append(f"{label[m.index]}：拟任职位与原职位相同")
    # vacancies after the plan's other moves (swaps and chains allowed)
    after: dict[int, set[int]] = {pid: set(h) for pid, h in holdings.items()}
    for m in moves:
        if m.from_post_id is not None:
            after.setdefault(m.from_post_id, set()).discard(m.cadre_id)
    for m in moves:
        after.setdefault(m.to_post_id, set()).add(m.cadre_id)
    for pid, holders in after.items():
        post = posts.get(pid)
        if post is None or len(holders) <= post.headcount:
            continue
        incoming = [m for m in moves if m.to_post_id == pid]
        for m in incoming:
            errors.append(
                f"{label[m.index]}：{post.job}职数{post.headcount}人，方案执行后将有{len(holders)}人，没有空缺"
            )
    # eligibility (engine verdict, waivers applied)
    for m in moves:
        verdict = eligibility.get((m.cadre_id, m.to_post_id))
        if verdict is not None and not verdict.ok:
            why = "；".join(verdict.reasons) or "不符合任职资格"
            errors.append(f"{label[m.index]}：不符合拟任职位任职资格（{why}），且无放宽批准")
    # no return to a unit left within N years
    for m in moves:
        p, post = people.get(m.cadre_id), posts.get(m.to_post_id)
        if p is None or post is None or post.unit_id == p.unit_id:
            continue
        limit = add_years(as_of, -policy.no_return_years)
        for unit_id, unit_name, end in left_units.get(m.cadre_id, []):
            if unit_id == post.unit_id and end >= limit:
                errors.append(
                    f"{label[m.index]}：{end:%Y.%m}离开{unit_name}未满{policy.no_return_years}年，不得交流回原单位"
                )
                break
    # avoidance: conflicts that exist after the plan and did not before
    placed = dict(people)
    moved_ids = set()
    for m in moves:
        p, post = people.get(m.cadre_id), posts.get(m.to_post_id)
        if p is None or post is None:
            continue
        placed[m.cadre_id] = person_at(p, post, as_of)
        moved_ids.add(m.cadre_id)
    by_unit_after: dict[int | None, list[PersonFacts]] = defaultdict(list)
    for q in placed.values():
        by_unit_after[q.unit_id].append(q)
    for m in moves:
        if m.cadre_id not in placed or m.cadre_id not in moved_ids:
            continue
        q, before = placed[m.cadre_id], people[m.cadre_id]
        post = posts[m.to_post_id]
        local = local_conflict_at(before, post, policy)
        if local and not (before.unit_id == post.unit_id and local_conflicts(before)):
            errors.append(f"{label[m.index]}：{local}")
        if not policy.kinship_avoidance:
            continue
        for o in by_unit_after.get(q.unit_id, []):
            if o.cadre_id == q.cadre_id or (o.cadre_id in moved_ids and o.cadre_id < q.cadre_id):
                continue  # a pair of two moved people is reported once
            kinship = kin.get(frozenset((q.cadre_id, o.cadre_id)))
            if kinship is None:
                continue
            now = set(kinship_situations(q, o))
            was = set(kinship_situations(before, people[o.cadre_id])) if o.cadre_id in people else set()
            new = [s for c, s in sorted(now - was)]
            if new:
                errors.append(f"{label[m.index]}：与{o.name}（{o.job}）系{kinship.label}，交流后{'；'.join(new)}，构成任职回避")
    # scope (幅度)
    if scope_post_ids:
        moved_posts = {m.from_post_id for m in moves if m.from_post_id in scope_post_ids}
        ratio = len(moved_posts) / len(scope_post_ids)
        if ratio + 1e-9 < policy.min_scope_ratio:
            errors.append(
                f"交流幅度不足：范围内职位{len(scope_post_ids)}个，交流{len(moved_posts)}个（{ratio:.0%}），"
                f"低于{policy.min_scope_ratio:.0%}"
            )
    return errors
