"""Reads of 队伍结构: who served where on a date, vacancies, the structure report, a plan's teams before and after."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from cadre.choices import DEMOCRATIC_PARTIES, EDUCATION_RANK, ETHNICITY_NAME, LEADERSHIP_LEVELS
from cadre.models import Cadre, EducationRecord, OrgUnit, Post, PostHistory

from .. import rules, structure
from ..models import RotationPlan
from .facts import scan, today


def members_on(on: dt.date, *, unit_ids=None, due_ids: set[int] | None = None,
               people=None, extras=None) -> list[structure.Member]:
    """Who served in the units on `on`, from post history (the current roster when `on` is today or later)."""
    rows = PostHistory.objects.filter(start__lte=on, is_secondment=False, cadre__status="在职").filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )
    if unit_ids:
        rows = rows.filter(unit_id__in=unit_ids)
    seen: dict[int, dict] = {}
    for r in rows.values("cadre_id", "unit_id", "start", "level", "post__kind").order_by("start"):
        seen[r["cadre_id"]] = r
    cadres = Cadre.objects.filter(pk__in=list(seen))
    if on >= today():
        extra_q = Cadre.objects.filter(status="在职", unit__isnull=False).exclude(
            pk__in=PostHistory.objects.filter(end__isnull=True, is_secondment=False).values("cadre_id")
        )
        if unit_ids:
            extra_q = extra_q.filter(unit_id__in=unit_ids)
        for c in extra_q.values("id", "unit_id", "position_start", "rank_level"):
            seen[c["id"]] = {"cadre_id": c["id"], "unit_id": c["unit_id"], "start": c["position_start"],
                             "level": c["rank_level"], "post__kind": None}
        cadres = Cadre.objects.filter(pk__in=list(seen))
    edu: dict[int, str] = {}
    for cid, level in EducationRecord.objects.filter(cadre_id__in=list(seen)).exclude(level="").values_list("cadre_id", "level"):
        if EDUCATION_RANK.get(level, 0) > EDUCATION_RANK.get(edu.get(cid, ""), 0):
            edu[cid] = level
    out = []
    for c in cadres.values("id", "gender", "birth_date", "ethnicity", "political_status"):
        r = seen[c["id"]]
        b = c["birth_date"]
        age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        kind = r["post__kind"] or ("领导职务" if r["level"] in LEADERSHIP_LEVELS else "职级")
        out.append(structure.Member(
            c["id"], r["unit_id"], c["gender"], age, edu.get(c["id"], ""), ETHNICITY_NAME.get(c["ethnicity"], ""),
            structure.party_group(c["political_status"], DEMOCRATIC_PARTIES), r["start"],
            kind == "领导职务" and r["level"] in LEADERSHIP_LEVELS, bool(due_ids and c["id"] in due_ids),
        ))
    return out


def vacancy_counts(on: dt.date, unit_ids=None) -> tuple[int, int]:
    """(headcount, vacancies) of active posts on `on`."""
    posts = Post.objects.filter(is_active=True)
    if unit_ids:
        posts = posts.filter(unit_id__in=unit_ids)
    posts = posts.annotate(
        held=Count("holdings", filter=Q(holdings__start__lte=on, holdings__is_secondment=False)
                   & (Q(holdings__end__isnull=True) | Q(holdings__end__gte=on)))
    )
    head = vac = 0
    for h, held in posts.values_list("headcount", "held"):
        head += h
        vac += max(0, h - held)
    return head, vac


def structure_report(on: dt.date, *, unit_ids=None) -> dict:
    _people, _extras, findings = scan(on)
    due_ids = {cid for cid, fs in findings.items() if rules.is_due(fs)}
    members = members_on(on, unit_ids=unit_ids, due_ids=due_ids)
    head, vac = vacancy_counts(on, unit_ids)
    report = structure.summarize(members, on, vacancies=vac, headcount=head)
    # per-unit lines
    units = OrgUnit.objects.filter(pk__in={m.unit_id for m in members if m.unit_id}).order_by("order", "id")
    by_unit = defaultdict(list)
    for m in members:
        by_unit[m.unit_id].append(m)
    report["units"] = [
        {"unit": u.name, **{k: v for k, v in structure.summarize(by_unit[u.pk], on).items() if k != "tables"}}
        for u in units
    ]
    return report


STRUCTURE_DIMS = ("年龄", "性别", "学历", "民族")


def plan_structure(plan: RotationPlan, *, unit_id: int | None = None, leaders_only: bool = True) -> dict:
    """The teams (领导班子, or everyone with `leaders_only=False`) of the plan's units (or one of them) before and
    after its moves, as of the plan's date: the summaries, one label list per dimension shared by both sides, and
    a line per unit."""
    on = plan.effective_date or plan.as_of
    unit_ids = set(plan.units.values_list("pk", flat=True)) | set(
        plan.moves.values_list("to_post__unit_id", flat=True)
    ) | set(plan.moves.values_list("from_post__unit_id", flat=True))
    unit_ids.discard(None)
    moves = {m.cadre_id: m for m in plan.moves.select_related("to_post")}
    members = members_on(on)  # whole roster: people may move in from outside the scope
    before_all, after_all = [], []
    for m in members:
        if m.unit_id in unit_ids and (m.is_leader or not leaders_only):
            before_all.append(m)
        mv = moves.get(m.cadre_id)
        if mv is not None:
            m = structure.Member(m.cadre_id, mv.to_post.unit_id, m.gender, m.age, m.education, m.ethnicity, m.party,
                                 on, mv.to_post.kind == "领导职务" and mv.to_post.level in LEADERSHIP_LEVELS, False)
        if m.unit_id in unit_ids and (m.is_leader or not leaders_only):
            after_all.append(m)
    pick = (lambda ms: [m for m in ms if m.unit_id == unit_id]) if unit_id else (lambda ms: ms)
    before, after = structure.summarize(pick(before_all), on), structure.summarize(pick(after_all), on)
    labels, before_values, after_values = {}, {}, {}
    for dim in STRUCTURE_DIMS:
        b, a = dict(before["tables"][dim]), dict(after["tables"][dim])
        keys = [k for k, _ in before["tables"][dim]] + [k for k, _ in after["tables"][dim] if k not in b]
        keys = [k for k in keys if b.get(k, 0) or a.get(k, 0)]
        labels[dim], before_values[dim], after_values[dim] = keys, [b.get(k, 0) for k in keys], [a.get(k, 0) for k in keys]
    units = list(OrgUnit.objects.filter(pk__in=unit_ids).order_by("order", "id").values("id", "name"))
    lines = []
    for u in units:
        sb = structure.summarize([m for m in before_all if m.unit_id == u["id"]], on)
        sa = structure.summarize([m for m in after_all if m.unit_id == u["id"]], on)
        lines.append({"id": u["id"], "unit": u["name"], "before": sb, "after": sa})
    return {"before": before, "after": after, "labels": labels, "before_values": before_values,
            "after_values": after_values, "units": lines, "on": on}
