"""Rotation plans: the default policy, creating and editing a plan, its validation and its status moves."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cadre.models import Cadre, Post, PostHistory
from cadre.services import cadre_update
from core.audit import audit
from core.exceptions import ApplicationError
from core.jobs import enqueue_on_commit

from .. import permissions, rules, selectors
from ..audit import AuditAction
from ..models import PlanStatus, RotationPlan, RotationPolicy
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


def eligibility_verdicts(cadre_ids, post_ids, as_of) -> dict[tuple[int, int], rules.Eligibility]:
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
    elig_all = eligibility_verdicts({c for c, _ in pairs}, {p for _, p in pairs}, as_of)
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
        audit(actor=actor, action=AuditAction.PLAN_SUBMIT, obj=plan, summary=f"提交轮岗交流方案 {plan.name}")
    return plan


def plan_approve(*, actor, plan: RotationPlan) -> RotationPlan:
    with transaction.atomic():
        plan = _transition(actor, plan, "approve")
        errors = plan_check(plan)
        if errors:
            raise ApplicationError(f"方案未通过校验（{len(errors)}项问题），不能批准", errors=errors)
        plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, actor, timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        audit(actor=actor, action=AuditAction.PLAN_APPROVE, obj=plan, summary=f"批准轮岗交流方案 {plan.name}")
    return plan


def plan_return(*, actor, plan: RotationPlan, reason: str) -> RotationPlan:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("退回方案须填写理由", field="reason")
    with transaction.atomic():
        plan = _transition(actor, plan, "return")
        plan.status, plan.return_reason = PlanStatus.RETURNED, reason
        plan.save(update_fields=["status", "return_reason"])
        audit(actor=actor, action=AuditAction.PLAN_RETURN, obj=plan, summary=f"退回轮岗交流方案 {plan.name}：{reason}")
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
        audit(actor=actor, action=AuditAction.PLAN_EXECUTE, obj=plan,
              summary=f"执行轮岗交流方案 {plan.name}（{len(moves)}人，{start:%Y.%m.%d}起）", data={"moves": cadre_ids})
        enqueue_on_commit("rotation.issue_rotation_notice", plan.pk)
    return plan
