"""Solver suggestions for a plan: building the assignment problem, storing one suggestion per mover, accepting
or rejecting them."""
from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone

from cadre.models import Post
from core.audit import audit
from core.exceptions import ApplicationError

from .. import permissions, rules, selectors, solver
from ..audit import AuditAction
from ..models import MoveKind, RotationMove, RotationPlan, RotationSuggestion, SuggestionStatus
from ..permissions import require
from .moves import move_add
from .plans import eligibility_verdicts


def build_problem(plan: RotationPlan, *, cadre_ids=None, allow_promotion_ids=(), kinds: dict | None = None):
    """Movers (the due people of the scope units, plus any named) and slots (vacant seats of the scope posts,
    plus the movers' own seats) with the context the solver needs; a fixed number of queries."""
    as_of = plan.effective_date or plan.as_of
    policy = plan.policy.as_rules()
    people, extras, findings = selectors.scan(as_of, policy)
    scope_qs = selectors.scope_posts(plan)
    scope_ids = set(scope_qs.values_list("pk", flat=True))
    posts, holdings = selectors.post_facts()
    scope_units = {posts[p].unit_id for p in scope_ids if p in posts}
    already = set(plan.moves.values_list("cadre_id", flat=True))
    chosen = set(cadre_ids or ())
    if not chosen:
        chosen = {cid for cid, fs in findings.items() if rules.is_due(fs) and people[cid].unit_id in scope_units}
    chosen -= already
    kinds = kinds or {}
    movers = []
    for cid in sorted(chosen, key=lambda c: list(people).index(c) if c in people else 0):
        if cid not in people:
            continue
        fs = [f for f in findings.get(cid, []) if not f.exempt]
        kind = kinds.get(cid) or (rules.RULE_KIND[fs[0].rule] if fs else "培养流")
        if any(f.rule in (rules.RULE_LOCAL, rules.RULE_KINSHIP) for f in fs):
            kind = "回避流"
        movers.append(solver.Mover(people[cid], tuple(f.reason for f in fs), kind, cid in set(allow_promotion_ids),
                                   extras[cid].education_rank, extras[cid].age))
    mover_ids = {m.person.cadre_id for m in movers}
    taken_by_plan = {m.to_post_id for m in plan.moves.all()}
    slots = []
    for pid in sorted(scope_ids):
        post = posts.get(pid)
        if post is None or pid in taken_by_plan:
            continue
        for _ in range(max(0, post.headcount - post.holders)):
            slots.append(solver.Slot(post))
        for cid in sorted(holdings.get(pid, ())):
            if cid in mover_ids:
                slots.append(solver.Slot(post, seat_of=cid))
    # movers whose own seat lies outside the scope still need a stay column: the solver adds a private one
    unit_people: dict[int, list] = {}
    teams: dict[int, solver.TeamProfile] = {}
    for cid, p in people.items():
        if cid in mover_ids or p.unit_id is None:
            continue
        unit_people.setdefault(p.unit_id, []).append(p)
    for uid, members in unit_people.items():
        leaders = [p for p in members if p.is_leader]
        teams[uid] = solver.TeamProfile(
            len(leaders), sum(p.gender == "女" for p in leaders), sum(extras[p.cadre_id].age < 40 for p in leaders),
            sum(extras[p.cadre_id].education_rank >= 4 for p in leaders),
        )
    eligibility = eligibility_verdicts(mover_ids, {s.post.post_id for s in slots}, as_of)
    ctx = solver.Context(
        policy=policy, as_of=as_of, eligibility=eligibility, kin=rules.kin_pairs(selectors.kin_links()),
        unit_people=unit_people, left_units=selectors.left_units(mover_ids), teams=teams,
        unit_kind={p.unit_id: p.unit_kind for p in posts.values()},
    )
    return movers, slots, ctx, people, posts, holdings


def suggestions_generate(*, actor, plan: RotationPlan, cadre_ids=None, allow_promotion_ids=(),
                         weights: solver.Weights = solver.Weights(), max_excluded: int = 5) -> list[RotationSuggestion]:
    """Run the solver for the plan and store one suggestion per mover (a move, or 留任 with why)."""
    require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能测算建议")
    movers, slots, ctx, people, posts, holdings = build_problem(
        plan, cadre_ids=cadre_ids, allow_promotion_ids=allow_promotion_ids
    )
    if not movers:
        raise ApplicationError("范围内没有须交流或指定的人员，无法测算建议")
    result = solver.solve(movers, slots, ctx, weights)
    # pairwise re-check: two movers landing in one unit may be kin; keep the higher-scored one
    chosen = sorted(result.moves(), key=lambda ij: -result.scores[ij])
    placed: list = []
    dropped: dict[int, str] = {}
    for i, j in chosen:
        me = rules.person_at(movers[i].person, slots[j].post, ctx.as_of)
        clash = rules.kin_conflicts_with(me, placed, ctx.kin) if ctx.policy.kinship_avoidance else []
        if clash:
            dropped[i] = "；".join(clash)
            result.assignment[i] = None
        else:
            placed.append(me)
    run = (plan.suggestions.order_by("-run").values_list("run", flat=True).first() or 0) + 1
    rows = []
    for i, m in enumerate(movers):
        j = result.assignment[i]
        excluded = [
            {"post": slots[jj].post.job, "reasons": why}
            for (ii, jj), why in result.excluded.items() if ii == i
        ]
        seen, uniq = set(), []
        for e in excluded:
            if e["post"] not in seen:
                seen.add(e["post"])
                uniq.append(e)
        explanation = {
            "due": list(m.due_reasons),
            "kind": m.kind,
            "excluded": uniq[:max_excluded],
            "excluded_total": len(uniq),
            "excluded_more": max(0, len(uniq) - max_excluded),
            "weights": weights.describe(),
        }
        if j is None:
            feasible = int((~np.isnan(result.scores[i])).sum())
            explanation["parts"] = []
            explanation["stay"] = dropped.get(i) or (
                "没有满足全部硬性条件的空缺职位" if feasible == 0 else "现有空缺分配给匹配度更高的人员后，无更优职位"
            )
            to_post_id, score = None, 0.0
        else:
            parts = solver.fit_parts(m, slots[j], ctx, weights)
            explanation["parts"] = [[t, v] for t, v in parts]
            holder = slots[j].seat_of
            if holder is not None:
                explanation["chain"] = f"该职位现由{people[holder].name}担任，其本人在本次建议中一并交流"
            to_post_id, score = slots[j].post.post_id, float(result.scores[i, j])
        rows.append(RotationSuggestion(
            plan=plan, run=run, cadre_id=m.person.cadre_id, from_post_id=m.person.post_id, to_post_id=to_post_id,
            kind=m.kind, score=round(score, 2), explanation=explanation,
        ))
    with transaction.atomic():
        RotationSuggestion.objects.bulk_create(rows)
        audit(actor=actor, action=AuditAction.SUGGEST, obj=plan,
              summary=f"{plan.name}：测算交流建议（{len(movers)}人，建议交流{sum(r.to_post_id is not None for r in rows)}人）",
              data={"run": run, "objective": round(result.score, 2)})
    return rows


def suggestion_accept(*, actor, suggestion: RotationSuggestion, to_post: Post | None = None, kind: str = "",
                      direction: str = "其他", reason: str = "") -> RotationMove:
    """Accept a suggestion into the plan as it is, or adjusted (another post / kind)."""
    if suggestion.status != SuggestionStatus.PENDING:
        raise ApplicationError("该建议已处理")
    target = to_post or suggestion.to_post
    if target is None:
        raise ApplicationError("建议为留任，请选择拟任职位后再采纳", field="to_post")
    adjusted = target.pk != suggestion.to_post_id or (kind and kind != suggestion.kind)
    with transaction.atomic():
        why = reason or "；".join(t for t, _v in suggestion.explanation.get("parts", []))
        move = move_add(actor=actor, plan=suggestion.plan, cadre=suggestion.cadre, to_post=target,
                        kind=kind or suggestion.kind or MoveKind.ADJUST, direction=direction, reason=why[:500],
                        from_suggestion=True)
        suggestion.status = SuggestionStatus.ADJUSTED if adjusted else SuggestionStatus.ACCEPTED
        suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return move


def suggestion_reject(*, actor, suggestion: RotationSuggestion, reason: str = "") -> RotationSuggestion:
    require(permissions.can_edit_plan(actor, suggestion.plan), "方案已提交或已批准，不能修改")
    if suggestion.status != SuggestionStatus.PENDING:
        raise ApplicationError("该建议已处理")
    with transaction.atomic():
        suggestion.status, suggestion.reject_reason = SuggestionStatus.REJECTED, (reason or "")[:300]
        suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
        suggestion.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        audit(actor=actor, action=AuditAction.SUGGESTION_REJECT, obj=suggestion.plan,
              summary=f"{suggestion.plan.name}：未采纳 {suggestion.cadre.name} 的交流建议")
    return suggestion
