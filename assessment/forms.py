"""Form shapes of 民主测评 and 考核 pages. Rules and writes live in services."""
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from cadre.models import Cadre, OrgUnit

from . import rules
from .models import (
    EvaluatorGroup,
    OptionSet,
    PeriodicKind,
    ReviewMethod,
    SubjectKind,
    TermReviewResult,
)

ID_RE = re.compile(r"^\d{17}[\dXx]$")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css} form-control-sm".strip()


def resolve_cadre(text: str, *, required: bool, label: str = "") -> Cadre | None:
    """A cadre by 身份证号, or by a name that matches exactly one cadre; None for an unknown name if allowed."""
    text = (text or "").strip()
    prefix = f"{label}：" if label else ""
    if not text:
        if required:
            raise forms.ValidationError(f"{prefix}请填写干部姓名或身份证号")
        return None
    if ID_RE.match(text):
        cadre = Cadre.objects.filter(id_number=text.upper()).first()
        if cadre is None:
            raise forms.ValidationError(f"{prefix}身份证号 {text[:6]}…{text[-4:]} 不在干部名册中")
        return cadre
    matches = list(Cadre.objects.filter(name=text)[:2])
    if len(matches) > 1:
        raise forms.ValidationError(f"{prefix}名册中有多名“{text}”，请改填身份证号")
    if not matches and required:
        raise forms.ValidationError(f"{prefix}名册中没有“{text}”")
    return matches[0] if matches else None


class SessionCreateForm(StyledForm):
    title = forms.CharField(label="测评名称", max_length=200)
    option_set = forms.ChoiceField(label="选项类型", choices=OptionSet.choices)
    vote_date = forms.DateField(label="测评日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    targets_text = forms.CharField(
        label="测评对象",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "每行一人：姓名或身份证号，可加“|说明”\n张三|财政局副局长\n*王五|外单位报名人员"}),
        help_text="与名册中唯一一名干部同名（或填身份证号）时自动关联档案；行首加 * 表示不关联档案的外部人员。",
    )
    groups_text = forms.CharField(
        label="测评人类别及权重（%）",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "领导班子成员 30\n中层干部 50\n一般干部 20"}),
        help_text="每行一个类别：名称 空格 权重，权重之和须为 100。",
    )
    score_map_text = forms.CharField(
        label="分值对照", required=False, help_text="留空使用默认值；例如：优秀=100 称职=80 基本称职=60 不称职=0",
    )
    participation_threshold = forms.DecimalField(label="参评率下限（%）", initial=80, min_value=0, max_value=100)
    min_group_ballots = forms.IntegerField(label="分组显示最少票数", initial=5, min_value=1, max_value=100)

    def clean_targets_text(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["targets_text"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            head, _, description = line.partition("|")
            head = head.strip()
            outside = head.startswith("*")
            head = head.lstrip("*").strip()
            cadre = None if outside else resolve_cadre(head, required=False, label=f"第 {n} 行")
            if cadre is None and ID_RE.match(head):
                raise forms.ValidationError(f"第 {n} 行：身份证号不在名册中")
            rows.append({"cadre": cadre, "name": cadre.name if cadre else head, "description": description.strip()})
        if not rows:
            raise forms.ValidationError("至少填写一名测评对象")
        return rows

    def clean_groups_text(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["groups_text"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            parts = line.replace("\t", " ").rsplit(None, 1)
            if len(parts) != 2:
                raise forms.ValidationError(f"第 {n} 行“{line}”：应为“名称 权重”")
            try:
                weight = Decimal(parts[1].rstrip("%"))
            except InvalidOperation:
                raise forms.ValidationError(f"第 {n} 行：权重“{parts[1]}”不是数字") from None
            rows.append({"name": parts[0].strip(), "weight": weight})
        return rows

    def clean(self):
        data = super().clean()
        text = (data.get("score_map_text") or "").strip()
        data["score_map"] = None
        if text and data.get("option_set"):
            mapping = {}
            for token in text.replace("，", " ").replace(",", " ").split():
                key, sep, value = token.partition("=")
                if not sep:
                    self.add_error("score_map_text", f"“{token}”应为“选项=分值”")
                    return data
                mapping[key.strip()] = value.strip()
            errors = rules.score_map_errors(data["option_set"], mapping)
            if errors:
                self.add_error("score_map_text", "；".join(errors))
            data["score_map"] = mapping
        return data


class CodeIssueForm(StyledForm):
    """Codes for several evaluator groups in one step: one count per group (0 or blank = none)."""

    format = forms.ChoiceField(
        label="输出",
        choices=[("html", "打印页（每页 10 张测评票）"), ("pdf", "PDF 测评票（含二维码）"), ("xlsx", "Excel 清单")],
        initial="html",
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(session.groups.order_by("order", "id"))
        fields = {
            f"count_{g.pk}": forms.IntegerField(label=g.name, min_value=0, max_value=2000, required=False, initial=0)
            for g in self.groups
        }
        fields["format"] = self.fields.pop("format")
        self.fields.update(fields)
        for name in fields:
            widget = self.fields[name].widget
            widget.attrs["class"] = widget.attrs.get("class", "form-control form-control-sm")

    def count_fields(self):
        return [self[f"count_{g.pk}"] for g in self.groups]

    def clean(self):
        data = super().clean()
        counts = {g.pk: data.get(f"count_{g.pk}") or 0 for g in self.groups}
        if not any(counts.values()):
            raise forms.ValidationError("请至少为一个测评人类别填写发放数量。")
        data["counts"] = counts
        return data


class PaperIssuedForm(StyledForm):
    group = forms.ModelChoiceField(label="测评人类别", queryset=EvaluatorGroup.objects.none())
    count = forms.IntegerField(label="发出纸质票数", min_value=0, max_value=100000)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = session.groups.order_by("order", "id")


class RevokeForm(StyledForm):
    code = forms.CharField(label="测评码", required=False, max_length=40)
    serial = forms.IntegerField(label="或票号", required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if not data.get("code") and not data.get("serial"):
            raise forms.ValidationError("请填写要作废的测评码或票号")
        return data


class VoidForm(StyledForm):
    reason = forms.CharField(label="作废原因", max_length=300)


class AnnualFilterForm(StyledForm):
    unit = forms.ModelChoiceField(label="单位", queryset=OrgUnit.objects.filter(is_active=True).order_by("order", "id"))
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2100)


class PeriodicForm(StyledForm):
    cadre_text = forms.CharField(label="干部（姓名或身份证号）", max_length=30)
    kind = forms.ChoiceField(label="类别", choices=PeriodicKind.choices)
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(i, f"第{i}季度") for i in range(1, 5)],
    )
    task = forms.CharField(label="任务名称（专项）", required=False, max_length=200)
    assessed_on = forms.DateField(label="考核日期", widget=forms.DateInput(attrs={"type": "date"}))
    grade = forms.ChoiceField(label="考核结果", choices=[(g, g) for g in ("优秀", "称职", "基本称职", "不称职", "未定等次")])
    comment = forms.CharField(label="考核意见", required=False, max_length=500)

    def clean_cadre_text(self):
        return resolve_cadre(self.cleaned_data["cadre_text"], required=True)


class ResidentForm(StyledForm):
    title = forms.CharField(label="名称", max_length=200)
    cadre_text = forms.CharField(label="被评价干部（姓名或身份证号）", required=False, max_length=30)
    subject_name = forms.CharField(label="被评价对象（名册外人员填写）", required=False, max_length=50)
    population_text = forms.CharField(label="抽样名单（每行一人）", widget=forms.Textarea(attrs={"rows": 8}))
    sample_size = forms.IntegerField(label="抽取人数", min_value=1, max_value=10000)
    seed = forms.IntegerField(label="随机种子（留空自动生成）", required=False, min_value=0, max_value=2**62)

    def clean_cadre_text(self):
        return resolve_cadre(self.cleaned_data["cadre_text"], required=False)


class TermReviewForm(StyledForm):
    subject_kind = forms.ChoiceField(label="对象类别", choices=SubjectKind.choices)
    cadre_text = forms.CharField(label="干部（姓名或身份证号，可空）", required=False, max_length=30)
    subject_name = forms.CharField(label="考核对象姓名（名册外人员）", required=False, max_length=50)
    term_start = forms.DateField(label="任期起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label="任期止", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    panel_text = forms.CharField(label="考核组成员（每行一人）", widget=forms.Textarea(attrs={"rows": 3}))
    methods = forms.MultipleChoiceField(label="考核方式", choices=ReviewMethod.choices, widget=forms.CheckboxSelectMultiple)
    result = forms.ChoiceField(label="考核结果", choices=TermReviewResult.choices)
    opinion = forms.CharField(label="考核意见", widget=forms.Textarea(attrs={"rows": 4}))
    reviewed_on = forms.DateField(label="考核日期", widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date.today)

    def clean_cadre_text(self):
        return resolve_cadre(self.cleaned_data["cadre_text"], required=False)


def current_year() -> int:
    return timezone.localdate().year
