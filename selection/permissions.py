"""Who may see and do what in a 竞争上岗 campaign: pure predicates over core.roles and the judge assignments,
and the DRF permission classes built on them.

- 组织部工作人员 (staff): everything; runs the campaign.
- 领导小组成员 (leader) and 纪检监督 (observer): read every campaign, its applications and scores; leaders also
  decide where the stage table says so (workflow.py).
- 评委 (judge): only the campaigns they are assigned to, and there only their own score sheet.
- 干部 (candidate): never a whole campaign; their own applications, and their own scores once 任前公示 started.
"""
from __future__ import annotations

from rest_framework import permissions as drf_permissions

from cadre.models import Cadre
from core import roles

from . import workflow
from .models import Campaign, CampaignJudge
from .workflow import Stage


def _auth(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def can_manage(user) -> bool:
    """组织部工作人员 (or a superuser)."""
    return _auth(user) and roles.is_staff_member(user)


def is_reader(user) -> bool:
    """Staff, leaders and the 纪检 observer read every campaign."""
    return _auth(user) and roles.has_role(user, roles.STAFF, roles.LEADER, roles.OBSERVER)


def is_leader(user) -> bool:
    return _auth(user) and roles.has_role(user, roles.LEADER)


def is_assigned_judge(user, campaign: Campaign) -> bool:
    if not _auth(user):
        return False
    return CampaignJudge.objects.filter(campaign_id=campaign.pk, user_id=user.pk).exists()


def can_view_campaign(user, campaign: Campaign) -> bool:
    """Staff, leaders and observers; judges only for the campaigns they are assigned to; candidates never."""
    return is_reader(user) or is_assigned_judge(user, campaign)


def own_cadre_id(user) -> int | None:
    """The id of the cadre record linked to a candidate's account (None when there is none)."""
    if not _auth(user):
        return None
    cached = getattr(user, "_selection_cadre_id", False)
    if cached is False:
        cached = Cadre.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
        user._selection_cadre_id = cached
    return cached


def is_own_application(user, application) -> bool:
    cadre_id = own_cadre_id(user)
    return cadre_id is not None and application.cadre_id == cadre_id


def can_view_application(user, application) -> bool:
    """Staff, leaders and observers, or the candidate whose application it is."""
    return is_reader(user) or is_own_application(user, application)


def publicity_started(campaign: Campaign) -> bool:
    """任前公示 has started (the stage is 任前公示 or later, or a 公示 start date was recorded before a cancel)."""
    if campaign.stage == Stage.CANCELLED:
        return campaign.publicity_start is not None
    return workflow.stage_number(campaign.stage) >= workflow.stage_number(Stage.PUBLICITY)


def can_see_scores(user, campaign: Campaign, application=None) -> bool:
    """Staff, leaders and observers see every score. A candidate sees only their own application's scores, and
    only after 任前公示 started (pass ``application`` for that check). Judges see only their own sheet (see
    selectors.judge_sheet), never the campaign's scores."""
    if is_reader(user):
        return True
    if application is None or not publicity_started(campaign):
        return False
    return is_own_application(user, application)


def can_see_judge_scores(user) -> bool:
    """Each judge's individual scores (not just the trimmed mean): staff only."""
    return can_manage(user)


def work_role_allowed(user, work: str) -> bool:
    """Does ``user`` hold a role that may do this in-stage work at all (the stage itself is the service's check)?"""
    _stages, who = workflow.STAGE_WORK[work]
    return not who or bool(workflow.role_codes(user) & set(who))


def transition_role_allowed(user, action: str, stage: str) -> bool:
    """Does ``user`` hold a role named for ``action``? Unknown actions or wrong stages are left to the service,
    which answers with a 400 and the reason."""
    t = workflow.transition_for(action, stage)
    if t is None:
        return True
    return bool(workflow.role_codes(user) & set(t.roles))


# ---------------------------------------------------------------- DRF


class IsReader(drf_permissions.BasePermission):
    message = "只有组织部工作人员、领导小组成员和纪检监督人员可以查看竞争上岗工作。"

    def has_permission(self, request, view):
        return is_reader(request.user)


class IsStaff(drf_permissions.BasePermission):
    message = "只有组织部工作人员可以进行此项操作。"

    def has_permission(self, request, view):
        return can_manage(request.user)


class ReadOrManage(drf_permissions.BasePermission):
    """Readers may read; only staff may write."""

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        if request.method in drf_permissions.SAFE_METHODS:
            return is_reader(request.user)
        return can_manage(request.user)


class IsCandidate(drf_permissions.BasePermission):
    """A signed-in person with a cadre record linked to the account (their own applications only)."""

    message = "您的账号尚未关联干部档案，不能报名。请联系组织部。"

    def has_permission(self, request, view):
        return own_cadre_id(request.user) is not None


class IsJudge(drf_permissions.BasePermission):
    message = "只有评委可以进行此项操作。"

    def has_permission(self, request, view):
        return _auth(request.user) and roles.has_role(request.user, roles.JUDGE)


class IsLeader(drf_permissions.BasePermission):
    message = "只有领导小组成员可以查看待审批事项。"

    def has_permission(self, request, view):
        return is_leader(request.user)


class CanViewCampaign(drf_permissions.BasePermission):
    """Object-level: readers, or the judges assigned to the campaign."""

    message = "您没有查看该竞争上岗工作的权限。"

    def has_permission(self, request, view):
        return _auth(request.user)

    def has_object_permission(self, request, view, obj):
        return can_view_campaign(request.user, obj)
