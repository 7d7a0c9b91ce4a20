"""Celery tasks of the rotation app: by id, idempotent."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from . import selectors

log = logging.getLogger(__name__)

ISSUER_ORGAN = "中共开发区工作委员会组织部"


def rotation_notice_data(plan) -> dict:
    """The 交流通知 as plain data for documents.campaign_docs.RotationNoticeData."""
    from documents.campaign_docs import Issuer, Move, RotationNoticeData

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
def issue_rotation_notice(plan_id: int) -> str:
    """Hand the executed plan's 交流通知 to the documents app (content-addressed there, so a rerun is a no-op)."""
    from .models import PlanStatus, RotationPlan

    plan = RotationPlan.objects.filter(pk=plan_id, status=PlanStatus.EXECUTED).first()
    if plan is None:
        return "skipped"
    data = rotation_notice_data(plan)
    try:
        from documents import services as doc_services
    except ImportError:
        log.info("documents.services not available; 交流通知 of plan %s not generated", plan_id)
        return "no-documents"
    generate = getattr(doc_services, "campaign_document_generate", None)
    if generate is None:
        log.info("documents.services.campaign_document_generate missing; plan %s", plan_id)
        return "no-documents"
    generate(actor=plan.executed_by, kind="rotation_notice", data=data, source=plan)
    return "issued"


@shared_task(name="rotation.remind_secondments")
def remind_secondments(days: int = 30) -> list[int]:
    """Daily: secondments whose planned end is within `days` days; hands each to the documents app's in-app
    notifications (idempotent per secondment and day) and marks them reminded."""
    today = timezone.localdate()
    due = [s for s in selectors.secondments_due_soon(today, days=days) if s.reminded_on != today]
    if not due:
        return []
    try:
        from documents import services as doc_services

        notify = getattr(doc_services, "notify_staff", None)
    except ImportError:
        notify = None
    for s in due:
        left = (s.planned_end - today).days
        title = f"{s.cadre.name}挂职将于{s.planned_end:%Y.%m.%d}期满" if left >= 0 else f"{s.cadre.name}挂职已超过计划结束时间{-left}天"
        if notify is not None:
            notify(source="rotation.secondment", key=f"secondment:{s.pk}:{today:%Y%m%d}", title=title,
                   body=f"挂任{s.host_unit}{s.host_title}，请安排期满考核和挂职总结。", link=f"/rotation/secondments/{s.pk}/")
        else:
            log.info("secondment reminder: %s", title)
    from .services import secondment_mark_reminded

    secondment_mark_reminded(secondment_ids=[s.pk for s in due], on=today)
    return [s.pk for s in due]
