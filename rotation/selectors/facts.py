"""Reads for rotation: the whole roster's facts in a few queries, the due list."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from cadre.choices import EDUCATION_RANK, ETHNICITY_NAME, LEADERSHIP_LEVELS
from cadre.models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, OrgUnit, Post, PostHistory

from .. import rules
from ..models import RotationPolicy


def today() -> dt.date:
    return timezone.localdate()


def current_policy() -> RotationPolicy:
    """The default policy row, or the built-in defaults (unsaved) when none is stored."""
    return RotationPolicy.objects.filter(is_default=True).first() or RotationPolicy(name="默认口径", is_default=True)


# ---------------------------------------------------------------- facts


def _post_facts(row: dict, holders: int = 0) -> rules.PostFacts:
    return rules.PostFacts(
        post_id=row["id"], unit_id=row["unit_id"], unit_name=row["unit__name"], title=row["title"], level=row["level"],
        kind=row["kind"], headcount=row["headcount"], holders=holders, is_key_post=row["is_key_post"],
        needs_local_avoidance=row["needs_local_avoidance"], unit_is_key=row["unit__is_key_unit"],
        unit_key_area=row["unit__key_area"] or "", unit_locality=row["unit__locality"] or "",
        unit_kind=row["unit__kind"] or "",
    )


POST_FIELDS = ("id", "unit_id", "unit__name", "unit__kind", "title", "level", "kind", "headcount", "is_key_post",
               "needs_local_avoidance", "unit__is_key_unit", "unit__key_area", "unit__locality")


def post_facts(posts=None) -> tuple[dict[int, rules.PostFacts], dict[int, set[int]]]:
    """Active posts (or the given queryset) as facts, and who holds each now: two queries."""
    qs = posts if posts is not None else Post.objects.filter(is_active=True)
    rows = list(qs.values(*POST_FIELDS).order_by())
    ids = [r["id"] for r in rows]
    holdings: dict[int, set[int]] = defaultdict(set)
    for post_id, cadre_id in PostHistory.objects.filter(post_id__in=ids, end__isnull=True, is_secondment=False).values_list(
        "post_id", "cadre_id"
    ).order_by():
        holdings[post_id].add(cadre_id)
    return {r["id"]: _post_facts(r, len(holdings.get(r["id"], ()))) for r in rows}, dict(holdings)


@dataclass(frozen=True)
class Extra:
    age: int
    education: str
    education_rank: int
    ethnicity: str
    political_status: str


def roster_facts(as_of: dt.date, cadres=None) -> tuple[dict[int, rules.PersonFacts], dict[int, Extra]]:
    """Every active cadre (or the queryset) as PersonFacts, in three queries whatever the roster size."""
    qs = cadres if cadres is not None else Cadre.objects.filter(status="在职")
    rows = list(
        qs.values(
            "id", "name", "gender", "birth_date", "unit_id", "unit__name", "unit__locality", "unit__is_key_unit",
            "unit__key_area", "position_title", "rank_level", "position_start", "grew_up_place", "native_place",
            "ethnicity", "political_status",
        ).order_by("rank_order", "id")
    )
    ids = [r["id"] for r in rows]
    held: dict[int, list[dict]] = defaultdict(list)
    for h in (
        PostHistory.objects.filter(cadre_id__in=ids, end__isnull=True, is_secondment=False, post__isnull=False)
        .values("cadre_id", "start", "title", *[f"post__{f}" for f in POST_FIELDS])
        .order_by("start")
    ):
        held[h["cadre_id"]].append(h)
    edu: dict[int, str] = {}
    for cid, level in EducationRecord.objects.filter(cadre_id__in=ids).exclude(level="").values_list("cadre_id", "level").order_by():
        if EDUCATION_RANK.get(level, 0) > EDUCATION_RANK.get(edu.get(cid, ""), 0):
            edu[cid] = level
    people, extra = {}, {}
    for r in rows:
        rows_held = held.get(r["id"], [])
        h = next((x for x in rows_held if x["post__unit_id"] == r["unit_id"] and x["post__title"] == r["position_title"]), None)
        h = h or (rows_held[-1] if rows_held else None)
        if h is not None:
            pf = _post_facts({k[6:]: v for k, v in h.items() if k.startswith("post__")})
            p = rules.PersonFacts(
                cadre_id=r["id"], name=r["name"], gender=r["gender"], birth_date=r["birth_date"], unit_id=pf.unit_id,
                unit_name=pf.unit_name, post_id=pf.post_id, post_title=pf.title, post_level=pf.level, post_kind=pf.kind,
                position_start=r["position_start"] if pf.unit_id == r["unit_id"] and pf.title == r["position_title"] and r["position_start"] else h["start"],
                is_key_post=pf.is_key_post, needs_local_avoidance=pf.needs_local_avoidance, unit_is_key=pf.unit_is_key,
                unit_key_area=pf.unit_key_area, unit_locality=pf.unit_locality, grew_up_place=r["grew_up_place"],
                native_place=r["native_place"],
            )
        else:
            p = rules.PersonFacts(
                cadre_id=r["id"], name=r["name"], gender=r["gender"], birth_date=r["birth_date"], unit_id=r["unit_id"],
                unit_name=r["unit__name"] or "", post_id=None, post_title=r["position_title"], post_level=r["rank_level"],
                post_kind="领导职务" if r["rank_level"] in LEADERSHIP_LEVELS else "职级",
                position_start=r["position_start"], unit_is_key=r["unit__is_key_unit"] or False,
                unit_key_area=r["unit__key_area"] or "", unit_locality=r["unit__locality"] or "",
                grew_up_place=r["grew_up_place"], native_place=r["native_place"],
            )
        people[r["id"]] = p
        b = r["birth_date"]
        age = as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))
        level = edu.get(r["id"], "")
        extra[r["id"]] = Extra(age, level, EDUCATION_RANK.get(level, 0), ETHNICITY_NAME.get(r["ethnicity"], ""),
                               r["political_status"])
    return people, extra


def assessments_in(year: int) -> bool:
    """Whether any 年度考核 result of `year` is on record (the results of a year come in early the next year)."""
    return AnnualAssessment.objects.filter(year=year).exists()


def people_for_moves(as_of: dt.date, cadre_ids, post_ids, links: list[rules.KinLink] | None = None):
    """PersonFacts of the people a set of moves can touch: the movers, their kin on the roster and whoever holds the
    posts involved (three queries however large the roster) — what a plan check needs instead of everyone."""
    cadre_ids = set(cadre_ids)
    links = kin_links() if links is None else links
    ids = set(cadre_ids)
    for link in links:
        if link.cadre_id in cadre_ids or link.relative_id in cadre_ids:
            ids |= {link.cadre_id, link.relative_id}
    ids |= set(PostHistory.objects.filter(post_id__in=list(post_ids), end__isnull=True, is_secondment=False)
               .values_list("cadre_id", flat=True))
    people, _extras = roster_facts(as_of, Cadre.objects.filter(pk__in=list(ids), status="在职"))
    return people


def kin_links() -> list[rules.KinLink]:
    """Family records that point at another cadre of the roster, either way round (one query): the pair is
    unordered, so a link on the son's record constrains the father too."""
    return [
        rules.KinLink(cid, rid, rel, gender)
        for cid, rid, rel, gender in FamilyMember.objects.filter(relative_cadre__isnull=False).values_list(
            "cadre_id", "relative_cadre_id", "relation", "cadre__gender"
        ).order_by()
    ]


def left_units(cadre_ids=None) -> dict[int, list[tuple[int, str, dt.date]]]:
    qs = PostHistory.objects.filter(end__isnull=False, unit__isnull=False, is_secondment=False)
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    out: dict[int, list] = defaultdict(list)
    for cid, uid, uname, end in qs.values_list("cadre_id", "unit_id", "unit__name", "end").order_by("-end"):
        out[cid].append((uid, uname, end))
    return dict(out)


# ---------------------------------------------------------------- due list


@dataclass
class DueRow:
    person: rules.PersonFacts
    findings: list[rules.Finding]

    @property
    def due(self) -> bool:
        return rules.is_due(self.findings)

    @property
    def active(self) -> list[rules.Finding]:
        return [f for f in self.findings if not f.exempt]

    @property
    def exempt(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.exempt]

    @property
    def kind(self) -> str:
        kinds = [rules.RULE_KIND[f.rule] for f in (self.active or self.findings)]
        return "回避流" if "回避流" in kinds else (kinds[0] if kinds else "")


def scan(as_of: dt.date, policy: rules.Policy | None = None):
    """(people, extras, findings by cadre id) for the whole roster: five queries."""
    policy = policy or current_policy().as_rules()
    people, extras = roster_facts(as_of)
    findings = rules.must_rotate(people, kin_links(), policy, as_of)
    return people, extras, findings


def due_list(as_of: dt.date, *, policy: rules.Policy | None = None, unit_id: int | None = None, rule: str = "",
             include_exempt: bool = False, q: str = "") -> list[tuple[str, list[DueRow]]]:
    """Everyone with a finding, grouped by unit in roster order: [(unit name, rows)]."""
    people, _extras, findings = scan(as_of, policy)
    groups: dict[str, list[DueRow]] = {}
    for cid, p in people.items():  # roster order
        fs = findings.get(cid)
        if not fs:
            continue
        if rule:
            fs = [f for f in fs if f.rule == rule]
        row = DueRow(p, fs)
        if not fs or (not include_exempt and not row.due):
            continue
        if unit_id and p.unit_id != unit_id:
            continue
        if q and q not in p.name and q not in p.job:
            continue
        groups.setdefault(p.unit_name or "（无单位）", []).append(row)
    units = {u.name: u.order for u in OrgUnit.objects.only("name", "order")}
    return sorted(groups.items(), key=lambda kv: (units.get(kv[0], 10**6), kv[0]))
