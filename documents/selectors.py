"""Reads for the documents app: the data a document is rendered from, and document/notification lists."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from cadre.models import Cadre
from core import roles

from . import person_text
from .formatting import age_on, cn_date, month_dot
from .models import DocumentKind, GeneratedDocument, Notification

# keys of the approval-form data that do not decide whether a new version is needed
APPROVAL_FORM_VOLATILE = ("filled_on_text", "as_of_text", "photo_data_uri")


def cadre_for_documents(cadre_id: int) -> Cadre:
    return (
        Cadre.objects.select_related("unit")
        .prefetch_related("educations", "post_history", "assessments", "rewards_punishments", "family")
        .get(pk=cadre_id)
    )


def photo_bytes(cadre: Cadre) -> bytes:
    if not cadre.photo:
        return b""
    try:
        with cadre.photo.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return b""


def approval_form_data(cadre: Cadre, proposal: dict | None = None, *, today: dt.date | None = None) -> dict:
    """Plain, JSON-safe data of one 干部任免审批表 (the content hash is taken over it)."""
    proposal = proposal or {}
    today = today or timezone.localdate()
    as_of = proposal.get("as_of")
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) and as_of else (as_of or today)
    educations = {e.mode: e for e in cadre.educations.all()}
    ft, pt = educations.get("全日制"), educations.get("在职")
    photo = photo_bytes(cadre)
    family = []
    for member in cadre.family.all():
        family.append(
            {
                "relation": member.relation,
                "name": member.name,
                "birth_text": month_dot(member.birth_date),
                "age": age_on(member.birth_date, as_of) if member.birth_date else None,
                "political_status": member.political_status,
                "work": member.work_unit_and_post,
            }
        )
    return {
        "cadre_id": cadre.pk,
        "name": cadre.name,
        "gender": cadre.gender,
        "id_number": cadre.id_number,
        "birth_text": month_dot(cadre.birth_date),
        "age": cadre.age_on(as_of),
        "ethnicity": cadre.ethnicity_name,
        "native_place": cadre.native_place,
        "birthplace": cadre.birthplace,
        "party_text": _party_display(cadre),
        "work_start_text": month_dot(cadre.work_start_date),
        "health": cadre.health,
        "professional_title": cadre.professional_title,
        "expertise": cadre.expertise,
        "ft_level": ft.level if ft else "",
        "ft_degree": ft.degree if ft else "",
        "ft_school": ft.school_and_major if ft else "",
        "pt_level": pt.level if pt else "",
        "pt_degree": pt.degree if pt else "",
        "pt_school": pt.school_and_major if pt else "",
        "current_job": cadre.current_job,
        "proposed": proposal.get("proposed", ""),
        "removed": proposal.get("removed", ""),
        "reason": proposal.get("reason", ""),
        "reporting_unit": proposal.get("reporting_unit", ""),
        "resume_text": person_text.resume_text(cadre.post_history.all()),
        "rewards_text": person_text.rewards_text(cadre.rewards_punishments.all()),
        "assessments_text": person_text.assessments_text(cadre.assessments.all()),
        "family_rows": family,
        "photo_sha256": hashlib.sha256(photo).hexdigest() if photo else "",
        "photo_data_uri": _data_uri(photo),
        "filled_by": proposal.get("filled_by", ""),
        "as_of_text": cn_date(as_of),
        "filled_on_text": cn_date(today),
    }


def _party_display(cadre: Cadre) -> str:
    if cadre.party_join_date:
        suffix = "" if cadre.political_status == "中共党员" else f"（{cadre.political_status}）"
        return month_dot(cadre.party_join_date) + suffix
    return "" if cadre.political_status == "中共党员" else cadre.political_status


def _data_uri(photo: bytes) -> str:
    if not photo:
        return ""
    mime = "image/png" if photo[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(photo).decode()}"


# --- lists -------------------------------------------------------------------------------------------------------
def documents_visible_to(user) -> QuerySet[GeneratedDocument]:
    qs = GeneratedDocument.objects.select_related("cadre", "created_by")
    if roles.is_staff_member(user):
        return qs
    return qs.filter(cadre__user=user, cadre__isnull=False)


def can_download(user, document: GeneratedDocument) -> bool:
    if not user.is_authenticated:
        return False
    if roles.is_staff_member(user):
        return True
    return document.cadre_id is not None and getattr(document.cadre, "user_id", None) == user.id


def latest_documents_for_cadre(cadre_id: int) -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.filter(cadre_id=cadre_id, kind=DocumentKind.APPROVAL_FORM).order_by("-version")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, is_read=False).count()


def recent_notifications(user, limit: int = 8) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("is_read", "-created_at", "-id")[:limit])
