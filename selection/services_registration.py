"""Writes of the selection app, part 2: 公布职位 → 公开报名 → 资格审查 (selection.md "报名" and "资格审查").

- 职位公告 and publishing the posts;
- applications: the candidate's own 自荐 (draft/submit inside the window), 群众举荐/组织推荐 entered by staff that
  take effect only when the nominee accepts, staff 补报 after the window with a reason, withdrawal;
- closing registration (Celery beat or staff) with the set-based eligibility screen of every submitted
  application as the review's suggestion;
- 资格审查: the team's decisions with reasons, the list submitted to 党委, approved or returned by a leader,
  张榜公布 (资格审查结果公示 PDF + a notification to each candidate); 差额 handled by cancelling a post or
  extending registration; then 演讲 starts.

Every function: keyword-only with an ``actor``, one transaction, the campaign row locked (``services.lock``) before
anything is checked or written, an audit row; stage moves only through ``services.transition``.
"""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from cadre import eligibility
from cadre.models import Cadre
from core import roles
from core.audit import audit
from core.exceptions import ApplicationError
from documents.models import DocumentKind, GeneratedDocument
from documents.services import campaign_document_generate, notification_create

from . import gates, notices, workflow
from .models import (
    Application,
    AppStatus,
    Campaign,
    CampaignPost,
    PostStatus,
    ReviewDecision,
    Source,
    Suggestion,
)
from .services import lock, require_staff, require_work, transition
from .workflow import Stage

SYSTEM = workflow.SYSTEM
ACTIVE = (AppStatus.DRAFT, AppStatus.PENDING, AppStatus.SUBMITTED)
ACHIEVEMENTS_MAX = 1500
FORM_FIELDS = ("accept_adjustment", "achievements", "work_plan", "declaration")
NOTIFY_SOURCE = "竞争上岗"
# the suggestion each decision agrees with; any other pairing needs a reason
AGREES = {
    Suggestion.ELIGIBLE: ReviewDecision.PASS,
    Suggestion.ELIGIBLE_WAIVED: ReviewDecision.PASS,
    Suggestion.INELIGIBLE: ReviewDecision.FAIL,
}


def today() -> dt.date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _fmt(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _link() -> str:
    try:
        return reverse("selection:my-applications")
    except NoReverseMatch:
        return ""


def _label(app: Application) -> str:
    return f"{app.cadre.name}（{app.campaign_post.post}）"


# ------------------------------------------------------------------ 公布职位


def announcement_generate(*, actor, campaign: Campaign) -> GeneratedDocument:
    """职位公告 PDF from the campaign's posts and conditions (synchronous; same data → the same document)."""
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "generate_announcement")
        data = notices.announcement_data(locked)
        doc = campaign_document_generate(
            actor=actor, kind=DocumentKind.POST_ANNOUNCEMENT, subject_key=locked.scope, data=data,
            subject_ids=list(locked.posts.filter(status=PostStatus.OPEN).values_list("post_id", flat=True)),
        )
        audit(actor=actor, action="selection.announcement.generate", obj=locked,
              summary=f"{locked.title}：生成职位公告（第{doc.version}版）",
              data={"document": doc.pk})
    return doc


def posts_publish(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """公布职位 → 公开报名 (gate: registration window set and not past, 职位公告 generated)."""
    return transition(actor=actor, campaign=campaign, action="publish_posts", note=note)


# ------------------------------------------------------------------ applications: shared checks


def _window_errors(campaign: Campaign, on: dt.date) -> list[str]:
    start, end = campaign.registration_start, campaign.registration_end
    if not (start and end):
        return ["尚未设定报名时间"]
    if on < start:
        return [f"报名尚未开始（报名时间 {_fmt(start)} 至 {_fmt(end)}）"]
    if on > end:
        return [f"报名已于 {_fmt(end)} 截止；截止后只能由组织部工作人员补报"]
    return []


def _require_window(campaign: Campaign) -> None:
    errors = []
    if campaign.stage != Stage.REGISTRATION:
        errors.append(f"当前处于“{campaign.get_stage_display()}”阶段，不在报名期间")
    else:
        errors += _window_errors(campaign, today())
    if errors:
        raise ApplicationError("；".join(errors) + "。", errors=errors)


def _cadre_of(actor) -> Cadre:
    try:
        cadre = actor.cadre if getattr(actor, "is_authenticated", False) else None
    except ObjectDoesNotExist:
        cadre = None
    if cadre is None:
        raise ApplicationError("您的账号尚未关联干部档案，不能报名；请联系组织部。")
    return cadre


def _open_post(campaign_post: CampaignPost) -> CampaignPost:
    cp = CampaignPost.objects.select_related("post", "post__unit").get(pk=campaign_post.pk)
    if cp.status != PostStatus.OPEN:
        raise ApplicationError(f"{cp.post}已取消竞争（{cp.cancel_reason}），不能报名。")
    return cp


def _check_max_posts(campaign: Campaign, cadre: Cadre, *, exclude_post: CampaignPost) -> None:
    """At most ``max_posts_per_candidate`` active (草稿/待确认/已报名) applications per person per campaign."""
    others = list(
        Application.objects.filter(campaign=campaign, cadre=cadre, status__in=ACTIVE)
        .exclude(campaign_post=exclude_post).select_related("campaign_post__post", "campaign_post__post__unit")
    )
    limit = campaign.max_posts_per_candidate
    if len(others) >= limit:
        names = "、".join(str(a.campaign_post.post) for a in others)
        raise ApplicationError(
            f"{cadre.name}已报名（或被举荐、推荐）{names}；本次每人最多报名 {limit} 个职位。",
            field="campaign_post",
        )


def _form_values(data: dict | None, *, submit: bool) -> dict:
    """The applicant's own fields of the form; personal data comes from the record and is not accepted here."""
    data = dict(data or {})
    unknown = sorted(set(data) - set(FORM_FIELDS))
    if unknown:
        raise ApplicationError(
            "个人基本情况从干部档案带出，不能在报名表中修改；如有错误请向组织部反映更正。"
            f"（不能提交的项目：{'、'.join(unknown)}）",
            field=unknown[0],
        )
    values = {
        "accept_adjustment": bool(data.get("accept_adjustment", True)),
        "achievements": (data.get("achievements") or "").strip(),
        "work_plan": (data.get("work_plan") or "").strip(),
        "declaration": bool(data.get("declaration", False)),
    }
    errors = []
    if len(values["achievements"]) > ACHIEVEMENTS_MAX:
        errors.append(("achievements", f"主要工作经历和业绩不能超过 {ACHIEVEMENTS_MAX} 字（现为 {len(values['achievements'])} 字）"))
    if submit and not values["achievements"]:
        errors.append(("achievements", "请填写主要工作经历和业绩"))
    if submit and not values["declaration"]:
        errors.append(("declaration", "提交前须确认本人承诺所填信息真实"))
    if errors:
        raise ApplicationError("；".join(e for _f, e in errors) + "。", errors=[e for _f, e in errors], field=errors[0][0])
    return values


def _snapshot(app: Application, explanation) -> None:
    app.suggestion = explanation.result
    app.suggestion_reasons = explanation.reasons_text
    app.eligibility = explanation.as_dict()


def _explain(app: Application, campaign: Campaign):
    return eligibility.explain(app.cadre, app.campaign_post.post, campaign.as_of, scope=campaign.scope)


def _submit(app: Application, campaign: Campaign) -> None:
    app.status = AppStatus.SUBMITTED
    app.submitted_at = timezone.now()
    _snapshot(app, _explain(app, campaign))


def _save(app: Application, actor, *, create: bool = False) -> Application:
    """Save under a savepoint: the one-application-per-person-per-post constraint becomes a Chinese error."""
    app._history_user = _user(actor)
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        if create and Application.objects.filter(campaign_post=app.campaign_post, cadre=app.cadre).exists():
            raise ApplicationError(
                f"{app.cadre.name}已有{app.campaign_post.post}的报名记录，同一人对同一职位只能报名一次。",
                field="campaign_post",
            ) from None
        raise ApplicationError("报名信息不完整或与已有记录冲突，未能保存。") from None
    return app


# ------------------------------------------------------------------ applications


def application_save(*, actor, campaign_post: CampaignPost, data: dict, submit: bool = False) -> Application:
    """The candidate's own 个人自荐 for one post: save a draft or submit, only while registration is open.

    One row per person and post: saving again edits it (a withdrawn or declined row is reopened as a 自荐). A
    submitted application stays submitted when edited and is checked again. On submit the eligibility engine's
    result is stored as the review's suggestion; the candidate may submit even when the check fails.
    """
    cadre = _cadre_of(actor)
    values = _form_values(data, submit=bool(submit))
    with transaction.atomic():
        campaign = lock(campaign_post.campaign_id)
        _require_window(campaign)
        cp = _open_post(campaign_post)
        app = (
            Application.objects.select_for_update().select_related("cadre", "campaign_post__post__unit")
            .filter(campaign_post=cp, cadre=cadre).first()
        )
        if app is not None and app.status == AppStatus.PENDING:
            raise ApplicationError(f"您已被{app.get_source_display()}竞争{cp.post}，请在“我的报名”中确认是否同意。")
        if app is not None and app.status == AppStatus.SUBMITTED and not submit:
            values = _form_values(data, submit=True)
            submit = True
        _check_max_posts(campaign, cadre, exclude_post=cp)
        create = app is None
        if create:
            app = Application(campaign=campaign, campaign_post=cp, cadre=cadre, created_by=_user(actor))
        elif app.status in (AppStatus.WITHDRAWN, AppStatus.DECLINED):
            app.source = Source.SELF
            app.withdraw_reason = ""
            app.responded_at = None
            app.status = AppStatus.DRAFT
        for k, v in values.items():
            setattr(app, k, v)
        if submit:
            _submit(app, campaign)
        elif app.status != AppStatus.SUBMITTED:
            app.status = AppStatus.DRAFT
        _save(app, actor, create=create)
        verb = "提交报名" if submit else "保存报名草稿"
        audit(actor=actor, action="selection.application.submit" if submit else "selection.application.save", obj=app,
              summary=f"{verb}：{_label(app)}" + (f"，系统预审：{app.suggestion}" if submit else ""),
              data={"campaign": campaign.pk, "status": app.status, "suggestion": app.suggestion})
    return app


def application_withdraw(*, actor, application: Application, reason: str) -> Application:
    """撤回报名 with a reason: the candidate (own application) or staff, in 公开报名 or 资格审查 before the list
    goes to 党委."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写撤回理由。", field="reason")
    is_staff = roles.is_staff_member(actor)
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        app = Application.objects.select_for_update().select_related("cadre", "campaign_post__post__unit").get(pk=application.pk)
        if not is_staff and not (app.cadre.user_id and app.cadre.user_id == getattr(actor, "pk", None)):
            raise ApplicationError("只能撤回本人的报名。")
        if campaign.stage not in (Stage.REGISTRATION, Stage.REVIEW):
            raise ApplicationError(f"当前处于“{campaign.get_stage_display()}”阶段，不能撤回报名。")
        if campaign.review_submitted_at:
            raise ApplicationError("资格审查名单已报党委审定，不能再撤回报名。")
        if app.status not in ACTIVE:
            raise ApplicationError(f"该报名当前为“{app.get_status_display()}”，不能撤回。")
        app.status = AppStatus.WITHDRAWN
        app.withdraw_reason = reason[:300]
        _save(app, actor)
        audit(actor=actor, action="selection.application.withdraw", obj=app,
              summary=f"撤回报名：{_label(app)}，理由：{reason}", data={"campaign": campaign.pk, "reason": reason})
    return app


def _names(text: str) -> list[str]:
    return [n for n in re.split(r"[、，,；;\s]+", text or "") if n]


def nomination_create(
    *, actor, campaign_post: CampaignPost, cadre: Cadre, source: str, recommenders: str = "", recommender_count: int = 0,
    recommending_unit: str = "", recommending_signer: str = "",
) -> Application:
    """群众举荐 or 组织推荐 entered by staff; pending until the nominee accepts (nomination_respond)."""
    require_staff(actor)
    fields = {}
    if source == Source.MASS:
        names = _names(recommenders)
        count = int(recommender_count or 0) or len(names)
        fields = {"recommenders": "、".join(names), "recommender_count": count}
    elif source == Source.ORG:
        unit, signer = (recommending_unit or "").strip(), (recommending_signer or "").strip()
        if not unit:
            raise ApplicationError("组织推荐须填写推荐单位。", field="recommending_unit")
        if not signer:
            raise ApplicationError("组织推荐须填写签字的推荐单位负责人。", field="recommending_signer")
        fields = {"recommending_unit": unit, "recommending_signer": signer}
    else:
        raise ApplicationError("举荐方式应为群众举荐或组织推荐；个人自荐由本人填报。", field="source")
    with transaction.atomic():
        campaign = lock(campaign_post.campaign_id)
        require_work(actor, campaign, "nominate")
        _require_window(campaign)
        if source == Source.MASS:
            minimum = campaign.min_mass_recommenders
            if fields["recommender_count"] != len(names):
                raise ApplicationError(
                    f"举荐人数为 {fields['recommender_count']} 人，但填写了 {len(names)} 个举荐人姓名，请核对。", field="recommenders"
                )
            if fields["recommender_count"] < minimum:
                raise ApplicationError(
                    f"群众举荐须 {minimum} 人以上联名，现有 {fields['recommender_count']} 人。", field="recommender_count"
                )
        cp = _open_post(campaign_post)
        _check_max_posts(campaign, cadre, exclude_post=cp)
        app = Application(
            campaign=campaign, campaign_post=cp, cadre=cadre, source=source, status=AppStatus.PENDING,
            created_by=_user(actor), **fields,
        )
        _save(app, actor, create=True)
        audit(actor=actor, action="selection.nomination.create", obj=app,
              summary=f"{app.get_source_display()}：{_label(app)}，待本人确认",
              data={"campaign": campaign.pk, "source": source, **fields})
        if cadre.user_id:
            notification_create(
                user=cadre.user, source=NOTIFY_SOURCE, dedup_key=f"selection:nomination:{app.pk}",
                title=f"您被{app.get_source_display()}竞争{cp.post}",
                body=f"{campaign.title}：您被{app.get_source_display()}竞争{cp.post}。"
                     f"请于 {_fmt(campaign.registration_end)} 前在“我的报名”中确认是否同意；同意后须填写主要工作经历和业绩。",
                link=_link(),
            )
    return app


def nomination_respond(*, actor, application: Application, accept: bool, data: dict | None = None) -> Application:
    """The nominee accepts (completes the form; the application becomes 已报名) or declines."""
    values = _form_values(data, submit=True) if accept else None
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        app = Application.objects.select_for_update().select_related("cadre", "campaign_post__post__unit").get(pk=application.pk)
        if not (app.cadre.user_id and app.cadre.user_id == getattr(actor, "pk", None)):
            raise ApplicationError("只有被举荐（推荐）人本人可以确认。")
        if app.status != AppStatus.PENDING:
            raise ApplicationError(f"该报名当前为“{app.get_status_display()}”，无需确认。")
        if accept:
            _require_window(campaign)
            cp = _open_post(app.campaign_post)
            _check_max_posts(campaign, app.cadre, exclude_post=cp)
            for k, v in values.items():
                setattr(app, k, v)
            _submit(app, campaign)
        else:
            if campaign.stage not in (Stage.REGISTRATION, Stage.REVIEW):
                raise ApplicationError(f"当前处于“{campaign.get_stage_display()}”阶段，不能再确认。")
            app.status = AppStatus.DECLINED
        app.responded_at = timezone.now()
        _save(app, actor)
        audit(actor=actor, action="selection.nomination.respond", obj=app,
              summary=f"{_label(app)}：本人{'同意' if accept else '不同意'}{app.get_source_display()}"
                      + (f"，系统预审：{app.suggestion}" if accept else ""),
              data={"campaign": campaign.pk, "accept": bool(accept)})
    return app


def late_entry_create(*, actor, campaign_post: CampaignPost, cadre: Cadre, reason: str, data: dict) -> Application:
    """补报: staff add an application after the window closed (资格审查 stage), with a reason."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("补报须填写理由。", field="reason")
    values = _form_values(data, submit=True)
    with transaction.atomic():
        campaign = lock(campaign_post.campaign_id)
        require_work(actor, campaign, "late_entry")
        if campaign.review_submitted_at:
            raise ApplicationError("资格审查名单已报党委审定，不能再补报。")
        cp = _open_post(campaign_post)
        _check_max_posts(campaign, cadre, exclude_post=cp)
        app = Application(
            campaign=campaign, campaign_post=cp, cadre=cadre, source=Source.SELF, late_entry=True,
            late_reason=reason[:300], created_by=_user(actor), **values,
        )
        _submit(app, campaign)
        _save(app, actor, create=True)
        audit(actor=actor, action="selection.application.late_entry", obj=app,
              summary=f"补报：{_label(app)}，理由：{reason}，系统预审：{app.suggestion}",
              data={"campaign": campaign.pk, "reason": reason})
    return app


# ------------------------------------------------------------------ closing registration


def suggestions_refresh(campaign: Campaign) -> int:
    """Recompute the suggestion of every submitted application with one set-based screen (all posts at once)."""
    apps = list(gates.submitted(campaign).select_related("campaign_post"))
    if not apps:
        return 0
    posts = [cp.post for cp in campaign.posts.select_related("post", "post__unit").order_by("order", "id")]
    cadres = Cadre.objects.filter(pk__in={a.cadre_id for a in apps})
    results = eligibility.screen(cadres, posts, campaign.as_of, scope=campaign.scope)
    by_pair = {(post_id, x.cadre.id): x for post_id, xs in results.items() for x in xs}
    changed = []
    for a in apps:
        x = by_pair.get((a.campaign_post.post_id, a.cadre_id))
        if x is not None:
            _snapshot(a, x)
            changed.append(a)
    bulk_update_with_history(
        changed, Application, ["suggestion", "suggestion_reasons", "eligibility"], batch_size=500,
        default_user=None, default_change_reason="报名截止，系统资格预审",
    )
    return len(changed)


def registration_close(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """公开报名 → 资格审查 after the window's end; every submitted application gets its suggestion (set-based)."""

    def screen_all(c: Campaign):
        n = suggestions_refresh(c)
        audit(actor=_user(actor), action="selection.registration.screen", obj=c,
              summary=f"{c.title}：报名截止，{n} 份报名完成系统资格预审", data={"count": n})

    return transition(actor=actor, campaign=campaign, action="close_registration", note=note, after=screen_all)


def auto_close_registrations(today: dt.date | None = None) -> list[int]:
    """Celery beat: close every campaign whose window has ended. Idempotent (a closed one is no longer in 公开报名;
    the transition re-checks the stage under the row lock, so two runs never move a campaign twice)."""
    on = today or timezone.localdate()
    closed = []
    ids = list(
        Campaign.objects.filter(stage=Stage.REGISTRATION, registration_end__lt=on).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        campaign = Campaign.objects.get(pk=pk)
        try:
            registration_close(actor=SYSTEM, campaign=campaign)
        except ApplicationError:
            continue
        closed.append(pk)
    return closed


# ------------------------------------------------------------------ 资格审查


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
        app.reviewed_by = _user(actor)
        app.reviewed_at = timezone.now()
        _save(app, actor)
        audit(actor=actor, action="selection.review.decide", obj=app,
              summary=f"资格审查：{_label(app)} {decision}" + (f"，理由：{reason}" if reason else ""),
              data={"campaign": campaign.pk, "suggestion": app.suggestion, "decision": decision, "reason": reason})
    return app


def _leaders(campaign: Campaign):
    from django.contrib.auth import get_user_model

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
        undecided = [_label(a) for a in apps if not a.review_decision]
        if undecided:
            raise ApplicationError("以下报名尚未作出审查结论：" + "、".join(undecided) + "。", errors=undecided)
        locked.review_submitted_at = timezone.now()
        locked.save(update_fields=["review_submitted_at"])
        passed = sum(1 for a in apps if a.review_decision in gates.QUALIFIED)
        audit(actor=actor, action="selection.review.submit", obj=locked,
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
        locked.review_approved_by = _user(actor)
        locked.review_approved_at = timezone.now()
        locked.save(update_fields=["review_approved_by", "review_approved_at"])
        audit(actor=actor, action="selection.review.approve", obj=locked,
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
        audit(actor=actor, action="selection.review.return", obj=locked,
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


def review_publish(*, actor, campaign: Campaign) -> Campaign:
    """张榜公布: after 党委 approved, the 资格审查结果公示 PDF and each candidate's own result with its reason."""
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
        data = notices.qualification_data(locked)
        doc = campaign_document_generate(
            actor=actor, kind=DocumentKind.QUALIFICATION_NOTICE, subject_key=locked.scope, data=data,
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
                title=title, body=body, link=_link(),
            )
            sent += created
        audit(actor=actor, action="selection.review.publish", obj=locked,
              summary=f"{locked.title}：资格审查结果张榜公布，通知报名人 {sent} 人",
              data={"document": doc.pk, "notified": sent})
    campaign.refresh_from_db()
    campaign.qualification_document = doc
    return campaign


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
        audit(actor=actor, action="selection.post.cancel", obj=campaign,
              summary=f"取消竞争职位：{cp.post}，理由：{reason}", data={"campaign_post": cp.pk, "reason": reason})
        apps = gates.submitted(campaign).filter(campaign_post=cp).exclude(cadre__user=None).select_related("cadre__user")
        for a in apps:
            notification_create(
                user=a.cadre.user, source=NOTIFY_SOURCE, dedup_key=f"selection:post-cancelled:{a.pk}",
                title=f"{cp.post}已取消竞争", body=f"{campaign.title}：{cp.post}已取消竞争。理由：{reason}", link=_link(),
            )
    campaign_post.refresh_from_db()
    return campaign_post


def registration_extend(*, actor, campaign: Campaign, new_end: dt.date, reason: str) -> Campaign:
    """资格审查 → 公开报名 with a new end date (≥ today); the review list has to go to 党委 again."""
    if not new_end:
        raise ApplicationError("请填写新的报名截止日期。", field="new_end")
    if new_end < today():
        raise ApplicationError(f"新的报名截止日期不能早于今天（{_fmt(today())}）。", field="new_end")

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
        audit(actor=actor, action="selection.registration.extend", obj=c,
              summary=f"{c.title}：报名截止日期由{_fmt(old) if old else '未设定'}延长至{_fmt(new_end)}，理由：{reason}",
              data={"old_end": old.isoformat() if old else None, "new_end": new_end.isoformat(), "reason": reason})

    return transition(actor=actor, campaign=campaign, action="extend_registration", note=reason, before=reopen)


def speech_start(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """资格审查 → 演讲 (gate: every application decided, list approved and published, no 差额 shortfall, judges)."""
    return transition(actor=actor, campaign=campaign, action="start_speech", note=note)
