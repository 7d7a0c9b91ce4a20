"""民主测评 (anonymous ballots) and assessments (考核).

Anonymity rules (evaluation.md) shape the ballot tables: a stored ``Ballot`` holds its session, its
evaluator group and whether it was entered from paper — no code, no user, no IP, no user agent, no time and
no sequential id (UUID primary keys). ``BallotCode`` keeps only a keyed hash of each code and is never linked
to a ballot. While a session is open its ballots are ``PendingBallot`` rows with sealed marks; they become
``Ballot`` rows, in random order, when it closes (``services.pool``). Tallies are the only read path.
"""
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from cadre.choices import AssessmentGrade


class OptionSet(models.TextChoices):
    EVALUATION = "评价", "评价（优秀/称职/基本称职/不称职）"
    RECOMMENDATION = "推荐", "推荐/任用（同意/不同意/弃权）"
    MASSES = "群众", "群众评价（优/良/中/差）"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "测评中"
    CLOSED = "closed", "已结束"
    VOID = "void", "已作废"


class BallotSession(models.Model):
    public_id = models.UUIDField("公开编号", default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("测评名称", max_length=200)
    option_set = models.CharField("选项类型", max_length=4, choices=OptionSet.choices, default=OptionSet.EVALUATION)
    score_map = models.JSONField("分值对照", default=dict, blank=True, help_text="各选项对应分值，例如：优秀 100")
    vote_date = models.DateField("测评日期", null=True, blank=True)
    participation_threshold = models.DecimalField("参评率下限（%）", max_digits=5, decimal_places=2, default=80)
    min_group_ballots = models.PositiveSmallIntegerField("分组显示最少票数", default=5)
    status = models.CharField("状态", max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)
    result = models.JSONField("冻结结果", default=dict, blank=True, editable=False)
    result_hash = models.CharField("结果摘要（SHA-256）", max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "测评场次"
        verbose_name_plural = "测评场次"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participation_threshold__gte=0) & Q(participation_threshold__lte=100),
                name="ballotsession_threshold_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(result_hash=""), name="ballotsession_closed_has_hash"
            ),
        ]

    def __str__(self):
        return self.title


class BallotTarget(models.Model):
    """测评对象: a cadre in the roster, or an outside candidate by name only."""

    session = models.ForeignKey(BallotSession, verbose_name="测评场次", on_delete=models.CASCADE, related_name="targets")
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name="干部档案", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=30)
    description = models.CharField("说明", max_length=100, blank=True, help_text="例如：现任职务或拟任职位")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "测评对象"
        verbose_name_plural = "测评对象"
        ordering = ["session_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "cadre"], condition=Q(cadre__isnull=False), name="ballottarget_cadre_once"
            ),
        ]

    def __str__(self):
        return self.name


class EvaluatorGroup(models.Model):
    session = models.ForeignKey(BallotSession, verbose_name="测评场次", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("测评人类别", max_length=50)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    paper_issued = models.PositiveIntegerField("发出纸质票数", default=0)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "测评人类别"
        verbose_name_plural = "测评人类别"
        ordering = ["session_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="evaluatorgroup_unique_name"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="evaluatorgroup_weight_range"),
        ]

    def __str__(self):
        return self.name


class CodeStatus(models.TextChoices):
    UNUSED = "unused", "未使用"
    USED = "used", "已使用"
    REVOKED = "revoked", "已作废"  # a lost slip, revoked by staff: not counted as issued
    EXPIRED = "expired", "未使用（结束时作废）"  # unused at close: still counted as issued (participation)


class BallotCode(models.Model):
    """A one-time code, stored only as HMAC-SHA256 of the normalized code. Never linked to a ballot."""

    session = models.ForeignKey(BallotSession, verbose_name="测评场次", on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(EvaluatorGroup, verbose_name="测评人类别", on_delete=models.CASCADE, related_name="codes")
    serial = models.PositiveIntegerField("票号")
    digest = models.CharField("测评码摘要", max_length=64, unique=True)
    status = models.CharField("状态", max_length=8, choices=CodeStatus.choices, default=CodeStatus.UNUSED)
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "测评码"
        verbose_name_plural = "测评码"
        ordering = ["session_id", "serial"]
        # status is in no index, so consuming a code is a HOT update (no index writes)
        constraints = [models.UniqueConstraint(fields=["session", "serial"], name="ballotcode_unique_serial")]

    def __str__(self):
        return f"{self.session_id}-{self.serial:04d}"


class Ballot(models.Model):
    """One returned ballot. Deliberately no code, user, IP, agent, time or ordered id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(BallotSession, verbose_name="测评场次", on_delete=models.CASCADE, related_name="ballots")
    group = models.ForeignKey(EvaluatorGroup, verbose_name="测评人类别", on_delete=models.CASCADE, related_name="ballots")
    is_paper = models.BooleanField("纸质票", default=False)

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        default_permissions = ()


class PendingBallot(models.Model):
    """A returned ballot while its session is open (the pool). Its marks are sealed (AES-256-GCM, one fixed-size
    byte per target) under a key derived from the ballot HMAC key, which lives outside the database: a database
    reader who links this row to the code it used up (same transaction, so same xmin on PostgreSQL) learns the
    group only. At close the pool is opened, shuffled and written as ``Ballot`` rows, and deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(BallotSession, verbose_name="测评场次", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(EvaluatorGroup, verbose_name="测评人类别", on_delete=models.CASCADE, related_name="+")
    is_paper = models.BooleanField("纸质票", default=False)
    sealed = models.BinaryField("密封选票")

    class Meta:
        verbose_name = "待统计选票"
        verbose_name_plural = "待统计选票"
        default_permissions = ()


class BallotMark(models.Model):
    """One target's mark on one ballot. choice '' = left blank (弃权/未评)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # indexed by the unique (ballot, target) constraint below
    ballot = models.ForeignKey(Ballot, verbose_name="选票", on_delete=models.CASCADE, related_name="marks", db_index=False)
    target = models.ForeignKey(BallotTarget, verbose_name="测评对象", on_delete=models.CASCADE, related_name="marks")
    choice = models.CharField("选项", max_length=8, blank=True)
    valid = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "选票标记"
        verbose_name_plural = "选票标记"
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["ballot", "target"], name="ballotmark_one_per_target")]


# ---------------------------------------------------------------------------------------------- assessments


class PeriodicKind(models.TextChoices):
    QUARTERLY = "季度", "季度考核"
    SPECIAL = "专项", "专项考核（突击任务）"


class PeriodicAssessment(models.Model):
    """Quarterly and special (突击任务) assessments as dated records; 年度考核 lives in cadre.AnnualAssessment."""

    cadre = models.ForeignKey("cadre.Cadre", verbose_name="干部", on_delete=models.CASCADE, related_name="periodic_assessments")
    kind = models.CharField("类别", max_length=4, choices=PeriodicKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", null=True, blank=True)
    task = models.CharField("任务名称", max_length=200, blank=True, help_text="专项考核填写突击任务名称")
    assessed_on = models.DateField("考核日期")
    grade = models.CharField("考核结果", max_length=4, choices=AssessmentGrade.choices)
    comment = models.CharField("考核意见", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "季度/专项考核"
        verbose_name_plural = "季度/专项考核"
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="季度") & Q(quarter__gte=1) & Q(quarter__lte=4))
                | (Q(kind="专项") & Q(quarter__isnull=True) & ~Q(task="")),
                name="periodic_quarter_or_task",
            ),
            models.UniqueConstraint(
                fields=["cadre", "year", "quarter"], condition=Q(kind="季度"), name="periodic_one_per_quarter"
            ),
        ]

    def __str__(self):
        if self.kind == PeriodicKind.QUARTERLY:
            return f"{self.year}年第{self.quarter}季度 {self.grade}"
        return f"{self.task} {self.grade}"


class ResidentEvaluation(models.Model):
    """群众评价 with evaluators drawn at random from a list; the seed is recorded so the draw can be re-done."""

    title = models.CharField("名称", max_length=200)
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name="被评价干部", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField("被评价对象", max_length=50)
    population = models.JSONField("抽样名单", default=list)
    population_hash = models.CharField("名单摘要（SHA-256）", max_length=64)
    sample_size = models.PositiveIntegerField("抽取人数")
    seed = models.BigIntegerField("随机种子")
    sample = models.JSONField("抽取结果", default=list)
    session = models.OneToOneField(
        BallotSession, verbose_name="测评场次", null=True, blank=True, on_delete=models.SET_NULL, related_name="resident_evaluation"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "群众评价"
        verbose_name_plural = "群众评价"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(sample_size__gte=1), name="resident_sample_size_positive")]

    def __str__(self):
        return self.title


class ReviewMethod(models.TextChoices):
    POLL = "民意测评", "民意测评"
    INTERVIEW = "个别访谈", "个别访谈"
    RECORDS = "查阅资料", "查阅资料"
    SITE = "实地考察", "实地考察"


class TermReviewResult(models.TextChoices):
    PASS = "合格", "合格"
    BASIC = "基本合格", "基本合格"
    FAIL = "不合格", "不合格"


class SubjectKind(models.TextChoices):
    VILLAGE_OFFICIAL = "大学生村官", "大学生村官"
    SECONDMENT = "挂职干部", "挂职干部"
    OTHER = "其他", "其他"


class TermReview(models.Model):
    """期满考核. The subject is a cadre, any other record (generic link, e.g. a secondment) or a name."""

    subject_kind = models.CharField("考核对象类别", max_length=8, choices=SubjectKind.choices, default=SubjectKind.OTHER)
    subject_name = models.CharField("考核对象", max_length=50)
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name="干部档案", null=True, blank=True, on_delete=models.PROTECT, related_name="term_reviews"
    )
    subject_type = models.ForeignKey(
        ContentType, verbose_name="关联记录类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField("关联记录编号", max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    term_start = models.DateField("任期起", null=True, blank=True)
    term_end = models.DateField("任期止", null=True, blank=True)
    panel = models.JSONField("考核组成员", default=list)
    methods = models.JSONField("考核方式", default=list)
    result = models.CharField("考核结果", max_length=4, choices=TermReviewResult.choices)
    opinion = models.TextField("考核意见")
    reviewed_on = models.DateField("考核日期")
    session = models.ForeignKey(
        BallotSession, verbose_name="民意测评场次", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "期满考核"
        verbose_name_plural = "期满考核"
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_start__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="termreview_term_order",
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} 期满考核 {self.result}"
