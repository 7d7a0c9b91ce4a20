"""轮岗交流: policy numbers, plans and their moves, solver suggestions, secondments (挂职锻炼)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from . import rules


class RotationPolicy(models.Model):
    """The numbers of the must-rotate and plan rules; the row marked default serves the due list."""

    name = models.CharField("名称", max_length=50, unique=True)
    is_default = models.BooleanField("默认口径", default=False)
    same_post_years = models.PositiveSmallIntegerField("同一职位任职满（年）", default=10)
    key_post_years = models.PositiveSmallIntegerField("重要岗位正职任职满（年）", default=5)
    min_years_in_post = models.PositiveSmallIntegerField("任现职不满（年）暂不交流", default=2)
    retirement_age_male = models.PositiveSmallIntegerField("退休年龄（男）", default=60)
    retirement_age_female = models.PositiveSmallIntegerField("退休年龄（女）", default=55)
    near_retirement_years = models.PositiveSmallIntegerField("距退休不足（年）暂不交流", default=2)
    no_return_years = models.PositiveSmallIntegerField("离开原单位未满（年）不得交流回原单位", default=5)
    min_scope_ratio = models.DecimalField("交流幅度不低于", max_digits=4, decimal_places=2, default=0.30)
    local_avoidance = models.BooleanField("启用地域回避", default=True)
    kinship_avoidance = models.BooleanField("启用亲属任职回避", default=True)
    exempt_avoidance = models.BooleanField("回避情形也适用暂缓情形", default=True)
    history = HistoricalRecords(verbose_name="口径变更记录")

    class Meta:
        verbose_name = "轮岗交流口径"
        verbose_name_plural = "轮岗交流口径"
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="rotationpolicy_one_default"),
            models.CheckConstraint(
                condition=Q(min_scope_ratio__gte=0) & Q(min_scope_ratio__lte=1), name="rotationpolicy_ratio_range"
            ),
        ]

    def __str__(self):
        return self.name

    def as_rules(self) -> rules.Policy:
        return rules.Policy(
            same_post_years=self.same_post_years,
            key_post_years=self.key_post_years,
            min_years_in_post=self.min_years_in_post,
            retirement_age_male=self.retirement_age_male,
            retirement_age_female=self.retirement_age_female,
            near_retirement_years=self.near_retirement_years,
            no_return_years=self.no_return_years,
            min_scope_ratio=float(self.min_scope_ratio),
            local_avoidance=self.local_avoidance,
            kinship_avoidance=self.kinship_avoidance,
            exempt_avoidance=self.exempt_avoidance,
        )


class MoveKind(models.TextChoices):
    DEVELOP = "培养流", "培养流"
    AVOID = "回避流", "回避流"
    TERM = "任职期满交流", "任职期满交流"
    ADJUST = "调整流", "调整流"


class Direction(models.TextChoices):
    UP = "下级到上级", "下级单位→上级单位"
    DOWN = "上级到下级", "上级单位→下级单位"
    TO_HARD = "条件好到条件差", "条件好→条件差"
    TO_EASY = "条件差到条件好", "条件差→条件好"
    TO_LESS = "职权大到职权小", "职权大→职权小"
    TO_MORE = "职权小到职权大", "职权小→职权大"
    INSIDE = "单位内部轮岗", "单位内部轮岗"
    OTHER = "其他", "其他"


class MoveType(models.TextChoices):
    LATERAL = "平级", "平级"
    PROMOTION = "提拔", "提拔"
    DEMOTION = "降职", "降职"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    SUBMITTED = "submitted", "待审批"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准"
    EXECUTED = "executed", "已执行"


class RotationPlan(models.Model):
    name = models.CharField("方案名称", max_length=100)
    policy = models.ForeignKey(RotationPolicy, verbose_name="口径", on_delete=models.PROTECT, related_name="plans")
    as_of = models.DateField("测算基准日")
    effective_date = models.DateField("交流生效日期", null=True, blank=True)
    units = models.ManyToManyField("cadre.OrgUnit", verbose_name="范围单位", blank=True, related_name="+")
    posts = models.ManyToManyField(
        "cadre.Post", verbose_name="范围职位", blank=True, related_name="+", help_text="留空则为范围单位的全部职位"
    )
    status = models.CharField("状态", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    note = models.TextField("说明", blank=True)
    return_reason = models.CharField("退回理由", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟定人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="执行人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    executed_at = models.DateTimeField("执行时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="方案变更记录")

    class Meta:
        verbose_name = "轮岗交流方案"
        verbose_name_plural = "轮岗交流方案"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class RotationMove(models.Model):
    plan = models.ForeignKey(RotationPlan, verbose_name="方案", on_delete=models.CASCADE, related_name="moves")
    cadre = models.ForeignKey("cadre.Cadre", verbose_name="交流人员", on_delete=models.PROTECT, related_name="rotation_moves")
    from_post = models.ForeignKey(
        "cadre.Post", verbose_name="原职位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_job = models.CharField("原单位及职务", max_length=150, blank=True)
    from_start = models.DateField("任原职时间", null=True, blank=True)
    to_post = models.ForeignKey("cadre.Post", verbose_name="拟任职位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("交流类型", max_length=8, choices=MoveKind.choices)
    direction = models.CharField("交流方向", max_length=10, choices=Direction.choices, default=Direction.OTHER)
    move_type = models.CharField("任职方式", max_length=4, choices=MoveType.choices, default=MoveType.LATERAL)
    reason = models.CharField("交流理由", max_length=500, blank=True)
    from_suggestion = models.BooleanField("来自系统建议", default=False)
    order = models.PositiveIntegerField("序号", default=0)
    history = HistoricalRecords(verbose_name="交流人员变更记录")

    class Meta:
        verbose_name = "交流人员"
        verbose_name_plural = "交流人员"
        ordering = ["plan_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "cadre"], name="rotationmove_once_per_plan")]

    def __str__(self):
        return f"{self.cadre} → {self.to_post}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    ACCEPTED = "accepted", "已采纳"
    ADJUSTED = "adjusted", "已调整后采纳"
    REJECTED = "rejected", "未采纳"


class RotationSuggestion(models.Model):
    """One move proposed by the solver; staff accept, adjust or reject it."""

    plan = models.ForeignKey(RotationPlan, verbose_name="方案", on_delete=models.CASCADE, related_name="suggestions")
    run = models.PositiveIntegerField("测算批次", default=1)
    cadre = models.ForeignKey("cadre.Cadre", verbose_name="干部", on_delete=models.CASCADE, related_name="+")
    from_post = models.ForeignKey("cadre.Post", verbose_name="原职位", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    to_post = models.ForeignKey("cadre.Post", verbose_name="建议职位", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("交流类型", max_length=8, choices=MoveKind.choices, blank=True)
    score = models.FloatField("匹配分", default=0)
    explanation = models.JSONField("说明", default=dict)
    status = models.CharField("处理结果", max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reject_reason = models.CharField("未采纳理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "交流建议"
        verbose_name_plural = "交流建议"
        ordering = ["plan_id", "-run", "-score", "id"]

    def __str__(self):
        return f"{self.cadre} → {self.to_post or '留任'}"


class Secondment(models.Model):
    """挂职锻炼: the home post is kept; the host post is held alongside."""

    cadre = models.ForeignKey("cadre.Cadre", verbose_name="挂职干部", on_delete=models.PROTECT, related_name="secondments")
    home_unit = models.ForeignKey("cadre.OrgUnit", verbose_name="原单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    home_job = models.CharField("原单位及职务（保留）", max_length=150, blank=True)
    host_unit = models.ForeignKey("cadre.OrgUnit", verbose_name="挂职单位", on_delete=models.PROTECT, related_name="+")
    host_post = models.ForeignKey("cadre.Post", verbose_name="挂职职位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    host_title = models.CharField("挂任职务", max_length=100)
    start = models.DateField("挂职开始")
    planned_end = models.DateField("计划结束")
    actual_end = models.DateField("实际结束", null=True, blank=True)
    duties = models.TextField("挂职职责", blank=True)
    summary = models.TextField("挂职总结", blank=True)
    counts_as_grassroots = models.BooleanField("计入基层工作经历", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    reminded_on = models.DateField("已提醒日期", null=True, blank=True)
    history = HistoricalRecords(verbose_name="挂职变更记录")

    class Meta:
        verbose_name = "挂职锻炼"
        verbose_name_plural = "挂职锻炼"
        ordering = ["planned_end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("start")), name="secondment_planned_after_start"),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=models.F("start")), name="secondment_actual_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.cadre} 挂任{self.host_unit}{self.host_title}"

    @property
    def is_active(self) -> bool:
        return self.actual_end is None
