from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("ballot-sessions", views.BallotSessionViewSet, basename="ballot-session")

urlpatterns = [
    path("ballots/", views.BallotSubmitView.as_view(), name="ballot-submit"),
    *router.urls,
]
