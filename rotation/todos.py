"""轮岗交流's items on the home page (core.todos): plans waiting for the leaders' approval, and the staff's own
drafts and returned plans. Registered in apps.ready(); one query per provider."""
from __future__ import annotations

from django.urls import reverse

from core import roles
from core.todos import Todo, register

from .models import PlanStatus, RotationPlan


def _plans(*statuses):
    return RotationPlan.objects.filter(status__in=statuses).order_by("submitted_at", "created_at", "id")


@register("rotation.leader", section="待我审批", roles=(roles.LEADER,))
def plans_to_approve(user) -> list[Todo]:
    return [
        Todo(
            title=f"轮岗交流方案：{plan.name}",
            url=reverse("rotation:plan", args=[plan.pk]),
            since=plan.submitted_at or plan.created_at,
            action="请审阅方案检查结果后批准或退回",
        )
        for plan in _plans(PlanStatus.SUBMITTED)
    ]


@register("rotation.staff", section="轮岗交流", roles=(roles.STAFF,))
def plans_in_work(user) -> list[Todo]:
    actions = {
        PlanStatus.DRAFT: "草拟中：完善交流人选后提交审批",
        PlanStatus.RETURNED: "已被退回：按审批意见修改后重新提交",
        PlanStatus.SUBMITTED: "已提交，等待领导小组审批",
        PlanStatus.APPROVED: "已批准：下一步办理执行",
    }
    return [
        Todo(
            title=f"{plan.name}（{plan.get_status_display()}）",
            url=reverse("rotation:plan", args=[plan.pk]),
            since=plan.submitted_at if plan.status == PlanStatus.SUBMITTED else plan.created_at,
            action=actions[plan.status],
            urgent=plan.status in (PlanStatus.RETURNED, PlanStatus.APPROVED),
        )
        for plan in _plans(*actions)
    ]
