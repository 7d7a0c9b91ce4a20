"""Routes of the rotation API (mounted under /api/ by config.api_urls)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("rotation/plans", views.PlanViewSet, basename="rotation-plan")
router.register("rotation/suggestions", views.SuggestionViewSet, basename="rotation-suggestion")
router.register("rotation/secondments", views.SecondmentViewSet, basename="rotation-secondment")

urlpatterns = [
    path("rotation/due/", views.DueListView.as_view(), name="rotation-due"),
    *router.urls,
]
