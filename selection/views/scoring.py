"""The 演讲, 民主测评与排名 and 组织考察 tabs: speaking order, judge absence, score corrections, the evaluation
session, written scores, the inspection targets and records."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.decorators import require
from core.exceptions import ApplicationError
from documents.models import DocumentKind

from .. import permissions, selectors, services
from ..forms import (
    DEFAULT_GROUPS,
    AbsenceForm,
    EvaluationGroupFormSet,
    EvaluationSessionForm,
    InspectionRecordForm,
    ScoreCorrectForm,
)
from ..models import CampaignJudge, CampaignPost
from .common import application_in, base_context, call_service, campaign_docs, campaign_for, fail, form_fail


# ----- 演讲

def speech_context(request, campaign, ctx):
    out = {"absence_form": AbsenceForm(), "judges": list(campaign.judges.all())}
    overview = selectors.scores_overview(campaign)
    out["posts_order"] = overview.groups
    if permissions.can_see_judge_scores(request.user):
        out["overview"] = overview
        if ctx["work"]["score_correct"]:
            out["correct_form"] = ScoreCorrectForm(campaign=campaign)
    return out


@require(permissions.can_manage)
@require_POST
def order_draw(request, pk, cp):
    campaign = campaign_for(request, pk)
    campaign_post = get_object_or_404(CampaignPost.objects.select_related("post__unit"), pk=cp, campaign=campaign)
    return call_service(request, campaign, "speech", lambda: services.speaking_order_draw(actor=request.user, campaign_post=campaign_post),
               f"{campaign_post}演讲顺序已抽签确定")


@require(permissions.can_manage)
@require_POST
def judge_absence(request, pk, judge):
    campaign = campaign_for(request, pk)
    j = get_object_or_404(CampaignJudge, pk=judge, campaign=campaign)
    form = AbsenceForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    return call_service(request, campaign, "speech", lambda: services.judge_absence_set(
        actor=request.user, judge=j, absent=bool(d.get("absent")), reason=d.get("reason") or ""),
        f"已登记评委{j.name}{'缺席' if d.get('absent') else '到场'}")


@require(permissions.can_manage)
@require_POST
def score_correct(request, pk):
    campaign = campaign_for(request, pk)
    form = ScoreCorrectForm(request.POST, campaign=campaign)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="speech")
    d = form.cleaned_data
    return call_service(request, campaign, "speech", lambda: services.score_correct(
        actor=request.user, score=d["score"], value=d["value"], reason=d["reason"]), "评分已更正")


# ----- 民主测评、排名

def evaluation_context(request, campaign, ctx, groups_formset=None, session_form=None):
    out = {"ranking": selectors.ranking_table(campaign), "session": campaign.ballot_session}
    if ctx["work"]["evaluation_session"] and campaign.ballot_session_id is None:
        out["groups_formset"] = groups_formset or EvaluationGroupFormSet(prefix="g", initial=DEFAULT_GROUPS)
        out["session_form"] = session_form or EvaluationSessionForm()
    if ctx["work"]["evaluation_session"] and campaign.written_weight:
        out["written_rows"] = [r.application for g in out["ranking"] for r in g.rows]
    return out


@require(permissions.can_manage)
@require_POST
def evaluation_create(request, pk):
    campaign = campaign_for(request, pk)
    formset = EvaluationGroupFormSet(request.POST, prefix="g")
    form = EvaluationSessionForm(request.POST)
    if formset.is_valid() and form.is_valid():
        groups = [{"name": f.cleaned_data["name"], "weight": f.cleaned_data["weight"]}
                  for f in formset if f.cleaned_data.get("name")]
        try:
            session = services.evaluation_session_create(
                actor=request.user, campaign=campaign, groups=groups, option_set=form.cleaned_data["option_set"],
                vote_date=form.cleaned_data["vote_date"])
        except ApplicationError as exc:
            fail(request, exc)
        else:
            messages.success(request, f"已建立民主测评“{session.title}”，请在测评页面发放测评码")
            return redirect("selection:section", pk=pk, section="evaluation")
    else:
        messages.error(request, "测评设置有误，请检查")
    ctx = base_context(request, campaign, "evaluation")
    ctx.update(evaluation_context(request, campaign, ctx, groups_formset=formset, session_form=form))
    return render(request, "selection/campaign_evaluation.html", ctx)


@require(permissions.can_manage)
@require_POST
def written_scores(request, pk):
    campaign = campaign_for(request, pk)
    scores = {}
    for key, value in request.POST.items():
        if key.startswith("written_") and key[8:].isdigit() and value.strip():
            scores[int(key[8:])] = value.strip()
    return call_service(request, campaign, "evaluation", lambda: services.written_scores_set(
        actor=request.user, campaign=campaign, scores=scores), f"已保存 {len(scores)} 人的笔试成绩")


# ----- 组织考察

def inspection_context(request, campaign, ctx):
    targets = list(selectors.inspection_targets(campaign))
    return {
        "ranking": selectors.ranking_table(campaign), "targets": targets,
        "record_forms": [(a, InspectionRecordForm(initial={
            "talks_count": a.talks_count, "opinion": a.inspection_opinion, "conclusion": a.inspection_conclusion,
        }, prefix=f"a{a.pk}")) for a in targets] if ctx["work"]["inspection_record"] and campaign.inspection_confirmed_at else [],
        "notices": campaign_docs(campaign, DocumentKind.INSPECTION_NOTICE),
    }


@require(permissions.is_leader)
@require_POST
def inspection_confirm(request, pk):
    campaign = campaign_for(request, pk)
    ids = [int(v) for v in request.POST.getlist("application_ids") if v.isdigit()]
    note = (request.POST.get("note") or "").strip()
    return call_service(request, campaign, "inspection", lambda: services.inspection_confirm(
        actor=request.user, campaign=campaign, application_ids=ids or None, note=note), "考察对象名单已确定")


@require(permissions.can_manage)
@require_POST
def inspection_record(request, pk, app):
    campaign = campaign_for(request, pk)
    application = application_in(campaign, app)
    form = InspectionRecordForm(request.POST, prefix=f"a{application.pk}")
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="inspection")
    d = form.cleaned_data
    return call_service(request, campaign, "inspection", lambda: services.inspection_record(
        actor=request.user, application=application, talks_count=d["talks_count"], opinion=d["opinion"],
        conclusion=d["conclusion"]), f"已记录{application.cadre.name}的考察情况")
