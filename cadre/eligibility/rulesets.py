"""任职资格 rule sets as data: the spec's defaults per post level, overrides from the database, validation.

- `LEVEL_DEFAULTS` are the spec's defaults (eligibility.md table) per post level 正科/副科; an
  `EligibilityRuleSet` row for the level, for a post or for a campaign scope overrides any number or turns
  a rule off (`resolve_rule_set`, or `resolve_rule_sets` for many posts in one query).
- `validate_params` checks a full parameter set for the staff page and the admin.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q

from ..choices import EDUCATION_RANK, RANK_GRADE, AssessmentGrade, TITLE_LEVEL_RANK
from ..models import EligibilityRuleSet, Post
from . import rules as R
from .dates import parse_date

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
        self._load(EligibilityRuleSet.objects.filter(q).values_list("level", "post_id", "scope", "params"), scope)

    @classmethod
    def from_rows(cls, rows: Iterable, *, scope: str = "") -> RuleSetCache:
        """The cache of rule-set rows already read as (level, post id, scope, params) (`bundle.load_bundle`)."""
        cache = cls.__new__(cls)
        cache._load(rows, scope)
        return cache

    def _load(self, rows, scope: str) -> None:
        self.scope = scope
        self.level_rows, self.post_rows, self.scope_rows = {}, {}, {}
        for level, post_id, row_scope, params in rows:
            if post_id:
                self.post_rows[post_id] = params
            elif row_scope:
                self.scope_rows[level] = params
            else:
                self.level_rows[level] = params
        self._resolved = {}

    def params_key(self, level: str, post_id=None) -> tuple:
        """What `resolve(level, post_id).params` is made of: equal keys resolve to equal parameters."""
        rows = (self.level_rows.get(level), self.post_rows.get(post_id) if post_id else None, self.scope_rows.get(level))
        return level, json.dumps(rows, sort_keys=True, ensure_ascii=False)

    def resolve(self, level: str, post_id=None) -> RuleSet:
        key = (level, post_id)
        if key not in self._resolved:
            params, sources = LEVEL_DEFAULTS[level], [f"{level}默认规则"]
            for row_params, label in (
                (self.level_rows.get(level), f"{level}规则（已调整）"),
                (self.post_rows.get(post_id) if post_id else None, "职位规则"),
                (self.scope_rows.get(level), f"{self.scope}规则"),
            ):
                if row_params:
                    params = deep_merge(params, row_params)
                    sources.append(label)
            self._resolved[key] = RuleSet(level, params if len(sources) > 1 else copy.deepcopy(params), tuple(sources))
        return self._resolved[key]


def resolve_rule_set(level: str | None = None, *, post=None, scope: str = "") -> RuleSet:
    """Code defaults → level row → post row → campaign row (scope), each deep-merged.

    `level` is 正科 or 副科; without it, the level of `post` (a Post) decides.
    """
    if level is None:
        level = level_key(post.level)
    post_id = post.pk if isinstance(post, Post) else post
    return RuleSetCache(posts=[post_id] if post_id else [], scope=scope).resolve(level, post_id)


def resolve_rule_sets(posts: Iterable[Post], *, scope: str = "") -> dict:
    """{post id: RuleSet} for Post objects (each at its own level), in one query."""
    posts = list(posts)
    cache = RuleSetCache(posts=[p.pk for p in posts], scope=scope)
    return {p.pk: cache.resolve(level_key(p.level), p.pk) for p in posts}


def has_rules_for_level(post_level: str) -> bool:
    """Whether a post level (正科级, 一级主任科员…) has a 任职资格 rule set."""
    return level_key(post_level) in LEVEL_DEFAULTS



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
                    parse_date(cut)
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
