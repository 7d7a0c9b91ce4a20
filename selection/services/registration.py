"""公布职位 → 公开报名 (selection.md "报名"): the 职位公告 and publishing the posts; applications (the
candidate's own 自荐, draft/submit inside the window; 群众举荐/组织推荐 entered by staff that take effect only
when the nominee accepts; staff 补报 after the window with a reason; withdrawal); closing registration (Celery
beat or staff) with the set-based eligibility screen of every submitted application as the review's suggestion.

Every function: keyword-only with an ``actor``, one transaction, the campaign row locked (``base.lock``) before
anything is checked or written, an audit row; stage moves only through ``base.transition``.
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

from .. import gates, notices, snapshots
from ..audit import AuditAction
from ..models import Application, AppStatus, Campaign, CampaignPost, PostStatus, Source
from ..workflow import Stage
from .base import SYSTEM, actor_user, app_label, lock, require_staff, require_work, today, transition

ACTIVE = (AppStatus.DRAFT, AppStatus.PENDING, AppStatus.SUBMITTED)
ACHIEVEMENTS_MAX = 1500
FORM_FIELDS = ("accept_adjustment", "achievements", "work_plan", "declaration")
NOTIFY_SOURCE = "竞争上岗"


def fmt_day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def my_applications_link() -> str:
    try:
        return reverse("selection:my-applications")
    except NoReverseMatch:
        return ""


# ------------------------------------------------------------------ 公布职位


def announcement_generate(*, actor, campaign: Campaign, today: dt.date | None = None) -> GeneratedDocument:
    """职位公告 PDF from the campaign's posts and conditions (synchronous; same data → the same document), dated
    ``today`` (default: the real today)."""
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "generate_announcement")
        data = notices.announcement_data(locked, today=today)
        doc = campaign_document_generate(
            actor=actor, kind=DocumentKind.POST_ANNOUNCEMENT, subject_key=locked.scope, data=data,
            subject_ids=list(locked.posts.filter(status=PostStatus.OPEN).values_list("post_id", flat=True)),
        )
        audit(actor=actor, action=AuditAction.ANNOUNCEMENT_GENERATE, obj=locked,
              summary=f"{locked.title}：生成职位公告（第{doc.version}版）",
              data={"document": doc.pk})
    return doc


def posts_publish(*, actor, campaign: Campaign, note: str = "", today: dt.date | None = None) -> Campaign:
    """公布职位 → 公开报名 (gate: registration window set and not past as of ``today``, 职位公告 generated). The
    职位公告 is published now: dated the publication day ``today`` (a new version if it was generated on another
    day) and issued."""
    day = today or timezone.localdate()

    def publish(c: Campaign):
        campaign_document_generate(
            actor=actor, kind=DocumentKind.POST_ANNOUNCEMENT, subject_key=c.scope,
            data=notices.announcement_data(c, today=day), issue="公布",
            subject_ids=list(c.posts.filter(status=PostStatus.OPEN).values_list("post_id", flat=True)),
        )

    return transition(actor=actor, campaign=campaign, action="publish_posts", note=note, today=today, after=publish)


# ------------------------------------------------------------------ applications: shared checks


def _window_errors(campaign: Campaign, on: dt.date) -> list[str]:
    start, end = campaign.registration_start, campaign.registration_end
    if not (start and end):
        return ["尚未设定报名时间"]
    if on < start:
        return [f"报名尚未开始（报名时间 {fmt_day(start)} 至 {fmt_day(end)}）"]
    if on > end:
        return [f"报名已于 {fmt_day(end)} 截止；截止后只能由组织部工作人员补报"]
    return []


def _require_window(campaign: Campaign, on: dt.date | None) -> None:
    errors = []
    if campaign.stage != Stage.REGISTRATION:
        errors.append(f"当前处于“{campaign.get_stage_display()}”阶段，不在报名期间")
    else:
        errors += _window_errors(campaign, on or today())
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


def _check_max_posts(campaign: Campaign, cadre: Cadre, *, exclude_post: CampaignPost, own: bool = False) -> None:
    """At most ``max_posts_per_candidate`` active (草稿/待确认/已报名) applications per person per campaign.

    ``own``: the candidate submits their own 自荐. Their other drafts do not count (a draft is not an entry),
    and the refusal speaks to them and names the way out: decline the nomination, or withdraw the entry."""
    statuses = (AppStatus.PENDING, AppStatus.SUBMITTED) if own else ACTIVE
    others = list(
        Application.objects.filter(campaign=campaign, cadre=cadre, status__in=statuses)
        .exclude(campaign_post=exclude_post).select_related("campaign_post__post", "campaign_post__post__unit")
    )
    limit = campaign.max_posts_per_candidate
    if own and len(others) >= limit:
        pending = [a for a in others if a.status == AppStatus.PENDING]
        if pending:
            a = pending[0]
            raise ApplicationError(
                f"您已被{a.get_source_display()}竞争“{a.campaign_post.post}”，尚未答复；本次每人最多报名 {limit} 个职位。"
                f"如要改报“{exclude_post.post}”，请先在“我的报名”中婉拒该{a.get_source_display()}，再提交本报名。"
                "草稿可以先保存。",
                field="campaign_post",
            )
        names = "、".join(f"“{a.campaign_post.post}”" for a in others)
        raise ApplicationError(
            f"您已报名{names}；本次每人最多报名 {limit} 个职位。如要改报，请先在“我的报名”中撤回原报名。草稿可以先保存。",
            field="campaign_post",
        )
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


def _suggest(app: Application, explanation) -> None:
    app.suggestion = explanation.result
    app.suggestion_reasons = explanation.reasons_text
    app.eligibility = explanation.as_dict()
    if app.snapshot:
        app.snapshot = {**app.snapshot, "eligibility": snapshots.eligibility_part(explanation)}


def _explain(app: Application, campaign: Campaign):
    return eligibility.explain(app.cadre, app.campaign_post.post, campaign.as_of, scope=campaign.scope)


def _submit(app: Application, campaign: Campaign) -> None:
    """已报名: the facts and the eligibility result are frozen in the snapshot now (selection.md "Snapshots")."""
    explanation = _explain(app, campaign)
    app.status = AppStatus.SUBMITTED
    app.submitted_at = timezone.now()
    app.snapshot_at = app.submitted_at
    app.snapshot = snapshots.take(app.cadre, explanation)
    _suggest(app, explanation)


def save_checked(app: Application, actor, *, create: bool = False) -> Application:
    """Save under a savepoint: the one-application-per-person-per-post constraint becomes a Chinese error."""
    app._history_user = actor_user(actor)
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


def application_save(
    *, actor, campaign_post: CampaignPost, data: dict, submit: bool = False, today: dt.date | None = None
) -> Application:
    """The candidate's own 个人自荐 for one post: save a draft or submit, only while registration is open
    (as of ``today``, by default the real today).

    One row per person and post: saving again edits it (a withdrawn or declined row is reopened as a 自荐). A
    submitted application stays submitted when edited and is checked again. On submit the eligibility engine's
    result is stored as the review's suggestion; the candidate may submit even when the check fails.
    """
    cadre = _cadre_of(actor)
    values = _form_values(data, submit=bool(submit))
    with transaction.atomic():
        campaign = lock(campaign_post.campaign_id)
        _require_window(campaign, today)
        cp = _open_post(campaign_post)
        app = (
            Application.objects.select_for_update().select_related("cadre", "campaign_post__post__unit")
            .filter(campaign_post=cp, cadre=cadre).first()
        )
        if app is not None and app.status == AppStatus.PENDING:
            raise ApplicationError(
                f"您已被{app.get_source_display()}竞争“{cp.post}”，请在“我的报名”中同意（即为报名）或婉拒，无需另行填写报名表。")
        if app is not None and app.status == AppStatus.SUBMITTED and not submit:
            values = _form_values(data, submit=True)
            submit = True
        if submit:  # a draft is not an entry: the limit counts only what is submitted or awaits an answer
            _check_max_posts(campaign, cadre, exclude_post=cp, own=True)
        create = app is None
        if create:
            app = Application(campaign=campaign, campaign_post=cp, cadre=cadre, created_by=actor_user(actor))
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
        save_checked(app, actor, create=create)
        verb = "提交报名" if submit else "保存报名草稿"
        audit(actor=actor, action=AuditAction.APPLICATION_SUBMIT if submit else AuditAction.APPLICATION_SAVE, obj=app,
              summary=f"{verb}：{app_label(app)}" + (f"，系统预审：{app.suggestion}" if submit else ""),
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
        save_checked(app, actor)
        audit(actor=actor, action=AuditAction.APPLICATION_WITHDRAW, obj=app,
              summary=f"撤回报名：{app_label(app)}，理由：{reason}", data={"campaign": campaign.pk, "reason": reason})
    return app


def _names(text: str) -> list[str]:
    return [n for n in re.split(r"[、，,；;\s]+", text or "") if n]


def nomination_create(
    *, actor, campaign_post: CampaignPost, cadre: Cadre, source: str, recommenders: str = "", recommender_count: int = 0,
    recommending_unit: str = "", recommending_signer: str = "", today: dt.date | None = None,
) -> Application:
    """群众举荐 or 组织推荐 entered by staff while registration is open (as of ``today``); pending until the nominee
    accepts (nomination_respond)."""
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
        _require_window(campaign, today)
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
            created_by=actor_user(actor), **fields,
        )
        save_checked(app, actor, create=True)
        audit(actor=actor, action=AuditAction.NOMINATION_CREATE, obj=app,
              summary=f"{app.get_source_display()}：{app_label(app)}，待本人确认",
              data={"campaign": campaign.pk, "source": source, **fields})
        if cadre.user_id:
            notification_create(
                user=cadre.user, source=NOTIFY_SOURCE, dedup_key=f"selection:nomination:{app.pk}",
                title=f"您被{app.get_source_display()}竞争{cp.post}",
                body=f"{campaign.title}：您被{app.get_source_display()}竞争{cp.post}。"
                     f"请于 {fmt_day(campaign.registration_end)} 前在“我的报名”中确认是否同意；同意后须填写主要工作经历和业绩。",
                link=my_applications_link(),
            )
    return app


def nomination_respond(
    *, actor, application: Application, accept: bool, data: dict | None = None, today: dt.date | None = None
) -> Application:
    """The nominee accepts (completes the form; the application becomes 已报名, only while registration is open
    as of ``today``) or declines."""
    values = _form_values(data, submit=True) if accept else None
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        app = Application.objects.select_for_update().select_related("cadre", "campaign_post__post__unit").get(pk=application.pk)
        if not (app.cadre.user_id and app.cadre.user_id == getattr(actor, "pk", None)):
            raise ApplicationError("只有被举荐（推荐）人本人可以确认。")
        if app.status != AppStatus.PENDING:
            raise ApplicationError(f"该报名当前为“{app.get_status_display()}”，无需确认。")
        if accept:
            _require_window(campaign, today)
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
        save_checked(app, actor)
        audit(actor=actor, action=AuditAction.NOMINATION_RESPOND, obj=app,
              summary=f"{app_label(app)}：本人{'同意' if accept else '不同意'}{app.get_source_display()}"
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
            late_reason=reason[:300], created_by=actor_user(actor), **values,
        )
        _submit(app, campaign)
        save_checked(app, actor, create=True)
        audit(actor=actor, action=AuditAction.APPLICATION_LATE_ENTRY, obj=app,
              summary=f"补报：{app_label(app)}，理由：{reason}，系统预审：{app.suggestion}",
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
            _suggest(a, x)
            changed.append(a)
    bulk_update_with_history(
        changed, Application, ["suggestion", "suggestion_reasons", "eligibility", "snapshot"], batch_size=500,
        default_user=None, default_change_reason="报名截止，系统资格预审",
    )
    return len(changed)


def registration_close(*, actor, campaign: Campaign, note: str = "", today: dt.date | None = None) -> Campaign:
    """公开报名 → 资格审查 after the window's end (as of ``today``); every submitted application gets its
    suggestion (set-based)."""

    def screen_all(c: Campaign):
        n = suggestions_refresh(c)
        audit(actor=actor_user(actor), action=AuditAction.REGISTRATION_SCREEN, obj=c,
              summary=f"{c.title}：报名截止，{n} 份报名完成系统资格预审", data={"count": n})

    return transition(actor=actor, campaign=campaign, action="close_registration", note=note, after=screen_all,
                      today=today)


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
            registration_close(actor=SYSTEM, campaign=campaign, today=on)
        except ApplicationError:
            continue
        closed.append(pk)
    return closed
