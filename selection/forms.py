"""Forms of the selection pages. They only parse input; every rule is checked again by the services."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import fields_for_model

from cadre.eligibility import RULE_NAMES, WAIVABLE_RULES
from cadre.models import Cadre, Post
from core import roles

from . import services, workflow
from .snapshots import FACT_LABELS
from .models import (
    Campaign,
    DeferAction,
    InspectionConclusion,
    JudgeScore,
    MemberRole,
    ReviewDecision,
    Source,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACHIEVEMENTS_MAX = 1500


def style(fields) -> None:
    """Bootstrap classes on the widgets of `fields`."""
    for field in fields:
        w = field.widget
        if isinstance(w, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select form-select-sm")
        else:
            w.attrs.setdefault("class", "form-control form-control-sm")


class Bootstrap:
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self.fields.values())


# ---------------------------------------------------------------- the plan (准备动员)

SETTING_GROUPS = (
    ("基本信息", ("title", "plan_year", "as_of", "schedule", "issuer")),
    ("联系方式", ("contact_person", "contact_phone", "contact_address", "contact_mail")),
    ("轮岗范围", ("scope_post_count", "rotation_plan", "declared_rotation_count", "min_rotation_percent")),
    ("报名", ("registration_start", "registration_end", "max_posts_per_candidate", "min_candidates_per_vacancy",
             "min_mass_recommenders")),
    ("成绩与考察", ("speech_weight", "evaluation_weight", "written_weight", "trim_min_judges", "inspection_ratio")),
    ("公示与聘期", ("publicity_working_days", "term_years", "probation_years")),
)


class CampaignForm(forms.Form):
    """方案设置. In 公布职位 only the registration window and the contacts stay editable (services.POSTING_FIELDS)."""

    def __init__(self, *args, allowed=services.EDITABLE_FIELDS, **kwargs):
        super().__init__(*args, **kwargs)
        fields = fields_for_model(
            Campaign, fields=list(allowed),
            widgets={"as_of": DATE, "registration_start": DATE, "registration_end": DATE,
                     "schedule": forms.Textarea(attrs={"rows": 4})},
        )
        for name in allowed:
            self.fields[name] = fields[name]
        style(self.fields.values())

    def groups(self):
        """(title, [bound fields]) in the order of SETTING_GROUPS, only the fields this form has."""
        out = []
        for title, names in SETTING_GROUPS:
            bound = [self[n] for n in names if n in self.fields]
            if bound:
                out.append((title, bound))
        return out

    def data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class MemberForm(Bootstrap, forms.Form):
    name = forms.CharField(label="姓名", max_length=30, required=False)
    duty = forms.CharField(label="职务", max_length=60, required=False)
    role = forms.ChoiceField(label="组内职责", choices=MemberRole.choices, required=False)
    user = forms.ModelChoiceField(label="系统账号", queryset=get_user_model().objects.none(), required=False,
                                  help_text="领导小组成员如有账号，可关联后在“待我审批”中处理")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = services.users_with_role(roles.LEADER)
        self.fields["user"].empty_label = "（无）"


MemberFormSet = forms.formset_factory(MemberForm, extra=2)


class PostAddForm(Bootstrap, forms.Form):
    post = forms.ModelChoiceField(label="职位", queryset=Post.objects.none())
    vacancies = forms.IntegerField(label="竞争职数", min_value=1, initial=1)
    conditions = forms.CharField(label="职位条件说明", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="公告中列出的职位特殊条件，每行一条")

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Post.objects.filter(is_active=True).select_related("unit")
        if campaign is not None:
            qs = qs.exclude(pk__in=campaign.posts.values("post_id"))
        self.fields["post"].queryset = qs


class JudgesForm(Bootstrap, forms.Form):
    users = forms.ModelMultipleChoiceField(label="评委", queryset=get_user_model().objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = services.users_with_role(roles.JUDGE)
        self.fields["users"].label_from_instance = lambda u: u.get_full_name() or u.username


# ---------------------------------------------------------------- stage moves


def input_field(spec: workflow.Input) -> forms.Field:
    """The form field of one input of a stage move (``workflow.Input``). Never required here: campaign_transition
    names a missing input in Chinese, by the same table; the browser still gets ``required``."""
    attrs = {"required": True} if spec.required else {}
    common = {"label": spec.label, "help_text": spec.help, "required": False}
    if spec.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d"), **common)
    if spec.kind == "int":
        return forms.IntegerField(widget=forms.NumberInput(attrs=attrs), **common)
    if spec.kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2, **attrs}), **common)
    return forms.CharField(max_length=spec.max_length, widget=forms.TextInput(attrs=attrs), **common)


class TransitionForm(forms.Form):
    """One stage move: its inputs as its ``workflow.Transition`` lists them, then its note (or reason). It only
    parses; ``move()`` gives the keywords of ``services.campaign_transition``. ``transition`` may be None (a move
    from the wrong stage): then only the note, and the service says why not."""

    def __init__(self, *args, transition: workflow.Transition | None, note_name: str = "note", note_label: str = "说明",
                 placeholders: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.inputs = transition.inputs if transition is not None else ()
        self.note_name = note_name
        for spec in self.inputs:
            self.fields[spec.name] = input_field(spec)
            if placeholders:  # a one-line form without labels (the leaders' inbox)
                self.fields[spec.name].widget.attrs.update({"placeholder": spec.label, "aria-label": spec.label})
        self.fields[note_name] = forms.CharField(label=note_label, max_length=500, required=False)
        if transition is not None and transition.reason_required:
            self.fields[note_name].widget.attrs["required"] = True
        style(self.fields.values())

    def input_fields(self) -> list:
        """The bound fields of the move's inputs (the note aside)."""
        return [self[spec.name] for spec in self.inputs]

    def move(self) -> dict:
        """``note`` and the inputs that parsed (after ``is_valid()``; an input with an error is left out)."""
        data = getattr(self, "cleaned_data", {})
        values = {spec.name: data[spec.name] for spec in self.inputs if data.get(spec.name) not in (None, "")}
        return {"note": data.get(self.note_name) or "", **values}


# ---------------------------------------------------------------- registration


def cadre_by_id_number(value: str) -> Cadre:
    value = (value or "").strip().upper()
    cadre = Cadre.objects.filter(id_number=value).select_related("unit").first()
    if cadre is None:
        raise forms.ValidationError("档案中没有身份证号为“%(v)s”的干部。", params={"v": value})
    return cadre


class CampaignPostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.post}（{obj.vacancies}名）"


class NominationForm(Bootstrap, forms.Form):
    campaign_post = CampaignPostChoice(label="竞争职位", queryset=None)
    id_number = forms.CharField(label="被推荐人身份证号", max_length=18)
    source = forms.ChoiceField(label="推荐方式", choices=[(Source.MASS, Source.MASS.label), (Source.ORG, Source.ORG.label)])
    recommenders = forms.CharField(label="举荐人姓名", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="群众举荐：联名举荐人姓名，以顿号或换行分隔")
    recommender_count = forms.IntegerField(label="举荐人数", min_value=0, required=False)
    recommending_unit = forms.CharField(label="推荐单位", max_length=100, required=False)
    recommending_signer = forms.CharField(label="推荐单位负责人", max_length=30, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_post"].queryset = campaign.posts.filter(status="open").select_related("post__unit")

    def clean_id_number(self):
        return cadre_by_id_number(self.cleaned_data["id_number"])


class LateEntryForm(Bootstrap, forms.Form):
    campaign_post = CampaignPostChoice(label="竞争职位", queryset=None)
    id_number = forms.CharField(label="报名人身份证号", max_length=18)
    reason = forms.CharField(label="补报理由", max_length=300)
    accept_adjustment = forms.BooleanField(label="服从调剂", required=False, initial=True)
    achievements = forms.CharField(label="主要工作经历和业绩", max_length=ACHIEVEMENTS_MAX,
                                   widget=forms.Textarea(attrs={"rows": 4, "data-counter": ACHIEVEMENTS_MAX}))
    work_plan = forms.CharField(label="工作设想", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_post"].queryset = campaign.posts.filter(status="open").select_related("post__unit")

    def clean_id_number(self):
        return cadre_by_id_number(self.cleaned_data["id_number"])


class ApplicationForm(Bootstrap, forms.Form):
    """《竞争科级职位申请（推荐）表》: the parts the candidate fills in (personal data comes from the record)."""

    campaign_post = CampaignPostChoice(label="竞争职位", queryset=None)
    accept_adjustment = forms.BooleanField(label="服从调剂", required=False, initial=True)
    achievements = forms.CharField(
        label="主要工作经历和业绩", max_length=ACHIEVEMENTS_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-counter": ACHIEVEMENTS_MAX, "maxlength": ACHIEVEMENTS_MAX}),
        help_text=f"必填，不超过 {ACHIEVEMENTS_MAX} 字",
    )
    work_plan = forms.CharField(label="工作设想", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    declaration = forms.BooleanField(label="本人承诺以上所填信息真实准确，如有不实，愿承担相应责任", required=False)

    def __init__(self, *args, campaign, fixed_post=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = campaign.posts.filter(status="open").select_related("post__unit")
        if fixed_post is not None:
            qs = qs.filter(pk=fixed_post.pk)
        self.fields["campaign_post"].queryset = qs
        self.fields["campaign_post"].widget.attrs["data-eligibility-select"] = ""

    def data_dict(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("accept_adjustment", "achievements", "work_plan", "declaration")}


class RespondForm(Bootstrap, forms.Form):
    accept_adjustment = forms.BooleanField(label="服从调剂", required=False, initial=True)
    achievements = forms.CharField(
        label="主要工作经历和业绩", max_length=ACHIEVEMENTS_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-counter": ACHIEVEMENTS_MAX, "maxlength": ACHIEVEMENTS_MAX}),
    )
    work_plan = forms.CharField(label="工作设想", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    declaration = forms.BooleanField(label="本人承诺所填信息真实", required=False)


# ---------------------------------------------------------------- review


class ReviewDecisionForm(Bootstrap, forms.Form):
    decision = forms.ChoiceField(label="审查结论", choices=ReviewDecision.choices)
    reason = forms.CharField(label="审查意见", max_length=500, required=False)


class SnapshotCorrectForm(Bootstrap, forms.Form):
    """Staff correct one fact of an application's snapshot (报名时档案快照), with a reason."""

    field = forms.ChoiceField(label="更正项目", choices=[(k, v) for k, v in FACT_LABELS.items()])
    value = forms.CharField(label="更正为", max_length=100, required=False)
    reason = forms.CharField(label="更正理由", max_length=300)


class DocumentCorrectForm(Bootstrap, forms.Form):
    """An issued notice corrected as its next version."""

    reason = forms.CharField(label="更正理由", max_length=300)


class WaiverForm(forms.Form):
    """个别放宽 for one applicant in this campaign (a leader, from the review queue)."""

    rule = forms.ChoiceField(label="放宽条件", choices=[(c, RULE_NAMES[c]) for c in WAIVABLE_RULES])
    reason = forms.CharField(label="放宽理由", max_length=300)


# ---------------------------------------------------------------- speech


class AbsenceForm(Bootstrap, forms.Form):
    absent = forms.BooleanField(label="缺席", required=False)
    reason = forms.CharField(label="缺席说明", max_length=200, required=False)


class ScoreCorrectForm(Bootstrap, forms.Form):
    score = forms.ModelChoiceField(label="评分", queryset=None)
    value = forms.DecimalField(label="更正为", min_value=0, max_value=100, decimal_places=1, max_digits=4)
    reason = forms.CharField(label="更正理由", max_length=300)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].queryset = (
            JudgeScore.objects.filter(application__campaign=campaign)
            .select_related("judge", "application__cadre")
            .order_by("application__campaign_post_id", "application__speaking_order", "judge__order", "judge_id")
        )
        self.fields["score"].label_from_instance = lambda s: f"{s.application.cadre.name} · 评委{s.judge.name}：{s.score}"


class EvaluationGroupForm(Bootstrap, forms.Form):
    name = forms.CharField(label="测评人分组", max_length=30, required=False)
    weight = forms.DecimalField(label="权重（%）", min_value=0, max_value=100, required=False)


EvaluationGroupFormSet = forms.formset_factory(EvaluationGroupForm, extra=0)
DEFAULT_GROUPS = [{"name": "领导班子成员", "weight": 30}, {"name": "中层干部", "weight": 40}, {"name": "其他干部职工", "weight": 30}]


class EvaluationSessionForm(Bootstrap, forms.Form):
    option_set = forms.ChoiceField(label="选项类型", choices=[("评价", "评价（优秀/称职/基本称职/不称职）"),
                                                        ("推荐", "推荐"), ("群众", "群众评价")], initial="评价")
    vote_date = forms.DateField(label="测评日期", required=False, widget=DATE)


# ---------------------------------------------------------------- inspection, decision, publicity, appointment


class InspectionRecordForm(Bootstrap, forms.Form):
    talks_count = forms.IntegerField(label="个别谈话人数", min_value=0)
    opinion = forms.CharField(label="考察意见", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label="考察结论", choices=InspectionConclusion.choices)


class DeferralForm(Bootstrap, forms.Form):
    action = forms.ChoiceField(label="缓议处理", choices=DeferAction.choices)
    reason = forms.CharField(label="理由", max_length=300)


class SuperiorApprovalForm(Bootstrap, forms.Form):
    document_no = forms.CharField(label="上级组织部批复文号", max_length=60)
    approved_on = forms.DateField(label="批复日期", widget=DATE)


class ObjectionForm(Bootstrap, forms.Form):
    application = forms.ModelChoiceField(label="公示对象", queryset=None)
    received_on = forms.DateField(label="收到日期", widget=DATE)
    channel = forms.CharField(label="反映渠道", max_length=30, help_text="来信、来电、来访、网络等")
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: f"{a.cadre.name}（{a.campaign_post.post}）"


class ObjectionResolveForm(Bootstrap, forms.Form):
    substantiated = forms.TypedChoiceField(label="核查结果", choices=[("0", "反映问题不属实"), ("1", "反映问题属实")],
                                           coerce=lambda v: v == "1")
    resolution = forms.CharField(label="核查结论", widget=forms.Textarea(attrs={"rows": 2}))
