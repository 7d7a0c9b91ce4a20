"""What the API views share: the documented error responses, input validation, the campaign detail reply and the
campaign lookup every route under /campaigns/{id}/ starts with."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from .. import permissions, selectors, workflow
from ..models import Campaign
from .serializers import CampaignOut


ERROR_400 = OpenApiResponse(
    inline_serializer(
        name="SelectionErrorResponse",
        fields={
            "detail": serializers.CharField(label="错误说明（中文）"),
            "field": serializers.CharField(label="出错字段", required=False),
            "errors": serializers.ListField(child=serializers.CharField(), label="逐项原因", required=False),
        },
    ),
    description="不符合阶段、规则或数据要求：`detail` 为中文说明，`errors` 为逐项原因",
)
DENIED = OpenApiResponse(description="未登录，或当前角色无权进行此项操作（403）")
NOT_FOUND = OpenApiResponse(description="记录不存在或当前账号不可见（404）")
XLSX_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="Excel 文件（.xlsx）")


def deny(message: str):
    raise PermissionDenied(message)


def require_work_role(user, work: str):
    if not permissions.work_role_allowed(user, work):
        _stages, who = workflow.STAGE_WORK[work]
        deny("只有" + "或".join(workflow.ROLE_LABELS[r] for r in who) + "可以进行此项工作。")


def input_data(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def int_keys(data: dict, label: str) -> dict:
    out = {}
    for key, value in data.items():
        try:
            out[int(key)] = value
        except (TypeError, ValueError):
            raise serializers.ValidationError({label: [f"“{key}”不是有效的报名编号。"]}) from None
    return out


def detail_response(request, campaign: Campaign, status_code=status.HTTP_200_OK) -> Response:
    fresh = selectors.campaign_detail(campaign.pk)
    return Response(CampaignOut(fresh, context={"request": request}).data, status=status_code)


# What every route under /campaigns/{id}/ starts with: the campaign the caller may see (404 otherwise) and
# the staff / reader checks (403). CampaignViewSet and the route groups mixed into it share these. (No docstring:
# drf-spectacular would show it as the description of every route that has none.)
class CampaignRoutes:
    def _campaign(self, pk) -> Campaign:
        campaign = get_object_or_404(Campaign, pk=pk)
        if not permissions.can_view_campaign(self.request.user, campaign):
            raise NotFound("没有找到该竞争上岗工作。")
        return campaign

    def _staff(self):
        if not permissions.can_manage(self.request.user):
            deny("只有组织部工作人员可以进行此项操作。")

    def _reader(self):
        if not permissions.is_reader(self.request.user):
            deny("评委只能查看本人的评分表。")
