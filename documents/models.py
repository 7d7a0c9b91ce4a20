"""Generated documents (content-addressed PDFs) and in-app notifications."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class DocumentKind(models.TextChoices):
    APPROVAL_FORM = "approval_form", "干部任免审批表"
    POST_ANNOUNCEMENT = "post_announcement", "职位公告"
    QUALIFICATION_NOTICE = "qualification_notice", "资格审查结果公示"
    INSPECTION_NOTICE = "inspection_notice", "考察对象公示"
    PRE_APPOINTMENT_NOTICE = "pre_appointment_notice", "任前公示"
    APPOINTMENT_NOTICE = "appointment_notice", "任职通知"
    ROTATION_NOTICE = "rotation_notice", "交流通知"


class DocumentSeries(models.Model):
    """One row per (kind, subject): the lock that serialises versioning of that subject's documents."""

    kind = models.CharField("文书类型", max_length=32, choices=DocumentKind.choices)
    subject_key = models.CharField("对象", max_length=200, help_text="例如 cadre:12 或 campaign:3")
    latest_version = models.PositiveIntegerField("最新版本", default=0)

    class Meta:
        verbose_name = "文书序列"
        verbose_name_plural = "文书序列"
        constraints = [models.UniqueConstraint(fields=["kind", "subject_key"], name="docseries_unique_subject")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject_key}"


class GeneratedDocument(models.Model):
    """A rendered PDF. Same inputs (content hash) → the same row; changed inputs → the next version."""

    series = models.ForeignKey(DocumentSeries, verbose_name="文书序列", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书类型", max_length=32, choices=DocumentKind.choices, db_index=True)
    subject_key = models.CharField("对象", max_length=200)
    subject_ids = models.JSONField("对象编号", default=list, blank=True)
    cadre = models.ForeignKey(
        "cadre.Cadre",
        verbose_name="所涉干部",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="个人文书（如任免审批表）的本人；本人可下载",
    )
    title = models.CharField("标题", max_length=200)
    version = models.PositiveIntegerField("版本")
    content_hash = models.CharField("内容摘要", max_length=64, help_text="输入数据与模板版本的 SHA-256")
    template_version = models.CharField("模板版本", max_length=64)
    file = models.FileField("文件", upload_to="documents/", max_length=300)
    page_count = models.PositiveIntegerField("页数", default=0)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    job = models.ForeignKey(
        "core.BackgroundJob", verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    download_count = models.PositiveIntegerField("下载次数", default=0)
    first_downloaded_at = models.DateTimeField("首次下载时间", null=True, blank=True)
    # an issued document is a record: its file never changes; a correction is the next version with a reason
    document_date = models.DateField("成文日期", null=True, blank=True, help_text="文书所属环节的日期，而非生成日期")
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_how = models.CharField("印发方式", max_length=20, blank=True, help_text="编号印发、公布或他人下载")
    correction_reason = models.CharField("更正理由", max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="被替代版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = "生成文书"
        verbose_name_plural = "生成文书"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key", "content_hash"], name="gendoc_unique_content"),
            models.UniqueConstraint(fields=["series", "version"], name="gendoc_unique_version"),
        ]
        indexes = [models.Index(fields=["cadre", "kind"], name="gendoc_cadre_kind")]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    @property
    def status_label(self) -> str:
        """已作废（被第N版替代） / 已印发 / 草稿."""
        if self.superseded_by_id:
            return f"已作废（被第{self.superseded_by.version}版替代）"  # list selectors select_related it
        return "已印发" if self.issued_at else "未印发"

    @property
    def filename(self) -> str:
        return f"{self.title}-v{self.version}.pdf"


class Notification(models.Model):
    """An in-app reminder; ``dedup_key`` makes the daily run idempotent (one per source/object/day and user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    source = models.CharField("来源", max_length=64)
    dedup_key = models.CharField("去重键", max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    is_read = models.BooleanField("已读", default=False)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedup_key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["user", "is_read"], name="notification_unread", condition=Q(is_read=False))]

    def __str__(self):
        return self.title


class CalendarDay(models.Model):
    """One day of the State Council's yearly 放假安排 entered by staff: a 法定节假日 or a 调休 working weekend.

    A stored row wins over the bundled ``chinesecalendar`` data; for a year the package does not cover, any
    stored row marks that year's arrangement as entered and unlisted days follow weekday/weekend
    (see ``documents.workdays``).
    """

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否上班", help_text="勾选：上班（如调休上班）；不勾选：放假")
    name = models.CharField("名称", max_length=50, blank=True, help_text="例如 元旦、春节、调休上班")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '放假'} {self.name}".strip()
