"""Reads for rotation: the whole roster's facts in a few queries, the due list, plans, secondments, structure."""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from assessment.models import TermReview
from cadre.choices import DEMOCRATIC_PARTIES, EDUCATION_RANK, ETHNICITY_NAME, LEADERSHIP_LEVELS
from cadre.models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, OrgUnit, Post, PostHistory

from . import rules, structure
from .models import RotationMove, RotationPlan, RotationPolicy, RotationSuggestion, Secondment


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


# ---------------------------------------------------------------- plans


def plan_list():
    return RotationPlan.objects.select_related("policy", "created_by", "approved_by").annotate(move_count=Count("moves"))


def plan_moves(plan: RotationPlan):
    return plan.moves.select_related("cadre", "cadre__unit", "from_post", "from_post__unit", "to_post", "to_post__unit")


def latest_run(plan: RotationPlan) -> int:
    return plan.suggestions.order_by("-run").values_list("run", flat=True).first() or 0


REASONS = {**rules.RULE_NAMES, "none": "无须交流（指定人员）", "stay": "建议留任", "chain": "交流链（须一并采纳）"}


@dataclass
class SuggestionRow:
    """One suggestion for the list: what the row shows, its chain and what falls with it when rejected."""

    id: int
    cadre_id: int
    name: str
    kind: str
    score: float
    status: str
    status_label: str
    from_job: str
    to_job: str
    to_post_id: int | None
    rules: tuple[str, ...]
    stay: str
    chain: tuple[str, ...] = ()
    fallers: tuple[str, ...] = ()
    units: tuple = ()
    move_type: str = ""


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


def _json_list(value) -> list:
    if value in (None, ""):
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def suggestion_rows(plan: RotationPlan) -> list[SuggestionRow]:
    """Every suggestion of the latest run, light (one query), with chains and fallers among the pending ones."""
    run = latest_run(plan)
    labels = dict(RotationSuggestion._meta.get_field("status").choices)
    rows, pending = [], []
    # only the explanation's small keys (not its lists of excluded posts): extracted by the database
    keys = {f"x_{k}": KT(f"explanation__{k}") for k in ("needs", "with", "rules", "stay", "from_job", "move_type", "from_unit")}
    qs = plan.suggestions.filter(run=run).order_by("-score", "id").annotate(**keys).values(
        "id", "cadre_id", "cadre__name", "kind", "score", "status", "to_post_id", "to_post__title",
        "to_post__unit__name", "to_post__unit_id", "from_post__title", "from_post__unit__name", "from_post__unit_id", *keys,
    )
    for r in qs:
        from_job = (f"{r['from_post__unit__name']}{r['from_post__title']}" if r["from_post__title"] else r["x_from_job"] or "")
        row = SuggestionRow(
            r["id"], r["cadre_id"], r["cadre__name"], r["kind"], r["score"], r["status"], labels.get(r["status"], ""),
            from_job, f"{r['to_post__unit__name']}{r['to_post__title']}" if r["to_post_id"] else "", r["to_post_id"],
            tuple(_json_list(r["x_rules"])), r["x_stay"] or "",
            units=(r["from_post__unit_id"] or _int(r["x_from_unit"]), r["to_post__unit_id"]), move_type=r["x_move_type"] or "",
        )
        rows.append(row)
        if r["status"] == "pending" and r["to_post_id"]:
            pending.append(rules.Link(r["id"], r["cadre_id"], _int(r["x_needs"]), tuple(_json_list(r["x_with"]))))
    names = {r.id: r.name for r in rows}
    chains = rules.chains(pending)
    by_id = {r.id: r for r in rows}
    for link in pending:
        row = by_id[link.sid]
        row.chain = tuple(names[s] for s in chains[link.sid] if s != link.sid)
        row.fallers = tuple(names[s] for s in rules.fallers(pending, link.sid))
    return rows


def filter_suggestions(rows: list[SuggestionRow], *, unit_id: int | None = None, kind: str = "", reason: str = "",
                       status: str = "", q: str = "") -> list[SuggestionRow]:
    out = []
    for r in rows:
        if unit_id and unit_id not in r.units:
            continue
        if kind and r.kind != kind:
            continue
        if status and r.status != status:
            continue
        if q and q not in r.name and q not in r.from_job and q not in r.to_job:
            continue
        if reason == "stay" and r.to_post_id:
            continue
        if reason == "chain" and not r.chain:
            continue
        if reason in rules.RULE_NAMES and reason not in r.rules:
            continue
        if reason == "none" and r.rules:
            continue
        out.append(r)
    return out


def plan_suggestions(plan: RotationPlan):
    latest = plan.suggestions.order_by("-run").values_list("run", flat=True).first()
    return plan.suggestions.filter(run=latest or 0).select_related(
        "cadre", "from_post", "from_post__unit", "to_post", "to_post__unit"
    ).order_by("-score", "id")


def scope_posts(plan: RotationPlan):
    posts = plan.posts.filter(is_active=True)
    if posts.exists():
        return posts
    return Post.objects.filter(is_active=True, unit__in=plan.units.all())


def plan_namelist_rows(plan: RotationPlan) -> list[dict]:
    """轮岗交流人员名单: 序号, 姓名, 原单位及职务, 拟交流单位及职务, 交流类型, 任原职时间."""
    out = []
    for i, m in enumerate(plan_moves(plan), start=1):
        out.append({
            "序号": i, "姓名": m.cadre.name, "原单位及职务": m.from_job or (str(m.from_post) if m.from_post else ""),
            "拟交流单位及职务": str(m.to_post), "交流类型": m.kind, "任原职时间": rules.fmt_month(m.from_start),
        })
    return out


# ---------------------------------------------------------------- secondments


def secondment_list(*, active: bool | None = None, q: str = ""):
    qs = Secondment.objects.select_related("cadre", "home_unit", "host_unit", "host_post")
    if active is True:
        qs = qs.filter(actual_end__isnull=True)
    elif active is False:
        qs = qs.filter(actual_end__isnull=False)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(host_unit__name__contains=q))
    return qs


def secondments_due_soon(on: dt.date, *, days: int = 30):
    """Active secondments whose planned end falls within `days` days from `on` (or has passed)."""
    return secondment_list(active=True).filter(planned_end__lte=on + dt.timedelta(days=days)).order_by("planned_end")


def secondment_end_assessment(secondment: Secondment):
    """The 期满考核 (assessment.TermReview) linked to this secondment, if the assessment app holds one."""
    ct = ContentType.objects.get_for_model(Secondment)
    return (
        TermReview.objects.filter(Q(subject_type=ct, subject_id=str(secondment.pk)))
        .order_by("-reviewed_on", "-id")
        .first()
    )


# ---------------------------------------------------------------- structure


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


def unit_choices():
    return OrgUnit.objects.filter(is_active=True).order_by("order", "id").only("id", "name")


def moves_prefetch():
    return Prefetch("moves", queryset=RotationMove.objects.select_related("cadre", "to_post"))


def suggestions_by_status(plan):
    return RotationSuggestion.objects.filter(plan=plan).values("status").annotate(n=Count("id"))
