"""Views of the rotation API: thin over selectors and services; staff write, leaders decide, observers read."""
from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions as drf_permissions
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, selectors, services, workflow
from ..models import RotationPlan, RotationSuggestion, Secondment
from .serializers import (
    AcceptIn,
    AdoptedOut,
    AdoptIn,
    DueOut,
    MoveIn,
    MoveOut,
    PlanIn,
    PlanOut,
    ReasonIn,
    RejectedOut,
    SecondmentSerializer,
    SuggestionOut,
)


class CanRead(drf_permissions.BasePermission):
    message = "您没有查看轮岗交流信息的权限。"

    def has_permission(self, request, view):
        if not permissions.can_read(request.user):
            return False
        if request.method in drf_permissions.SAFE_METHODS:
            return True
        if getattr(view, "decision_action", False):
            return permissions.can_decide(request.user)
        return permissions.can_write(request.user)


# ---------------------------------------------------------------- due list


class DueListView(APIView):
    permission_classes = [CanRead]

    @extend_schema(
        summary="应轮岗交流人员",
        description="按默认口径测算全部在职干部：同一职位任职年限、重要岗位满一届、地域回避、亲属任职回避；含事实与中文理由。",
        parameters=[
            OpenApiParameter("as_of", str, description="测算基准日 YYYY-MM-DD，默认今天"),
            OpenApiParameter("unit", int, description="单位编号"),
            OpenApiParameter("rule", str, description="规则代码：same_post / key_post / local / kinship"),
            OpenApiParameter("exempt", str, description="1 = 包含暂缓人员"),
        ],
        responses=DueOut(many=True),
    )
    def get(self, request):
        try:
            as_of = dt.date.fromisoformat(request.query_params.get("as_of") or selectors.today().isoformat())
        except ValueError:
            return Response({"detail": "测算基准日格式应为 YYYY-MM-DD"}, status=status.HTTP_400_BAD_REQUEST)
        unit = request.query_params.get("unit")
        groups = selectors.due_list(
            as_of, unit_id=int(unit) if unit and unit.isdigit() else None, rule=request.query_params.get("rule", ""),
            include_exempt=request.query_params.get("exempt") == "1",
        )
        rows = [r for _u, items in groups for r in items]
        return Response(DueOut(rows, many=True).data)


# ---------------------------------------------------------------- plans


@extend_schema_view(
    list=extend_schema(summary="交流方案列表", description="全部轮岗交流方案及其交流人员。", responses=PlanOut(many=True)),
    retrieve=extend_schema(summary="交流方案详情", responses=PlanOut),
    create=extend_schema(
        summary="新建交流方案", request=PlanIn, responses={201: PlanOut},
        description="组织部工作人员新建方案：范围单位/职位、基准日。",
    ),
)
class PlanViewSet(viewsets.ViewSet):
    permission_classes = [CanRead]
    queryset = RotationPlan.objects.none()  # for the schema: the path id is an integer
    serializer_class = PlanOut
    # the viewset's status-move actions → the workflow action they take (its role decides who may call it)
    transition_actions = {"submit": "submit", "approve": "approve", "return_plan": "return", "execute": "execute"}

    def get_permissions(self):
        action_name = self.transition_actions.get(getattr(self, "action", None), "")
        self.decision_action = workflow.LEADER in workflow.roles_for(action_name)
        return super().get_permissions()

    def _plan(self, pk):
        return get_object_or_404(RotationPlan, pk=pk)

    def list(self, request):
        plans = RotationPlan.objects.prefetch_related("units", "posts", "moves__cadre", "moves__to_post__unit")
        return Response(PlanOut(plans, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(PlanOut(self._plan(pk)).data)

    def create(self, request):
        data = PlanIn(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_create(actor=request.user, **data.validated_data)
        return Response(PlanOut(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="添加交流人员", request=MoveIn, responses=MoveOut)
    @action(detail=True, methods=["post"])
    def moves(self, request, pk=None):
        data = MoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        move = services.move_add(actor=request.user, plan=self._plan(pk), **data.validated_data)
        return Response(MoveOut(move).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="审批前校验", description="返回全部问题（每条注明交流项）；为空表示可提交审批。", request=None,
                   responses={200: {"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "string"}}}}})
    @action(detail=True, methods=["get"])
    def check(self, request, pk=None):
        return Response({"errors": services.plan_check(self._plan(pk))})

    @extend_schema(summary="提交审批", request=None, responses=PlanOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return Response(PlanOut(services.plan_transition(actor=request.user, plan=self._plan(pk), action="submit")).data)

    @extend_schema(summary="批准方案（领导小组成员）", request=None, responses=PlanOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(PlanOut(services.plan_transition(actor=request.user, plan=self._plan(pk), action="approve")).data)

    @extend_schema(summary="退回方案（领导小组成员，须填理由）", request=ReasonIn, responses=PlanOut)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request, pk=None):
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_transition(actor=request.user, plan=self._plan(pk), action="return",
                                        note=data.validated_data["reason"])
        return Response(PlanOut(plan).data)

    @extend_schema(summary="执行方案（一个事务内更新全部任职记录）", request=None, responses=PlanOut)
    @action(detail=True, methods=["post"])
    def execute(self, request, pk=None):
        return Response(PlanOut(services.plan_transition(actor=request.user, plan=self._plan(pk), action="execute")).data)

    @extend_schema(summary="交流建议", description="GET 返回最近一次测算；POST 重新测算（线性指派，满足全部硬性条件，匹配分最高）。",
                   request=None, responses=SuggestionOut(many=True))
    @action(detail=True, methods=["get", "post"])
    def suggestions(self, request, pk=None):
        plan = self._plan(pk)
        if request.method == "POST":
            services.suggestions_generate(actor=request.user, plan=plan)
        return Response(SuggestionOut(selectors.plan_suggestions(plan), many=True).data)

    @extend_schema(summary="采纳交流建议（所选或全部，连同交流链，一次完成）", request=AdoptIn, responses={201: AdoptedOut})
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        plan = self._plan(pk)
        data = AdoptIn(data=request.data)
        data.is_valid(raise_exception=True)
        adopted = services.suggestions_adopt(actor=request.user, plan=plan, suggestion_ids=data.validated_data["suggestions"],
                                             everything=data.validated_data["all"])
        return Response(AdoptedOut({"moves": adopted.moves, "chained": adopted.chained}).data, status=status.HTTP_201_CREATED)


class SuggestionViewSet(viewsets.ViewSet):
    permission_classes = [CanRead]
    queryset = RotationSuggestion.objects.none()  # for the schema: the path id is an integer
    serializer_class = SuggestionOut

    @extend_schema(summary="采纳交流建议（可调整职位或类型；未调整时连同交流链一并采纳）", request=AcceptIn,
                   responses={201: AdoptedOut})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        s = get_object_or_404(RotationSuggestion, pk=pk)
        data = AcceptIn(data=request.data)
        data.is_valid(raise_exception=True)
        adopted = services.suggestion_accept(actor=request.user, suggestion=s, to_post=data.validated_data.get("to_post"),
                                             kind=data.validated_data.get("kind", ""))
        return Response(AdoptedOut({"moves": adopted.moves, "chained": adopted.chained}).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="不采纳交流建议（依赖其职位的建议一并失效）", request=ReasonIn, responses=RejectedOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        s = get_object_or_404(RotationSuggestion, pk=pk)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        fell = services.suggestion_reject(actor=request.user, suggestion=s, reason=data.validated_data["reason"])
        s.refresh_from_db()
        return Response(RejectedOut({"suggestion": s, "fell": fell}).data)


# ---------------------------------------------------------------- secondments


@extend_schema_view(
    list=extend_schema(
        summary="挂职锻炼列表",
        parameters=[OpenApiParameter("state", str, description="active（在挂）/ ended（已结束）/ all（全部）")],
        responses=SecondmentSerializer(many=True),
    ),
    retrieve=extend_schema(summary="挂职记录", responses=SecondmentSerializer),
    create=extend_schema(summary="登记挂职锻炼", request=SecondmentSerializer, responses={201: SecondmentSerializer}),
    partial_update=extend_schema(
        summary="修改挂职记录（结束时间、总结等）", request=SecondmentSerializer, responses=SecondmentSerializer
    ),
)
class SecondmentViewSet(viewsets.ViewSet):
    permission_classes = [CanRead]
    queryset = Secondment.objects.none()  # for the schema: the path id is an integer
    serializer_class = SecondmentSerializer

    def list(self, request):
        state = request.query_params.get("state", "all")
        qs = selectors.secondment_list(active={"active": True, "ended": False}.get(state))
        return Response(SecondmentSerializer(qs, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(SecondmentSerializer(get_object_or_404(Secondment, pk=pk)).data)

    def create(self, request):
        data = SecondmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        s = services.secondment_create(actor=request.user, data=data.validated_data)
        return Response(SecondmentSerializer(s).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        s = get_object_or_404(Secondment, pk=pk)
        data = SecondmentSerializer(s, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        s = services.secondment_update(actor=request.user, secondment=s, data=data.validated_data)
        return Response(SecondmentSerializer(s).data)

    @extend_schema(summary="即将期满的挂职", parameters=[OpenApiParameter("days", int, description="提前天数，默认30")])
    @action(detail=False, methods=["get"], url_path="due-soon")
    def due_soon(self, request):
        days = request.query_params.get("days", "30")
        qs = selectors.secondments_due_soon(selectors.today(), days=int(days) if days.isdigit() else 30)
        return Response(SecondmentSerializer(qs, many=True).data)
