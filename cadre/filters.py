"""The roster's filter form (干部花名册查询). Used by the list page and, through selectors.roster_search, the export."""
from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import Exists, Func, OuterRef, Q
from django.utils import timezone

from core.filters import ListedChoiceIterator

from .choices import CadreStatus, Education, Gender, PoliticalStatus, RankLevel, StaffingType
from .models import Cadre, EducationRecord, OrgUnit
from .permissions import can_search_id_number
from .sortkeys import QUERY_MAX, QUERY_TOO_LONG, normalize_query

# (value, label, youngest age, oldest age) — None means open-ended
AGE_BANDS = [
    ("-30", "30岁及以下", None, 30),
    ("31-35", "31-35岁", 31, 35),
    ("36-40", "36-40岁", 36, 40),
    ("41-45", "41-45岁", 41, 45),
    ("46-50", "46-50岁", 46, 50),
    ("51-55", "51-55岁", 51, 55),
    ("56-", "56岁及以上", 56, None),
]

SORTS = {
    "position": ("按职务排序", ("rank_order", "unit_order", "unit_id", "id")),
    "strokes": ("按姓氏笔画", ("stroke_key", "id")),
    "pinyin": ("按姓名拼音", ("pinyin_key", "id")),
    "age": ("按年龄（由小到大）", ("-birth_date", "id")),
    "birth": ("按出生日期（由早到晚）", ("birth_date", "id")),
}
DEFAULT_SORT = "position"


def years_before(on: dt.date, years: int) -> dt.date:
    """The same month-day `years` earlier; 29 Feb falls back to 28 Feb in a common year."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def birth_range_for_ages(on: dt.date, youngest: int | None, oldest: int | None) -> tuple[dt.date | None, dt.date | None]:
    """Birth dates (earliest exclusive, latest inclusive) of people aged youngest..oldest on `on`.

    Age ≥ n  ⇔ born on or before `years_before(on, n)`; age ≤ m ⇔ born after `years_before(on, m + 1)`.
    Returns (born_after, born_on_or_before); None where the band is open.
    """
    born_on_or_before = years_before(on, youngest) if youngest is not None else None
    born_after = years_before(on, oldest + 1) if oldest is not None else None
    return born_after, born_on_or_before


def unit_with_descendants(unit_id: int) -> list[int]:
    """The unit and every unit below it (one query over the whole tree, which is small)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.append(current)
        stack.extend(children.get(current, []))
    return found


class CharArray(Func):
    """`string_to_array(text, NULL)`: the characters of a text, as migration 0012's GIN indexes store them."""

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, NULL)"
    output_field = ArrayField(models.TextField())


def contains(field: str, text: str, *, chars: str = "") -> Q:
    """`field` contains `text`; with `chars` (the field's CharArray alias) also "holds each of its characters", a
    necessary condition the field's character index answers (one- and two-character queries included)."""
    cond = Q(**{f"{field}__contains": text})
    if chars:
        cond &= Q(**{f"{chars}__contains": sorted(set(text))})
    return cond


class UnitChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedChoiceIterator


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键字",
        method="filter_q",
        max_length=QUERY_MAX,
        error_messages={"max_length": QUERY_TOO_LONG},
        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音（全拼或首字母）、职务或身份证号", "type": "search"}),
    )
    unit = UnitFilter(
        label="单位", queryset=OrgUnit.objects.only("id", "name", "order"), method="filter_unit", empty_label="全部单位"
    )
    include_sub = django_filters.BooleanFilter(
        label="含下级单位", method="filter_noop", widget=forms.CheckboxInput
    )
    rank_level = django_filters.ChoiceFilter(label="职务层次", choices=RankLevel.choices, empty_label="全部层次")
    gender = django_filters.ChoiceFilter(label="性别", choices=Gender.choices, empty_label="全部")
    age_band = django_filters.ChoiceFilter(
        label="年龄段", choices=[(v, label) for v, label, _, _ in AGE_BANDS], method="filter_age_band", empty_label="全部年龄"
    )
    education = django_filters.ChoiceFilter(
        label="学历", choices=Education.choices, method="filter_education", empty_label="全部学历"
    )
    political_status = django_filters.ChoiceFilter(label="政治面貌", choices=PoliticalStatus.choices, empty_label="全部")
    staffing_type = django_filters.ChoiceFilter(label="编制类型", choices=StaffingType.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=CadreStatus.choices, empty_label="全部状态")
    sort = django_filters.ChoiceFilter(
        label="排序", choices=[(k, v[0]) for k, v in SORTS.items()], method="filter_noop", empty_label=None
    )

    class Meta:
        model = Cadre
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-check-input" if name == "include_sub" else (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )
            field.widget.attrs.setdefault("class", css)
        self.form.fields["sort"].required = False

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        text, pinyin = normalize_query(value)
        if not text:
            return queryset
        indexed = connections[queryset.db].vendor == "postgresql"  # the GIN indexes of migration 0012
        if indexed:
            queryset = queryset.alias(name_chars=CharArray("name"), title_chars=CharArray("position_title"))
        cond = contains("name", text, chars="name_chars" if indexed else "")
        cond |= contains("position_title", text, chars="title_chars" if indexed else "")
        # the units by name first (a small table), so that every branch of the OR is an index condition
        unit_ids = list(OrgUnit.objects.filter(name__contains=text).values_list("id", flat=True))
        if unit_ids:
            cond |= Q(unit_id__in=unit_ids)
        if pinyin:  # full pinyin with or without spaces, or the initials, any case (search_key: `yujianjun yjj`)
            cond |= Q(search_key__contains=pinyin)
        if can_search_id_number(self.user) and re.fullmatch(r"[0-9]{4,17}[0-9Xx]?", text):
            cond |= Q(id_number__contains=text.upper())
        return queryset.filter(cond)

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        if self.form.cleaned_data.get("include_sub"):
            return queryset.filter(unit_id__in=unit_with_descendants(value.pk))
        return queryset.filter(unit=value)

    def filter_age_band(self, queryset, name, value):
        band = next((b for b in AGE_BANDS if b[0] == value), None)
        if band is None:
            return queryset
        born_after, born_on_or_before = birth_range_for_ages(timezone.localdate(), band[2], band[3])
        if born_after is not None:
            queryset = queryset.filter(birth_date__gt=born_after)
        if born_on_or_before is not None:
            queryset = queryset.filter(birth_date__lte=born_on_or_before)
        return queryset

    def filter_education(self, queryset, name, value):
        """学历: a match on either the 全日制 or the 在职 record."""
        return queryset.filter(Exists(EducationRecord.objects.filter(cadre=OuterRef("pk"), level=value)))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])[1])

    @property
    def sort_key(self) -> str:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return DEFAULT_SORT
