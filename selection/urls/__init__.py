"""Pages of the selection app (selection.views). The Excel downloads have their own namespace in urls/export.py
(selection-export:<kind>), included by config/urls.py."""
from django.urls import path

from .. import views

app_name = "selection"

urlpatterns = [
    # staff, leaders, observers
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/tab/<slug:section>/", views.campaign_section, name="section"),
    path("<int:pk>/transition/<slug:action>/", views.transition, name="transition"),
    path("<int:pk>/plan/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/members/", views.members_set, name="members-set"),
    path("<int:pk>/posts/add/", views.post_add, name="post-add"),
    path("<int:pk>/posts/<int:cp>/remove/", views.post_remove, name="post-remove"),
    path("<int:pk>/posts/<int:cp>/cancel/", views.post_cancel, name="post-cancel"),
    path("<int:pk>/posts/<int:cp>/draw/", views.order_draw, name="order-draw"),
    path("<int:pk>/judges/", views.judges_set, name="judges-set"),
    path("<int:pk>/judges/<int:judge>/absence/", views.judge_absence, name="judge-absence"),
    path("<int:pk>/announcement/", views.announcement_generate, name="announcement-generate"),
    path("<int:pk>/nominations/", views.nomination_create, name="nomination-create"),
    path("<int:pk>/late-entries/", views.late_entry_create, name="late-entry-create"),
    path("<int:pk>/review/<int:app>/", views.review_decide, name="review-decide"),
    path("<int:pk>/review/<int:app>/waiver/", views.review_waiver, name="review-waiver"),
    path("<int:pk>/snapshot/<int:app>/correct/", views.snapshot_correct, name="snapshot-correct"),
    path("<int:pk>/documents/<slug:kind>/correct/", views.document_correct, name="document-correct"),
    path("<int:pk>/review/submit/", views.review_submit, name="review-submit"),
    path("<int:pk>/review/approve/", views.review_approve, name="review-approve"),
    path("<int:pk>/review/return/", views.review_return, name="review-return"),
    path("<int:pk>/review/publish/", views.review_publish, name="review-publish"),
    path("<int:pk>/registration/extend/", views.registration_extend, name="registration-extend"),
    path("<int:pk>/scores/correct/", views.score_correct, name="score-correct"),
    path("<int:pk>/evaluation/", views.evaluation_create, name="evaluation-create"),
    path("<int:pk>/written-scores/", views.written_scores, name="written-scores"),
    path("<int:pk>/inspection/confirm/", views.inspection_confirm, name="inspection-confirm"),
    path("<int:pk>/inspection/<int:app>/", views.inspection_record, name="inspection-record"),
    path("<int:pk>/meeting/", views.meeting_record, name="meeting"),
    path("<int:pk>/approval-forms/", views.approval_forms, name="approval-forms"),
    path("<int:pk>/deferral/<int:app>/", views.deferral_resolve, name="deferral-resolve"),
    path("<int:pk>/superior-approval/", views.superior_approval, name="superior-approval"),
    path("<int:pk>/objections/", views.objection_create, name="objection-create"),
    path("<int:pk>/objections/<int:objection>/resolve/", views.objection_resolve, name="objection-resolve"),
    # candidates
    path("my/", views.my_applications, name="my-applications"),
    path("my/campaigns/<int:pk>/apply/", views.apply, name="apply"),
    path("my/campaigns/<int:pk>/check/", views.eligibility_check, name="eligibility-check"),
    path("my/applications/<int:pk>/", views.my_application, name="my-application"),
    path("my/applications/<int:pk>/withdraw/", views.my_application_withdraw, name="my-application-withdraw"),
    path("my/applications/<int:pk>/respond/", views.my_application_respond, name="my-application-respond"),
    # judges
    path("judge/", views.judge_home, name="judge-home"),
    path("judge/<int:pk>/", views.judge_scores, name="judge-scores"),
    # leaders
    path("approvals/", views.leader_inbox, name="leader-inbox"),
]
