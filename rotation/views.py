"""Pages of the rotation app. Thin: parse input, call a selector or a service, render."""
from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cadre.models import OrgUnit
from core import xlsx
from core.exceptions import ApplicationError

from . import permissions, rules, selectors, services, solver, workflow
from .forms import AcceptForm, MoveForm, PlanForm, ReasonForm, SecondmentForm
from .models import RotationMove, RotationPlan, RotationSuggestion, Secondment
from .structure import compare


def _need(ok: bool):
    if not ok:
        raise PermissionDenied


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def xlsx_response(filename: str, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    xlsx.append(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    xlsx.append(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx.append(ws, row)
    for i, w in enumerate(widths or [14] * len(header), start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = w
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- due list


def _due_params(request):
    as_of = _date(request.GET.get("as_of"), selectors.today())
    unit_id = request.GET.get("unit") or ""
    return {
        "as_of": as_of,
        "unit_id": int(unit_id) if unit_id.isdigit() else None,
        "rule": request.GET.get("rule", "") if request.GET.get("rule", "") in rules.RULE_NAMES else "",
        "include_exempt": request.GET.get("exempt") == "1",
        "q": (request.GET.get("q") or "").strip(),
    }


@login_required
def due_list(request):
    _need(permissions.can_read(request.user))
    params = _due_params(request)
    policy = selectors.current_policy()
    groups = selectors.due_list(params["as_of"], policy=policy.as_rules(), unit_id=params["unit_id"], rule=params["rule"],
                                include_exempt=params["include_exempt"], q=params["q"])
    return render(request, "rotation/due_list.html", {
        "groups": groups, "params": params, "policy": policy, "rule_names": rules.RULE_NAMES,
        "units": selectors.unit_choices(), "total": sum(len(rows) for _u, rows in groups),
        "due_total": sum(r.due for _u, rows in groups for r in rows),
        "query": request.GET.urlencode(),
    })


@login_required
def due_export(request):
    _need(permissions.can_read(request.user))
    params = _due_params(request)
    groups = selectors.due_list(params["as_of"], unit_id=params["unit_id"], rule=params["rule"],
                                include_exempt=params["include_exempt"], q=params["q"])
    rows, n = [], 0
    for unit, items in groups:
        for r in items:
            n += 1
            rows.append([
                n, unit, r.person.name, r.person.post_title, rules.fmt_month(r.person.position_start), r.kind,
                "；".join(f.rule_name for f in r.active), "\n".join(f.reason for f in r.active),
                "\n".join(f"{f.reason}（暂缓：{f.exempt_reason}）" for f in r.exempt),
            ])
    return xlsx_response(
        f"应交流人员名单{params['as_of']:%Y%m%d}.xlsx", f"应轮岗交流人员名单（{params['as_of']:%Y年%m月%d日}）",
        ["序号", "单位", "姓名", "现任职务", "任现职时间", "交流类型", "适用规定", "事实与理由", "暂缓情形"], rows,
        [6, 16, 10, 14, 12, 14, 20, 60, 40],
    )


# ---------------------------------------------------------------- plans


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


@login_required
def plan_detail(request, pk):
    _need(permissions.can_read(request.user))
    plan = get_object_or_404(RotationPlan.objects.select_related("policy", "created_by", "approved_by"), pk=pk)
    moves = list(selectors.plan_moves(plan))
    errors = services.plan_check(plan) if moves and plan.status != "executed" else []
    suggestions = list(selectors.plan_suggestions(plan))
    comparison = None
    chart = None
    if moves:
        both = selectors.plan_structure(plan)
        comparison = compare(both["before"], both["after"])
        chart = {
            dim: {"labels": [k for k, _ in both["before"]["tables"][dim]],
                  "before": [v for _, v in both["before"]["tables"][dim]],
                  "after": [dict(both["after"]["tables"][dim]).get(k, 0) for k, _ in both["before"]["tables"][dim]]}
            for dim in ("年龄", "学历", "性别")
        }
    user = request.user
    return render(request, "rotation/plan_detail.html", {
        "plan": plan, "moves": moves, "errors": errors, "suggestions": suggestions,
        "move_form": MoveForm(), "accept_form": AcceptForm(),
        "can_edit": permissions.can_edit_plan(user, plan),
        "actions": [(t.action, t.label) for t in workflow.actions_for(user, plan.status)],
        "comparison": comparison, "compare_chart": chart,
        "scope_count": selectors.scope_posts(plan).count(),
        "weights": solver.Weights().describe(),
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


@login_required
@require_POST
def suggestion_accept(request, pk, sid):
    plan = _plan_for_edit(request, pk)
    s = get_object_or_404(RotationSuggestion, pk=sid, plan=plan)
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        services.suggestion_accept(actor=request.user, suggestion=s, to_post=form.cleaned_data.get("to_post"),
                                   kind=form.cleaned_data.get("kind") or "")
        messages.success(request, f"已采纳：{s.cadre.name}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("rotation:plan", pk=pk)


@login_required
@require_POST
def suggestion_reject(request, pk, sid):
    plan = _plan_for_edit(request, pk)
    s = get_object_or_404(RotationSuggestion, pk=sid, plan=plan)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.suggestion_reject(actor=request.user, suggestion=s, reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("rotation:plan", pk=pk)


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


# ---------------------------------------------------------------- secondments


@login_required
def secondment_list(request):
    _need(permissions.can_read(request.user))
    state = request.GET.get("state", "active")
    active = {"active": True, "ended": False}.get(state)
    today = selectors.today()
    items = list(selectors.secondment_list(active=active, q=(request.GET.get("q") or "").strip()))
    soon = {s.pk for s in selectors.secondments_due_soon(today)}
    return render(request, "rotation/secondment_list.html", {
        "items": items, "soon": soon, "state": state, "q": request.GET.get("q", ""), "today": today,
        "can_write": permissions.can_write(request.user), "query": request.GET.urlencode(),
    })


@login_required
def secondment_export(request):
    _need(permissions.can_read(request.user))
    state = request.GET.get("state", "active")
    items = selectors.secondment_list(active={"active": True, "ended": False}.get(state), q=(request.GET.get("q") or "").strip())
    rows = [[i, s.cadre.name, s.home_job, f"{s.host_unit}{s.host_title}", rules.fmt_month(s.start),
             rules.fmt_month(s.planned_end), rules.fmt_month(s.actual_end), s.duties, s.summary]
            for i, s in enumerate(items, start=1)]
    return xlsx_response("挂职锻炼人员名单.xlsx", "挂职锻炼人员名单",
                         ["序号", "姓名", "原单位及职务", "挂职单位及职务", "挂职开始", "计划结束", "实际结束", "挂职职责", "挂职总结"],
                         rows, [6, 10, 24, 24, 10, 10, 10, 30, 30])


@login_required
def secondment_edit(request, pk=None):
    _need(permissions.can_read(request.user))
    s = get_object_or_404(Secondment.objects.select_related("cadre"), pk=pk) if pk else None
    can_write = permissions.can_write(request.user)
    form = SecondmentForm(request.POST or None, instance=s)
    if request.method == "POST":
        _need(can_write)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if s is None:
                    s = services.secondment_create(actor=request.user, data=data)
                else:
                    services.secondment_update(actor=request.user, secondment=s, data=data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "挂职记录已保存")
                return redirect("rotation:secondment", pk=s.pk)
    return render(request, "rotation/secondment_form.html", {
        "form": form, "item": s, "can_write": can_write,
        "assessment": selectors.secondment_end_assessment(s) if s else None,
    })


# ---------------------------------------------------------------- structure


def _structure_params(request):
    on = _date(request.GET.get("on"), selectors.today())
    unit = request.GET.get("unit") or ""
    unit_obj = OrgUnit.objects.filter(pk=int(unit)).first() if unit.isdigit() else None
    return on, unit_obj


@login_required
def structure(request):
    _need(permissions.can_read(request.user))
    on, unit = _structure_params(request)
    report = selectors.structure_report(on, unit_ids=[unit.pk] if unit else None)
    charts = {dim: {"labels": [k for k, _ in t], "values": [v for _, v in t]} for dim, t in report["tables"].items()}
    return render(request, "rotation/structure.html", {
        "report": report, "charts": charts, "on": on, "unit": unit, "units": selectors.unit_choices(),
        "query": request.GET.urlencode(),
    })


@login_required
def structure_export(request):
    _need(permissions.can_read(request.user))
    on, unit = _structure_params(request)
    report = selectors.structure_report(on, unit_ids=[unit.pk] if unit else None)
    scope = unit.name if unit else "全部单位"
    rows = [["概况", "人数", report["total"]], ["概况", "领导职务", report["leaders"]], ["概况", "女干部", report["women"]],
            ["概况", "40岁及以下", report["under_40"]], ["概况", "平均年龄", report["average_age"]],
            ["概况", "职数", report["headcount"]], ["概况", "空缺", report["vacancies"]], ["概况", "应交流", report["due"]]]
    for dim, table in report["tables"].items():
        rows += [[dim, k, v] for k, v in table]
    rows.append([])
    rows.append(["单位", "人数", "领导职务", "女干部", "40岁及以下", "大学本科以上", "平均年龄", "应交流"])
    rows += [[u["unit"], u["total"], u["leaders"], u["women"], u["under_40"], u["bachelor_plus"], u["average_age"], u["due"]]
             for u in report["units"]]
    return xlsx_response(f"队伍结构-{scope}-{on:%Y%m%d}.xlsx", f"队伍结构分析（{scope}，{on:%Y年%m月%d日}）",
                         ["维度", "类别", "人数"], rows, [14, 16, 10, 10, 12, 14, 10, 10])
