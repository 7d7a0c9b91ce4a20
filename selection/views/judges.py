"""A judge's pages: the campaigns they score and their own score sheet."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from core import roles
from core.decorators import require
from core.exceptions import ApplicationError

from .. import rules, selectors, services
from ..models import Campaign, CampaignJudge
from .common import fail


# ---------------------------------------------------------------- judges

def _judge(user) -> bool:
    return roles.has_role(user, roles.JUDGE)


@require(_judge)
def judge_home(request):
    return render(request, "selection/judge_home.html", {"campaigns": list(selectors.judge_campaigns(request.user))})


@require(_judge)
def judge_scores(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        sheet = selectors.judge_sheet(request.user, campaign)
    except CampaignJudge.DoesNotExist:
        raise Http404("您不是该次竞争上岗的评委") from None
    errors = {}
    if request.method == "POST":
        if not sheet.open:
            messages.error(request, rules.judge_sheet_message(
                campaign.stage, campaign.get_stage_display(), closed=bool(campaign.speech_closed_at),
                absent=sheet.judge.absent, speech_date=campaign.speech_date))
            return redirect("selection:judge-scores", pk=pk)
        scores = {}
        for row in sheet.rows:
            raw = (request.POST.get(f"score_{row.application.pk}") or "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors[row.application.pk] = f"“{raw}”不是数字"
                continue
            if not (Decimal(0) <= value <= Decimal(100)) or value != value.quantize(Decimal("0.1")):
                errors[row.application.pk] = "评分应为 0–100，最多一位小数"
                continue
            scores[row.application.pk] = value
        if errors:
            messages.error(request, "部分评分有误，未保存：" + "；".join(
                f"{r.application.cadre.name}：{errors[r.application.pk]}" for r in sheet.rows if r.application.pk in errors))
        elif not scores:
            messages.error(request, "请至少填写一名候选人的评分")
        else:
            try:
                n = services.scores_submit(actor=request.user, campaign=campaign, scores=scores)
            except ApplicationError as exc:
                fail(request, exc)
            else:
                messages.success(request, f"已保存 {n} 名候选人的评分")
                return redirect("selection:judge-scores", pk=pk)
    return render(request, "selection/judge_scores.html", {
        "campaign": campaign, "sheet": sheet, "errors": errors,
        "sheet_message": rules.judge_sheet_message(
            campaign.stage, campaign.get_stage_display(), closed=bool(campaign.speech_closed_at),
            absent=sheet.judge.absent, speech_date=campaign.speech_date),
        "posted": {k: v for k, v in request.POST.items() if k.startswith("score_")} if request.method == "POST" else {},
    })
