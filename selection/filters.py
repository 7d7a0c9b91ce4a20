"""django-filter filtersets of the selection API (labels in Chinese: they show in the API docs)."""
import django_filters
from django.db.models import Q

from .models import Application, AppStatus, Campaign, ReviewDecision, Source, Suggestion
from .workflow import Stage


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="关键字（工作名称）")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label="当前阶段")
    plan_year = django_filters.NumberFilter(label="方案年度")

    class Meta:
        model = Campaign
        fields = ["q", "stage", "plan_year"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="关键字（姓名、现任职务、报名职位）")
    campaign = django_filters.NumberFilter(field_name="campaign_id", label="竞争上岗工作ID")
    campaign_post = django_filters.NumberFilter(field_name="campaign_post_id", label="竞争职位ID")
    status = django_filters.ChoiceFilter(choices=AppStatus.choices, label="报名状态")
    source = django_filters.ChoiceFilter(choices=Source.choices, label="报名方式")
    suggestion = django_filters.ChoiceFilter(choices=Suggestion.choices, label="系统审查建议")
    review_decision = django_filters.ChoiceFilter(choices=ReviewDecision.choices, label="审查结论")
    undecided = django_filters.BooleanFilter(method="filter_undecided", label="尚未作出审查结论")
    is_inspection_target = django_filters.BooleanFilter(label="考察对象")
    late_entry = django_filters.BooleanFilter(label="补报")

    class Meta:
        model = Application
        fields = [
            "q", "campaign", "campaign_post", "status", "source", "suggestion", "review_decision", "undecided",
            "is_inspection_target", "late_entry",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(cadre__name__icontains=value) | Q(cadre__position_title__icontains=value)
            | Q(campaign_post__post__title__icontains=value) | Q(campaign_post__post__unit__name__icontains=value)
        )

    def filter_undecided(self, queryset, name, value):
        return queryset.filter(review_decision="") if value else queryset.exclude(review_decision="")
