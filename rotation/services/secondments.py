"""挂职锻炼 records: registering and editing a secondment, marking the end-of-term reminder as sent."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from cadre.models import Cadre
from core.audit import audit
from core.exceptions import ApplicationError

from .. import permissions
from ..audit import AuditAction
from ..models import Secondment
from ..permissions import require


SECONDMENT_FIELDS = ("cadre", "home_unit", "home_job", "host_unit", "host_post", "host_title", "start", "planned_end",
                     "actual_end", "duties", "summary", "counts_as_grassroots")


def _check_secondment(data: dict) -> None:
    if not data.get("cadre"):
        raise ApplicationError("请选择挂职干部", field="cadre")
    if not data.get("host_unit"):
        raise ApplicationError("请选择挂职单位", field="host_unit")
    if not (data.get("host_title") or "").strip():
        raise ApplicationError("请填写挂任职务", field="host_title")
    start, planned, actual = data.get("start"), data.get("planned_end"), data.get("actual_end")
    if not start or not planned:
        raise ApplicationError("请填写挂职开始和计划结束时间", field="start")
    if planned < start:
        raise ApplicationError("计划结束时间不能早于挂职开始时间", field="planned_end")
    if actual and actual < start:
        raise ApplicationError("实际结束时间不能早于挂职开始时间", field="actual_end")
    post = data.get("host_post")
    if post is not None and post.unit_id != data["host_unit"].pk:
        raise ApplicationError(f"挂职职位{post}不属于挂职单位{data['host_unit']}", field="host_post")


def secondment_create(*, actor, data: dict) -> Secondment:
    require(permissions.can_write(actor))
    data = {k: v for k, v in data.items() if k in SECONDMENT_FIELDS}
    cadre: Cadre = data.get("cadre")
    if cadre is not None:
        data.setdefault("home_unit", cadre.unit)
        if not data.get("home_job"):
            data["home_job"] = cadre.current_job
    _check_secondment(data)
    with transaction.atomic():
        s = Secondment.objects.create(created_by=actor, **data)
        audit(actor=actor, action=AuditAction.SECONDMENT_CREATE, obj=s,
              summary=f"{cadre.name} 挂任{s.host_unit}{s.host_title}（{s.start:%Y.%m}—{s.planned_end:%Y.%m}）")
    return s


def secondment_update(*, actor, secondment: Secondment, data: dict) -> Secondment:
    require(permissions.can_write(actor))
    merged = {f: getattr(secondment, f) for f in SECONDMENT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in SECONDMENT_FIELDS})
    _check_secondment(merged)
    with transaction.atomic():
        changed = [f for f in SECONDMENT_FIELDS if getattr(secondment, f) != merged[f]]
        for f in changed:
            setattr(secondment, f, merged[f])
        secondment.save()
        audit(actor=actor, action=AuditAction.SECONDMENT_UPDATE, obj=secondment,
              summary=f"修改 {secondment.cadre.name} 的挂职记录", data={"fields": changed})
    return secondment


def secondment_mark_reminded(*, secondment_ids, on: dt.date) -> int:
    with transaction.atomic():
        return Secondment.objects.filter(pk__in=list(secondment_ids)).update(reminded_on=on)
