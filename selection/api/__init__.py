"""DRF API of 竞争上岗 (selection): thin views over selection.selectors and the selection services.

Input serializers check shapes; every rule lives in the services, whose ApplicationError becomes a 400 with the
Chinese reason (core.api.exception_handler). Who may call what (selection.permissions):

- 组织部工作人员 (staff): the campaign, its posts, judges and members, the review, scoring administration,
  inspection records, the 上级审批, 公示 and the appointment; every list and export.
- 领导小组成员 (leader): reads everything; approves/returns the plan and the review list, confirms 考察对象,
  records the 党委会; the transitions the stage table gives to leaders.
- 纪检监督 (observer): reads everything, changes nothing.
- 评委 (judge): the campaigns they are assigned to, only their own score sheet and scores.
- 干部 (candidate): open campaigns, their own applications (``/my-applications/``) and nominations; never
  another person's application (404) nor a whole campaign.

Role refusals are 403; records the caller may not see are 404; stage and data problems are 400.

Layout: serializers.py (output), inputs.py (input), common.py (errors, lookups), one module of views per
sub-domain (campaigns, registration, scoring, decision, applications, candidates) and urls.py (the router).
"""
from .applications import ApplicationViewSet
from .campaigns import CampaignPostViewSet, CampaignViewSet, LeaderInboxView
from .candidates import MyApplicationViewSet, OpenCampaignsView
from .decision import ObjectionViewSet
from .scoring import JudgeCampaignsView, JudgeScoreViewSet, JudgeViewSet

__all__ = [
    "ApplicationViewSet", "CampaignPostViewSet", "CampaignViewSet", "JudgeCampaignsView", "JudgeScoreViewSet",
    "JudgeViewSet", "LeaderInboxView", "MyApplicationViewSet", "ObjectionViewSet", "OpenCampaignsView",
]
