"""The 报名 and 资格审查 tabs: the post announcement, nominations, late entries, the review queue and its
approval, publication, cancelled posts and an extended registration."""
from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.decorators import require
from documents.models import DocumentKind

from .. import gates, permissions, selectors, services, snapshots, workflow
from ..forms import DocumentCorrectForm, LateEntryForm, NominationForm, ReviewDecisionForm, SnapshotCorrectForm, TransitionForm
from ..models import AppStatus, CampaignPost
from ..workflow import Stage
from .common import TABS, application_in, call_service, campaign_docs, campaign_for, form_fail


# ----- 报名

def registration_context(request, campaign, ctx):
    apps = list(selectors.applications_for(campaign))
    if ctx["can_manage"]:
        snapshots.changes(apps)  # 档案已变更 for staff
    by_post = {cp.pk: [] for cp in campaign.posts.all()}
    for a in apps:
        by_post.setdefault(a.campaign_post_id, []).append(a)
    out = {
        "post_rows": [(cp, by_post.get(cp.pk, [])) for cp in campaign.posts.all()],
        "announcements": campaign_docs(campaign, DocumentKind.POST_ANNOUNCEMENT),
        "app_total": len(apps), "submitted_total": sum(1 for a in apps if a.status == AppStatus.SUBMITTED),
    }
    if ctx["work"]["nominate"]:
        out["nomination_form"] = NominationForm(campaign=campaign, initial={"recommender_count": campaign.min_mass_recommenders})
    return out


@require(permissions.can_manage)
@require_POST
def announcement_generate(request, pk):
    campaign = campaign_for(request, pk)
    return call_service(request, campaign, "registration", lambda: services.announcement_generate(actor=request.user, campaign=campaign),
               "职位公告已生成")


@require(permissions.can_manage)
@require_POST
def nomination_create(request, pk):
    campaign = campaign_for(request, pk)
    form = NominationForm(request.POST, campaign=campaign)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="registration")
    d = form.cleaned_data
    return call_service(request, campaign, "registration", lambda: services.nomination_create(
        actor=request.user, campaign_post=d["campaign_post"], cadre=d["id_number"], source=d["source"],
        recommenders=d["recommenders"], recommender_count=d["recommender_count"] or 0,
        recommending_unit=d["recommending_unit"], recommending_signer=d["recommending_signer"],
    ), f"已录入{d['id_number'].name}的推荐，待本人确认")


@require(permissions.can_manage)
@require_POST
def late_entry_create(request, pk):
    campaign = campaign_for(request, pk)
    form = LateEntryForm(request.POST, campaign=campaign)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    d = form.cleaned_data
    data = {"accept_adjustment": d["accept_adjustment"], "achievements": d["achievements"], "work_plan": d["work_plan"],
            "declaration": True}
    return call_service(request, campaign, "review", lambda: services.late_entry_create(
        actor=request.user, campaign_post=d["campaign_post"], cadre=d["id_number"], reason=d["reason"], data=data,
    ), f"已为{d['id_number'].name}补报")


# ----- 资格审查

def review_context(request, campaign, ctx):
    groups = selectors.review_queue(campaign)
    if ctx["can_manage"]:
        snapshots.changes([a for g in groups for a in g.rows])  # 档案已变更 for staff
    out = {
        "groups": groups,
        "snapshot_form": SnapshotCorrectForm(),
        "decision_form": ReviewDecisionForm(),
        "shortfalls": gates.shortfalls(campaign) if campaign.stage == Stage.REVIEW else [],
        "notices": campaign_docs(campaign, DocumentKind.QUALIFICATION_NOTICE),
        "extend_form": _extend_form(),
    }
    if ctx["work"]["late_entry"]:
        out["late_form"] = LateEntryForm(campaign=campaign)
    return out

@require(permissions.can_manage)
@require_POST
def review_decide(request, pk, app):
    campaign = campaign_for(request, pk)
    application = application_in(campaign, app)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    d = form.cleaned_data
    return call_service(request, campaign, "review", lambda: services.review_decide(
        actor=request.user, application=application, decision=d["decision"], reason=d["reason"]),
        f"{application.cadre.name}：{d['decision']}")


@require(permissions.can_manage)
@require_POST
def review_submit(request, pk):
    campaign = campaign_for(request, pk)
    return call_service(request, campaign, "review", lambda: services.review_submit(actor=request.user, campaign=campaign),
               "资格审查名单已报党委审定")


@require(permissions.is_leader)
@require_POST
def review_approve(request, pk):
    campaign = campaign_for(request, pk)
    note = (request.POST.get("note") or "").strip()
    return call_service(request, campaign, "review", lambda: services.review_approve(actor=request.user, campaign=campaign, note=note),
               "资格审查名单已审定")


@require(permissions.is_leader)
@require_POST
def review_return(request, pk):
    campaign = campaign_for(request, pk)
    reason = (request.POST.get("reason") or "").strip()
    return call_service(request, campaign, "review", lambda: services.review_return(actor=request.user, campaign=campaign, reason=reason),
               "资格审查名单已退回")


@require(permissions.can_manage)
@require_POST
def review_publish(request, pk):
    campaign = campaign_for(request, pk)
    return call_service(request, campaign, "review", lambda: services.review_publish(actor=request.user, campaign=campaign),
               "资格审查结果已张榜公布，已通知报名人")


@require(permissions.can_manage)
@require_POST
def post_cancel(request, pk, cp):
    campaign = campaign_for(request, pk)
    campaign_post = get_object_or_404(CampaignPost.objects.select_related("post__unit"), pk=cp, campaign=campaign)
    reason = (request.POST.get("reason") or "").strip()
    return call_service(request, campaign, "review", lambda: services.post_cancel(actor=request.user, campaign_post=campaign_post, reason=reason),
               f"已取消职位：{campaign_post}")


def _extend_form(data=None) -> TransitionForm:
    """延长报名 beside the 差额 warning: the extend_registration move's inputs and its reason."""
    move = workflow.transition_for("extend_registration", Stage.REVIEW)
    return TransitionForm(data, transition=move, note_name="reason", note_label="延长理由")


@require(permissions.can_manage)
@require_POST
def registration_extend(request, pk):
    campaign = campaign_for(request, pk)
    form = _extend_form(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    move = form.move()
    new_end = move.get("new_end")
    return call_service(request, campaign, "registration", lambda: services.campaign_transition(
        actor=request.user, campaign=campaign, action="extend_registration", **move),
        f"报名已延长至 {new_end:%Y年%m月%d日}" if new_end else "报名已延长")


@require(permissions.can_manage)
@require_POST
def snapshot_correct(request, pk, app):
    """Staff correct one fact of an application's snapshot (with a reason, audited)."""
    campaign = campaign_for(request, pk)
    application = application_in(campaign, app)
    form = SnapshotCorrectForm(request.POST)
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    d = form.cleaned_data
    return call_service(request, campaign, "review", lambda: services.application_snapshot_correct(
        actor=request.user, application=application, field=d["field"], value=d["value"], reason=d["reason"]),
        f"{application.cadre.name}的档案快照已更正")


@require(permissions.can_manage)
@require_POST
def document_correct(request, pk, kind):
    """An issued notice corrected as its next version (reason required); back to the page it was shown on."""
    campaign = campaign_for(request, pk)
    form = DocumentCorrectForm(request.POST)
    section = request.POST.get("section", "")
    section = section if section in dict(TABS) else "events"
    if not form.is_valid():
        form_fail(request, form)
        return redirect("selection:section", pk=pk, section=section)
    return call_service(request, campaign, section, lambda: services.campaign_document_correct(
        actor=request.user, campaign=campaign, kind=kind, reason=form.cleaned_data["reason"]), "已生成更正后的新版本")

