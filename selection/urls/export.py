"""Excel downloads of a campaign; included by config/urls.py under selection/ (names selection-export:<kind>)."""
from django.urls import path

from .. import views

app_name = "selection-export"

urlpatterns = [
    path("<int:pk>/export/registrations.xlsx", views.export_registrations, name="registrations"),
    path("<int:pk>/export/review.xlsx", views.export_review, name="review"),
    path("<int:pk>/export/scores.xlsx", views.export_scores, name="scores"),
    path("<int:pk>/export/inspection.xlsx", views.export_inspection, name="inspection"),
]
