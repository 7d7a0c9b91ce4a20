from django.contrib import admin

from .models import DocumentSeries, GeneratedDocument, Notification


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
