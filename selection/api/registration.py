"""Registration and review routes of a campaign: nominations, late entries, the review list and its approval."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .. import selectors, services
from .common import CampaignRoutes, DENIED, ERROR_400, NOT_FOUND, detail_response, input_data, require_work_role
from .inputs import LateEntryIn, NominationIn, ReviewApproveIn, SelectionReasonIn
from .serializers import ApplicationOut, CampaignOut, ReviewGroupOut


# Routes under /campaigns/{id}/ for 公开报名 and 资格审查
# (mixed into CampaignViewSet; no docstring: drf-spectacular would show it as every route's description)
class RegistrationActions(CampaignRoutes):
    @extend_schema(summary="群众举荐/组织推荐",
                   description="仅组织部工作人员，“公开报名”阶段。被推荐人本人同意后生效（状态为“待本人确认”）。",
                   request=NominationIn, responses={201: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def nominations(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "nominate")
        data = input_data(NominationIn, request)
        if data["campaign_post"].campaign_id != campaign.pk:
            raise NotFound("该职位不属于本次竞争上岗工作。")
        app = services.nomination_create(actor=request.user, **data)
        return Response(ApplicationOut(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="补报", description="仅组织部工作人员，“资格审查”阶段，须填写补报理由。",
                   request=LateEntryIn, responses={201: ApplicationOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="late-entries")
    def late_entries(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "late_entry")
        data = input_data(LateEntryIn, request)
        if data["campaign_post"].campaign_id != campaign.pk:
            raise NotFound("该职位不属于本次竞争上岗工作。")
        cp, cadre, reason = data.pop("campaign_post"), data.pop("cadre"), data.pop("reason")
        app = services.late_entry_create(actor=request.user, campaign_post=cp, cadre=cadre, reason=reason,
                                                      data=data)
        return Response(ApplicationOut(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="资格审查名单", description="按职位列出已报名人员、系统审查建议、审查结论和意见，以及差额不足提示。",
                   responses={200: ReviewGroupOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def review(self, request, pk=None):
        campaign = self._campaign(pk)
        self._reader()
        return Response(ReviewGroupOut(selectors.review_queue(campaign), many=True).data)

    @extend_schema(summary="审查名单报党委", description="仅组织部工作人员；每份报名须已有审查结论。",
                   request=None, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/submit")
    def review_submit(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "review_submit")
        return detail_response(request, services.review_submit(actor=request.user, campaign=campaign))

    @extend_schema(summary="审定资格审查名单（领导小组成员）", request=ReviewApproveIn,
                   responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/approve")
    def review_approve(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "review_approve")
        data = input_data(ReviewApproveIn, request)
        return detail_response(request, services.review_approve(actor=request.user, campaign=campaign,
                                                                             note=data["note"]))

    @extend_schema(summary="退回资格审查名单（领导小组成员，须填理由）", request=SelectionReasonIn,
                   responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/return")
    def review_return(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "review_approve")
        data = input_data(SelectionReasonIn, request)
        return detail_response(request, services.review_return(actor=request.user, campaign=campaign,
                                                                            reason=data["reason"]))

    @extend_schema(summary="张榜公布资格审查结果", description="仅组织部工作人员；名单经党委审定后生成公示并通知报名人。",
                   request=None, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="review/publish")
    def review_publish(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "review_publish")
        return detail_response(request, services.review_publish(actor=request.user, campaign=campaign))
