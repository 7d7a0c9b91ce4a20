"""挂职锻炼 pages."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from core.exceptions import ApplicationError

from .. import permissions, rules, selectors, services
from ..forms import SecondmentForm
from ..models import Secondment
from .common import _need, xlsx_response



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

