"""操作记录 (audit log) viewer for the 纪检 observer and 组织部工作人员: filters and pagination, read-only.

People read labels, never codes: the action column and filter show each action's Chinese label
(``core.audit.action_label``; an action no app has registered yet shows its stored code), the object column the
name recorded with the event (``object_repr``; for rows older than that field, the model's verbose_name and id),
and the object-type filter the models' verbose_names.
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from .. import roles
from ..audit import action_choices, action_label
from ..decorators import require
from ..models import AuditEvent
from ..privacy import mask_data, mask_id_numbers

PAGE_SIZE = 50


def can_view_audit_log(user) -> bool:
    """纪检监督 reads the audit log (domain roles table); 组织部工作人员 too."""
    return roles.has_role(user, roles.STAFF, roles.OBSERVER)


def object_type_label(object_type: str) -> str:
    """``assessment.ballotsession`` → "测评场次" (the model's verbose_name; the code for a model that is gone)."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def object_label(event: AuditEvent) -> str:
    """The object as people know it: the name recorded with the event, else the model's name and its id."""
    if event.object_repr:
        return event.object_repr
    if not event.object_type:
        return ""
    return f"{object_type_label(event.object_type)} #{event.object_id}" if event.object_id else object_type_label(event.object_type)


def _by_label(pairs) -> list[tuple[str, str]]:
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="关键字", required=False, help_text="在摘要、对象名称和对象编号中查找")
    action = forms.ChoiceField(label="操作", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    actor = forms.CharField(label="操作人", required=False, help_text="账号或姓名")
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registered = dict(action_choices())
        stored = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        actions = {**registered, **{a: action_label(a) for a in stored if a not in registered}}
        types = AuditEvent.objects.exclude(object_type="").order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["action"].choices = [("", "全部")] + _by_label(actions.items())
        self.fields["object_type"].choices = [("", "全部")] + _by_label((t, object_type_label(t)) for t in types)

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
        q = params["q"]
        qs = qs.filter(Q(summary__icontains=q) | Q(object_repr__icontains=q) | Q(object_id=q))
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
            "action": action_label(e.action),
            "object": object_label(e) if full_ids else mask_id_numbers(object_label(e)),
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
