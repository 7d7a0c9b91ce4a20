"""文书与提醒's item on the home page (core.todos): the user's unread reminders (the bell's list), for every
role. Registered in apps.ready(); two queries."""
from __future__ import annotations

from django.db.models import Min
from django.urls import reverse

from core import roles
from core.todos import Todo, register

from .models import Notification


@register("documents.reminders", section="提醒", roles=roles.ALL_ROLES, order=90)
def unread_reminders(user) -> list[Todo]:
    unread = Notification.objects.filter(user=user, is_read=False)
    oldest = unread.aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return []
    return [Todo(title="未读提醒", url=reverse("documents:notifications"), count=unread.count(), since=oldest,
                 action="报名截止、公示期满、挂职到期等事项的提醒")]
