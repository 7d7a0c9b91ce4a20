"""Facts of the 任职资格 engine: what the rules read about people and posts, loaded set-based.

`load_facts` reads everything the rules need for a whole queryset of cadres in a fixed number of queries
(cadres, rank history, assessments, education, sanctions, and post history only when a rule set turns the
县处级 rule on); `load_waivers` reads the active waivers in one more.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connections
from django.db.models import Q

from ..models import (
    AnnualAssessment,
    Cadre,
    EligibilityManualCheck,
    EligibilityWaiver,
    EducationRecord,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
)
from . import rules as R
from .rulesets import LEVEL_RANK


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


# The record kinds the sanction rule may read (each rule set picks among them).
SANCTION_KINDS = ("党纪处分", "政务处分", "组织处理")


def active_cadres():
    return Cadre.objects.filter(status="在职")


def load_facts(
    cadres, *, as_of: dt.date, assessment_years: int | None = 3, with_posts: bool = False, concurrent: bool = False,
    ids=None,
) -> list[CadreFacts]:
    """Everything the rules need for every cadre of the queryset, in five queries (six with post history).

    `assessment_years` limits the assessments read to the years before the as-of year the rule looks at
    (None: all years, for the 职级 ladder rule). `concurrent`: a whole-roster screen may send the queries
    together (see `_fetch_all`). `ids`: the ids of a small queryset, given as a list so that the history tables
    are read through their cadre index (a page of rows) rather than joined against a subquery.
    """
    ids_q = list(ids) if ids is not None else cadres.values("pk")
    queries = {
        "cadres": cadres.order_by("rank_order", "id").values_list(
            "id", "name", "id_number", "gender", "birth_date", "staffing_type", "works_in_organ", "unit_id",
            "unit__name", "unit__kind", "position_title", "health", "title_level", "rank_level", "rank_start",
            "work_start_date",
        ),
        "ranks": RankHistory.objects.filter(cadre_id__in=ids_q).values_list("cadre_id", "level", "start", "end").order_by(),
        "grades": AnnualAssessment.objects.filter(cadre_id__in=ids_q).values_list("cadre_id", "year", "grade", "reason").order_by(),
        "educations": EducationRecord.objects.filter(cadre_id__in=ids_q).values_list("cadre_id", "mode", "level").order_by(),
        "sanctions": RewardPunishment.objects.filter(cadre_id__in=ids_q, kind__in=list(SANCTION_KINDS))
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


def load_manual_checks(cadres, *, post_ids: Iterable, scope: str = "") -> dict:
    """{(cadre_id, post_id or scope or ""): (passed, text)}: recorded manual checks for these posts, the scope and
    in general (no post, no scope), in one query."""
    post_ids = [p for p in post_ids if p]
    q = Q(post__isnull=True, scope="")
    if post_ids:
        q |= Q(post_id__in=post_ids)
    if scope:
        q |= Q(post__isnull=True, scope=scope)
    return {
        (cid, post_id or wscope): (passed, R.manual_check_text(passed=passed, reason=reason, recorded_on=on))
        for cid, post_id, wscope, passed, reason, on in (
            EligibilityManualCheck.objects.filter(q, cadre_id__in=cadres.values("pk"))
            .values_list("cadre_id", "post_id", "scope", "passed", "reason", "recorded_on")
            .order_by()
        )
    }


def manual_check_for(checks: Mapping, cadre_id, post_id, scope: str = ""):
    """The most specific recorded check for a person and a post: the post's, the scope's, then the general one."""
    if not checks:
        return None
    hit = checks.get((cadre_id, post_id)) if post_id else None
    if hit is None and scope:
        hit = checks.get((cadre_id, scope))
    if hit is None:
        hit = checks.get((cadre_id, ""))
    return hit
