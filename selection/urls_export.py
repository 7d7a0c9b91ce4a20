"""Excel downloads of a campaign; included by config/urls.py under selection/ (names selection-export:<kind>)."""
from django.urls import path

from . import views_export

app_name = "selection-export"

urlpatterns = [
    path("<int:pk>/export/registrations.xlsx", views_export.export_registrations, name="registrations"),
    path("<int:pk>/export/review.xlsx", views_export.export_review, name="review"),
    path("<int:pk>/export/scores.xlsx", views_export.export_scores, name="scores"),
    path("<int:pk>/export/inspection.xlsx", views_export.export_inspection, name="inspection"),
]
