"""Input serializers of the selection API: they check shapes; every rule lives in the services."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadre.models import Cadre, Post

from .. import services
from ..models import (
    Campaign,
    CampaignPost,
    DeferAction,
    InspectionConclusion,
    MemberRole,
    ReviewDecision,
    Source,
    VoteChoice,
)

User = get_user_model()


# ====================================================================== serializers: input


class CampaignIn(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = list(services.EDITABLE_FIELDS)


class SelectionReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label="理由")


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


class ObjectionIn(serializers.Serializer):
    application = serializers.IntegerField(label="公示对象报名编号")
    received_on = serializers.DateField(label="收到日期")
    channel = serializers.CharField(max_length=30, label="反映渠道")
    content = serializers.CharField(label="反映内容")


class ObjectionResolveIn(serializers.Serializer):
    substantiated = serializers.BooleanField(label="反映问题属实")
    resolution = serializers.CharField(label="核查结论")


class ReviewApproveIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="审定意见")


class MyApplicationUpdateIn(ApplicationFormIn):
    submit = serializers.BooleanField(required=False, default=False, label="提交报名")
