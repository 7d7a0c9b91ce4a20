"""The 应交流人员 list and its export."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import permissions, rules, selectors
from .common import _date, _need, paginate, xlsx_response

DUE_PER_PAGE = 50


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
    flat = [(unit, r) for unit, rows in groups for r in rows]
    pager = paginate(request, flat, DUE_PER_PAGE)
    page_groups: list[tuple[str, list]] = []
    for unit, r in pager["page"].object_list:  # the page's rows, grouped by unit again
        if not page_groups or page_groups[-1][0] != unit:
            page_groups.append((unit, []))
        page_groups[-1][1].append(r)
    return render(request, "rotation/due_list.html", {
        "groups": page_groups, "params": params, "policy": policy, "rule_names": rules.RULE_NAMES,
        "units": selectors.unit_choices(), "total": len(flat), "due_total": sum(r.due for _u, r in flat),
        "query": request.GET.urlencode(), **pager,
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

