"""Solver suggestions for a plan: the assignment problem over the state after the plan's own moves, a repair loop
that checks the whole suggested set against the post-plan state (avoidance with those who stay, the 职数 of every
post, level, eligibility, no return), and one stored suggestion per mover with its chain links.

Adopting and rejecting suggestions: `rotation.services.adoption`."""
from __future__ import annotations

from collections import Counter

import numpy as np
from django.db import transaction

from core.audit import audit
from core.exceptions import ApplicationError

from .. import permissions, rules, selectors, solver
from ..audit import AuditAction
from ..models import RotationPlan, RotationSuggestion
from ..permissions import require
from .plans import eligibility_verdicts, screen_basis

MAX_REPAIRS = 40


def _after_holdings(holdings: dict[int, set[int]], existing: list[dict]) -> dict[int, set[int]]:
    after = {pid: set(h) for pid, h in holdings.items()}
    for m in existing:
        if m["from_post_id"] is not None:
            after.setdefault(m["from_post_id"], set()).discard(m["cadre_id"])
    for m in existing:
        after.setdefault(m["to_post_id"], set()).add(m["cadre_id"])
    return after


def build_problem(plan: RotationPlan, *, cadre_ids=None, allow_promotion_ids=(), kinds: dict | None = None):
    """Movers (the due people of the scope units, plus any named) and slots (vacant seats of the scope posts after
    the plan's own moves, plus the movers' own seats) with the context the solver needs; a fixed number of queries."""
    as_of = plan.effective_date or plan.as_of
    policy = plan.policy.as_rules()
    people, extras, findings = selectors.scan(as_of, policy)
    scope_ids = set(selectors.scope_posts(plan).values_list("pk", flat=True))
    posts, holdings = selectors.post_facts()
    scope_units = {posts[p].unit_id for p in scope_ids if p in posts}
    existing = list(plan.moves.values("cadre_id", "from_post_id", "to_post_id", "kind", "move_type").order_by("order", "id"))
    already = {m["cadre_id"] for m in existing}
    chosen = set(cadre_ids or ())
    if not chosen:
        chosen = {cid for cid, fs in findings.items() if rules.is_due(fs) and people[cid].unit_id in scope_units}
    chosen -= already
    kinds = kinds or {}
    allow = set(allow_promotion_ids)
    movers = []
    for cid in [c for c in people if c in chosen]:  # roster order
        fs = [f for f in findings.get(cid, []) if not f.exempt]
        kind = kinds.get(cid) or (rules.RULE_KIND[fs[0].rule] if fs else "培养流")
        if any(f.rule in (rules.RULE_LOCAL, rules.RULE_KINSHIP) for f in fs):
            kind = "回避流"
        movers.append(solver.Mover(people[cid], tuple(f.reason for f in fs), kind, cid in allow,
                                   extras[cid].education_rank, extras[cid].age))
    mover_ids = {m.person.cadre_id for m in movers}
    after = _after_holdings(holdings, existing)
    slots = []
    for pid in sorted(scope_ids):
        post = posts.get(pid)
        if post is None:
            continue
        for _ in range(max(0, post.headcount - len(after.get(pid, ())))):
            slots.append(solver.Slot(post))
        for cid in sorted(after.get(pid, ())):
            if cid in mover_ids:
                slots.append(solver.Slot(post, seat_of=cid))
    # who holds a post after the plan's own moves and is not a mover: the people the movers must not clash with
    placed = {m["cadre_id"]: m["to_post_id"] for m in existing}
    unit_people: dict[int, list] = {}
    for cid, p in people.items():
        if cid in mover_ids:
            continue
        if cid in placed and placed[cid] in posts:
            p = rules.person_at(p, posts[placed[cid]], as_of)
        if p.unit_id is not None:
            unit_people.setdefault(p.unit_id, []).append(p)
    teams: dict[int, solver.TeamProfile] = {}
    for uid, members in unit_people.items():
        leaders = [p for p in members if p.is_leader]
        teams[uid] = solver.TeamProfile(
            len(leaders), sum(p.gender == "女" for p in leaders), sum(extras[p.cadre_id].age < 40 for p in leaders),
            sum(extras[p.cadre_id].education_rank >= 4 for p in leaders),
        )
    eligibility = eligibility_verdicts(mover_ids, {s.post.post_id for s in slots}, as_of)
    ctx = solver.Context(
        policy=policy, as_of=as_of, eligibility=eligibility, kin=rules.kin_pairs(selectors.kin_links()),
        unit_people=unit_people, left_units=selectors.left_units(mover_ids | already), teams=teams,
        unit_kind={p.unit_id: p.unit_kind for p in posts.values()},
    )
    state = {"people": people, "posts": posts, "holdings": holdings, "existing": existing, "rules": {
        cid: sorted({f.rule for f in findings.get(cid, []) if not f.exempt}) for cid in mover_ids}}
    return movers, slots, ctx, state


def whole_state_violations(movers, slots, assignment, ctx, state) -> dict[int, list[str]]:
    """Mover index → why their suggested move breaks a rule of the post-plan state (the plan's own moves and
    every other suggested move taken together). A clash between two suggested moves is laid on the lower-scored."""
    existing = state["existing"]
    facts = [rules.MoveFacts(i, m["cadre_id"], m["from_post_id"], m["to_post_id"]) for i, m in enumerate(existing, 1)]
    index_of: dict[int, int] = {}
    for i, j in enumerate(assignment):
        if j is None:
            continue
        idx = len(facts) + 1
        index_of[idx] = i
        facts.append(rules.MoveFacts(idx, movers[i].person.cadre_id, movers[i].person.post_id, slots[j].post.post_id))
    if not index_of:
        return {}
    out: dict[int, list[str]] = {}
    for v in rules.plan_violations(
        moves=facts, people=state["people"], posts=state["posts"], holdings=state["holdings"], kin=ctx.kin,
        left_units=ctx.left_units, eligibility=ctx.eligibility, scope_post_ids=set(), policy=ctx.policy,
        as_of=ctx.as_of, with_scope=False,
    ):
        mine = [index_of[x] for x in sorted(v.indices) if x in index_of]
        if not mine:
            continue
        out.setdefault(mine[-1] if len(mine) == 1 else mine[0], []).append(v.message.split("：", 1)[-1])
    return out


def solve_whole(movers, slots, ctx, weights, state, *, pairs=None):
    """The assignment, repaired until the suggested set as a whole holds in the post-plan state: a move that
    breaks a rule with the others is forbidden and the assignment solved again."""
    scores, excluded = pairs if pairs is not None else solver.evaluate_pairs(movers, slots, ctx, weights)
    scores = scores.copy()
    repaired: dict[int, list[str]] = {}
    result = solver.solve(movers, slots, ctx, weights, pairs=(scores, excluded))
    for _ in range(MAX_REPAIRS):
        bad = whole_state_violations(movers, slots, result.assignment, ctx, state)
        if not bad:
            break
        for i, why in bad.items():
            j = result.assignment[i]
            same = [jj for jj, s in enumerate(slots) if s.post.post_id == slots[j].post.post_id]
            scores[i, same] = np.nan  # every seat of that post
            repaired.setdefault(i, []).extend(f"{slots[j].post.job}：{w}" for w in why)
        result = solver.solve(movers, slots, ctx, weights, pairs=(scores, excluded))
    else:  # still inconsistent: leave the offending movers in place
        for i in whole_state_violations(movers, slots, result.assignment, ctx, state):
            result.assignment[i] = None
    return result, repaired


def _stay_reason(i: int, result, slots, repaired, forbidden: list[int]) -> str:
    if i in repaired:
        return "与其他人员交流后的整体状态冲突：" + "；".join(dict.fromkeys(repaired[i]))
    row = result.scores[i]
    if int((~np.isnan(row)).sum()):
        return "现有空缺分配给匹配度更高的人员后，无更优职位"
    kinds: Counter = Counter()
    posts_seen: set[int] = set()
    for jj in forbidden:
        if slots[jj].post.post_id in posts_seen:
            continue
        posts_seen.add(slots[jj].post.post_id)
        for why in result.excluded[(i, jj)][:1]:
            kinds[solver.reason_category(why)] += 1
    if not kinds:
        return "范围内没有可任的空缺职位"
    top = "；".join(f"{k} {n} 个" for k, n in kinds.most_common(4))
    return f"范围内{len(posts_seen)}个职位均不可任：{top}"


def suggestions_generate(*, actor, plan: RotationPlan, cadre_ids=None, allow_promotion_ids=(),
                         weights: solver.Weights = solver.Weights(), max_excluded: int = 5) -> list[RotationSuggestion]:
    """Run the solver for the plan and store one suggestion per mover (a move with the seat it needs, or 留任
    with why)."""
    require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能测算建议")
    movers, slots, ctx, state = build_problem(plan, cadre_ids=cadre_ids, allow_promotion_ids=allow_promotion_ids)
    if not movers:
        raise ApplicationError("范围内没有须交流或指定的人员，无法测算建议")
    result, repaired = solve_whole(movers, slots, ctx, weights, state)
    moved = {movers[i].person.cadre_id: i for i, j in enumerate(result.assignment) if j is not None}
    _basis_on, basis_note = screen_basis(ctx.as_of)
    run = (plan.suggestions.order_by("-run").values_list("run", flat=True).first() or 0) + 1
    forbidden: dict[int, list[int]] = {}
    for ii, jj in result.excluded:
        forbidden.setdefault(ii, []).append(jj)
    rows = []
    for i, m in enumerate(movers):
        j = result.assignment[i]
        seen, uniq = set(), []
        for jj in forbidden.get(i, ()):
            if slots[jj].post.job not in seen:
                seen.add(slots[jj].post.job)
                if len(uniq) < max_excluded:
                    uniq.append({"post": slots[jj].post.job, "reasons": result.excluded[(i, jj)]})
        explanation = {
            "due": list(m.due_reasons), "rules": state["rules"].get(m.person.cadre_id, []), "kind": m.kind, "from_job": m.person.job, "excluded": uniq,
            "excluded_total": len(seen), "excluded_more": max(0, len(seen) - max_excluded),
            "from_unit": m.person.unit_id,
        }
        if basis_note:
            explanation["basis"] = basis_note
        if j is None:
            explanation["parts"] = []
            explanation["stay"] = _stay_reason(i, result, slots, repaired, forbidden.get(i, []))
            to_post_id, score = None, 0.0
        else:
            post = slots[j].post
            explanation["parts"] = [[t, v] for t, v in solver.fit_parts(m, slots[j], ctx, weights)]
            explanation["to_unit"] = post.unit_id
            explanation["move_type"] = rules.person_move_type(m.person, post)
            holder = slots[j].seat_of
            if holder is not None:
                explanation["needs"] = holder
                explanation["needs_name"] = state["people"][holder].name
                explanation["chain"] = f"该职位现由{state['people'][holder].name}担任，须与其交流一并采纳"
            bound = sorted(
                other for pair in ctx.kin if m.person.cadre_id in pair for other in pair
                if other != m.person.cadre_id and other in moved
            )
            if bound:
                explanation["with"] = bound
            to_post_id, score = post.post_id, float(result.scores[i, j])
        rows.append(RotationSuggestion(
            plan=plan, run=run, cadre_id=m.person.cadre_id, from_post_id=m.person.post_id, to_post_id=to_post_id,
            kind=m.kind, score=round(score, 2), explanation=explanation,
        ))
    with transaction.atomic():
        RotationSuggestion.objects.bulk_create(rows)
        audit(actor=actor, action=AuditAction.SUGGEST, obj=plan,
              summary=f"{plan.name}：测算交流建议（{len(movers)}人，建议交流{sum(r.to_post_id is not None for r in rows)}人）",
              data={"run": run, "objective": round(result.score, 2), "repaired": len(repaired)})
    return rows
