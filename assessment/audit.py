"""The assessment app's audit actions: the stored value (unchanged from the plain strings used before) and the
Chinese label the audit viewer shows. Registered in ``AssessmentConfig.ready()``."""
from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    BALLOT_SESSION_CREATE = "ballot_session.create", "创建测评"
    BALLOT_SESSION_OPEN = "ballot_session.open", "开始测评"
    BALLOT_SESSION_CLOSE = "ballot_session.close", "结束测评并冻结结果"
    BALLOT_SESSION_VOID = "ballot_session.void", "作废测评"
    BALLOT_CODE_ISSUE = "ballot_code.issue", "发放测评码"
    BALLOT_CODE_REVOKE = "ballot_code.revoke", "作废测评码"
    BALLOT_CODE_EXPIRE = "ballot_code.expire", "作废未使用的测评码"
    BALLOT_PAPER_ISSUE = "ballot_paper.issue", "登记发出纸质票"
    BALLOT_PAPER_ENTER = "ballot_paper.enter", "录入纸质票"
    ANNUAL_ASSESSMENT_SAVE = "annual_assessment.save", "录入年度考核"
    PERIODIC_ASSESSMENT_CREATE = "periodic_assessment.create", "录入季度/专项考核"
    RESIDENT_EVALUATION_CREATE = "resident_evaluation.create", "创建群众评价"
    TERM_REVIEW_CREATE = "term_review.create", "录入期满考核"
