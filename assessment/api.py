"""DRF API of 民主测评: sessions, codes (staff), anonymous ballot submission (throttled), tallies."""
import hashlib
import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.exceptions import ApplicationError

from . import selectors, services
from .codes import display_code
from .models import BallotSession, OptionSet, SessionStatus
from .permissions import can_manage, can_read_tallies


class BallotThrottle(SimpleRateThrottle):
    """Limits ballot submissions per client address. The cache key is a keyed hash of the address, so
    not even the throttle cache holds an IP; nothing is written to the database."""

    scope = "ballot"

    def get_rate(self):
        return getattr(settings, "ASSESSMENT_BALLOT_RATE", "300/min")  # a meeting room shares one NAT address

    def get_cache_key(self, request, view):
        ident = self.get_ident(request)
        key = (getattr(settings, "ASSESSMENT_BALLOT_HMAC_KEY", "") or settings.SECRET_KEY).encode()
        hashed = hmac.new(key, b"throttle:" + ident.encode(), hashlib.sha256).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": hashed}

    def allow_request(self, request, view):
        if self.get_rate() is None:
            return True
        return super().allow_request(request, view)


class CanReadTallies(permissions.BasePermission):
    message = "只有组织部工作人员、领导小组成员和纪检监督人员可以查看测评。"

    def has_permission(self, request, view):
        if not can_read_tallies(request.user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_manage(request.user)


# ----------------------------------------------------------------------------------------- serializers


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


class CodesIn(serializers.Serializer):
    group = serializers.IntegerField(label="测评人类别编号")
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_CODES_PER_ISSUE, label="数量")


class CodesOut(serializers.Serializer):
    group = serializers.CharField(label="测评人类别")
    codes = serializers.ListField(child=serializers.CharField(), label="测评码（仅此一次返回，请立即打印或分发）")
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


# ------------------------------------------------------------------------------------------------ views


@extend_schema_view(
    list=extend_schema(summary="测评场次列表", description="组织部工作人员、领导小组成员、纪检监督人员可查看。"),
    retrieve=extend_schema(summary="测评场次详情", description="测评对象、测评人类别及权重、状态。不含任何单张选票。"),
    create=extend_schema(summary="创建测评场次", description="仅组织部工作人员。各类别权重之和须为 100%。",
                         request=SessionIn, responses={201: SessionOut}),
)
class BallotSessionViewSet(viewsets.GenericViewSet):
    permission_classes = [CanReadTallies]
    serializer_class = SessionOut

    def get_queryset(self):
        return BallotSession.objects.prefetch_related("targets", "groups").order_by("-created_at", "-id")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SessionOut(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(SessionOut(self.get_object()).data)

    def create(self, request):
        data = _valid(SessionIn, request.data)
        session = services.ballot_session_create(actor=request.user, **data)
        return Response(SessionOut(self.get_queryset().get(pk=session.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="开始测评", request=None, responses={200: SessionOut})
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        services.ballot_session_transition(actor=request.user, session=self.get_object(), action="open")
        return Response(SessionOut(self.get_object()).data)

    @extend_schema(summary="结束测评并冻结结果", description="计票结果冻结保存，并记录其 SHA-256 摘要。",
                   request=None, responses={200: SessionOut})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.ballot_session_transition(actor=request.user, session=self.get_object(), action="close")
        return Response(SessionOut(self.get_object()).data)

    @extend_schema(summary="作废测评", request=VoidIn, responses={200: SessionOut})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        data = _valid(VoidIn, request.data)
        services.ballot_session_transition(actor=request.user, session=self.get_object(), action="void", note=data["reason"])
        return Response(SessionOut(self.get_object()).data)

    @extend_schema(
        summary="发放测评码",
        description="仅组织部工作人员。服务器只保存测评码的 HMAC 摘要；明文测评码只在本次响应中返回一次。",
        request=CodesIn, responses={201: CodesOut},
    )
    @action(detail=True, methods=["post"])
    def codes(self, request, pk=None):
        session = self.get_object()
        data = _valid(CodesIn, request.data)
        group = get_object_or_404(session.groups, pk=data["group"])
        codes = services.codes_issue(actor=request.user, session=session, group=group, count=data["count"])
        response = Response(
            {"group": group.name, "codes": [display_code(c) for c in codes],
             "ballot_url": _ballot_url(request, session)},
            status=status.HTTP_201_CREATED,
        )
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="作废测评码", description="按测评码或票号作废尚未使用的测评码（例如票据遗失）。",
                   request=RevokeIn, responses={200: MessageOut})
    @action(detail=True, methods=["post"], url_path="codes/revoke")
    def revoke(self, request, pk=None):
        data = _valid(RevokeIn, request.data)
        row = services.code_revoke(actor=request.user, session=self.get_object(), code=data.get("code", ""),
                                   serial=data.get("serial"))
        return Response({"detail": f"票号 {row.serial} 的测评码已作废。"})

    @extend_schema(
        summary="计票结果",
        description="按测评对象 × 测评人类别统计各选项票数、有效票、参评率、优秀率、称职以上率、同意率和加权得分；"
        "不足规定票数的类别并入“其他”。测评中的场次只有组织部工作人员可查看实时结果。",
        responses={200: OpenApiResponse(description="计票结果 JSON")},
    )
    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        session = self.get_object()
        if session.status != SessionStatus.CLOSED and not can_manage(request.user):
            raise ApplicationError("测评尚未结束，结果暂不公开。")
        data = selectors.tally(session)
        return Response({**data, "status": session.status, "result_hash": session.result_hash})


class BallotSubmitView(APIView):
    """Anonymous: no login; the one-time code is the only credential."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [BallotThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="提交选票（匿名）",
        description="凭一次性测评码投票，无需登录。测评码与选票在同一事务中核销和保存；选票不记录测评码、账号、IP、"
        "浏览器信息和时间。同一测评码只能成功提交一次。按来源地址限流。",
        request=BallotIn, responses={201: MessageOut, 400: MessageOut, 429: MessageOut},
    )
    def post(self, request):
        data = _valid(BallotCheckIn, request.data)
        services.ballot_submit(session_id=data["session"], code=data["code"], marks=data["marks"])
        response = Response({"detail": "投票成功，感谢您的参与。"}, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        errors = [f"{field}: {'; '.join(str(m) for m in messages) if isinstance(messages, list) else messages}"
                  for field, messages in serializer.errors.items()]
        # never echo the submitted code back in an error
        raise ApplicationError("提交的数据有误：" + "；".join(errors), errors=errors)
    return serializer.validated_data


def _ballot_url(request, session) -> str:
    from django.urls import reverse

    return request.build_absolute_uri(reverse("assessment:ballot", args=[session.public_id]))

