from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("rotation/plans", api.PlanViewSet, basename="rotation-plan")
router.register("rotation/suggestions", api.SuggestionViewSet, basename="rotation-suggestion")
router.register("rotation/secondments", api.SecondmentViewSet, basename="rotation-secondment")

urlpatterns = [
    path("rotation/due/", api.DueListView.as_view(), name="rotation-due"),
    *router.urls,
]
