"""DRF routes of the selection app, mounted under /api/ by config/api_urls.py."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import applications, campaigns, candidates, decision, scoring

router = SimpleRouter()
router.register("selection/campaigns", campaigns.CampaignViewSet, basename="selection-campaign")
router.register("selection/campaign-posts", campaigns.CampaignPostViewSet, basename="selection-campaign-post")
router.register("selection/judges", scoring.JudgeViewSet, basename="selection-judge")
router.register("selection/judge-scores", scoring.JudgeScoreViewSet, basename="selection-judge-score")
router.register("selection/objections", decision.ObjectionViewSet, basename="selection-objection")
router.register("selection/applications", applications.ApplicationViewSet, basename="selection-application")
router.register("selection/my-applications", candidates.MyApplicationViewSet, basename="selection-my-application")

urlpatterns = [
    path("selection/open-campaigns/", candidates.OpenCampaignsView.as_view(), name="selection-open-campaigns"),
    path("selection/judge/campaigns/", scoring.JudgeCampaignsView.as_view(), name="selection-judge-campaigns"),
    path("selection/leader-inbox/", campaigns.LeaderInboxView.as_view(), name="selection-leader-inbox"),
    *router.urls,
]
