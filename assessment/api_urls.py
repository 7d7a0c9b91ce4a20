from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("ballot-sessions", api.BallotSessionViewSet, basename="ballot-session")

urlpatterns = [
    path("ballots/", api.BallotSubmitView.as_view(), name="ballot-submit"),
    *router.urls,
]
