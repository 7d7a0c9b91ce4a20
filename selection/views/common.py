"""What every selection page shares: messages from a service's ApplicationError, the redirect back, the campaign
read with its permission check, and the campaign page frame (tabs, stage steps, the transitions the user may take).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from cadre.models import Cadre
from core.exceptions import ApplicationError
from documents.models import GeneratedDocument

from .. import gates, permissions, rules, selectors, workflow
from ..forms import TransitionForm
from ..models import Application, Campaign
from ..workflow import Stage


# ---------------------------------------------------------------- helpers

def need(ok: bool):
    if not ok:
        raise PermissionDenied("您没有访问该页面的权限")


def fail(request, exc: ApplicationError):
    """The service's message, then each listed reason not already in it."""
    messages.error(request, exc.message)
    for e in exc.errors:
        text = getattr(e, "message", None) or str(e)
        if text and text not in exc.message:
            messages.error(request, text)


def form_fail(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else e)


def add_error(form, exc: ApplicationError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    for e in exc.errors:
        text = getattr(e, "message", None) or str(e)
        if text and text not in exc.message:
            form.add_error(None, text)


def back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def section_url(campaign, section: str) -> str:
    return reverse("selection:section", args=[campaign.pk, section])


def call_service(request, campaign, section, call, success: str):
    """Run one service call; a success message or the ApplicationError's; back to the section (or ?next)."""
    try:
        call()
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(request, success)
    return back(request, section_url(campaign, section))


def own_cadre(user) -> Cadre:
    cadre_id = permissions.own_cadre_id(user)
    if cadre_id is None:
        raise PermissionDenied("您的账号尚未关联干部档案，请联系组织部。")
    return Cadre.objects.select_related("unit").prefetch_related("educations").get(pk=cadre_id)


def campaign_docs(campaign, *kinds):
    qs = (GeneratedDocument.objects.filter(subject_key=campaign.scope).select_related("superseded_by")
          .order_by("kind", "-version", "-id"))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs)


# ---------------------------------------------------------------- campaign pages (staff, leaders, observers)

TABS = (
    ("plan", "方案"), ("registration", "报名"), ("review", "资格审查"), ("speech", "演讲评分"),
    ("evaluation", "测评与排名"), ("inspection", "组织考察"), ("decision", "讨论决定"), ("publicity", "任前公示"),
    ("appointment", "任职"), ("events", "流转记录"),
)
STAGE_TAB = {
    Stage.PREPARATION: "plan", Stage.PLAN_APPROVAL: "plan", Stage.POSTING: "registration",
    Stage.REGISTRATION: "registration", Stage.REVIEW: "review", Stage.SPEECH: "speech",
    Stage.EVALUATION: "evaluation", Stage.INSPECTION: "inspection", Stage.DECISION: "decision",
    Stage.PUBLICITY: "publicity", Stage.APPOINTMENT: "appointment", Stage.COMPLETED: "appointment",
    Stage.CANCELLED: "events",
}


def stage_steps(campaign) -> list[dict]:
    current = workflow.stage_number(campaign.stage)
    steps = []
    for n, stage in enumerate(workflow.ORDER, 1):
        state = "done" if n < current else "current" if n == current else "todo"
        if campaign.stage == Stage.CANCELLED:
            state = "todo"
        steps.append({"n": n, "label": stage.label, "state": state, "tab": STAGE_TAB[stage]})
    return steps


# which campaign field keeps the 文号 a move's ``document_no`` input gives
NUMBER_FIELDS = {"approve_plan": "plan_document_no", "appoint": "appointment_document_no"}


def suggested_inputs(action: str) -> dict:
    """Initial values of a move's inputs: the next 文号 by the numbering rule 机关代字〔年份〕序号号, from the numbers
    already used this year (settings.DOCUMENT_NUMBER_PREFIX when none is), so nobody types it from blank."""
    field = NUMBER_FIELDS.get(action)
    if field is None:
        return {}
    year = timezone.localdate().year
    prefix = getattr(settings, "DOCUMENT_NUMBER_PREFIX", "青开组")
    used = selectors.document_numbers_used(field, year)
    return {"document_no": rules.next_document_number(used, year=year, prefix=prefix)}


def transitions_for(user, campaign) -> list[dict]:
    """The moves of the current stage this user may take, each with the form of its inputs and, for a forward
    move, what its gate still misses (gates.preview)."""
    out = []
    for t in workflow.available(campaign.stage):
        if not workflow.can(user, t.action, campaign.stage):
            continue
        out.append({
            "action": t.action, "label": t.label, "kind": t.kind, "is_forward": t.is_forward,
            "is_withdrawal": t.is_withdrawal, "reason_required": t.reason_required,
            "target": workflow.Stage(t.target).label,
            "form": TransitionForm(transition=t, auto_id=f"t-{t.action}-%s", initial=suggested_inputs(t.action)),
            "gate_errors": gates.preview(campaign, t.action) if t.is_forward and t.gated else [],
        })
    return out


def campaign_for(request, pk) -> Campaign:
    need(permissions.is_reader(request.user))
    try:
        return selectors.campaign_detail(pk)
    except Campaign.DoesNotExist:
        raise Http404("没有这项竞争上岗工作") from None


def base_context(request, campaign, tab: str) -> dict:
    user = request.user
    return {
        "campaign": campaign, "tab": tab, "tabs": TABS, "current_tab": STAGE_TAB[campaign.stage],
        "steps": stage_steps(campaign), "transitions": transitions_for(user, campaign),
        "can_manage": permissions.can_manage(user),
        "is_leader": permissions.is_leader(user), "read_only": not (permissions.can_manage(user) or permissions.is_leader(user)),
        "stage_label": campaign.get_stage_display(),
        "work": {w: workflow.can_work(user, w, campaign) for w in workflow.STAGE_WORK},
    }


def application_in(campaign, app_pk) -> Application:
    return get_object_or_404(Application.objects.select_related("cadre", "campaign_post__post__unit"), pk=app_pk, campaign=campaign)
