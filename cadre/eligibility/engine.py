"""任职资格 engine: a resolved rule set applied to loaded facts with the pure rules (`rules`).

- `evaluate` is pure: facts in, explanation out.
- `explain(cadre, post, as_of)` answers one person for one post; `screen(cadres, posts, as_of)` answers a
  roster against many posts with the same functions, reusing identical rule outcomes (many people share a
  birth date, an education, a set of assessment grades) so 100 000 people × 13 posts stay fast.
"""
from __future__ import annotations

import datetime as dt
import gc
import json
from collections import defaultdict
from collections.abc import Mapping
from itertools import repeat
from typing import NamedTuple

from django.utils import timezone

from ..choices import LEADERSHIP_LEVELS, RANK_GRADE
from ..models import Cadre, Post
from . import dates as D
from . import rules as R
from .bundle import load_bundle
from .facts import CadreFacts, PostFacts, load_facts, load_manual_checks, load_waivers, manual_check_for
from .rulesets import RuleSet, RuleSetCache, level_key


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
    return D.parse_date(value) if value else None


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
        self.sections[R.DEMOTION] = self.sections[R.TRANSFER]  # its lines are shown; the level line fails

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
        self.rank = D.rank_on(cf.ranks, as_of, cf.rank_level)
        self.runs = {}
        self.commons = {}

    def run_start(self, cf, as_of, min_grade, levels):
        key = (min_grade, levels)
        if key not in self.runs:
            self.runs[key] = D.consecutive_start(cf.ranks, as_of=as_of, min_grade=min_grade, levels=levels)
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
    if appointment == R.DEMOTION:
        key = ("level", basis, pf.level)
        hit = get(key)
        if hit is None:
            hit = memo[key] = R.check_demotion(basis=basis, post_level=pf.level)
        mid.append(hit)
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
        lower_start = D.consecutive_start(cf.ranks, as_of=as_of, min_grade=-1, levels={lower}) if lower else None
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
            work_start=cf.work_start_date, grassroots_days=D.grassroots_days(cf.posts, as_of=as_of),
            chief_start=derived.run_start(cf, as_of, 2, _LEADERSHIP), as_of=as_of,
            min_work_years=int(c["min_work_years"]), min_grassroots_years=int(c["min_grassroots_years"]),
            min_chief_years=int(c["min_chief_years"]), from_chief=bool(c.get("from_chief")),
        ))
    return appointment, basis, front + tuple(mid) + back


def _finish(cf, pf, as_of, core, waivers, strict, check=None) -> Explanation:
    """Waivers lift failing waivable lines; a recorded manual check (passed, text) decides the manual line."""
    appointment, basis, rules = core
    if waivers:
        rules = tuple(r.waived(waivers[r.code]) if r.code in waivers else r for r in rules)
    if check is not None:
        rules = tuple(r.recorded(*check) if r.code == "manual" else r for r in rules)
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
    check: tuple | None = None,
) -> Explanation:
    """Apply a rule set to one person and one post. Pure: facts in, explanation out.

    `memo` lets a bulk screen reuse a rule outcome for identical inputs under the same rule set; every rule
    outcome depends only on the values in its memo key, so the answer is the same as without.
    """
    plan = rule_set if isinstance(rule_set, Plan) else Plan(rule_set)
    derived = derived or _Derived(cf, as_of)
    strict = plan.strict if strict_manual is None else strict_manual
    return _finish(cf, pf, as_of, _core(cf, pf, plan, as_of, memo, derived), waivers, strict, check)


def today() -> dt.date:
    return timezone.localdate()


_PLANS: dict = {}  # compiled plans of this process by their parameters (read only once built)
PLANS_KEPT = 256


def _plan(rules: RuleSetCache, level: str, post_id) -> Plan:
    """The plan of a post's resolved rule set, compiled once per distinct set of parameters in this process."""
    key = rules.params_key(level, post_id)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= PLANS_KEPT:
            _PLANS.clear()
        plan = _PLANS[key] = Plan(rules.resolve(level, post_id))
    return plan


def explain(cadre: Cadre | int, post: Post | None, as_of: dt.date | None = None, *, scope: str = "",
            level: str | None = None, strict_manual: bool | None = None) -> Explanation:
    """One person (a Cadre or its id) against one post (or, with post=None, the default rule set of `level`),
    in one query (`explain_many`); Cadre.DoesNotExist for an unknown id."""
    as_of = as_of or today()
    pf = PostFacts.of(post) if post is not None else PostFacts.for_level(level)
    cadre_id = cadre if isinstance(cadre, int) else cadre.pk
    return explain_many([cadre_id], pf, as_of, scope=scope, strict_manual=strict_manual)[0]


def explain_many(ids, pf: PostFacts, as_of: dt.date, *, scope: str = "", strict_manual: bool | None = None) -> list[Explanation]:
    """`explain` for several people and one post, in the order of `ids`, in one query (`bundle.load_bundle`:
    the people, their history, waivers and manual checks, and the rule sets); Cadre.DoesNotExist for an unknown id."""
    if not ids:
        return []
    return _explain_found(load_bundle(ids, post_id=pf.id, scope=scope), ids, pf, as_of, scope, strict_manual)


def explain_ids(cadre_id: int, post_id: int, as_of: dt.date) -> Explanation:
    """`explain` of a person and a post given by their ids, the post read in the same query: Cadre.DoesNotExist
    for an unknown person, then Post.DoesNotExist for an unknown post."""
    found = load_bundle([cadre_id], post_id=post_id, with_post=True)
    if not found.people:
        raise Cadre.DoesNotExist
    if found.post is None:
        raise Post.DoesNotExist
    return _explain_found(found, [cadre_id], found.post, as_of, "", None)[0]


def _explain_found(found, ids, pf: PostFacts, as_of: dt.date, scope: str, strict_manual) -> list[Explanation]:
    plan = _plan(found.rule_sets, level_key(pf.level), pf.id)
    rs = plan.rule_set
    facts = {f.id: f for f in found.facts(
        as_of=as_of, assessment_years=_years_needed([rs]), with_posts=rs.params["common"]["county"]["on"],
    )}
    out = []
    for cid in ids:
        cf = facts.get(cid)
        if cf is None:
            raise Cadre.DoesNotExist
        merged = dict(found.waivers.get((cid, scope), {})) if scope else {}
        merged.update(found.waivers.get((cid, pf.id), {}))
        out.append(evaluate(
            cf, pf, plan, as_of, waivers=merged, strict_manual=strict_manual,
            check=manual_check_for(found.checks, cid, pf.id, scope),
        ))
    return out


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
        checks = load_manual_checks(cadres, post_ids=[p.id for p in pfs], scope=scope)
        _screen_loop(facts, plan_list, waivers, scope, as_of, {}, checks)
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


def _screen_loop(facts, plan_list, waivers, scope, as_of, memo, checks=None):
    """Run the rules once per person and post class into columns, then build every post's explanations.

    The explanations of a post are made by `zip` + `tuple.__new__` (no Python frame per pair, 1.3 M pairs for
    100 000 people × 13 posts); pairs with a waiver are then replaced in place by their own explanation.
    """
    checks = checks or {}
    waived_ids = {cid for cid, _ in waivers} | {cid for cid, _ in checks}
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
                check = manual_check_for(checks, cf.id, pf.id, scope)
                if w or check is not None:
                    out[index] = _finish(cf, pf, as_of, (appts[index], bases[index], ruless[index]), w, strict, check)


def screen_level(cadres, level: str, as_of: dt.date | None = None, *, strict_manual: bool | None = None) -> list[Explanation]:
    """Everyone against the default rule set of a level (no post): the `eligibility` command."""
    pf = PostFacts.for_level(level)
    return screen(cadres, [pf], as_of, strict_manual=strict_manual)[None]
