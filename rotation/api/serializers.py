"""Serializers of the rotation API: what goes out (…Out) and what comes in (…In)."""
from __future__ import annotations

from rest_framework import serializers

from cadre.models import Cadre, OrgUnit, Post

from ..models import Direction, MoveKind, MoveType, RotationMove, RotationPlan, RotationSuggestion, Secondment

# ---------------------------------------------------------------- due list


class FindingOut(serializers.Serializer):
    rule = serializers.CharField(help_text="规则代码")
    rule_name = serializers.CharField(help_text="适用规定")
    reason = serializers.CharField(help_text="事实与理由")
    facts = serializers.DictField(help_text="事实数据")
    exempt_reason = serializers.CharField(help_text="暂缓情形（为空则应交流）")


class DueOut(serializers.Serializer):
    cadre_id = serializers.IntegerField(source="person.cadre_id")
    name = serializers.CharField(source="person.name", help_text="姓名")
    unit = serializers.CharField(source="person.unit_name", help_text="单位")
    post = serializers.CharField(source="person.post_title", help_text="现任职务")
    position_start = serializers.DateField(source="person.position_start", help_text="任现职时间")
    due = serializers.BooleanField(help_text="是否应交流")
    kind = serializers.CharField(help_text="交流类型")
    findings = FindingOut(many=True)


# ---------------------------------------------------------------- plans


class MoveOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    to_job = serializers.CharField(source="to_post.__str__", read_only=True)

    class Meta:
        model = RotationMove
        fields = ["id", "cadre", "cadre_name", "from_post", "from_job", "from_start", "to_post", "to_job", "kind",
                  "direction", "move_type", "reason", "from_suggestion"]


class PlanOut(serializers.ModelSerializer):
    moves = MoveOut(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RotationPlan
        fields = ["id", "name", "as_of", "effective_date", "units", "posts", "status", "status_display", "note",
                  "return_reason", "created_at", "approved_at", "executed_at", "moves"]


class PlanIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="方案名称")
    as_of = serializers.DateField(help_text="测算基准日")
    effective_date = serializers.DateField(required=False, allow_null=True, help_text="交流生效日期")
    units = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False, help_text="范围单位")
    posts = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), many=True, required=False, help_text="范围职位")
    note = serializers.CharField(required=False, allow_blank=True, help_text="说明")


class MoveIn(serializers.Serializer):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), help_text="交流人员")
    to_post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), help_text="拟任职位")
    kind = serializers.ChoiceField(choices=MoveKind.choices, help_text="交流类型")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.OTHER, help_text="交流方向")
    move_type = serializers.ChoiceField(choices=MoveType.choices, required=False, help_text="任职方式（缺省按职务层次判断）")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="交流理由")


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="理由")


class SuggestionOut(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    to_job = serializers.SerializerMethodField()

    class Meta:
        model = RotationSuggestion
        fields = ["id", "run", "cadre", "cadre_name", "from_post", "to_post", "to_job", "kind", "score", "explanation", "status"]

    def get_to_job(self, obj) -> str:
        return str(obj.to_post) if obj.to_post_id else "留任"


class AcceptIn(serializers.Serializer):
    to_post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), required=False, allow_null=True, help_text="调整后的拟任职位")
    kind = serializers.ChoiceField(choices=MoveKind.choices, required=False, help_text="调整后的交流类型")


class AdoptIn(serializers.Serializer):
    suggestions = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                        help_text="要采纳的建议编号（连同其交流链一并采纳）")
    all = serializers.BooleanField(required=False, default=False, help_text="采纳最近一次测算的全部待处理建议")


class AdoptedOut(serializers.Serializer):
    moves = MoveOut(many=True, help_text="加入方案的交流人员")
    chained = serializers.ListField(child=serializers.CharField(), help_text="因交流链一并采纳的人员")


class RejectedOut(serializers.Serializer):
    suggestion = SuggestionOut()
    fell = SuggestionOut(many=True, help_text="因此一并失效的建议")


# ---------------------------------------------------------------- secondments


class SecondmentSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    host_unit_name = serializers.CharField(source="host_unit.name", read_only=True)

    class Meta:
        model = Secondment
        fields = ["id", "cadre", "cadre_name", "home_unit", "home_job", "host_unit", "host_unit_name", "host_post",
                  "host_title", "start", "planned_end", "actual_end", "duties", "summary", "counts_as_grassroots"]
        read_only_fields = ["home_unit"]
