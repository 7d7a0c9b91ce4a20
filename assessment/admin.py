"""Admin: sessions and assessments read-mostly. Ballots, marks and codes are deliberately NOT registered —
no admin page may show a single ballot; tallies are on the results page."""
from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import BallotSession, BallotTarget, EvaluatorGroup, PeriodicAssessment, ResidentEvaluation, TermReview


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TargetInline(ReadOnlyInline):
    model = BallotTarget
    fields = ("order", "name", "description", "cadre")


class GroupInline(ReadOnlyInline):
    model = EvaluatorGroup
    fields = ("order", "name", "weight", "paper_issued")


@admin.register(BallotSession)
class BallotSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Changes go through the pages/services (which audit them); here sessions are read only."""

    list_display = ("title", "option_set", "vote_date", "status", "created_by", "created_at")
    list_filter = ("status", "option_set")
    search_fields = ("title",)
    inlines = [TargetInline, GroupInline]
    exclude = ("result",)
    readonly_fields = [f.name for f in BallotSession._meta.fields if f.name != "result"]



@admin.register(PeriodicAssessment)
class PeriodicAssessmentAdmin(admin.ModelAdmin):
    list_display = ("cadre", "kind", "year", "quarter", "task", "assessed_on", "grade")
    list_filter = ("kind", "year", "grade")
    search_fields = ("cadre__name", "task")
    raw_id_fields = ("cadre",)
    readonly_fields = ("created_by", "created_at")


@admin.register(ResidentEvaluation)
class ResidentEvaluationAdmin(admin.ModelAdmin):
    list_display = ("title", "subject_name", "sample_size", "seed", "created_at")
    readonly_fields = [f.name for f in ResidentEvaluation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TermReview)
class TermReviewAdmin(admin.ModelAdmin):
    list_display = ("subject_name", "subject_kind", "result", "reviewed_on")
    list_filter = ("subject_kind", "result")
    search_fields = ("subject_name",)
    raw_id_fields = ("cadre",)
    readonly_fields = ("created_by", "created_at")
