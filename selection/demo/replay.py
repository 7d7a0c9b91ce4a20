"""``Replay``: run demo steps as if on given days without touching the clock (selection.demo)."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.utils import timezone

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


# the apps whose rows a step creates besides selection's own (audit trail, documents and notifications, the
# 民主测评 session and its codes, the appointees' post and history rows): restamped when created in the step
CREATED_IN_STEP_APPS = ("core", "documents", "assessment", "cadre")


def _datetime_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]


def _counted_models(app_label: str) -> list:
    """The app's models with timestamps and an integer key that grows (so "created in this step" is pk > mark)."""
    return [
        m for m in apps.get_app_config(app_label).get_models()
        if _datetime_fields(m) and isinstance(m._meta.pk, (models.AutoField, models.BigAutoField))
    ]


class Replay:
    """Run service calls as steps on given days (Asia/Shanghai, mid-morning unless told): the step runs on the
    real clock, then every timestamp it wrote becomes the step's moment. Selection rows: each date-time field
    written since the step began. Rows of the other apps: those the step created."""

    def __init__(self):
        self._selection = [m for m in apps.get_app_config("selection").get_models() if _datetime_fields(m)]
        self._others = [m for label in CREATED_IN_STEP_APPS for m in _counted_models(label)]

    def on(self, day: dt.date, fn: Callable, hour: int = 10):
        moment = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)
        marks = {m: m.objects.aggregate(top=models.Max("pk"))["top"] or 0 for m in self._others}
        since = timezone.now()
        result = fn()
        for model in self._selection:
            for name in _datetime_fields(model):
                model.objects.filter(**{f"{name}__gte": since}).update(**{name: moment})
        for model, mark in marks.items():
            for name in _datetime_fields(model):
                model.objects.filter(pk__gt=mark, **{f"{name}__isnull": False}).update(**{name: moment})
        if isinstance(result, models.Model):
            result.refresh_from_db()
        return result
