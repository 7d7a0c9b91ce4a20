"""A candidate's own pages: open campaigns, the self-nomination form with a live eligibility check, their own
applications (anyone else's is a 404), withdraw and answer a nomination."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cadre.eligibility import explain, screen
from cadre.models import Cadre
from cadre.selectors import education_text
from core.decorators import require
from core.exceptions import ApplicationError

from .. import permissions, selectors, services
from ..forms import ApplicationForm, RespondForm
from ..models import Application, AppStatus, Campaign, CampaignPost, PostStatus
from ..workflow import Stage
from .common import add_error, fail, own_cadre


# ---------------------------------------------------------------- candidates

def _candidate(user) -> bool:
    return permissions.own_cadre_id(user) is not None


def _person(cadre: Cadre) -> list[tuple[str, str]]:
    """The personal part of the 申请表, read-only from the record."""
    return [
        ("姓名", cadre.name), ("性别", cadre.gender),
        ("出生年月", f"{cadre.birth_date:%Y.%m}"), ("民族", cadre.ethnicity_name),
        ("籍贯", cadre.native_place or "—"), ("政治面貌", cadre.political_status),
        ("学历", education_text(cadre.educations.all()) or "—"), ("现单位及职务", cadre.current_job or "—"),
        ("任现职时间", f"{cadre.position_start:%Y.%m}" if cadre.position_start else "—"),
    ]


@require(_candidate)
def my_applications(request):
    cadre = own_cadre(request.user)
    mine = list(selectors.my_applications(cadre))
    applied = {(a.campaign_id, a.campaign_post_id): a for a in mine}
    campaigns = list(selectors.open_campaigns_for_candidates())
    for c in campaigns:
        # 我能报考的职位: the posts open in campaigns now in 报名, each with the person's own check on the
        # campaign's as-of date and scope (one screen per campaign, a fixed number of queries)
        checks = screen(Cadre.objects.filter(pk=cadre.pk), [cp.post for cp in c.open_posts], c.as_of,
                        scope=c.scope) if c.open_posts else {}
        c.post_rows = [(cp, applied.get((c.pk, cp.pk)), (checks.get(cp.post_id) or [None])[0]) for cp in c.open_posts]
    return render(request, "selection/my_applications.html", {
        "cadre": cadre, "campaigns": campaigns, "applications": mine,
        "nominations": list(selectors.nominations_waiting(cadre)), "today": services.today(),
    })


def _open_campaign(pk) -> Campaign:
    campaign = Campaign.objects.filter(pk=pk, stage=Stage.REGISTRATION).first()
    if campaign is None:
        raise Http404("该竞争上岗工作不在报名阶段")
    return campaign


@require(_candidate)
def apply(request, pk):
    """《竞争科级职位申请（推荐）表》: personal data from the record, the post, 服从调剂, 业绩, 设想, declaration;
    保存草稿 or 提交 (application_save). An existing draft for the chosen post is edited."""
    cadre = own_cadre(request.user)
    campaign = _open_campaign(pk)
    post_id = request.POST.get("campaign_post") or request.GET.get("post") or ""
    existing = None
    if post_id.isdigit():
        existing = Application.objects.filter(campaign=campaign, campaign_post_id=int(post_id), cadre=cadre).first()
    if existing is not None and existing.status == AppStatus.PENDING:
        messages.info(request, "您已被推荐竞争该职位，请在报名详情中确认是否同意")
        return redirect("selection:my-application", pk=existing.pk)
    initial = {"campaign_post": int(post_id)} if post_id.isdigit() else {}
    if existing is not None:
        initial.update({"accept_adjustment": existing.accept_adjustment, "achievements": existing.achievements,
                        "work_plan": existing.work_plan, "declaration": existing.declaration})
    form = ApplicationForm(request.POST or None, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            application = services.application_save(
                actor=request.user, campaign_post=form.cleaned_data["campaign_post"], data=form.data_dict(), submit=submit)
        except ApplicationError as exc:
            add_error(form, exc)
        else:
            messages.success(request, "报名已提交，请等待资格审查" if submit else "草稿已保存，报名截止前可继续修改并提交")
            if submit:
                return redirect("selection:my-application", pk=application.pk)
            return redirect(reverse("selection:apply", args=[campaign.pk]) + f"?post={application.campaign_post_id}")
    chosen = form["campaign_post"].value()
    return render(request, "selection/apply.html", {
        "campaign": campaign, "cadre": cadre, "person": _person(cadre), "form": form, "existing": existing,
        "chosen": chosen, "max_chars": 1500,
    })


@require(_candidate)
@require_GET
def eligibility_check(request, pk):
    """htmx: the eligibility check of the chosen post for the signed-in candidate (explain with reasons)."""
    cadre = own_cadre(request.user)
    campaign = _open_campaign(pk)
    cp_id = request.GET.get("campaign_post") or ""
    campaign_post = None
    if cp_id.isdigit():
        campaign_post = CampaignPost.objects.select_related("post__unit").filter(
            pk=int(cp_id), campaign=campaign, status=PostStatus.OPEN).first()
    x = None
    if campaign_post is not None:
        x = explain(cadre, campaign_post.post, campaign.as_of, scope=campaign.scope)
    return render(request, "selection/_eligibility.html", {"x": x, "campaign": campaign, "campaign_post": campaign_post})


def _own_application(request, pk) -> Application:
    cadre_id = permissions.own_cadre_id(request.user)
    application = Application.objects.select_related("campaign", "campaign_post__post__unit", "cadre").filter(
        pk=pk, cadre_id=cadre_id).first() if cadre_id else None
    if application is None:
        raise Http404("没有这条报名记录")
    return application


@require(_candidate)
def my_application(request, pk):
    application = _own_application(request, pk)
    campaign = application.campaign
    published = campaign.review_published_at is not None
    return render(request, "selection/my_application.html", {
        "a": application, "campaign": campaign, "published": published,
        "scores_visible": permissions.can_see_scores(request.user, campaign, application),
        "respond_form": RespondForm(initial={"achievements": application.achievements, "work_plan": application.work_plan,
                                             "accept_adjustment": application.accept_adjustment}),
        "can_withdraw": application.status in (AppStatus.DRAFT, AppStatus.SUBMITTED) and campaign.stage == Stage.REGISTRATION,
        "can_edit": application.status in (AppStatus.DRAFT, AppStatus.SUBMITTED, AppStatus.WITHDRAWN)
        and campaign.stage == Stage.REGISTRATION and application.source == "self",
        "can_respond": application.status == AppStatus.PENDING and campaign.stage == Stage.REGISTRATION,
        "person": _person(application.cadre),
    })


@require(_candidate)
@require_POST
def my_application_withdraw(request, pk):
    application = _own_application(request, pk)
    reason = (request.POST.get("reason") or "").strip()
    try:
        services.application_withdraw(actor=request.user, application=application, reason=reason)
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(request, "报名已撤回")
    return redirect("selection:my-application", pk=pk)


@require(_candidate)
@require_POST
def my_application_respond(request, pk):
    application = _own_application(request, pk)
    accept = request.POST.get("accept") == "1"
    form = RespondForm(request.POST)
    form.is_valid()
    data = {k: form.cleaned_data.get(k) for k in ("accept_adjustment", "achievements", "work_plan", "declaration")} if accept else None
    try:
        services.nomination_respond(actor=request.user, application=application, accept=accept, data=data)
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(request, "已同意推荐，报名已生效" if accept else "已谢绝推荐")
    return redirect("selection:my-application", pk=pk)
