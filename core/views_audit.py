"""操作记录 (audit log) viewer for the 纪检 observer and 组织部工作人员: filters and pagination, read-only."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from . import roles
from .decorators import require
from .models import AuditEvent
from .privacy import mask_data, mask_id_numbers

PAGE_SIZE = 50


def can_view_audit_log(user) -> bool:
    """纪检监督 reads the audit log (domain roles table); 组织部工作人员 too."""
    return roles.has_role(user, roles.STAFF, roles.OBSERVER)


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="关键字", required=False, help_text="在摘要和对象编号中查找")
    action = forms.ChoiceField(label="操作", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    actor = forms.CharField(label="操作人", required=False, help_text="账号或姓名")
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        types = AuditEvent.objects.exclude(object_type="").order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["action"].choices = [("", "全部")] + [(a, a) for a in actions]
        self.fields["object_type"].choices = [("", "全部")] + [(t, t) for t in types]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


def audit_events(params: dict):
    """The filtered events, newest first, with the actor joined (one query per page)."""
    qs = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if params.get("q"):
        qs = qs.filter(Q(summary__icontains=params["q"]) | Q(object_id=params["q"]))
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    if params.get("object_type"):
        qs = qs.filter(object_type=params["object_type"])
    if params.get("actor"):
        name = params["actor"]
        qs = qs.filter(Q(actor__username__icontains=name) | Q(actor__first_name__icontains=name) | Q(actor__last_name__icontains=name))
    if params.get("date_from"):
        qs = qs.filter(created_at__date__gte=params["date_from"])
    if params.get("date_to"):
        qs = qs.filter(created_at__date__lte=params["date_to"])
    return qs


@require(can_view_audit_log)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_events(params), PAGE_SIZE).get_page(request.GET.get("page"))
    full_ids = roles.is_staff_member(request.user)
    rows = [
        {
            "event": e,
            "summary": e.summary if full_ids else mask_id_numbers(e.summary),
            "data": e.data if full_ids else mask_data(e.data),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(), "today": dt.date.today(),
    })
