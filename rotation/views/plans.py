"""Plan pages: list, form, detail (moves, check, suggestions with filters and pages), moves, suggestions."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from .. import permissions, rules, selectors, services, solver, workflow
from ..forms import AcceptForm, MoveForm, PlanForm, ReasonForm
from ..models import MoveKind, RotationMove, RotationPlan, RotationSuggestion, SuggestionStatus
from ..structure import compare
from .common import _date, _need, paginate, xlsx_response



@login_required
def plan_list(request):
    _need(permissions.can_read(request.user))
    return render(request, "rotation/plan_list.html", {"plans": selectors.plan_list(),
                                                       "can_write": permissions.can_write(request.user)})


@login_required
def plan_create(request):
    _need(permissions.can_write(request.user))
    form = PlanForm(request.POST or None, initial={"as_of": selectors.today()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **{k: form.cleaned_data[k] for k in (
                "name", "as_of", "effective_date", "units", "posts", "note")})
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "方案已建立")
            return redirect("rotation:plan", pk=plan.pk)
    return render(request, "rotation/plan_form.html", {"form": form})


@login_required
def plan_edit(request, pk):
    plan = get_object_or_404(RotationPlan, pk=pk)
    _need(permissions.can_edit_plan(request.user, plan))
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, data=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("rotation:plan", pk=plan.pk)
    return render(request, "rotation/plan_form.html", {"form": form, "plan": plan})


SUGGESTIONS_PER_PAGE = 20


def _suggestion_params(request) -> dict:
    unit = request.GET.get("unit") or ""
    status = request.GET.get("status", "pending")
    return {
        "unit_id": int(unit) if unit.isdigit() else None,
        "kind": request.GET.get("kind", "") if request.GET.get("kind", "") in MoveKind.values else "",
        "reason": request.GET.get("reason", "") if request.GET.get("reason", "") in selectors.REASONS else "",
        "status": status if status in SuggestionStatus.values else "",
        "q": (request.GET.get("q") or "").strip(),
    }


@login_required
def plan_detail(request, pk):
    _need(permissions.can_read(request.user))
    plan = get_object_or_404(RotationPlan.objects.select_related("policy", "created_by", "approved_by"), pk=pk)
    if request.GET.get("part") == "move-form":  # htmx: the hand-made move form (its lists are long) on demand
        _need(permissions.can_edit_plan(request.user, plan))
        return render(request, "rotation/_move_form.html", {"plan": plan, "move_form": MoveForm()})
    if request.GET.get("part") == "check":  # htmx: the plan check (whole post-plan state, eligibility) after the page
        report = services.plan_report(plan) if plan.moves.exists() and plan.status != "executed" else None
        return render(request, "rotation/_plan_check.html", {"plan": plan, "report": report})
    moves = list(selectors.plan_moves(plan))
    params = _suggestion_params(request)
    links, names = selectors.pending_links(plan)
    chain_ids = {sid for sid, group in rules.chains(links).items() if len(group) > 1}
    shown = selectors.suggestion_queryset(plan, **params, chain_ids=chain_ids)
    pager = paginate(request, shown, SUGGESTIONS_PER_PAGE)
    pager["page"].object_list = selectors.suggestion_page(plan, list(pager["page"].object_list), links, names)
    user = request.user
    return render(request, "rotation/plan_detail.html", {
        "plan": plan, "moves": moves, "check_pending": bool(moves) and plan.status != "executed",
        "suggestion_total": plan.suggestions.filter(run=selectors.latest_run(plan)).count(), "pending_total": len(links),
        "params": params, **pager, "shown_total": pager["page"].paginator.count,
        "can_edit": permissions.can_edit_plan(user, plan),
        "actions": [(t.action, t.label) for t in workflow.actions_for(user, plan.status)],
        "scope_count": selectors.scope_posts(plan).count(),
        "weights": solver.Weights().describe(),
        "kinds": MoveKind.values, "reasons": selectors.REASONS, "statuses": SuggestionStatus.choices,
        "units": selectors.unit_choices(),
    })


@login_required
def suggestion_detail(request, pk, sid):
    """One suggestion's explanation (htmx: loaded on demand into the list)."""
    _need(permissions.can_read(request.user))
    plan = get_object_or_404(RotationPlan, pk=pk)
    s = get_object_or_404(RotationSuggestion.objects.select_related("cadre", "from_post__unit", "to_post__unit"), pk=sid, plan=plan)
    row = next((r for r in selectors.suggestion_rows(plan) if r.id == s.pk), None)
    return render(request, "rotation/_suggestion_detail.html", {
        "plan": plan, "s": s, "row": row, "can_edit": permissions.can_edit_plan(request.user, plan),
        "accept_form": AcceptForm(prefix=f"s{s.pk}"),
    })


@login_required
def plan_structure(request, pk):
    """The plan's units before and after its moves, side by side (age, gender, education, 民族)."""
    _need(permissions.can_read(request.user))
    plan = get_object_or_404(RotationPlan.objects.select_related("policy"), pk=pk)
    unit = request.GET.get("unit") or ""
    team = request.GET.get("team", "leaders") != "all"
    both = selectors.plan_structure(plan, unit_id=int(unit) if unit.isdigit() else None, leaders_only=team)
    return render(request, "rotation/plan_structure.html", {
        "plan": plan, "both": both, "comparison": compare(both["before"], both["after"]),
        "charts": {dim: {"labels": both["labels"][dim], "before": both["before_values"][dim],
                         "after": both["after_values"][dim]} for dim in both["labels"]},
        "unit_id": int(unit) if unit.isdigit() else None, "leaders_only": team,
    })


def _plan_for_edit(request, pk):
    plan = get_object_or_404(RotationPlan, pk=pk)
    _need(permissions.can_edit_plan(request.user, plan))
    return plan


@login_required
@require_POST
def move_add(request, pk):
    plan = _plan_for_edit(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move_add(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "已加入方案")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect("rotation:plan", pk=pk)


@login_required
@require_POST
def move_remove(request, pk, move_id):
    plan = _plan_for_edit(request, pk)
    move = get_object_or_404(RotationMove, pk=move_id, plan=plan)
    try:
        services.move_remove(actor=request.user, move=move)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("rotation:plan", pk=pk)


@login_required
@require_POST
def suggest(request, pk):
    plan = _plan_for_edit(request, pk)
    try:
        rows = services.suggestions_generate(actor=request.user, plan=plan)
        messages.success(request, f"已测算{len(rows)}人的交流建议")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("rotation:plan", pk=pk)


def _back(request, pk):
    """Back to the plan page with the list's filters and page kept."""
    query = request.POST.get("return_query", "")
    url = reverse("rotation:plan", args=[pk])
    return redirect(f"{url}?{query}#suggestions" if query else f"{url}#suggestions")


def _refused(request, exc: ApplicationError):
    messages.error(request, exc.message)
    for e in exc.errors[:30]:
        messages.error(request, str(e))


def _adopted(request, adopted):
    text = f"已采纳{len(adopted.moves)}条交流建议"
    if adopted.chained:
        text += f"（含交流链一并采纳：{'、'.join(adopted.chained)}）"
    messages.success(request, text)


@login_required
@require_POST
def suggestion_accept(request, pk, sid):
    plan = _plan_for_edit(request, pk)
    s = get_object_or_404(RotationSuggestion, pk=sid, plan=plan)
    form = AcceptForm(request.POST, prefix=f"s{s.pk}" if f"s{s.pk}-to_post" in request.POST else None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        _adopted(request, services.suggestion_accept(actor=request.user, suggestion=s, to_post=data.get("to_post"),
                                                     kind=data.get("kind") or ""))
    except ApplicationError as exc:
        _refused(request, exc)
    return _back(request, pk)


@login_required
@require_POST
def suggestions_adopt(request, pk):
    """采纳所选 (checked ids) or 采纳全部 (every pending suggestion with a post) in one request."""
    plan = _plan_for_edit(request, pk)
    everything = request.POST.get("all") == "1"
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    try:
        _adopted(request, services.suggestions_adopt(actor=request.user, plan=plan, suggestion_ids=ids, everything=everything))
    except ApplicationError as exc:
        _refused(request, exc)
    return _back(request, pk)


@login_required
@require_POST
def suggestion_reject(request, pk, sid):
    plan = _plan_for_edit(request, pk)
    s = get_object_or_404(RotationSuggestion.objects.select_related("cadre"), pk=sid, plan=plan)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        fell = services.suggestion_reject(actor=request.user, suggestion=s, reason=form.cleaned_data.get("reason", ""))
        text = f"未采纳：{s.cadre.name}"
        if fell:
            text += f"；因其拟任职位有赖于此，以下建议一并失效：{'、'.join(f.cadre.name for f in fell)}"
        messages.warning(request, text)
    except ApplicationError as exc:
        _refused(request, exc)
    return _back(request, pk)


def _transition_inputs(request, action: str) -> dict:
    """The move's extra inputs (workflow table) from the form; an empty or unreadable value is left out."""
    out = {}
    for i in workflow.inputs_for(action):
        raw = (request.POST.get(i.name) or "").strip()
        value = _date(raw, None) if i.kind == "date" else raw
        if value not in (None, ""):
            out[i.name] = value
    return out


@login_required
@require_POST
def plan_transition(request, pk, action):
    plan = get_object_or_404(RotationPlan, pk=pk)
    if action not in workflow.ACTIONS:
        raise PermissionDenied
    _need(workflow.has_role(request.user, action))
    try:
        services.plan_transition(actor=request.user, plan=plan, action=action, note=request.POST.get("reason", ""),
                                 **_transition_inputs(request, action))
        messages.success(request, f"方案已{workflow.ACTION_LABELS[action]}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        for e in exc.errors:
            messages.error(request, str(e))
    return redirect("rotation:plan", pk=pk)


@login_required
def plan_namelist_export(request, pk):
    _need(permissions.can_read(request.user))
    plan = get_object_or_404(RotationPlan, pk=pk)
    rows = selectors.plan_namelist_rows(plan)
    header = ["序号", "姓名", "原单位及职务", "拟交流单位及职务", "交流类型", "任原职时间"]
    return xlsx_response(f"轮岗交流人员名单-{plan.name}.xlsx", f"{plan.name}轮岗交流人员名单", header,
                         [[r[h] for h in header] for r in rows], [6, 10, 28, 28, 14, 12])

