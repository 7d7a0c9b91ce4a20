"""Everything the explanations of a few people for one post read, in one query.

`load_bundle(ids, post_id=…, scope=…)` reads, for each person, the record (with the unit's name and kind), the
rank history, the assessments, the education, the sanctions, the post history, the active waivers and the
recorded manual checks for the post and the scope, and the rule-set rows of the post, its level and the scope:
one row per person with a JSON array per table (PostgreSQL `json_agg`, SQLite `json_group_array`), so an
explanation or a page of 50 costs one round trip and no ORM compilation. `Bundle.facts` then keeps what the rule
set asks for (the assessment years, the post history of the 县处级 rule) and builds the same `CadreFacts`,
waivers and checks as `facts.load_facts`, `load_waivers` and `load_manual_checks`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import NamedTuple

from django.db import connections, router

from ..models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    EligibilityManualCheck,
    EligibilityRuleSet,
    EligibilityWaiver,
    OrgUnit,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
)
from . import rules as R
from .facts import SANCTION_KINDS, CadreFacts, PostFacts
from .rulesets import RuleSetCache

VENDORS = ("postgresql", "sqlite")
_date = dt.date.fromisoformat


def _day(value):
    return _date(value) if value is not None else None


def _tables() -> dict:
    return {m.__name__: m._meta.db_table for m in (
        Cadre, OrgUnit, Post, RankHistory, AnnualAssessment, EducationRecord, RewardPunishment, PostHistory,
        EligibilityWaiver, EligibilityManualCheck, EligibilityRuleSet,
    )}


def _sql(vendor: str, n: int, post_id, scope: str, with_post: bool = False) -> tuple[str, list]:
    """The query and the parameters that do not depend on the people (those are appended by the caller)."""
    if vendor == "postgresql":
        agg, arr, text, jsonb = "json_agg", "json_build_array", "::text", "{}"
    else:
        agg, arr, text, jsonb = "json_group_array", "json_array", "", "json({})"
    t = _tables()

    def rows(columns: str, source: str, where: str) -> str:
        return f"(SELECT {agg}({arr}({columns})) FROM {source} WHERE {where}){text}"

    params: list = list(SANCTION_KINDS)
    waiver_where = "w.post_id = %s" if post_id else "1 = 0"
    check_where = "(m.post_id IS NULL AND m.scope = '')"
    rule_where = "(g.post_id IS NULL AND g.scope = '')"
    waiver_params, check_params, rule_params = [post_id] if post_id else [], [], []
    if post_id:
        check_where += " OR m.post_id = %s"
        rule_where += " OR g.post_id = %s"
        check_params.append(post_id)
        rule_params.append(post_id)
    if scope:
        waiver_where += " OR w.scope = %s"
        check_where += " OR (m.post_id IS NULL AND m.scope = %s)"
        rule_where += " OR (g.scope = %s AND g.post_id IS NULL)"
        waiver_params.append(scope)
        check_params.append(scope)
        rule_params.append(scope)
    params += waiver_params + check_params + rule_params
    post = "NULL"
    if with_post:
        post = (f"(SELECT {arr}(p.id, p.title, p.unit_id, pu.name, pu.short_name, p.level, p.kind, "
                f"p.requires_full_time_education, p.is_open_for_competition){text} FROM {t['Post']} p "
                f"JOIN {t['OrgUnit']} pu ON pu.id = p.unit_id WHERE p.id = %s)")
        params.append(post_id)
    marks = ", ".join(["%s"] * n)
    sql = f"""SELECT
 {arr}(c.id, c.name, c.id_number, c.gender, c.birth_date, c.staffing_type, c.works_in_organ, c.unit_id, u.name,
   u.kind, c.position_title, c.health, c.title_level, c.rank_level, c.rank_start, c.work_start_date, c.user_id){text},
 {rows('r.level, r.start, r."end"', f'{t["RankHistory"]} r', 'r.cadre_id = c.id')},
 {rows('a.year, a.grade, a.reason', f'{t["AnnualAssessment"]} a', 'a.cadre_id = c.id')},
 {rows('e.mode, e.level', f'{t["EducationRecord"]} e', 'e.cadre_id = c.id')},
 {rows('s.kind, s.name, s.decided_on, s.effect_start, s.effect_end', f'{t["RewardPunishment"]} s',
       's.cadre_id = c.id AND s.kind IN (%s, %s, %s)')},
 {rows('pu.kind, p.start, p."end"', f'{t["PostHistory"]} p LEFT JOIN {t["OrgUnit"]} pu ON pu.id = p.unit_id',
       'p.cadre_id = c.id AND NOT p.is_secondment')},
 {rows('w.post_id, w.scope, w.rule, w.reason', f'{t["EligibilityWaiver"]} w',
       f'w.cadre_id = c.id AND w.revoked_at IS NULL AND ({waiver_where})')},
 {rows('m.post_id, m.scope, m.passed, m.reason, m.recorded_on', f'{t["EligibilityManualCheck"]} m',
       f'm.cadre_id = c.id AND ({check_where})')},
 {rows('g.level, g.post_id, g.scope, ' + jsonb.format('g.params'), f'{t["EligibilityRuleSet"]} g', rule_where)},
 {post}
FROM {t["Cadre"]} c LEFT JOIN {t["OrgUnit"]} u ON u.id = c.unit_id
WHERE c.id IN ({marks})
ORDER BY c.rank_order, c.id"""
    return sql, params


def _loads(value) -> list:
    return json.loads(value) if value else []


class _Person(NamedTuple):
    record: list
    ranks: list
    grades: list
    educations: list
    sanctions: list
    posts: list


class Bundle(NamedTuple):
    people: list  # _Person per person, roster order (rank_order, id)
    waivers: dict  # as facts.load_waivers
    checks: dict  # as facts.load_manual_checks
    users: dict  # cadre id → user id (None without an account)
    rule_sets: RuleSetCache
    post: PostFacts | None = None  # with_post: the post (None when it does not exist or nobody was found)

    def facts(self, *, as_of: dt.date, assessment_years: int | None, with_posts: bool) -> list[CadreFacts]:
        """`facts.load_facts` of these people: assessments of the years before the as-of year the rule looks at
        (all of them for None), post history only `with_posts`."""
        low, high = (as_of.year - assessment_years, as_of.year) if assessment_years is not None else (None, None)
        out = []
        empty: dict = {}
        for p in self.people:
            (cid, name, idn, gender, birth, staffing, in_organ, unit_id, unit_name, unit_kind, position, health, title,
             rank, rank_start, work_start, _user) = p.record
            rank_rows = [(level, _date(start), _day(end)) for level, start, end in p.ranks]
            if not rank_rows and rank and rank_start:
                rank_rows = [(rank, _date(rank_start), None)]
            grades = {}
            for year, grade, reason in p.grades:
                if low is None or low <= year < high:
                    grades[year] = (grade, reason)
            educations = {}
            for mode, level in p.educations:
                educations[mode] = level
            sanctions = tuple(
                R.Sanction(kind, sname, _day(decided), _day(start), _day(end)) for kind, sname, decided, start, end in p.sanctions
            )
            history = tuple((kind or "", _date(start), _day(end)) for kind, start, end in p.posts) if with_posts else ()
            out.append(CadreFacts(
                cid, name, idn, gender, _date(birth), staffing, bool(in_organ), unit_id, unit_name or "", unit_kind or "",
                position or "", health or "", title or "", rank or "", _day(work_start),
                tuple(rank_rows), grades or empty, educations or empty, sanctions, history,
            ))
        return out


def load_bundle(ids, *, post_id=None, scope: str = "", with_post: bool = False) -> Bundle:
    """One query: the people of `ids` (missing ones left out), their waivers and manual checks for `post_id` and
    `scope`, and the rule-set rows of the post, the levels and the scope (see the module docstring); `with_post`:
    the post's facts as well."""
    ids = list(ids)
    alias = router.db_for_read(Cadre)
    conn = connections[alias]
    sql, params = _sql(conn.vendor, len(ids), post_id, scope, with_post)
    with conn.cursor() as cursor:
        cursor.execute(sql, params + ids)
        fetched = cursor.fetchall()
    people, users, rule_rows, post = [], {}, None, None
    waivers: dict = defaultdict(dict)
    checks = {}
    for record, ranks, grades, educations, sanctions, posts, person_waivers, person_checks, rule_sets, post_row in fetched:
        record = json.loads(record)
        cid = record[0]
        users[cid] = record[-1]
        people.append(_Person(record, _loads(ranks), _loads(grades), _loads(educations), _loads(sanctions), _loads(posts)))
        for wpost, wscope, rule, reason in _loads(person_waivers):
            waivers[(cid, wpost or wscope)][rule] = reason
        for mpost, mscope, passed, reason, on in _loads(person_checks):
            passed = bool(passed)
            checks[(cid, mpost or mscope)] = (passed, R.manual_check_text(passed=passed, reason=reason, recorded_on=_date(on)))
        if rule_rows is None:
            rule_rows = [(level, rpost, rscope, params) for level, rpost, rscope, params in _loads(rule_sets)]
            if post_row:
                pid, title, unit_id, unit_name, short_name, level, kind, full_time, is_open = json.loads(post_row)
                post = PostFacts(pid, f"{short_name or unit_name}{title}", unit_id, unit_name, level, kind, bool(full_time), bool(is_open))
    if rule_rows is None:  # nobody found: the rule sets are still read (an empty answer needs none, but stay exact)
        rules = RuleSetCache(posts=[post_id] if post_id else [], scope=scope)
    else:
        rules = RuleSetCache.from_rows(rule_rows, scope=scope)
    return Bundle(people, waivers, checks, users, rules, post)
