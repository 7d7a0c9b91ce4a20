from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/download/", views.download, name="download"),
    path("cadre/<int:cadre_id>/approval-form/", views.approval_form_generate, name="approval-form"),
    path("approval-forms/", views.approval_forms_batch, name="approval-forms-batch"),
    path("cadre/<int:cadre_id>/approval-form.<str:fmt>", views.approval_form_download, name="approval-form-download"),
    path("approval-forms/selected/", views.approval_forms_selected, name="approval-forms-selected"),
    path("approval-forms/zip/<int:pk>/", views.approval_forms_zip, name="approval-forms-zip"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("cadre/<int:cadre_id>/lrmx/", views.lrmx_export, name="lrmx-export"),
    path("lrmx/import/", views.lrmx_import, name="lrmx-import"),
    path("lrmx/batch/<int:pk>/", views.lrmx_batch, name="lrmx-batch"),
    path("lrmx/batch/<int:pk>/confirm/", views.lrmx_batch_confirm, name="lrmx-batch-confirm"),
    path("lrmx/batch/<int:pk>/report.xlsx", views.lrmx_batch_report, name="lrmx-batch-report"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/read/", views.notification_read, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar-delete"),
]
