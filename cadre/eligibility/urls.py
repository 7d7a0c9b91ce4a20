from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path("", views.index, name="index"),
    path("posts/<int:pk>/", views.post_screen, name="post-screen"),
    path("posts/<int:pk>/export.xlsx", views.post_export, name="post-export"),
    path("cadres/<int:pk>/", views.cadre_options, name="cadre-options"),
    path("cadres/<int:cadre_pk>/posts/<int:post_pk>/", views.explain, name="explain"),
    path("cadres/<int:cadre_pk>/posts/<int:post_pk>/waivers/", views.waiver_grant, name="waiver-grant"),
    path("waivers/<int:pk>/revoke/", views.waiver_revoke, name="waiver-revoke"),
    path("cadres/<int:pk>/manual/", views.manual_checks, name="manual-checks"),
    path("manual/<int:pk>/delete/", views.manual_check_delete, name="manual-check-delete"),
    path("me/", views.my_posts, name="my-posts"),
    path("me/posts/<int:pk>/", views.my_explain, name="my-explain"),
    path("rules/", views.rule_sets, name="rule-sets"),
    path("rules/level/<str:level>/", views.rule_set_level, name="rule-set-level"),
    path("rules/posts/<int:pk>/", views.rule_set_post, name="rule-set-post"),
    path("rules/<int:pk>/delete/", views.rule_set_delete, name="rule-set-delete"),
]
