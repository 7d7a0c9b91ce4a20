"""竞争上岗 records: campaigns, their posts, applications, speech scores, the 党委会, 公示 objections and the
stage events. Data and constraints only; the workflow is in workflow.py and every write in services.py."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .workflow import Stage

USER = settings.AUTH_USER_MODEL


class Campaign(models.Model):
    title = models.CharField("工作名称", max_length=100, help_text="例如：2026年度中层干部轮岗交流和竞争上岗")
    plan_year = models.PositiveSmallIntegerField("方案年度")
    as_of = models.DateField("资格计算基准日", help_text="年龄、任职年限、年度考核均按此日期计算")
    stage = models.CharField("当前阶段", max_length=16, choices=Stage.choices, default=Stage.PREPARATION, db_index=True)
    stage_since = models.DateTimeField("进入当前阶段时间", auto_now_add=True)
    schedule = models.TextField("工作安排", blank=True, help_text="方案中的时间安排，每行一项")
    issuer = models.CharField("发文机关", max_length=60, default="中共青溪经济开发区工作委员会组织部")
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_address = models.CharField("联系地址", max_length=100, blank=True)
    contact_mail = models.CharField("电子邮箱/举报信箱", max_length=100, blank=True)

    # rotation scope (准备动员 gate: ≥ 30% of posts in scope rotate)
    scope_post_count = models.PositiveIntegerField("纳入轮岗范围职位数", default=0)
    rotation_plan = models.ForeignKey(
        "rotation.RotationPlan", verbose_name="关联轮岗交流方案", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_rotation_count = models.PositiveIntegerField(
        "申报交流人数", null=True, blank=True, help_text="未关联轮岗交流方案时，填写本次计划交流的职位数"
    )
    min_rotation_percent = models.DecimalField("轮岗比例下限（%）", max_digits=5, decimal_places=2, default=Decimal(30))

    # settings
    registration_start = models.DateField("报名开始日期", null=True, blank=True)
    registration_end = models.DateField("报名截止日期", null=True, blank=True, help_text="截止日当天仍可报名")
    max_posts_per_candidate = models.PositiveSmallIntegerField("每人最多报名职位数", default=1)
    min_candidates_per_vacancy = models.PositiveSmallIntegerField("每个职数最少合格人数（差额）", default=2)
    min_mass_recommenders = models.PositiveSmallIntegerField("群众举荐最少联名人数", default=5)
    speech_weight = models.DecimalField("演讲成绩权重（%）", max_digits=5, decimal_places=2, default=Decimal(40))
    evaluation_weight = models.DecimalField("民主测评权重（%）", max_digits=5, decimal_places=2, default=Decimal(60))
    written_weight = models.DecimalField("笔试成绩权重（%）", max_digits=5, decimal_places=2, default=Decimal(0))
    trim_min_judges = models.PositiveSmallIntegerField(
        "去掉最高最低分的最少评委数", default=5, help_text="评委人数达到此数时去掉一个最高分和一个最低分"
    )
    inspection_ratio = models.DecimalField(
        "考察对象比例（职数:人数 1:N）", max_digits=3, decimal_places=1, default=Decimal(2)
    )
    publicity_working_days = models.PositiveSmallIntegerField("任前公示工作日数", default=5)
    term_years = models.PositiveSmallIntegerField("聘期（年）", default=2)
    probation_years = models.PositiveSmallIntegerField("试用期（年）", default=1)
    meeting_quorum_num = models.PositiveSmallIntegerField("党委会到会比例分子", default=2)
    meeting_quorum_den = models.PositiveSmallIntegerField("党委会到会比例分母", default=3)

    # recorded decisions
    plan_document_no = models.CharField("方案批准文号", max_length=60, blank=True)
    plan_approved_by = models.ForeignKey(USER, verbose_name="方案批准人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    plan_approved_at = models.DateTimeField("方案批准时间", null=True, blank=True)
    announcement_no = models.CharField("职位公告文号", max_length=60, blank=True)
    review_submitted_at = models.DateTimeField("审查名单报党委时间", null=True, blank=True)
    review_approved_by = models.ForeignKey(USER, verbose_name="审查名单审定人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_approved_at = models.DateTimeField("审查名单审定时间", null=True, blank=True)
    review_published_at = models.DateTimeField("张榜公布时间", null=True, blank=True)
    speech_date = models.DateField("演讲日期", null=True, blank=True)
    speech_closed_at = models.DateTimeField("评分截止时间", null=True, blank=True)
    ballot_session = models.ForeignKey(
        "assessment.BallotSession", verbose_name="民主测评场次", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection_confirmed_by = models.ForeignKey(USER, verbose_name="考察对象确定人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    inspection_confirmed_at = models.DateTimeField("考察对象确定时间", null=True, blank=True)
    superior_approval_no = models.CharField("上级组织部批复文号", max_length=60, blank=True)
    superior_approval_date = models.DateField("上级批复日期", null=True, blank=True)
    publicity_start = models.DateField("公示开始日期", null=True, blank=True)
    publicity_end = models.DateField("公示截止日期", null=True, blank=True)
    appointment_date = models.DateField("任职日期", null=True, blank=True)
    appointment_document_no = models.CharField("聘任文件文号", max_length=60, blank=True)
    cancel_reason = models.CharField("终止原因", max_length=300, blank=True)

    created_by = models.ForeignKey(USER, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="竞争上岗工作变更记录")

    class Meta:
        verbose_name = "竞争上岗工作"
        verbose_name_plural = "竞争上岗工作"
        ordering = ["-plan_year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speech_weight__gte=0) & Q(evaluation_weight__gte=0) & Q(written_weight__gte=0),
                name="campaign_weights_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(inspection_ratio__gte=1) & Q(inspection_ratio__lte=3), name="campaign_inspection_ratio_1_3"
            ),
            models.CheckConstraint(
                condition=Q(registration_start__isnull=True) | Q(registration_end__isnull=True)
                | Q(registration_end__gte=models.F("registration_start")),
                name="campaign_registration_window_order",
            ),
            models.CheckConstraint(condition=Q(max_posts_per_candidate__gte=1), name="campaign_max_posts_min1"),
            models.CheckConstraint(condition=Q(publicity_working_days__gte=5), name="campaign_publicity_min5"),
        ]

    def __str__(self):
        return self.title

    @property
    def scope(self) -> str:
        """The eligibility rule-set/waiver scope of this campaign."""
        return f"campaign:{self.pk}"


class MemberRole(models.TextChoices):
    GROUP_LEADER = "组长", "领导小组组长"
    GROUP_DEPUTY = "副组长", "领导小组副组长"
    GROUP_MEMBER = "成员", "领导小组成员"
    TEAM = "工作班子", "工作班子成员"


class CampaignMember(models.Model):
    """领导小组 and 工作班子."""

    campaign = models.ForeignKey(Campaign, verbose_name="竞争上岗工作", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, verbose_name="系统账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("姓名", max_length=30)
    duty = models.CharField("职务", max_length=60, blank=True)
    role = models.CharField("组内职责", max_length=8, choices=MemberRole.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "领导小组/工作班子成员"
        verbose_name_plural = "领导小组/工作班子成员"
        ordering = ["campaign_id", "order", "id"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class PostStatus(models.TextChoices):
    OPEN = "open", "竞争中"
    CANCELLED = "cancelled", "已取消"


class CampaignPost(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name="竞争上岗工作", on_delete=models.CASCADE, related_name="posts")
    post = models.ForeignKey("cadre.Post", verbose_name="职位", on_delete=models.PROTECT, related_name="+")
    vacancies = models.PositiveSmallIntegerField("竞争职数", default=1)
    conditions = models.TextField("职位条件说明", blank=True, help_text="公告中列出的职位特殊条件，每行一条")
    status = models.CharField("状态", max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    order_seed = models.CharField("抽签种子", max_length=64, blank=True)
    order_drawn_at = models.DateTimeField("抽签时间", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "竞争职位"
        verbose_name_plural = "竞争职位"
        ordering = ["campaign_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "post"], name="campaignpost_unique_post"),
            models.CheckConstraint(condition=Q(vacancies__gte=1), name="campaignpost_vacancies_min1"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(cancel_reason=""), name="campaignpost_cancel_has_reason"
            ),
        ]

    def __str__(self):
        return str(self.post)


class CampaignJudge(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name="竞争上岗工作", on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(USER, verbose_name="评委账号", on_delete=models.PROTECT, related_name="judge_assignments")
    name = models.CharField("评委姓名", max_length=30)
    absent = models.BooleanField("缺席", default=False)
    absence_reason = models.CharField("缺席说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评委"
        verbose_name_plural = "评委"
        ordering = ["campaign_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="campaignjudge_unique_user"),
            models.CheckConstraint(condition=Q(absent=False) | ~Q(absence_reason=""), name="campaignjudge_absence_reason"),
        ]

    def __str__(self):
        return self.name


class Source(models.TextChoices):
    SELF = "self", "个人自荐"
    MASS = "mass", "群众举荐"
    ORG = "org", "组织推荐"


class AppStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待本人确认"
    DECLINED = "declined", "本人不同意"
    SUBMITTED = "submitted", "已报名"
    WITHDRAWN = "withdrawn", "已撤回"


class Suggestion(models.TextChoices):
    ELIGIBLE = "符合", "符合"
    ELIGIBLE_WAIVED = "符合（含放宽）", "符合（含放宽）"
    INELIGIBLE = "不符合", "不符合"
    MANUAL = "待人工审核", "待人工审核"


class ReviewDecision(models.TextChoices):
    PASS = "通过", "通过"
    FAIL = "不通过", "不通过"
    WAIVED = "放宽通过", "放宽通过"


class InspectionConclusion(models.TextChoices):
    RECOMMEND = "建议任用", "建议任用"
    DEFER = "暂缓任用", "暂缓任用"
    REJECT = "不建议任用", "不建议任用"


class MeetingResult(models.TextChoices):
    PASSED = "通过", "通过"
    FAILED = "未通过", "未通过"
    DEFERRED = "缓议", "缓议"


class DeferAction(models.TextChoices):
    BACK_TO_INSPECTION = "重新考察", "退回组织考察"
    DROPPED = "不再提名", "不再提名"


class AppointmentKind(models.TextChoices):
    """How the new post compares with the post held at registration (the snapshot's level)."""

    PROMOTION = "新提任", "新提任"
    TRANSFER = "转任", "转任"
    LATERAL = "平职交流", "平职交流"
    DEMOTION = "降职", "降职"


class Application(models.Model):
    """《竞争科级职位申请（推荐）表》 and everything that later happens to that application."""

    campaign = models.ForeignKey(Campaign, verbose_name="竞争上岗工作", on_delete=models.CASCADE, related_name="applications")
    campaign_post = models.ForeignKey(CampaignPost, verbose_name="竞争职位", on_delete=models.PROTECT, related_name="applications")
    cadre = models.ForeignKey("cadre.Cadre", verbose_name="报名人", on_delete=models.PROTECT, related_name="applications")
    source = models.CharField("报名方式", max_length=8, choices=Source.choices, default=Source.SELF)
    status = models.CharField("报名状态", max_length=10, choices=AppStatus.choices, default=AppStatus.DRAFT, db_index=True)
    accept_adjustment = models.BooleanField("服从调剂", default=True)
    achievements = models.CharField("主要工作经历和业绩", max_length=1500, blank=True)
    work_plan = models.TextField("工作设想", blank=True)
    declaration = models.BooleanField("本人承诺所填信息真实", default=False)
    recommenders = models.TextField("举荐人姓名", blank=True, help_text="群众举荐：联名举荐人姓名，以顿号或换行分隔")
    recommender_count = models.PositiveSmallIntegerField("举荐人数", default=0)
    recommending_unit = models.CharField("推荐单位", max_length=100, blank=True)
    recommending_signer = models.CharField("推荐单位负责人", max_length=30, blank=True)
    responded_at = models.DateTimeField("本人确认时间", null=True, blank=True)
    late_entry = models.BooleanField("补报", default=False)
    late_reason = models.CharField("补报理由", max_length=300, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=300, blank=True)
    snapshot = models.JSONField(
        "报名时档案快照", default=dict, blank=True,
        help_text="提交报名（或同意举荐）时冻结的个人信息、现任职务和资格审查结果；此后各环节和文书均以此为准",
    )
    snapshot_at = models.DateTimeField("快照时间", null=True, blank=True)

    # 资格审查
    suggestion = models.CharField("系统审查建议", max_length=8, choices=Suggestion.choices, blank=True)
    suggestion_reasons = models.TextField("审查建议理由", blank=True)
    eligibility = models.JSONField("资格审查明细", default=dict, blank=True)
    review_decision = models.CharField("审查结论", max_length=8, choices=ReviewDecision.choices, blank=True)
    review_reason = models.CharField("审查意见", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(USER, verbose_name="审查人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)

    # 演讲、测评、排名
    speaking_order = models.PositiveSmallIntegerField("演讲顺序", null=True, blank=True)
    speech_score = models.DecimalField("演讲成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    written_score = models.DecimalField("笔试成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    evaluation_score = models.DecimalField("民主测评成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    composite_score = models.DecimalField("综合成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField("职位内名次", null=True, blank=True)
    tied = models.BooleanField("并列", default=False)

    # 组织考察
    is_inspection_target = models.BooleanField("考察对象", default=False)
    talks_count = models.PositiveSmallIntegerField("个别谈话人数", null=True, blank=True)
    inspection_opinion = models.TextField("考察意见", blank=True)
    inspection_conclusion = models.CharField("考察结论", max_length=8, choices=InspectionConclusion.choices, blank=True)

    # 讨论决定、审批、公示、任职
    meeting_result = models.CharField("党委会结果", max_length=4, choices=MeetingResult.choices, blank=True)
    defer_action = models.CharField("缓议处理", max_length=8, choices=DeferAction.choices, blank=True)
    defer_reason = models.CharField("缓议处理理由", max_length=300, blank=True)
    superior_approved = models.BooleanField("上级已批准", null=True, blank=True)
    appointed_on = models.DateField("任职日期", null=True, blank=True)
    term_end = models.DateField("聘期届满日期", null=True, blank=True)
    probation_end = models.DateField("试用期满日期", null=True, blank=True)
    is_new_appointment = models.BooleanField("新提任", null=True, blank=True)
    appointment_kind = models.CharField("任职方式", max_length=8, choices=AppointmentKind.choices, blank=True)
    ended_reason = models.CharField("终止原因", max_length=300, blank=True, help_text="例如：公示反映问题查实")

    created_by = models.ForeignKey(USER, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(verbose_name="报名变更记录")

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["campaign_id", "campaign_post_id", "speaking_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_post", "cadre"], name="application_one_per_person_post"),
            models.CheckConstraint(
                condition=~Q(source="mass") | Q(recommender_count__gte=1), name="application_mass_has_recommenders"
            ),
            models.CheckConstraint(
                condition=~Q(source="org") | ~Q(recommending_unit=""), name="application_org_has_unit"
            ),
            models.CheckConstraint(condition=Q(late_entry=False) | ~Q(late_reason=""), name="application_late_has_reason"),
            models.CheckConstraint(
                condition=Q(review_decision="") | Q(reviewed_at__isnull=False), name="application_decision_dated"
            ),
            models.CheckConstraint(
                condition=(Q(speech_score__isnull=True) | (Q(speech_score__gte=0) & Q(speech_score__lte=100)))
                & (Q(written_score__isnull=True) | (Q(written_score__gte=0) & Q(written_score__lte=100))),
                name="application_scores_range",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} → {self.campaign_post}"


class JudgeScore(models.Model):
    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(CampaignJudge, verbose_name="评委", on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField("演讲评分", max_digits=4, decimal_places=1)
    scored_at = models.DateTimeField("评分时间", auto_now=True)
    correction_reason = models.CharField("更正理由", max_length=300, blank=True)
    history = HistoricalRecords(verbose_name="评分变更记录")

    class Meta:
        verbose_name = "演讲评分"
        verbose_name_plural = "演讲评分"
        constraints = [
            models.UniqueConstraint(fields=["application", "judge"], name="judgescore_one_per_judge"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="judgescore_range"),
        ]

    def __str__(self):
        return f"{self.judge} {self.score}"


class Meeting(models.Model):
    """党委会 (讨论决定)."""

    campaign = models.ForeignKey(Campaign, verbose_name="竞争上岗工作", on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=100, default="党工委会议")
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    quorum_met = models.BooleanField("达到法定人数", default=False)
    note = models.TextField("会议说明", blank=True)

    class Meta:
        verbose_name = "党委会"
        verbose_name_plural = "党委会"
        ordering = ["campaign_id", "held_on", "id"]

    def __str__(self):
        return f"{self.held_on:%Y.%m.%d} {self.title}"


class MeetingMember(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, verbose_name="系统账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("姓名", max_length=30)
    present = models.BooleanField("到会", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "应到会成员"
        verbose_name_plural = "应到会成员"
        ordering = ["meeting_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="meetingmember_unique_name")]

    def __str__(self):
        return self.name


class VoteChoice(models.TextChoices):
    AGREE = "同意", "同意"
    DISAGREE = "不同意", "不同意"
    DEFER = "缓议", "缓议"


class MeetingVote(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(MeetingMember, verbose_name="表决人", on_delete=models.CASCADE, related_name="votes")
    application = models.ForeignKey(Application, verbose_name="表决对象", on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField("表决意见", max_length=4, choices=VoteChoice.choices)

    class Meta:
        verbose_name = "表决票"
        verbose_name_plural = "表决票"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member", "application"], name="meetingvote_one_per_member"),
        ]


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "核查中"
    UNSUBSTANTIATED = "unfounded", "反映问题不属实"
    SUBSTANTIATED = "founded", "反映问题属实"


class Objection(models.Model):
    """任前公示期间的举报/反映."""

    application = models.ForeignKey(Application, verbose_name="公示对象", on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField("收到日期")
    channel = models.CharField("反映渠道", max_length=30, help_text="来信、来电、来访、网络等")
    content = models.TextField("反映内容")
    status = models.CharField("核查状态", max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField("核查结论", blank=True)
    resolved_by = models.ForeignKey(USER, verbose_name="核查人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField("核查时间", null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="公示反映变更记录")

    class Meta:
        verbose_name = "公示反映"
        verbose_name_plural = "公示反映"
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | ~Q(resolution=""), name="objection_resolved_has_text"),
        ]


class StageEvent(models.Model):
    """Every transition and every 撤回: who, when, from, to, note."""

    campaign = models.ForeignKey(Campaign, verbose_name="竞争上岗工作", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=30)
    label = models.CharField("操作名称", max_length=40)
    from_stage = models.CharField("原阶段", max_length=16, choices=Stage.choices)
    to_stage = models.CharField("新阶段", max_length=16, choices=Stage.choices)
    is_withdrawal = models.BooleanField("撤回", default=False)
    actor = models.ForeignKey(USER, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField("操作人说明", max_length=40, blank=True, help_text="系统定时任务等")
    note = models.CharField("说明/理由", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "阶段流转记录"
        verbose_name_plural = "阶段流转记录"
        ordering = ["campaign_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(is_withdrawal=False) | ~Q(note=""), name="stageevent_withdrawal_reason"),
        ]

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
