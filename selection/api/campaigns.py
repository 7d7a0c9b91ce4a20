"""The campaign routes: list, detail, the plan, stage moves, events, Excel downloads; the registration, scoring
and decision routes are mixed in from their modules. Also the competing posts and the leaders' inbox."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles

from .. import exports, permissions, selectors, services
from ..filters import CampaignFilter
from ..models import Campaign, CampaignPost
from ..views.export import xlsx_response
from . import moves
from .common import DENIED, ERROR_400, NOT_FOUND, XLSX_RESPONSE, deny, detail_response, input_data, require_work_role
from .decision import DecisionActions
from .inputs import CampaignIn, CampaignPostIn, JudgesIn, MembersIn, SelectionReasonIn
from .registration import RegistrationActions
from .scoring import ScoringActions
from .serializers import CampaignListOut, CampaignOut, CampaignPostOut, EventOut, InboxOut, JudgeOut, MemberOut


# ====================================================================== campaigns


@extend_schema_view(
    list=extend_schema(
        summary="竞争上岗工作列表",
        description="组织部工作人员、领导小组成员、纪检监督人员看到全部工作；评委只看到被指定评分的工作；干部看不到"
        "（请用“可报名的竞争上岗”）。含竞争职位数、报名人数、合格人数、评委人数；可按阶段、年度、关键字筛选，分页。",
        responses={200: CampaignListOut(many=True), 403: DENIED},
    ),
    retrieve=extend_schema(
        summary="竞争上岗工作详情",
        description="方案设置、各阶段记录、竞争职位、领导小组和工作班子、评委，以及当前账号可执行的阶段操作。",
        responses={200: CampaignOut, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="起草竞争上岗方案",
        description="仅组织部工作人员。新建的工作处于“准备动员”阶段。",
        request=CampaignIn, responses={201: CampaignOut, 400: ERROR_400, 403: DENIED},
    ),
    partial_update=extend_schema(
        summary="修改方案",
        description="仅组织部工作人员。“准备动员”阶段可改全部设置；“公布职位”阶段只能改报名时间和联系方式。",
        request=CampaignIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["竞争上岗"])
class CampaignViewSet(RegistrationActions, ScoringActions, DecisionActions, mixins.ListModelMixin,
                      viewsets.GenericViewSet):
    queryset = Campaign.objects.none()  # for the schema: the path id is an integer
    serializer_class = CampaignListOut
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = CampaignFilter
    ordering_fields = ["plan_year", "id", "stage_since"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.campaign_list(self.request.user)

    def list(self, request, *args, **kwargs):
        if not (permissions.is_reader(request.user) or roles.has_role(request.user, roles.JUDGE)):
            deny("干部请通过“可报名的竞争上岗”查看正在报名的职位。")
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        return detail_response(request, self._campaign(pk))

    def create(self, request):
        self._staff()
        data = input_data(CampaignIn, request)
        campaign = services.campaign_create(actor=request.user, data=data)
        return detail_response(request, campaign, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = input_data(CampaignIn, request, partial=True)
        campaign = services.campaign_update(actor=request.user, campaign=campaign, data=data)
        return detail_response(request, campaign)

    # ------------------------------------------------------------ stage moves

    @extend_schema(
        summary="阶段流转",
        description="按阶段表执行一步操作（例如 submit_plan 提交方案报批、approve_plan 批准方案、close_speech 演讲评分"
        "结束、cancel 终止）。只能在规定阶段、由规定角色执行；离开阶段前检查该阶段的完成条件，不满足时返回400及逐项原因。"
        "退回、撤回、终止须填写理由。",
        request=moves.TransitionIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        campaign = self._campaign(pk)
        return detail_response(request, moves.take_any(request, campaign))

    @extend_schema(
        summary="撤回到上一阶段",
        description="按当前阶段的撤回操作回到上一阶段，须填写理由；已做的工作保留，再次前进时重新检查完成条件。",
        request=SelectionReasonIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        campaign = self._campaign(pk)
        data = input_data(SelectionReasonIn, request)
        return detail_response(request, moves.take_withdrawal(request, campaign, data["reason"]))

    @extend_schema(summary="阶段流转记录", description="每次流转、退回、撤回：操作人、时间、原阶段、新阶段、说明。",
                   responses={200: EventOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        campaign = self._campaign(pk)
        self._reader()
        return Response(EventOut(selectors.events(campaign), many=True).data)

    # ------------------------------------------------------------ plan: posts, members, judges

    @extend_schema(
        methods=["GET"], summary="竞争职位", description="本次工作的竞争职位（含已取消的），含报名人数和合格人数。",
        responses={200: CampaignPostOut(many=True), 403: DENIED, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"], summary="列入竞争职位", description="仅组织部工作人员，“准备动员”阶段。竞争职数不超过职位职数。",
        request=CampaignPostIn, responses={201: CampaignPostOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"])
    def posts(self, request, pk=None):
        campaign = self._campaign(pk)
        if request.method == "POST":
            self._staff()
            data = input_data(CampaignPostIn, request)
            cp = services.post_add(actor=request.user, campaign=campaign, **data)
            return Response(CampaignPostOut(cp).data, status=status.HTTP_201_CREATED)
        self._reader()
        return Response(CampaignPostOut(selectors.campaign_detail(campaign.pk).posts.all(), many=True).data)

    @extend_schema(summary="设置领导小组和工作班子", description="仅组织部工作人员，“准备动员”阶段；整体替换。",
                   request=MembersIn, responses={200: MemberOut(many=True), 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = input_data(MembersIn, request)
        services.members_set(actor=request.user, campaign=campaign, members=data["members"])
        return Response(MemberOut(campaign.members.all(), many=True).data)

    @extend_schema(summary="确定评委", description="仅组织部工作人员，演讲评分开始前；账号须有“评委”角色。整体替换。",
                   request=JudgesIn, responses={200: JudgeOut(many=True), 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def judges(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = input_data(JudgesIn, request)
        services.judges_set(actor=request.user, campaign=campaign, users=data["users"])
        return Response(JudgeOut(campaign.judges.all(), many=True).data)

    @extend_schema(summary="生成职位公告", description="仅组织部工作人员，“公布职位”阶段；生成《职位公告》PDF。",
                   request=None, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def announcement(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "generate_announcement")
        services.announcement_generate(actor=request.user, campaign=campaign)
        return detail_response(request, campaign)


    # ------------------------------------------------------------ exports

    @extend_schema(
        summary="下载 Excel 表格",
        description="registrations 报名汇总表、review 资格审查名单、scores 成绩汇总表（各评委评分仅组织部工作人员可见）、"
        "inspection 考察对象名单。组织部工作人员、领导小组成员、纪检监督人员可下载。",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=[*exports.KINDS], description="表格类型")],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): XLSX_RESPONSE,
                   403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"export/(?P<kind>registrations|review|scores|inspection)",
            url_name="export")
    def export(self, request, pk=None, kind=None):
        campaign = self._campaign(pk)
        self._reader()
        return xlsx_response(campaign, kind, request.user)


# ====================================================================== posts, judges, scores, objections


@extend_schema(tags=["竞争上岗"])
class CampaignPostViewSet(viewsets.GenericViewSet):
    queryset = CampaignPost.objects.none()
    serializer_class = CampaignPostOut
    permission_classes = [permissions.IsStaff]

    def _post(self, pk) -> CampaignPost:
        return get_object_or_404(CampaignPost.objects.select_related("campaign", "post", "post__unit"), pk=pk)

    @extend_schema(summary="移出竞争职位", description="仅组织部工作人员，“准备动员”阶段，且尚无报名。",
                   responses={204: OpenApiResponse(description="已移出"), 400: ERROR_400, 403: DENIED})
    def destroy(self, request, pk=None):
        services.post_remove(actor=request.user, campaign_post=self._post(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="抽签确定演讲顺序", description="仅组织部工作人员，“演讲”阶段；随机抽签并记录种子，可复核。",
                   request=None, responses={200: CampaignPostOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        cp = self._post(pk)
        services.speaking_order_draw(actor=request.user, campaign_post=cp)
        return Response(CampaignPostOut(self._post(pk)).data)

    @extend_schema(summary="取消竞争职位", description="仅组织部工作人员，“资格审查”阶段（差额不足时），须填写理由。",
                   request=SelectionReasonIn, responses={200: CampaignPostOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        cp = self._post(pk)
        data = input_data(SelectionReasonIn, request)
        services.post_cancel(actor=request.user, campaign_post=cp, reason=data["reason"])
        return Response(CampaignPostOut(self._post(pk)).data)


@extend_schema(tags=["竞争上岗：领导"])
class LeaderInboxView(APIView):
    permission_classes = [permissions.IsLeader]

    @extend_schema(summary="待领导审批事项", description="方案待审批、资格审查名单待审定、考察对象待确定、待记录党委会。",
                   responses={200: InboxOut(many=True), 403: DENIED})
    def get(self, request):
        return Response(InboxOut(selectors.leader_inbox(request.user), many=True).data)
