from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RotationMove, RotationPlan, RotationPolicy, Secondment


@admin.register(RotationPolicy)
class RotationPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_default", "same_post_years", "key_post_years", "min_years_in_post",
                    "retirement_age_male", "retirement_age_female", "no_return_years", "min_scope_ratio"]


class MoveInline(admin.TabularInline):
    model = RotationMove
    extra = 0
    raw_id_fields = ["cadre", "from_post", "to_post"]


@admin.register(RotationPlan)
class RotationPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "as_of", "status", "created_by", "approved_by"]
    list_filter = ["status"]
    inlines = [MoveInline]
    readonly_fields = ["status", "approved_by", "approved_at", "executed_by", "executed_at"]


@admin.register(Secondment)
class SecondmentAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "host_unit", "host_title", "start", "planned_end", "actual_end"]
    raw_id_fields = ["cadre", "host_post"]
