"""All DRF routes, one router per app, mounted under /api/."""
from django.urls import include, path

urlpatterns = [
    path("", include("cadre.api.urls")),
    path("", include("rotation.api.urls")),
    path("", include("cadre.eligibility.api.urls")),
    path("", include("assessment.api.urls")),
    path("", include("selection.api.urls")),
]
