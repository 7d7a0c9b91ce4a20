"""DRF routes of the selection app, mounted under /api/ by config/api_urls.py."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("selection/campaigns", api.CampaignViewSet, basename="selection-campaign")
router.register("selection/campaign-posts", api.CampaignPostViewSet, basename="selection-campaign-post")
router.register("selection/judges", api.JudgeViewSet, basename="selection-judge")
router.register("selection/judge-scores", api.JudgeScoreViewSet, basename="selection-judge-score")
router.register("selection/objections", api.ObjectionViewSet, basename="selection-objection")
router.register("selection/applications", api.ApplicationViewSet, basename="selection-application")
router.register("selection/my-applications", api.MyApplicationViewSet, basename="selection-my-application")

urlpatterns = [
    path("selection/open-campaigns/", api.OpenCampaignsView.as_view(), name="selection-open-campaigns"),
    path("selection/judge/campaigns/", api.JudgeCampaignsView.as_view(), name="selection-judge-campaigns"),
    path("selection/leader-inbox/", api.LeaderInboxView.as_view(), name="selection-leader-inbox"),
    *router.urls,
]
