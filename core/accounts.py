"""Account writes of the signed-in user (the password change page), audited like every other write."""
from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction

from .audit import AuditAction, audit


def password_change(*, actor, form, request) -> None:
    """Save a valid ``PasswordChangeForm`` (old password checked, the validators passed) and keep the session."""
    with transaction.atomic():
        user = form.save()
        audit(actor=actor, action=AuditAction.PASSWORD_CHANGE, obj=user, summary="修改本人密码")
    update_session_auth_hash(request, user)
