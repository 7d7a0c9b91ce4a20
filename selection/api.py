"""DRF API of 竞争上岗 (selection): thin views over selection.selectors and the selection services.

Input serializers check shapes; every rule lives in the services, whose ApplicationError becomes a 400 with the
Chinese reason (core.api.exception_handler). Who may call what (selection.permissions):

- 组织部工作人员 (staff): the campaign, its posts, judges and members, the review, scoring administration,
  inspection records, the 上级审批, 公示 and the appointment; every list and export.
- 领导小组成员 (leader): reads everything; approves/returns the plan and the review list, confirms 考察对象,
  records the 党委会; the transitions the stage table gives to leaders.
- 纪检监督 (observer): reads everything, changes nothing.
- 评委 (judge): the campaigns they are assigned to, only their own score sheet and scores.
- 干部 (candidate): open campaigns, their own applications (``/my-applications/``) and nominations; never
  another person's application (404) nor a whole campaign.

Role refusals are 403; records the caller may not see are 404; stage and data problems are 400.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre.models import Cadre, Post
from core import roles
from core.exceptions import ApplicationError

from . import (
    exports,
    permissions,
    selectors,
    services,
    services_decision,
    services_registration,
    services_scoring,
    workflow,
)
from .filters import ApplicationFilter, CampaignFilter
from .models import (
    Application,
    AppStatus,
    Campaign,
    CampaignJudge,
    CampaignMember,
    CampaignPost,
    DeferAction,
    InspectionConclusion,
    JudgeScore,
    MemberRole,
    Objection,
    ReviewDecision,
    Source,
    StageEvent,
    VoteChoice,
)
from .views_export import xlsx_response

User = get_user_model()

ERROR_400 = OpenApiResponse(
    inline_serializer(
        name="SelectionErrorResponse",
        fields={
            "detail": serializers.CharField(label="错误说明（中文）"),
            "field": serializers.CharField(label="出错字段", required=False),
            "errors": serializers.ListField(child=serializers.CharField(), label="逐项原因", required=False),
        },
    ),
    description="不符合阶段、规则或数据要求：`detail` 为中文说明，`errors` 为逐项原因",
)
DENIED = OpenApiResponse(description="未登录，或当前角色无权进行此项操作（403）")
NOT_FOUND = OpenApiResponse(description="记录不存在或当前账号不可见（404）")
XLSX_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="Excel 文件（.xlsx）")


def _deny(message: str):
    raise PermissionDenied(message)


def _require_work_role(user, work: str):
    if not permissions.work_role_allowed(user, work):
        _stages, who = workflow.STAGE_WORK[work]
        _deny("只有" + "或".join(workflow.ROLE_LABELS[r] for r in who) + "可以进行此项工作。")


def _input(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _int_keys(data: dict, label: str) -> dict:
    out = {}
    for key, value in data.items():
        try:
            out[int(key)] = value
        except (TypeError, ValueError):
            raise serializers.ValidationError({label: [f"“{key}”不是有效的报名编号。"]}) from None
    return out


# ====================================================================== serializers: output


class UserNameField(serializers.CharField):
    def to_representation(self, value):
        return (value.get_full_name() or value.username) if value else ""


class CampaignPostOut(serializers.ModelSerializer):
    title = serializers.CharField(source="post.__str__", read_only=True, label="职位")
    level = serializers.CharField(source="post.level", read_only=True, label="职位层次")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    application_count = serializers.SerializerMethodField(label="报名人数")
    qualified_count = serializers.SerializerMethodField(label="资格审查合格人数")

    class Meta:
        model = CampaignPost
        fields = ["id", "post", "title", "level", "vacancies", "conditions", "status", "status_display",
                  "cancel_reason", "order", "order_seed", "order_drawn_at", "application_count", "qualified_count"]

    def get_application_count(self, obj) -> int | None:
        return getattr(obj, "application_count", None)

    def get_qualified_count(self, obj) -> int | None:
        return getattr(obj, "qualified_count", None)


class MemberOut(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True, label="组内职责")

    class Meta:
        model = CampaignMember
        fields = ["id", "name", "duty", "role", "role_display", "user", "order"]


class JudgeOut(serializers.ModelSerializer):
    class Meta:
        model = CampaignJudge
        fields = ["id", "name", "user", "absent", "absence_reason", "order"]


class CampaignListOut(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True, label="当前阶段")
    stage_number = serializers.SerializerMethodField(label="阶段序号（1–11；12 已完成；0 已终止）")
    post_count = serializers.IntegerField(read_only=True, label="竞争职位数")
    application_count = serializers.IntegerField(read_only=True, label="报名人数")
    qualified_count = serializers.IntegerField(read_only=True, label="资格审查合格人数")
    judge_count = serializers.IntegerField(read_only=True, label="评委人数")

    class Meta:
        model = Campaign
        fields = ["id", "title", "plan_year", "as_of", "stage", "stage_display", "stage_number", "stage_since",
                  "registration_start", "registration_end", "post_count", "application_count", "qualified_count",
                  "judge_count"]

    def get_stage_number(self, obj) -> int:
        return workflow.stage_number(obj.stage)


class ActionOut(serializers.Serializer):
    action = serializers.CharField(label="操作代码")
    label = serializers.CharField(label="操作名称")
    needs_reason = serializers.BooleanField(label="须填写理由")
    withdrawal = serializers.BooleanField(label="撤回")


class CampaignOut(CampaignListOut):
    posts = CampaignPostOut(many=True, read_only=True)
    members = MemberOut(many=True, read_only=True)
    judges = JudgeOut(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField(label="当前账号可执行的阶段操作")
    plan_approved_by = UserNameField(read_only=True, label="方案批准人")
    review_approved_by = UserNameField(read_only=True, label="审查名单审定人")
    inspection_confirmed_by = UserNameField(read_only=True, label="考察对象确定人")

    class Meta(CampaignListOut.Meta):
        fields = CampaignListOut.Meta.fields + [f for f in services.EDITABLE_FIELDS if f not in CampaignListOut.Meta.fields] + [
            "plan_document_no", "plan_approved_by", "plan_approved_at", "announcement_no", "review_submitted_at",
            "review_approved_by", "review_approved_at", "review_published_at", "speech_date", "speech_closed_at",
            "ballot_session", "inspection_confirmed_by", "inspection_confirmed_at", "superior_approval_no",
            "superior_approval_date", "publicity_start", "publicity_end", "appointment_date",
            "appointment_document_no", "cancel_reason", "created_at", "posts", "members", "judges",
            "available_actions",
        ]


    @extend_schema_field(ActionOut(many=True))
    def get_available_actions(self, obj) -> list[dict]:
        user = self.context["request"].user
        return [
            {"action": t.action, "label": t.label, "needs_reason": t.needs_reason, "withdrawal": t.withdrawal}
            for t in workflow.available(obj.stage)
            if workflow.role_codes(user) & set(t.roles)
        ]


class EventOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(label="操作人")
    from_stage_display = serializers.CharField(source="get_from_stage_display", read_only=True, label="原阶段")
    to_stage_display = serializers.CharField(source="get_to_stage_display", read_only=True, label="新阶段")

    class Meta:
        model = StageEvent
        fields = ["id", "action", "label", "from_stage", "from_stage_display", "to_stage", "to_stage_display",
                  "is_withdrawal", "actor", "note", "created_at"]

    def get_actor(self, obj) -> str:
        if obj.actor_id:
            return obj.actor.get_full_name() or obj.actor.username
        return obj.actor_label


class PersonFields(serializers.Serializer):
    """The person of an application as the lists show them."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True, label="姓名")
    gender = serializers.CharField(source="cadre.gender", read_only=True, label="性别")
    birth_month = serializers.SerializerMethodField(label="出生年月")
    current_job = serializers.SerializerMethodField(label="现单位及职务")
    post_title = serializers.CharField(source="campaign_post.post.__str__", read_only=True, label="报名职位")

    def get_birth_month(self, obj) -> str:
        return exports.month_text(obj.cadre.birth_date)

    def get_current_job(self, obj) -> str:
        return exports.current_job(obj.cadre)


APPLICATION_FORM_FIELDS = ["accept_adjustment", "achievements", "work_plan", "declaration"]
SCORE_FIELDS = ["speaking_order", "speech_score", "written_score", "evaluation_score", "composite_score", "rank",
                "tied"]


class ApplicationOut(PersonFields, serializers.ModelSerializer):
    """The whole application, for staff, leaders and the observer."""

    source_display = serializers.CharField(source="get_source_display", read_only=True, label="报名方式")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="报名状态")

    class Meta:
        model = Application
        fields = [
            "id", "campaign", "campaign_post", "post_title", "cadre", "cadre_name", "gender", "birth_month",
            "current_job", "source", "source_display", "status", "status_display", *APPLICATION_FORM_FIELDS,
            "recommenders", "recommender_count", "recommending_unit", "recommending_signer", "responded_at",
            "late_entry", "late_reason", "submitted_at", "withdraw_reason", "suggestion", "suggestion_reasons",
            "eligibility", "review_decision", "review_reason", "reviewed_at", *SCORE_FIELDS,
            "is_inspection_target", "talks_count", "inspection_opinion", "inspection_conclusion", "meeting_result",
            "defer_action", "defer_reason", "superior_approved", "appointed_on", "term_end", "probation_end",
            "is_new_appointment", "ended_reason",
        ]


class MyApplicationOut(PersonFields, serializers.ModelSerializer):
    """A candidate's own application: the form, the eligibility check, the review result once published and the
    scores once 任前公示 started (null before)."""

    campaign_title = serializers.CharField(source="campaign.title", read_only=True, label="竞争上岗工作")
    campaign_stage = serializers.CharField(source="campaign.get_stage_display", read_only=True, label="工作阶段")
    source_display = serializers.CharField(source="get_source_display", read_only=True, label="报名方式")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="报名状态")

    class Meta:
        model = Application
        fields = [
            "id", "campaign", "campaign_title", "campaign_stage", "campaign_post", "post_title", "cadre_name",
            "gender", "birth_month", "current_job", "source", "source_display", "status", "status_display",
            *APPLICATION_FORM_FIELDS, "recommenders", "recommender_count", "recommending_unit", "recommending_signer",
            "late_entry", "submitted_at", "withdraw_reason", "suggestion", "suggestion_reasons", "eligibility",
            "review_decision", "review_reason", *SCORE_FIELDS, "appointed_on", "ended_reason",
        ]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not obj.campaign.review_published_at:
            data["review_decision"] = ""
            data["review_reason"] = ""
        if not permissions.can_see_scores(self.context["request"].user, obj.campaign, obj):
            for name in SCORE_FIELDS:
                if name != "speaking_order":
                    data[name] = None
        return data


class SheetRowOut(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk", label="报名编号")
    cadre_name = serializers.CharField(source="application.cadre.name", label="姓名")
    campaign_post = serializers.IntegerField(source="application.campaign_post_id", label="竞争职位编号")
    speaking_order = serializers.IntegerField(source="application.speaking_order", allow_null=True, label="演讲顺序")
    my_score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, label="本人评分")


class SheetGroupOut(serializers.Serializer):
    campaign_post = serializers.IntegerField(source="campaign_post.pk", label="竞争职位编号")
    title = serializers.CharField(source="campaign_post.post.__str__", label="职位")
    rows = SheetRowOut(many=True, label="候选人（演讲顺序）")
    scored = serializers.IntegerField(source="decided", label="已评分人数")


class JudgeSheetOut(serializers.Serializer):
    judge = serializers.CharField(source="judge.name", label="评委")
    absent = serializers.BooleanField(source="judge.absent", label="缺席")
    open = serializers.BooleanField(label="可以评分")
    groups = SheetGroupOut(many=True, label="各职位")


class ScoreRowOut(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk", label="报名编号")
    cadre_name = serializers.CharField(source="application.cadre.name", label="姓名")
    speaking_order = serializers.IntegerField(source="application.speaking_order", allow_null=True, label="演讲顺序")
    scores = serializers.ListField(child=serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True),
                                   label="各评委评分（与 judges 顺序一致）")
    speech_score = serializers.DecimalField(source="application.speech_score", max_digits=5, decimal_places=2,
                                            allow_null=True, label="演讲成绩")
    missing = serializers.IntegerField(label="缺少的评分数")


class ScoreGroupOut(serializers.Serializer):
    campaign_post = serializers.IntegerField(source="campaign_post.pk", label="竞争职位编号")
    title = serializers.CharField(source="campaign_post.post.__str__", label="职位")
    rows = ScoreRowOut(many=True)


class ScoresOverviewOut(serializers.Serializer):
    judges = JudgeOut(many=True, label="评委")
    groups = ScoreGroupOut(many=True, label="各职位")
    missing_total = serializers.IntegerField(label="缺少的评分总数")


class RankRowOut(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk", label="报名编号")
    cadre_name = serializers.CharField(source="application.cadre.name", label="姓名")
    speaking_order = serializers.IntegerField(source="application.speaking_order", allow_null=True, label="演讲顺序")
    speech = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, label="演讲成绩")
    evaluation = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, label="民主测评成绩")
    written = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, label="笔试成绩")
    composite = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, label="综合成绩")
    rank = serializers.IntegerField(allow_null=True, label="名次")
    tied = serializers.BooleanField(label="并列")
    is_target = serializers.BooleanField(label="考察对象")
    double_target = serializers.BooleanField(label="同时为两个职位的考察对象")


class RankGroupOut(serializers.Serializer):
    campaign_post = serializers.IntegerField(source="campaign_post.pk", label="竞争职位编号")
    title = serializers.CharField(source="campaign_post.post.__str__", label="职位")
    vacancies = serializers.IntegerField(source="campaign_post.vacancies", label="职数")
    quota = serializers.IntegerField(label="考察对象人数（按比例）")
    rows = RankRowOut(many=True)


class ReviewGroupOut(serializers.Serializer):
    campaign_post = serializers.IntegerField(source="campaign_post.pk", label="竞争职位编号")
    title = serializers.CharField(source="campaign_post.post.__str__", label="职位")
    status = serializers.CharField(source="campaign_post.status", label="职位状态")
    vacancies = serializers.IntegerField(source="campaign_post.vacancies", label="职数")
    decided = serializers.IntegerField(label="已审查人数")
    undecided = serializers.IntegerField(label="未审查人数")
    qualified = serializers.IntegerField(label="合格人数")
    shortfall = serializers.IntegerField(label="差额不足人数")
    rows = ApplicationOut(many=True)


class ObjectionOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="application.cadre.name", read_only=True, label="公示对象")
    post_title = serializers.CharField(source="application.campaign_post.post.__str__", read_only=True, label="拟任职位")
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="核查状态")

    class Meta:
        model = Objection
        fields = ["id", "application", "cadre_name", "post_title", "received_on", "channel", "content", "status",
                  "status_display", "resolution", "resolved_at", "created_at"]


class OpenPostOut(serializers.ModelSerializer):
    title = serializers.CharField(source="post.__str__", read_only=True, label="职位")
    level = serializers.CharField(source="post.level", read_only=True, label="职位层次")

    class Meta:
        model = CampaignPost
        fields = ["id", "title", "level", "vacancies", "conditions"]


class OpenCampaignOut(serializers.ModelSerializer):
    posts = OpenPostOut(source="open_posts", many=True, read_only=True, label="可报名职位")

    class Meta:
        model = Campaign
        fields = ["id", "title", "registration_start", "registration_end", "max_posts_per_candidate",
                  "contact_person", "contact_phone", "posts"]


class JudgeCampaignOut(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True, label="当前阶段")
    my_absent = serializers.BooleanField(read_only=True, label="本人缺席")
    candidate_count = serializers.IntegerField(read_only=True, label="候选人数")
    my_scored = serializers.IntegerField(read_only=True, label="本人已评分人数")

    class Meta:
        model = Campaign
        fields = ["id", "title", "stage", "stage_display", "speech_date", "my_absent", "candidate_count", "my_scored"]


class InboxOut(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True, label="当前阶段")
    waiting_for = serializers.CharField(read_only=True, label="待办类别（plan/review/inspection/meeting）")
    waiting_label = serializers.CharField(read_only=True, label="待办事项")

    class Meta:
        model = Campaign
        fields = ["id", "title", "stage", "stage_display", "stage_since", "waiting_for", "waiting_label"]


class CountOut(serializers.Serializer):
    count = serializers.IntegerField(label="保存条数")


# ====================================================================== serializers: input


class CampaignIn(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = list(services.EDITABLE_FIELDS)


class TransitionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=workflow.ACTIONS, label="操作代码",
                                     help_text="阶段表中的操作，例如 submit_plan、close_speech、cancel")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                 label="说明/理由", help_text="退回、撤回、终止时必填")
    document_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=60,
                                        label="文号", help_text="批准方案（approve_plan）、办理任职（appoint）时必填")
    new_end = serializers.DateField(required=False, allow_null=True, label="新的报名截止日期",
                                    help_text="延长报名（extend_registration）时必填")
    start_date = serializers.DateField(required=False, allow_null=True, label="公示开始日期",
                                       help_text="开始任前公示（start_publicity）时可填，默认今天")
    appointed_on = serializers.DateField(required=False, allow_null=True, label="任职日期",
                                         help_text="办理任职（appoint）时必填")


class SelectionReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label="理由")


class SelectionNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="说明")


class CampaignPostIn(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.select_related("unit"), label="职位")
    vacancies = serializers.IntegerField(min_value=1, default=1, label="竞争职数")
    conditions = serializers.CharField(required=False, allow_blank=True, default="", label="职位条件说明")


class MemberIn(serializers.Serializer):
    name = serializers.CharField(max_length=30, label="姓名")
    duty = serializers.CharField(required=False, allow_blank=True, default="", max_length=60, label="职务")
    role = serializers.ChoiceField(choices=MemberRole.choices, label="组内职责")
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(),
                                              required=False, allow_null=True, label="系统账号")


class MembersIn(serializers.Serializer):
    members = MemberIn(many=True, label="领导小组和工作班子成员")


class JudgesIn(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, label="评委账号"
    )


class ApplicationFormIn(serializers.Serializer):
    accept_adjustment = serializers.BooleanField(required=False, label="服从调剂")
    achievements = serializers.CharField(required=False, allow_blank=True, label="主要工作经历和业绩",
                                         help_text="必填，不超过1500字")
    work_plan = serializers.CharField(required=False, allow_blank=True, label="工作设想")
    declaration = serializers.BooleanField(required=False, label="本人承诺所填信息真实")


class MyApplicationIn(ApplicationFormIn):
    campaign_post = serializers.PrimaryKeyRelatedField(
        queryset=CampaignPost.objects.select_related("campaign", "post", "post__unit"), label="竞争职位"
    )
    submit = serializers.BooleanField(required=False, default=False, label="提交报名",
                                      help_text="false 保存草稿；true 提交（须在报名时间内）")


class RespondIn(ApplicationFormIn):
    accept = serializers.BooleanField(label="是否同意被推荐")


class NominationIn(serializers.Serializer):
    campaign_post = serializers.PrimaryKeyRelatedField(queryset=CampaignPost.objects.all(), label="竞争职位")
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), label="被推荐人")
    source = serializers.ChoiceField(choices=Source.choices, label="推荐方式", help_text="mass 群众举荐 或 org 组织推荐")
    recommenders = serializers.CharField(required=False, allow_blank=True, default="", label="举荐人姓名")
    recommender_count = serializers.IntegerField(required=False, min_value=0, default=0, label="举荐人数")
    recommending_unit = serializers.CharField(required=False, allow_blank=True, default="", label="推荐单位")
    recommending_signer = serializers.CharField(required=False, allow_blank=True, default="", label="推荐单位负责人")


class LateEntryIn(ApplicationFormIn):
    campaign_post = serializers.PrimaryKeyRelatedField(queryset=CampaignPost.objects.all(), label="竞争职位")
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), label="补报人")
    reason = serializers.CharField(max_length=300, label="补报理由")


class DecideIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices, label="审查结论")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="审查意见",
                                   help_text="与系统建议不一致时必填")


class ScoresIn(serializers.Serializer):
    scores = serializers.DictField(child=serializers.CharField(), label="评分",
                                   help_text="报名编号 → 分数（0–100，最多一位小数），例如 {\"12\": \"86.5\"}")


class ScoreCorrectIn(serializers.Serializer):
    value = serializers.CharField(label="更正后的评分")
    reason = serializers.CharField(max_length=300, label="更正理由")


class AbsenceIn(serializers.Serializer):
    absent = serializers.BooleanField(label="缺席")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label="缺席说明")


class EvaluationGroupIn(serializers.Serializer):
    name = serializers.CharField(max_length=50, label="测评人类别")
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, label="权重（%）")
    paper_issued = serializers.IntegerField(required=False, min_value=0, default=0, label="发出纸质票数")


class EvaluationSessionIn(serializers.Serializer):
    groups = EvaluationGroupIn(many=True, label="测评人类别", help_text="各类别权重合计100%")
    option_set = serializers.CharField(required=False, default="评价", label="选项类型")
    vote_date = serializers.DateField(required=False, allow_null=True, label="测评日期")


class InspectionConfirmIn(serializers.Serializer):
    application_ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                            label="考察对象报名编号", help_text="不填则按比例确定的建议名单")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="说明")


class InspectionRecordIn(serializers.Serializer):
    talks_count = serializers.IntegerField(min_value=0, label="个别谈话人数")
    opinion = serializers.CharField(label="考察意见")
    conclusion = serializers.ChoiceField(choices=InspectionConclusion.choices, label="考察结论")


class MeetingMemberIn(serializers.Serializer):
    name = serializers.CharField(max_length=30, label="姓名")
    present = serializers.BooleanField(default=True, label="到会")
    user = serializers.IntegerField(required=False, allow_null=True, label="系统账号编号")


class MeetingIn(serializers.Serializer):
    held_on = serializers.DateField(label="会议日期")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, label="会议名称")
    note = serializers.CharField(required=False, allow_blank=True, default="", label="会议说明")
    members = MeetingMemberIn(many=True, label="应到会成员")
    votes = serializers.DictField(
        child=serializers.DictField(child=serializers.ChoiceField(choices=VoteChoice.choices)),
        label="表决情况", help_text="报名编号 → {到会成员姓名 → 同意/不同意/缓议}",
    )


class DeferralIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=DeferAction.choices, label="缓议处理")
    reason = serializers.CharField(max_length=300, label="理由")


class SuperiorApprovalIn(serializers.Serializer):
    document_no = serializers.CharField(max_length=60, label="上级组织部批复文号")
    approved_on = serializers.DateField(label="批复日期")
    approved_ids = serializers.ListField(child=serializers.IntegerField(), label="批准的报名编号")
    rejected_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                         label="未批准的报名编号")


class PublicityIn(serializers.Serializer):
    start_date = serializers.DateField(required=False, allow_null=True, label="公示开始日期", help_text="默认今天")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="说明")


class ObjectionIn(serializers.Serializer):
    application = serializers.IntegerField(label="公示对象报名编号")
    received_on = serializers.DateField(label="收到日期")
    channel = serializers.CharField(max_length=30, label="反映渠道")
    content = serializers.CharField(label="反映内容")


class ObjectionResolveIn(serializers.Serializer):
    substantiated = serializers.BooleanField(label="反映问题属实")
    resolution = serializers.CharField(label="核查结论")


class AppointmentIn(serializers.Serializer):
    appointed_on = serializers.DateField(label="任职日期")
    document_no = serializers.CharField(max_length=60, label="聘任文件文号")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="说明")


class ExtendIn(serializers.Serializer):
    new_end = serializers.DateField(label="新的报名截止日期")
    reason = serializers.CharField(max_length=300, label="延长理由")


class ReviewApproveIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="审定意见")


class MeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField(label="会议日期")
    title = serializers.CharField(label="会议名称")
    quorum_met = serializers.BooleanField(label="达到法定人数")
    messages = serializers.SerializerMethodField(label="提示")

    def get_messages(self, obj) -> list[str]:
        return list(getattr(obj, "messages", []) or [])


class InspectionListOut(serializers.Serializer):
    targets = serializers.SerializerMethodField(label="考察对象报名编号")
    flags = serializers.ListField(child=serializers.CharField(), label="提示（如同时为两个职位的考察对象）")

    def get_targets(self, obj) -> list[int]:
        return [a.pk for a in obj.targets]


# ====================================================================== transitions


def _transition(user, campaign: Campaign, data: dict) -> Campaign:
    """Run ``data["action"]`` through the service that owns it (the stage's own writes happen there)."""
    action, note = data["action"], data.get("note", "")
    t = workflow.transition_for(action, campaign.stage)
    if t is not None and action == "extend_registration":
        if not data.get("new_end"):
            raise serializers.ValidationError({"new_end": ["延长报名须填写新的报名截止日期。"]})
        return services_registration.registration_extend(actor=user, campaign=campaign, new_end=data["new_end"],
                                                         reason=note)
    if t is not None and t.withdrawal:
        return services.campaign_withdraw(actor=user, campaign=campaign, reason=note)
    handlers = {
        "submit_plan": lambda: services.plan_submit(actor=user, campaign=campaign, note=note),
        "approve_plan": lambda: services.plan_approve(actor=user, campaign=campaign, document_no=data.get("document_no", ""),
                                                      note=note),
        "return_plan": lambda: services.plan_return(actor=user, campaign=campaign, reason=note),
        "publish_posts": lambda: services_registration.posts_publish(actor=user, campaign=campaign, note=note),
        "close_registration": lambda: services_registration.registration_close(actor=user, campaign=campaign),
        "start_speech": lambda: services_registration.speech_start(actor=user, campaign=campaign, note=note),
        "close_speech": lambda: services_scoring.speech_close(actor=user, campaign=campaign, note=note),
        "close_evaluation": lambda: services_scoring.evaluation_close(actor=user, campaign=campaign, note=note),
        "finish_inspection": lambda: services_scoring.inspection_finish(actor=user, campaign=campaign, note=note),
        "start_publicity": lambda: services_decision.publicity_start(actor=user, campaign=campaign,
                                                                     start_date=data.get("start_date"), note=note),
        "end_publicity": lambda: services_decision.publicity_end(actor=user, campaign=campaign, note=note),
        "appoint": lambda: _appoint(user, campaign, data),
        "cancel": lambda: services.campaign_cancel(actor=user, campaign=campaign, reason=note),
    }
    handler = handlers.get(action)
    if handler is None or t is None:
        # wrong stage (or a withdrawal of another stage): the transition service answers with the reason
        return services.transition(actor=user, campaign=campaign, action=action, note=note)
    return handler()


def _appoint(user, campaign: Campaign, data: dict) -> Campaign:
    if not data.get("appointed_on"):
        raise serializers.ValidationError({"appointed_on": ["办理任职须填写任职日期。"]})
    return services_decision.appointment_execute(
        actor=user, campaign=campaign, appointed_on=data["appointed_on"], document_no=data.get("document_no", ""),
        note=data.get("note", ""),
    )


# ====================================================================== campaigns


def _detail_response(request, campaign: Campaign, status_code=status.HTTP_200_OK) -> Response:
    fresh = selectors.campaign_detail(campaign.pk)
    return Response(CampaignOut(fresh, context={"request": request}).data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        summary="竞争上岗工作列表",
        description="组织部工作人员、领导小组成员、纪检监督人员看到全部工作；评委只看到被指定评分的工作；干部看不到"
        "（请用“可报名的竞争上岗”）。含竞争职位数、报名人数、合格人数、评委人数；可按阶段、年度、关键字筛选，分页。",
        responses={200: CampaignListOut(many=True), 403: DENIED},
    ),
    retrieve=extend_schema(
        summary="竞争上岗工作详情",
        description="方案设置、各阶段记录、竞争职位、领导小组和工作班子、评委，以及当前账号可执行的阶段操作。",
        responses={200: CampaignOut, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="起草竞争上岗方案",
        description="仅组织部工作人员。新建的工作处于“准备动员”阶段。",
        request=CampaignIn, responses={201: CampaignOut, 400: ERROR_400, 403: DENIED},
    ),
    partial_update=extend_schema(
        summary="修改方案",
        description="仅组织部工作人员。“准备动员”阶段可改全部设置；“公布职位”阶段只能改报名时间和联系方式。",
        request=CampaignIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["竞争上岗"])
class CampaignViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Campaign.objects.none()  # for the schema: the path id is an integer
    serializer_class = CampaignListOut
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = CampaignFilter
    ordering_fields = ["plan_year", "id", "stage_since"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.campaign_list(self.request.user)

    def list(self, request, *args, **kwargs):
        if not (permissions.is_reader(request.user) or roles.has_role(request.user, roles.JUDGE)):
            _deny("干部请通过“可报名的竞争上岗”查看正在报名的职位。")
        return super().list(request, *args, **kwargs)

    def _campaign(self, pk) -> Campaign:
        campaign = get_object_or_404(Campaign, pk=pk)
        if not permissions.can_view_campaign(self.request.user, campaign):
            raise NotFound("没有找到该竞争上岗工作。")
        return campaign

    def _staff(self):
        if not permissions.can_manage(self.request.user):
            _deny("只有组织部工作人员可以进行此项操作。")

    def _reader(self):
        if not permissions.is_reader(self.request.user):
            _deny("评委只能查看本人的评分表。")

    def retrieve(self, request, pk=None):
        return _detail_response(request, self._campaign(pk))

    def create(self, request):
        self._staff()
        data = _input(CampaignIn, request)
        campaign = services.campaign_create(actor=request.user, data=data)
        return _detail_response(request, campaign, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = _input(CampaignIn, request, partial=True)
        campaign = services.campaign_update(actor=request.user, campaign=campaign, data=data)
        return _detail_response(request, campaign)

    # ------------------------------------------------------------ stage moves

    @extend_schema(
        summary="阶段流转",
        description="按阶段表执行一步操作（例如 submit_plan 提交方案报批、approve_plan 批准方案、close_speech 演讲评分"
        "结束、cancel 终止）。只能在规定阶段、由规定角色执行；离开阶段前检查该阶段的完成条件，不满足时返回400及逐项原因。"
        "退回、撤回、终止须填写理由。",
        request=TransitionIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        campaign = self._campaign(pk)
        data = _input(TransitionIn, request)
        if not permissions.transition_role_allowed(request.user, data["action"], campaign.stage):
            t = workflow.transition_for(data["action"], campaign.stage)
            _deny(f"“{t.label}”只能由" + "或".join(workflow.ROLE_LABELS[r] for r in t.roles if r != workflow.SYSTEM) + "执行。")
        return _detail_response(request, _transition(request.user, campaign, data))

    @extend_schema(
        summary="撤回到上一阶段",
        description="按当前阶段的撤回操作回到上一阶段，须填写理由；已做的工作保留，再次前进时重新检查完成条件。",
        request=SelectionReasonIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        campaign = self._campaign(pk)
        data = _input(SelectionReasonIn, request)
        t = next((t for t in workflow.available(campaign.stage) if t.withdrawal), None)
        if t is not None and not permissions.transition_role_allowed(request.user, t.action, campaign.stage):
            _deny(f"“{t.label}”只能由" + "或".join(workflow.ROLE_LABELS[r] for r in t.roles) + "执行。")
        if t is not None and t.action == "extend_registration":
            raise ApplicationError("资格审查阶段退回报名须延长报名时间：请执行“延长报名”（extend_registration）并填写新的报名截止日期。",
                                   field="new_end")
        campaign = services.campaign_withdraw(actor=request.user, campaign=campaign, reason=data["reason"])
        return _detail_response(request, campaign)

    @extend_schema(summary="阶段流转记录", description="每次流转、退回、撤回：操作人、时间、原阶段、新阶段、说明。",
                   responses={200: EventOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        campaign = self._campaign(pk)
        self._reader()
        return Response(EventOut(selectors.events(campaign), many=True).data)

    # ------------------------------------------------------------ plan: posts, members, judges

    @extend_schema(
        methods=["GET"], summary="竞争职位", description="本次工作的竞争职位（含已取消的），含报名人数和合格人数。",
        responses={200: CampaignPostOut(many=True), 403: DENIED, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"], summary="列入竞争职位", description="仅组织部工作人员，“准备动员”阶段。竞争职数不超过职位职数。",
        request=CampaignPostIn, responses={201: CampaignPostOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"])
    def posts(self, request, pk=None):
        campaign = self._campaign(pk)
        if request.method == "POST":
            self._staff()
            data = _input(CampaignPostIn, request)
            cp = services.post_add(actor=request.user, campaign=campaign, **data)
            return Response(CampaignPostOut(cp).data, status=status.HTTP_201_CREATED)
        self._reader()
        return Response(CampaignPostOut(selectors.campaign_detail(campaign.pk).posts.all(), many=True).data)

    @extend_schema(summary="设置领导小组和工作班子", description="仅组织部工作人员，“准备动员”阶段；整体替换。",
                   request=MembersIn, responses={200: MemberOut(many=True), 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = _input(MembersIn, request)
        services.members_set(actor=request.user, campaign=campaign, members=data["members"])
        return Response(MemberOut(campaign.members.all(), many=True).data)

    @extend_schema(summary="确定评委", description="仅组织部工作人员，演讲评分开始前；账号须有“评委”角色。整体替换。",
                   request=JudgesIn, responses={200: JudgeOut(many=True), 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def judges(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = _input(JudgesIn, request)
        services.judges_set(actor=request.user, campaign=campaign, users=data["users"])
        return Response(JudgeOut(campaign.judges.all(), many=True).data)

    @extend_schema(summary="生成职位公告", description="仅组织部工作人员，“公布职位”阶段；生成《职位公告》PDF。",
                   request=None, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def announcement(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "generate_announcement")
        services_registration.announcement_generate(actor=request.user, campaign=campaign)
        return _detail_response(request, campaign)

    # ------------------------------------------------------------ registration and review

    @extend_schema(summary="群众举荐/组织推荐",
                   description="仅组织部工作人员，“公开报名”阶段。被推荐人本人同意后生效（状态为“待本人确认”）。",
                   request=NominationIn, responses={201: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def nominations(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "nominate")
        data = _input(NominationIn, request)
        if data["campaign_post"].campaign_id != campaign.pk:
            raise NotFound("该职位不属于本次竞争上岗工作。")
        app = services_registration.nomination_create(actor=request.user, **data)
        return Response(ApplicationOut(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="补报", description="仅组织部工作人员，“资格审查”阶段，须填写补报理由。",
                   request=LateEntryIn, responses={201: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="late-entries")
    def late_entries(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "late_entry")
        data = _input(LateEntryIn, request)
        if data["campaign_post"].campaign_id != campaign.pk:
            raise NotFound("该职位不属于本次竞争上岗工作。")
        cp, cadre, reason = data.pop("campaign_post"), data.pop("cadre"), data.pop("reason")
        app = services_registration.late_entry_create(actor=request.user, campaign_post=cp, cadre=cadre, reason=reason,
                                                      data=data)
        return Response(ApplicationOut(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="资格审查名单", description="按职位列出已报名人员、系统审查建议、审查结论和意见，以及差额不足提示。",
                   responses={200: ReviewGroupOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def review(self, request, pk=None):
        campaign = self._campaign(pk)
        self._reader()
        return Response(ReviewGroupOut(selectors.review_queue(campaign), many=True).data)

    @extend_schema(summary="审查名单报党委", description="仅组织部工作人员；每份报名须已有审查结论。",
                   request=None, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/submit")
    def review_submit(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "review_submit")
        return _detail_response(request, services_registration.review_submit(actor=request.user, campaign=campaign))

    @extend_schema(summary="审定资格审查名单（领导小组成员）", request=ReviewApproveIn,
                   responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/approve")
    def review_approve(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "review_approve")
        data = _input(ReviewApproveIn, request)
        return _detail_response(request, services_registration.review_approve(actor=request.user, campaign=campaign,
                                                                             note=data["note"]))

    @extend_schema(summary="退回资格审查名单（领导小组成员，须填理由）", request=SelectionReasonIn,
                   responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/return")
    def review_return(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "review_approve")
        data = _input(SelectionReasonIn, request)
        return _detail_response(request, services_registration.review_return(actor=request.user, campaign=campaign,
                                                                            reason=data["reason"]))

    @extend_schema(summary="张榜公布资格审查结果", description="仅组织部工作人员；名单经党委审定后生成公示并通知报名人。",
                   request=None, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/publish")
    def review_publish(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "review_publish")
        return _detail_response(request, services_registration.review_publish(actor=request.user, campaign=campaign))

    # ------------------------------------------------------------ speech

    @extend_schema(
        methods=["GET"], summary="本人评分表（评委）",
        description="仅被指定的评委：合格人选按职位和演讲顺序排列，只含本人的评分；评分截止前看不到其他评委的评分。",
        responses={200: JudgeSheetOut, 403: DENIED, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"], summary="提交本人评分（评委）",
        description="仅被指定的评委，“演讲”阶段、评分截止前；0–100分，最多一位小数。可多次提交，以最后一次为准。",
        request=ScoresIn, responses={200: JudgeSheetOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"], url_path="judge-sheet")
    def judge_sheet(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.is_assigned_judge(request.user, campaign):
            _deny("您不是本次竞争上岗的评委。")
        if request.method == "POST":
            data = _input(ScoresIn, request)
            services_scoring.scores_submit(actor=request.user, campaign=campaign,
                                           scores=_int_keys(data["scores"], "scores"))
            campaign.refresh_from_db()
        return Response(JudgeSheetOut(selectors.judge_sheet(request.user, campaign)).data)

    @extend_schema(summary="评分汇总（组织部）", description="仅组织部工作人员：每位评委对每位候选人的评分和缺少的评分。",
                   responses={200: ScoresOverviewOut, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        return Response(ScoresOverviewOut(selectors.scores_overview(campaign)).data)

    @extend_schema(summary="演讲评分结束", description="仅组织部工作人员；全部评委评完（或已登记缺席）后计算演讲成绩"
                   "（评委达到规定人数时去掉一个最高分和一个最低分）。", request=SelectionNoteIn,
                   responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="speech-close")
    def speech_close(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.transition_role_allowed(request.user, "close_speech", workflow.Stage.SPEECH):
            _deny("只有组织部工作人员可以结束演讲评分。")
        data = _input(SelectionNoteIn, request)
        return _detail_response(request, services_scoring.speech_close(actor=request.user, campaign=campaign,
                                                                      note=data["note"]))

    @extend_schema(summary="录入笔试成绩", description="仅组织部工作人员；报名编号 → 成绩（0–100）。",
                   request=ScoresIn, responses={200: CountOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="written-scores")
    def written_scores(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = _input(ScoresIn, request)
        n = services_scoring.written_scores_set(actor=request.user, campaign=campaign,
                                                scores=_int_keys(data["scores"], "scores"))
        return Response({"count": n})

    # ------------------------------------------------------------ evaluation, ranking, inspection

    @extend_schema(summary="建立民主测评场次", description="仅组织部工作人员，“民主测评”阶段；测评对象为全部合格人选。",
                   request=EvaluationSessionIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="evaluation-session")
    def evaluation_session(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "evaluation_session")
        data = _input(EvaluationSessionIn, request)
        services_scoring.evaluation_session_create(actor=request.user, campaign=campaign, groups=data["groups"],
                                                   option_set=data["option_set"], vote_date=data.get("vote_date"))
        return _detail_response(request, campaign)

    @extend_schema(summary="综合成绩排名", description="按职位：演讲、民主测评、笔试、综合成绩，名次（并列标注），考察对象，"
                   "同时为两个职位考察对象的标注。组织部工作人员、领导小组成员、纪检监督人员可查看。",
                   responses={200: RankGroupOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.can_see_scores(request.user, campaign):
            _deny("您没有查看成绩排名的权限。")
        return Response(RankGroupOut(selectors.ranking_table(campaign), many=True).data)

    @extend_schema(summary="确定考察对象（领导小组成员）", description="按建议名单确定，或提交调整后的名单（须说明理由）。",
                   request=InspectionConfirmIn, responses={200: InspectionListOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="inspection-confirm")
    def inspection_confirm(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "inspection_confirm")
        data = _input(InspectionConfirmIn, request)
        result = services_scoring.inspection_confirm(actor=request.user, campaign=campaign,
                                                     application_ids=data.get("application_ids"), note=data["note"])
        return Response(InspectionListOut(result).data)

    # ------------------------------------------------------------ decision, publicity, appointment

    @extend_schema(summary="记录党委会（领导小组成员）",
                   description="会议日期、应到会成员及到会情况、每位到会成员对每位人选的表决意见。到会不足三分之二时只记录"
                   "会议、不计表决；同意票超过应到人数半数为通过。",
                   request=MeetingIn, responses={201: MeetingOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def meeting(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "meeting_record")
        data = _input(MeetingIn, request)
        meeting = services_decision.meeting_record(
            actor=request.user, campaign=campaign, held_on=data["held_on"], members=data["members"],
            votes=_int_keys(data["votes"], "votes"), title=data["title"], note=data["note"],
        )
        return Response(MeetingOut(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="登记上级组织部审批", description="仅组织部工作人员：批复文号、日期、批准和未批准的人选。",
                   request=SuperiorApprovalIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="superior-approval")
    def superior_approval(self, request, pk=None):
        campaign = self._campaign(pk)
        _require_work_role(request.user, "superior_approval")
        data = _input(SuperiorApprovalIn, request)
        services_decision.superior_approval_record(actor=request.user, campaign=campaign, **data)
        return _detail_response(request, campaign)

    @extend_schema(summary="开始任前公示", description="仅组织部工作人员：公示期按工作日计算（不少于5个工作日），生成任前公示。",
                   request=PublicityIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def publicity(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.transition_role_allowed(request.user, "start_publicity", workflow.Stage.DECISION):
            _deny("只有组织部工作人员可以开始任前公示。")
        data = _input(PublicityIn, request)
        campaign = services_decision.publicity_start(actor=request.user, campaign=campaign,
                                                     start_date=data.get("start_date"), note=data["note"])
        return _detail_response(request, campaign)

    @extend_schema(methods=["GET"], summary="公示反映", description="任前公示期间登记的举报/反映及核查情况。",
                   responses={200: ObjectionOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @extend_schema(methods=["POST"], summary="登记公示反映", description="仅组织部工作人员，任前公示或任职阶段。",
                   request=ObjectionIn, responses={201: ObjectionOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get", "post"])
    def objections(self, request, pk=None):
        campaign = self._campaign(pk)
        self._reader()
        if request.method == "POST":
            _require_work_role(request.user, "objection")
            data = _input(ObjectionIn, request)
            app = get_object_or_404(Application, pk=data.pop("application"), campaign=campaign)
            objection = services_decision.objection_record(actor=request.user, application=app, **data)
            return Response(ObjectionOut(objection).data, status=status.HTTP_201_CREATED)
        return Response(ObjectionOut(selectors.objections(campaign), many=True).data)

    @extend_schema(summary="办理任职", description="仅组织部工作人员：一个事务内更新任职记录，生成任职通知。",
                   request=AppointmentIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def appointment(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.transition_role_allowed(request.user, "appoint", workflow.Stage.APPOINTMENT):
            _deny("只有组织部工作人员可以办理任职。")
        data = _input(AppointmentIn, request)
        campaign = services_decision.appointment_execute(actor=request.user, campaign=campaign, **data)
        return _detail_response(request, campaign)

    # ------------------------------------------------------------ exports

    @extend_schema(
        summary="下载 Excel 表格",
        description="registrations 报名汇总表、review 资格审查名单、scores 成绩汇总表（各评委评分仅组织部工作人员可见）、"
        "inspection 考察对象名单。组织部工作人员、领导小组成员、纪检监督人员可下载。",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=[*exports.KINDS], description="表格类型")],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): XLSX_RESPONSE,
                   403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"export/(?P<kind>registrations|review|scores|inspection)",
            url_name="export")
    def export(self, request, pk=None, kind=None):
        campaign = self._campaign(pk)
        self._reader()
        return xlsx_response(campaign, kind, request.user)


# ====================================================================== posts, judges, scores, objections


@extend_schema(tags=["竞争上岗"])
class CampaignPostViewSet(viewsets.GenericViewSet):
    queryset = CampaignPost.objects.none()
    serializer_class = CampaignPostOut
    permission_classes = [permissions.IsStaff]

    def _post(self, pk) -> CampaignPost:
        return get_object_or_404(CampaignPost.objects.select_related("campaign", "post", "post__unit"), pk=pk)

    @extend_schema(summary="移出竞争职位", description="仅组织部工作人员，“准备动员”阶段，且尚无报名。",
                   responses={204: OpenApiResponse(description="已移出"), 400: ERROR_400, 403: DENIED})
    def destroy(self, request, pk=None):
        services.post_remove(actor=request.user, campaign_post=self._post(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="抽签确定演讲顺序", description="仅组织部工作人员，“演讲”阶段；随机抽签并记录种子，可复核。",
                   request=None, responses={200: CampaignPostOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        cp = self._post(pk)
        services_scoring.speaking_order_draw(actor=request.user, campaign_post=cp)
        return Response(CampaignPostOut(self._post(pk)).data)

    @extend_schema(summary="取消竞争职位", description="仅组织部工作人员，“资格审查”阶段（差额不足时），须填写理由。",
                   request=SelectionReasonIn, responses={200: CampaignPostOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        cp = self._post(pk)
        data = _input(SelectionReasonIn, request)
        services_registration.post_cancel(actor=request.user, campaign_post=cp, reason=data["reason"])
        return Response(CampaignPostOut(self._post(pk)).data)


@extend_schema(tags=["竞争上岗"])
class JudgeViewSet(viewsets.GenericViewSet):
    queryset = CampaignJudge.objects.none()
    serializer_class = JudgeOut
    permission_classes = [permissions.IsStaff]

    @extend_schema(summary="登记评委缺席", description="仅组织部工作人员，“演讲”阶段；缺席须填写说明。",
                   request=AbsenceIn, responses={200: JudgeOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def absence(self, request, pk=None):
        judge = get_object_or_404(CampaignJudge, pk=pk)
        data = _input(AbsenceIn, request)
        judge = services_scoring.judge_absence_set(actor=request.user, judge=judge, absent=data["absent"],
                                                   reason=data["reason"])
        return Response(JudgeOut(judge).data)


class JudgeScoreOut(serializers.ModelSerializer):
    class Meta:
        model = JudgeScore
        fields = ["id", "application", "judge", "score", "scored_at", "correction_reason"]


@extend_schema(tags=["竞争上岗"])
class JudgeScoreViewSet(viewsets.GenericViewSet):
    queryset = JudgeScore.objects.none()
    serializer_class = JudgeScoreOut
    permission_classes = [permissions.IsStaff]

    @extend_schema(summary="更正评分", description="仅组织部工作人员，评分截止后；须填写理由，留有记录。",
                   request=ScoreCorrectIn, responses={200: JudgeScoreOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        score = get_object_or_404(JudgeScore.objects.select_related("judge", "application"), pk=pk)
        data = _input(ScoreCorrectIn, request)
        score = services_scoring.score_correct(actor=request.user, score=score, value=data["value"],
                                               reason=data["reason"])
        return Response(JudgeScoreOut(score).data)


@extend_schema(tags=["竞争上岗"])
class ObjectionViewSet(viewsets.GenericViewSet):
    queryset = Objection.objects.none()
    serializer_class = ObjectionOut
    permission_classes = [permissions.IsStaff]

    @extend_schema(summary="核查公示反映", description="仅组织部工作人员：反映问题属实的，该人选不再任职。",
                   request=ObjectionResolveIn, responses={200: ObjectionOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        objection = get_object_or_404(Objection.objects.select_related("application"), pk=pk)
        data = _input(ObjectionResolveIn, request)
        objection = services_decision.objection_resolve(actor=request.user, objection=objection, **data)
        return Response(ObjectionOut(objection).data)


# ====================================================================== applications (staff, leaders, observer)


@extend_schema_view(
    list=extend_schema(
        summary="报名列表",
        description="组织部工作人员、领导小组成员、纪检监督人员：全部报名，可按工作、职位、状态、报名方式、审查建议和结论、"
        "考察对象、关键字筛选，分页。干部请用“我的报名”。",
        responses={200: ApplicationOut(many=True), 403: DENIED},
    ),
    retrieve=extend_schema(summary="报名详情", description="报名表、资格审查明细、成绩、考察和决定情况。",
                           responses={200: ApplicationOut, 403: DENIED, 404: NOT_FOUND}),
)
@extend_schema(tags=["竞争上岗"])
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Application.objects.none()
    serializer_class = ApplicationOut
    permission_classes = [permissions.IsReader]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ApplicationFilter
    ordering_fields = ["id", "submitted_at", "rank", "composite_score", "speaking_order"]

    def get_queryset(self):
        return Application.objects.select_related(
            "cadre", "cadre__unit", "campaign_post", "campaign_post__post", "campaign_post__post__unit"
        ).order_by("campaign_id", "campaign_post__order", "campaign_post_id", "speaking_order", "id")

    @extend_schema(summary="作出审查结论", description="仅组织部工作人员，“资格审查”阶段：通过/不通过/放宽通过；"
                   "与系统建议不一致时须填写理由。", request=DecideIn,
                   responses={200: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        _require_work_role(request.user, "review_decide")
        data = _input(DecideIn, request)
        app = services_registration.review_decide(actor=request.user, application=self.get_object(), **data)
        return Response(ApplicationOut(app).data)

    @extend_schema(summary="登记考察情况", description="仅组织部工作人员，“组织考察”阶段：谈话人数、考察意见、考察结论。",
                   request=InspectionRecordIn, responses={200: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def inspection(self, request, pk=None):
        _require_work_role(request.user, "inspection_record")
        data = _input(InspectionRecordIn, request)
        app = services_scoring.inspection_record(actor=request.user, application=self.get_object(), **data)
        return Response(ApplicationOut(app).data)

    @extend_schema(summary="缓议处理", description="组织部工作人员或领导小组成员：退回组织考察或不再提名，须填写理由。",
                   request=DeferralIn, responses={200: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def deferral(self, request, pk=None):
        if not (permissions.can_manage(request.user) or permissions.is_leader(request.user)):
            _deny("只有组织部工作人员或领导小组成员可以处理缓议。")
        data = _input(DeferralIn, request)
        app = services_decision.deferral_resolve(actor=request.user, application=self.get_object(), **data)
        return Response(ApplicationOut(app).data)


# ====================================================================== a candidate's own


class MyApplicationUpdateIn(ApplicationFormIn):
    submit = serializers.BooleanField(required=False, default=False, label="提交报名")


def _form_data(app: Application, data: dict) -> dict:
    """The form as saved, overlaid with the fields sent (a partial save keeps the others)."""
    merged = {name: getattr(app, name) for name in APPLICATION_FORM_FIELDS}
    merged.update({k: v for k, v in data.items() if k in APPLICATION_FORM_FIELDS})
    return merged


@extend_schema_view(
    list=extend_schema(summary="我的报名", description="本人的报名（不含待本人确认的推荐，见 nominations）。",
                       responses={200: MyApplicationOut(many=True), 403: DENIED}),
    retrieve=extend_schema(summary="我的报名详情",
                           description="报名表和资格自查结果；审查结论在张榜公布后显示，成绩在任前公示开始后显示。",
                           responses={200: MyApplicationOut, 403: DENIED, 404: NOT_FOUND}),
    create=extend_schema(summary="个人自荐报名", description="报名时间内保存草稿或提交；提交时即时显示资格自查结果。",
                         request=MyApplicationIn, responses={201: MyApplicationOut, 400: ERROR_400, 403: DENIED}),
    partial_update=extend_schema(summary="修改我的报名", description="报名时间内修改并保存或提交。",
                                 request=MyApplicationUpdateIn,
                                 responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND}),
)
@extend_schema(tags=["竞争上岗：本人"])
class MyApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Application.objects.none()
    serializer_class = MyApplicationOut
    permission_classes = [permissions.IsCandidate]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _cadre_id(self):
        return permissions.own_cadre_id(self.request.user)

    def get_queryset(self):
        if getattr(self, "action", None) == "list":
            return selectors.my_applications(self._cadre_id())
        return selectors.own_applications(self._cadre_id())

    def _out(self, app, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=app.pk)
        return Response(MyApplicationOut(fresh, context={"request": self.request}).data, status=status_code)

    def create(self, request):
        data = _input(MyApplicationIn, request)
        cp, submit = data.pop("campaign_post"), data.pop("submit")
        app = services_registration.application_save(actor=request.user, campaign_post=cp, data=data, submit=submit)
        return self._out(app, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        app = self.get_object()
        data = _input(MyApplicationUpdateIn, request)
        submit = data.pop("submit")
        app = services_registration.application_save(actor=request.user, campaign_post=app.campaign_post,
                                                     data=_form_data(app, data), submit=submit)
        return self._out(app)

    @extend_schema(summary="提交报名", description="以已保存的内容提交（也可同时修改字段）。", request=ApplicationFormIn,
                   responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        app = self.get_object()
        data = _input(ApplicationFormIn, request)
        app = services_registration.application_save(actor=request.user, campaign_post=app.campaign_post,
                                                     data=_form_data(app, data), submit=True)
        return self._out(app)

    @extend_schema(summary="撤回报名", description="须填写理由。", request=SelectionReasonIn,
                   responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        app = self.get_object()
        data = _input(SelectionReasonIn, request)
        app = services_registration.application_withdraw(actor=request.user, application=app, reason=data["reason"])
        return self._out(app)

    @extend_schema(summary="答复推荐", description="同意（可同时填写报名表）或不同意被群众举荐/组织推荐。",
                   request=RespondIn, responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        app = self.get_object()
        data = _input(RespondIn, request)
        accept = data.pop("accept")
        app = services_registration.nomination_respond(actor=request.user, application=app, accept=accept,
                                                       data=_form_data(app, data) if accept else None)
        return self._out(app)

    @extend_schema(summary="待我确认的推荐", description="报名期间别人推荐本人、等待本人答复的报名。",
                   responses={200: MyApplicationOut(many=True), 403: DENIED})
    @action(detail=False, methods=["get"])
    def nominations(self, request):
        apps = selectors.nominations_waiting(self._cadre_id())
        return Response(MyApplicationOut(apps, many=True, context={"request": request}).data)


@extend_schema(tags=["竞争上岗：本人"])
class OpenCampaignsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="可报名的竞争上岗", description="正在公开报名的工作及其竞争职位（任何登录用户可看）。",
                   responses={200: OpenCampaignOut(many=True)})
    def get(self, request):
        return Response(OpenCampaignOut(selectors.open_campaigns_for_candidates(), many=True).data)


@extend_schema(tags=["竞争上岗：评委"])
class JudgeCampaignsView(APIView):
    permission_classes = [permissions.IsJudge]

    @extend_schema(summary="我评分的竞争上岗", description="本人被指定为评委的工作，含候选人数和本人已评分人数。",
                   responses={200: JudgeCampaignOut(many=True), 403: DENIED})
    def get(self, request):
        return Response(JudgeCampaignOut(selectors.judge_campaigns(request.user), many=True).data)


@extend_schema(tags=["竞争上岗：领导"])
class LeaderInboxView(APIView):
    permission_classes = [permissions.IsLeader]

    @extend_schema(summary="待领导审批事项", description="方案待审批、资格审查名单待审定、考察对象待确定、待记录党委会。",
                   responses={200: InboxOut(many=True), 403: DENIED})
    def get(self, request):
        return Response(InboxOut(selectors.leader_inbox(request.user), many=True).data)
