"""Back-office (Django admin) for every records model, with django-simple-history's history pages.

The admin is a superuser tool for corrections; it still keeps the rules that protect the records:
身份证号 is checked like everywhere else, a cadre's current-position fields stay in step with the open
post/rank history rows (`sync_current_position`), and every save or delete leaves an audit row.
"""
from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, Q
from simple_history.admin import SimpleHistoryAdmin

from core.audit import audit
from core.exceptions import ApplicationError

from .audit import admin_action
from .models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    FamilyMember,
    OrgUnit,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
)
from .services import sync_current_position, validate_id_number


class AuditedAdmin(SimpleHistoryAdmin):
    """History (simple_history) plus one audit row per admin save/delete."""

    list_per_page = 50

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self.after_save(request, obj, change)
            verb = "修改" if change else "新建"
            fields = list(form.changed_data) if change else []
            audit(
                actor=request.user,
                action=admin_action(obj._meta.model_name, "update" if change else "create"),
                obj=obj,
                summary=f"后台{verb}{obj._meta.verbose_name} {obj}",
                data={"fields": fields},
            )

    def after_save(self, request, obj, change):
        """Hook for models whose derived rows must follow an admin edit."""

    def delete_model(self, request, obj):
        label, pk = str(obj), obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)
            audit(
                actor=request.user,
                action=admin_action(obj._meta.model_name, "delete"),
                obj=None,
                summary=f"后台删除{obj._meta.verbose_name} {label}",
                data={"id": pk},
            )

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rows = [(o.pk, str(o)) for o in queryset]
            super().delete_queryset(request, queryset)
            meta = queryset.model._meta
            audit(
                actor=request.user,
                action=admin_action(meta.model_name, "delete"),
                obj=None,
                summary=f"后台批量删除{meta.verbose_name} {len(rows)} 条",
                data={"ids": [pk for pk, _ in rows], "labels": [label for _, label in rows][:200]},
            )


# ---------------------------------------------------------------- units and posts


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("title", "level", "kind", "headcount", "is_key_post", "needs_local_avoidance", "is_open_for_competition", "order", "is_active")
    show_change_link = True


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "code", "kind", "parent", "locality", "is_key_unit", "key_area", "order", "is_active")
    list_filter = ("kind", "is_key_unit", "key_area", "is_active")
    search_fields = ("name", "short_name", "code", "locality")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("order", "id")
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = (
        "__str__", "level", "kind", "headcount", "holders_display", "vacancy_display",
        "is_key_post", "needs_local_avoidance", "is_open_for_competition", "is_active",
    )
    list_filter = ("level", "kind", "is_key_post", "needs_local_avoidance", "is_open_for_competition", "is_active", "unit__kind")
    search_fields = ("title", "unit__name", "unit__short_name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            open_holders=Count("holdings", filter=Q(holdings__end__isnull=True))
        )

    @admin.display(description="在任人数", ordering="open_holders")
    def holders_display(self, obj):
        return obj.open_holders

    @admin.display(description="空缺")
    def vacancy_display(self, obj):
        return obj.headcount - obj.open_holders


# ---------------------------------------------------------------- cadres


class CadreAdminForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if number:
            try:
                cleaned["id_number"] = validate_id_number(
                    number, gender=cleaned.get("gender"), birth_date=cleaned.get("birth_date")
                )
            except ApplicationError as exc:
                self.add_error("id_number", exc.message)
        return cleaned


class EducationInline(admin.TabularInline):
    model = EducationRecord
    extra = 0
    max_num = 2


class PostHistoryInline(admin.TabularInline):
    model = PostHistory
    extra = 0
    fields = ("start", "end", "unit", "unit_name", "post", "seat", "title", "level", "method", "is_secondment")
    autocomplete_fields = ("unit", "post")
    ordering = ("start", "id")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "post":
            kwargs["queryset"] = Post.objects.select_related("unit")  # Post.__str__ names the unit
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RankHistoryInline(admin.TabularInline):
    model = RankHistory
    extra = 0
    ordering = ("start", "id")


class AssessmentInline(admin.TabularInline):
    model = AnnualAssessment
    extra = 0


class RewardPunishmentInline(admin.TabularInline):
    model = RewardPunishment
    extra = 0


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    fk_name = "cadre"
    extra = 0
    fields = ("order", "relation", "name", "birth_date", "political_status", "work_unit_and_post", "id_number", "relative_cadre")
    autocomplete_fields = ("relative_cadre",)


@admin.register(Cadre)
class CadreAdmin(AuditedAdmin):
    form = CadreAdminForm
    list_display = (
        "name", "gender", "birth_date", "unit", "position_title", "rank_level", "position_start",
        "political_status", "staffing_type", "status",
    )
    list_filter = ("status", "gender", "rank_level", "staffing_type", "political_status", "unit__kind", "unit")
    search_fields = ("name", "id_number", "position_title", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit", "user")
    readonly_fields = ("created_at", "updated_at")
    ordering = ("rank_order", "id")
    fieldsets = (
        ("身份信息", {"fields": (
            ("name", "gender"), ("id_number", "birth_date"), ("ethnicity", "political_status", "party_join_date"),
            ("native_place", "birthplace", "grew_up_place"), ("work_start_date", "health"),
            ("staffing_type", "works_in_organ"), ("professional_title", "title_level"), "expertise", "photo",
        )}),
        ("现任职务", {"fields": (
            "unit", ("position_title", "position_start"), ("rank_level", "rank_start"),
        )}),
        ("其他", {"fields": ("status", "user", "note", ("created_at", "updated_at"))}),
    )
    inlines = [
        EducationInline, PostHistoryInline, RankHistoryInline, AssessmentInline, RewardPunishmentInline,
        FamilyMemberInline,
    ]

    def after_save(self, request, obj, change):
        for message in sync_current_position(obj):
            self.message_user(request, message, level="warning")


# ---------------------------------------------------------------- history rows edited on their own


@admin.register(EducationRecord)
class EducationRecordAdmin(AuditedAdmin):
    list_display = ("cadre", "mode", "level", "degree", "school", "major", "graduated_on")
    list_filter = ("mode", "level")
    search_fields = ("cadre__name", "school", "major")
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)


@admin.register(PostHistory)
class PostHistoryAdmin(AuditedAdmin):
    list_display = ("cadre", "start", "end", "unit_name", "title", "level", "method", "is_secondment")
    list_filter = ("level", "method", "is_secondment")
    search_fields = ("cadre__name", "unit_name", "title")
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre", "unit", "post")
    date_hierarchy = "start"


@admin.register(RankHistory)
class RankHistoryAdmin(AuditedAdmin):
    list_display = ("cadre", "level", "start", "end", "note")
    list_filter = ("level",)
    search_fields = ("cadre__name",)
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(AuditedAdmin):
    list_display = ("cadre", "year", "grade", "reason")
    list_filter = ("year", "grade")
    search_fields = ("cadre__name",)
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)


@admin.register(RewardPunishment)
class RewardPunishmentAdmin(AuditedAdmin):
    list_display = ("cadre", "kind", "name", "decided_on", "effect_start", "effect_end", "issuer")
    list_filter = ("kind",)
    search_fields = ("cadre__name", "name", "reason")
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)
    date_hierarchy = "decided_on"


@admin.register(FamilyMember)
class FamilyMemberAdmin(AuditedAdmin):
    list_display = ("cadre", "relation", "name", "birth_date", "political_status", "work_unit_and_post", "relative_cadre")
    list_filter = ("relation",)
    search_fields = ("cadre__name", "name", "work_unit_and_post")
    list_select_related = ("cadre", "relative_cadre")
    autocomplete_fields = ("cadre", "relative_cadre")

from .eligibility import admin as eligibility_admin  # noqa: E402,F401  (registers the eligibility models)
