"""A candidate's own routes: open campaigns, their applications and nominations."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, selectors, services
from ..models import Application
from .common import DENIED, ERROR_400, NOT_FOUND, input_data
from .inputs import ApplicationFormIn, MyApplicationIn, MyApplicationUpdateIn, RespondIn, SelectionReasonIn
from .serializers import APPLICATION_FORM_FIELDS, MyApplicationOut, OpenCampaignOut


def _form_data(app: Application, data: dict) -> dict:
    """The form as saved, overlaid with the fields sent (a partial save keeps the others)."""
    merged = {name: getattr(app, name) for name in APPLICATION_FORM_FIELDS}
    merged.update({k: v for k, v in data.items() if k in APPLICATION_FORM_FIELDS})
    return merged


@extend_schema_view(
    list=extend_schema(summary="我的报名", description="本人的报名（不含待本人确认的推荐，见 nominations）。",
                       responses={200: MyApplicationOut(many=True), 403: DENIED}),
    retrieve=extend_schema(summary="我的报名详情",
                           description="报名表和资格自查结果；审查结论在张榜公布后显示，成绩在任前公示开始后显示。",
                           responses={200: MyApplicationOut, 403: DENIED, 404: NOT_FOUND}),
    create=extend_schema(summary="个人自荐报名", description="报名时间内保存草稿或提交；提交时即时显示资格自查结果。",
                         request=MyApplicationIn, responses={201: MyApplicationOut, 400: ERROR_400, 403: DENIED}),
    partial_update=extend_schema(summary="修改我的报名", description="报名时间内修改并保存或提交。",
                                 request=MyApplicationUpdateIn,
                                 responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND}),
)
@extend_schema(tags=["竞争上岗：本人"])
class MyApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Application.objects.none()
    serializer_class = MyApplicationOut
    permission_classes = [permissions.IsCandidate]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _cadre_id(self):
        return permissions.own_cadre_id(self.request.user)

    def get_queryset(self):
        if getattr(self, "action", None) == "list":
            return selectors.my_applications(self._cadre_id())
        return selectors.own_applications(self._cadre_id())

    def _out(self, app, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=app.pk)
        return Response(MyApplicationOut(fresh, context={"request": self.request}).data, status=status_code)

    def create(self, request):
        data = input_data(MyApplicationIn, request)
        cp, submit = data.pop("campaign_post"), data.pop("submit")
        app = services.application_save(actor=request.user, campaign_post=cp, data=data, submit=submit)
        return self._out(app, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        app = self.get_object()
        data = input_data(MyApplicationUpdateIn, request)
        submit = data.pop("submit")
        app = services.application_save(actor=request.user, campaign_post=app.campaign_post,
                                                     data=_form_data(app, data), submit=submit)
        return self._out(app)

    @extend_schema(summary="提交报名", description="以已保存的内容提交（也可同时修改字段）。", request=ApplicationFormIn,
                   responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        app = self.get_object()
        data = input_data(ApplicationFormIn, request)
        app = services.application_save(actor=request.user, campaign_post=app.campaign_post,
                                                     data=_form_data(app, data), submit=True)
        return self._out(app)

    @extend_schema(summary="撤回报名", description="须填写理由。", request=SelectionReasonIn,
                   responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        app = self.get_object()
        data = input_data(SelectionReasonIn, request)
        app = services.application_withdraw(actor=request.user, application=app, reason=data["reason"])
        return self._out(app)

    @extend_schema(summary="答复推荐", description="同意（可同时填写报名表）或不同意被群众举荐/组织推荐。",
                   request=RespondIn, responses={200: MyApplicationOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        app = self.get_object()
        data = input_data(RespondIn, request)
        accept = data.pop("accept")
        app = services.nomination_respond(actor=request.user, application=app, accept=accept,
                                                       data=_form_data(app, data) if accept else None)
        return self._out(app)

    @extend_schema(summary="待我确认的推荐", description="报名期间别人推荐本人、等待本人答复的报名。",
                   responses={200: MyApplicationOut(many=True), 403: DENIED})
    @action(detail=False, methods=["get"])
    def nominations(self, request):
        apps = selectors.nominations_waiting(self._cadre_id())
        return Response(MyApplicationOut(apps, many=True, context={"request": request}).data)


@extend_schema(tags=["竞争上岗：本人"])
class OpenCampaignsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="可报名的竞争上岗", description="正在公开报名的工作及其竞争职位（任何登录用户可看）。",
                   responses={200: OpenCampaignOut(many=True)})
    def get(self, request):
        return Response(OpenCampaignOut(selectors.open_campaigns_for_candidates(), many=True).data)
