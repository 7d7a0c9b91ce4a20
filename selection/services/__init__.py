"""Writes of the selection app (竞争上岗), one import path: ``from selection.services import plan_approve``.

Split by stage, as selection.md walks them:

- ``base``: role/stage-work checks, the campaign row lock, ``transition`` (the one mover every stage service
  goes through: role and stage, the service's own writes, the gate, StageEvent, audit), 撤回 and 终止;
- ``transitions``: ``campaign_transition``, the entry that runs any move of ``workflow.TRANSITIONS`` by name;
- ``campaign``: 准备动员 and 方案报批 (the plan, members, posts, judges; submit, approve, return);
- ``registration``: 公布职位 and 公开报名 (职位公告, applications, nominations, 补报, closing registration);
- ``review``: 资格审查 (decisions, the list to 党委, 张榜公布, 个别放宽, 差额, 延长报名) and the start of 演讲;
- ``scoring``: 演讲 (lot, absences, scores, close, corrections, written scores, the composite ranking);
- ``evaluation``: 民主测评 and 组织考察;
- ``decision``: 讨论决定 and 任前公示 (党委会, 缓议, superior approval, the 公示 period, objections);
- ``appointment``: 任职; ``approval_forms``: the 任免审批表 of the people decided on;
- ``snapshot``: a snapshot fact corrected by hand, an issued notice corrected as its next version;
- ``exports``: the Excel downloads (built and audited).

Every service: keyword-only, an ``actor``, one ``transaction.atomic()``, the campaign row locked with
``select_for_update()`` where two people can race, an audit row, Celery work queued after commit.
"""
from .appointment import appointment_execute
from .approval_forms import approval_forms_issue
from .base import SYSTEM, campaign_cancel, campaign_withdraw, lock, require_staff, require_work, today, transition
from .campaign import (
    EDITABLE_FIELDS,
    POSTING_FIELDS,
    campaign_create,
    campaign_update,
    judges_set,
    members_set,
    plan_approve,
    plan_return,
    plan_submit,
    post_add,
    post_remove,
    users_with_role,
)
from .decision import (
    auto_end_publicity,
    deferral_resolve,
    meeting_candidates,
    meeting_record,
    objection_record,
    objection_resolve,
    publicity_end,
    publicity_start,
    superior_approval_record,
)
from .exports import campaign_export
from .evaluation import (
    InspectionList,
    evaluation_close,
    evaluation_session_create,
    inspection_confirm,
    inspection_finish,
    inspection_record,
)
from .registration import (
    ACHIEVEMENTS_MAX,
    announcement_generate,
    application_save,
    application_withdraw,
    auto_close_registrations,
    late_entry_create,
    nomination_create,
    nomination_respond,
    posts_publish,
    registration_close,
    suggestions_refresh,
)
from .snapshot import application_snapshot_correct, campaign_document_correct
from .review import (
    post_cancel,
    reason_required,
    registration_extend,
    review_approve,
    review_decide,
    review_publish,
    review_return,
    review_submit,
    review_waiver_grant,
    speech_start,
)
from .scoring import (
    PostRanking,
    judge_absence_set,
    score_correct,
    scores_submit,
    speaking_order_draw,
    speech_close,
    written_scores_set,
)
from .transitions import campaign_transition

__all__ = [
    "application_snapshot_correct",
    "campaign_document_correct",
    "ACHIEVEMENTS_MAX",
    "EDITABLE_FIELDS",
    "InspectionList",
    "POSTING_FIELDS",
    "PostRanking",
    "SYSTEM",
    "announcement_generate",
    "campaign_export",
    "application_save",
    "application_withdraw",
    "appointment_execute",
    "approval_forms_issue",
    "auto_close_registrations",
    "auto_end_publicity",
    "campaign_cancel",
    "campaign_create",
    "campaign_transition",
    "campaign_update",
    "campaign_withdraw",
    "deferral_resolve",
    "evaluation_close",
    "evaluation_session_create",
    "inspection_confirm",
    "inspection_finish",
    "inspection_record",
    "judge_absence_set",
    "judges_set",
    "late_entry_create",
    "lock",
    "meeting_candidates",
    "meeting_record",
    "members_set",
    "nomination_create",
    "nomination_respond",
    "objection_record",
    "objection_resolve",
    "plan_approve",
    "plan_return",
    "plan_submit",
    "post_add",
    "post_cancel",
    "post_remove",
    "posts_publish",
    "publicity_end",
    "publicity_start",
    "reason_required",
    "registration_close",
    "registration_extend",
    "require_staff",
    "require_work",
    "review_approve",
    "review_decide",
    "review_publish",
    "review_return",
    "review_submit",
    "review_waiver_grant",
    "score_correct",
    "scores_submit",
    "speaking_order_draw",
    "speech_close",
    "speech_start",
    "suggestions_refresh",
    "superior_approval_record",
    "today",
    "transition",
    "users_with_role",
    "written_scores_set",
]
