"""Pages of the 竞争上岗 app. Thin: check who may see it, parse input, call a selector or a service, render.

- Staff, leaders and the 纪检 observer: the campaign pages (one tab per stage's work; the campaign's own page
  opens the tab of its current stage), with the transitions the user may take and each one's gate errors.
- Candidates (a user linked to a cadre record): ``my-applications``, the self-nomination form with a live
  eligibility check, their own applications only (anyone else's is a 404).
- Judges: ``judge-home`` and their own score sheet per campaign.
- Leaders: ``leader-inbox`` with one-click approve/return, and the 党委会 record form.

Every write goes through the services; an ApplicationError is shown as a message (and its list of reasons), never
a 500.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cadre import eligibility
from cadre.models import Cadre
from cadre.selectors import education_text
from core import roles
from core.decorators import require
from core.exceptions import ApplicationError
from documents.models import DocumentKind, GeneratedDocument

from . import gates, permissions, selectors, services, workflow
from . import services_decision as decision_services
from . import services_registration as registration_services
from . import services_scoring as scoring_services
from .forms import (
    DEFAULT_GROUPS,
    SETTING_GROUPS,
    AbsenceForm,
    AppointmentForm,
    ApplicationForm,
    CampaignForm,
    DeferralForm,
    EvaluationGroupFormSet,
    EvaluationSessionForm,
    ExtendForm,
    InspectionRecordForm,
    JudgesForm,
    LateEntryForm,
    MemberFormSet,
    NominationForm,
    ObjectionForm,
    ObjectionResolveForm,
    PlanApproveForm,
    PostAddForm,
    ReasonForm,
    RespondForm,
    ReviewDecisionForm,
    ScoreCorrectForm,
    SuperiorApprovalForm,
    TransitionForm,
)
from .models import (
    Application,
    AppStatus,
    Campaign,
    CampaignJudge,
    CampaignPost,
    InspectionConclusion,
    MeetingResult,
    MemberRole,
    Objection,
    PostStatus,
    VoteChoice,
)
from .workflow import Stage


# ---------------------------------------------------------------- helpers

def _need(ok: bool):
    if not ok:
        raise PermissionDenied("您没有访问该页面的权限")


def _fail(request, exc: ApplicationError):
    """The service's message, then each listed reason not already in it."""
    messages.error(request, exc.message)
    for e in exc.errors:
        text = getattr(e, "message", None) or str(e)
        if text and text not in exc.message:
            messages.error(request, text)


def _form_fail(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else e)


def _add_error(form, exc: ApplicationError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    for e in exc.errors:
        text = getattr(e, "message", None) or str(e)
        if text and text not in exc.message:
            form.add_error(None, text)


def _back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _section_url(campaign, section: str) -> str:
    return reverse("selection:section", args=[campaign.pk, section])


def _do(request, campaign, section, call, success: str):
    """Run one service call; a success message or the ApplicationError's; back to the section (or ?next)."""
    try:
        call()
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, success)
    return _back(request, _section_url(campaign, section))


def _own_cadre(user) -> Cadre:
    cadre_id = permissions.own_cadre_id(user)
    if cadre_id is None:
        raise PermissionDenied("您的账号尚未关联干部档案，请联系组织部。")
    return Cadre.objects.select_related("unit").prefetch_related("educations").get(pk=cadre_id)


def _campaign_docs(campaign, *kinds):
    qs = GeneratedDocument.objects.filter(subject_key=campaign.scope).order_by("kind", "-version", "-id")
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
# extra inputs of a transition besides its note/reason
TRANSITION_FIELDS = {
    "approve_plan": ("document_no",),
    "start_publicity": ("start_date",),
    "appoint": ("appointed_on", "document_no"),
    "extend_registration": ("new_end",),
}
# transitions whose service records the gate's missing data itself (a preview would only confuse)
NO_GATE_PREVIEW = {"approve_plan", "appoint"}


def stage_steps(campaign) -> list[dict]:
    current = workflow.stage_number(campaign.stage)
    steps = []
    for n, stage in enumerate(workflow.ORDER, 1):
        state = "done" if n < current else "current" if n == current else "todo"
        if campaign.stage == Stage.CANCELLED:
            state = "todo"
        steps.append({"n": n, "label": stage.label, "state": state, "tab": STAGE_TAB[stage]})
    return steps


def transitions_for(user, campaign) -> list[dict]:
    """The transitions of the current stage this user may take, each with its gate errors (forward ones)."""
    out = []
    for t in workflow.available(campaign.stage):
        if not workflow.can(user, t.action, campaign.stage):
            continue
        forward = not t.withdrawal and t.action not in ("cancel", "return_plan")
        out.append({
            "action": t.action, "label": t.label, "needs_reason": t.needs_reason, "withdrawal": t.withdrawal,
            "forward": forward, "target": workflow.Stage(t.target).label,
            "fields": TRANSITION_FIELDS.get(t.action, ()),
            "gate_errors": gates.errors(campaign, t.action) if forward and t.action not in NO_GATE_PREVIEW else [],
        })
    return out


def _campaign_for(request, pk) -> Campaign:
    _need(permissions.is_reader(request.user))
    try:
        return selectors.campaign_detail(pk)
    except Campaign.DoesNotExist:
        raise Http404("没有这项竞争上岗工作") from None


def _base_context(request, campaign, tab: str) -> dict:
    user = request.user
    return {
        "campaign": campaign, "tab": tab, "tabs": TABS, "current_tab": STAGE_TAB[campaign.stage],
        "steps": stage_steps(campaign), "transitions": transitions_for(user, campaign),
        "transition_form": TransitionForm(), "can_manage": permissions.can_manage(user),
        "is_leader": permissions.is_leader(user), "read_only": not (permissions.can_manage(user) or permissions.is_leader(user)),
        "stage_label": campaign.get_stage_display(),
        "work": {w: workflow.can_work(user, w, campaign) for w in workflow.STAGE_WORK},
    }


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
            _add_error(form, exc)
        else:
            messages.success(request, "方案已建立，请继续设置领导小组、竞争职位和评委")
            return redirect("selection:section", pk=campaign.pk, section="plan")
    return render(request, "selection/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk):
    """The campaign's page: the work panel of its current stage."""
    _need(permissions.is_reader(request.user))
    campaign = get_object_or_404(Campaign, pk=pk)
    return campaign_section(request, pk, STAGE_TAB[campaign.stage])


@login_required
def campaign_section(request, pk, section):
    builders = {
        "plan": _plan_context, "registration": _registration_context, "review": _review_context,
        "speech": _speech_context, "evaluation": _evaluation_context, "inspection": _inspection_context,
        "decision": _decision_context, "publicity": _publicity_context, "appointment": _appointment_context,
        "events": _events_context,
    }
    if section not in builders:
        raise Http404("没有这个页面")
    campaign = _campaign_for(request, pk)
    ctx = _base_context(request, campaign, section)
    ctx.update(builders[section](request, campaign, ctx))
    return render(request, f"selection/campaign_{section}.html", ctx)


# ----- 方案

def _plan_allowed_fields(campaign):
    if campaign.stage == Stage.PREPARATION:
        return services.EDITABLE_FIELDS
    if campaign.stage == Stage.POSTING:
        return services.POSTING_FIELDS
    return ()


def _plan_context(request, campaign, ctx, form=None, members_formset=None):
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
    campaign = _campaign_for(request, pk)
    allowed = _plan_allowed_fields(campaign)
    if not allowed:
        messages.error(request, f"当前处于“{campaign.get_stage_display()}”阶段，方案不能再修改；如需修改请先撤回。")
        return redirect("selection:section", pk=pk, section="plan")
    form = CampaignForm(request.POST, allowed=allowed)
    if form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, data=form.data_dict())
        except ApplicationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, "方案设置已保存")
            return redirect("selection:section", pk=pk, section="plan")
    ctx = _base_context(request, campaign, "plan")
    ctx.update(_plan_context(request, campaign, ctx, form=form))
    return render(request, "selection/campaign_plan.html", ctx)


@require(permissions.can_manage)
@require_POST
def members_set(request, pk):
    campaign = _campaign_for(request, pk)
    formset = MemberFormSet(request.POST, prefix="m")
    if formset.is_valid():
        rows = [f.cleaned_data for f in formset if f.cleaned_data.get("name")]
        try:
            services.members_set(actor=request.user, campaign=campaign, members=rows)
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"已保存领导小组和工作班子（{len(rows)}人）")
            return redirect("selection:section", pk=pk, section="plan")
    else:
        messages.error(request, "成员信息有误，请检查")
    ctx = _base_context(request, campaign, "plan")
    ctx.update(_plan_context(request, campaign, ctx, members_formset=formset))
    return render(request, "selection/campaign_plan.html", ctx)


@require(permissions.can_manage)
@require_POST
def post_add(request, pk):
    campaign = _campaign_for(request, pk)
    form = PostAddForm(request.POST, campaign=campaign)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="plan")
    d = form.cleaned_data
    return _do(request, campaign, "plan", lambda: services.post_add(
        actor=request.user, campaign=campaign, post=d["post"], vacancies=d["vacancies"], conditions=d["conditions"]),
        f"已列入竞争职位：{d['post']}")


@require(permissions.can_manage)
@require_POST
def post_remove(request, pk, cp):
    campaign = _campaign_for(request, pk)
    campaign_post = get_object_or_404(CampaignPost.objects.select_related("post__unit"), pk=cp, campaign=campaign)
    return _do(request, campaign, "plan", lambda: services.post_remove(actor=request.user, campaign_post=campaign_post),
               f"已移出竞争职位：{campaign_post}")


@require(permissions.can_manage)
@require_POST
def judges_set(request, pk):
    campaign = _campaign_for(request, pk)
    form = JudgesForm(request.POST)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="plan")
    users = list(form.cleaned_data["users"])
    return _do(request, campaign, "plan", lambda: services.judges_set(actor=request.user, campaign=campaign, users=users),
               f"已确定评委 {len(users)} 名")


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
    campaign = _campaign_for(request, pk)
    if action not in workflow.ACTIONS:
        raise Http404("没有这个操作")
    # role first (403), then the service answers stage, reason and gate in Chinese
    _need(permissions.transition_role_allowed(request.user, action, campaign.stage))
    form = TransitionForm(request.POST)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items()}
    for name in form.errors:
        messages.error(request, f"{form.fields[name].label}：{form.errors[name][0]}")
    label = next((t.label for t in workflow.TRANSITIONS if t.action == action), action)
    try:
        _run_transition(request.user, campaign, action, data)
    except ApplicationError as exc:
        _fail(request, exc)
        return _back(request, reverse("selection:campaign", args=[pk]))
    messages.success(request, f"已{label}")
    return _back(request, reverse("selection:campaign", args=[pk]))


# ----- 报名

def _registration_context(request, campaign, ctx):
    apps = list(selectors.applications_for(campaign))
    by_post = {cp.pk: [] for cp in campaign.posts.all()}
    for a in apps:
        by_post.setdefault(a.campaign_post_id, []).append(a)
    out = {
        "post_rows": [(cp, by_post.get(cp.pk, [])) for cp in campaign.posts.all()],
        "announcements": _campaign_docs(campaign, DocumentKind.POST_ANNOUNCEMENT),
        "app_total": len(apps), "submitted_total": sum(1 for a in apps if a.status == AppStatus.SUBMITTED),
    }
    if ctx["work"]["nominate"]:
        out["nomination_form"] = NominationForm(campaign=campaign, initial={"recommender_count": campaign.min_mass_recommenders})
    return out


@require(permissions.can_manage)
@require_POST
def announcement_generate(request, pk):
    campaign = _campaign_for(request, pk)
    return _do(request, campaign, "registration", lambda: registration_services.announcement_generate(actor=request.user, campaign=campaign),
               "职位公告已生成")


@require(permissions.can_manage)
@require_POST
def nomination_create(request, pk):
    campaign = _campaign_for(request, pk)
    form = NominationForm(request.POST, campaign=campaign)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="registration")
    d = form.cleaned_data
    return _do(request, campaign, "registration", lambda: registration_services.nomination_create(
        actor=request.user, campaign_post=d["campaign_post"], cadre=d["id_number"], source=d["source"],
        recommenders=d["recommenders"], recommender_count=d["recommender_count"] or 0,
        recommending_unit=d["recommending_unit"], recommending_signer=d["recommending_signer"],
    ), f"已录入{d['id_number'].name}的推荐，待本人确认")


@require(permissions.can_manage)
@require_POST
def late_entry_create(request, pk):
    campaign = _campaign_for(request, pk)
    form = LateEntryForm(request.POST, campaign=campaign)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    d = form.cleaned_data
    data = {"accept_adjustment": d["accept_adjustment"], "achievements": d["achievements"], "work_plan": d["work_plan"],
            "declaration": True}
    return _do(request, campaign, "review", lambda: registration_services.late_entry_create(
        actor=request.user, campaign_post=d["campaign_post"], cadre=d["id_number"], reason=d["reason"], data=data,
    ), f"已为{d['id_number'].name}补报")


# ----- 资格审查

def _review_context(request, campaign, ctx):
    out = {
        "groups": selectors.review_queue(campaign),
        "decision_form": ReviewDecisionForm(),
        "shortfalls": gates.shortfalls(campaign) if campaign.stage == Stage.REVIEW else [],
        "notices": _campaign_docs(campaign, DocumentKind.QUALIFICATION_NOTICE),
        "extend_form": ExtendForm(), "reason_form": ReasonForm(),
    }
    if ctx["work"]["late_entry"]:
        out["late_form"] = LateEntryForm(campaign=campaign)
    return out


def _application_in(campaign, app_pk) -> Application:
    return get_object_or_404(Application.objects.select_related("cadre", "campaign_post__post__unit"), pk=app_pk, campaign=campaign)


@require(permissions.can_manage)
@require_POST
def review_decide(request, pk, app):
    campaign = _campaign_for(request, pk)
    application = _application_in(campaign, app)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    d = form.cleaned_data
    return _do(request, campaign, "review", lambda: registration_services.review_decide(
        actor=request.user, application=application, decision=d["decision"], reason=d["reason"]),
        f"{application.cadre.name}：{d['decision']}")


@require(permissions.can_manage)
@require_POST
def review_submit(request, pk):
    campaign = _campaign_for(request, pk)
    return _do(request, campaign, "review", lambda: registration_services.review_submit(actor=request.user, campaign=campaign),
               "资格审查名单已报党委审定")


@require(permissions.is_leader)
@require_POST
def review_approve(request, pk):
    campaign = _campaign_for(request, pk)
    note = (request.POST.get("note") or "").strip()
    return _do(request, campaign, "review", lambda: registration_services.review_approve(actor=request.user, campaign=campaign, note=note),
               "资格审查名单已审定")


@require(permissions.is_leader)
@require_POST
def review_return(request, pk):
    campaign = _campaign_for(request, pk)
    reason = (request.POST.get("reason") or "").strip()
    return _do(request, campaign, "review", lambda: registration_services.review_return(actor=request.user, campaign=campaign, reason=reason),
               "资格审查名单已退回")


@require(permissions.can_manage)
@require_POST
def review_publish(request, pk):
    campaign = _campaign_for(request, pk)
    return _do(request, campaign, "review", lambda: registration_services.review_publish(actor=request.user, campaign=campaign),
               "资格审查结果已张榜公布，已通知报名人")


@require(permissions.can_manage)
@require_POST
def post_cancel(request, pk, cp):
    campaign = _campaign_for(request, pk)
    campaign_post = get_object_or_404(CampaignPost.objects.select_related("post__unit"), pk=cp, campaign=campaign)
    reason = (request.POST.get("reason") or "").strip()
    return _do(request, campaign, "review", lambda: registration_services.post_cancel(actor=request.user, campaign_post=campaign_post, reason=reason),
               f"已取消职位：{campaign_post}")


@require(permissions.can_manage)
@require_POST
def registration_extend(request, pk):
    campaign = _campaign_for(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="review")
    d = form.cleaned_data
    return _do(request, campaign, "registration", lambda: registration_services.registration_extend(
        actor=request.user, campaign=campaign, new_end=d["new_end"], reason=d["reason"]),
        f"报名已延长至 {d['new_end']:%Y年%m月%d日}")


# ----- 演讲

def _speech_context(request, campaign, ctx):
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
    campaign = _campaign_for(request, pk)
    campaign_post = get_object_or_404(CampaignPost.objects.select_related("post__unit"), pk=cp, campaign=campaign)
    return _do(request, campaign, "speech", lambda: scoring_services.speaking_order_draw(actor=request.user, campaign_post=campaign_post),
               f"{campaign_post}演讲顺序已抽签确定")


@require(permissions.can_manage)
@require_POST
def judge_absence(request, pk, judge):
    campaign = _campaign_for(request, pk)
    j = get_object_or_404(CampaignJudge, pk=judge, campaign=campaign)
    form = AbsenceForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    return _do(request, campaign, "speech", lambda: scoring_services.judge_absence_set(
        actor=request.user, judge=j, absent=bool(d.get("absent")), reason=d.get("reason") or ""),
        f"已登记评委{j.name}{'缺席' if d.get('absent') else '到场'}")


@require(permissions.can_manage)
@require_POST
def score_correct(request, pk):
    campaign = _campaign_for(request, pk)
    form = ScoreCorrectForm(request.POST, campaign=campaign)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="speech")
    d = form.cleaned_data
    return _do(request, campaign, "speech", lambda: scoring_services.score_correct(
        actor=request.user, score=d["score"], value=d["value"], reason=d["reason"]), "评分已更正")


# ----- 民主测评、排名

def _evaluation_context(request, campaign, ctx, groups_formset=None, session_form=None):
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
    campaign = _campaign_for(request, pk)
    formset = EvaluationGroupFormSet(request.POST, prefix="g")
    form = EvaluationSessionForm(request.POST)
    if formset.is_valid() and form.is_valid():
        groups = [{"name": f.cleaned_data["name"], "weight": f.cleaned_data["weight"]}
                  for f in formset if f.cleaned_data.get("name")]
        try:
            session = scoring_services.evaluation_session_create(
                actor=request.user, campaign=campaign, groups=groups, option_set=form.cleaned_data["option_set"],
                vote_date=form.cleaned_data["vote_date"])
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"已建立民主测评“{session.title}”，请在测评页面发放测评码")
            return redirect("selection:section", pk=pk, section="evaluation")
    else:
        messages.error(request, "测评设置有误，请检查")
    ctx = _base_context(request, campaign, "evaluation")
    ctx.update(_evaluation_context(request, campaign, ctx, groups_formset=formset, session_form=form))
    return render(request, "selection/campaign_evaluation.html", ctx)


@require(permissions.can_manage)
@require_POST
def written_scores(request, pk):
    campaign = _campaign_for(request, pk)
    scores = {}
    for key, value in request.POST.items():
        if key.startswith("written_") and key[8:].isdigit() and value.strip():
            scores[int(key[8:])] = value.strip()
    return _do(request, campaign, "evaluation", lambda: scoring_services.written_scores_set(
        actor=request.user, campaign=campaign, scores=scores), f"已保存 {len(scores)} 人的笔试成绩")


# ----- 组织考察

def _inspection_context(request, campaign, ctx):
    targets = list(selectors.inspection_targets(campaign))
    return {
        "ranking": selectors.ranking_table(campaign), "targets": targets,
        "record_forms": [(a, InspectionRecordForm(initial={
            "talks_count": a.talks_count, "opinion": a.inspection_opinion, "conclusion": a.inspection_conclusion,
        }, prefix=f"a{a.pk}")) for a in targets] if ctx["work"]["inspection_record"] and campaign.inspection_confirmed_at else [],
        "notices": _campaign_docs(campaign, DocumentKind.INSPECTION_NOTICE),
    }


@require(permissions.is_leader)
@require_POST
def inspection_confirm(request, pk):
    campaign = _campaign_for(request, pk)
    ids = [int(v) for v in request.POST.getlist("application_ids") if v.isdigit()]
    note = (request.POST.get("note") or "").strip()
    return _do(request, campaign, "inspection", lambda: scoring_services.inspection_confirm(
        actor=request.user, campaign=campaign, application_ids=ids or None, note=note), "考察对象名单已确定")


@require(permissions.can_manage)
@require_POST
def inspection_record(request, pk, app):
    campaign = _campaign_for(request, pk)
    application = _application_in(campaign, app)
    form = InspectionRecordForm(request.POST, prefix=f"a{application.pk}")
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="inspection")
    d = form.cleaned_data
    return _do(request, campaign, "inspection", lambda: scoring_services.inspection_record(
        actor=request.user, application=application, talks_count=d["talks_count"], opinion=d["opinion"],
        conclusion=d["conclusion"]), f"已记录{application.cadre.name}的考察情况")


# ----- 讨论决定

def _meeting_candidates(campaign):
    return list(
        gates.qualified(campaign).filter(is_inspection_target=True, inspection_conclusion=InspectionConclusion.RECOMMEND)
        .select_related("cadre", "campaign_post__post__unit").order_by("campaign_post__order", "rank", "id")
    )


def _decision_context(request, campaign, ctx):
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
    campaign = _campaign_for(request, pk)
    candidates = _meeting_candidates(campaign)
    can_record = workflow.can_work(request.user, "meeting_record", campaign)
    rows = _meeting_members_initial(campaign)
    extra = 3
    error_lines = []
    posted = {}
    if request.method == "POST":
        _need(permissions.is_leader(request.user))
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
                meeting = decision_services.meeting_record(
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
    ctx = _base_context(request, campaign, "decision")
    ctx.update({
        "candidates": candidates, "rows": rows, "choices": VoteChoice.choices, "can_record": can_record,
        "error_lines": error_lines, "held_on": request.POST.get("held_on", ""),
        "title_value": request.POST.get("title", "党工委会议"), "note_value": request.POST.get("note", ""),
        "quorum": f"{campaign.meeting_quorum_num}/{campaign.meeting_quorum_den}",
    })
    return render(request, "selection/meeting_form.html", ctx)


def _user(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=int(user_id)).first()


def _parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require(permissions.is_reader)
@require_POST
def deferral_resolve(request, pk, app):
    _need(permissions.can_manage(request.user) or permissions.is_leader(request.user))
    campaign = _campaign_for(request, pk)
    application = _application_in(campaign, app)
    form = DeferralForm(request.POST)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="decision")
    d = form.cleaned_data
    return _do(request, campaign, "decision", lambda: decision_services.deferral_resolve(
        actor=request.user, application=application, action=d["action"], reason=d["reason"]),
        f"{application.cadre.name}缓议处理：{d['action']}")


@require(permissions.can_manage)
@require_POST
def superior_approval(request, pk):
    campaign = _campaign_for(request, pk)
    form = SuperiorApprovalForm(request.POST)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="decision")
    passed = [a.pk for a in _meeting_candidates(campaign) if a.meeting_result == MeetingResult.PASSED]
    approved = [int(v) for v in request.POST.getlist("approved_ids") if v.isdigit() and int(v) in passed]
    rejected = [p for p in passed if p not in approved]
    d = form.cleaned_data
    return _do(request, campaign, "decision", lambda: decision_services.superior_approval_record(
        actor=request.user, campaign=campaign, document_no=d["document_no"], approved_on=d["approved_on"],
        approved_ids=approved, rejected_ids=rejected), "上级组织部审批结果已登记")


# ----- 任前公示

def _publicity_context(request, campaign, ctx):
    people = list(gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
                  .order_by("campaign_post__order", "rank", "id"))
    objections = list(selectors.objections(campaign))
    out = {
        "people": people, "objections": objections, "resolve_form": ObjectionResolveForm(),
        "notices": _campaign_docs(campaign, DocumentKind.PRE_APPOINTMENT_NOTICE),
    }
    if ctx["work"]["objection"]:
        apps = gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
        out["objection_form"] = ObjectionForm(applications=apps, initial={"received_on": services.today()})
    return out


@require(permissions.can_manage)
@require_POST
def objection_create(request, pk):
    campaign = _campaign_for(request, pk)
    apps = gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
    form = ObjectionForm(request.POST, applications=apps)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="publicity")
    d = form.cleaned_data
    return _do(request, campaign, "publicity", lambda: decision_services.objection_record(
        actor=request.user, application=d["application"], received_on=d["received_on"], channel=d["channel"],
        content=d["content"]), f"已登记对{d['application'].cadre.name}的反映")


@require(permissions.can_manage)
@require_POST
def objection_resolve(request, pk, objection):
    campaign = _campaign_for(request, pk)
    obj = get_object_or_404(Objection.objects.select_related("application__cadre"), pk=objection, application__campaign=campaign)
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        _form_fail(request, form)
        return redirect("selection:section", pk=pk, section="publicity")
    d = form.cleaned_data
    return _do(request, campaign, "publicity", lambda: decision_services.objection_resolve(
        actor=request.user, objection=obj, substantiated=d["substantiated"], resolution=d["resolution"]),
        "核查结论已登记")


# ----- 任职

def _appointment_context(request, campaign, ctx):
    appointed = list(gates.qualified(campaign).filter(appointed_on__isnull=False)
                     .select_related("cadre", "campaign_post__post__unit").order_by("campaign_post__order", "rank", "id"))
    can_appoint = workflow.can(request.user, "appoint", campaign.stage)
    return {
        "appointed": appointed,
        "people": list(gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit")
                       .order_by("campaign_post__order", "rank", "id")) if campaign.stage == Stage.APPOINTMENT else [],
        "appointment_form": AppointmentForm(initial={"appointed_on": services.today()}) if can_appoint else None,
        "documents": _campaign_docs(campaign),
    }


# ----- 流转记录

def _events_context(request, campaign, ctx):
    return {"events": list(selectors.events(campaign))}


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
    cadre = _own_cadre(request.user)
    mine = list(selectors.my_applications(cadre))
    applied = {(a.campaign_id, a.campaign_post_id): a for a in mine}
    campaigns = list(selectors.open_campaigns_for_candidates())
    for c in campaigns:
        c.post_rows = [(cp, applied.get((c.pk, cp.pk))) for cp in c.open_posts]
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
    cadre = _own_cadre(request.user)
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
            application = registration_services.application_save(
                actor=request.user, campaign_post=form.cleaned_data["campaign_post"], data=form.data_dict(), submit=submit)
        except ApplicationError as exc:
            _add_error(form, exc)
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
    cadre = _own_cadre(request.user)
    campaign = _open_campaign(pk)
    cp_id = request.GET.get("campaign_post") or ""
    campaign_post = None
    if cp_id.isdigit():
        campaign_post = CampaignPost.objects.select_related("post__unit").filter(
            pk=int(cp_id), campaign=campaign, status=PostStatus.OPEN).first()
    x = None
    if campaign_post is not None:
        x = eligibility.explain(cadre, campaign_post.post, campaign.as_of, scope=campaign.scope)
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
        registration_services.application_withdraw(actor=request.user, application=application, reason=reason)
    except ApplicationError as exc:
        _fail(request, exc)
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
        registration_services.nomination_respond(actor=request.user, application=application, accept=accept, data=data)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "已同意推荐，报名已生效" if accept else "已谢绝推荐")
    return redirect("selection:my-application", pk=pk)


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
            messages.error(request, "评分已结束或您已登记缺席，不能再修改评分")
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
                n = scoring_services.scores_submit(actor=request.user, campaign=campaign, scores=scores)
            except ApplicationError as exc:
                _fail(request, exc)
            else:
                messages.success(request, f"已保存 {n} 名候选人的评分")
                return redirect("selection:judge-scores", pk=pk)
    return render(request, "selection/judge_scores.html", {
        "campaign": campaign, "sheet": sheet, "errors": errors,
        "posted": {k: v for k, v in request.POST.items() if k.startswith("score_")} if request.method == "POST" else {},
    })


# ---------------------------------------------------------------- leaders

@require(permissions.is_leader)
def leader_inbox(request):
    items = selectors.leader_inbox(request.user)
    return render(request, "selection/leader_inbox.html", {
        "items": items, "approve_form": PlanApproveForm(), "reason_form": ReasonForm(),
    })
