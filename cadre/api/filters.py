"""django-filter filtersets for the records API (labels in Chinese: they show in the API docs)."""
import calendar

import django_filters
from django.db.models import Q

from core.roles import is_staff_member

from ..choices import (
    CadreStatus,
    Education,
    Gender,
    KeyArea,
    PoliticalStatus,
    PostKind,
    RankLevel,
    StaffingType,
    UnitKind,
)
from ..models import Cadre, EducationRecord, OrgUnit, Post
from ..sortkeys import QUERY_MAX, QUERY_TOO_LONG, normalize_query


def unit_and_descendant_ids(unit_id: int) -> list[int]:
    """The unit and every unit below it (one query: the tree is small, a few hundred units at most)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [unit_id]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node, []))
    return found


class OrgUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="关键字（单位名称、简称、代码、所在地）")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label="单位类别")
    parent = django_filters.NumberFilter(field_name="parent_id", label="上级单位ID")
    is_key_unit = django_filters.BooleanFilter(label="重要单位")
    key_area = django_filters.ChoiceFilter(choices=KeyArea.choices, label="重要单位类别")
    is_active = django_filters.BooleanFilter(label="有效")

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "parent", "is_key_unit", "key_area", "is_active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value) | Q(locality__icontains=value)
        )


class PostFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="关键字（职位名称、单位名称）")
    unit = django_filters.NumberFilter(field_name="unit_id", label="所在单位ID")
    level = django_filters.ChoiceFilter(choices=RankLevel.choices, label="职位层次")
    kind = django_filters.ChoiceFilter(choices=PostKind.choices, label="职位类别")
    is_key_post = django_filters.BooleanFilter(label="重要岗位")
    needs_local_avoidance = django_filters.BooleanFilter(label="需本地籍回避")
    is_open_for_competition = django_filters.BooleanFilter(label="列入竞争上岗")
    is_active = django_filters.BooleanFilter(label="有效")
    has_vacancy = django_filters.BooleanFilter(method="filter_has_vacancy", label="有空缺")

    class Meta:
        model = Post
        fields = [
            "q", "unit", "level", "kind", "is_key_post", "needs_local_avoidance", "is_open_for_competition",
            "is_active", "has_vacancy",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(unit__name__icontains=value) | Q(unit__short_name__icontains=value)
        )

    def filter_has_vacancy(self, queryset, name, value):
        # `vacancy` is annotated by the view's queryset (headcount minus open holdings)
        return queryset.filter(vacancy__gt=0) if value else queryset.filter(vacancy__lte=0)


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=QUERY_MAX, error_messages={"max_length": QUERY_TOO_LONG},
        label="关键字（姓名、拼音全拼或首字母、现任职务；组织部工作人员可按身份证号）",
    )
    unit = django_filters.NumberFilter(method="filter_unit", label="工作单位ID（含下级单位）")
    level = django_filters.ChoiceFilter(field_name="rank_level", choices=RankLevel.choices, label="职务层次")
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label="性别")
    political_status = django_filters.ChoiceFilter(choices=PoliticalStatus.choices, label="政治面貌")
    staffing_type = django_filters.ChoiceFilter(choices=StaffingType.choices, label="编制类型")
    status = django_filters.ChoiceFilter(choices=CadreStatus.choices, label="状态")
    ethnicity = django_filters.CharFilter(label="民族代码（如 01 汉族）")
    education = django_filters.ChoiceFilter(
        method="filter_education", choices=Education.choices, label="学历（全日制或在职任一为该学历）"
    )
    born_after = django_filters.DateFilter(
        method="filter_born_after", label="出生日期不早于（非组织部工作人员按月）"
    )
    born_before = django_filters.DateFilter(
        method="filter_born_before", label="出生日期不晚于（非组织部工作人员按月）"
    )

    class Meta:
        model = Cadre
        fields = [
            "q", "unit", "level", "gender", "political_status", "staffing_type", "status", "ethnicity", "education",
            "born_after", "born_before",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(position_title__icontains=value)
        _text, pinyin = normalize_query(value)
        if pinyin:
            condition |= Q(search_key__contains=pinyin)
        # only staff see full numbers, so only staff may search by them (no probing through the filter)
        if any(ch.isdigit() for ch in value) and is_staff_member(getattr(self.request, "user", None)):
            condition |= Q(id_number__icontains=value.upper())
        return queryset.filter(condition)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit_id__in=unit_and_descendant_ids(int(value)))

    def _day_precision(self) -> bool:
        """Only staff see full birth dates, so only they filter by day (no bisecting a masked date)."""
        return is_staff_member(getattr(self.request, "user", None))

    def filter_born_after(self, queryset, name, value):
        if not self._day_precision():
            value = value.replace(day=1)
        return queryset.filter(birth_date__gte=value)

    def filter_born_before(self, queryset, name, value):
        if not self._day_precision():
            value = value.replace(day=calendar.monthrange(value.year, value.month)[1])
        return queryset.filter(birth_date__lte=value)

    def filter_education(self, queryset, name, value):
        return queryset.filter(pk__in=EducationRecord.objects.filter(level=value).values("cadre_id"))
