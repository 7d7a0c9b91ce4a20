"""Stage moves from the campaign page: one form per transition the user may take."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.decorators import require
from core.exceptions import ApplicationError

from .. import permissions, services, workflow
from .. import services_decision as decision_services
from .. import services_registration as registration_services
from .. import services_scoring as scoring_services
from ..forms import TransitionForm
from .common import back, campaign_for, fail, need


# ----- transitions

def _run_transition(actor, campaign, action: str, d: dict):
    note = (d.get("note") or "").strip()
    calls = {
        "submit_plan": lambda: services.plan_submit(actor=actor, campaign=campaign, note=note),
        "approve_plan": lambda: services.plan_approve(actor=actor, campaign=campaign, document_no=d.get("document_no") or "", note=note),
        "return_plan": lambda: services.plan_return(actor=actor, campaign=campaign, reason=note),
        "publish_posts": lambda: registration_services.posts_publish(actor=actor, campaign=campaign, note=note),
        "close_registration": lambda: registration_services.registration_close(actor=actor, campaign=campaign),
        "extend_registration": lambda: registration_services.registration_extend(actor=actor, campaign=campaign, new_end=d.get("new_end"), reason=note),
        "start_speech": lambda: registration_services.speech_start(actor=actor, campaign=campaign, note=note),
        "close_speech": lambda: scoring_services.speech_close(actor=actor, campaign=campaign, note=note),
        "close_evaluation": lambda: scoring_services.evaluation_close(actor=actor, campaign=campaign, note=note),
        "finish_inspection": lambda: scoring_services.inspection_finish(actor=actor, campaign=campaign, note=note),
        "start_publicity": lambda: decision_services.publicity_start(actor=actor, campaign=campaign, start_date=d.get("start_date"), note=note),
        "end_publicity": lambda: decision_services.publicity_end(actor=actor, campaign=campaign, note=note),
        "appoint": lambda: decision_services.appointment_execute(
            actor=actor, campaign=campaign, appointed_on=d.get("appointed_on"), document_no=d.get("document_no") or "", note=note),
        "cancel": lambda: services.campaign_cancel(actor=actor, campaign=campaign, reason=note),
    }
    if action in calls:
        return calls[action]()
    t = workflow.transition_for(action, campaign.stage)
    if t is not None and t.withdrawal:
        return services.campaign_withdraw(actor=actor, campaign=campaign, reason=note)
    return services.transition(actor=actor, campaign=campaign, action=action, note=note)


@require(permissions.is_reader)
@require_POST
def transition(request, pk, action):
    campaign = campaign_for(request, pk)
    if action not in workflow.ACTIONS:
        raise Http404("没有这个操作")
    # role first (403), then the service answers stage, reason and gate in Chinese
    need(permissions.transition_role_allowed(request.user, action, campaign.stage))
    form = TransitionForm(request.POST)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items()}
    for name in form.errors:
        messages.error(request, f"{form.fields[name].label}：{form.errors[name][0]}")
    label = next((t.label for t in workflow.TRANSITIONS if t.action == action), action)
    try:
        _run_transition(request.user, campaign, action, data)
    except ApplicationError as exc:
        fail(request, exc)
        return back(request, reverse("selection:campaign", args=[pk]))
    messages.success(request, f"已{label}")
    return back(request, reverse("selection:campaign", args=[pk]))
