"""Applications as staff, leaders and the observer see them, with the review, inspection and deferral actions."""
from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from .. import permissions, services
from ..filters import ApplicationFilter
from ..models import Application
from .common import DENIED, ERROR_400, NOT_FOUND, deny, input_data, require_work_role
from .inputs import DecideIn, DeferralIn, InspectionRecordIn
from .serializers import ApplicationOut


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
        require_work_role(request.user, "review_decide")
        data = input_data(DecideIn, request)
        app = services.review_decide(actor=request.user, application=self.get_object(), **data)
        return Response(ApplicationOut(app).data)

    @extend_schema(summary="登记考察情况", description="仅组织部工作人员，“组织考察”阶段：谈话人数、考察意见、考察结论。",
                   request=InspectionRecordIn, responses={200: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def inspection(self, request, pk=None):
        require_work_role(request.user, "inspection_record")
        data = input_data(InspectionRecordIn, request)
        app = services.inspection_record(actor=request.user, application=self.get_object(), **data)
        return Response(ApplicationOut(app).data)

    @extend_schema(summary="缓议处理", description="组织部工作人员或领导小组成员：退回组织考察或不再提名，须填写理由。",
                   request=DeferralIn, responses={200: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def deferral(self, request, pk=None):
        if not (permissions.can_manage(request.user) or permissions.is_leader(request.user)):
            deny("只有组织部工作人员或领导小组成员可以处理缓议。")
        data = input_data(DeferralIn, request)
        app = services.deferral_resolve(actor=request.user, application=self.get_object(), **data)
        return Response(ApplicationOut(app).data)
