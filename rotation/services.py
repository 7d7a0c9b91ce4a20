"""Every write of the rotation app: keyword-only, an actor, one transaction, an audit row."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cadre.models import Cadre, OrgUnit, Post, PostHistory
from cadre.services import cadre_update
from core.audit import audit
from core.exceptions import ApplicationError

from . import permissions, rules, selectors, solver
from .models import (
    MoveKind,
    PlanStatus,
    RotationMove,
    RotationPlan,
    RotationPolicy,
    RotationSuggestion,
    Secondment,
    SuggestionStatus,
)


def _require(ok: bool, message: str = "您没有执行该操作的权限"):
    if not ok:
        raise ApplicationError(message)


# ---------------------------------------------------------------- policy


def policy_default(*, actor=None) -> RotationPolicy:
    policy = RotationPolicy.objects.filter(is_default=True).first()
    if policy is None:
        with transaction.atomic():
            policy, _ = RotationPolicy.objects.get_or_create(name="默认口径", defaults={"is_default": True})
            if not policy.is_default:
                policy.is_default = True
                policy.save(update_fields=["is_default"])
            audit(actor=actor, action="rotation.policy.create", obj=policy, summary="建立默认轮岗交流口径")
    return policy


# ---------------------------------------------------------------- plans


def plan_create(*, actor, name: str, as_of: dt.date, effective_date: dt.date | None = None, units=(), posts=(),
                note: str = "", policy: RotationPolicy | None = None) -> RotationPlan:
    _require(permissions.can_write(actor))
    name = (name or "").strip()
    if not name:
        raise ApplicationError("方案名称不能为空", field="name")
    if effective_date and effective_date < as_of:
        raise ApplicationError("交流生效日期不能早于测算基准日", field="effective_date")
    with transaction.atomic():
        plan = RotationPlan.objects.create(
            name=name, as_of=as_of, effective_date=effective_date, note=note, created_by=actor,
            policy=policy or policy_default(actor=actor),
        )
        plan.units.set(units)
        plan.posts.set(posts)
        audit(actor=actor, action="rotation.plan.create", obj=plan, summary=f"新建轮岗交流方案 {name}")
    return plan


def plan_update(*, actor, plan: RotationPlan, data: dict) -> RotationPlan:
    _require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能修改")
    with transaction.atomic():
        for f in ("name", "as_of", "effective_date", "note"):
            if f in data:
                setattr(plan, f, data[f])
        if "policy" in data and data["policy"] is not None:
            plan.policy = data["policy"]
        plan.save()
        if "units" in data:
            plan.units.set(data["units"])
        if "posts" in data:
            plan.posts.set(data["posts"])
        audit(actor=actor, action="rotation.plan.update", obj=plan, summary=f"修改轮岗交流方案 {plan.name}")
    return plan


def _current_holding(cadre: Cadre):
    rows = list(
        PostHistory.objects.filter(cadre=cadre, end__isnull=True, is_secondment=False, post__isnull=False).select_related(
            "post", "post__unit"
        )
    )
    match = next((r for r in rows if r.unit_id == cadre.unit_id and r.title == cadre.position_title), None)
    return match or (rows[-1] if rows else None)


def move_add(*, actor, plan: RotationPlan, cadre: Cadre, to_post: Post, kind: str, direction: str = "其他",
             move_type: str = "", reason: str = "", from_suggestion: bool = False) -> RotationMove:
    _require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能修改")
    if kind not in MoveKind.values:
        raise ApplicationError(f"交流类型「{kind}」无效", field="kind")
    if plan.moves.filter(cadre=cadre).exists():
        raise ApplicationError(f"{cadre.name}已在本方案中，同一人不能重复交流", field="cadre")
    holding = _current_holding(cadre)
    from_post = holding.post if holding else None
    if from_post is not None and from_post.pk == to_post.pk:
        raise ApplicationError(f"{cadre.name}现任{to_post}，拟任职位不能与原职位相同", field="to_post")
    level = from_post.level if from_post else cadre.rank_level
    with transaction.atomic():
        move = RotationMove.objects.create(
            plan=plan, cadre=cadre, from_post=from_post,
            from_job=str(from_post) if from_post else cadre.current_job,
            from_start=cadre.position_start or (holding.start if holding else None),
            to_post=to_post, kind=kind, direction=direction or "其他",
            move_type=move_type or rules.move_type(level, to_post.level), reason=reason,
            from_suggestion=from_suggestion, order=(plan.moves.count() + 1) * 10,
        )
        audit(actor=actor, action="rotation.move.add", obj=plan, summary=f"{plan.name}：{cadre.name} 拟任 {to_post}",
              data={"move": move.pk})
    return move


def move_update(*, actor, move: RotationMove, data: dict) -> RotationMove:
    _require(permissions.can_edit_plan(actor, move.plan), "方案已提交或已批准，不能修改")
    with transaction.atomic():
        for f in ("to_post", "kind", "direction", "move_type", "reason"):
            if f in data and data[f] not in (None, ""):
                setattr(move, f, data[f])
        if move.from_post_id and move.from_post_id == move.to_post_id:
            raise ApplicationError("拟任职位不能与原职位相同", field="to_post")
        move.save()
        audit(actor=actor, action="rotation.move.update", obj=move.plan, summary=f"{move.plan.name}：修改 {move.cadre.name} 的交流安排")
    return move


def move_remove(*, actor, move: RotationMove) -> None:
    _require(permissions.can_edit_plan(actor, move.plan), "方案已提交或已批准，不能修改")
    with transaction.atomic():
        plan, name = move.plan, move.cadre.name
        move.delete()
        audit(actor=actor, action="rotation.move.remove", obj=plan, summary=f"{plan.name}：移除 {name}")


def _eligibility(cadre_ids, post_ids, as_of) -> dict[tuple[int, int], rules.Eligibility]:
    """The engine's verdict for each (cadre, post) asked about (waivers applied), in a fixed number of queries."""
    from cadre.eligibility import screen

    if not cadre_ids or not post_ids:
        return {}
    out = {}
    result = screen(Cadre.objects.filter(pk__in=list(cadre_ids)), Post.objects.filter(pk__in=list(post_ids)), as_of)
    for post_id, explanations in result.items():
        for e in explanations:
            reasons = tuple(f"{r.name}：{r.reason}" for r in e.failed)
            out[(e.cadre.id, post_id)] = rules.Eligibility(e.result, reasons)
    return out


def plan_check(plan: RotationPlan) -> list[str]:
    """Every reason the plan cannot be approved ([] when it can)."""
    moves = list(plan.moves.all())
    as_of = plan.effective_date or plan.as_of
    people, _extras = selectors.roster_facts(as_of)
    posts, holdings = selectors.post_facts()
    facts = [
        rules.MoveFacts(i, m.cadre_id, m.from_post_id, m.to_post_id, m.kind, m.move_type)
        for i, m in enumerate(moves, start=1)
    ]
    pairs = {(m.cadre_id, m.to_post_id) for m in moves}
    elig_all = _eligibility({c for c, _ in pairs}, {p for _, p in pairs}, as_of)
    eligibility = {k: v for k, v in elig_all.items() if k in pairs}
    scope = set(selectors.scope_posts(plan).values_list("pk", flat=True))
    return rules.validate_plan(
        moves=facts, people=people, posts=posts, holdings=holdings, kin=rules.kin_pairs(selectors.kin_links()),
        left_units=selectors.left_units({m.cadre_id for m in moves}), eligibility=eligibility,
        scope_post_ids=scope, policy=plan.policy.as_rules(), as_of=as_of,
    )


def _transition(actor, plan: RotationPlan, action: str) -> RotationPlan:
    plan = RotationPlan.objects.select_for_update().get(pk=plan.pk)
    if not permissions.can_transition(actor, plan, action):
        sources, _t, who = permissions.TRANSITIONS[action]
        if not who(actor):
            raise ApplicationError("您没有执行该操作的权限")
        raise ApplicationError(f"方案当前状态为「{plan.get_status_display()}」，不能{permissions.ACTION_LABELS[action]}")
    return plan


def plan_submit(*, actor, plan: RotationPlan) -> RotationPlan:
    with transaction.atomic():
        plan = _transition(actor, plan, "submit")
        errors = plan_check(plan)
        if errors:
            raise ApplicationError(f"方案未通过校验（{len(errors)}项问题），不能提交审批", errors=errors)
        plan.status, plan.submitted_at, plan.return_reason = PlanStatus.SUBMITTED, timezone.now(), ""
        plan.save(update_fields=["status", "submitted_at", "return_reason"])
        audit(actor=actor, action="rotation.plan.submit", obj=plan, summary=f"提交轮岗交流方案 {plan.name}")
    return plan


def plan_approve(*, actor, plan: RotationPlan) -> RotationPlan:
    with transaction.atomic():
        plan = _transition(actor, plan, "approve")
        errors = plan_check(plan)
        if errors:
            raise ApplicationError(f"方案未通过校验（{len(errors)}项问题），不能批准", errors=errors)
        plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, actor, timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        audit(actor=actor, action="rotation.plan.approve", obj=plan, summary=f"批准轮岗交流方案 {plan.name}")
    return plan


def plan_return(*, actor, plan: RotationPlan, reason: str) -> RotationPlan:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("退回方案须填写理由", field="reason")
    with transaction.atomic():
        plan = _transition(actor, plan, "return")
        plan.status, plan.return_reason = PlanStatus.RETURNED, reason
        plan.save(update_fields=["status", "return_reason"])
        audit(actor=actor, action="rotation.plan.return", obj=plan, summary=f"退回轮岗交流方案 {plan.name}：{reason}")
    return plan


METHOD = {"平级": "平级交流", "提拔": "提拔", "降职": "降职"}


def plan_execute(*, actor, plan: RotationPlan, effective_date: dt.date | None = None) -> RotationPlan:
    """Carry out every move in ONE transaction: close the old holdings, open the new ones (seats), update each
    cadre's current position through cadre.services (history + audit), mark the plan executed; then issue the
    交流通知 after commit. Any failure leaves every record as it was."""
    with transaction.atomic():
        plan = _transition(actor, plan, "execute")
        start = effective_date or plan.effective_date or timezone.localdate()
        if start < plan.as_of:
            raise ApplicationError("交流生效日期不能早于测算基准日")
        plan.effective_date = start
        errors = plan_check(plan)
        if errors:
            raise ApplicationError(f"方案未通过执行前校验（{len(errors)}项问题）", errors=errors)
        moves = list(plan.moves.select_related("cadre", "to_post", "to_post__unit", "from_post").order_by("order", "id"))
        cadre_ids = [m.cadre_id for m in moves]
        locked = {c.pk: c for c in Cadre.objects.select_for_update().filter(pk__in=cadre_ids)}
        # 1) close every old holding first so swaps and chains find their seats free
        for m in moves:
            rows = PostHistory.objects.filter(cadre_id=m.cadre_id, end__isnull=True, is_secondment=False)
            if m.from_post_id:
                rows = rows.filter(post_id=m.from_post_id)
            for row in rows:
                row.end = max(row.start, start - dt.timedelta(days=1))
                row.save(update_fields=["end"])
        # 2) the new positions, through the records service (history, audit, open row with a seat)
        for m in moves:
            cadre = locked[m.cadre_id]
            data = {"unit": m.to_post.unit, "position_title": m.to_post.title, "position_start": start}
            if m.move_type != "平级" or not cadre.rank_level:
                data.update(rank_level=m.to_post.level, rank_start=start)
            cadre_update(actor=actor, cadre=cadre, data=data, method=METHOD.get(m.move_type, "平级交流"))
            opened = PostHistory.objects.filter(cadre_id=m.cadre_id, post=m.to_post, end__isnull=True).exists()
            if not opened:
                raise ApplicationError(f"{cadre.name}：{m.to_post}没有空余职数，方案未执行")
        plan.status, plan.executed_by, plan.executed_at = PlanStatus.EXECUTED, actor, timezone.now()
        plan.save(update_fields=["status", "executed_by", "executed_at", "effective_date"])
        audit(actor=actor, action="rotation.plan.execute", obj=plan,
              summary=f"执行轮岗交流方案 {plan.name}（{len(moves)}人，{start:%Y.%m.%d}起）", data={"moves": cadre_ids})
        plan_id = plan.pk
        transaction.on_commit(lambda: _issue_notice(plan_id))
    return plan


def _issue_notice(plan_id: int) -> None:
    from .tasks import issue_rotation_notice

    issue_rotation_notice.delay(plan_id)


# ---------------------------------------------------------------- suggestions


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
    eligibility = _eligibility(mover_ids, {s.post.post_id for s in slots}, as_of)
    ctx = solver.Context(
        policy=policy, as_of=as_of, eligibility=eligibility, kin=rules.kin_pairs(selectors.kin_links()),
        unit_people=unit_people, left_units=selectors.left_units(mover_ids), teams=teams,
        unit_kind={p.unit_id: p.unit_kind for p in posts.values()},
    )
    return movers, slots, ctx, people, posts, holdings


def suggestions_generate(*, actor, plan: RotationPlan, cadre_ids=None, allow_promotion_ids=(),
                         weights: solver.Weights = solver.Weights(), max_excluded: int = 5) -> list[RotationSuggestion]:
    """Run the solver for the plan and store one suggestion per mover (a move, or 留任 with why)."""
    _require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能测算建议")
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
            feasible = int((~__import__("numpy").isnan(result.scores[i])).sum())
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
        audit(actor=actor, action="rotation.suggest", obj=plan,
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
    _require(permissions.can_edit_plan(actor, suggestion.plan), "方案已提交或已批准，不能修改")
    if suggestion.status != SuggestionStatus.PENDING:
        raise ApplicationError("该建议已处理")
    with transaction.atomic():
        suggestion.status, suggestion.reject_reason = SuggestionStatus.REJECTED, (reason or "")[:300]
        suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
        suggestion.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        audit(actor=actor, action="rotation.suggestion.reject", obj=suggestion.plan,
              summary=f"{suggestion.plan.name}：未采纳 {suggestion.cadre.name} 的交流建议")
    return suggestion


# ---------------------------------------------------------------- secondments

SECONDMENT_FIELDS = ("cadre", "home_unit", "home_job", "host_unit", "host_post", "host_title", "start", "planned_end",
                     "actual_end", "duties", "summary", "counts_as_grassroots")


def _check_secondment(data: dict) -> None:
    if not data.get("cadre"):
        raise ApplicationError("请选择挂职干部", field="cadre")
    if not data.get("host_unit"):
        raise ApplicationError("请选择挂职单位", field="host_unit")
    if not (data.get("host_title") or "").strip():
        raise ApplicationError("请填写挂任职务", field="host_title")
    start, planned, actual = data.get("start"), data.get("planned_end"), data.get("actual_end")
    if not start or not planned:
        raise ApplicationError("请填写挂职开始和计划结束时间", field="start")
    if planned < start:
        raise ApplicationError("计划结束时间不能早于挂职开始时间", field="planned_end")
    if actual and actual < start:
        raise ApplicationError("实际结束时间不能早于挂职开始时间", field="actual_end")
    post = data.get("host_post")
    if post is not None and post.unit_id != data["host_unit"].pk:
        raise ApplicationError(f"挂职职位{post}不属于挂职单位{data['host_unit']}", field="host_post")


def secondment_create(*, actor, data: dict) -> Secondment:
    _require(permissions.can_write(actor))
    data = {k: v for k, v in data.items() if k in SECONDMENT_FIELDS}
    cadre: Cadre = data.get("cadre")
    if cadre is not None:
        data.setdefault("home_unit", cadre.unit)
        if not data.get("home_job"):
            data["home_job"] = cadre.current_job
    _check_secondment(data)
    with transaction.atomic():
        s = Secondment.objects.create(created_by=actor, **data)
        audit(actor=actor, action="rotation.secondment.create", obj=s,
              summary=f"{cadre.name} 挂任{s.host_unit}{s.host_title}（{s.start:%Y.%m}—{s.planned_end:%Y.%m}）")
    return s


def secondment_update(*, actor, secondment: Secondment, data: dict) -> Secondment:
    _require(permissions.can_write(actor))
    merged = {f: getattr(secondment, f) for f in SECONDMENT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in SECONDMENT_FIELDS})
    _check_secondment(merged)
    with transaction.atomic():
        changed = [f for f in SECONDMENT_FIELDS if getattr(secondment, f) != merged[f]]
        for f in changed:
            setattr(secondment, f, merged[f])
        secondment.save()
        audit(actor=actor, action="rotation.secondment.update", obj=secondment,
              summary=f"修改 {secondment.cadre.name} 的挂职记录", data={"fields": changed})
    return secondment


def secondment_mark_reminded(*, secondment_ids, on: dt.date) -> int:
    with transaction.atomic():
        return Secondment.objects.filter(pk__in=list(secondment_ids)).update(reminded_on=on)


def units_of(ids) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(pk__in=list(ids)))
