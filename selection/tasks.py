"""Celery tasks of the selection app: thin, by id, idempotent, retried on transient errors.

``auto_transitions`` is the hourly beat entry (selection/schedule.py): registration windows that ended and
任前公示 periods that are over move on by themselves (both services are idempotent). Campaign documents are
built from the records at run time (selection.notices) and stored content-addressed by the documents app,
so a rerun with unchanged records returns the stored document instead of a second copy.
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from documents.models import DocumentKind
from documents.services import campaign_document_generate
from core.jobs import RETRY

from . import gates, notices
from .models import Campaign
from .services import auto_close_registrations, auto_end_publicity

log = logging.getLogger(__name__)


def _actor(actor_id):
    if not actor_id:
        return None
    return get_user_model().objects.filter(pk=actor_id).first()


@shared_task(bind=True, name="selection.auto_transitions", **RETRY)
def auto_transitions(self) -> dict:
    """报名截止 and 任前公示期满 (actor SYSTEM): returns the ids of the campaigns moved."""
    result = {"registration_closed": auto_close_registrations(), "publicity_ended": auto_end_publicity()}
    if result["registration_closed"] or result["publicity_ended"]:
        log.info("selection auto transitions: %s", result)
    return result


def _subject_ids(campaign, kind: str) -> list[int]:
    """The cadres a document is about (stored on the document for look-ups)."""
    if kind == DocumentKind.APPOINTMENT_NOTICE:
        qs = gates.publicity_candidates(campaign).filter(appointed_on__isnull=False)
    elif kind == DocumentKind.PRE_APPOINTMENT_NOTICE:
        qs = gates.publicity_candidates(campaign)
    elif kind == DocumentKind.INSPECTION_NOTICE:
        qs = gates.qualified(campaign).filter(is_inspection_target=True)
    elif kind == DocumentKind.QUALIFICATION_NOTICE:
        qs = gates.qualified(campaign)
    else:
        return []
    return sorted(set(qs.values_list("cadre_id", flat=True)))


@shared_task(bind=True, name="selection.issue_campaign_document", **RETRY)
def issue_campaign_document(self, campaign_id: int, kind: str, actor_id: int | None = None) -> int | None:
    """Render one campaign document (职位公告, 资格审查结果公示, 考察对象公示, 任前公示, 任职通知) from the
    applications' snapshots, dated with its stage's date, and issue it (the stage move publishes it). Returns the
    document id, or None when the campaign no longer exists."""
    builders = {
        DocumentKind.POST_ANNOUNCEMENT: notices.announcement_data,
        DocumentKind.QUALIFICATION_NOTICE: notices.qualification_data,
        DocumentKind.INSPECTION_NOTICE: notices.inspection_data,
        DocumentKind.PRE_APPOINTMENT_NOTICE: notices.pre_appointment_data,
        DocumentKind.APPOINTMENT_NOTICE: notices.appointment_data,
    }
    if kind not in builders:
        raise ValueError(f"unknown selection document kind: {kind}")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        log.warning("campaign %s vanished before its %s was rendered", campaign_id, kind)
        return None
    doc = campaign_document_generate(
        actor=_actor(actor_id), kind=kind, subject_key=campaign.scope, data=builders[kind](campaign),
        subject_ids=_subject_ids(campaign, kind), issue="公布",  # the stage move publishes it
    )
    return doc.pk
