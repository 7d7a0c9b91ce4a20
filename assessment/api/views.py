"""DRF views of 民主测评: sessions, codes (staff), anonymous ballot submission (throttled), tallies."""
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError

from .. import selectors, services
from ..codes import display_code
from ..models import BallotSession
from ..permissions import can_manage, can_read_tallies
from .serializers import BallotCheckIn, BallotIn, CodesIn, CodesOut, MessageOut, RevokeIn, SessionIn, SessionOut, VoidIn
from .throttles import BallotThrottle


class CanReadTallies(permissions.BasePermission):
    message = "只有组织部工作人员、领导小组成员和纪检监督人员可以查看测评。"

    def has_permission(self, request, view):
        if not can_read_tallies(request.user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_manage(request.user)


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
        description="仅组织部工作人员。可一次为多个类别发放（groups）。服务器只保存测评码的 HMAC 摘要；明文测评码只在本次响应中返回一次。",
        request=CodesIn, responses={201: CodesOut},
    )
    @action(detail=True, methods=["post"])
    def codes(self, request, pk=None):
        session = self.get_object()
        data = _valid(CodesIn, request.data)
        for item in data["groups"]:
            get_object_or_404(session.groups, pk=item["group"])
        issued = services.codes_issue_groups(
            actor=request.user, session=session, counts={item["group"]: item["count"] for item in data["groups"]}
        )
        groups = [{"group": g.name, "codes": [display_code(c) for c in codes]} for g, codes in issued]
        response = Response(
            {**groups[0], "groups": groups, "ballot_url": _ballot_url(request, session)},
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
        description="结束测评后：按测评对象 × 测评人类别统计各选项票数、有效票、参评率、优秀率、称职以上率、同意率和加权得分；"
        "不足规定票数的类别并入“其他”（“其他”仍不足时，票数最少的类别一并并入）。测评结束前任何人（包括组织部工作人员）"
        "都只能看到参评情况（turnout：各类别发出、已用、未用、作废和收回数），没有任何对象的得票。",
        responses={200: OpenApiResponse(description="计票结果 JSON（结束前只有 status、result_hash 为空和 turnout）")},
    )
    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        session = self.get_object()
        body = {"status": session.status, "result_hash": session.result_hash, "turnout": selectors.turnout(session)}
        if selectors.has_result(session):
            body = {**selectors.tally(session), **body}
        return Response(body)


class BallotSubmitView(APIView):
    """Anonymous: no login; the one-time code is the only credential."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [BallotThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # no django.request log line for a refused vote either (see assessment.views.ballot.unlogged)
        response = super().finalize_response(request, response, *args, **kwargs)
        response._has_been_logged = True
        return response

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
    return request.build_absolute_uri(reverse("assessment:ballot", args=[session.public_id]))
