"""Stage moves from the campaign page (the transition panel, the leaders' inbox, the appointment tab): every one
posts here and goes through ``services.campaign_transition``."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.decorators import require
from core.exceptions import ApplicationError

from .. import permissions, services, workflow
from ..forms import TransitionForm
from .common import back, campaign_for, fail, need


@require(permissions.is_reader)
@require_POST
def transition(request, pk, action):
    campaign = campaign_for(request, pk)
    if action not in workflow.ACTIONS:
        raise Http404("没有这个操作")
    # role first (403), then campaign_transition answers stage, reason, inputs and gate in Chinese
    need(permissions.transition_role_allowed(request.user, action, campaign.stage))
    t = workflow.transition_for(action, campaign.stage)
    form = TransitionForm(request.POST, transition=t)
    form.is_valid()
    for name in form.errors:
        messages.error(request, f"{form.fields[name].label}：{form.errors[name][0]}")
    label = t.label if t is not None else next(x.label for x in workflow.TRANSITIONS if x.action == action)
    try:
        services.campaign_transition(actor=request.user, campaign=campaign, action=action, **form.move())
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(request, f"已{label}")
    return back(request, reverse("selection:campaign", args=[pk]))
