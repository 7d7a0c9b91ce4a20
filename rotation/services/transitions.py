"""The one entry for a plan's status moves: ``plan_transition`` checks the move against ``rotation.workflow``
(role, status, reason, inputs), runs the step of the action, sets the status and records the audit event. It is
the only place that writes ``RotationPlan.status``; ``plan_submit`` … ``plan_execute`` are named shortcuts to it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.audit import audit
from core.exceptions import ApplicationError
from core.jobs import enqueue_on_commit
from documents.services import notification_create

from .. import workflow
from ..audit import AuditAction
from ..models import PlanStatus, RotationPlan
from .execution import moves_carry_out
from .plans import plan_check


@dataclass
class Step:
    """What a step did besides the status: the plan fields it changed and the audit event to record."""

    fields: list[str]
    action: AuditAction
    summary: str
    data: dict = field(default_factory=dict)


def _checked(plan: RotationPlan, message: str) -> None:
    errors = plan_check(plan)
    if errors:
        raise ApplicationError(message.format(n=len(errors)), errors=errors)


def _submit(*, actor, plan: RotationPlan, note: str) -> Step:
    _checked(plan, "方案未通过校验（{n}项问题），不能提交审批")
    plan.submitted_at, plan.return_reason = timezone.now(), ""
    return Step(["submitted_at", "return_reason"], AuditAction.PLAN_SUBMIT, f"提交轮岗交流方案 {plan.name}")


def _approve(*, actor, plan: RotationPlan, note: str) -> Step:
    _checked(plan, "方案未通过校验（{n}项问题），不能批准")
    plan.approved_by, plan.approved_at = actor, timezone.now()
    return Step(["approved_by", "approved_at"], AuditAction.PLAN_APPROVE, f"批准轮岗交流方案 {plan.name}")


def _return(*, actor, plan: RotationPlan, note: str) -> Step:
    plan.return_reason = note
    return Step(["return_reason"], AuditAction.PLAN_RETURN, f"退回轮岗交流方案 {plan.name}：{note}")


def _execute(*, actor, plan: RotationPlan, note: str, effective_date: dt.date | None = None) -> Step:
    """Carry out every move in the transition's transaction, then issue the 交流通知 after commit."""
    start = effective_date or plan.effective_date or timezone.localdate()
    if start < plan.as_of:
        raise ApplicationError("交流生效日期不能早于测算基准日")
    plan.effective_date = start
    _checked(plan, "方案未通过执行前校验（{n}项问题）")
    moves = moves_carry_out(actor=actor, plan=plan, start=start)
    plan.executed_by, plan.executed_at = actor, timezone.now()
    enqueue_on_commit("rotation.issue_rotation_notice", plan.pk)
    return Step(["executed_by", "executed_at", "effective_date"], AuditAction.PLAN_EXECUTE,
                f"执行轮岗交流方案 {plan.name}（{len(moves)}人，{start:%Y.%m.%d}起）",
                {"moves": [m.cadre_id for m in moves]})


STEPS: dict[str, Callable[..., Step]] = {"submit": _submit, "approve": _approve, "return": _return, "execute": _execute}


def plan_transition(*, actor, plan: RotationPlan, action: str, note: str = "", **inputs) -> RotationPlan:
    """Move ``plan`` by ``action`` (a ``workflow.TRANSITIONS`` action): refuse in Chinese when the role, the status,
    the reason or an input does not fit; otherwise run the step (its checks and writes), set the new status and
    record the audit event, all in one transaction."""
    note = (note or "").strip()
    with transaction.atomic():
        plan = RotationPlan.objects.select_for_update().get(pk=plan.pk)
        errors = workflow.transition_errors(actor, action, plan.status, reason=note)
        if errors:
            raise ApplicationError(errors[0], field="reason" if errors[0] == workflow.reason_error(action, note) else None)
        t = workflow.transition_for(action, plan.status)
        known = {i.name: i for i in t.inputs}
        unknown = sorted(set(inputs) - set(known))
        if unknown:
            raise ApplicationError(f"“{t.label}”不需要填写“{'、'.join(unknown)}”")
        for i in t.inputs:
            if i.required and inputs.get(i.name) in (None, ""):
                raise ApplicationError(f"“{t.label}”须填写{i.label}", field=i.name)
        step = STEPS[action](actor=actor, plan=plan, note=note, **{k: v for k, v in inputs.items() if v is not None})
        plan.status = t.target
        plan.save(update_fields=["status", *step.fields])
        audit(actor=actor, action=step.action, obj=plan, summary=step.summary, data=step.data or None)
        _notify_waiting(plan, note)
    return plan


def _notify_waiting(plan: RotationPlan, note: str) -> None:
    """Whoever the plan's new status waits for hears of it (the bell, and an e-mail after commit): the leaders
    when it is submitted, its author when it is returned or approved."""
    link = reverse("rotation:plan", args=[plan.pk])
    key = f"rotation:plan:{plan.pk}:{plan.status}:{timezone.now().isoformat()}"
    if plan.status == PlanStatus.SUBMITTED:
        users = get_user_model().objects.filter(is_active=True, groups__name=roles.LEADER).distinct()
        title, body = f"轮岗交流方案待审批：{plan.name}", "请审阅方案及其检查结果后批准或退回。"
    elif plan.status in (PlanStatus.RETURNED, PlanStatus.APPROVED) and plan.created_by_id:
        users = [plan.created_by]
        if plan.status == PlanStatus.RETURNED:
            title, body = f"轮岗交流方案被退回：{plan.name}", f"退回理由：{note}" if note else "请按审批意见修改后重新提交。"
        else:
            title, body = f"轮岗交流方案已批准：{plan.name}", "下一步：办理执行。"
    else:
        return
    for user in users:
        notification_create(user=user, source="轮岗交流", dedup_key=key, title=title, body=body, link=link)


# the named shortcuts (the services' names before the table): each is one call of plan_transition


def plan_submit(*, actor, plan: RotationPlan) -> RotationPlan:
    return plan_transition(actor=actor, plan=plan, action="submit")


def plan_approve(*, actor, plan: RotationPlan) -> RotationPlan:
    return plan_transition(actor=actor, plan=plan, action="approve")


def plan_return(*, actor, plan: RotationPlan, reason: str) -> RotationPlan:
    return plan_transition(actor=actor, plan=plan, action="return", note=reason)


def plan_execute(*, actor, plan: RotationPlan, effective_date: dt.date | None = None) -> RotationPlan:
    """Carry out every move in ONE transaction (cadre records through cadre.services), mark the plan executed,
    then issue the 交流通知 after commit. Any failure leaves every record as it was."""
    return plan_transition(actor=actor, plan=plan, action="execute", effective_date=effective_date)
