"""竞争上岗's items on the home page (core.todos): staff see each running campaign with its next step, leaders
what waits for their approval, judges the sheets to score, candidates their nominations and applications.
Registered in apps.ready(); each provider reads through the selectors with a fixed number of queries."""
from __future__ import annotations

from django.urls import reverse

from core import roles
from core.todos import Todo, register

from . import selectors, workflow
from .models import AppStatus
from .workflow import STAFF, Stage

# the date a stage has to be finished by, where the campaign records one
_DEADLINE_FIELDS = {Stage.REGISTRATION: "registration_end", Stage.SPEECH: "speech_date", Stage.REVIEW: "speech_date"}


def _next_step(stage: str) -> str:
    forward = [t for t in workflow.available(stage) if t.is_forward]
    if not forward:
        return ""
    step = forward[0]
    if STAFF in step.roles:
        return f"下一步：{step.label}"
    return f"等待领导小组：{step.label}"


@register("selection.staff", section="竞争上岗工作", roles=(roles.STAFF,))
def staff_campaigns(user) -> list[Todo]:
    campaigns = selectors.campaign_list(user).exclude(stage__in=workflow.TERMINAL)
    return [
        Todo(
            title=f"{c.title}（{c.get_stage_display()}）",
            url=reverse("selection:campaign", args=[c.pk]),
            since=c.stage_since,
            action=_next_step(c.stage),
            deadline=getattr(c, _DEADLINE_FIELDS[c.stage]) if c.stage in _DEADLINE_FIELDS else None,
        )
        for c in campaigns
    ]


@register("selection.leader", section="待我审批", roles=(roles.LEADER,))
def leader_items(user) -> list[Todo]:
    return [
        Todo(
            title=f"{c.title}：{c.waiting_label}",
            url=reverse("selection:campaign", args=[c.pk]),
            since=c.stage_since,
            action="请审阅后批准或退回",
        )
        for c in selectors.leader_inbox(user)
    ]


@register("selection.judge", section="待评分", roles=(roles.JUDGE,))
def judge_items(user) -> list[Todo]:
    out = []
    for c in selectors.judge_campaigns(user):
        if c.stage != Stage.SPEECH or c.speech_closed_at or c.my_absent:
            continue
        left = max(0, (c.candidate_count or 0) - (c.my_scored or 0))
        out.append(Todo(
            title=f"{c.title}：演讲评分表",
            url=reverse("selection:judge-scores", args=[c.pk]),
            count=left,
            since=c.stage_since,
            deadline=c.speech_date,
            action=f"已评 {c.my_scored} 人，还有 {left} 人待评" if left else "已全部评分，可复核后等待评分截止",
            urgent=bool(left),
        ))
    return out


@register("selection.candidate.nominations", section="我的竞争上岗", cadre_only=True)
def candidate_nominations(user) -> list[Todo]:
    return [
        Todo(
            title=f"{app.campaign.title}：{app.get_source_display()}您报名“{app.campaign_post.post}”，请答复",
            url=reverse("selection:my-application", args=[app.pk]),
            deadline=app.campaign.registration_end,
            action="接受推荐即视为报名；如不愿参加，请婉拒推荐后再自行报名其他职位",
            urgent=True,
        )
        for app in selectors.nominations_waiting(user.cadre)
    ]


@register("selection.candidate.applications", section="我的竞争上岗", cadre_only=True)
def candidate_applications(user) -> list[Todo]:
    out = [
        Todo(
            title=f"{app.campaign.title}：{app.campaign_post.post}",
            url=reverse("selection:my-application", args=[app.pk]),
            note=f"报名状态：{app.get_status_display()}；工作阶段：{app.campaign.get_stage_display()}",
            action="报名表尚未提交" if app.status == AppStatus.DRAFT else "",
            urgent=app.status == AppStatus.DRAFT,
        )
        for app in selectors.my_applications(user.cadre)
        if app.campaign.stage not in workflow.TERMINAL or app.status == AppStatus.DRAFT
    ]
    for campaign in selectors.open_campaigns_for_candidates():
        if campaign.open_posts:
            out.append(Todo(
                title=f"{campaign.title}：正在报名，开放职位 {len(campaign.open_posts)} 个",
                url=reverse("selection:my-applications"),
                deadline=campaign.registration_end,
                action="查看职位与资格自查",
            ))
    return out
