"""任职资格 API: explain one cadre for one post, screen a post, grant/revoke waivers, record manual checks. Thin views."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.privacy import mask_id_number

from ...api.serializers import MaskedIdNumberField
from ...models import Cadre, EligibilityManualCheck, EligibilityWaiver, Post
from .. import rules as R
from .. import selectors as S
from .. import services
from ..engine import explain, explain_ids


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="规则代码：pool/assessment/health/sanction/age/tenure/education/ladder/county/manual")
    name = serializers.CharField(help_text="规则名称")
    status = serializers.ChoiceField(choices=[R.PASS, R.FAIL, R.WAIVED, R.MANUAL], help_text="pass 符合 / fail 不符合 / waived 经批准放宽 / manual 待人工审核")
    status_label = serializers.CharField(help_text="结论（中文）")
    value = serializers.CharField(help_text="本人情况")
    limit = serializers.CharField(help_text="要求")
    reason = serializers.CharField(help_text="可直接引用的中文说明")
    waivable = serializers.BooleanField(help_text="可否经批准放宽")
    note = serializers.CharField(help_text="放宽前的原说明（仅放宽时）")


class ExplanationSerializer(serializers.Serializer):
    cadre_id = serializers.IntegerField()
    name = serializers.CharField(help_text="姓名")
    id_number = MaskedIdNumberField(help_text="身份证号：组织部工作人员及本人完整，其他角色脱敏（330502********311*）")
    post_id = serializers.IntegerField(allow_null=True)
    post = serializers.CharField(help_text="职位")
    as_of = serializers.DateField(help_text="截止日期")
    appointment = serializers.ChoiceField(choices=list(R.APPOINTMENTS), help_text="新任 / 转任 / 降职（现任层次高于职位，不列为人选）")
    appointment_basis = serializers.CharField(help_text="按转任的依据，例如“现任正科级”“具有中级职称”")
    result = serializers.ChoiceField(choices=list(R.RESULTS), help_text="符合 / 符合（含放宽） / 不符合 / 待人工审核")
    rules = RuleResultSerializer(many=True)


def explanation_data(x, *, full_ids: bool) -> dict:
    """`ExplanationSerializer(x.as_dict(), context={"full_ids": …}).data` without the serializer's field walk: the
    explanation's dict holds the serializer's types already (str, int, None, bool, the as-of date as text), so
    only the 身份证号 is masked (the documented shape stays `ExplanationSerializer`)."""
    data = x.as_dict()
    if not full_ids:
        data["id_number"] = mask_id_number(data["id_number"])
    return data


class WaiverInputSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(help_text="干部ID")
    post = serializers.IntegerField(required=False, allow_null=True, help_text="职位ID（与 scope 二选一）")
    scope = serializers.CharField(required=False, allow_blank=True, help_text="竞争上岗范围，例如 campaign:12（与 post 二选一）")
    rule = serializers.ChoiceField(choices=list(R.WAIVABLE_RULES), help_text="age 年龄 / education 学历 / tenure 任职年限")
    reason = serializers.CharField(max_length=300, help_text="放宽理由")


class WaiverOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EligibilityWaiver
        fields = ["id", "cadre", "post", "scope", "rule", "reason", "approved_by", "approved_on", "revoked_at", "revoke_reason"]


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="撤销理由")


AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="截止日期 YYYY-MM-DD，默认今天（北京时间）")


class ExplainApi(APIView):
    @extend_schema(
        summary="单人对照单个职位的任职资格",
        description=(
            "逐条列出任职资格审查结果（报名范围、年度考核、身体健康、处分影响期、年龄、任职年限、学历、人工审核项）。"
            "组织部工作人员、领导小组成员、纪检监督可查询任何人；干部本人只能查询自己对照列入竞争上岗职位的结果。"
        ),
        parameters=[
            OpenApiParameter("cadre", OpenApiTypes.INT, required=True, description="干部ID"),
            OpenApiParameter("post", OpenApiTypes.INT, required=True, description="职位ID"),
            AS_OF,
        ],
        responses={200: ExplanationSerializer},
        tags=["任职资格"],
    )
    def get(self, request):
        try:
            cadre_id, post_id = int(request.query_params.get("cadre", "")), int(request.query_params.get("post", ""))
        except ValueError:
            return Response({"detail": "请提供干部ID（cadre）和职位ID（post）"}, status=status.HTTP_400_BAD_REQUEST)
        as_of = S.parse_as_of(request.query_params.get("as_of"))
        if roles.can_read_roster(request.user):
            # The person and the post are read with the explanation (one query); a missing person is reported
            # before a missing post, with get_object_or_404's messages.
            try:
                x = explain_ids(cadre_id, post_id, as_of)
            except (Cadre.DoesNotExist, Post.DoesNotExist):
                get_object_or_404(Cadre, pk=cadre_id)
                get_object_or_404(Post, pk=post_id)
                raise
            full_ids = roles.is_staff_member(request.user) or Cadre.objects.filter(pk=cadre_id, user=request.user).exists()
        else:
            own = Cadre.objects.filter(user=request.user).first()
            if own is None or own.pk != cadre_id:
                raise PermissionDenied("只能查询本人的任职资格")
            post = get_object_or_404(S.open_posts(), pk=post_id)
            x = explain(own, post, as_of)
            full_ids = True  # their own record
        return Response(explanation_data(x, full_ids=full_ids))


class ScreenPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PostScreenApi(APIView):
    @extend_schema(
        summary="筛查职位：全体在职干部对照该职位的任职资格",
        description="按结论排序（符合、符合（含放宽）、待人工审核、不符合），可按结果、任职方式、工作单位筛选，分页返回。仅组织部工作人员、领导小组成员、纪检监督可用。",
        parameters=[
            AS_OF,
            OpenApiParameter("result", OpenApiTypes.STR, enum=list(R.RESULTS), description="结果"),
            OpenApiParameter("appointment", OpenApiTypes.STR, enum=list(R.APPOINTMENTS), description="任职方式"),
            OpenApiParameter("unit", OpenApiTypes.INT, description="工作单位ID"),
            OpenApiParameter("page", OpenApiTypes.INT, description="页码"),
        ],
        responses={200: ExplanationSerializer(many=True)},
        tags=["任职资格"],
    )
    def get(self, request, pk):
        if not roles.can_read_roster(request.user):
            raise PermissionDenied("没有查看干部任职资格的权限")
        post = get_object_or_404(Post.objects.select_related("unit"), pk=pk)
        params = request.query_params
        result = params.get("result", "")
        if result and result not in R.RESULTS:
            return Response({"detail": f"结果应为{'、'.join(R.RESULTS)}之一", "field": "result"}, status=400)
        appointment = params.get("appointment", "")
        if appointment and appointment not in R.APPOINTMENTS:
            return Response({"detail": "任职方式应为新任、转任或降职", "field": "appointment"}, status=400)
        unit = params.get("unit") or None
        if unit is not None and not str(unit).isdigit():
            return Response({"detail": "工作单位ID应为整数", "field": "unit"}, status=400)
        rows = S.post_screen(post, S.parse_as_of(params.get("as_of")), result=result, appointment=appointment, unit_id=unit)
        paginator = ScreenPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        context = {"full_ids": roles.is_staff_member(request.user)}  # leaders and observers: masked, as on the pages
        return paginator.get_paginated_response(
            ExplanationSerializer([r.as_dict() for r in page], many=True, context=context).data
        )


class WaiverCreateApi(APIView):
    @extend_schema(
        summary="批准放宽任职资格条件",
        description="领导小组成员为某人报考某职位（或某次竞争上岗）放宽年龄、学历或任职年限，记入审计日志。",
        request=WaiverInputSerializer,
        responses={201: WaiverOutputSerializer},
        tags=["任职资格"],
    )
    def post(self, request):
        if not roles.has_role(request.user, roles.LEADER):
            raise PermissionDenied("只有领导小组成员可以批准放宽")
        data = WaiverInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cadre = get_object_or_404(Cadre, pk=v["cadre"])
        post = get_object_or_404(Post.objects.select_related("unit"), pk=v["post"]) if v.get("post") else None
        waiver = services.waiver_grant(
            actor=request.user, cadre=cadre, post=post, scope_key=v.get("scope") or None, rule=v["rule"], reason=v["reason"]
        )
        return Response(WaiverOutputSerializer(waiver).data, status=status.HTTP_201_CREATED)


class WaiverRevokeApi(APIView):
    @extend_schema(
        summary="撤销放宽",
        request=RevokeInputSerializer,
        responses={200: WaiverOutputSerializer},
        tags=["任职资格"],
    )
    def post(self, request, pk):
        if not roles.has_role(request.user, roles.LEADER):
            raise PermissionDenied("只有领导小组成员可以撤销放宽")
        data = RevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        waiver = get_object_or_404(EligibilityWaiver.objects.select_related("cadre"), pk=pk)
        waiver = services.waiver_revoke(actor=request.user, waiver=waiver, reason=data.validated_data["reason"])
        return Response(WaiverOutputSerializer(waiver).data)


class ManualCheckInputSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(help_text="干部ID")
    post = serializers.IntegerField(required=False, allow_null=True, help_text="职位ID（空为通用或按 scope）")
    scope = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="竞争上岗范围，例如 campaign:12")
    passed = serializers.BooleanField(help_text="true 通过 / false 不通过")
    reason = serializers.CharField(max_length=300, help_text="审核意见")


class ManualCheckOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EligibilityManualCheck
        fields = ["id", "cadre", "post", "scope", "rule", "passed", "reason", "recorded_by", "recorded_on"]


class ManualCheckCreateApi(APIView):
    @extend_schema(
        summary="记录政治素质和品行人工审核结论",
        description="组织部工作人员为某人（通用、某职位或某次竞争上岗）记录人工审核项通过或不通过及审核意见；再次记录覆盖原记录，记入审计日志。",
        request=ManualCheckInputSerializer,
        responses={201: ManualCheckOutputSerializer},
        tags=["任职资格"],
    )
    def post(self, request):
        if not roles.is_staff_member(request.user):
            raise PermissionDenied("只有组织部工作人员可以记录人工审核结论")
        data = ManualCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cadre = get_object_or_404(Cadre, pk=v["cadre"])
        post = get_object_or_404(Post.objects.select_related("unit"), pk=v["post"]) if v.get("post") else None
        check = services.manual_check_record(
            actor=request.user, cadre=cadre, post=post, scope=v.get("scope") or "", passed=v["passed"], reason=v["reason"],
        )
        return Response(ManualCheckOutputSerializer(check).data, status=status.HTTP_201_CREATED)
