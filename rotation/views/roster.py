"""The roster's batch action 加入轮岗交流方案: the selected people go into a draft plan as named movers.

Step one (no ``plan`` posted) lists the editable plans; step two runs ``services.suggestions_generate`` for the
chosen plan with exactly these people, so each gets a proposed move (or 留任 with the reason) that staff adopt on the
plan page. Nobody is moved here: the plan's own workflow does that.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cadre.models import Cadre
from cadre.roster import selected_ids
from core.exceptions import ApplicationError

from .. import permissions, services
from ..models import PlanStatus, RotationPlan
from .common import _need

MAX_PEOPLE = 300  # the solver's problem grows with the movers; a plan this size is already beyond a sitting


@login_required
@require_POST
def roster_add(request):
    _need(permissions.can_write(request.user))
    ids = selected_ids(user=request.user, data=request.POST)
    back = reverse("cadre:roster") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    if not ids:
        messages.error(request, "请先在花名册中选择干部")
        return redirect(back)
    if len(ids) > MAX_PEOPLE:
        messages.error(request, f"一次最多将{MAX_PEOPLE}人加入轮岗交流方案，已选{len(ids)}人")
        return redirect(back)
    plan_id = request.POST.get("plan", "")
    if plan_id.isdigit():
        plan = get_object_or_404(RotationPlan, pk=int(plan_id))
        _need(permissions.can_edit_plan(request.user, plan))
        try:
            rows = services.suggestions_generate(actor=request.user, plan=plan, cadre_ids=ids)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            moved = sum(r.to_post_id is not None for r in rows)
            messages.success(request, f"已将{len(rows)}人加入方案「{plan.name}」并测算交流建议（建议交流{moved}人），请在下方采纳")
        return redirect(reverse("rotation:plan", args=[plan.pk]) + "#suggestions")
    people = list(Cadre.objects.filter(pk__in=ids).select_related("unit").order_by("pk"))
    plans = RotationPlan.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.RETURNED]).order_by("-created_at")
    return render(request, "rotation/roster_add.html", {
        "people": people, "plans": plans, "query": request.POST.get("query", ""), "back": back,
    })
