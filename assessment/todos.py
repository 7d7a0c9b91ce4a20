"""测评考核's items on the home page (core.todos): staff see the 民主测评 sessions now open. Turnout only — a
tally is never shown while a session is open. Registered in apps.ready(); one query."""
from __future__ import annotations

from django.urls import reverse

from core import roles
from core.todos import Todo, register

from .models import BallotSession, SessionStatus


@register("assessment.staff", section="民主测评", roles=(roles.STAFF,))
def open_sessions(user) -> list[Todo]:
    sessions = BallotSession.objects.filter(status=SessionStatus.OPEN).order_by("opened_at", "id")
    return [
        Todo(
            title=f"测评进行中：{s.title}",
            url=reverse("assessment:session-detail", args=[s.pk]),
            since=s.opened_at,
            action="查看参与人数、补发或作废测评码；测评结束后关闭场次",
        )
        for s in sessions
    ]
