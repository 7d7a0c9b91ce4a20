"""Rotation plans: the default policy, creating and editing a plan, and its validation (status moves: transitions)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from cadre.eligibility import screen
from cadre.models import Cadre, Post
from core.audit import audit
from core.exceptions import ApplicationError

from .. import permissions, rules, selectors
from ..audit import AuditAction
from ..models import RotationPlan, RotationPolicy
from ..permissions import require


def policy_default(*, actor=None) -> RotationPolicy:
    policy = RotationPolicy.objects.filter(is_default=True).first()
    if policy is None:
        with transaction.atomic():
            policy, _ = RotationPolicy.objects.get_or_create(name="默认口径", defaults={"is_default": True})
            if not policy.is_default:
                policy.is_default = True
                policy.save(update_fields=["is_default"])
            audit(actor=actor, action=AuditAction.POLICY_CREATE, obj=policy, summary="建立默认轮岗交流口径")
    return policy


def plan_create(*, actor, name: str, as_of: dt.date, effective_date: dt.date | None = None, units=(), posts=(),
                note: str = "", policy: RotationPolicy | None = None) -> RotationPlan:
    require(permissions.can_write(actor))
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
        audit(actor=actor, action=AuditAction.PLAN_CREATE, obj=plan, summary=f"新建轮岗交流方案 {name}")
    return plan


def plan_update(*, actor, plan: RotationPlan, data: dict) -> RotationPlan:
    require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能修改")
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
        audit(actor=actor, action=AuditAction.PLAN_UPDATE, obj=plan, summary=f"修改轮岗交流方案 {plan.name}")
    return plan


def screen_basis(on: dt.date) -> tuple[dt.date, str]:
    """The date eligibility is screened as of for a plan dated `on` and why it differs (rules.assessment_basis)."""
    return rules.assessment_basis(on, selectors.assessments_in(on.year - 1))


def eligibility_verdicts(cadre_ids, post_ids, as_of) -> dict[tuple[int, int], rules.Eligibility]:
    """The engine's verdict for each (cadre, post) asked about (waivers applied), in a fixed number of queries;
    年度考核 as of the plan's date (`screen_basis`: the year before last while last year's results are not in)."""
    if not cadre_ids or not post_ids:
        return {}
    out = {}
    on, _note = screen_basis(as_of)
    result = screen(Cadre.objects.filter(pk__in=list(cadre_ids)), Post.objects.filter(pk__in=list(post_ids)), on)
    for post_id, explanations in result.items():
        for e in explanations:
            reasons = tuple(f"{r.name}：{r.reason}" for r in e.failed)
            out[(e.cadre.id, post_id)] = rules.Eligibility(e.result, reasons)
    return out


def plan_check(plan: RotationPlan) -> list[str]:
    """Every reason the plan cannot be approved ([] when it can)."""
    return plan_report(plan)["errors"]


def plan_report(plan: RotationPlan) -> dict:
    """The plan check: every violation in Chinese, the counts of the 交流比例 and the assessment basis note."""
    moves = list(plan.moves.all())
    as_of = plan.effective_date or plan.as_of
    links = selectors.kin_links()
    people = selectors.people_for_moves(as_of, {m.cadre_id for m in moves},
                                        {p for m in moves for p in (m.from_post_id, m.to_post_id) if p}, links)
    posts, holdings = selectors.post_facts()
    facts = [
        rules.MoveFacts(i, m.cadre_id, m.from_post_id, m.to_post_id, m.kind, m.move_type)
        for i, m in enumerate(moves, start=1)
    ]
    pairs = {(m.cadre_id, m.to_post_id) for m in moves}
    elig_all = eligibility_verdicts({c for c, _ in pairs}, {p for _, p in pairs}, as_of)
    eligibility = {k: v for k, v in elig_all.items() if k in pairs}
    scope = set(selectors.scope_posts(plan).values_list("pk", flat=True))
    errors = rules.validate_plan(
        moves=facts, people=people, posts=posts, holdings=holdings, kin=rules.kin_pairs(links),
        left_units=selectors.left_units({m.cadre_id for m in moves}), eligibility=eligibility,
        scope_post_ids=scope, policy=plan.policy.as_rules(), as_of=as_of,
    )
    return {"errors": errors, "scope": rules.scope_count(facts, scope), "basis": screen_basis(as_of)[1],
            "min_ratio": plan.policy.as_rules().min_scope_ratio}
