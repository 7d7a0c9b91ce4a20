from django.contrib import admin

from .audit import action_label
from .models import AuditEvent, BackgroundJob


class ReadOnlyAdminMixin:
    """A record that is written only by its service (audit rows, ballots, waivers): the admin may look, not touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionFilter(admin.SimpleListFilter):
    """The actions stored in the log, by their Chinese label."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        stored = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((value, action_label(value)) for value in stored), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor", "action_name", "object_repr", "summary")
    list_filter = (ActionFilter, "object_type")
    search_fields = ("summary", "object_id", "object_repr")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description="操作", ordering="action")
    def action_name(self, obj):
        return action_label(obj.action)


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "status", "progress", "total", "created_by")
    list_filter = ("kind", "status")
