"""API shapes for the records: nested output serializers for reading, plain input serializers for writing.

Input serializers only check shape (types, choices, lengths); every business rule lives in the services.
身份证号 are shown in full only when the view says so (context ``full_ids``): staff, or a person's own record.
Without ``full_ids`` the number is masked and every birth date is cut to year-month (core.privacy), so the
masked digits cannot be read back from another field.
"""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.exceptions import ApplicationError
from core.privacy import mask_birth_date, mask_id_number

from ..choices import (
    ETHNICITIES,
    AppointmentMethod,
    CadreStatus,
    Gender,
    KeyArea,
    PoliticalStatus,
    PostKind,
    RankLevel,
    StaffingType,
    TitleLevel,
    UnitKind,
)
from ..models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    FamilyMember,
    OrgUnit,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
)
from ..services import check_unit_key_area


class MaskedIdNumberField(serializers.CharField):
    """Read-only 身份证号 that is masked unless the serializer context carries ``full_ids=True``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("label", "身份证号")
        kwargs.setdefault("help_text", "组织部工作人员及本人可见完整号码，其他角色显示为 330502********311* 形式")
        super().__init__(**kwargs)

    def to_representation(self, value):
        value = super().to_representation(value)
        if self.context.get("full_ids"):
            return value
        return mask_id_number(value)


@extend_schema_field({"type": "string", "example": "1979-04-01", "description": "YYYY-MM-DD，或仅 YYYY-MM"})
class MaskedBirthDateField(serializers.Field):
    """Read-only 出生日期: the full date with ``full_ids``, else year-month only (``1979-04``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("label", "出生日期")
        kwargs.setdefault("help_text", "组织部工作人员及本人可见完整日期，其他角色只见年月（如 1979-04）")
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        if self.context.get("full_ids"):
            return value.isoformat()
        return mask_birth_date(value)


# ---------------------------------------------------------------- units


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "short_name", "kind"]
        read_only_fields = fields


class UnitOutputSerializer(serializers.ModelSerializer):
    parent = UnitRefSerializer(read_only=True, allow_null=True, label="上级单位")
    post_count = serializers.IntegerField(read_only=True, label="职位数")
    cadre_count = serializers.IntegerField(read_only=True, label="在职干部数")

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "kind",
            "parent",
            "locality",
            "is_key_unit",
            "key_area",
            "order",
            "is_active",
            "post_count",
            "cadre_count",
        ]
        read_only_fields = fields


class UnitInputSerializer(serializers.Serializer):
    name = serializers.CharField(label="单位名称", max_length=100)
    short_name = serializers.CharField(label="简称", max_length=50, required=False, allow_blank=True, default="")
    code = serializers.CharField(
        label="单位代码", max_length=32, required=False, allow_blank=True, default="", help_text="留空时自动编号"
    )
    kind = serializers.ChoiceField(
        label="单位类别", choices=UnitKind.choices, required=False, allow_null=True, default=None,
        help_text="留空时按名称推断（…乡/…镇 → 乡镇，…街道 → 街道，其余为机关）",
    )
    parent = serializers.PrimaryKeyRelatedField(
        label="上级单位", queryset=OrgUnit.objects.all(), required=False, allow_null=True, default=None
    )
    locality = serializers.CharField(label="所在地", max_length=50, required=False, allow_blank=True, default="")
    is_key_unit = serializers.BooleanField(label="重要单位（回避）", required=False, default=False)
    key_area = serializers.ChoiceField(
        label="重要单位类别", choices=KeyArea.choices, required=False, allow_blank=True, default=""
    )
    order = serializers.IntegerField(label="排序", min_value=0, required=False, default=1000)
    is_active = serializers.BooleanField(label="有效", required=False, default=True)

    def validate(self, attrs):
        # the database constraints behind these checks would otherwise surface as a server error
        code = (attrs.get("code") or "").strip()
        if code and OrgUnit.objects.filter(code=code).exclude(pk=self.context.get("unit_pk")).exists():
            raise ApplicationError(f"单位代码「{code}」已被使用", field="code")
        if not self.partial:
            check_unit_key_area(attrs)
        return attrs


# ---------------------------------------------------------------- posts


class PostOutputSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, label="所在单位")
    full_title = serializers.CharField(read_only=True, label="职位全称")
    holders = serializers.IntegerField(read_only=True, label="在任人数")
    vacancy = serializers.IntegerField(read_only=True, label="空缺职数", help_text="职数减去在任人数")

    class Meta:
        model = Post
        fields = [
            "id",
            "unit",
            "title",
            "full_title",
            "level",
            "kind",
            "headcount",
            "holders",
            "vacancy",
            "is_key_post",
            "needs_local_avoidance",
            "is_open_for_competition",
            "requires_full_time_education",
            "order",
            "is_active",
        ]
        read_only_fields = fields


class PostInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(label="所在单位", queryset=OrgUnit.objects.all())
    title = serializers.CharField(label="职位名称", max_length=50)
    level = serializers.ChoiceField(label="职位层次", choices=RankLevel.choices)
    kind = serializers.ChoiceField(label="职位类别", choices=PostKind.choices, required=False, default=PostKind.LEADERSHIP)
    headcount = serializers.IntegerField(label="职数", min_value=1, max_value=50, required=False, default=1)
    is_key_post = serializers.BooleanField(label="重要岗位", required=False, default=False)
    needs_local_avoidance = serializers.BooleanField(label="需本地籍回避", required=False, default=False)
    is_open_for_competition = serializers.BooleanField(label="列入竞争上岗", required=False, default=False)
    requires_full_time_education = serializers.BooleanField(label="要求全日制学历", required=False, default=False)
    order = serializers.IntegerField(label="排序", min_value=0, required=False, default=1000)
    is_active = serializers.BooleanField(label="有效", required=False, default=True)


# ---------------------------------------------------------------- cadres: nested rows


class EducationSerializer(serializers.ModelSerializer):
    class Meta:
        model = EducationRecord
        fields = ["id", "mode", "level", "degree", "school", "major", "graduated_on"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualAssessment
        fields = ["id", "year", "grade", "reason"]
        read_only_fields = fields


class PostHistorySerializer(serializers.ModelSerializer):
    resume_line = serializers.CharField(read_only=True, label="简历行")

    class Meta:
        model = PostHistory
        fields = [
            "id",
            "unit",
            "post",
            "seat",
            "unit_name",
            "title",
            "level",
            "start",
            "end",
            "method",
            "is_secondment",
            "resume_line",
        ]
        read_only_fields = fields


class RankHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = RankHistory
        fields = ["id", "level", "start", "end", "note"]
        read_only_fields = fields


class RewardPunishmentSerializer(serializers.ModelSerializer):
    is_sanction = serializers.BooleanField(read_only=True, label="是否处分")

    class Meta:
        model = RewardPunishment
        fields = ["id", "kind", "name", "reason", "decided_on", "effect_start", "effect_end", "issuer", "is_sanction"]
        read_only_fields = fields


class FamilyMemberSerializer(serializers.ModelSerializer):
    id_number = MaskedIdNumberField()
    birth_date = MaskedBirthDateField(allow_null=True)

    class Meta:
        model = FamilyMember
        fields = [
            "id",
            "relation",
            "name",
            "birth_date",
            "political_status",
            "work_unit_and_post",
            "id_number",
            "relative_cadre",
            "order",
        ]
        read_only_fields = fields


class CurrentPositionSerializer(serializers.ModelSerializer):
    """The cadre's current position (mirrors the open post-history and rank-history rows)."""

    unit = UnitRefSerializer(read_only=True, allow_null=True, label="工作单位")
    title = serializers.CharField(source="position_title", read_only=True, label="现任职务")
    level = serializers.CharField(source="rank_level", read_only=True, label="职务层次")
    current_job = serializers.CharField(read_only=True, label="现单位及职务")

    class Meta:
        model = Cadre
        fields = ["unit", "title", "level", "position_start", "rank_start", "current_job"]
        read_only_fields = fields


# ---------------------------------------------------------------- cadres


class CadreListSerializer(serializers.ModelSerializer):
    id_number = MaskedIdNumberField()
    birth_date = MaskedBirthDateField()
    age = serializers.IntegerField(read_only=True, label="年龄", help_text="按今天计算的周岁")
    ethnicity_name = serializers.CharField(read_only=True, label="民族名称")
    current_position = CurrentPositionSerializer(source="*", read_only=True, label="现任职务")
    educations = EducationSerializer(many=True, read_only=True, label="学历学位")
    assessments = AssessmentSerializer(many=True, read_only=True, label="年度考核")

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "gender",
            "id_number",
            "birth_date",
            "age",
            "ethnicity",
            "ethnicity_name",
            "native_place",
            "grew_up_place",
            "political_status",
            "staffing_type",
            "works_in_organ",
            "professional_title",
            "title_level",
            "status",
            "current_position",
            "educations",
            "assessments",
        ]
        read_only_fields = fields


class CadreDetailSerializer(CadreListSerializer):
    post_history = PostHistorySerializer(many=True, read_only=True, label="任职经历")
    rank_history = RankHistorySerializer(many=True, read_only=True, label="职务层次经历")
    rewards_punishments = RewardPunishmentSerializer(many=True, read_only=True, label="奖惩情况")
    family = FamilyMemberSerializer(many=True, read_only=True, label="家庭成员")
    resume = serializers.SerializerMethodField(label="简历")

    class Meta(CadreListSerializer.Meta):
        fields = CadreListSerializer.Meta.fields + [
            "birthplace",
            "party_join_date",
            "work_start_date",
            "health",
            "expertise",
            "note",
            "created_at",
            "updated_at",
            "resume",
            "post_history",
            "rank_history",
            "rewards_punishments",
            "family",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_resume(self, obj) -> list[str]:
        return [row.resume_line for row in obj.post_history.all() if not row.is_secondment]


class CadreInputSerializer(serializers.Serializer):
    """Fields of the record itself; education, history and family rows are maintained elsewhere."""

    name = serializers.CharField(label="姓名", max_length=30)
    gender = serializers.ChoiceField(label="性别", choices=Gender.choices)
    id_number = serializers.CharField(label="身份证号", max_length=20, help_text="18位（15位旧号自动转换）")
    birth_date = serializers.DateField(
        label="出生日期", required=False, allow_null=True, help_text="可省略，按身份证号确定；填写时须与身份证号一致"
    )
    ethnicity = serializers.ChoiceField(label="民族", choices=ETHNICITIES, required=False, default="01")
    native_place = serializers.CharField(label="籍贯", max_length=50, required=False, allow_blank=True, default="")
    birthplace = serializers.CharField(label="出生地", max_length=50, required=False, allow_blank=True, default="")
    grew_up_place = serializers.CharField(label="成长地", max_length=50, required=False, allow_blank=True, default="")
    political_status = serializers.ChoiceField(
        label="政治面貌", choices=PoliticalStatus.choices, required=False, default=PoliticalStatus.CPC
    )
    party_join_date = serializers.DateField(label="入党时间", required=False, allow_null=True, default=None)
    work_start_date = serializers.DateField(label="参加工作时间", required=False, allow_null=True, default=None)
    staffing_type = serializers.ChoiceField(
        label="编制类型", choices=StaffingType.choices, required=False, default=StaffingType.CIVIL_SERVANT
    )
    works_in_organ = serializers.BooleanField(label="在机关工作的企事业编制人员", required=False, default=False)
    health = serializers.CharField(label="健康状况", max_length=30, required=False, allow_blank=True, default="健康")
    professional_title = serializers.CharField(
        label="专业技术职务", max_length=50, required=False, allow_blank=True, default=""
    )
    title_level = serializers.ChoiceField(
        label="职称级别", choices=TitleLevel.choices, required=False, allow_blank=True, default=""
    )
    expertise = serializers.CharField(label="熟悉专业有何专长", max_length=200, required=False, allow_blank=True, default="")
    unit = serializers.PrimaryKeyRelatedField(
        label="工作单位", queryset=OrgUnit.objects.all(), required=False, allow_null=True, default=None
    )
    position_title = serializers.CharField(label="现任职务", max_length=50, required=False, allow_blank=True, default="")
    rank_level = serializers.ChoiceField(label="职务层次", choices=RankLevel.choices, required=False, allow_blank=True, default="")
    position_start = serializers.DateField(label="任现职时间", required=False, allow_null=True, default=None)
    rank_start = serializers.DateField(label="任现职级时间", required=False, allow_null=True, default=None)
    note = serializers.CharField(label="备注", max_length=500, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(label="状态", choices=CadreStatus.choices, required=False, default=CadreStatus.ACTIVE)
    appointment_method = serializers.ChoiceField(
        label="任职方式",
        choices=AppointmentMethod.choices,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text="现任职务变化时写入新任职经历的任职方式",
    )

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("姓名不能为空")
        return value

