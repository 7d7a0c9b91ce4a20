"""Pages of the 竞争上岗 app. Thin: check who may see it, parse input, call a selector or a service, render.

- Staff, leaders and the 纪检 observer: the campaign pages (one tab per stage's work; the campaign's own page
  opens the tab of its current stage), with the transitions the user may take and each one's gate errors
  (campaign, transitions, registration, scoring, decision; the Excel downloads in export).
- Candidates (a user linked to a cadre record): ``my-applications``, the self-nomination form with a live
  eligibility check, their own applications only (anyone else's is a 404) (candidates).
- Judges: ``judge-home`` and their own score sheet per campaign (judges).
- Leaders: ``leader-inbox`` with one-click approve/return, the 党委会 record form and 个别放宽 (leaders, decision,
  waiver).

Every write goes through the services; an ApplicationError is shown as a message (and its list of reasons), never
a 500.
"""
from .campaign import (
    campaign_create,
    campaign_detail,
    campaign_list,
    campaign_section,
    judges_set,
    members_set,
    plan_edit,
    post_add,
    post_remove,
)
from .candidates import (
    apply,
    eligibility_check,
    my_application,
    my_application_respond,
    my_application_withdraw,
    my_applications,
)
from .decision import (
    approval_forms,
    deferral_resolve,
    meeting_record,
    objection_create,
    objection_resolve,
    superior_approval,
)
from .export import export, export_inspection, export_registrations, export_review, export_scores
from .judges import judge_home, judge_scores
from .leaders import leader_inbox
from .registration import (
    announcement_generate,
    late_entry_create,
    nomination_create,
    post_cancel,
    registration_extend,
    review_approve,
    review_decide,
    review_publish,
    review_return,
    review_submit,
    document_correct,
    snapshot_correct,
)
from .scoring import (
    evaluation_create,
    inspection_confirm,
    inspection_record,
    judge_absence,
    order_draw,
    score_correct,
    written_scores,
)
from .transitions import transition
from .waiver import review_waiver

__all__ = [
    "announcement_generate", "apply", "campaign_create", "campaign_detail", "campaign_list", "campaign_section",
    "deferral_resolve", "eligibility_check", "evaluation_create", "export", "export_inspection",
    "export_registrations", "export_review", "export_scores", "inspection_confirm", "inspection_record",
    "judge_absence", "judge_home", "judge_scores", "judges_set", "late_entry_create", "leader_inbox",
    "approval_forms", "meeting_record", "members_set", "my_application", "my_application_respond", "my_application_withdraw",
    "my_applications", "nomination_create", "objection_create", "objection_resolve", "order_draw", "plan_edit",
    "document_correct", "snapshot_correct", "post_add", "post_cancel", "post_remove", "registration_extend", "review_approve", "review_decide",
    "review_publish", "review_return", "review_submit", "review_waiver", "score_correct", "superior_approval",
    "transition", "written_scores",
]
