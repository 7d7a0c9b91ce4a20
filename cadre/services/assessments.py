"""年度考核 results written in bulk by another app's workflow (assessment's yearly entry per unit).

The record form writes single rows through ``records.cadre_records_save``; this is the batch path.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from core.exceptions import ApplicationError

from ..choices import AssessmentGrade
from ..models import AnnualAssessment
from .common import history_user


def annual_assessments_record(*, actor, year: int, grades: Mapping[int, tuple[str, str]]) -> int:
    """Create or update each cadre's 年度考核 row of ``year``: ``grades`` = {cadre_id: (grade, reason)}.

    One transaction, the rows locked, simple-history with the actor; an unchanged row is not rewritten.
    The checks of the batch (who belongs to the unit, the 优秀 quota) and its audit event belong to the
    calling service (``assessment.services.annual_assessments_save``). Returns the number of rows written.
    """
    for cadre_id, (grade, _reason) in grades.items():
        if grade not in AssessmentGrade.values:
            raise ApplicationError(f"考核结果“{grade}”无效。", field="grade")
    user = history_user(actor)
    written = 0
    with transaction.atomic():
        existing = {
            row.cadre_id: row
            for row in AnnualAssessment.objects.select_for_update().filter(cadre_id__in=list(grades), year=year)
        }
        for cadre_id, (grade, reason) in grades.items():
            reason = (reason or "")[:200]
            row = existing.get(cadre_id)
            if row is None:
                row = AnnualAssessment(cadre_id=cadre_id, year=year, grade=grade, reason=reason)
            elif (row.grade, row.reason) == (grade, reason):
                continue
            else:
                row.grade, row.reason = grade, reason
            row._history_user = user
            row.save()
            written += 1
    return written
