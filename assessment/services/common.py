"""Helpers shared by the assessment services: settings with defaults, the staff check, the session row lock."""
from __future__ import annotations

from django.conf import settings

from core.exceptions import ApplicationError

from ..models import BallotSession
from ..permissions import can_manage


def setting(name, default):
    return getattr(settings, name, default)


def require_staff(actor):
    if not can_manage(actor):
        raise ApplicationError("只有组织部工作人员可以进行此操作。")


def locked(session: BallotSession) -> BallotSession:
    return BallotSession.objects.select_for_update().get(pk=session.pk)


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
