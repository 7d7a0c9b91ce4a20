from django import forms

from cadre.models import Cadre, OrgUnit, Post

from .models import Direction, MoveKind, MoveType, RotationPlan, Secondment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Bootstrap:
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select form-select-sm")
            else:
                w.attrs.setdefault("class", "form-control form-control-sm")


class PlanForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = RotationPlan
        fields = ["name", "as_of", "effective_date", "units", "posts", "note"]
        widgets = {"as_of": DATE, "effective_date": DATE, "units": forms.SelectMultiple(attrs={"size": 8}),
                   "posts": forms.SelectMultiple(attrs={"size": 8}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = OrgUnit.objects.filter(is_active=True).order_by("order", "id")
        self.fields["posts"].queryset = Post.objects.filter(is_active=True).select_related("unit")
        self.fields["posts"].required = False


class MoveForm(Bootstrap, forms.Form):
    cadre = forms.ModelChoiceField(Cadre.objects.filter(status="在职").select_related("unit"), label="交流人员")
    to_post = forms.ModelChoiceField(Post.objects.filter(is_active=True).select_related("unit"), label="拟任职位")
    kind = forms.ChoiceField(choices=MoveKind.choices, label="交流类型")
    direction = forms.ChoiceField(choices=Direction.choices, label="交流方向", initial=Direction.OTHER)
    move_type = forms.ChoiceField(choices=[("", "按职务层次自动判断")] + MoveType.choices, label="任职方式", required=False)
    reason = forms.CharField(label="交流理由", max_length=500, required=False)


class AcceptForm(Bootstrap, forms.Form):
    to_post = forms.ModelChoiceField(Post.objects.filter(is_active=True).select_related("unit"), label="调整为", required=False)
    kind = forms.ChoiceField(choices=[("", "按建议")] + MoveKind.choices, label="交流类型", required=False)


class ReasonForm(Bootstrap, forms.Form):
    reason = forms.CharField(label="理由", max_length=500, required=False)


class SecondmentForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = Secondment
        fields = ["cadre", "host_unit", "host_post", "host_title", "start", "planned_end", "actual_end", "duties",
                  "summary", "counts_as_grassroots"]
        widgets = {"start": DATE, "planned_end": DATE, "actual_end": DATE,
                   "duties": forms.Textarea(attrs={"rows": 3}), "summary": forms.Textarea(attrs={"rows": 3})}

