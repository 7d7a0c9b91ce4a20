"""Reads of plans: the moves, the suggestion list (light rows, chains, fallers, filters), the scope, the name list."""
from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Count, Prefetch
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


def unit_choices():
    return OrgUnit.objects.filter(is_active=True).order_by("order", "id").only("id", "name")


def moves_prefetch():
    return Prefetch("moves", queryset=RotationMove.objects.select_related("cadre", "to_post"))


def suggestions_by_status(plan):
    return RotationSuggestion.objects.filter(plan=plan).values("status").annotate(n=Count("id"))
