"""队伍结构 pages: the roster as of a date, and a plan before and after."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cadre.models import OrgUnit

from .. import permissions, selectors
from .common import _date, _need, xlsx_response



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
