"""The campaign list, a new campaign, the campaign page and its tabs, and the writes of the 方案 tab
(settings, 领导小组 and 工作班子, competing posts, judges)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.decorators import require
from core.exceptions import ApplicationError

from .. import gates, permissions, selectors, services, workflow
from ..forms import SETTING_GROUPS, CampaignForm, JudgesForm, MemberFormSet, PostAddForm
from ..models import Campaign, CampaignPost
from ..workflow import Stage
from .common import STAGE_TAB, add_error, base_context, call_service, campaign_for, fail, form_fail, need
from .decision import appointment_context, decision_context, publicity_context
from .registration import registration_context, review_context
from .scoring import evaluation_context, inspection_context, speech_context


@require(permissions.is_reader)
def campaign_list(request):
    return render(request, "selection/campaign_list.html", {
        "campaigns": selectors.campaign_list(request.user), "can_manage": permissions.can_manage(request.user),
    })


@require(permissions.can_manage)
def campaign_create(request):
    form = CampaignForm(request.POST or None, initial={"plan_year": services.today().year, "as_of": services.today()})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, data=form.data_dict())
        except ApplicationError as exc:
            add_error(form, exc)
        else:
            messages.success(request, "方案已建立，请继续设置领导小组、竞争职位和评委")
            return redirect("selection:section", pk=campaign.pk, section="plan")
    return render(request, "selection/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk):
    """The campaign's page: the work panel of its current stage."""
    need(permissions.is_reader(request.user))
    campaign = get_object_or_404(Campaign, pk=pk)
    return campaign_section(request, pk, STAGE_TAB[campaign.stage])


@login_required
def campaign_section(request, pk, section):
    builders = {
        "plan": plan_context, "registration": registration_context, "review": review_context,
        "speech": speech_context, "evaluation": evaluation_context, "inspection": inspection_context,
        "decision": decision_context, "publicity": publicity_context, "appointment": appointment_context,
        "events": events_context,
    }
    if section not in builders:
        raise Http404("没有这个页面")
    campaign = campaign_for(request, pk)
    ctx = base_context(request, campaign, section)
    ctx.update(builders[section](request, campaign, ctx))
    return render(request, f"selection/campaign_{section}.html", ctx)

# ----- 方案

def _plan_allowed_fields(campaign):
    if campaign.stage == Stage.PREPARATION:
        return services.EDITABLE_FIELDS
    if campaign.stage == Stage.POSTING:
        return services.POSTING_FIELDS
    return ()


def plan_context(request, campaign, ctx, form=None, members_formset=None):
    manage = ctx["can_manage"]
    allowed = _plan_allowed_fields(campaign) if manage else ()
    out = {
        "settings": [(title, [(Campaign._meta.get_field(n).verbose_name, _display(campaign, n)) for n in names])
                     for title, names in SETTING_GROUPS],
        "members": list(campaign.members.all()), "posts": list(campaign.posts.all()),
        "judges": list(campaign.judges.all()),
        "plan_gate": gates.plan_errors(campaign) if campaign.stage == Stage.PREPARATION else [],
    }
    if allowed:
        out["form"] = form or CampaignForm(initial={n: getattr(campaign, n) for n in allowed}, allowed=allowed)
    if ctx["work"]["edit_plan"]:
        out["members_formset"] = members_formset or MemberFormSet(prefix="m", initial=[
            {"name": m.name, "duty": m.duty, "role": m.role, "user": m.user_id} for m in out["members"]
        ])
        out["post_form"] = PostAddForm(campaign=campaign)
        out["can_remove_posts"] = True
    if manage and workflow.stage_number(campaign.stage) < workflow.stage_number(Stage.SPEECH) and campaign.stage != Stage.CANCELLED:
        out["judges_form"] = JudgesForm(initial={"users": [j.user_id for j in out["judges"]]})
    return out


def _display(campaign, name):
    value = getattr(campaign, name)
    field = Campaign._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return getattr(campaign, f"get_{name}_display")()
    if isinstance(value, dt.date):
        return f"{value:%Y年%m月%d日}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


@require(permissions.can_manage)
@require_POST
def plan_edit(request, pk):
    campaign = campaign_for(request, pk)
    allowed = _plan_allowed_fields(campaign)
    if not allowed:
        messages.error(request, f"当前处于“{campaign.get_stage_display()}”阶段，方案不能再修改；如需修改请先撤回。")
        return redirect("selection:section", pk=pk, section="plan")
    form = CampaignForm(request.POST, allowed=allowed)
    if form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, data=form.data_dict())
        except ApplicationError as exc:
            add_error(form, exc)
        else:
            messages.success(request, "方案设置已保存")
            return redirect("selection:section", pk=pk, section="plan")
    ctx = base_context(request, campaign, "plan")
    ctx.update(plan_context(request, campaign, ctx, form=form))
    return render(request, "selection/campaign_plan.html", ctx)


@require(permissions.can_manage)
@require_POST
def members_set(request, pk):
    campaign = campaign_for(request, pk)
    formset = MemberFormSet(request.POST, prefix="m")
    if formset.is_valid():
        rows = [f.cleaned_data for f in formset if f.cleaned_data.get("name")]
        try:
            services.members_set(actor=request.user, campaign=campaign, members=rows)
        except ApplicationError as exc:
            fail(request, exc)
        else:
            messages.success(request, f"已保存领导小组和工作班子（{len(rows)}人）")
            return redirect("selection:section", pk=pk, section="plan")
    else:
        messages.error(request, "成员信息有误，请检查")
    ctx = base_context(request, campaign, "plan")
    ctx.update(plan_context(request, campaign, ctx, members_formset=formset))
    return render(request, "selection/campaign_plan.html", ctx)


@require(permissions.can_manage)
@require_POST
def post_add(request, pk):
    campaign = campaign_for(request, pk)
    form = PostAddForm(request.POST, campaign=campaign)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="plan")
    d = form.cleaned_data
    return call_service(request, campaign, "plan", lambda: services.post_add(
        actor=request.user, campaign=campaign, post=d["post"], vacancies=d["vacancies"], conditions=d["conditions"]),
        f"已列入竞争职位：{d['post']}")


@require(permissions.can_manage)
@require_POST
def post_remove(request, pk, cp):
    campaign = campaign_for(request, pk)
    campaign_post = get_object_or_404(CampaignPost.objects.select_related("post__unit"), pk=cp, campaign=campaign)
    return call_service(request, campaign, "plan", lambda: services.post_remove(actor=request.user, campaign_post=campaign_post),
               f"已移出竞争职位：{campaign_post}")


@require(permissions.can_manage)
@require_POST
def judges_set(request, pk):
    campaign = campaign_for(request, pk)
    form = JudgesForm(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="plan")
    users = list(form.cleaned_data["users"])
    return call_service(request, campaign, "plan", lambda: services.judges_set(actor=request.user, campaign=campaign, users=users),
               f"已确定评委 {len(users)} 名")

# ----- 流转记录

def events_context(request, campaign, ctx):
    return {"events": list(selectors.events(campaign))}
