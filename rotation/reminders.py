"""Secondment-end reminders, registered with the documents app's daily reminder registry."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from documents.reminders import Reminder, register

from . import selectors

SECONDMENT_LOOKAHEAD_DAYS = 30


def secondment_reminders(today: dt.date, days: int = SECONDMENT_LOOKAHEAD_DAYS) -> Iterable[Reminder]:
    for s in selectors.secondments_due_soon(today, days=days):
        left = (s.planned_end - today).days
        title = (f"{s.cadre.name}挂职将于{s.planned_end:%Y.%m.%d}期满" if left >= 0
                 else f"{s.cadre.name}挂职已超过计划结束时间{-left}天")
        yield Reminder(
            object_key=f"secondment:{s.pk}",
            title=title,
            body=f"{s.cadre.name}（{s.home_job}）挂任{s.host_unit}{s.host_title}，请安排期满考核和挂职总结。",
            link=reverse("rotation:secondment", args=[s.pk]),
        )


register("secondment_end")(secondment_reminders)
