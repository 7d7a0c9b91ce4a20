from django.urls import path

from . import views
from .roster import views as roster_views

app_name = "cadre"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("export/", roster_views.roster_export, name="roster-export"),
    path("new/", views.cadre_create_view, name="cadre-create"),
    path("me/", views.my_record, name="my-record"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("<int:pk>/", views.cadre_detail, name="cadre-detail"),
    path("<int:pk>/photo/", views.cadre_photo, name="cadre-photo"),
    path("<int:pk>/edit/", views.cadre_edit_view, name="cadre-edit"),
    path("units/", views.unit_tree, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("family-links/", views.family_links, name="family-links"),
    path("family-links/<int:pk>/decide/", views.family_link_decide, name="family-link-decide"),
    path("import/", roster_views.import_upload, name="import"),
    path("import/template.xlsx", roster_views.import_template, name="import-template"),
    path("import/<int:pk>/", roster_views.import_preview, name="import-preview"),
    path("import/<int:pk>/confirm/", roster_views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/errors.xlsx", roster_views.import_error_copy, name="import-error-copy"),
]
