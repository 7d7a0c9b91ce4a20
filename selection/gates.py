"""The gate of each forward transition (selection.md, column "gate to leave the stage").

Read-only checks of a campaign's records; each returns a list of Chinese reasons (empty: the gate is open).
``services.transition`` calls ``errors(campaign, action)`` for every gated move (``Transition.gated``) after the
action's own writes and before moving; ``preview`` is what the pages show beside a move's button.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from assessment.models import SessionStatus
from cadre.eligibility import has_rules_for_level
from documents.models import DocumentKind, GeneratedDocument

from . import rules
from .models import (
    Application,
    AppStatus,
    Campaign,
    CampaignJudge,
    InspectionConclusion,
    JudgeScore,
    MeetingResult,
    MemberRole,
    ObjectionStatus,
    PostStatus,
)

QUALIFIED = ("通过", "放宽通过")


def today() -> dt.date:
    return timezone.localdate()


def submitted(campaign: Campaign):
    return Application.objects.filter(campaign=campaign, status=AppStatus.SUBMITTED)


def qualified(campaign: Campaign):
    """Applications that passed review, on posts still open: the candidates of 演讲 onwards."""
    return submitted(campaign).filter(review_decision__in=QUALIFIED, campaign_post__status=PostStatus.OPEN)


def rotated_count(campaign: Campaign) -> int | None:
    if campaign.rotation_plan_id:
        return campaign.rotation_plan.moves.count()
    return campaign.declared_rotation_count


def plan_errors(campaign: Campaign) -> list[str]:
    errors = []
    posts = list(campaign.posts.select_related("post", "post__unit").filter(status=PostStatus.OPEN))
    if not posts:
        errors.append("尚未列入任何竞争职位")
    for cp in posts:
        if not has_rules_for_level(cp.post.level):
            errors.append(f"{cp.post}的职位层次“{cp.post.get_level_display()}”没有对应的任职资格规则")
    errors += rules.rotation_scope_errors(rotated_count(campaign), campaign.scope_post_count, campaign.min_rotation_percent)
    roles = Counter(campaign.members.values_list("role", flat=True))
    if not roles[MemberRole.GROUP_LEADER]:
        errors.append("领导小组尚未确定组长")
    if not roles[MemberRole.TEAM]:
        errors.append("尚未确定工作班子成员")
    return errors


def publish_errors(campaign: Campaign, on: dt.date | None = None) -> list[str]:
    on = on or today()
    errors = []
    if not (campaign.registration_start and campaign.registration_end):
        errors.append("尚未设定报名时间")
    elif campaign.registration_end < on:
        errors.append(f"报名截止日期 {campaign.registration_end:%Y年%m月%d日} 已过，请重新设定报名时间")
    if not GeneratedDocument.objects.filter(kind=DocumentKind.POST_ANNOUNCEMENT, subject_key=campaign.scope).exists():
        errors.append("尚未生成职位公告")
    return errors


def registration_closed_errors(campaign: Campaign, on: dt.date | None = None) -> list[str]:
    if not campaign.registration_end:
        return ["尚未设定报名截止日期"]
    if (on or today()) <= campaign.registration_end:
        return [f"报名截止日期为 {campaign.registration_end:%Y年%m月%d日}，报名尚未结束"]
    return []


def review_errors(campaign: Campaign) -> list[str]:
    errors = []
    undecided = submitted(campaign).filter(review_decision="", campaign_post__status=PostStatus.OPEN).select_related(
        "cadre", "campaign_post__post"
    )
    names = [f"{a.cadre.name}（{a.campaign_post.post}）" for a in undecided[:5]]
    if names:
        more = undecided.count() - len(names)
        errors.append("以下报名尚未作出审查结论：" + "、".join(names) + (f"等 {len(names) + more} 人" if more > 0 else ""))
    if not campaign.review_approved_at:
        errors.append("资格审查名单尚未经党委审定")
    if not campaign.review_published_at:
        errors.append("资格审查结果尚未张榜公布")
    errors += [f"{cp.post}差额不足：{msg}" for cp, msg in shortfalls(campaign)]
    if not campaign.posts.filter(status=PostStatus.OPEN).exists():
        errors.append("没有仍在竞争的职位")
    if not campaign.judges.exists():
        errors.append("尚未确定评委")
    return errors


def shortfalls(campaign: Campaign) -> list[tuple]:
    """Open posts with fewer qualified candidates than vacancies × minimum (差额), with a message each."""
    counts = dict(
        qualified(campaign).values_list("campaign_post_id").annotate(n=Count("id")).order_by()
    )
    out = []
    for cp in campaign.posts.select_related("post", "post__unit").filter(status=PostStatus.OPEN):
        have = counts.get(cp.pk, 0)
        lack = rules.shortfall(have, cp.vacancies, campaign.min_candidates_per_vacancy)
        if lack:
            out.append((cp, f"职数 {cp.vacancies} 名，须至少 {cp.vacancies * campaign.min_candidates_per_vacancy} 名合格人选，"
                            f"现有 {have} 名；请延长报名或取消该职位"))
    return out


def missing_scores(campaign: Campaign) -> list[str]:
    judges = list(CampaignJudge.objects.filter(campaign=campaign, absent=False))
    apps = list(qualified(campaign).select_related("cadre"))
    have = set(JudgeScore.objects.filter(application__in=apps).values_list("judge_id", "application_id"))
    missing = []
    for j in judges:
        lacking = [a.cadre.name for a in apps if (j.pk, a.pk) not in have]
        if lacking:
            missing.append(f"评委{j.name}尚未给{'、'.join(lacking[:5])}{'等' if len(lacking) > 5 else ''}评分")
    return missing


def speech_errors(campaign: Campaign) -> list[str]:
    errors = []
    if not CampaignJudge.objects.filter(campaign=campaign, absent=False).exists():
        errors.append("没有到场评委")
    if qualified(campaign).filter(speaking_order__isnull=True).exists():
        errors.append("尚未抽签确定演讲顺序")
    return errors + missing_scores(campaign)


def evaluation_errors(campaign: Campaign) -> list[str]:
    session = campaign.ballot_session
    if session is None:
        return ["尚未建立民主测评场次"]
    if session.status != SessionStatus.CLOSED:
        return [f"民主测评“{session.title}”尚未结束并统计（当前：{session.get_status_display()}）"]
    return []


def inspection_errors(campaign: Campaign) -> list[str]:
    errors = []
    if not campaign.inspection_confirmed_at:
        errors.append("考察对象名单尚未经领导小组确定")
    targets = qualified(campaign).filter(is_inspection_target=True).select_related("cadre")
    if campaign.inspection_confirmed_at and not targets.exists():
        errors.append("没有考察对象")
    for a in targets:
        lacking = [label for ok, label in (
            (a.talks_count is not None, "谈话人数"), (bool(a.inspection_opinion.strip()), "考察意见"),
            (bool(a.inspection_conclusion), "考察结论"),
        ) if not ok]
        if lacking:
            errors.append(f"{a.cadre.name}尚未填写" + "、".join(lacking))
    return errors


def decision_errors(campaign: Campaign) -> list[str]:
    errors = []
    meetings = list(campaign.meetings.all())
    if not meetings:
        return ["尚未记录党委会讨论决定情况"]
    if not any(m.quorum_met for m in meetings):
        errors.append("党委会到会人数未达到应到人数的三分之二")
    candidates = qualified(campaign).filter(
        is_inspection_target=True, inspection_conclusion=InspectionConclusion.RECOMMEND
    ).select_related("cadre")
    undecided = [a.cadre.name for a in candidates if not a.meeting_result]
    if undecided:
        errors.append("以下考察对象尚未经党委会表决：" + "、".join(undecided))
    deferred = [a.cadre.name for a in candidates if a.meeting_result == MeetingResult.DEFERRED and not a.defer_action]
    if deferred:
        errors.append("以下人选缓议后尚未确定处理方式：" + "、".join(deferred))
    passed = [a for a in candidates if a.meeting_result == MeetingResult.PASSED]
    if not passed:
        errors.append("没有经党委会表决通过的人选")
    if not (campaign.superior_approval_no and campaign.superior_approval_date):
        errors.append("尚未登记上级组织部审批文号和日期")
    pending = [a.cadre.name for a in passed if a.superior_approved is None]
    if pending:
        errors.append("以下人选尚未登记上级审批结果：" + "、".join(pending))
    if passed and not any(a.superior_approved for a in passed):
        errors.append("没有经上级批准的人选")
    return errors


def publicity_candidates(campaign: Campaign):
    """Who is in 任前公示: passed the meeting, approved above, not ended (e.g. by a substantiated objection)."""
    return qualified(campaign).filter(meeting_result=MeetingResult.PASSED, superior_approved=True, ended_reason="")


def publicity_errors(campaign: Campaign, on: dt.date | None = None) -> list[str]:
    errors = []
    if not campaign.publicity_end:
        return ["尚未开始任前公示"]
    if (on or today()) <= campaign.publicity_end:
        errors.append(f"任前公示至 {campaign.publicity_end:%Y年%m月%d日} 止，公示期未满")
    open_ones = (
        publicity_candidates(campaign).filter(objections__status=ObjectionStatus.OPEN).distinct().select_related("cadre")
    )
    for a in open_ones:
        errors.append(f"{a.cadre.name}的公示反映问题尚未核查完毕")
    return errors


def appointment_errors(campaign: Campaign) -> list[str]:
    if not campaign.appointment_date:
        return ["尚未办理任职"]
    if not qualified(campaign).filter(appointed_on__isnull=False).exists():
        return ["没有办理任职的人选"]
    return []


# each gate as of a day (``on``); only the three that compare dates read it
GATES = {
    "submit_plan": lambda c, on: plan_errors(c),
    "approve_plan": lambda c, on: [] if c.plan_document_no else ["尚未填写方案批准文号"],
    "publish_posts": publish_errors,
    "close_registration": registration_closed_errors,
    "start_speech": lambda c, on: review_errors(c),
    "close_speech": lambda c, on: speech_errors(c),
    "close_evaluation": lambda c, on: evaluation_errors(c),
    "finish_inspection": lambda c, on: inspection_errors(c),
    "start_publicity": lambda c, on: decision_errors(c),
    "end_publicity": publicity_errors,
    "appoint": lambda c, on: appointment_errors(c),
}


# gates that check what the move itself records (the 批准文号, the appointment): nothing to show before it
SELF_RECORDED = frozenset({"approve_plan", "appoint"})


def errors(campaign: Campaign, action: str, *, today: dt.date | None = None) -> list[str]:
    """Why the campaign may not leave its stage by ``action`` as of ``today`` (default: the real today)."""
    gate = GATES.get(action)
    return gate(campaign, today) if gate else []


def preview(campaign: Campaign, action: str) -> list[str]:
    """The gate's reasons to show beside a forward move before it is taken (the views' button hints)."""
    return [] if action in SELF_RECORDED else errors(campaign, action)


def open_objection_q() -> Q:
    return Q(objections__status=ObjectionStatus.OPEN)
