from django.urls import path

from . import views as api

urlpatterns = [
    path("eligibility/explain/", api.ExplainApi.as_view(), name="eligibility-explain"),
    path("eligibility/posts/<int:pk>/screen/", api.PostScreenApi.as_view(), name="eligibility-post-screen"),
    path("eligibility/waivers/", api.WaiverCreateApi.as_view(), name="eligibility-waiver-create"),
    path("eligibility/waivers/<int:pk>/revoke/", api.WaiverRevokeApi.as_view(), name="eligibility-waiver-revoke"),
    path("eligibility/manual-checks/", api.ManualCheckCreateApi.as_view(), name="eligibility-manual-check-create"),
]
