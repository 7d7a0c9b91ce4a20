"""Output serializers of the selection API (what the API returns)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import exports, permissions, services, snapshots, workflow
from ..models import (
    Application,
    Campaign,
    CampaignJudge,
    CampaignMember,
    CampaignPost,
    JudgeScore,
    Objection,
    StageEvent,
)


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
            {"action": t.action, "label": t.label, "needs_reason": t.reason_required, "withdrawal": t.is_withdrawal}
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

    cadre_name = serializers.SerializerMethodField(label="姓名")
    gender = serializers.SerializerMethodField(label="性别")
    birth_month = serializers.SerializerMethodField(label="出生年月")
    current_job = serializers.SerializerMethodField(label="现单位及职务")
    post_title = serializers.CharField(source="campaign_post.post.__str__", read_only=True, label="报名职位")
    # the person as the campaign decided on them: the snapshot taken at submission (the record for a draft)

    def get_cadre_name(self, obj) -> str:
        return snapshots.person(obj)["name"]

    def get_gender(self, obj) -> str:
        return snapshots.person(obj)["gender"]

    def get_birth_month(self, obj) -> str:
        return exports.month_text(snapshots.person(obj)["birth_date"])

    def get_current_job(self, obj) -> str:
        return snapshots.person(obj)["current_job"]


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


class JudgeScoreOut(serializers.ModelSerializer):
    class Meta:
        model = JudgeScore
        fields = ["id", "application", "judge", "score", "scored_at", "correction_reason"]
