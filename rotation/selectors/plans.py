"""Reads of plans: the moves, the suggestion list (light rows, chains, fallers, filters), the scope, the name list."""
from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Prefetch, Q
from django.db.models.functions import Cast
from django.db.models.fields.json import KT

from cadre.models import OrgUnit, Post

from .. import rules
from ..models import RotationMove, RotationPlan, RotationSuggestion


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


KEYS = ("needs", "with", "rules", "stay", "from_job", "move_type", "from_unit")
ROW_FIELDS = ("id", "cadre_id", "cadre__name", "kind", "score", "status", "to_post_id", "to_post__title",
              "to_post__unit__name", "to_post__unit_id", "from_post__title", "from_post__unit__name", "from_post__unit_id")


def _light(qs):
    """Only the explanation's small keys (not its lists of excluded posts), extracted by the database."""
    keys = {f"x_{k}": KT(f"explanation__{k}") for k in KEYS}
    return qs.annotate(**keys).values(*ROW_FIELDS, *keys)


def _row(r: dict, labels: dict) -> SuggestionRow:
    from_job = (f"{r['from_post__unit__name']}{r['from_post__title']}" if r["from_post__title"] else r["x_from_job"] or "")
    return SuggestionRow(
        r["id"], r["cadre_id"], r["cadre__name"], r["kind"], r["score"], r["status"], labels.get(r["status"], ""),
        from_job, f"{r['to_post__unit__name']}{r['to_post__title']}" if r["to_post_id"] else "", r["to_post_id"],
        tuple(_json_list(r["x_rules"])), r["x_stay"] or "",
        units=(r["from_post__unit_id"] or _int(r["x_from_unit"]), r["to_post__unit_id"]), move_type=r["x_move_type"] or "",
    )


def _chained(rows: list[SuggestionRow], pending: list, names: dict) -> None:
    chains = rules.chains(pending)
    links = {x.sid for x in pending}
    for row in rows:
        if row.id in links:
            row.chain = tuple(names[s] for s in chains[row.id] if s != row.id)
            row.fallers = tuple(names[s] for s in rules.fallers(pending, row.id))


def pending_links(plan: RotationPlan, run: int | None = None) -> tuple[list, dict]:
    """The chain links of the pending suggestions with a post (one query) and their names."""
    run = latest_run(plan) if run is None else run
    qs = plan.suggestions.filter(run=run, status="pending", to_post__isnull=False).annotate(
        x_needs=KT("explanation__needs"), x_with=KT("explanation__with")).values("id", "cadre_id", "cadre__name", "x_needs", "x_with")
    links, names = [], {}
    for r in qs.order_by("-score", "id"):
        links.append(rules.Link(r["id"], r["cadre_id"], _int(r["x_needs"]), tuple(_json_list(r["x_with"]))))
        names[r["id"]] = r["cadre__name"]
    return links, names


def suggestion_queryset(plan: RotationPlan, *, unit_id: int | None = None, kind: str = "", reason: str = "",
                        status: str = "", q: str = "", chain_ids=()):
    """The latest run's suggestions filtered in the database (light rows; `suggestion_page` makes rows of a page)."""
    qs = plan.suggestions.filter(run=latest_run(plan))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if reason == "stay":
        qs = qs.filter(to_post__isnull=True)
    elif reason == "chain":
        qs = qs.filter(pk__in=list(chain_ids))
    qs = _light(qs.order_by("-score", "id"))
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(from_post__title__contains=q) | Q(to_post__title__contains=q)
                       | Q(from_post__unit__name__contains=q) | Q(to_post__unit__name__contains=q)
                       | Q(x_from_job__contains=q))
    if unit_id:  # the unit a mover without a post came from is in the explanation
        qs = qs.annotate(x_unit=Cast(KT("explanation__from_unit"), IntegerField())).filter(
            Q(from_post__unit_id=unit_id) | Q(to_post__unit_id=unit_id) | Q(x_unit=unit_id))
    if reason in rules.RULE_NAMES:
        qs = qs.filter(x_rules__contains=f'"{reason}"')
    elif reason == "none":
        qs = qs.filter(Q(x_rules__isnull=True) | Q(x_rules="[]"))
    return qs


def suggestion_page(plan: RotationPlan, values: list[dict], links: list, names: dict) -> list[SuggestionRow]:
    """Rows of one page (values from `suggestion_queryset`) with their chains and fallers."""
    labels = dict(RotationSuggestion._meta.get_field("status").choices)
    rows = [_row(r, labels) for r in values]
    _chained(rows, links, names)
    return rows


def suggestion_rows(plan: RotationPlan) -> list[SuggestionRow]:
    """Every suggestion of the latest run, light (one query), with chains and fallers among the pending ones."""
    labels = dict(RotationSuggestion._meta.get_field("status").choices)
    rows = [_row(r, labels) for r in _light(plan.suggestions.filter(run=latest_run(plan)).order_by("-score", "id"))]
    links, names = pending_links(plan)
    _chained(rows, links, names)
    return rows


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


def unit_choices():
    return OrgUnit.objects.filter(is_active=True).order_by("order", "id").only("id", "name")


def moves_prefetch():
    return Prefetch("moves", queryset=RotationMove.objects.select_related("cadre", "to_post"))


def suggestions_by_status(plan):
    return RotationSuggestion.objects.filter(plan=plan).values("status").annotate(n=Count("id"))
