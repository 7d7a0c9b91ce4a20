from django.contrib import admin

from core.audit import audit

from .audit import AuditAction
from .models import CalendarDay, DocumentSeries, GeneratedDocument, Notification


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "version", "page_count", "created_by", "created_at", "download_count")
    list_filter = ("kind",)
    search_fields = ("title", "subject_key", "content_hash")
    readonly_fields = [f.name for f in GeneratedDocument._meta.fields]


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(admin.ModelAdmin):
    list_display = ("kind", "subject_key", "latest_version")
    list_filter = ("kind",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "source", "is_read", "created_at")
    list_filter = ("source", "is_read")
    search_fields = ("title", "user__username")


# --- 节假日安排 -------------------------------------------------------------------------------------------------------
@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name", "note", "created_by", "updated_at")
    list_filter = ("is_working_day",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit(
            actor=request.user, action=AuditAction.CALENDAR_DAY_SET, obj=obj,
            summary=f"{'修改' if change else '录入'}节假日安排（后台）：{obj}",
            data={"date": obj.date.isoformat(), "is_working_day": obj.is_working_day, "name": obj.name, "created": not change},
        )

    def delete_model(self, request, obj):
        audit(
            actor=request.user, action=AuditAction.CALENDAR_DAY_DELETE, obj=obj, summary=f"删除节假日安排（后台）：{obj}",
            data={"date": obj.date.isoformat(), "is_working_day": obj.is_working_day, "name": obj.name},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        days = list(queryset.order_by("date"))
        audit(
            actor=request.user, action=AuditAction.CALENDAR_DAYS_DELETE,
            summary=f"批量删除节假日安排{len(days)}天（后台）",
            data={"days": [[d.date.isoformat(), d.is_working_day, d.name] for d in days]},
        )
        super().delete_queryset(request, queryset)
