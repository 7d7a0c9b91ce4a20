"""Adopting and rejecting solver suggestions.

A suggestion is adopted with its whole chain (the moves whose seats it needs and those that need its seat), and a
set of suggestions (采纳全部 / 采纳所选) in one request; before anything is written the set is checked as it stands
now: everyone involved still holds the post the suggestion started from, every seat it takes is free or left by a
move of the set, and the plan with the new moves breaks no rule of the post-plan state. Otherwise the refusal
names each conflict and nothing is written. Rejecting a suggestion rejects the ones that fall with it.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cadre.models import Cadre, Post
from core.audit import audit
from core.exceptions import ApplicationError

from .. import permissions, rules, selectors
from ..audit import AuditAction
from ..models import Direction, MoveKind, RotationMove, RotationPlan, RotationSuggestion, SuggestionStatus
from ..permissions import require
from .plans import eligibility_verdicts


def _pending(plan: RotationPlan) -> list[RotationSuggestion]:
    latest = plan.suggestions.order_by("-run").values_list("run", flat=True).first() or 0
    return list(
        plan.suggestions.filter(run=latest, status=SuggestionStatus.PENDING)
        .select_related("cadre", "from_post__unit", "to_post__unit").order_by("-score", "id")
    )


def links(suggestions) -> list[rules.Link]:
    return [
        rules.Link(s.pk, s.cadre_id, s.explanation.get("needs"), tuple(s.explanation.get("with", ())))
        for s in suggestions if s.to_post_id
    ]


@dataclass
class Adopted:
    moves: list[RotationMove]
    chained: list[str]  # names adopted with the chosen ones because their chain needs them


def _stale(chosen: list[RotationSuggestion], people, holdings, in_plan: set[int]) -> list[str]:
    """Why suggestions no longer fit the records (someone involved has moved, a seat is taken)."""
    out = []
    movers = {s.cadre_id for s in chosen}
    for s in chosen:
        name = s.cadre.name
        if s.cadre_id in in_plan:
            out.append(f"{name}已在本方案中，不能再次采纳其交流建议")
            continue
        p = people.get(s.cadre_id)
        if p is None:
            out.append(f"{name}已不在职，建议已失效")
            continue
        if s.from_post_id and s.cadre_id not in holdings.get(s.from_post_id, set()):
            out.append(f"{name}已不在{s.from_post}任职（现任{p.job or '无职务'}），建议已过时")
        needs = s.explanation.get("needs")
        if needs and needs not in movers and needs in holdings.get(s.to_post_id, set()):
            who = people[needs].name if needs in people else s.explanation.get("needs_name", "")
            out.append(f"{s.to_post}仍由{who}担任，且其交流未在本次采纳之列，{name}的建议已过时")
    return out


def suggestions_adopt(*, actor, plan: RotationPlan, suggestion_ids=None, everything: bool = False,
                      overrides: dict | None = None) -> Adopted:
    """Adopt the chosen pending suggestions of the latest run (or all of them) with their chains, in one
    transaction; refuse with every conflict named and nothing written when the set does not hold now.
    `overrides`: suggestion id → (post, kind) for one adjusted adoption."""
    require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能修改")
    overrides = overrides or {}
    with transaction.atomic():
        plan = RotationPlan.objects.select_for_update().get(pk=plan.pk)
        pending = _pending(plan)
        by_id = {s.pk: s for s in pending}
        wanted = [s.pk for s in pending if s.to_post_id] if everything else list(dict.fromkeys(suggestion_ids or ()))
        gone = [sid for sid in wanted if sid not in by_id]
        if gone:
            raise ApplicationError("所选建议已处理或已被新的测算替代，请刷新后重试")
        if not wanted:
            raise ApplicationError("没有可采纳的建议（留任建议须选择拟任职位后调整采纳）")
        chosen_ids = [sid for sid in wanted if sid in overrides] + rules.expand(
            links(pending), [sid for sid in wanted if sid not in overrides]
        )
        chosen = [by_id[sid] for sid in chosen_ids]
        chained = [s.cadre.name for s in chosen if s.pk not in set(wanted)]
        as_of = plan.effective_date or plan.as_of
        existing = list(plan.moves.all())
        links_ = selectors.kin_links()
        people = selectors.people_for_moves(
            as_of, {s.cadre_id for s in chosen} | {m.cadre_id for m in existing},
            {p for s in chosen for p in (s.from_post_id, s.to_post_id, *((overrides[s.pk][0].pk,) if s.pk in overrides else ()))
             if p} | {p for m in existing for p in (m.from_post_id, m.to_post_id) if p}, links_)
        posts, holdings = selectors.post_facts()
        in_plan = {m.cadre_id for m in existing}
        stale = _stale([s for s in chosen if s.pk not in overrides], people, holdings, in_plan)
        stale += [f"{s.cadre.name}已在本方案中" for s in chosen if s.pk in overrides and s.cadre_id in in_plan]
        if stale:
            raise ApplicationError("建议已过时，未作任何更改：" + "；".join(stale), errors=stale)
        targets = {s.pk: (overrides[s.pk][0].pk if s.pk in overrides else s.to_post_id) for s in chosen}
        facts = [rules.MoveFacts(i, m.cadre_id, m.from_post_id, m.to_post_id) for i, m in enumerate(existing, 1)]
        new_index = {}
        for s in chosen:
            p = people[s.cadre_id]
            new_index[len(facts) + 1] = s
            facts.append(rules.MoveFacts(len(facts) + 1, s.cadre_id, p.post_id, targets[s.pk]))
        pairs = {(s.cadre_id, targets[s.pk]) for s in chosen}
        elig = {k: v for k, v in eligibility_verdicts({c for c, _ in pairs}, {t for _, t in pairs}, as_of).items()
                if k in pairs}
        policy = plan.policy.as_rules()
        bad = [
            v.message for v in rules.plan_violations(
                moves=facts, people=people, posts=posts, holdings=holdings, kin=rules.kin_pairs(links_),
                left_units=selectors.left_units({f.cadre_id for f in facts}), eligibility=elig, scope_post_ids=set(),
                policy=policy, as_of=as_of, with_scope=False,
            ) if v.indices & set(new_index)
        ]
        if bad:
            raise ApplicationError(f"采纳后方案将有{len(bad)}项问题，未作任何更改", errors=bad)
        order = (max((m.order for m in existing), default=0) // 10 + 1) * 10
        rows = []
        for idx, s in new_index.items():
            p = people[s.cadre_id]
            post = posts[targets[s.pk]]
            kind = overrides[s.pk][1] if s.pk in overrides and overrides[s.pk][1] else (s.kind or MoveKind.ADJUST)
            why = "；".join(t for t, _v in s.explanation.get("parts", [])) or "系统建议"
            rows.append(RotationMove(
                plan=plan, cadre_id=s.cadre_id, from_post_id=p.post_id, from_job=p.job, from_start=p.position_start,
                to_post_id=post.post_id, kind=kind,
                direction=Direction.INSIDE if post.unit_id == p.unit_id else Direction.OTHER,
                move_type=rules.person_move_type(p, post), reason=why[:500], from_suggestion=True, order=order,
            ))
            order += 10
        RotationMove.objects.bulk_create(rows)
        now = timezone.now()
        for s in chosen:
            adjusted = s.pk in overrides and (targets[s.pk] != s.to_post_id or overrides[s.pk][1] not in ("", s.kind))
            s.status = SuggestionStatus.ADJUSTED if adjusted else SuggestionStatus.ACCEPTED
            s.decided_by, s.decided_at = actor, now
        RotationSuggestion.objects.bulk_update(chosen, ["status", "decided_by", "decided_at"])
        names = "、".join(s.cadre.name for s in chosen)
        audit(actor=actor, action=AuditAction.MOVE_ADD, obj=plan,
              summary=f"{plan.name}：采纳交流建议{len(chosen)}条（{names[:200]}）",
              data={"suggestions": [s.pk for s in chosen], "chained": chained})
    return Adopted(rows, chained)


def suggestion_accept(*, actor, suggestion: RotationSuggestion, to_post: Post | None = None, kind: str = "",
                      direction: str = "", reason: str = "") -> Adopted:
    """Accept one suggestion: as it is (with its chain), or adjusted to another post / kind (alone)."""
    if suggestion.status != SuggestionStatus.PENDING:
        raise ApplicationError("该建议已处理")
    target = to_post or suggestion.to_post
    if target is None:
        raise ApplicationError("建议为留任，请选择拟任职位后再采纳", field="to_post")
    if kind and kind not in MoveKind.values:
        raise ApplicationError(f"交流类型「{kind}」无效", field="kind")
    adjusted = target.pk != suggestion.to_post_id or (kind and kind != suggestion.kind)
    overrides = {suggestion.pk: (target, kind)} if adjusted else None
    return suggestions_adopt(actor=actor, plan=suggestion.plan, suggestion_ids=[suggestion.pk], overrides=overrides)


def suggestion_reject(*, actor, suggestion: RotationSuggestion, reason: str = "") -> list[RotationSuggestion]:
    """Reject a suggestion and every pending one that falls with it (they need its seat, or are bound to it);
    returns the ones that fell with it."""
    require(permissions.can_edit_plan(actor, suggestion.plan), "方案已提交或已批准，不能修改")
    if suggestion.status != SuggestionStatus.PENDING:
        raise ApplicationError("该建议已处理")
    with transaction.atomic():
        plan = RotationPlan.objects.select_for_update().get(pk=suggestion.plan_id)
        pending = _pending(plan)
        by_id = {s.pk: s for s in pending}
        fall = [by_id[sid] for sid in rules.fallers(links(pending), suggestion.pk)]
        now = timezone.now()
        name = Cadre.objects.filter(pk=suggestion.cadre_id).values_list("name", flat=True).first() or ""
        suggestion.status, suggestion.reject_reason = SuggestionStatus.REJECTED, (reason or "")[:300]
        suggestion.decided_by, suggestion.decided_at = actor, now
        for s in fall:
            s.status, s.decided_by, s.decided_at = SuggestionStatus.REJECTED, actor, now
            s.reject_reason = f"因不采纳{name}的建议一并失效（其拟任职位有赖于{name}的交流）"[:300]
        RotationSuggestion.objects.bulk_update([suggestion, *fall], ["status", "reject_reason", "decided_by", "decided_at"])
        fell = "、".join(s.cadre.name for s in fall)
        audit(actor=actor, action=AuditAction.SUGGESTION_REJECT, obj=plan,
              summary=f"{plan.name}：未采纳 {name} 的交流建议" + (f"，{fell}的建议一并失效" if fall else ""))
    return fall


def rejection_fallers(plan: RotationPlan) -> dict[int, list[str]]:
    """For the page: pending suggestion id → names of the suggestions that would fall with it."""
    pending = _pending(plan)
    names = {s.pk: s.cadre.name for s in pending}
    ls = links(pending)
    return {x.sid: [names[f] for f in rules.fallers(ls, x.sid)] for x in ls}
