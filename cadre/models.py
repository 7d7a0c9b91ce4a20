"""Records: org units, posts, cadres and their histories. Data and constraints only, no workflow."""
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.privacy import mask_id_number

from .retirement import retirement_of
from .sortkeys import STROKE_KEY_LENGTH, name_keys
from .choices import (
    ETHNICITIES,
    ETHNICITY_NAME,
    RANK_ORDER,
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    Education,
    EducationMode,
    Gender,
    KeyArea,
    PoliticalStatus,
    PostKind,
    RankLevel,
    SanctionKind,
    StaffingType,
    TitleLevel,
    UnitKind,
)


def month_text(value: dt.date | None) -> str:
    """`2016.03` for a date on the 1st (year-month precision), `2016.03.15` otherwise; '' for None."""
    if value is None:
        return ""
    if value.day == 1:
        return f"{value.year}.{value.month:02d}"
    return f"{value.year}.{value.month:02d}.{value.day:02d}"


class OrgUnit(models.Model):
    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("单位代码", max_length=32, unique=True)
    kind = models.CharField("单位类别", max_length=8, choices=UnitKind.choices, default=UnitKind.ORGAN)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    locality = models.CharField("所在地", max_length=50, blank=True, help_text="用于地域回避，例如：东林镇")
    is_key_unit = models.BooleanField("重要单位（回避）", default=False)
    key_area = models.CharField("重要单位类别", max_length=8, choices=KeyArea.choices, blank=True)
    order = models.PositiveIntegerField("排序", default=1000, db_index=True)
    is_active = models.BooleanField("有效", default=True)
    history = HistoricalRecords(verbose_name="单位变更记录")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_key_unit=False) | ~Q(key_area=""), name="orgunit_key_unit_has_area"
            ),
        ]

    def __str__(self):
        return self.name


class Post(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="posts")
    title = models.CharField("职位名称", max_length=50, help_text="单位内的职务名称，例如：副局长")
    level = models.CharField("职位层次", max_length=8, choices=RankLevel.choices)
    kind = models.CharField("职位类别", max_length=8, choices=PostKind.choices, default=PostKind.LEADERSHIP)
    headcount = models.PositiveSmallIntegerField("职数", default=1)
    is_key_post = models.BooleanField("重要岗位", default=False)
    needs_local_avoidance = models.BooleanField("需本地籍回避", default=False)
    is_open_for_competition = models.BooleanField("列入竞争上岗", default=False)
    requires_full_time_education = models.BooleanField("要求全日制学历", default=False)
    order = models.PositiveIntegerField("排序", default=1000)
    is_active = models.BooleanField("有效", default=True)
    history = HistoricalRecords(verbose_name="职位变更记录")

    class Meta:
        verbose_name = "职位"
        verbose_name_plural = "职位"
        ordering = ["unit__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="post_unique_title_in_unit"),
            models.CheckConstraint(condition=Q(headcount__gte=1) & Q(headcount__lte=50), name="post_headcount_range"),
        ]

    def __str__(self):
        return f"{self.unit.name}{self.title}"

    @property
    def full_title(self) -> str:
        return f"{self.unit.short_name or self.unit.name}{self.title}"


# HISTORY_USER_NOTE: the change logs a roster import writes (cadre, education, assessment, post and rank history) keep
# their history user without a database foreign key: the key was checked once per history row at commit (half of an
# import's commit). Deleting a user still sets it to NULL (Django's SET_NULL of simple-history's field).


class ImportedHistory(HistoricalRecords):
    """The change log of a table the roster import writes thousands of rows into (cadre, education, assessment, post
    and rank history): the history user without a database foreign key (HISTORY_USER_NOTE), and neither it nor
    ``history_date`` indexed on their own. Every read of these logs selects by record (``id``) or by cadre
    (``cadre_id``) and sorts those few rows by date; each index cost every imported row an index entry. Deleting a
    user (SET_NULL on its history rows) scans these tables, a rare admin action."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, user_db_constraint=False, **kwargs)

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        extra["history_date"].db_index = False
        extra["history_user"].db_index = False
        return extra


class Cadre(models.Model):
    # identity
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    birth_date = models.DateField("出生日期", db_index=True)
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITIES, default="01")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    grew_up_place = models.CharField("成长地", max_length=50, blank=True, help_text="用于地域回避")
    political_status = models.CharField("政治面貌", max_length=8, choices=PoliticalStatus.choices, default="中共党员")
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    staffing_type = models.CharField("编制类型", max_length=4, choices=StaffingType.choices, default="公务员")
    works_in_organ = models.BooleanField("在机关工作的企事业编制人员", default=False)
    health = models.CharField("健康状况", max_length=30, blank=True, default="健康")
    professional_title = models.CharField("专业技术职务", max_length=50, blank=True)
    title_level = models.CharField("职称级别", max_length=4, choices=TitleLevel.choices, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    photo = models.ImageField("照片", upload_to="photos/", blank=True)
    # current position (mirrors the open rows of post history and rank history)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="工作单位", null=True, blank=True, on_delete=models.PROTECT, related_name="cadres",
        db_index=False,  # cadre_unit_order (unit, rank_order) serves every lookup by unit
    )
    position_title = models.CharField("现任职务", max_length=50, blank=True)
    rank_level = models.CharField("职务层次", max_length=8, choices=RankLevel.choices, blank=True)
    position_start = models.DateField("任现职时间", null=True, blank=True)
    rank_start = models.DateField("任现职级时间", null=True, blank=True)
    rank_order = models.PositiveSmallIntegerField("职务排序", default=99, editable=False)
    # copy of unit.order (None without a unit) so that the roster's default sort runs on one index
    unit_order = models.PositiveIntegerField("单位排序", null=True, blank=True, editable=False)
    pinyin_key = models.CharField("拼音排序键", max_length=100, blank=True, editable=False)
    stroke_key = models.CharField(
        "笔画排序键", max_length=STROKE_KEY_LENGTH, blank=True, editable=False
    )
    # full pinyin without spaces and the initials (`yujianjun yjj`): the search and the person lookup
    search_key = models.CharField("拼音检索键", max_length=255, blank=True, editable=False)
    note = models.CharField("备注", max_length=500, blank=True)
    status = models.CharField("状态", max_length=4, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = ImportedHistory(
        verbose_name="档案变更记录", excluded_fields=["updated_at", "rank_order", "unit_order", "pinyin_key", "stroke_key", "search_key"],
        # the change log reads a record's rows by id; indexes on the copied columns only slowed every write (import)
        no_db_index=["name", "id_number", "birth_date", "unit", "user"],
    )

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["rank_order", "id"]
        indexes = [
            # one index per roster sort under the default 状态 filter (see filters.SORTS)
            models.Index(fields=["status", "rank_order", "unit_order", "unit_id", "id"], name="cadre_roster_position"),
            models.Index(fields=["status", "stroke_key", "id"], name="cadre_roster_strokes"),
            models.Index(fields=["status", "pinyin_key", "id"], name="cadre_roster_pinyin"),
            models.Index(fields=["status", "birth_date", "id"], name="cadre_roster_birth"),
            models.Index(fields=["status", "rank_level"], name="cadre_roster_rank_level"),
            models.Index(fields=["unit", "rank_order"], name="cadre_unit_order"),
            # plain btrees (no varchar_pattern_ops twins: every search is a `contains`, which no btree serves):
            # 姓名 by equality (lookups, family links), the two name sorts when no 状态 is chosen
            models.Index(fields=["name"], name="cadre_name"),
            models.Index(fields=["pinyin_key"], name="cadre_pinyin_key"),
            models.Index(fields=["stroke_key"], name="cadre_stroke_key"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=["男", "女"]), name="cadre_gender_valid"),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="cadre_id_number_format"
            ),
            models.CheckConstraint(
                condition=Q(position_start__isnull=True) | Q(position_start__gt=models.F("birth_date")),
                name="cadre_position_after_birth",
            ),
        ]

    def __str__(self):
        return self.name

    def fill_sort_keys(self):
        """Derived columns; bulk writers (the roster import) call this since bulk_create skips save()."""
        self.rank_order = RANK_ORDER.get(self.rank_level, 99)
        self.pinyin_key, self.stroke_key, self.search_key = name_keys(self.name)

    def fill_unit_order(self):
        """unit_order from the unit (the cached one when it is loaded, else one small query)."""
        if self.unit_id is None:
            self.unit_order = None
            return
        field = self._meta.get_field("unit")
        if field.is_cached(self) and self.unit is not None and self.unit.pk == self.unit_id:
            self.unit_order = self.unit.order
        else:
            self.unit_order = OrgUnit.objects.filter(pk=self.unit_id).values_list("order", flat=True).first()

    def save(self, *args, **kwargs):
        self.fill_sort_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            update_fields = kwargs["update_fields"] = [*update_fields, "pinyin_key", "stroke_key", "search_key"]
        if update_fields is None:
            self.fill_unit_order()
        elif {"unit", "unit_id"} & set(update_fields):
            self.fill_unit_order()
            kwargs["update_fields"] = [*update_fields, "unit_order"]
        super().save(*args, **kwargs)

    @property
    def ethnicity_name(self) -> str:
        return ETHNICITY_NAME.get(self.ethnicity, "")

    def age_on(self, on: dt.date) -> int:
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def retirement(self):
        """The statutory retirement (age and month) by the birth-month table (cadre.retirement)."""
        return retirement_of(self.birth_date, self.gender) if self.birth_date else None

    @property
    def current_job(self) -> str:
        unit = self.unit.short_name or self.unit.name if self.unit_id else ""
        return f"{unit}{self.position_title}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class EducationRecord(models.Model):
    """One row per mode (全日制 / 在职): the highest education in that mode, as the 任免审批表 shows it."""

    cadre = models.ForeignKey(  # education_one_per_mode (cadre, mode) serves every lookup by cadre
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="educations", db_index=False
    )
    mode = models.CharField("教育类别", max_length=4, choices=EducationMode.choices)
    level = models.CharField("学历", max_length=8, choices=Education.choices, blank=True)
    degree = models.CharField("学位", max_length=30, blank=True)
    school = models.CharField("毕业院校", max_length=100, blank=True)
    major = models.CharField("专业", max_length=100, blank=True)
    graduated_on = models.DateField("毕业时间", null=True, blank=True)
    party_school = models.BooleanField("党校学历", default=False, db_default=False)
    level_text = models.CharField(
        "学历（原文）", max_length=30, blank=True, default="", db_default="", help_text="导入文件中的写法，例如省委党校研究生"
    )
    history = ImportedHistory(verbose_name="学历变更记录")

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["cadre_id", "mode"]
        constraints = [models.UniqueConstraint(fields=["cadre", "mode"], name="education_one_per_mode")]
        indexes = [models.Index(fields=["level", "cadre"], name="education_level_cadre")]  # 学历 filter

    def __str__(self):
        return f"{self.mode} {self.level}"

    @property
    def school_and_major(self) -> str:
        return " ".join(p for p in (self.school, self.major) if p)


class PostHistory(models.Model):
    """任职经历. The open row (end is null) is a current holding; resume lines derive from these rows."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="post_history")
    unit = models.ForeignKey(OrgUnit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT)
    post = models.ForeignKey(
        Post, verbose_name="职位", null=True, blank=True, on_delete=models.PROTECT, related_name="holdings"
    )
    seat = models.PositiveSmallIntegerField("职数序号", null=True, blank=True)
    unit_name = models.CharField("单位（当时名称）", max_length=100, blank=True)
    title = models.CharField("职务", max_length=100)
    level = models.CharField("职务层次", max_length=8, choices=RankLevel.choices, blank=True)
    start = models.DateField("起始时间")
    end = models.DateField("终止时间", null=True, blank=True)
    method = models.CharField("任职方式", max_length=8, choices=AppointmentMethod.choices, blank=True)
    document_no = models.CharField("任职文号", max_length=60, blank=True, default="", db_default="")
    is_secondment = models.BooleanField("挂职", default=False)
    history = ImportedHistory(verbose_name="任职经历变更记录", no_db_index=["unit", "post"])  # read by cadre

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["cadre_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="posthistory_end_after_start"),
            models.CheckConstraint(
                condition=Q(post__isnull=True, seat__isnull=True) | Q(post__isnull=False, seat__gte=1),
                name="posthistory_seat_with_post",
            ),
            models.UniqueConstraint(
                fields=["post", "seat"], condition=Q(end__isnull=True), name="posthistory_one_open_per_seat"
            ),
            models.UniqueConstraint(
                fields=["cadre", "post"], condition=Q(end__isnull=True), name="posthistory_one_open_per_cadre_post"
            ),
        ]

    def __str__(self):
        return self.resume_line

    @property
    def resume_line(self) -> str:
        start = f"{self.start.year}.{self.start.month:02d}"
        end = f"{self.end.year}.{self.end.month:02d}" if self.end else "       "
        return f"{start}--{end}  {self.unit_name}{self.title}"


class RankHistory(models.Model):
    """职务层次/职级 history. The open row is the current level."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rank_history")
    level = models.CharField("职务层次", max_length=8, choices=RankLevel.choices)
    start = models.DateField("起始时间")
    end = models.DateField("终止时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = ImportedHistory(verbose_name="职级变更记录")

    class Meta:
        verbose_name = "职务层次经历"
        verbose_name_plural = "职务层次经历"
        ordering = ["cadre_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="rankhistory_end_after_start"),
            models.UniqueConstraint(fields=["cadre"], condition=Q(end__isnull=True), name="rankhistory_one_open_per_cadre"),
        ]

    def __str__(self):
        return f"{self.level} {month_text(self.start)}"


class AnnualAssessment(models.Model):
    cadre = models.ForeignKey(  # assessment_one_per_year (cadre, year) serves every lookup by cadre
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments", db_index=False
    )
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核结果", max_length=4, choices=AssessmentGrade.choices)
    reason = models.CharField("说明", max_length=200, blank=True, help_text="未定等次时填写原因")
    history = ImportedHistory(verbose_name="考核变更记录")

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="assessment_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1950) & Q(year__lte=2100), name="assessment_year_range"),
        ]

    def __str__(self):
        return f"{self.year}年度 {self.grade}"


class RewardPunishment(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rewards_punishments")
    kind = models.CharField("类别", max_length=4, choices=SanctionKind.choices)
    name = models.CharField("名称", max_length=100, help_text="例如：党内警告、记三等功")
    reason = models.CharField("事由", max_length=300, blank=True)
    decided_on = models.DateField("决定时间")
    effect_start = models.DateField("影响期起", null=True, blank=True)
    effect_end = models.DateField("影响期止", null=True, blank=True)
    issuer = models.CharField("决定机关", max_length=100, blank=True)
    history = HistoricalRecords(verbose_name="奖惩变更记录")

    class Meta:
        verbose_name = "奖惩情况"
        verbose_name_plural = "奖惩情况"
        ordering = ["cadre_id", "decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effect_end__isnull=True) | Q(effect_start__isnull=True) | Q(effect_end__gte=models.F("effect_start")),
                name="reward_effect_period_order",
            ),
        ]

    def __str__(self):
        return f"{month_text(self.decided_on)} {self.name}"

    @property
    def is_sanction(self) -> bool:
        return self.kind in (SanctionKind.PARTY_SANCTION, SanctionKind.ADMIN_SANCTION)

    def in_effect_on(self, on: dt.date) -> bool:
        if not self.is_sanction:
            return False
        start = self.effect_start or self.decided_on
        return start <= on and (self.effect_end is None or on <= self.effect_end)


class FamilyMember(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=30)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=8, choices=PoliticalStatus.choices, blank=True)
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    relative_cadre = models.ForeignKey(
        Cadre,
        verbose_name="对应干部档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relatives_in_system",
        help_text="亲属本人也在干部名册中时关联，用于任职回避",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords(verbose_name="家庭成员变更记录")

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["cadre_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(relative_cadre=models.F("cadre")), name="family_not_self"),
        ]

    def __str__(self):
        return f"{self.relation} {self.name}"


class FamilyLinkProposal(models.Model):
    """A family row that may be a roster record, waiting for staff (or decided by them).

    A rejection is remembered by (record owner, candidate, the relative's name), so it survives the family row
    being rewritten by a later import, and the pair is not proposed again."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "已否定"

    member = models.ForeignKey(
        FamilyMember, verbose_name="家庭成员", null=True, blank=True, on_delete=models.SET_NULL, related_name="link_proposals"
    )
    cadre = models.ForeignKey(Cadre, verbose_name="本人档案", on_delete=models.CASCADE, related_name="family_link_proposals")
    member_name = models.CharField("家庭成员姓名", max_length=30)
    candidate = models.ForeignKey(Cadre, verbose_name="可能对应的干部档案", on_delete=models.CASCADE, related_name="+")
    basis = models.CharField("匹配依据", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField("否定理由", max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = "家庭成员关联建议"
        verbose_name_plural = "家庭成员关联建议"
        ordering = ["status", "cadre_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "member_name", "candidate"], name="family_link_proposal_once"),
        ]

    def __str__(self):
        return f"{self.member_name} → {self.candidate_id}（{self.get_status_display()}）"


# ---------------------------------------------------------------- 任职资格 (eligibility)


class EligibilityRuleSet(models.Model):
    """Overrides of the code defaults (cadre.eligibility.rulesets.LEVEL_DEFAULTS) for one post level.

    Resolution, each layer deep-merged over the previous: code defaults of the level → the level row
    (post and scope empty) → the post's row → the campaign's row (scope `campaign:<id>`, post empty).
    `params` holds only the keys that differ, e.g. {"新任": {"age": {"male": 44}}}.
    """

    class Level(models.TextChoices):
        ZHENGKE = "正科", "正科"
        FUKE = "副科", "副科"

    level = models.CharField("职位层次", max_length=4, choices=Level.choices)
    post = models.OneToOneField(
        Post, verbose_name="职位", null=True, blank=True, on_delete=models.CASCADE, related_name="eligibility_rule_set"
    )
    scope = models.CharField("适用范围", max_length=40, blank=True, help_text="例如 campaign:12；为空表示层次默认或职位")
    params = models.JSONField("规则参数", default=dict, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords(verbose_name="任职资格规则变更记录")

    class Meta:
        verbose_name = "任职资格规则"
        verbose_name_plural = "任职资格规则"
        ordering = ["level", "post_id", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["level"], condition=Q(post__isnull=True, scope=""), name="ruleset_one_default_per_level"
            ),
            models.UniqueConstraint(
                fields=["scope", "level"], condition=~Q(scope=""), name="ruleset_one_per_scope_level"
            ),
            models.CheckConstraint(condition=Q(post__isnull=True) | Q(scope=""), name="ruleset_post_or_scope"),
        ]

    def __str__(self):
        if self.post_id:
            return f"{self.post}任职资格"
        if self.scope:
            return f"{self.scope} {self.level}任职资格"
        return f"{self.level}默认任职资格"


class EligibilityWaiver(models.Model):
    """经批准放宽: a leader lifts one waivable rule (年龄/学历/任职年限) for one person and a post or a campaign."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="eligibility_waivers")
    post = models.ForeignKey(
        Post, verbose_name="职位", null=True, blank=True, on_delete=models.CASCADE, related_name="eligibility_waivers"
    )
    scope = models.CharField("适用范围", max_length=40, blank=True, help_text="例如 campaign:12；与职位二选一")
    rule = models.CharField(
        "放宽条件", max_length=16, choices=[("age", "年龄"), ("education", "学历"), ("tenure", "任职年限")]
    )
    reason = models.CharField("放宽理由", max_length=300)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField("批准日期")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField("撤销理由", max_length=300, blank=True)
    history = HistoricalRecords(verbose_name="放宽记录变更记录")

    class Meta:
        verbose_name = "任职资格放宽"
        verbose_name_plural = "任职资格放宽"
        ordering = ["-approved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(scope="")) | (Q(post__isnull=True) & ~Q(scope="")),
                name="waiver_post_xor_scope",
            ),
            models.CheckConstraint(condition=Q(rule__in=["age", "education", "tenure"]), name="waiver_rule_waivable"),
            models.CheckConstraint(condition=~Q(reason=""), name="waiver_reason_required"),
            models.UniqueConstraint(
                fields=["cadre", "post", "rule"], condition=Q(revoked_at__isnull=True, post__isnull=False),
                name="waiver_one_active_per_post_rule",
            ),
            models.UniqueConstraint(
                fields=["cadre", "scope", "rule"], condition=Q(revoked_at__isnull=True) & ~Q(scope=""),
                name="waiver_one_active_per_scope_rule",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_rule_display()}放宽"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class EligibilityManualCheck(models.Model):
    """人工审核: staff record the outcome of the manual items (政治素质和品行) for one person, in general, for one
    post or for one campaign scope (the most specific record applies: post, then scope, then general)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="eligibility_manual_checks")
    post = models.ForeignKey(
        Post, verbose_name="职位", null=True, blank=True, on_delete=models.CASCADE, related_name="eligibility_manual_checks"
    )
    scope = models.CharField("适用范围", max_length=40, blank=True, help_text="例如 campaign:12；职位和范围均为空表示通用")
    rule = models.CharField("审核项目", max_length=16, choices=[("manual", "政治素质和品行")], default="manual")
    passed = models.BooleanField("审核结论", choices=[(True, "通过"), (False, "不通过")])
    reason = models.CharField("审核意见", max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField("审核日期")
    history = HistoricalRecords(verbose_name="人工审核变更记录")

    class Meta:
        verbose_name = "任职资格人工审核"
        verbose_name_plural = "任职资格人工审核"
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(post__isnull=True) | Q(scope=""), name="manual_check_post_or_scope"),
            models.CheckConstraint(condition=~Q(reason=""), name="manual_check_reason_required"),
            models.UniqueConstraint(
                fields=["cadre", "post", "rule"], condition=Q(post__isnull=False), name="manual_check_one_per_post",
            ),
            models.UniqueConstraint(
                fields=["cadre", "scope", "rule"], condition=Q(post__isnull=True), name="manual_check_one_per_scope",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_rule_display()}人工审核"


class RosterVersion(models.Model):
    """One row: a token (a new random number) set after every write that can change a 任职资格 result or the
    roster (records, imports, waivers, manual checks); cached screens, roster pages and counts are keyed by it,
    so every process sees a write at once."""

    value = models.BigIntegerField("版本号", default=0)

    class Meta:
        verbose_name = "花名册版本"
        verbose_name_plural = "花名册版本"


@receiver(post_save, sender=OrgUnit, dispatch_uid="cadre_unit_order_follows_unit")
def _unit_order_follows_unit(sender, instance: OrgUnit, created: bool, raw: bool = False, **kwargs):
    """Keep Cadre.unit_order equal to the unit's order whenever a unit is saved (services, admin, anywhere)."""
    if created or raw:
        return
    Cadre.objects.filter(unit_id=instance.pk).exclude(unit_order=instance.order).update(unit_order=instance.order)
