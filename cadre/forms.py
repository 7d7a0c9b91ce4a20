"""Forms of the record pages: shape only. Rules (身份证号 against 性别/出生日期, duplicates, …) live in the services."""
from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory, inlineformset_factory

from core.exceptions import ApplicationError
from core.uploads import check_photo

from .choices import Education, EducationMode
from .models import AnnualAssessment, Cadre, FamilyMember, OrgUnit, RewardPunishment, month_text

DATE_HELP = "格式：1985-06-15 或 1985.06（只填年月时按当月1日）"

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*(?:[.\-/年]\s*(?P<m>\d{1,2})\s*(?:[.\-/月]\s*(?:(?P<d>\d{1,2})\s*日?)?)?\s*)?$"
)


def parse_flexible_date(text: str) -> dt.date | None:
    """`1985-06-15`, `1985.06.15`, `1985.06`, `1985.6`, `1985-06`, `1985/06`, `1985年6月`, `1985年6月15日`,
    `198506`, `19850615` → a date; year-month → the 1st of the month. Empty → None. Bad → ValidationError."""
    value = (text or "").strip().replace("．", ".").replace("－", "-").replace("／", "/")
    if not value:
        return None
    if re.fullmatch(r"\d{6}|\d{8}", value):
        y, m, d = int(value[:4]), int(value[4:6]), int(value[6:8] or 1)
    else:
        match = _DATE_RE.match(value)
        if not match or not match.group("m"):
            raise ValidationError(f"「{text}」不是有效日期，{DATE_HELP}", code="invalid")
        y, m, d = int(match["y"]), int(match["m"]), int(match["d"] or 1)
    try:
        result = dt.date(y, m, d)
    except ValueError:
        raise ValidationError(f"「{text}」不是有效日期（月份或日期超出范围）", code="invalid") from None
    if not 1900 <= result.year <= 2100:
        raise ValidationError(f"「{text}」的年份超出范围", code="invalid")
    return result


class FlexibleDateInput(forms.TextInput):
    """Shows year-month dates (on the 1st) as `1985.06`, others as `1985.06.15`."""

    def __init__(self, attrs=None):
        base = {"placeholder": "如 2016.03", "autocomplete": "off"}
        base.update(attrs or {})
        super().__init__(base)

    def format_value(self, value):
        if isinstance(value, dt.date):
            return month_text(value)
        return super().format_value(value)


class FlexibleDateField(forms.DateField):
    widget = FlexibleDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_flexible_date(str(value))

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


def _style(form):
    for name, f in form.fields.items():
        widget = f.widget
        if isinstance(f, forms.ModelChoiceField):
            if f.empty_label and str(f.empty_label).startswith("---"):
                f.empty_label = "请选择"
        elif isinstance(f, forms.ChoiceField) and not isinstance(widget, forms.HiddenInput):
            choices = list(f.choices)
            if choices and choices[0][0] == "" and str(choices[0][1]).startswith("---"):
                f.choices = [("", "请选择")] + choices[1:]
        if isinstance(widget, (forms.CheckboxInput,)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select,)):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif isinstance(widget, forms.ClearableFileInput):
            widget.attrs.setdefault("class", "form-control form-control-sm")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control form-control-sm")


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# ---------------------------------------------------------------- the record itself
IDENTITY_FIELDS = [
    "name", "gender", "id_number", "birth_date", "ethnicity", "native_place", "birthplace", "grew_up_place",
    "political_status", "party_join_date", "work_start_date", "staffing_type", "works_in_organ", "health",
    "professional_title", "title_level", "expertise", "photo",
]
POSITION_FIELDS = ["unit", "position_title", "rank_level", "position_start", "rank_start", "status", "note"]


class CadreForm(StyledFormMixin, forms.ModelForm):
    birth_date = FlexibleDateField(label="出生日期", required=False, help_text="可留空，按身份证号自动填写")
    party_join_date = FlexibleDateField(label="入党时间", required=False)
    work_start_date = FlexibleDateField(label="参加工作时间", required=False)
    position_start = FlexibleDateField(label="任现职时间", required=False)
    rank_start = FlexibleDateField(label="任现职级时间", required=False)

    class Meta:
        model = Cadre
        fields = IDENTITY_FIELDS + POSITION_FIELDS
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "expertise": forms.TextInput(),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(is_active=True).order_by("order", "id")
        self.fields["unit"].empty_label = "（未定）"
        self.fields["id_number"].widget.attrs.update({"maxlength": 18, "autocomplete": "off"})
        self.fields["id_number"].help_text = "18位，末位可为X；15位旧号码自动转换"
        self.fields["id_number"].max_length = 18
        self.fields["id_number"].validators = []

    @property
    def identity_fields(self):
        return [self[name] for name in IDENTITY_FIELDS if name != "works_in_organ"]

    def clean_photo(self):
        """JPEG or PNG by magic bytes and within settings.PHOTO_UPLOAD_MAX_BYTES (core.uploads)."""
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "read") and "photo" in self.changed_data:
            try:
                check_photo(photo)
            except ApplicationError as exc:
                raise ValidationError(exc.message) from None
        return photo

    def clean_id_number(self):
        return re.sub(r"[\s\u3000]+", "", self.cleaned_data.get("id_number") or "").upper()

    def _get_validation_exclusions(self):
        # The 身份证号 (format, check digit, agreement, uniqueness) is validated by cadre.services with a
        # Chinese message on this field; the model's own constraint would only repeat it less clearly.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("id_number")
        return exclusions

    def service_data(self) -> dict:
        """cleaned_data in the shape cadre_create/cadre_update take."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        photo = data.pop("photo", None)
        if photo is False:  # "清除" ticked
            data["photo"] = ""
        elif photo and "photo" in self.changed_data:
            data["photo"] = photo
        return data


# ---------------------------------------------------------------- 学历学位: two fixed rows
class EducationForm(StyledFormMixin, forms.Form):
    mode = forms.ChoiceField(label="教育类别", choices=EducationMode.choices, widget=forms.HiddenInput)
    level = forms.ChoiceField(label="学历", choices=[("", "（无）")] + list(Education.choices), required=False)
    degree = forms.CharField(label="学位", max_length=30, required=False)
    school = forms.CharField(label="毕业院校", max_length=100, required=False)
    major = forms.CharField(label="专业", max_length=100, required=False)
    graduated_on = FlexibleDateField(label="毕业时间", required=False)


class BaseEducationFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        modes = [f.cleaned_data.get("mode") for f in self.forms if hasattr(f, "cleaned_data")]
        if sorted(modes) != sorted(EducationMode.values):
            raise ValidationError("学历学位应包括全日制和在职两行")


EducationFormSet = formset_factory(
    EducationForm, formset=BaseEducationFormSet, extra=0, min_num=2, max_num=2, validate_min=True, validate_max=True
)


def education_initial(cadre: Cadre | None) -> list[dict]:
    found = {r.mode: r for r in cadre.educations.all()} if cadre is not None and cadre.pk else {}
    rows = []
    for mode in EducationMode.values:
        r = found.get(mode)
        rows.append(
            {
                "mode": mode,
                "level": r.level if r else "",
                "degree": r.degree if r else "",
                "school": r.school if r else "",
                "major": r.major if r else "",
                "graduated_on": r.graduated_on if r else None,
            }
        )
    return rows


# ---------------------------------------------------------------- related rows
class AssessmentForm(StyledFormMixin, forms.ModelForm):
    year = forms.IntegerField(
        label="年度", validators=[MinValueValidator(1950, "年度不能早于1950年"), MaxValueValidator(2100, "年度超出范围")]
    )

    class Meta:
        model = AnnualAssessment
        fields = ["year", "grade", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("grade") == "未定等次" and not (data.get("reason") or "").strip() and not data.get("DELETE"):
            self.add_error("reason", "未定等次时须填写原因")
        return data


class FamilyForm(StyledFormMixin, forms.ModelForm):
    birth_date = FlexibleDateField(label="出生日期", required=False)

    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_date", "political_status", "work_unit_and_post", "id_number"]
        widgets = {"relation": forms.TextInput(attrs={"list": "family-relations"})}

    def clean_id_number(self):
        return re.sub(r"[\s\u3000]+", "", self.cleaned_data.get("id_number") or "").upper()


class RewardForm(StyledFormMixin, forms.ModelForm):
    decided_on = FlexibleDateField(label="决定时间")
    effect_start = FlexibleDateField(label="影响期起", required=False)
    effect_end = FlexibleDateField(label="影响期止", required=False)

    class Meta:
        model = RewardPunishment
        fields = ["kind", "name", "reason", "decided_on", "effect_start", "effect_end", "issuer"]

    def clean(self):
        data = super().clean()
        start, end = data.get("effect_start"), data.get("effect_end")
        if start and end and end < start:
            self.add_error("effect_end", "影响期止不能早于影响期起")
        return data


class BaseRecordsFormSet(forms.BaseInlineFormSet):
    def service_rows(self) -> list[dict]:
        """Submitted rows for cadre.services.cadre_records_save: changed or existing rows, with `id` and `DELETE`."""
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue  # an untouched blank extra row
            data = dict(form.cleaned_data)
            if data.get("id") is None and not form.has_changed():
                continue
            rows.append(data)
        return rows


AssessmentFormSet = inlineformset_factory(
    Cadre, AnnualAssessment, form=AssessmentForm, formset=BaseRecordsFormSet, extra=1, can_delete=True
)
FamilyFormSet = inlineformset_factory(
    Cadre, FamilyMember, form=FamilyForm, formset=BaseRecordsFormSet, fk_name="cadre", extra=1, can_delete=True
)
RewardFormSet = inlineformset_factory(
    Cadre, RewardPunishment, form=RewardForm, formset=BaseRecordsFormSet, extra=1, can_delete=True
)

FORMSET_PREFIXES = {"educations": "edu", "assessments": "assess", "family": "family", "rewards": "reward"}


def record_formsets(cadre: Cadre, data=None) -> dict:
    """The four related-record formsets of the record form, bound to `data` on POST."""
    instance = cadre if cadre is not None else Cadre()
    return {
        "educations": EducationFormSet(
            data, initial=None if data is not None else education_initial(cadre), prefix=FORMSET_PREFIXES["educations"]
        ),
        "assessments": AssessmentFormSet(
            data, instance=instance, prefix=FORMSET_PREFIXES["assessments"],
            queryset=AnnualAssessment.objects.filter(cadre=instance).order_by("-year") if instance.pk else AnnualAssessment.objects.none(),
        ),
        "family": FamilyFormSet(
            data, instance=instance, prefix=FORMSET_PREFIXES["family"],
            queryset=FamilyMember.objects.filter(cadre=instance).order_by("order", "id") if instance.pk else FamilyMember.objects.none(),
        ),
        "rewards": RewardFormSet(
            data, instance=instance, prefix=FORMSET_PREFIXES["rewards"],
            queryset=RewardPunishment.objects.filter(cadre=instance).order_by("-decided_on", "-id") if instance.pk else RewardPunishment.objects.none(),
        ),
    }

