"""任职资格 engine: rule sets as data, facts loaded set-based, pure rules applied (cadre.rules).

- `LEVEL_DEFAULTS` are the spec's defaults (eligibility.md table) per post level 正科/副科; an
  `EligibilityRuleSet` row for the level, for a post or for a campaign scope overrides any number or turns
  a rule off (`resolve_rule_set`).
- `load_facts` reads everything the rules need for a whole queryset of cadres in a fixed number of
  queries (cadres, rank history, assessments, education, sanctions, and post history only when a rule
  set turns the 县处级 rule on). `evaluate` is pure.
- `explain(cadre, post, as_of)` answers one person for one post; `screen(cadres, posts, as_of)` answers a
  roster against many posts with the same functions, reusing identical rule outcomes (many people share a
  birth date, an education, a set of assessment grades) so 100 000 people × 13 posts stay fast.
"""
from __future__ import annotations

import copy
import datetime as dt
import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

from django.db import connections
from django.db.models import Q
from django.utils import timezone

from . import rules as R
from .choices import EDUCATION_RANK, LEADERSHIP_LEVELS, RANK_GRADE, AssessmentGrade, TITLE_LEVEL_RANK
from .models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    EligibilityRuleSet,
    EligibilityWaiver,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
)

LEVELS = ("正科", "副科")
LEVEL_RANK = {"正科": "正科级", "副科": "副科级"}

COMMON_DEFAULTS = {
    "pool": {"on": True, "staffing_types": ["公务员", "参公"], "unit_kinds": ["机关", "乡镇", "街道"], "organ_staffing_types": ["事业", "企业"]},
    "assessment": {"on": True, "years": 3, "grades": ["优秀", "称职"]},
    "health": {"on": True, "unfit_markers": list(R.DEFAULT_UNFIT_MARKERS)},
    "sanction": {"on": True, "kinds": ["党纪处分", "政务处分"]},
    "manual": {"on": True, "items": list(R.DEFAULT_MANUAL_ITEMS)},
    "ladder": {"on": False, "excellent_shortens": True, "min_years": {}},
    "county": {"on": False, "min_work_years": 5, "min_grassroots_years": 2, "min_chief_years": 3, "from_chief": False},
}


def _age(male, female, waivable):
    return {"on": True, "male": male, "female": female, "male_cutoff": "", "female_cutoff": "", "waivable": waivable}


def _education():
    return {"on": True, "minimum": "大学专科", "full_time_only": False, "waivable": True}


def _tenure(on, years=2, level="副科级"):
    return {"on": on, "min_years": years, "level": level, "leadership_only": True, "waivable": True}


LEVEL_DEFAULTS = {
    "正科": {
        "strict_manual": False,
        "transfer": {"equivalent_ranks": True, "title_min": "中级"},
        "common": COMMON_DEFAULTS,
        "新任": {"age": _age(45, 40, True), "tenure": _tenure(True, 2, "副科级"), "education": _education()},
        "转任": {"age": _age(53, 50, True), "tenure": _tenure(False, 2, "正科级"), "education": _education()},
    },
    "副科": {
        "strict_manual": False,
        "transfer": {"equivalent_ranks": True, "title_min": "中级"},
        "common": COMMON_DEFAULTS,
        "新任": {"age": _age(40, 40, True), "tenure": _tenure(False, 2, "副科级"), "education": _education()},
        "转任": {"age": _age(50, 45, True), "tenure": _tenure(False, 2, "副科级"), "education": _education()},
    },
}

RULE_ORDER = ("pool", "assessment", "health", "sanction", "age", "tenure", "education", "ladder", "county", "manual")


def level_key(post_level: str) -> str:
    """正科 for 正科级 and the 职级 at or above it (RANK_GRADE ≥ 2), 副科 otherwise."""
    if post_level in LEVELS:
        return post_level
    return "正科" if RANK_GRADE.get(post_level, 1) >= 2 else "副科"


def deep_merge(base: Mapping, override: Mapping) -> dict:
    out = copy.deepcopy(dict(base))
    for key, value in (override or {}).items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def diff_params(base: Mapping, new: Mapping) -> dict:
    """The keys of `new` that differ from `base` (what an override row stores)."""
    out = {}
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            sub = diff_params(base[key], value)
            if sub:
                out[key] = sub
        elif base.get(key) != value:
            out[key] = copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class RuleSet:
    level: str
    params: dict
    sources: tuple[str, ...]  # e.g. ("正科默认", "正科级规则（已修改）", "职位规则")

    @property
    def key(self) -> str:
        return json.dumps(self.params, sort_keys=True, ensure_ascii=False)

    def rule(self, appointment: str, code: str) -> dict:
        if code in ("age", "tenure", "education"):
            return self.params[appointment][code]
        return self.params["common"][code]

    def is_on(self, appointment: str, code: str) -> bool:
        return bool(self.rule(appointment, code).get("on"))


class RuleSetCache:
    """Rule-set rows for a set of levels, posts and a scope, loaded in one query."""

    def __init__(self, *, posts: Iterable = (), scope: str = ""):
        post_ids = [p for p in posts if p]
        q = Q(post__isnull=True, scope="")
        if post_ids:
            q |= Q(post_id__in=post_ids)
        if scope:
            q |= Q(scope=scope, post__isnull=True)
        self.scope = scope
        self.level_rows, self.post_rows, self.scope_rows = {}, {}, {}
        for row in EligibilityRuleSet.objects.filter(q):
            if row.post_id:
                self.post_rows[row.post_id] = row
            elif row.scope:
                self.scope_rows[row.level] = row
            else:
                self.level_rows[row.level] = row
        self._resolved = {}

    def resolve(self, level: str, post_id=None) -> RuleSet:
        key = (level, post_id)
        if key not in self._resolved:
            params, sources = LEVEL_DEFAULTS[level], [f"{level}默认规则"]
            for row, label in (
                (self.level_rows.get(level), f"{level}规则（已调整）"),
                (self.post_rows.get(post_id) if post_id else None, "职位规则"),
                (self.scope_rows.get(level), f"{self.scope}规则"),
            ):
                if row is not None and row.params:
                    params = deep_merge(params, row.params)
                    sources.append(label)
            self._resolved[key] = RuleSet(level, params if len(sources) > 1 else copy.deepcopy(params), tuple(sources))
        return self._resolved[key]


def resolve_rule_set(level: str, *, post=None, scope: str = "") -> RuleSet:
    """Code defaults → level row → post row → campaign row (scope), each deep-merged."""
    post_id = post.pk if isinstance(post, Post) else post
    return RuleSetCache(posts=[post_id] if post_id else [], scope=scope).resolve(level, post_id)


# ---------------------------------------------------------------- facts

class CadreFacts(NamedTuple):
    """What the rules read about one person (a tuple: cheap to build for 100 000 people)."""

    id: int
    name: str
    id_number: str
    gender: str
    birth_date: dt.date
    staffing_type: str
    works_in_organ: bool
    unit_id: int | None
    unit_name: str
    unit_kind: str
    position_title: str
    health: str
    title_level: str
    rank_level: str
    work_start_date: dt.date | None
    ranks: tuple = ()
    assessments: Mapping = {}
    educations: Mapping = {}
    sanctions: tuple = ()
    posts: tuple = ()


@dataclass(frozen=True, slots=True)
class PostFacts:
    id: int | None
    title: str
    unit_id: int | None
    unit_name: str
    level: str
    kind: str
    requires_full_time_education: bool
    is_open_for_competition: bool

    @classmethod
    def of(cls, post: Post) -> PostFacts:
        return cls(
            post.pk, post.full_title, post.unit_id, post.unit.name, post.level, post.kind,
            post.requires_full_time_education, post.is_open_for_competition,
        )

    @classmethod
    def for_level(cls, level: str) -> PostFacts:
        return cls(None, f"{level}职位（默认规则）", None, "", LEVEL_RANK[level], "领导职务", False, False)


def active_cadres():
    return Cadre.objects.filter(status="在职")


def load_facts(
    cadres, *, as_of: dt.date, assessment_years: int | None = 3, with_posts: bool = False, concurrent: bool = False,
) -> list[CadreFacts]:
    """Everything the rules need for every cadre of the queryset, in five queries (six with post history).

    `assessment_years` limits the assessments read to the years before the as-of year the rule looks at
    (None: all years, for the 职级 ladder rule). `concurrent`: a whole-roster screen may send the queries
    together (see `_fetch_all`).
    """
    ids_q = cadres.values("pk")
    queries = {
        "cadres": cadres.order_by("rank_order", "id").values_list(
            "id", "name", "id_number", "gender", "birth_date", "staffing_type", "works_in_organ", "unit_id",
            "unit__name", "unit__kind", "position_title", "health", "title_level", "rank_level", "rank_start",
            "work_start_date",
        ),
        "ranks": RankHistory.objects.filter(cadre_id__in=ids_q).values_list("cadre_id", "level", "start", "end").order_by(),
        "grades": AnnualAssessment.objects.filter(cadre_id__in=ids_q).values_list("cadre_id", "year", "grade", "reason").order_by(),
        "educations": EducationRecord.objects.filter(cadre_id__in=ids_q).values_list("cadre_id", "mode", "level").order_by(),
        "sanctions": RewardPunishment.objects.filter(cadre_id__in=ids_q, kind__in=["党纪处分", "政务处分", "组织处理"])
        .values_list("cadre_id", "kind", "name", "decided_on", "effect_start", "effect_end").order_by(),
    }
    if assessment_years is not None:
        queries["grades"] = queries["grades"].filter(year__gte=as_of.year - assessment_years, year__lt=as_of.year)
    if with_posts:
        queries["posts"] = (
            PostHistory.objects.filter(cadre_id__in=ids_q, is_secondment=False)
            .values_list("cadre_id", "unit__kind", "start", "end").order_by()
        )
    results = _fetch_all(queries, concurrent=concurrent)
    ranks = defaultdict(list)
    for cid, level, start, end in results["ranks"]():
        ranks[cid].append((level, start, end))
    grades = defaultdict(dict)
    for cid, year, grade, reason in results["grades"]():
        grades[cid][year] = (grade, reason)
    educations = defaultdict(dict)
    for cid, mode, level in results["educations"]():
        educations[cid][mode] = level
    sanctions = defaultdict(list)
    for cid, kind, name, decided, start, end in results["sanctions"]():
        sanctions[cid].append(R.Sanction(kind, name, decided, start, end))
    post_rows = defaultdict(list)
    if with_posts:
        for cid, kind, start, end in results["posts"]():
            post_rows[cid].append((kind or "", start, end))
    rows = results["cadres"]()
    facts = []
    append = facts.append
    new = tuple.__new__  # CadreFacts(...) without the generated __new__ frame (100 000 of them)
    empty: dict = {}
    get_ranks, get_grades, get_edu, get_sanctions, get_posts = ranks.get, grades.get, educations.get, sanctions.get, post_rows.get
    for cid, name, idn, gender, birth, staffing, in_organ, unit_id, unit_name, unit_kind, position, health, title, rank, rank_start, work_start in rows:
        rank_rows = get_ranks(cid)
        if not rank_rows and rank and rank_start:
            rank_rows = [(rank, rank_start, None)]
        sanction_rows = get_sanctions(cid)
        history = get_posts(cid)
        append(new(CadreFacts, (
            cid, name, idn, gender, birth, staffing, in_organ, unit_id, unit_name or "", unit_kind or "",
            position or "", health or "", title or "", rank or "", work_start,
            tuple(rank_rows) if rank_rows else (), get_grades(cid, empty), get_edu(cid, empty),
            tuple(sanction_rows) if sanction_rows else (), tuple(history) if history else (),
        )))
    return facts


# Fact queries of a big screen are sent together on their own connections when that cannot change what they see.
CONCURRENT_FETCH_MIN_ROWS = 20_000


def _fetch_all(queries: dict, *, concurrent: bool) -> dict:
    """{name: callable returning the rows} for value-list querysets.

    On PostgreSQL in autocommit mode (no transaction open on this connection, so every query already reads its
    own snapshot) and for a big roster, the queries run at the same time, each on a short-lived connection of a
    worker thread: the database works on them while this process turns earlier results into facts (the GIL is
    released while psycopg2 waits). Inside a transaction — a test, or a caller's atomic block — other
    connections could not see its uncommitted rows, so the queries run one after another on this connection.
    """
    first = queries["cadres"]
    conn = connections[first.db]
    if (
        not concurrent or conn.vendor != "postgresql" or conn.in_atomic_block
        or first.count() < CONCURRENT_FETCH_MIN_ROWS
    ):
        return {name: qs.__iter__ for name, qs in queries.items()}
    compiled = {name: qs.query.sql_with_params() for name, qs in queries.items()}
    pool = ThreadPoolExecutor(max_workers=len(compiled), thread_name_prefix="eligibility-facts")
    futures = {name: pool.submit(_fetch_rows, sql, params, first.db) for name, (sql, params) in compiled.items()}
    pool.shutdown(wait=False)
    return {name: future.result for name, future in futures.items()}


def _fetch_rows(sql: str, params, alias: str = "default") -> list[tuple]:
    """One query on this worker thread's own connection to `alias` (closed afterwards)."""
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def load_waivers(cadres, *, post_ids: Iterable, scope: str = "") -> dict:
    """{(cadre_id, post_id or scope): {rule: reason}} for active waivers, in one query."""
    post_ids = [p for p in post_ids if p]
    q = Q(post_id__in=post_ids) if post_ids else Q(pk__in=[])
    if scope:
        q |= Q(scope=scope)
    out: dict = defaultdict(dict)
    for cid, post_id, wscope, rule, reason in (
        EligibilityWaiver.objects.filter(q, revoked_at__isnull=True, cadre_id__in=cadres.values("pk"))
        .values_list("cadre_id", "post_id", "scope", "rule", "reason")
        .order_by()
    ):
        out[(cid, post_id or wscope)][rule] = reason
    return out


# ---------------------------------------------------------------- evaluation

class Explanation(NamedTuple):
    cadre: CadreFacts
    post: PostFacts
    as_of: dt.date
    appointment: str
    appointment_basis: str
    result: str
    rules: tuple

    @property
    def failed(self):
        return [r for r in self.rules if r.status == R.FAIL]

    @property
    def manual(self):
        return [r for r in self.rules if r.status == R.MANUAL]

    @property
    def waived(self):
        return [r for r in self.rules if r.status == R.WAIVED]

    @property
    def reasons_text(self) -> str:
        """One paragraph for a report column: failing, waived and manual lines (or why it is 符合)."""
        lines = [f"{r.name}：{r.reason}" for r in self.rules if r.status != R.PASS]
        return "；".join(lines) if lines else "各项条件均符合"

    @property
    def appointment_text(self) -> str:
        return f"{self.appointment}（{self.appointment_basis}）" if self.appointment_basis else self.appointment

    def as_dict(self) -> dict:
        return {
            "cadre_id": self.cadre.id,
            "name": self.cadre.name,
            "id_number": self.cadre.id_number,
            "post_id": self.post.id,
            "post": self.post.title,
            "as_of": self.as_of.isoformat(),
            "appointment": self.appointment,
            "appointment_basis": self.appointment_basis,
            "result": self.result,
            "rules": [r.as_dict() for r in self.rules],
        }


_LEADERSHIP = frozenset(LEADERSHIP_LEVELS)


def _date(value) -> dt.date | None:
    return R.parse_date(value) if value else None


class Plan:
    """A resolved rule set compiled once into the values the rules take (no dict digging per person)."""

    def __init__(self, rs: RuleSet):
        p, c = rs.params, rs.params["common"]
        self.rule_set = rs
        self.level = rs.level
        self.strict = bool(p.get("strict_manual", False))
        self.equivalent = bool(p["transfer"].get("equivalent_ranks", True))
        self.title_min = p["transfer"].get("title_min") or None
        self.common_key = json.dumps(c, sort_keys=True, ensure_ascii=False)
        self.pool = (tuple(c["pool"]["staffing_types"]), tuple(c["pool"]["unit_kinds"]), tuple(c["pool"]["organ_staffing_types"])) if c["pool"].get("on") else None
        a = c["assessment"]
        self.assessment = (int(a["years"]), tuple(a["grades"])) if a.get("on") else None
        self.health = tuple(c["health"]["unfit_markers"]) if c["health"].get("on") else None
        self.sanction = tuple(c["sanction"]["kinds"]) if c["sanction"].get("on") else None
        self.manual = tuple(c["manual"]["items"]) if c["manual"].get("on") else None
        self.ladder = c["ladder"] if c["ladder"].get("on") else None
        self.county = c["county"] if c["county"].get("on") else None
        self.sections = {appt: self._section(p[appt], appt) for appt in (R.NEW, R.TRANSFER)}

    def _section(self, s, appt):
        age, ten, edu = s["age"], s["tenure"], s["education"]
        label = f"{'新提任' if appt == R.NEW else '转任'}{self.level}"
        leadership = bool(ten.get("leadership_only", True))
        return (
            (int(age["male"]), int(age["female"]), _date(age.get("male_cutoff")), _date(age.get("female_cutoff")), label,
             bool(age.get("waivable"))) if age.get("on") else None,
            (RANK_GRADE.get(ten["level"], 1), _LEADERSHIP if leadership else None,
             f"{ten['level']}及以上{'领导职务' if leadership else '职务层次'}", int(ten["min_years"]),
             bool(ten.get("waivable"))) if ten.get("on") else None,
            (edu["minimum"], bool(edu.get("full_time_only")), bool(edu.get("waivable"))) if edu.get("on") else None,
        )


def _m(memo, key, fn, **kwargs):
    """A rule outcome, reused from `memo` for identical inputs (key) when a memo is given."""
    if memo is None:
        return fn(**kwargs)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = fn(**kwargs)
    return hit


class _Derived:
    """Per-cadre values that do not depend on the post (computed once per cadre in a screen)."""

    __slots__ = ("rank", "runs", "commons")

    def __init__(self, cf: CadreFacts, as_of: dt.date):
        self.rank = R.rank_on(cf.ranks, as_of, cf.rank_level)
        self.runs = {}
        self.commons = {}

    def run_start(self, cf, as_of, min_grade, levels):
        key = (min_grade, levels)
        if key not in self.runs:
            self.runs[key] = R.consecutive_start(cf.ranks, as_of=as_of, min_grade=min_grade, levels=levels)
        return self.runs[key]

    def common(self, cf, plan: Plan, as_of, memo):
        """(front, back): the basic conditions before the post conditions and the manual line after them."""
        hit = self.commons.get(plan.common_key)
        if hit is None:
            hit = self.commons[plan.common_key] = _common(cf, plan, as_of, memo)
        return hit


def _common(cf: CadreFacts, plan: Plan, as_of: dt.date, memo):
    ck, front = plan.common_key, []
    append, get = front.append, memo.get
    if plan.pool is not None:
        key = ("pool", ck, cf.staffing_type, cf.works_in_organ, cf.unit_kind, cf.unit_name)
        hit = get(key)
        if hit is None:
            kinds, units, organ = plan.pool
            hit = memo[key] = R.check_pool(
                staffing_type=cf.staffing_type, works_in_organ=cf.works_in_organ, unit_kind=cf.unit_kind,
                unit_name=cf.unit_name, staffing_types=kinds, unit_kinds=units, organ_staffing_types=organ,
            )
        append(hit)
    if plan.assessment is not None:
        years, accepted = plan.assessment
        key = ("assessment", ck, as_of.year, tuple(map(cf.assessments.get, range(as_of.year - years, as_of.year))))
        hit = get(key)
        if hit is None:
            hit = memo[key] = R.check_assessments(grades=cf.assessments, as_of=as_of, years=years, accepted=accepted)
        append(hit)
    if plan.health is not None:
        key = ("health", ck, cf.health)
        hit = get(key)
        if hit is None:
            hit = memo[key] = R.check_health(health=cf.health, unfit_markers=plan.health)
        append(hit)
    if plan.sanction is not None:
        if cf.sanctions:
            append(R.check_sanctions(sanctions=cf.sanctions, as_of=as_of, kinds=plan.sanction))
        else:
            key = ("sanction", ck, as_of)
            hit = get(key)
            if hit is None:
                hit = memo[key] = R.check_sanctions(sanctions=cf.sanctions, as_of=as_of, kinds=plan.sanction)
            append(hit)
    back = (_m(memo, ("manual", ck), R.check_manual, items=plan.manual),) if plan.manual is not None else ()
    return tuple(front), back


def _core(cf: CadreFacts, pf: PostFacts, plan: Plan, as_of: dt.date, memo, derived: _Derived):
    """(appointment, basis, rules) of one person for one post, before waivers.

    Memo lookups are inlined (no keyword dict per call on a hit): this runs once per person and post class.
    """
    if memo is None:
        memo = {}
    get = memo.get
    pid = id(plan)
    rank, title = derived.rank, cf.title_level
    grade = R.post_grade(pf.level)
    key = ("appt", pid, grade, rank, title)
    hit = get(key)
    if hit is None:
        hit = memo[key] = R.detect_appointment(
            current_rank=rank, title_level=title, post_grade=grade,
            equivalent_ranks=plan.equivalent, title_min=plan.title_min,
        )
    appointment, basis = hit
    front, back = derived.common(cf, plan, as_of, memo)
    age, ten, edu = plan.sections[appointment]
    mid = []
    if age is not None:
        key = ("age", pid, appointment, cf.gender, cf.birth_date, as_of)
        hit = get(key)
        if hit is None:
            male, female, male_cut, female_cut, label, waivable = age
            hit = memo[key] = R.check_age(
                birth_date=cf.birth_date, gender=cf.gender, as_of=as_of, male=male, female=female,
                male_cutoff=male_cut, female_cutoff=female_cut, label=label, waivable=waivable,
            )
        mid.append(hit)
    if ten is not None:
        min_grade, levels, label, years, waivable = ten
        run = derived.run_start(cf, as_of, min_grade, levels)
        key = ("tenure", pid, appointment, run, as_of)
        hit = get(key)
        if hit is None:
            hit = memo[key] = R.check_tenure(run_start=run, as_of=as_of, min_years=years, level_label=label, waivable=waivable)
        mid.append(hit)
    if edu is not None:
        minimum, ft_only, waivable = edu
        ft_only = ft_only or pf.requires_full_time_education
        eget = cf.educations.get
        ft, pt = eget("全日制", ""), eget("在职", "")
        key = ("education", pid, appointment, ft, pt, ft_only)
        hit = get(key)
        if hit is None:
            hit = memo[key] = R.check_education(
                full_time=ft, part_time=pt, minimum=minimum, full_time_only=ft_only, waivable=waivable,
            )
        mid.append(hit)
    if plan.ladder is not None:
        c = plan.ladder
        index = R.LADDER_INDEX.get(pf.level)
        lower = R.LADDER[index - 1][0] if index else None
        lower_start = R.consecutive_start(cf.ranks, as_of=as_of, min_grade=-1, levels={lower}) if lower else None
        excellent = sum(
            1 for y, (g, _r) in cf.assessments.items() if g == "优秀" and lower_start and lower_start.year <= y < as_of.year
        )
        mid.append(R.check_ladder(
            target_rank=pf.level, current_rank=derived.rank, lower_start=lower_start, as_of=as_of,
            excellent_years=excellent, excellent_shortens=bool(c.get("excellent_shortens", True)),
            min_years=c.get("min_years") or None,
        ))
    if plan.county is not None:
        c = plan.county
        mid.append(R.check_county(
            work_start=cf.work_start_date, grassroots_days=R.grassroots_days(cf.posts, as_of=as_of),
            chief_start=derived.run_start(cf, as_of, 2, _LEADERSHIP), as_of=as_of,
            min_work_years=int(c["min_work_years"]), min_grassroots_years=int(c["min_grassroots_years"]),
            min_chief_years=int(c["min_chief_years"]), from_chief=bool(c.get("from_chief")),
        ))
    return appointment, basis, front + tuple(mid) + back


def _finish(cf, pf, as_of, core, waivers, strict) -> Explanation:
    appointment, basis, rules = core
    if waivers:
        rules = tuple(r.waived(waivers[r.code]) if r.code in waivers else r for r in rules)
    return Explanation(cf, pf, as_of, appointment, basis, R.overall(rules, strict_manual=strict), rules)


def evaluate(
    cf: CadreFacts,
    pf: PostFacts,
    rule_set: RuleSet | Plan,
    as_of: dt.date,
    *,
    waivers: Mapping[str, str] | None = None,
    strict_manual: bool | None = None,
    memo: dict | None = None,
    derived: _Derived | None = None,
) -> Explanation:
    """Apply a rule set to one person and one post. Pure: facts in, explanation out.

    `memo` lets a bulk screen reuse a rule outcome for identical inputs under the same rule set; every rule
    outcome depends only on the values in its memo key, so the answer is the same as without.
    """
    plan = rule_set if isinstance(rule_set, Plan) else Plan(rule_set)
    derived = derived or _Derived(cf, as_of)
    strict = plan.strict if strict_manual is None else strict_manual
    return _finish(cf, pf, as_of, _core(cf, pf, plan, as_of, memo, derived), waivers, strict)


def today() -> dt.date:
    return timezone.localdate()


def explain(cadre: Cadre, post: Post | None, as_of: dt.date | None = None, *, scope: str = "", level: str | None = None,
            strict_manual: bool | None = None) -> Explanation:
    """One person against one post (or, with post=None, the default rule set of `level`)."""
    as_of = as_of or today()
    qs = Cadre.objects.filter(pk=cadre.pk)
    if post is not None:
        pf, lvl = PostFacts.of(post), level_key(post.level)
    else:
        pf, lvl = PostFacts.for_level(level), level
    cache = RuleSetCache(posts=[pf.id], scope=scope)
    rs = cache.resolve(lvl, pf.id)
    facts = load_facts(qs, as_of=as_of, assessment_years=_years_needed([rs]), with_posts=rs.params["common"]["county"]["on"])
    if not facts:
        raise Cadre.DoesNotExist
    waivers = load_waivers(qs, post_ids=[pf.id], scope=scope) if (pf.id or scope) else {}
    merged = dict(waivers.get((cadre.pk, scope), {})) if scope else {}
    merged.update(waivers.get((cadre.pk, pf.id), {}))
    return evaluate(facts[0], pf, rs, as_of, waivers=merged, strict_manual=strict_manual)


def _years_needed(rule_sets) -> int | None:
    if any(rs.params["common"]["ladder"]["on"] for rs in rule_sets):
        return None
    return max(int(rs.params["common"]["assessment"]["years"]) for rs in rule_sets)


def screen(cadres, posts, as_of: dt.date | None = None, *, scope: str = "", strict_manual: bool | None = None) -> dict:
    """Every cadre of the queryset against every post: {post_id: [Explanation, …]} in roster order.

    A fixed number of queries whatever the number of people: rule sets, the facts (5–6) and the waivers.
    `posts` may be Post objects, a queryset, or PostFacts (e.g. `PostFacts.for_level("正科")`).
    Posts that share a rule set, a level and the 全日制 flag form one class: the rules run once per person
    and class, and each post of the class gets the same lines (plus its own waivers).
    """
    as_of = as_of or today()
    if hasattr(posts, "select_related"):
        posts = list(posts.select_related("unit"))
    pfs = [p if isinstance(p, PostFacts) else PostFacts.of(p) for p in posts]
    cache = RuleSetCache(posts=[p.id for p in pfs], scope=scope)
    sets = [cache.resolve(level_key(p.level), p.id) for p in pfs]
    plans: dict = {}
    classes: dict = {}
    out = {p.id: [] for p in pfs}
    for pf, rs in zip(pfs, sets):
        plan = plans.setdefault((rs.level, rs.key), Plan(rs))
        key = (id(plan), R.post_grade(pf.level), pf.requires_full_time_education, pf.level if plan.ladder else None)
        classes.setdefault(key, (plan, pf, []))[2].append((pf, []))
    plan_list = [(plan, first, members, plan.strict if strict_manual is None else strict_manual) for plan, first, members in classes.values()]
    # Millions of small immutable objects and no cycles: the cyclic collector would only rescan them.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        facts = load_facts(
            cadres, as_of=as_of, assessment_years=_years_needed(sets),
            with_posts=any(rs.params["common"]["county"]["on"] for rs in sets), concurrent=True,
        )
        waivers = load_waivers(cadres, post_ids=[p.id for p in pfs], scope=scope) if (any(p.id for p in pfs) or scope) else {}
        _screen_loop(facts, plan_list, waivers, scope, as_of, {})
        lists = defaultdict(list)
        for _plan, _first, members, _strict in plan_list:
            for pf, rows in members:
                lists[pf.id].append(rows)
        for pid, parts in lists.items():
            # a post given twice: its lines alternate per person, as if each person were answered in turn
            out[pid] = parts[0] if len(parts) == 1 else [x for group in zip(*parts) for x in group]
    finally:
        if was_enabled:
            gc.enable()
    return out


def _screen_loop(facts, plan_list, waivers, scope, as_of, memo):
    """Run the rules once per person and post class into columns, then build every post's explanations.

    The explanations of a post are made by `zip` + `tuple.__new__` (no Python frame per pair, 1.3 M pairs for
    100 000 people × 13 posts); pairs with a waiver are then replaced in place by their own explanation.
    """
    waived_ids = {cid for cid, _ in waivers}
    columns = [([], [], [], []) for _ in plan_list]
    waived_rows = []
    for index, cf in enumerate(facts):
        derived = _Derived(cf, as_of)
        for (plan, first, members, strict), (appts, bases, results, ruless) in zip(plan_list, columns):
            appointment, basis, rules = _core(cf, first, plan, as_of, memo, derived)
            appts.append(appointment)
            bases.append(basis)
            results.append(R.overall(rules, strict_manual=strict))
            ruless.append(rules)
        if cf.id in waived_ids:
            waived_rows.append(index)
    new = tuple.__new__
    n = len(facts)
    for (plan, first, members, strict), (appts, bases, results, ruless) in zip(plan_list, columns):
        for pf, out in members:
            out.extend(map(new, repeat(Explanation, n), zip(facts, repeat(pf, n), repeat(as_of, n), appts, bases, results, ruless)))
    for index in waived_rows:
        cf = facts[index]
        base = waivers.get((cf.id, scope)) if scope else None
        for (plan, first, members, strict), (appts, bases, results, ruless) in zip(plan_list, columns):
            for pf, out in members:
                w = waivers.get((cf.id, pf.id))
                if base:
                    w = {**base, **(w or {})}
                if w:
                    out[index] = _finish(cf, pf, as_of, (appts[index], bases[index], ruless[index]), w, strict)


def screen_level(cadres, level: str, as_of: dt.date | None = None, *, strict_manual: bool | None = None) -> list[Explanation]:
    """Everyone against the default rule set of a level (no post): the `eligibility` command."""
    pf = PostFacts.for_level(level)
    return screen(cadres, [pf], as_of, strict_manual=strict_manual)[None]


# ---------------------------------------------------------------- rule-set validation (staff page, admin)

EDUCATION_CHOICES = [e for e, _rank in sorted(EDUCATION_RANK.items(), key=lambda kv: -kv[1])]
TITLE_CHOICES = [""] + list(TITLE_LEVEL_RANK)
GRADE_CHOICES = list(AssessmentGrade.values)


def validate_params(params: Mapping, *, level: str) -> list[str]:
    """Problems (Chinese) in a full, merged parameter set; [] when it is usable."""
    problems = []
    try:
        merged = deep_merge(LEVEL_DEFAULTS[level], params)
    except (TypeError, AttributeError):
        return ["规则参数格式不正确"]
    for appt in (R.NEW, R.TRANSFER):
        age = merged[appt]["age"]
        for k, label in (("male", "男"), ("female", "女")):
            v = age.get(k)
            if not isinstance(v, int) or isinstance(v, bool) or not 18 <= v <= 65:
                problems.append(f"{appt}年龄上限（{label}）应为18至65之间的整数")
            cut = age.get(f"{k}_cutoff")
            if cut:
                try:
                    R.parse_date(cut)
                except (ValueError, TypeError):
                    problems.append(f"{appt}出生日期界限（{label}）格式不正确：{cut}")
        ten = merged[appt]["tenure"]
        if not isinstance(ten.get("min_years"), int) or not 0 <= ten["min_years"] <= 20:
            problems.append(f"{appt}任职年限应为0至20之间的整数")
        if ten.get("level") not in RANK_GRADE:
            problems.append(f"{appt}任职年限的职务层次不正确：{ten.get('level')}")
        edu = merged[appt]["education"]
        if edu.get("minimum") not in EDUCATION_RANK:
            problems.append(f"{appt}最低学历不正确：{edu.get('minimum')}")
    common = merged["common"]
    years = common["assessment"].get("years")
    if not isinstance(years, int) or not 1 <= years <= 10:
        problems.append("年度考核年数应为1至10之间的整数")
    bad = [g for g in common["assessment"].get("grades", []) if g not in GRADE_CHOICES]
    if bad or not common["assessment"].get("grades"):
        problems.append("年度考核合格等次应从优秀、称职、基本称职中选择")
    title_min = merged["transfer"].get("title_min") or ""
    if title_min not in TITLE_CHOICES:
        problems.append(f"转任职称级别不正确：{title_min}")
    county = common["county"]
    for k in ("min_work_years", "min_grassroots_years", "min_chief_years"):
        if not isinstance(county.get(k), int) or not 0 <= county[k] <= 30:
            problems.append("县处级任职经历年限应为0至30之间的整数")
            break
    return problems
