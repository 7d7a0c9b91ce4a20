"""资格审查 (selection.md "资格审查"): the team's decisions with reasons, the list submitted to 党委, approved or
returned by a leader, 张榜公布 (资格审查结果公示 PDF + a notification to each candidate), 个别放宽 by a
leader; 差额 handled by cancelling a post or extending registration; then 演讲 starts.

Every function: keyword-only with an ``actor``, one transaction, the campaign row locked (``base.lock``) before
anything is checked or written, an audit row; stage moves only through ``base.transition``.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cadre.services import waiver_grant
from core import roles
from core.audit import audit
from core.exceptions import ApplicationError
from documents.models import DocumentKind
from documents.services import campaign_document_generate, notification_create

from .. import gates, notices
from ..audit import AuditAction
from ..models import Application, AppStatus, Campaign, CampaignPost, PostStatus, ReviewDecision, Suggestion
from ..workflow import Stage
from .base import actor_user, app_label, lock, require_staff, require_work, today, transition
from .registration import NOTIFY_SOURCE, fmt_day, my_applications_link, save_checked, suggestions_refresh

# the suggestion each decision agrees with; any other pairing needs a reason
AGREES = {
    Suggestion.ELIGIBLE: ReviewDecision.PASS,
    Suggestion.ELIGIBLE_WAIVED: ReviewDecision.PASS,
    Suggestion.INELIGIBLE: ReviewDecision.FAIL,
}


def reason_required(suggestion: str, decision: str) -> bool:
    """A reason is required when the decision differs from the engine's suggestion; 放宽通过 and a 待人工审核 (or
    missing) suggestion always need one."""
    if decision == ReviewDecision.WAIVED:
        return True
    return AGREES.get(suggestion) != decision


def review_decide(*, actor, application: Application, decision: str, reason: str = "") -> Application:
    require_staff(actor)
    reason = (reason or "").strip()
    if decision not in ReviewDecision.values:
        raise ApplicationError(f"审查结论“{decision}”无效，应为通过、不通过或放宽通过。", field="decision")
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        require_work(actor, campaign, "review_decide")
        if campaign.review_submitted_at:
            raise ApplicationError("资格审查名单已报党委审定，不能再修改审查结论；如需修改请由党委退回。")
        app = Application.objects.select_for_update().select_related("cadre", "campaign_post__post__unit").get(pk=application.pk)
        if app.status != AppStatus.SUBMITTED:
            raise ApplicationError(f"该报名当前为“{app.get_status_display()}”，不需要审查。")
        if app.campaign_post.status != PostStatus.OPEN:
            raise ApplicationError(f"{app.campaign_post.post}已取消竞争，不需要审查。")
        if reason_required(app.suggestion, decision) and not reason:
            why = (
                "放宽通过须写明放宽的条件和理由" if decision == ReviewDecision.WAIVED
                else f"系统建议为“{app.suggestion or '无'}”，审查结论为“{decision}”，须填写理由"
            )
            raise ApplicationError(why + "。", field="reason")
        if len(reason) > 500:
            raise ApplicationError("审查意见不能超过 500 字。", field="reason")
        app.review_decision = decision
        app.review_reason = reason
        app.reviewed_by = actor_user(actor)
        app.reviewed_at = timezone.now()
        save_checked(app, actor)
        audit(actor=actor, action=AuditAction.REVIEW_DECIDE, obj=app,
              summary=f"资格审查：{app_label(app)} {decision}" + (f"，理由：{reason}" if reason else ""),
              data={"campaign": campaign.pk, "suggestion": app.suggestion, "decision": decision, "reason": reason})
    return app


def _leaders(campaign: Campaign):
    member_users = campaign.members.exclude(user=None).values("user")
    return get_user_model().objects.filter(pk__in=member_users, groups__name=roles.LEADER, is_active=True).distinct()


def review_submit(*, actor, campaign: Campaign) -> Campaign:
    """The team's list goes to 党委: every submitted application on an open post has a decision."""
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "review_submit")
        if locked.review_submitted_at:
            raise ApplicationError("资格审查名单已报党委审定，请等待审定结果。")
        apps = list(
            gates.submitted(locked).filter(campaign_post__status=PostStatus.OPEN)
            .select_related("cadre", "campaign_post__post__unit")
        )
        if not apps:
            raise ApplicationError("没有需要审查的报名。")
        undecided = [app_label(a) for a in apps if not a.review_decision]
        if undecided:
            raise ApplicationError("以下报名尚未作出审查结论：" + "、".join(undecided) + "。", errors=undecided)
        locked.review_submitted_at = timezone.now()
        locked.save(update_fields=["review_submitted_at"])
        passed = sum(1 for a in apps if a.review_decision in gates.QUALIFIED)
        audit(actor=actor, action=AuditAction.REVIEW_SUBMIT, obj=locked,
              summary=f"{locked.title}：资格审查名单报党委审定（{len(apps)} 人，其中通过 {passed} 人）",
              data={"count": len(apps), "passed": passed})
        for u in _leaders(locked):
            notification_create(
                user=u, source=NOTIFY_SOURCE,
                dedup_key=f"selection:review-submitted:{locked.pk}:{locked.review_submitted_at.isoformat()}",
                title=f"{locked.title}：资格审查名单待审定", body=f"共 {len(apps)} 人，其中审查通过 {passed} 人。",
            )
    campaign.refresh_from_db()
    return campaign


def _require_submitted_list(campaign: Campaign) -> None:
    if not campaign.review_submitted_at:
        raise ApplicationError("资格审查名单尚未报党委审定。")
    if campaign.review_approved_at:
        raise ApplicationError("资格审查名单已经审定。")


def review_approve(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """党委 (a leader) approves the list as a whole."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "review_approve")
        _require_submitted_list(locked)
        locked.review_approved_by = actor_user(actor)
        locked.review_approved_at = timezone.now()
        locked.save(update_fields=["review_approved_by", "review_approved_at"])
        audit(actor=actor, action=AuditAction.REVIEW_APPROVE, obj=locked,
              summary=f"{locked.title}：审定资格审查名单" + (f"，{note}" if note else ""), data={"note": note})
    campaign.refresh_from_db()
    return campaign


def review_return(*, actor, campaign: Campaign, reason: str) -> Campaign:
    """党委 returns the list to the team with reasons; decisions can then be changed and the list resubmitted."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "review_approve")
        if not reason:
            raise ApplicationError("退回须填写理由。", field="reason")
        _require_submitted_list(locked)
        locked.review_submitted_at = None
        locked.save(update_fields=["review_submitted_at"])
        audit(actor=actor, action=AuditAction.REVIEW_RETURN, obj=locked,
              summary=f"{locked.title}：退回资格审查名单，理由：{reason}", data={"reason": reason})
    campaign.refresh_from_db()
    return campaign


def _result_text(app: Application) -> tuple[str, str]:
    passed = app.review_decision in gates.QUALIFIED
    title = f"资格审查结果：{app.campaign_post.post}，{'通过' if passed else '未通过'}"
    body = f"您报名竞争的{app.campaign_post.post}，资格审查结论为“{app.review_decision}”。"
    if app.review_reason:
        body += f"理由：{app.review_reason}"
    elif not passed:
        body += f"理由：{app.suggestion_reasons}"
    return title, body


def review_publish(*, actor, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    """张榜公布: after 党委 approved, the 资格审查结果公示 PDF (dated the day 党委 approved the list, issued) and each
    candidate's own result with its reason. ``today`` is accepted for older callers and not used."""
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "review_publish")
        if not locked.review_approved_at:
            raise ApplicationError("资格审查名单尚未经党委审定，不能张榜公布。")
        if locked.review_published_at:
            raise ApplicationError(f"资格审查结果已于 {timezone.localtime(locked.review_published_at):%Y年%m月%d日} 张榜公布。")
        locked.review_published_at = timezone.now()
        locked.save(update_fields=["review_published_at"])
        data = notices.qualification_data(locked)  # dated the day 党委 approved the list
        doc = campaign_document_generate(
            actor=actor, kind=DocumentKind.QUALIFICATION_NOTICE, subject_key=locked.scope, data=data, issue="公布",
            subject_ids=list(gates.qualified(locked).values_list("cadre_id", flat=True)),
        )
        apps = list(
            gates.submitted(locked).filter(campaign_post__status=PostStatus.OPEN)
            .select_related("cadre", "cadre__user", "campaign_post__post__unit")
        )
        sent = 0
        for a in apps:
            if not a.cadre.user_id:
                continue
            title, body = _result_text(a)
            _n, created = notification_create(
                user=a.cadre.user, source=NOTIFY_SOURCE, dedup_key=f"selection:review-result:{a.pk}:{a.review_decision}",
                title=title, body=body, link=my_applications_link(),
            )
            sent += created
        audit(actor=actor, action=AuditAction.REVIEW_PUBLISH, obj=locked,
              summary=f"{locked.title}：资格审查结果张榜公布，通知报名人 {sent} 人",
              data={"document": doc.pk, "notified": sent})
    campaign.refresh_from_db()
    campaign.qualification_document = doc
    return campaign


def review_waiver_grant(*, actor, application: Application, rule: str, reason: str):
    """个别放宽 for this campaign: a leader lifts 年龄, 学历 or 任职年限 for one applicant (scope = the campaign), in
    资格审查 before the list is approved; the campaign's suggestions are recomputed so the queue shows
    `符合（含放宽）` at once. The waiver itself (leader only, audited) is cadre.services.waiver_grant."""
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        if campaign.stage != Stage.REVIEW or campaign.review_approved_at:
            raise ApplicationError("只能在资格审查阶段、审查名单经党委审定之前批准放宽。")
        if not roles.has_role(actor, roles.LEADER):
            raise ApplicationError("放宽任职条件须由领导小组成员批准。")
        waiver = waiver_grant(actor=actor, cadre=application.cadre, rule=rule, reason=reason, scope_key=campaign.scope)
        suggestions_refresh(campaign)
    return waiver


# ------------------------------------------------------------------ 差额


def post_cancel(*, actor, campaign_post: CampaignPost, reason: str) -> CampaignPost:
    """Cancel a post (e.g. too few qualified candidates for 差额) with a reason; its applicants are told."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("取消职位须填写理由。", field="reason")
    with transaction.atomic():
        campaign = lock(campaign_post.campaign_id)
        require_work(actor, campaign, "post_cancel")
        cp = CampaignPost.objects.select_for_update().select_related("post", "post__unit").get(pk=campaign_post.pk)
        if cp.status != PostStatus.OPEN:
            raise ApplicationError(f"{cp.post}已取消。")
        if not campaign.posts.filter(status=PostStatus.OPEN).exclude(pk=cp.pk).exists():
            raise ApplicationError("这是最后一个竞争职位；如需停止本次工作，请由领导小组终止。")
        cp.status = PostStatus.CANCELLED
        cp.cancel_reason = reason[:300]
        cp.save(update_fields=["status", "cancel_reason"])
        audit(actor=actor, action=AuditAction.POST_CANCEL, obj=campaign,
              summary=f"取消竞争职位：{cp.post}，理由：{reason}", data={"campaign_post": cp.pk, "reason": reason})
        apps = gates.submitted(campaign).filter(campaign_post=cp).exclude(cadre__user=None).select_related("cadre__user")
        for a in apps:
            notification_create(
                user=a.cadre.user, source=NOTIFY_SOURCE, dedup_key=f"selection:post-cancelled:{a.pk}",
                title=f"{cp.post}已取消竞争", body=f"{campaign.title}：{cp.post}已取消竞争。理由：{reason}", link=my_applications_link(),
            )
    campaign_post.refresh_from_db()
    return campaign_post


def registration_extend(*, actor, campaign: Campaign, new_end: dt.date, reason: str) -> Campaign:
    """资格审查 → 公开报名 with a new end date (≥ today); the review list has to go to 党委 again."""
    if not new_end:
        raise ApplicationError("请填写新的报名截止日期。", field="new_end")
    if new_end < today():
        raise ApplicationError(f"新的报名截止日期不能早于今天（{fmt_day(today())}）。", field="new_end")

    def reopen(c: Campaign):
        if c.registration_start and new_end < c.registration_start:
            raise ApplicationError("新的报名截止日期不能早于报名开始日期。", field="new_end")
        old = c.registration_end
        c.registration_end = new_end
        c.review_submitted_at = None
        c.review_approved_by = None
        c.review_approved_at = None
        c.review_published_at = None
        c.save(update_fields=["registration_end", "review_submitted_at", "review_approved_by", "review_approved_at",
                              "review_published_at"])
        audit(actor=actor, action=AuditAction.REGISTRATION_EXTEND, obj=c,
              summary=f"{c.title}：报名截止日期由{fmt_day(old) if old else '未设定'}延长至{fmt_day(new_end)}，理由：{reason}",
              data={"old_end": old.isoformat() if old else None, "new_end": new_end.isoformat(), "reason": reason})

    return transition(actor=actor, campaign=campaign, action="extend_registration", note=reason, before=reopen)


def speech_start(*, actor, campaign: Campaign, note: str = "", speech_date: dt.date | None = None) -> Campaign:
    """资格审查 → 演讲 (gate: every application decided, list approved and published, no 差额 shortfall, judges).
    Records the 演讲日期 (by default today), which the judges' sheets and notices show."""
    day = speech_date or today()

    def record_date(c: Campaign):
        c.speech_date = day
        c.save(update_fields=["speech_date"])

    return transition(actor=actor, campaign=campaign, action="start_speech", note=note, before=record_date)
