"""Serializers of the 民主测评 API: what goes in (…In) and what comes out (…Out)."""
from rest_framework import serializers

from ..models import BallotSession, OptionSet
from ..services import MAX_CODES_PER_ISSUE


class TargetOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label="姓名")
    description = serializers.CharField(label="说明")
    cadre = serializers.IntegerField(source="cadre_id", allow_null=True, label="干部档案编号")


class GroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label="测评人类别")
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, label="权重（%）")
    paper_issued = serializers.IntegerField(label="发出纸质票数")


class SessionOut(serializers.ModelSerializer):
    targets = TargetOut(many=True, read_only=True)
    groups = GroupOut(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = BallotSession
        fields = [
            "id", "public_id", "title", "option_set", "score_map", "vote_date", "participation_threshold",
            "min_group_ballots", "status", "status_display", "void_reason", "result_hash", "opened_at",
            "closed_at", "targets", "groups",
        ]


class TargetIn(serializers.Serializer):
    cadre = serializers.IntegerField(required=False, allow_null=True, label="干部档案编号",
                                     help_text="干部名册中的干部；外部报名人员不填，只填姓名")
    name = serializers.CharField(required=False, allow_blank=True, max_length=30, label="姓名")
    description = serializers.CharField(required=False, allow_blank=True, max_length=100, label="说明")


class GroupIn(serializers.Serializer):
    name = serializers.CharField(max_length=50, label="测评人类别")
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, label="权重（%）")
    paper_issued = serializers.IntegerField(required=False, min_value=0, default=0, label="发出纸质票数")


class SessionIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, label="测评名称")
    option_set = serializers.ChoiceField(choices=OptionSet.choices, label="选项类型")
    score_map = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2), required=False,
                                      label="分值对照", help_text="例如 {\"优秀\": 100, \"称职\": 80}")
    vote_date = serializers.DateField(required=False, allow_null=True, label="测评日期")
    participation_threshold = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, label="参评率下限（%）")
    min_group_ballots = serializers.IntegerField(required=False, min_value=1, label="分组显示最少票数")
    targets = TargetIn(many=True, label="测评对象")
    groups = GroupIn(many=True, label="测评人类别")


class GroupCount(serializers.Serializer):
    group = serializers.IntegerField(label="测评人类别编号")
    count = serializers.IntegerField(min_value=0, max_value=MAX_CODES_PER_ISSUE, label="数量")


class CodesIn(serializers.Serializer):
    """One group (``group`` + ``count``) or several in one step (``groups``)."""

    group = serializers.IntegerField(required=False, label="测评人类别编号")
    count = serializers.IntegerField(required=False, min_value=1, max_value=MAX_CODES_PER_ISSUE, label="数量")
    groups = GroupCount(many=True, required=False, label="多个类别一次发放：[{group, count}]")

    def validate(self, attrs):
        if attrs.get("groups"):
            return attrs
        if attrs.get("group") is None or attrs.get("count") is None:
            raise serializers.ValidationError("请填写 group 和 count，或以 groups 列出多个类别的发放数量。")
        attrs["groups"] = [{"group": attrs["group"], "count": attrs["count"]}]
        return attrs


class GroupCodesOut(serializers.Serializer):
    group = serializers.CharField(label="测评人类别")
    codes = serializers.ListField(child=serializers.CharField(), label="测评码（仅此一次返回，请立即打印或分发）")


class CodesOut(serializers.Serializer):
    group = serializers.CharField(label="测评人类别（第一个类别；兼容单类别调用）")
    codes = serializers.ListField(child=serializers.CharField(), label="该类别的测评码")
    groups = GroupCodesOut(many=True, label="各类别的测评码（仅此一次返回，请立即打印或分发）")
    ballot_url = serializers.CharField(label="投票页地址（测评码放在 # 之后）")


class RevokeIn(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, label="测评码")
    serial = serializers.IntegerField(required=False, min_value=1, label="票号")


class VoidIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300, label="作废原因")


class MarkIn(serializers.Serializer):
    choice = serializers.CharField(allow_blank=True, max_length=8, label="选项", help_text="空白表示弃权")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, label="理由",
                                   help_text="群众评价选“优”或“差”时必须填写，否则该项无效")


class BallotIn(serializers.Serializer):
    session = serializers.UUIDField(label="测评场次公开编号")
    code = serializers.CharField(max_length=40, label="测评码")
    marks = serializers.DictField(child=MarkIn(), label="评价", help_text="键为测评对象编号")


class BallotCheckIn(serializers.Serializer):
    """What the view validates: shapes only; marks are judged by the service (rules.judge_ballot)."""

    session = serializers.UUIDField()
    code = serializers.CharField(max_length=40)
    marks = serializers.DictField(required=False, default=dict)


class MessageOut(serializers.Serializer):
    detail = serializers.CharField()
