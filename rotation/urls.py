from django.urls import path

from . import views

app_name = "rotation"

urlpatterns = [
    path("due/", views.due_list, name="due"),
    path("due/export/", views.due_export, name="due-export"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/from-roster/", views.roster_add, name="roster-add"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/moves/", views.move_add, name="move-add"),
    path("plans/<int:pk>/moves/<int:move_id>/remove/", views.move_remove, name="move-remove"),
    path("plans/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("plans/<int:pk>/suggestions/adopt/", views.suggestions_adopt, name="suggestions-adopt"),
    path("plans/<int:pk>/suggestions/<int:sid>/", views.suggestion_detail, name="suggestion"),
    path("plans/<int:pk>/suggestions/<int:sid>/accept/", views.suggestion_accept, name="suggestion-accept"),
    path("plans/<int:pk>/suggestions/<int:sid>/reject/", views.suggestion_reject, name="suggestion-reject"),
    path("plans/<int:pk>/structure/", views.plan_structure, name="plan-structure"),
    path("plans/<int:pk>/<str:action>/", views.plan_transition, name="plan-transition"),
    path("plans/<int:pk>/export/namelist/", views.plan_namelist_export, name="plan-namelist"),
    path("secondments/", views.secondment_list, name="secondments"),
    path("secondments/export/", views.secondment_export, name="secondments-export"),
    path("secondments/new/", views.secondment_edit, name="secondment-create"),
    path("secondments/<int:pk>/", views.secondment_edit, name="secondment"),
    path("structure/", views.structure, name="structure"),
    path("structure/export/", views.structure_export, name="structure-export"),
]
