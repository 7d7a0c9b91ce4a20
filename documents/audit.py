"""The documents app's audit actions: the stored value (unchanged from the plain strings used before) and the
Chinese label the audit viewer shows. Registered in ``DocumentsConfig.ready()``."""
from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    DOCUMENT_GENERATE = "document.generate", "生成文书"
    DOCUMENT_ISSUE = "document.issue", "文书印发"
    # the LRMX import writes cadre records, and has always been stored under the cadre prefix
    LRMX_IMPORT = "cadre.lrmx_import", "导入LRMX文件"
    LRMX_BATCH_IMPORT = "documents.lrmx_batch_import", "批量导入LRMX文件"
    CALENDAR_DAY_SET = "documents.calendar_day_set", "录入节假日安排"
    CALENDAR_DAYS_BULK = "documents.calendar_days_bulk", "批量录入节假日安排"
    CALENDAR_DAY_DELETE = "documents.calendar_day_delete", "删除节假日安排"
    CALENDAR_DAYS_DELETE = "documents.calendar_days_delete", "批量删除节假日安排"
    # reads that take personal data out of the system (issue #18): each one leaves a row
    LRMX_EXPORT = "documents.lrmx_export", "导出LRMX文件"
    DOCUMENT_DOWNLOAD = "documents.download", "下载文书"
    # 干部任免审批表 downloads (PDF, Word, LRMX): one person in one click, several as one zip
    APPROVAL_FORM_EXPORT = "documents.approval_form_export", "导出干部任免审批表"
    APPROVAL_FORMS_BUNDLE = "documents.approval_forms_bundle", "批量导出干部任免审批表"
