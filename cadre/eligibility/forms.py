"""Forms of the eligibility pages: screen filters, waivers, and the rule-set editor (fields from data)."""
from __future__ import annotations

import copy

from django import forms

from core.filters import ListedChoiceIterator

from ..choices import StaffingType, UnitKind
from ..models import OrgUnit, Post
from . import rules as R
from .rulesets import EDUCATION_CHOICES, TITLE_CHOICES

RESULT_CHOICES = [("", "全部结果")] + [(r, r) for r in R.RESULTS]
APPOINTMENT_CHOICES = [("", "全部（按新提任、转任、降职分组）"), (R.NEW, "新提任"), (R.TRANSFER, R.TRANSFER), (R.DEMOTION, "降职（不列为人选）")]
INDEX_LEVEL_CHOICES = [("", "全部层次"), ("正科级", "正科级"), ("副科级", "副科级")]
VACANCY_CHOICES = [("", "全部"), ("有空缺", "有空缺"), ("无空缺", "无空缺")]
LEVEL_CHOICES = [("", "列入竞争上岗的职位"), ("正科", "全部正科级职位"), ("副科", "全部副科级职位")]


class UnitChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ScreenFilterForm(forms.Form):
    as_of = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(label="结果", choices=RESULT_CHOICES, required=False)
    appointment = forms.ChoiceField(label="任职方式", choices=APPOINTMENT_CHOICES, required=False)
    unit = UnitChoiceField(
        label="工作单位", queryset=OrgUnit.objects.filter(is_active=True), required=False, empty_label="全部单位",
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-autosubmit": ""}),
    )


class IndexFilterForm(forms.Form):
    unit = UnitChoiceField(
        label="单位", queryset=OrgUnit.objects.filter(is_active=True), required=False, empty_label="全部单位",
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-autosubmit": ""}),
    )
    level = forms.ChoiceField(label="层次", choices=INDEX_LEVEL_CHOICES, required=False)
    vacancy = forms.ChoiceField(label="空缺", choices=VACANCY_CHOICES, required=False)
    open_only = forms.BooleanField(label="仅列入竞争上岗的职位", required=False)
    as_of = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ManualCheckForm(forms.Form):
    post = forms.ModelChoiceField(
        label="适用职位", queryset=Post.objects.filter(is_active=True).select_related("unit"), required=False,
        empty_label="通用（各职位）", widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    passed = forms.TypedChoiceField(
        label="审核结论", choices=[("1", "通过"), ("0", "不通过")], coerce=lambda v: v == "1",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(label="审核意见", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class OptionsFilterForm(forms.Form):
    as_of = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(label="职位范围", choices=LEVEL_CHOICES, required=False)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class WaiverForm(forms.Form):
    rule = forms.ChoiceField(label="放宽条件", choices=[(c, R.RULE_NAMES[c]) for c in R.WAIVABLE_RULES])
    reason = forms.CharField(label="放宽理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)


# (form field name, path in the params, label, kind, choices)
def _fields():
    out = [
        ("strict_manual", ("strict_manual",), "人工审核项未完成时总体结果记为“待人工审核”", "bool", None),
        ("transfer_equivalent", ("transfer", "equivalent_ranks"), "一级至四级主任科员等职级视为已任相当层次（按转任）", "bool", None),
        ("transfer_title_min", ("transfer", "title_min"), "具有该级别及以上职称按转任（空为不计职称）", "choice",
         [("", "不计职称")] + [(t, t) for t in TITLE_CHOICES if t]),
        ("pool_on", ("common", "pool", "on"), "报名范围", "bool", None),
        ("pool_staffing", ("common", "pool", "staffing_types"), "可报名的编制类型", "multi", [(v, v) for v in ("公务员", "参公")]),
        ("pool_units", ("common", "pool", "unit_kinds"), "可报名的单位类别", "multi", UnitKind.choices),
        ("pool_organ", ("common", "pool", "organ_staffing_types"), "在机关工作时可报名的企事业编制", "multi",
         [(v, v) for v in (StaffingType.INSTITUTION, StaffingType.ENTERPRISE)]),
        ("assessment_on", ("common", "assessment", "on"), "年度考核", "bool", None),
        ("assessment_years", ("common", "assessment", "years"), "考核年数（截止年度之前的完整年度）", "int", (1, 10)),
        ("assessment_grades", ("common", "assessment", "grades"), "合格等次", "multi", [(g, g) for g in ("优秀", "称职", "基本称职")]),
        ("health_on", ("common", "health", "on"), "身体健康", "bool", None),
        ("sanction_on", ("common", "sanction", "on"), "处分影响期", "bool", None),
        ("manual_on", ("common", "manual", "on"), "人工审核项（政治素质和品行）", "bool", None),
        ("manual_items", ("common", "manual", "items"), "人工审核项（每行一项）", "lines", None),
        ("ladder_on", ("common", "ladder", "on"), "职级晋升最低年限", "bool", None),
        ("ladder_excellent", ("common", "ladder", "excellent_shortens"), "优秀年度缩短半年", "bool", None),
        ("county_on", ("common", "county", "on"), "县处级任职经历", "bool", None),
        ("county_work", ("common", "county", "min_work_years"), "工作年限", "int", (0, 30)),
        ("county_grassroots", ("common", "county", "min_grassroots_years"), "基层工作年限", "int", (0, 30)),
        ("county_from_chief", ("common", "county", "from_chief"), "由下级正职提任", "bool", None),
        ("county_chief", ("common", "county", "min_chief_years"), "任正职年限", "int", (0, 30)),
    ]
    for appt, prefix in ((R.NEW, "new"), (R.TRANSFER, "tr")):
        out += [
            (f"{prefix}_age_on", (appt, "age", "on"), f"{appt}：年龄", "bool", None),
            (f"{prefix}_age_male", (appt, "age", "male"), f"{appt}：男性年龄上限（周岁以下，含）", "int", (18, 65)),
            (f"{prefix}_age_female", (appt, "age", "female"), f"{appt}：女性年龄上限（周岁以下，含）", "int", (18, 65)),
            (f"{prefix}_age_male_cutoff", (appt, "age", "male_cutoff"), f"{appt}：男性出生日期界限（空为截止年度减上限的1月1日）", "date", None),
            (f"{prefix}_age_female_cutoff", (appt, "age", "female_cutoff"), f"{appt}：女性出生日期界限", "date", None),
            (f"{prefix}_age_waivable", (appt, "age", "waivable"), f"{appt}：年龄可经批准放宽", "bool", None),
            (f"{prefix}_tenure_on", (appt, "tenure", "on"), f"{appt}：任职年限", "bool", None),
            (f"{prefix}_tenure_years", (appt, "tenure", "min_years"), f"{appt}：任职年限（年以上，含）", "int", (0, 20)),
            (f"{prefix}_tenure_level", (appt, "tenure", "level"), f"{appt}：任职年限的层次（及以上）", "choice",
             [("副科级", "副科级"), ("正科级", "正科级")]),
            (f"{prefix}_tenure_leadership", (appt, "tenure", "leadership_only"), f"{appt}：只计领导职务", "bool", None),
            (f"{prefix}_tenure_waivable", (appt, "tenure", "waivable"), f"{appt}：任职年限可经批准放宽", "bool", None),
            (f"{prefix}_edu_on", (appt, "education", "on"), f"{appt}：学历", "bool", None),
            (f"{prefix}_edu_min", (appt, "education", "minimum"), f"{appt}：最低学历", "choice", [(e, e) for e in EDUCATION_CHOICES]),
            (f"{prefix}_edu_full_time", (appt, "education", "full_time_only"), f"{appt}：只认全日制学历", "bool", None),
            (f"{prefix}_edu_waivable", (appt, "education", "waivable"), f"{appt}：学历可经批准放宽", "bool", None),
        ]
    return out


RULE_FIELDS = _fields()
SECTIONS = [
    ("总体与转任认定", ["strict_manual", "transfer_equivalent", "transfer_title_min"]),
    ("基本条件", ["pool_on", "pool_staffing", "pool_units", "pool_organ", "assessment_on", "assessment_years",
              "assessment_grades", "health_on", "sanction_on", "manual_on", "manual_items"]),
    ("新任（新提任）", [f[0] for f in RULE_FIELDS if f[0].startswith("new_")]),
    ("转任", [f[0] for f in RULE_FIELDS if f[0].startswith("tr_")]),
    ("其他全国性规定（默认关闭）", ["ladder_on", "ladder_excellent", "county_on", "county_work", "county_grassroots",
                          "county_from_chief", "county_chief"]),
]


def _get(params, path):
    for key in path:
        params = params.get(key, None) if isinstance(params, dict) else None
    return params


def _set(params, path, value):
    for key in path[:-1]:
        params = params.setdefault(key, {})
    params[path[-1]] = value


class RuleSetForm(forms.Form):
    note = forms.CharField(label="修改说明", max_length=200, required=False)

    def __init__(self, *args, params: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_params = params
        for name, path, label, kind, choices in RULE_FIELDS:
            value = _get(params, path)
            if kind == "bool":
                field = forms.BooleanField(label=label, required=False, initial=bool(value))
            elif kind == "int":
                field = forms.IntegerField(label=label, min_value=choices[0], max_value=choices[1], initial=value)
            elif kind == "choice":
                field = forms.ChoiceField(label=label, choices=choices, required=False, initial=value or "")
            elif kind == "multi":
                field = forms.MultipleChoiceField(
                    label=label, choices=choices, required=False, initial=value or [], widget=forms.CheckboxSelectMultiple
                )
            elif kind == "date":
                field = forms.DateField(label=label, required=False, initial=value or None, widget=forms.DateInput(attrs={"type": "date"}))
            else:
                field = forms.CharField(label=label, required=False, initial="\n".join(value or []), widget=forms.Textarea(attrs={"rows": 3}))
            self.fields[name] = field

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def to_params(self) -> dict:
        params = copy.deepcopy(self.base_params)
        data = self.cleaned_data
        for name, path, _label, kind, _choices in RULE_FIELDS:
            value = data.get(name)
            if kind == "date":
                value = value.isoformat() if value else ""
            elif kind == "lines":
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif kind == "multi":
                value = list(value or [])
            elif kind == "choice":
                value = value or ""
            _set(params, path, value)
        return params
