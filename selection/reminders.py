"""Daily reminders of the selection app, registered with documents.reminders (imported from apps.ready()).

- a registration window closing within 2 days (staff);
- a 任前公示 ending within 2 days (staff);
- a 试用期 or a 聘期 of an appointee ending within 30 days (staff, and the appointee when they have an account).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from documents.formatting import cn_date
from documents.reminders import Reminder, register, staff_users

from .models import Application, Campaign
from .workflow import Stage

WINDOW_DAYS = 2
TERM_DAYS = 30


def _in(days: int) -> str:
    return "今天" if days == 0 else f"还有{days}天"


@register("selection_registration_closing")
def registration_closing(today: dt.date) -> Iterable[Reminder]:
    rows = Campaign.objects.filter(
        stage=Stage.REGISTRATION, registration_end__gte=today, registration_end__lte=today + dt.timedelta(days=WINDOW_DAYS)
    ).order_by("registration_end", "id")
    for c in rows:
        days = (c.registration_end - today).days
        yield Reminder(
            object_key=f"campaign:{c.pk}:registration:{c.registration_end.isoformat()}",
            title=f"{c.title}报名将于{cn_date(c.registration_end)}截止",
            body=f"{c.title}报名截止日期为{cn_date(c.registration_end)}（{_in(days)}），截止后系统自动进入资格审查；"
            "如需补报，截止后由工作人员登记。",
            link=reverse("selection:campaigns"),
        )


@register("selection_publicity_ending")
def publicity_ending(today: dt.date) -> Iterable[Reminder]:
    rows = Campaign.objects.filter(
        stage=Stage.PUBLICITY, publicity_end__gte=today, publicity_end__lte=today + dt.timedelta(days=WINDOW_DAYS)
    ).order_by("publicity_end", "id")
    for c in rows:
        days = (c.publicity_end - today).days
        open_count = Application.objects.filter(campaign=c, objections__status="open").distinct().count()
        body = f"{c.title}任前公示至{cn_date(c.publicity_end)}止（{_in(days)}），期满后系统自动进入任职阶段。"
        if open_count:
            body += f"尚有 {open_count} 名人选的公示反映未核查完毕，须办结后才能结束公示。"
        yield Reminder(
            object_key=f"campaign:{c.pk}:publicity:{c.publicity_end.isoformat()}",
            title=f"{c.title}任前公示将于{cn_date(c.publicity_end)}期满",
            body=body,
            link=reverse("selection:campaigns"),
        )


def _term_reminders(today: dt.date, field: str, label: str) -> Iterable[Reminder]:
    horizon = today + dt.timedelta(days=TERM_DAYS)
    rows = (
        Application.objects.filter(**{f"{field}__gte": today, f"{field}__lte": horizon}, appointed_on__isnull=False)
        .select_related("cadre", "cadre__user", "campaign", "campaign_post__post__unit")
        .order_by(field, "id")
    )
    staff = None
    for a in rows:
        end = getattr(a, field)
        days = (end - today).days
        staff = staff if staff is not None else staff_users()
        users = list(staff)
        user = a.cadre.user
        if user is not None and user.is_active and user not in users:
            users.append(user)
        yield Reminder(
            object_key=f"application:{a.pk}:{field}:{end.isoformat()}",
            title=f"{a.cadre.name}任{a.campaign_post.post}的{label}将于{cn_date(end)}届满",
            body=f"{a.cadre.name}于{cn_date(a.appointed_on)}经{a.campaign.title}任{a.campaign_post.post}，"
            f"{label}至{cn_date(end)}（{_in(days)}），请及时组织{label}期满考核。",
            link=reverse("selection:my-applications") if user is not None else reverse("selection:campaigns"),
            users=users,
        )


@register("selection_probation_ending")
def probation_ending(today: dt.date) -> Iterable[Reminder]:
    return _term_reminders(today, "probation_end", "试用期")


@register("selection_term_ending")
def term_ending(today: dt.date) -> Iterable[Reminder]:
    return _term_reminders(today, "term_end", "聘期")
