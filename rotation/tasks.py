"""Celery tasks of the rotation app: by id, idempotent."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from documents.campaign_docs import Issuer, Move, RotationNoticeData
from documents.reminders import run_reminders
from documents.services import campaign_document_generate

from . import selectors
from .models import PlanStatus, RotationPlan
from .services import secondment_mark_reminded

log = logging.getLogger(__name__)

ISSUER_ORGAN = "中共开发区工作委员会组织部"


def rotation_notice_data(plan) -> dict:
    """The 交流通知 as plain data for documents.campaign_docs.RotationNoticeData."""
    moves = [
        Move(name=m.cadre.name, from_post=m.from_job or str(m.from_post or ""), to_post=str(m.to_post),
             move_type="轮岗" if m.from_post and m.from_post.unit_id == m.to_post.unit_id else "交流")
        for m in selectors.plan_moves(plan)
    ]
    start = plan.effective_date or plan.as_of
    data = RotationNoticeData(
        issuer=Issuer(organ=ISSUER_ORGAN),
        issue_date=start,
        document_number="",
        title=f"关于{plan.name}的通知",
        addressee="各有关单位",
        decision=f"经领导小组研究决定，{plan.name}中下列同志自{start.year}年{start.month}月{start.day}日起交流任职：",
        moves=moves,
        report_by=start + dt.timedelta(days=7),
    )
    return asdict(data)


@shared_task(name="rotation.issue_rotation_notice")
def issue_rotation_notice(plan_id: int) -> int | None:
    """Hand the executed plan's 交流通知 to the documents app (content-addressed there, so a rerun is a no-op)."""
    plan = RotationPlan.objects.filter(pk=plan_id, status=PlanStatus.EXECUTED).first()
    if plan is None:
        return None
    doc = campaign_document_generate(
        actor=plan.executed_by, kind="rotation_notice", subject_key=f"rotation-plan-{plan.pk}",
        data=rotation_notice_data(plan), subject_ids=list(plan.moves.values_list("cadre_id", flat=True)),
    )
    log.info("交流通知 of plan %s: document %s", plan_id, doc.pk)
    return doc.pk


@shared_task(name="rotation.remind_secondments")
def remind_secondments(days: int = 30) -> list[int]:
    """Secondments whose planned end is within `days` days: in-app notifications to staff through the documents
    app's reminder registry (one per secondment, user and day), then marked reminded. The daily beat task of
    documents (send_daily_reminders) runs the same source; this task lets a page or a schedule run it alone."""
    today = timezone.localdate()
    due = [s.pk for s in selectors.secondments_due_soon(today, days=days)]
    if due:
        run_reminders(today, sources=["secondment_end"])
        secondment_mark_reminded(secondment_ids=due, on=today)
    return due
