from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/open/", views.session_transition, {"action": "open"}, name="session-open"),
    path("sessions/<int:pk>/close/", views.session_transition, {"action": "close"}, name="session-close"),
    path("sessions/<int:pk>/void/", views.session_transition, {"action": "void"}, name="session-void"),
    path("sessions/<int:pk>/codes/", views.codes_issue, name="codes-issue"),
    path("sessions/<int:pk>/codes/revoke/", views.code_revoke, name="code-revoke"),
    path("sessions/<int:pk>/codes/void-unused/", views.codes_void_unused, name="codes-void-unused"),
    path("sessions/<int:pk>/paper/issued/", views.paper_issued, name="paper-issued"),
    path("sessions/<int:pk>/paper/", views.paper_entry, name="paper-entry"),
    path("sessions/<int:pk>/results/", views.results, name="results"),
    path("sessions/<int:pk>/results.xlsx", views.results_xlsx, name="results-xlsx"),
    path("vote/<uuid:public_id>/", views.ballot, name="ballot"),
    path("annual/", views.annual_entry, name="annual"),
    path("periodic/", views.periodic, name="periodic"),
    path("resident/", views.resident, name="resident"),
    path("resident/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("term-reviews/", views.term_reviews, name="term-reviews"),
]
