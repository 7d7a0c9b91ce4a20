"""The 讨论决定, 任前公示 and 任职 tabs: the 党委会 record, deferrals, the superior approval, objections during
公示, and the appointment panel."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.decorators import require
from core.exceptions import ApplicationError
from documents.models import DocumentKind

from .. import gates, permissions, selectors, services, snapshots, workflow
from ..forms import DeferralForm, ObjectionForm, ObjectionResolveForm, SuperiorApprovalForm, TransitionForm
from ..models import InspectionConclusion, MeetingResult, MemberRole, Objection, VoteChoice
from ..workflow import Stage
from .common import (
    application_in, base_context, call_service, campaign_docs, campaign_for, form_fail, need, suggested_inputs,
)


# ----- 讨论决定

def _meeting_candidates(campaign):
    return list(
        gates.qualified(campaign).filter(is_inspection_target=True, inspection_conclusion=InspectionConclusion.RECOMMEND)
        .select_related("cadre", "campaign_post__post__unit").order_by("campaign_post__order", "rank", "id")
    )


def decision_context(request, campaign, ctx):
    meetings = list(campaign.meetings.prefetch_related("members", "votes").order_by("held_on", "id"))
    candidates = _meeting_candidates(campaign)
    for m in meetings:
        by_member = {}
        for v in m.votes.all():
            by_member.setdefault(v.application_id, {})[v.member_id] = v.choice
        m.present_count = sum(1 for mm in m.members.all() if mm.present)
        m.grid = [(a, [by_member.get(a.pk, {}).get(mm.pk, "") for mm in m.members.all()]) for a in candidates]
    passed = [a for a in candidates if a.meeting_result == MeetingResult.PASSED]
    return {
        "meetings": meetings, "candidates": candidates, "passed": passed,
        "deferred": [a for a in candidates if a.meeting_result == MeetingResult.DEFERRED and not a.defer_action],
        "deferral_form": DeferralForm(),
        "superior_form": SuperiorApprovalForm(initial={
            "document_no": campaign.superior_approval_no, "approved_on": campaign.superior_approval_date,
        }) if ctx["work"]["superior_approval"] else None,
    }


def _meeting_members_initial(campaign):
    leaders = [m for m in campaign.members.all() if m.role != MemberRole.TEAM]
    return [{"name": m.name, "present": True, "user": m.user_id} for m in leaders]


@require(permissions.is_reader)
def meeting_record(request, pk):
    """党委会: members who should attend (应到) with 到会 checkboxes, and the vote of each present member on each
    candidate. Leaders record it; others see the form read-only (and may not post)."""
    campaign = campaign_for(request, pk)
    candidates = _meeting_candidates(campaign)
    can_record = workflow.can_work(request.user, "meeting_record", campaign)
    rows = _meeting_members_initial(campaign)
    extra = 3
    error_lines = []
    posted = {}
    if request.method == "POST":
        need(permissions.is_leader(request.user))
        count = int(request.POST.get("member_count") or 0) if (request.POST.get("member_count") or "").isdigit() else 0
        members, votes = [], {}
        rows = []
        for i in range(min(count, 60)):
            name = (request.POST.get(f"m{i}-name") or "").strip()
            present = request.POST.get(f"m{i}-present") == "1"
            user_id = request.POST.get(f"m{i}-user") or ""
            rows.append({"name": name, "present": present, "user": int(user_id) if user_id.isdigit() else None})
            if not name:
                continue
            members.append({"name": name, "present": present, **({"user": _user(user_id)} if user_id.isdigit() else {})})
            for a in candidates:
                choice = request.POST.get(f"v{a.pk}-{i}") or ""
                posted[f"v{a.pk}-{i}"] = choice
                if present and choice:
                    votes.setdefault(a.pk, {})[name] = choice
        extra = 0
        held_on = _parse_date(request.POST.get("held_on"))
        title = (request.POST.get("title") or "").strip()
        note = (request.POST.get("note") or "").strip()
        if held_on is None:
            error_lines.append("请填写会议日期")
        else:
            try:
                meeting = services.meeting_record(
                    actor=request.user, campaign=campaign, held_on=held_on, members=members, votes=votes, title=title,
                    note=note)
            except ApplicationError as exc:
                error_lines = [exc.message] + [str(e) for e in exc.errors if str(e) not in exc.message]
            else:
                if meeting.quorum_met:
                    messages.success(request, "党委会讨论决定情况已记录")
                for line in getattr(meeting, "messages", []):
                    (messages.info if meeting.quorum_met else messages.warning)(request, line)
                return redirect("selection:section", pk=pk, section="decision")
    rows = rows + [{"name": "", "present": True, "user": None} for _ in range(extra)]
    for i, r in enumerate(rows):
        r["index"] = i
        r["votes"] = [(a, f"v{a.pk}-{i}", posted.get(f"v{a.pk}-{i}", ""))
                      for a in candidates]
    ctx = base_context(request, campaign, "decision")
    ctx.update({
        "candidates": candidates, "rows": rows, "choices": VoteChoice.choices, "can_record": can_record,
        "error_lines": error_lines, "held_on": request.POST.get("held_on", ""),
        "title_value": request.POST.get("title", "党工委会议"), "note_value": request.POST.get("note", ""),
        "quorum": f"{campaign.meeting_quorum_num}/{campaign.meeting_quorum_den}",
    })
    return render(request, "selection/meeting_form.html", ctx)


def _user(user_id):
    return get_user_model().objects.filter(pk=int(user_id)).first()


def _parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require(permissions.is_reader)
@require_POST
def deferral_resolve(request, pk, app):
    need(permissions.can_manage(request.user) or permissions.is_leader(request.user))
    campaign = campaign_for(request, pk)
    application = application_in(campaign, app)
    form = DeferralForm(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="decision")
    d = form.cleaned_data
    return call_service(request, campaign, "decision", lambda: services.deferral_resolve(
        actor=request.user, application=application, action=d["action"], reason=d["reason"]),
        f"{application.cadre.name}缓议处理：{d['action']}")


@require(permissions.can_manage)
@require_POST
def superior_approval(request, pk):
    campaign = campaign_for(request, pk)
    form = SuperiorApprovalForm(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="decision")
    passed = [a.pk for a in _meeting_candidates(campaign) if a.meeting_result == MeetingResult.PASSED]
    approved = [int(v) for v in request.POST.getlist("approved_ids") if v.isdigit() and int(v) in passed]
    rejected = [p for p in passed if p not in approved]
    d = form.cleaned_data
    return call_service(request, campaign, "decision", lambda: services.superior_approval_record(
        actor=request.user, campaign=campaign, document_no=d["document_no"], approved_on=d["approved_on"],
        approved_ids=approved, rejected_ids=rejected), "上级组织部审批结果已登记")


# ----- 任前公示

def publicity_context(request, campaign, ctx):
    people = list(gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
                  .order_by("campaign_post__order", "rank", "id"))
    objections = list(selectors.objections(campaign))
    if ctx["can_manage"]:
        snapshots.changes(people)
    out = {
        "people": people, "objections": objections, "resolve_form": ObjectionResolveForm(),
        "notices": campaign_docs(campaign, DocumentKind.PRE_APPOINTMENT_NOTICE),
    }
    if ctx["work"]["objection"]:
        apps = gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
        out["objection_form"] = ObjectionForm(applications=apps, initial={"received_on": services.today()})
    return out


@require(permissions.can_manage)
@require_POST
def objection_create(request, pk):
    campaign = campaign_for(request, pk)
    apps = gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
    form = ObjectionForm(request.POST, applications=apps)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="publicity")
    d = form.cleaned_data
    return call_service(request, campaign, "publicity", lambda: services.objection_record(
        actor=request.user, application=d["application"], received_on=d["received_on"], channel=d["channel"],
        content=d["content"]), f"已登记对{d['application'].cadre.name}的反映")


@require(permissions.can_manage)
@require_POST
def objection_resolve(request, pk, objection):
    campaign = campaign_for(request, pk)
    obj = get_object_or_404(Objection.objects.select_related("application__cadre"), pk=objection, application__campaign=campaign)
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="publicity")
    d = form.cleaned_data
    return call_service(request, campaign, "publicity", lambda: services.objection_resolve(
        actor=request.user, objection=obj, substantiated=d["substantiated"], resolution=d["resolution"]),
        "核查结论已登记")


# ----- 任职

def appointment_context(request, campaign, ctx):
    appointed = list(gates.qualified(campaign).filter(appointed_on__isnull=False)
                     .select_related("cadre", "campaign_post__post__unit").order_by("campaign_post__order", "rank", "id"))
    appoint = workflow.transition_for("appoint", campaign.stage)
    can_appoint = appoint is not None and workflow.can(request.user, "appoint", campaign.stage)
    return {
        "appointed": appointed,
        "people": list(gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
                       .order_by("campaign_post__order", "rank", "id")) if campaign.stage == Stage.APPOINTMENT else [],
        "appointment_form": TransitionForm(transition=appoint, initial={"appointed_on": services.today(), **suggested_inputs("appoint")})
        if can_appoint else None,
        "documents": campaign_docs(campaign),
    }


@require(permissions.can_manage)
@require_POST
def approval_forms(request, pk):
    """干部任免审批表 of the people the 党委会 passed, in one click: one PDF, or a zip of them."""
    campaign = campaign_for(request, pk)
    try:
        documents = services.approval_forms_issue(actor=request.user, campaign=campaign)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("selection:section", pk=pk, section="decision")
    if len(documents) == 1:
        return redirect("documents:download", pk=documents[0].pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for doc in documents:
            with doc.file.open("rb") as fh:
                bundle.writestr(f"{doc.title}.pdf", fh.read())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(f"{campaign.title}-干部任免审批表.zip")
    return response
