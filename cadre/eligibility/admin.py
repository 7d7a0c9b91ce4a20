"""Admin for the eligibility models. Imported from cadre/admin.py (one line: `from .eligibility import admin`)."""
from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from ..models import EligibilityRuleSet, EligibilityWaiver
from .rulesets import LEVELS, level_key, validate_params


class RuleSetAdminForm(forms.ModelForm):
    class Meta:
        model = EligibilityRuleSet
        fields = ["level", "post", "scope", "params", "note"]

    def clean(self):
        data = super().clean()
        level = data.get("level")
        post = data.get("post")
        if post is not None:
            level = level_key(post.level)
            data["level"] = level
        if level in LEVELS and isinstance(data.get("params"), dict):
            problems = validate_params(data["params"], level=level)
            if problems:
                raise forms.ValidationError(problems)
        elif data.get("params") is not None and not isinstance(data.get("params"), dict):
            raise forms.ValidationError("规则参数应为 JSON 对象，例如 {\"新任\": {\"age\": {\"male\": 44}}}")
        return data


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(SimpleHistoryAdmin):
    form = RuleSetAdminForm
    list_display = ["__str__", "level", "post", "scope", "updated_by", "updated_at"]
    list_filter = ["level"]
    search_fields = ["post__title", "post__unit__name", "scope", "note"]
    autocomplete_fields = []
    raw_id_fields = ["post"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EligibilityWaiver)
class EligibilityWaiverAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: waivers are granted and revoked by leaders through the pages/API (audited)."""

    list_display = ["cadre", "post", "scope", "rule", "reason", "approved_by", "approved_on", "revoked_at"]
    list_filter = ["rule", "approved_on"]
    search_fields = ["cadre__name", "reason", "scope"]

