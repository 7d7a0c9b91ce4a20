"""Reads of 挂职锻炼."""
from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from assessment.models import TermReview

from ..models import Secondment


def secondment_list(*, active: bool | None = None, q: str = ""):
    qs = Secondment.objects.select_related("cadre", "home_unit", "host_unit", "host_post")
    if active is True:
        qs = qs.filter(actual_end__isnull=True)
    elif active is False:
        qs = qs.filter(actual_end__isnull=False)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(host_unit__name__contains=q))
    return qs


def secondments_due_soon(on: dt.date, *, days: int = 30):
    """Active secondments whose planned end falls within `days` days from `on` (or has passed)."""
    return secondment_list(active=True).filter(planned_end__lte=on + dt.timedelta(days=days)).order_by("planned_end")


def secondment_end_assessment(secondment: Secondment):
    """The 期满考核 (assessment.TermReview) linked to this secondment, if the assessment app holds one."""
    ct = ContentType.objects.get_for_model(Secondment)
    return (
        TermReview.objects.filter(Q(subject_type=ct, subject_id=str(secondment.pk)))
        .order_by("-reviewed_on", "-id")
        .first()
    )
