"""Decision, publicity and appointment routes: the 党委会, the superior approval, 任前公示, objections, the
appointment."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import permissions, selectors, services
from ..models import Application, Objection
from . import moves
from .common import (
    CampaignRoutes,
    DENIED,
    ERROR_400,
    NOT_FOUND,
    detail_response,
    input_data,
    int_keys,
    require_work_role,
)
from .inputs import MeetingIn, ObjectionIn, ObjectionResolveIn, SuperiorApprovalIn
from .serializers import CampaignOut, MeetingOut, ObjectionOut


# Routes under /campaigns/{id}/ for 讨论决定, 任前公示 and 任职
# (mixed into CampaignViewSet; no docstring: drf-spectacular would show it as every route's description)
class DecisionActions(CampaignRoutes):
    @extend_schema(summary="记录党委会（领导小组成员）",
                   description="会议日期、应到会成员及到会情况、每位到会成员对每位人选的表决意见。到会不足三分之二时只记录"
                   "会议、不计表决；同意票超过应到人数半数为通过。",
                   request=MeetingIn, responses={201: MeetingOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def meeting(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "meeting_record")
        data = input_data(MeetingIn, request)
        meeting = services.meeting_record(
            actor=request.user, campaign=campaign, held_on=data["held_on"], members=data["members"],
            votes=int_keys(data["votes"], "votes"), title=data["title"], note=data["note"],
        )
        return Response(MeetingOut(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="登记上级组织部审批", description="仅组织部工作人员：批复文号、日期、批准和未批准的人选。",
                   request=SuperiorApprovalIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="superior-approval")
    def superior_approval(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "superior_approval")
        data = input_data(SuperiorApprovalIn, request)
        services.superior_approval_record(actor=request.user, campaign=campaign, **data)
        return detail_response(request, campaign)

    @extend_schema(summary="开始任前公示",
                   description="仅组织部工作人员，即阶段流转 start_publicity：生成任前公示，公示期为方案规定的工作日数"
                   "（不少于5个工作日）。" + moves.help_of("start_publicity") + "。",
                   request=moves.MOVE_IN["start_publicity"], responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def publicity(self, request, pk=None):
        campaign = self._campaign(pk)
        return detail_response(request, moves.take(request, campaign, "start_publicity"))

    @extend_schema(methods=["GET"], summary="公示反映", description="任前公示期间登记的举报/反映及核查情况。",
                   responses={200: ObjectionOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @extend_schema(methods=["POST"], summary="登记公示反映", description="仅组织部工作人员，任前公示或任职阶段。",
                   request=ObjectionIn, responses={201: ObjectionOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get", "post"])
    def objections(self, request, pk=None):
        campaign = self._campaign(pk)
        self._reader()
        if request.method == "POST":
            require_work_role(request.user, "objection")
            data = input_data(ObjectionIn, request)
            app = get_object_or_404(Application, pk=data.pop("application"), campaign=campaign)
            objection = services.objection_record(actor=request.user, application=app, **data)
            return Response(ObjectionOut(objection).data, status=status.HTTP_201_CREATED)
        return Response(ObjectionOut(selectors.objections(campaign), many=True).data)

    @extend_schema(summary="办理任职", description="仅组织部工作人员，即阶段流转 appoint：一个事务内更新任职记录，"
                   "生成任职通知。" + moves.help_of("appoint") + "。",
                   request=moves.MOVE_IN["appoint"], responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def appointment(self, request, pk=None):
        campaign = self._campaign(pk)
        return detail_response(request, moves.take(request, campaign, "appoint"))


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
        data = input_data(ObjectionResolveIn, request)
        objection = services.objection_resolve(actor=request.user, objection=objection, **data)
        return Response(ObjectionOut(objection).data)
