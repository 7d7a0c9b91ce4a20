"""Records API (单位, 职位, 干部): thin views over cadre.services.

Who may do what:
- 组织部工作人员 (staff): read and write everything here.
- 领导小组成员 (leader) and 纪检监督 (observer): read only; 身份证号 masked.
- 干部 (candidate): only their own cadre record (``/api/cadres/me/``; the list holds just that record).
- 评委 (judge) and anyone else signed in: 403. Anonymous: 401/403.
"""
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from core import roles

from .. import services
from ..models import Cadre, OrgUnit, Post
from ..services.reads import id_numbers_read_record
from .filters import CadreFilter, OrgUnitFilter, PostFilter
from .serializers import (
    CadreDetailSerializer,
    CadreInputSerializer,
    CadreListSerializer,
    PostInputSerializer,
    PostOutputSerializer,
    UnitInputSerializer,
    UnitOutputSerializer,
)

ErrorSerializer = inline_serializer(
    name="ApplicationErrorResponse",
    fields={
        "detail": serializers.CharField(label="错误说明（中文）"),
        "field": serializers.CharField(label="出错字段", required=False),
    },
)
ERROR_400 = OpenApiResponse(ErrorSerializer, description="数据不符合要求，`detail` 为中文说明，`field` 为出错字段")
DENIED = OpenApiResponse(description="未登录（401/403）或当前角色无权访问（403）")
NOT_FOUND = OpenApiResponse(description="记录不存在或当前账号不可见")


class RecordPermission(BasePermission):
    """Read: staff, leaders, observers (and a candidate on their own record where the view allows it).
    Write: staff only."""

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            if roles.can_read_roster(user):
                return True
            return getattr(view, "candidate_sees_own", False) and roles.has_role(user, roles.CANDIDATE)
        return roles.is_staff_member(user)


class RecordViewSetMixin:
    permission_classes = [RecordPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        # full 身份证号 for staff; a candidate only ever sees their own record here
        context["full_ids"] = roles.is_staff_member(user) or not roles.can_read_roster(user)
        return context

    def _input(self, serializer_class, *, partial=False, **context):
        context = {**self.get_serializer_context(), **context}
        serializer = serializer_class(data=self.request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, obj, *, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)


# ---------------------------------------------------------------- units


@extend_schema_view(
    list=extend_schema(
        summary="单位列表",
        description="按排序号列出单位（管委会、机关部门、乡镇街道、事业单位、国有企业），含上级单位、单位类别、所在地、"
        "重要单位（回避）标记，以及职位数和在职干部数。可按关键字、类别、上级单位、重要单位筛选。",
        responses={200: UnitOutputSerializer(many=True), 403: DENIED},
    ),
    retrieve=extend_schema(
        summary="单位详情", description="一个单位的完整信息。", responses={200: UnitOutputSerializer, 403: DENIED, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="新建单位",
        description="仅组织部工作人员可用。单位代码留空时自动编号；单位类别留空时按名称推断。重要单位必须选择重要单位类别。",
        request=UnitInputSerializer,
        responses={201: UnitOutputSerializer, 400: ERROR_400, 403: DENIED},
    ),
    update=extend_schema(
        summary="修改单位",
        description="仅组织部工作人员可用。上级单位不能是本单位或其下级单位。",
        request=UnitInputSerializer,
        responses={200: UnitOutputSerializer, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="修改单位（部分字段）",
        description="仅组织部工作人员可用，只修改提交的字段。",
        request=UnitInputSerializer,
        responses={200: UnitOutputSerializer, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="删除单位",
        description="仅组织部工作人员可用。只能删除没有下级单位、职位、干部和任职经历引用的单位；否则返回400及中文说明，"
        "可改为将单位设为无效。",
        responses={204: OpenApiResponse(description="已删除"), 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["单位"])
class OrgUnitViewSet(RecordViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnitOutputSerializer
    filterset_class = OrgUnitFilter
    ordering_fields = ["order", "name", "code", "kind", "id"]
    ordering = ["order", "id"]

    def get_queryset(self):
        post_count = (
            Post.objects.filter(unit=OuterRef("pk")).order_by().values("unit").annotate(n=Count("id")).values("n")
        )
        cadre_count = (
            Cadre.objects.filter(unit=OuterRef("pk"), status="在职")
            .order_by()
            .values("unit")
            .annotate(n=Count("id"))
            .values("n")
        )
        return OrgUnit.objects.select_related("parent").annotate(
            post_count=Coalesce(Subquery(post_count, output_field=IntegerField()), Value(0)),
            cadre_count=Coalesce(Subquery(cadre_count, output_field=IntegerField()), Value(0)),
        )

    def create(self, request, *args, **kwargs):
        data = self._input(UnitInputSerializer)
        unit = services.unit_create(
            actor=request.user,
            name=data.pop("name"),
            kind=data.pop("kind"),
            parent=data.pop("parent"),
            code=data.pop("code"),
            **data,
        )
        return self._output(unit, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        unit = self.get_object()
        data = self._input(UnitInputSerializer, partial=partial, unit_pk=unit.pk)
        if "kind" in data and data["kind"] is None:
            data["kind"] = services.infer_unit_kind(data.get("name") or unit.name)
        if "code" in data and not data["code"]:
            data.pop("code")
        unit = services.unit_update(actor=request.user, unit=unit, data=data)
        return self._output(unit)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.unit_delete(actor=request.user, unit=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- posts


@extend_schema_view(
    list=extend_schema(
        summary="职位列表",
        description="列出职位及其所在单位、职位层次、职数、在任人数和空缺职数（一次查询统计，不逐行查询），以及重要岗位、"
        "本地籍回避、列入竞争上岗等标记。可按单位、层次、类别、标记、是否有空缺和关键字筛选。",
        responses={200: PostOutputSerializer(many=True), 403: DENIED},
    ),
    retrieve=extend_schema(
        summary="职位详情", description="一个职位的完整信息，含在任人数和空缺职数。",
        responses={200: PostOutputSerializer, 403: DENIED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="新建职位",
        description="仅组织部工作人员可用。同一单位内职位名称不能重复，职数为1至50。",
        request=PostInputSerializer,
        responses={201: PostOutputSerializer, 400: ERROR_400, 403: DENIED},
    ),
    update=extend_schema(
        summary="修改职位",
        description="仅组织部工作人员可用。职数不能少于现有在任人数；有在任人员的职位不能改到其他单位。",
        request=PostInputSerializer,
        responses={200: PostOutputSerializer, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="修改职位（部分字段）",
        description="仅组织部工作人员可用，只修改提交的字段。",
        request=PostInputSerializer,
        responses={200: PostOutputSerializer, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="删除职位",
        description="仅组织部工作人员可用。已有任职记录（现任或曾任）的职位不能删除，返回400及中文说明，可改为设为无效。",
        responses={204: OpenApiResponse(description="已删除"), 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["职位"])
class PostViewSet(RecordViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PostOutputSerializer
    filterset_class = PostFilter
    ordering_fields = ["unit__order", "order", "level", "headcount", "vacancy", "id"]
    ordering = ["unit__order", "order", "id"]

    def get_queryset(self):
        posts = services.post_vacancies(Post.objects.select_related("unit"))
        return posts.annotate(vacancy=F("headcount") - F("holders"))

    def create(self, request, *args, **kwargs):
        post = services.post_create(actor=request.user, data=self._input(PostInputSerializer))
        return self._output(post, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        post = self.get_object()
        data = self._input(PostInputSerializer, partial=partial)
        post = services.post_update(actor=request.user, post=post, data=data)
        return self._output(post)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.post_delete(actor=request.user, post=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- cadres


@extend_schema_view(
    list=extend_schema(
        summary="干部名册",
        description="按职务排序列出干部，含身份信息、现任职务、学历学位和年度考核。组织部工作人员看到完整身份证号，"
        "领导小组成员和纪检监督人员看到脱敏号码（如 330502********311*，出生日期只显示年月）；干部本人只能看到自己的一条记录。"
        "可按单位（含下级单位）、职务层次、性别、政治面貌、编制类型、学历和关键字 `q` 筛选，`ordering` 排序。",
        responses={200: CadreListSerializer(many=True), 403: DENIED},
    ),
    retrieve=extend_schema(
        summary="干部档案详情",
        description="一名干部的完整档案：身份信息、现任职务、学历学位、任职经历和简历、职务层次经历、年度考核、奖惩、家庭成员。"
        "干部本人只能查看自己的档案，查看他人返回404。",
        responses={200: CadreDetailSerializer, 403: DENIED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="新建干部档案",
        description="仅组织部工作人员可用。校验身份证号（18位、校验位、出生日期、第17位与性别一致）；"
        "填写现任职务和任现职时间时自动生成任职经历，职务层次和任现职级时间生成职务层次经历。",
        request=CadreInputSerializer,
        responses={201: CadreDetailSerializer, 400: ERROR_400, 403: DENIED},
    ),
    update=extend_schema(
        summary="修改干部档案",
        description="仅组织部工作人员可用。所有修改保留变更记录；现任职务或职务层次变化时，原任职记录自动截止并新增记录。",
        request=CadreInputSerializer,
        responses={200: CadreDetailSerializer, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="修改干部档案（部分字段）",
        description="仅组织部工作人员可用，只修改提交的字段，其余字段保持不变。",
        request=CadreInputSerializer,
        responses={200: CadreDetailSerializer, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["干部档案"])
class CadreViewSet(RecordViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    candidate_sees_own = True
    filterset_class = CadreFilter
    ordering_fields = ["rank_order", "pinyin_key", "stroke_key", "birth_date", "position_start", "rank_start", "id"]
    ordering = ["rank_order", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return CadreListSerializer
        return CadreDetailSerializer

    def get_queryset(self):
        cadres = Cadre.objects.select_related("unit").prefetch_related("educations", "assessments")
        if self.action != "list":
            cadres = cadres.prefetch_related("post_history", "rank_history", "rewards_punishments", "family")
        user = self.request.user
        if not roles.can_read_roster(user):
            cadres = cadres.filter(user=user) if user.is_authenticated else cadres.none()
        return cadres

    def _record_full_id_read(self, response, *, one: bool) -> None:
        """Staff reading other people's full 身份证号 through the API leave an audit row per response."""
        if response.status_code != 200 or not roles.is_staff_member(self.request.user):
            return
        if one:
            data = response.data
            id_numbers_read_record(actor=self.request.user, cadre_ids=[data["id"]],
                                   cadre=Cadre(pk=data["id"], name=data.get("name", "")))
        else:
            rows = response.data.get("results", response.data) if isinstance(response.data, dict) else response.data
            id_numbers_read_record(actor=self.request.user, cadre_ids=[row["id"] for row in rows])

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._record_full_id_read(response, one=False)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._record_full_id_read(response, one=True)
        return response

    def create(self, request, *args, **kwargs):
        data = self._input(CadreInputSerializer)
        method = data.pop("appointment_method", "")
        cadre = services.cadre_create(actor=request.user, data=data, method=method)
        return self._output(cadre, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        cadre = self.get_object()
        data = self._input(CadreInputSerializer, partial=partial)
        method = data.pop("appointment_method", "")
        if data.get("birth_date", "") is None:
            data.pop("birth_date")  # "derive from the 身份证号"
        cadre = services.cadre_update(actor=request.user, cadre=cadre, data=data, method=method)
        return self._output(cadre)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary="我的档案",
        description="当前登录账号关联的干部档案（完整身份证号）。账号未关联干部档案时返回404。",
        responses={200: CadreDetailSerializer, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"], url_path="me")
    def me(self, request):
        cadre = (
            Cadre.objects.select_related("unit")
            .prefetch_related("educations", "assessments", "post_history", "rank_history", "rewards_punishments", "family")
            .filter(user=request.user)
            .first()
        )
        if cadre is None:
            raise NotFound("您的账号未关联干部档案")
        context = self.get_serializer_context()
        context["full_ids"] = True
        return Response(CadreDetailSerializer(cadre, context=context).data)

