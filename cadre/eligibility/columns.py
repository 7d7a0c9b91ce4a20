"""Column-stored whole-roster screens: the rules evaluated set-wise (numpy), explanations built only when read.

`screen_columns(cadres, posts, as_of)` answers every person of a roster for every post with one array per post
for the appointment kind, the overall result and whether the manual line is still open, in roster order. It
reads only what decides pass or fail (a few columns per person, rank-history intervals, education ranks, the
people whose assessments pass, the sanctions) and evaluates each rule over the whole roster at once; the rule
functions of `rules` decide each distinct input (a (rank, title) pair, a health text, a pool combination…),
so the decisions are the per-person path's. People with a waiver or a recorded manual check, and rule sets that
turn on the 职级 ladder or the 县处级 rule, go through the per-person path itself (`engine`).

`Screen.explanations(post_id, indices)` builds the full explanations of the rows asked for with that path
(`engine.explain_many`), in one query: a page of 50 rows reads 50 people, not the roster.
"""
from __future__ import annotations

import datetime as dt
import gc
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from django.db import connections
from django.db.models import Count, Func, IntegerField, Q

from ..choices import EDUCATION_RANK, RANK_GRADE
from ..models import AnnualAssessment, EducationRecord, OrgUnit, RankHistory, RewardPunishment
from . import dates as D
from . import rules as R
from .engine import Explanation, Plan, explain_many, screen, today
from . import facts as F
from .facts import PostFacts, load_manual_checks, load_waivers
from .rulesets import RuleSetCache, level_key

APPT_INDEX = {a: i for i, a in enumerate(R.APPOINTMENTS)}
RESULT_INDEX = {r: i for i, r in enumerate(R.RESULTS)}
OK, OK_WAIVED, MANUAL, FAIL = (RESULT_INDEX[r] for r in R.RESULTS)
INF = (1 << 22) - 1  # an open end, above every date ordinal
BIG = 1 << 22


@dataclass
class PostColumns:
    post: PostFacts
    appointment: np.ndarray  # int8, index into rules.APPOINTMENTS
    result: np.ndarray  # int8, index into rules.RESULTS
    manual_open: np.ndarray  # bool: the manual line is still 待人工审核


@dataclass
class Screen:
    as_of: dt.date
    scope: str
    strict_manual: bool | None
    ids: np.ndarray  # cadre ids, roster order
    unit_ids: np.ndarray  # -1 without a unit
    posts: dict  # post id → PostColumns

    def explanations(self, post_id, indices) -> list[Explanation]:
        """The explanations of the rows at `indices`. A screen read from the cache carries its cache key
        (`memo_key`, which names the roster version): the rows of a page are then kept in this process and
        read again under the same key, as the screen itself is."""
        ids = [int(self.ids[i]) for i in indices]
        key = getattr(self, "memo_key", None)
        if key is None or len(ids) > EXPLAINED_MAX_ROWS:
            return self._explain(post_id, ids)
        memo_key = (key, post_id, tuple(ids))
        rows = EXPLAINED.get(memo_key)
        if rows is None:
            rows = EXPLAINED.put(memo_key, tuple(self._explain(post_id, ids)))
        return list(rows)

    def _explain(self, post_id, ids) -> list[Explanation]:
        return explain_many(ids, self.posts[post_id].post, self.as_of, scope=self.scope, strict_manual=self.strict_manual)


class Recent:
    """The last `size` values by key, in this process (least recently read dropped first)."""

    def __init__(self, size: int):
        self.size, self.items = size, OrderedDict()

    def get(self, key):
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key, value):
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


EXPLAINED = Recent(64)  # pages of explanations of cached screens
EXPLAINED_MAX_ROWS = 500  # an export's chunks are not kept


def _codes(values, table: dict) -> np.ndarray:
    """Small integer codes of categorical values (the table maps value → code and grows)."""
    setdefault = table.setdefault
    return np.fromiter((setdefault(v, len(table)) for v in values), np.int64, len(values))


def _decide(codes: np.ndarray, table: dict, fn) -> np.ndarray:
    """fn(value) for each distinct value of a coded column, spread back over the rows."""
    by_code = np.zeros(max(len(table), 1), dtype=bool)
    for value, code in table.items():
        by_code[code] = fn(value)
    return by_code[codes]


class Days(Func):
    """A date as whole days since 1970-01-01 (an integer: cheaper to read than a date; NULL stays NULL)."""

    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra)


EPOCH = dt.date(1970, 1, 1).toordinal()


def _days(values, n: int, none: int) -> np.ndarray:
    """Date ordinals from `Days` values (None → `none`)."""
    return np.fromiter((v + EPOCH if v is not None else none for v in values), np.int64, n)


def _fetch(queries: dict, *, concurrent: bool) -> dict:
    """{name: rows} for value-list querysets, read raw (fetchall): in turn on this connection, or (`concurrent`,
    a big roster) together on worker connections when outside a transaction on PostgreSQL (`facts._fetch_all`)."""
    first = next(iter(queries.values()))
    conn = connections[first.db]
    if concurrent and conn.vendor == "postgresql" and not conn.in_atomic_block:
        pool = ThreadPoolExecutor(max_workers=len(queries), thread_name_prefix="eligibility-columns")
        futures = {name: pool.submit(F._fetch_rows, *qs.query.sql_with_params(), first.db) for name, qs in queries.items()}
        pool.shutdown(wait=False)
        return {name: future.result() for name, future in futures.items()}
    out = {}
    with conn.cursor() as cursor:
        for name, qs in queries.items():
            sql, params = qs.query.sql_with_params()
            cursor.execute(sql, params)
            out[name] = cursor.fetchall()
    return out


def _codes(values, table: dict) -> np.ndarray:
    """Small integer codes of categorical values (the table maps value → code and grows)."""
    for v in set(values) - table.keys():
        table[v] = len(table)
    return np.fromiter(map(table.__getitem__, values), np.int64, len(values))


def _decide(codes: np.ndarray, table: dict, fn) -> np.ndarray:
    """fn(value) for each distinct value of a coded column, spread back over the rows."""
    by_code = np.zeros(max(len(table), 1), dtype=bool)
    for value, code in table.items():
        by_code[code] = fn(value)
    return by_code[codes]


class _Roster:
    """The columns the rules read, one entry per person in roster order, fetched narrow: dates as day numbers,
    only the rank rows that decide something (held on the as-of date; the levels a tenure rule counts), the
    people whose assessments pass (counted in the database), education rows at or above a minimum."""

    def __init__(self, cadres, plans, as_of: dt.date, concurrent: bool):
        self.as_of = as_of
        a = as_of
        # A big roster reads the history tables whole and drops other people's rows here: cheaper than joining
        # every one of them with the roster's ids. A small one (a page, a campaign's applicants) joins.
        big = cadres.count() >= F.CONCURRENT_FETCH_MIN_ROWS
        ids_q = cadres.values("pk")

        def mine(qs):
            return qs if big else qs.filter(cadre_id__in=ids_q)

        ranks = mine(RankHistory.objects.filter(start__lte=a))
        queries = {
            "cadres": cadres.order_by("rank_order", "id").annotate(_birth=Days("birth_date"), _rank_start=Days("rank_start"))
            .values_list(
                "id", "gender", "_birth", "staffing_type", "works_in_organ", "unit_id", "health", "title_level",
                "rank_level", "_rank_start",
            ),
            "held": ranks.filter(Q(end__isnull=True) | Q(end__gte=a)).annotate(_start=Days("start"))
            .values_list("cadre_id", "level", "_start").order_by(),
            "ranked": mine(RankHistory.objects.all()).values_list("cadre_id").distinct().order_by(),
        }
        self.tenure_specs = sorted({
            (ten[0], tuple(sorted(ten[1])) if ten[1] is not None else None)
            for p in plans for (_age, ten, _edu) in p.sections.values() if ten is not None
        }, key=repr)
        for i, (min_grade, levels) in enumerate(self.tenure_specs):
            names = [lv for lv, g in RANK_GRADE.items() if g >= min_grade and (levels is None or lv in levels)]
            queries[f"tenure{i}"] = (
                ranks.filter(level__in=names).annotate(_start=Days("start"), _end=Days("end"))
                .values_list("cadre_id", "_start", "_end").order_by()
            )
        self.assessment_specs = sorted({p.assessment for p in plans if p.assessment})
        for i, (years, accepted) in enumerate(self.assessment_specs):
            good = [g for g in accepted if g and g != "未定等次"] or ["-"]
            queries[f"grades{i}"] = (
                mine(AnnualAssessment.objects.filter(year__gte=as_of.year - years, year__lt=as_of.year, grade__in=good))
                .values("cadre_id").annotate(n=Count("id")).filter(n=years).values_list("cadre_id").order_by()
            )
        self.minimums = sorted({EDUCATION_RANK[e[0]] for p in plans for (_a, _t, e) in p.sections.values() if e is not None})
        if self.minimums:
            levels = [lv for lv, r in EDUCATION_RANK.items() if r >= self.minimums[0]]
            queries["educations"] = (
                mine(EducationRecord.objects.filter(level__in=levels)).values_list("cadre_id", "mode", "level").order_by()
            )
        kinds = sorted({k for p in plans if p.sanction for k in p.sanction})
        if kinds:
            queries["sanctions"] = (
                mine(RewardPunishment.objects.filter(kind__in=kinds))
                .values_list("cadre_id", "kind", "name", "decided_on", "effect_start", "effect_end").order_by()
            )
        results = _fetch(queries, concurrent=concurrent and big)
        rows = results["cadres"]
        n = self.n = len(rows)
        cols = list(zip(*rows)) if rows else [()] * 10
        self.ids = np.fromiter(cols[0], np.int64, n)
        self._sorter = np.argsort(self.ids)
        self._sorted = self.ids[self._sorter]
        self.male = np.fromiter(map("男".__eq__, cols[1]), bool, n)
        self.birth = _days(cols[2], n, 0)
        units = dict(OrgUnit.objects.filter(pk__in={u for u in cols[5] if u is not None}).values_list("pk", "kind")) if n else {}
        self.pool_table, self.health_table, self.title_table, self.rank_table = {}, {}, {}, {"": 0}
        self.pool = _codes(list(zip(cols[3], map(bool, cols[4]), (units.get(u) or "" for u in cols[5]))), self.pool_table)
        self.unit_ids = np.fromiter((u if u is not None else -1 for u in cols[5]), np.int64, n)
        self.health = _codes([h or "" for h in cols[7 - 1]], self.health_table)
        self.title = _codes([t or "" for t in cols[7]], self.title_table)
        has_rows = np.zeros(n, bool)
        has_rows[self.position(r[0] for r in results["ranked"])] = True
        self._rank_held(results["held"], [r or "" for r in cols[8]], _days(cols[9], n, -1), has_rows)
        self.runs = {}
        for i, spec in enumerate(self.tenure_specs):
            self.runs[spec] = self._islands(results[f"tenure{i}"])
        self.passed_assessment = {}
        for i, spec in enumerate(self.assessment_specs):
            ok = np.zeros(n, bool)
            ok[self.position(r[0] for r in results[f"grades{i}"])] = True
            self.passed_assessment[spec] = ok
        self.edu_ft, self.edu_pt = np.zeros(n, np.int64), np.zeros(n, np.int64)
        edu = self.mine(results.get("educations") or [])
        if edu:
            e_cid, e_mode, e_level = zip(*edu)
            e_idx = self.position(e_cid)
            e_rank = np.fromiter(map(EDUCATION_RANK.__getitem__, e_level), np.int64, len(edu))
            ft = np.fromiter(map("全日制".__eq__, e_mode), bool, len(edu))
            pt = np.fromiter(map("在职".__eq__, e_mode), bool, len(edu))
            self.edu_ft[e_idx[ft]] = e_rank[ft]
            self.edu_pt[e_idx[pt]] = e_rank[pt]
        sanctions = self.mine(results.get("sanctions") or [])
        where = self.position(r[0] for r in sanctions)
        self.sanction_rows = [
            (int(i), R.Sanction(kind, name, D.parse_date(decided), D.parse_date(start), D.parse_date(end)))
            for i, (_cid, kind, name, decided, start, end) in zip(where, sanctions)
        ]

    def position(self, cadre_ids) -> np.ndarray:
        """Roster positions of the cadre ids that are on the roster (others are left out)."""
        ids = np.fromiter(cadre_ids, np.int64)
        return self._sorter[self._at(ids)[self._on(ids)]]

    def _at(self, ids: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(self._sorted, ids), max(self.n - 1, 0))

    def _on(self, ids: np.ndarray) -> np.ndarray:
        return self._sorted[self._at(ids)] == ids if self.n else np.zeros(len(ids), bool)

    def mine(self, rows: list) -> list:
        """The rows (cadre id first) of people on the roster."""
        if not rows:
            return rows
        on = self._on(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        return rows if on.all() else [r for r, keep in zip(rows, on) if keep]

    def _rank_held(self, held_rows, record_rank, record_start, has_rows):
        """The level held on the as-of date (dates.rank_on): the latest start, then the larger level name; a
        person without rank rows holds the record's level from its start (or always, without a start)."""
        n, a = self.n, self.as_of.toordinal()
        table = self.rank_table
        best = np.full(n, -1, np.int64)
        held_rows = self.mine(held_rows)
        if held_rows:
            cid, level, start = zip(*held_rows)
            names = sorted(set(level))
            order = {name: i for i, name in enumerate(names)}
            key = _days(start, len(start), 0) * 64 + np.fromiter(map(order.__getitem__, level), np.int64, len(level))
            np.maximum.at(best, self.position(cid), key)
            name_code = np.array([table.setdefault(name, len(table)) for name in names], np.int64)
            held = np.where(best >= 0, name_code[np.where(best >= 0, best % 64, 0)], 0)
        else:
            held = np.zeros(n, np.int64)
        record = _codes(record_rank, table)
        # no rank rows: the record's level from its start (load_facts' synthetic row), or the level itself
        synthetic = np.where((record > 0) & (record_start >= 0), np.where(record_start <= a, record, 0), record)
        self.rank = np.where(has_rows, held, synthetic)
        self._synthetic = (~has_rows) & (record > 0) & (record_start >= 0)
        self._record = (record, record_start)

    def _islands(self, rows) -> tuple:
        """(positions, starts, ends) of the rank rows a tenure rule counts (ends INF when open)."""
        rows = self.mine(rows)
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        cid, start, end = zip(*rows)
        return self.position(cid), _days(start, len(start), 0), _days(end, len(end), INF)

    def run_start(self, spec, record_levels) -> np.ndarray:
        """dates.consecutive_start of one tenure rule for everyone (date ordinal, -1 for none), set-wise: gaps
        and islands over the counted rows, with the record's own row for people without rank history whose
        record level counts (`record_levels`: the rank codes that qualify)."""
        key = (spec, record_levels)
        if key in self.runs:
            return self.runs[key]
        c, s, e = self.runs[spec]
        record, record_start = self._record
        extra = np.flatnonzero(self._synthetic & np.isin(record, record_levels) & (record_start <= self.as_of.toordinal()))
        if len(extra):
            c = np.concatenate([c, extra])
            s = np.concatenate([s, record_start[extra]])
            e = np.concatenate([e, np.full(len(extra), INF, np.int64)])
        a = self.as_of.toordinal()
        out = np.full(self.n, -1, np.int64)
        if len(c):
            order = np.lexsort((e, s, c))
            c, s, e = c[order], s[order], e[order]
            run = np.maximum.accumulate(c * BIG + e) - c * BIG  # running end (INF when open), per person
            first = np.ones(len(c), bool)
            first[1:] = c[1:] != c[:-1]
            prev = np.empty_like(run)
            prev[0] = 0
            prev[1:] = run[:-1]
            new = first | (s - 1 > prev)
            start_of = s[np.maximum.accumulate(np.where(new, np.arange(len(c)), 0))]
            last = np.ones(len(c), bool)
            last[:-1] = c[:-1] != c[1:]
            keep = last & (run >= a)
            out[c[keep]] = start_of[keep]
        self.runs[key] = out
        return out


def _class_columns(roster: _Roster, plan: Plan, pf: PostFacts, as_of: dt.date, strict: bool):
    """(appointment, result, manual_open) arrays of one post class, before waivers and recorded checks."""
    n = roster.n
    fail = np.zeros(n, bool)
    if plan.pool is not None:
        kinds, units, organ = plan.pool
        fail |= _decide(roster.pool, roster.pool_table, lambda v: R.check_pool(
            staffing_type=v[0], works_in_organ=v[1], unit_kind=v[2], staffing_types=kinds, unit_kinds=units,
            organ_staffing_types=organ,
        ).status == R.FAIL)
    if plan.assessment is not None:
        fail |= ~roster.passed_assessment[plan.assessment]
    if plan.health is not None:
        fail |= _decide(roster.health, roster.health_table, lambda v: R.check_health(health=v, unfit_markers=plan.health).status == R.FAIL)
    if plan.sanction is not None:
        for i, s in roster.sanction_rows:
            if s.kind in plan.sanction and s.in_effect_on(as_of):
                fail[i] = True
    grade = R.post_grade(pf.level)
    T = max(len(roster.title_table), 1)
    pair = roster.rank * T + roster.title
    uniq, inverse = np.unique(pair, return_inverse=True)
    ranks = {code: name for name, code in roster.rank_table.items()}
    titles = {code: name for name, code in roster.title_table.items()}
    appt_of = np.array([APPT_INDEX[R.detect_appointment(
        current_rank=ranks[int(p) // T], title_level=titles.get(int(p) % T, ""), post_grade=grade,
        equivalent_ranks=plan.equivalent, title_min=plan.title_min,
    )[0]] for p in uniq] or [0], np.int8)
    appointment = appt_of[inverse.reshape(-1)] if n else np.zeros(0, np.int8)
    fail |= appointment == APPT_INDEX[R.DEMOTION]
    for kind, (age, ten, edu) in plan.sections.items():
        sel = appointment == APPT_INDEX[kind]
        if not sel.any():
            continue
        part = np.zeros(n, bool)
        if age is not None:
            male_limit, female_limit, male_cut, female_cut, _label, _waivable = age
            cut_m = (male_cut or D.birth_cutoff(as_of, male_limit)).toordinal()
            cut_f = (female_cut or D.birth_cutoff(as_of, female_limit)).toordinal()
            part |= roster.birth < np.where(roster.male, cut_m, cut_f)
        if ten is not None:
            min_grade, levels, _label, years, _waivable = ten
            spec = (min_grade, tuple(sorted(levels)) if levels is not None else None)
            counted = tuple(sorted(code for name, code in roster.rank_table.items()
                                   if RANK_GRADE.get(name, -1) >= min_grade and (levels is None or name in levels)))
            run = roster.run_start(spec, counted)
            starts = np.unique(run[run >= 0])
            ok = np.array([D.has_years(dt.date.fromordinal(int(s)), as_of, years) for s in starts] + [False], bool)
            pos = np.minimum(np.searchsorted(starts, run), len(starts))
            part |= ~((run >= 0) & ok[pos])
        if edu is not None:
            minimum, ft_only, _waivable = edu
            best = roster.edu_ft if (ft_only or pf.requires_full_time_education) else np.maximum(roster.edu_ft, roster.edu_pt)
            part |= best < EDUCATION_RANK[minimum]
        fail |= sel & part
    manual = plan.manual is not None
    result = np.where(fail, FAIL, MANUAL if (strict and manual) else OK).astype(np.int8)
    return appointment, result, np.full(n, manual, bool)


def screen_columns(cadres, posts, as_of: dt.date | None = None, *, scope: str = "", strict_manual: bool | None = None,
                   concurrent: bool = True) -> Screen:
    """Every cadre of the queryset against every post, column-stored (see the module docstring)."""
    as_of = as_of or today()
    if hasattr(posts, "select_related"):
        posts = list(posts.select_related("unit"))
    pfs = [p if isinstance(p, PostFacts) else PostFacts.of(p) for p in posts]
    cache = RuleSetCache(posts=[p.id for p in pfs], scope=scope)
    plans, classes = {}, {}
    for pf in pfs:
        rs = cache.resolve(level_key(pf.level), pf.id)
        plan = plans.setdefault((rs.level, rs.key), Plan(rs))
        key = (id(plan), R.post_grade(pf.level), pf.requires_full_time_education, pf.level)
        classes.setdefault(key, (plan, pf, []))[2].append(pf)
    if any(p.ladder is not None or p.county is not None for p in plans.values()):
        return _from_explanations(cadres, pfs, as_of, scope, strict_manual)
    # Several hundred thousand fetched row tuples, freed by reference counting (no cycles): the cyclic collector
    # would only rescan the whole process heap while they are built.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        roster = _Roster(cadres, list(plans.values()), as_of, concurrent)
    finally:
        if was_enabled:
            gc.enable()
    out = {}
    for plan, first, members in classes.values():
        strict = plan.strict if strict_manual is None else strict_manual
        appointment, result, manual_open = _class_columns(roster, plan, first, as_of, strict)
        for pf in members:
            out[pf.id] = PostColumns(pf, appointment, result, manual_open)
    screen_ = Screen(as_of, scope, strict_manual, roster.ids, roster.unit_ids, out)
    _apply_personal(screen_, cadres, roster, pfs, scope)
    return screen_


def _apply_personal(screen_: Screen, cadres, roster: _Roster, pfs, scope: str) -> None:
    """People with a waiver or a recorded manual check: their rows come from the per-person path."""
    waivers = load_waivers(cadres, post_ids=[p.id for p in pfs], scope=scope) if (any(p.id for p in pfs) or scope) else {}
    checks = load_manual_checks(cadres, post_ids=[p.id for p in pfs], scope=scope)
    people = sorted({cid for cid, _ in waivers} | {cid for cid, _ in checks})
    people = [int(c) for c in np.asarray(people, np.int64)[np.isin(people, roster.ids)]] if people else []
    if not people:
        return
    for pf in pfs:
        col = screen_.posts[pf.id]
        col.appointment, col.result, col.manual_open = col.appointment.copy(), col.result.copy(), col.manual_open.copy()
        for x in explain_many(people, pf, screen_.as_of, scope=scope, strict_manual=screen_.strict_manual):
            i = int(roster.position([x.cadre.id])[0])
            col.appointment[i], col.result[i], col.manual_open[i] = APPT_INDEX[x.appointment], RESULT_INDEX[x.result], bool(x.manual)


def _from_explanations(cadres, pfs, as_of, scope, strict_manual) -> Screen:
    """Rule sets with the 职级 ladder or the 县处级 rule: the per-person engine, stored as columns."""
    result = screen(cadres, pfs, as_of, scope=scope, strict_manual=strict_manual)
    first = result[pfs[0].id] if pfs else []
    ids = np.fromiter((x.cadre.id for x in first), np.int64, len(first))
    units = np.fromiter((x.cadre.unit_id if x.cadre.unit_id is not None else -1 for x in first), np.int64, len(first))
    out = {}
    for pf in pfs:
        rows = result[pf.id]
        out[pf.id] = PostColumns(
            pf, np.fromiter((APPT_INDEX[x.appointment] for x in rows), np.int8, len(rows)),
            np.fromiter((RESULT_INDEX[x.result] for x in rows), np.int8, len(rows)),
            np.fromiter((bool(x.manual) for x in rows), bool, len(rows)),
        )
    return Screen(as_of, scope, strict_manual, ids, units, out)
