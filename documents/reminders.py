"""Daily reminders: a registry of sources, each yielding due reminders; the beat task turns them into
notifications (one per user, source, object and day: running twice creates nothing new) and optional e-mail.

Sources now: sanctions whose 影响期 ends within 30 days (they stop blocking promotion) and generated documents
nobody has downloaded for 3 days. selection/ and rotation/ register theirs (公示 ends, registration windows,
probation and 聘期 ends, secondment ends) with ``@register("name")``.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from cadre.models import RewardPunishment
from core import roles

from .formatting import cn_date
from .models import GeneratedDocument
from .services import notification_create

logger = logging.getLogger(__name__)

SANCTION_LOOKAHEAD_DAYS = 30
UNDOWNLOADED_AFTER_DAYS = 3


@dataclass
class Reminder:
    object_key: str  # e.g. reward:12 — with the source and the day it forms the dedup key
    title: str
    body: str = ""
    link: str = ""
    users: Iterable | None = None  # None → every 组织部工作人员


REGISTRY: dict[str, Callable[[dt.date], Iterable[Reminder]]] = {}


def register(name: str):
    def decorator(func):
        REGISTRY[name] = func
        return func

    return decorator


def staff_users():
    User = get_user_model()
    return list(User.objects.filter(is_active=True, groups__name=roles.STAFF).distinct()) + list(
        User.objects.filter(is_active=True, is_superuser=True).exclude(groups__name=roles.STAFF)
    )


@register("sanction_effect_end")
def sanction_effect_ending(today: dt.date) -> Iterable[Reminder]:
    horizon = today + dt.timedelta(days=getattr(settings, "REMINDER_SANCTION_DAYS", SANCTION_LOOKAHEAD_DAYS))
    rows = (
        RewardPunishment.objects.select_related("cadre")
        .filter(kind__in=["党纪处分", "政务处分"], effect_end__gte=today, effect_end__lte=horizon)
        .order_by("effect_end", "id")
    )
    for row in rows:
        days = (row.effect_end - today).days
        yield Reminder(
            object_key=f"reward:{row.pk}",
            title=f"{row.cadre.name}的{row.name}影响期将于{cn_date(row.effect_end)}届满",
            body=f"{row.cadre.name}（{row.cadre.current_job}）受{row.kind}“{row.name}”，影响期至{cn_date(row.effect_end)}，"
            f"还有{days}天。届满后不再影响提拔使用，请及时核对任职资格。",
            link=reverse("cadre:cadre-detail", args=[row.cadre_id]),
        )


@register("document_not_downloaded")
def documents_not_downloaded(today: dt.date) -> Iterable[Reminder]:
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=UNDOWNLOADED_AFTER_DAYS), dt.time.min))
    rows = GeneratedDocument.objects.filter(first_downloaded_at__isnull=True, created_at__lt=cutoff).select_related(
        "created_by"
    )
    for doc in rows.order_by("created_at")[:200]:
        if doc.created_by_id is None:
            continue
        yield Reminder(
            object_key=f"document:{doc.pk}",
            title=f"文书“{doc.title}”生成后尚未下载",
            body=f"{doc.title}（第{doc.version}版）已于{cn_date(timezone.localtime(doc.created_at).date())}生成，尚未下载。",
            link=reverse("documents:download", args=[doc.pk]),
            users=[doc.created_by],
        )


def run_reminders(today: dt.date | None = None, sources: Iterable[str] | None = None) -> dict[str, int]:
    """Create today's notifications for every source; returns {source: new notifications}."""
    today = today or timezone.localdate()
    staff = None
    created: dict[str, int] = {}
    for name, source in REGISTRY.items():
        if sources is not None and name not in sources:
            continue
        created[name] = 0
        for reminder in source(today):
            users = reminder.users
            if users is None:
                staff = staff if staff is not None else staff_users()
                users = staff
            for user in users:
                notification, new = notification_create(
                    user=user,
                    source=name,
                    dedup_key=f"{name}:{reminder.object_key}:{today.isoformat()}",
                    title=reminder.title,
                    body=reminder.body,
                    link=reminder.link,
                    email=False,  # reminders mail by their own switch (DOCUMENTS_REMINDER_EMAIL), below
                )
                if new:
                    created[name] += 1
                    _maybe_email(notification)
    return created


def _maybe_email(notification) -> None:
    """E-mail only when DOCUMENTS_REMINDER_EMAIL is on and the user has an address."""
    if not getattr(settings, "DOCUMENTS_REMINDER_EMAIL", False) or not notification.user.email:
        return
    try:
        send_mail(
            subject=f"[干部系统提醒] {notification.title}",
            message=notification.body,
            from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
            recipient_list=[notification.user.email],
        )
    except OSError:
        logger.exception("reminder e-mail to %s failed", notification.user.email)
        return
    type(notification).objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
