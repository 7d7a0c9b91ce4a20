"""When a campaign enters a stage that waits for someone, that person hears of it: an in-app notification (the
bell) and, through documents.services.notification_create, an e-mail after commit.

- 方案报批, 组织考察 (考察对象 to confirm) and 讨论决定 (the 党委会) wait for the leaders: the 领导小组 members
  linked to an account, or every active 领导小组成员 when none is linked;
- 演讲 waits for the judges: each present judge gets their score sheet.

Called by ``base.transition`` inside its transaction, after the move; the notifications are idempotent per
campaign, stage and the moment the stage began (a stage entered again after a 撤回 notifies again).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from core import roles
from documents.services import notification_create

from ..models import Campaign
from ..workflow import Stage

SOURCE = "竞争上岗"

LEADER_STAGES = {
    Stage.PLAN_APPROVAL: ("工作方案待审批", "请审阅竞争上岗工作方案后批准或退回。"),
    Stage.INSPECTION: ("考察对象待确定", "民主测评已结束，请确定考察对象。"),
    Stage.DECISION: ("待党委会讨论决定", "组织考察已结束，请安排党委（党组）会议讨论决定。"),
}


def leaders_of(campaign: Campaign):
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.LEADER)
    linked = users.filter(pk__in=campaign.members.exclude(user=None).values("user")).distinct()
    return linked if linked.exists() else users.distinct()


def stage_waiting_notify(campaign: Campaign) -> int:
    """Notify whoever the campaign's new stage waits for; returns how many notifications were new."""
    since = campaign.stage_since.isoformat() if campaign.stage_since else ""
    key = f"selection:waiting:{campaign.pk}:{campaign.stage}:{since}"
    new = 0
    if campaign.stage in LEADER_STAGES:
        title, body = LEADER_STAGES[campaign.stage]
        link = reverse("selection:campaign", args=[campaign.pk])
        for user in leaders_of(campaign):
            new += notification_create(user=user, source=SOURCE, dedup_key=key, title=f"{campaign.title}：{title}",
                                       body=body, link=link)[1]
    elif campaign.stage == Stage.SPEECH:
        link = reverse("selection:judge-scores", args=[campaign.pk])
        day = campaign.speech_date
        when = f"演讲日期：{day.year}年{day.month}月{day.day}日。" if day else ""
        for judge in campaign.judges.filter(absent=False).exclude(user=None).select_related("user"):
            new += notification_create(
                user=judge.user, source=SOURCE, dedup_key=key, title=f"{campaign.title}：演讲评分已开始",
                body=f"您是本次演讲评委，请按演讲顺序评分。{when}", link=link,
            )[1]
    return new
