"""Role × URL matrix, generated from the URLconf.

Every named URL pattern (pages and /api/ routes; the Django admin is checked through its index and
changelists) is requested by every role:

    anonymous, evaluator (anonymous holding a one-time ballot code), candidate, judge, staff, leader, observer

and the answer is compared with ONE explicit table, ``RULES`` (URL name → roles allowed). A URL name that the
resolver knows and the table does not fails the test ("new view without a rule"), and so does a rule for a
name that no longer exists.

What "allowed" and "refused" mean:
- refused: anonymous → redirect to the login page, 401 or 403; a logged-in user → 403, or 404 where the view
  hides an object the user may not see (object-level checks);
- allowed: any other answer below 500 (200, a redirect that is not to the login page, 400 for an empty form
  or body, 405 is never accepted because POST-only URLs are retried with POST);
- 5xx fails the test for every role.

Object-level checks are separate tests below: a candidate reads their own record (page and API) but not
someone else's; a judge sees only the campaigns they are assigned to.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook

from assessment import services as ballots
from assessment.models import ResidentEvaluation
from cadre.models import EligibilityManualCheck, EligibilityRuleSet, EligibilityWaiver, FamilyLinkProposal
from cadre.roster import ImportReport, RowIssue
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
from core import roles
from core.models import BackgroundJob
from documents.models import CalendarDay, DocumentSeries, GeneratedDocument, Notification
from rotation.models import RotationMove, RotationPlan, RotationPolicy, RotationSuggestion, Secondment
from selection.models import Application, AppStatus, JudgeScore, Objection
from selection.tests import factories as F
from selection.workflow import Stage

ANON, EVALUATOR, CANDIDATE, JUDGE, STAFF, LEADER, OBSERVER = (
    "anonymous", "evaluator", "candidate", "judge", "staff", "leader", "observer",
)
ROLES = (ANON, EVALUATOR, CANDIDATE, JUDGE, OBSERVER, LEADER, STAFF)  # staff last: its POSTs may change state

NOBODY: frozenset = frozenset()
PUBLIC = frozenset(ROLES)
USERS = frozenset({CANDIDATE, JUDGE, STAFF, LEADER, OBSERVER})
READERS = frozenset({STAFF, LEADER, OBSERVER})  # 花名册、轮岗、测评结果: staff, leaders and the 纪检 observer
STAFF_ONLY = frozenset({STAFF})
LEADER_ONLY = frozenset({LEADER})
STAFF_OBSERVER = frozenset({STAFF, OBSERVER})
CODE_HOLDERS = frozenset({ANON, EVALUATOR})  # anonymous ballot pages: the one-time code is the credential

# ------------------------------------------------------------------------------------------------ the table
RULES: dict[str, frozenset] = {
    # core
    "home": USERS,
    "login": PUBLIC,
    "logout": USERS,  # POST; anonymous is sent to the login page
    "job-status": STAFF_ONLY,  # the fixture job belongs to staff; its creator or staff may poll it
    "job-retry": STAFF_ONLY,  # POST; the same rule as job-status (a job that has not failed: a message, no change)
    "password_change": USERS,  # one's own password
    "password_change_done": USERS,
    "audit-log": STAFF_OBSERVER,
    "schema": USERS,
    "swagger-ui": USERS,
    "api-root": USERS,
    # cadre records
    "cadre:roster": READERS,
    "cadre:roster-export": READERS,
    "cadre:cadre-create": STAFF_ONLY,
    "cadre:my-record": USERS,  # a user without a record sees the 未关联档案 page
    "cadre:lookup": READERS,  # the person lookup (JSON): numbers masked for leaders and observers
    "cadre:cadre-detail": READERS,  # someone else's record: the candidate is refused (own record: see below)
    "cadre:cadre-photo": READERS,  # the record's photo, the record's rule (/media/ is never served)
    "cadre:cadre-edit": STAFF_ONLY,
    "cadre:units": READERS,
    "cadre:unit-detail": READERS,
    "cadre:import": STAFF_ONLY,
    "cadre:import-template": STAFF_ONLY,
    "cadre:import-preview": STAFF_ONLY,
    "cadre:import-confirm": STAFF_ONLY,
    "cadre:import-error-copy": STAFF_ONLY,
    "cadre:family-links": STAFF_ONLY,
    "cadre:family-link-decide": STAFF_ONLY,
    # eligibility
    "eligibility:index": READERS,
    "eligibility:post-screen": READERS,
    "eligibility:post-export": READERS,
    "eligibility:cadre-options": READERS,
    "eligibility:explain": READERS,
    "eligibility:waiver-grant": LEADER_ONLY,
    "eligibility:waiver-revoke": LEADER_ONLY,
    "eligibility:manual-checks": STAFF_ONLY,  # 人工审核 of the manual items: staff record them
    "eligibility:manual-check-delete": STAFF_ONLY,
    "eligibility:my-posts": frozenset({CANDIDATE}),
    "eligibility:my-explain": frozenset({CANDIDATE}),
    "eligibility:rule-sets": STAFF_ONLY,
    "eligibility:rule-set-level": STAFF_ONLY,
    "eligibility:rule-set-post": STAFF_ONLY,
    "eligibility:rule-set-delete": STAFF_ONLY,
    # rotation
    "rotation:due": READERS,
    "rotation:due-export": READERS,
    "rotation:plans": READERS,
    "rotation:plan-create": STAFF_ONLY,
    "rotation:plan": READERS,
    "rotation:plan-edit": STAFF_ONLY,
    "rotation:move-add": STAFF_ONLY,
    "rotation:move-remove": STAFF_ONLY,
    "rotation:suggest": STAFF_ONLY,
    "rotation:suggestion-accept": STAFF_ONLY,
    "rotation:suggestion-reject": STAFF_ONLY,
    "rotation:suggestions-adopt": STAFF_ONLY,
    "rotation:suggestion": READERS,  # one suggestion's explanation (htmx)
    "rotation:plan-structure": READERS,
    "rotation-plan-adopt": STAFF_ONLY,
    "rotation:plan-transition": STAFF_ONLY,  # action "submit" in the fixture; approve/return are the leader's
    "rotation:plan-namelist": READERS,
    "rotation:roster-add": STAFF_ONLY,  # POST: the roster's batch action (people into a draft plan)
    "rotation:secondments": READERS,
    "rotation:secondments-export": READERS,
    "rotation:secondment-create": READERS,  # the empty form is shown read-only; saving (POST) is staff only
    "rotation:secondment": READERS,  # the read-only form for leaders and the observer; staff edit
    "rotation:structure": READERS,
    "rotation:structure-export": READERS,
    # documents and notifications
    "documents:list": USERS,  # each sees the documents visible to them (own 任免审批表, campaign notices)
    "documents:download": STAFF_ONLY,  # the fixture document is another person's 任免审批表
    "documents:approval-form": STAFF_ONLY,
    "documents:approval-forms-batch": STAFF_ONLY,
    "documents:approval-form-download": STAFF_ONLY,  # one click: PDF, Word or LRMX of another person
    "documents:approval-forms-selected": STAFF_ONLY,  # the roster's batch action (zip)
    "documents:approval-forms-zip": STAFF_ONLY,
    "documents:job": STAFF_ONLY,
    "documents:lrmx-export": STAFF_ONLY,
    "documents:lrmx-import": STAFF_ONLY,
    "documents:lrmx-batch": STAFF_ONLY,
    "documents:lrmx-batch-confirm": STAFF_ONLY,
    "documents:lrmx-batch-report": STAFF_ONLY,
    "documents:notifications": USERS,
    "documents:bell": USERS,
    "documents:notifications-read-all": USERS,
    "documents:notification-read": USERS,  # acts on the user's own notifications only (see below)
    "documents:calendar": STAFF_ONLY,
    "documents:calendar-delete": STAFF_ONLY,
    # assessment
    "assessment:session-list": READERS,
    "assessment:session-create": STAFF_ONLY,
    "assessment:session-detail": STAFF_ONLY,
    "assessment:session-open": STAFF_ONLY,
    "assessment:session-close": STAFF_ONLY,
    "assessment:session-void": STAFF_ONLY,
    "assessment:codes-issue": STAFF_ONLY,
    "assessment:code-revoke": STAFF_ONLY,
    "assessment:codes-void-unused": STAFF_ONLY,
    "assessment:paper-issued": STAFF_ONLY,
    "assessment:paper-entry": STAFF_ONLY,
    "assessment:results": READERS,
    "assessment:results-xlsx": READERS,
    "assessment:ballot": CODE_HOLDERS | USERS,  # public page; nothing is accepted without a valid code
    "assessment:annual": STAFF_ONLY,
    "assessment:periodic": STAFF_ONLY,
    "assessment:resident": STAFF_ONLY,
    "assessment:resident-detail": STAFF_ONLY,
    "assessment:term-reviews": STAFF_ONLY,
    # API: records
    "unit-list": READERS,
    "unit-detail": READERS,
    "post-list": READERS,
    "post-detail": READERS,
    "cadre-list": READERS | {CANDIDATE},  # a candidate's list holds their own record only (see below)
    "cadre-me": frozenset({CANDIDATE}),  # the own record; the other fixture users have none (404)
    "cadre-detail": READERS,  # someone else's record (own record: see below)
    "eligibility-explain": READERS,
    "eligibility-post-screen": READERS,
    "eligibility-waiver-create": LEADER_ONLY,
    "eligibility-waiver-revoke": LEADER_ONLY,
    "eligibility-manual-check-create": STAFF_ONLY,
    # API: rotation
    "rotation-due": READERS,
    "rotation-plan-list": READERS,
    "rotation-plan-detail": READERS,
    "rotation-plan-check": READERS,
    "rotation-plan-moves": STAFF_ONLY,
    "rotation-plan-suggestions": READERS,  # GET lists them; computing new ones (POST) is staff only
    "rotation-plan-submit": STAFF_ONLY,
    "rotation-plan-approve": LEADER_ONLY,
    "rotation-plan-return": LEADER_ONLY,
    "rotation-plan-execute": STAFF_ONLY,
    "rotation-suggestion-accept": STAFF_ONLY,
    "rotation-suggestion-reject": STAFF_ONLY,
    "rotation-secondment-list": READERS,
    "rotation-secondment-due-soon": READERS,
    "rotation-secondment-detail": READERS,
    # API: assessment
    "ballot-submit": CODE_HOLDERS | USERS,  # anonymous endpoint: the one-time code is the credential
    "ballot-session-list": READERS,
    "ballot-session-detail": READERS,
    "ballot-session-tally": READERS,
    "ballot-session-open": STAFF_ONLY,
    "ballot-session-close": STAFF_ONLY,
    "ballot-session-void": STAFF_ONLY,
    "ballot-session-codes": STAFF_ONLY,
    "ballot-session-revoke": STAFF_ONLY,
    # selection pages (spec roles: staff run the campaign, leaders approve and decide, assigned judges score,
    # the observer reads, a candidate sees own applications only)
    "selection:campaigns": READERS,
    "selection:campaign-create": STAFF_ONLY,
    "selection:campaign": READERS,  # an assigned judge works on the judge pages, not the campaign pages
    "selection:section": READERS,  # section "plan"
    "selection:transition": STAFF_ONLY,  # action close_registration (staff) in the 报名 stage
    "selection:snapshot-correct": STAFF_ONLY,  # 档案快照 corrected by staff, with a reason
    "selection:document-correct": STAFF_ONLY,  # an issued notice corrected as its next version
    "selection:plan-edit": STAFF_ONLY,
    "selection:members-set": STAFF_ONLY,
    "selection:post-add": STAFF_ONLY,
    "selection:post-remove": STAFF_ONLY,
    "selection:post-cancel": STAFF_ONLY,
    "selection:order-draw": STAFF_ONLY,
    "selection:judges-set": STAFF_ONLY,
    "selection:judge-absence": STAFF_ONLY,
    "selection:announcement-generate": STAFF_ONLY,
    "selection:nomination-create": STAFF_ONLY,
    "selection:late-entry-create": STAFF_ONLY,
    "selection:review-decide": STAFF_ONLY,
    "selection:review-submit": STAFF_ONLY,
    "selection:review-approve": LEADER_ONLY,
    "selection:review-return": LEADER_ONLY,
    "selection:review-publish": STAFF_ONLY,
    "selection:registration-extend": STAFF_ONLY,
    "selection:score-correct": STAFF_ONLY,
    "selection:evaluation-create": STAFF_ONLY,
    "selection:written-scores": STAFF_ONLY,
    "selection:inspection-confirm": LEADER_ONLY,
    "selection:inspection-record": STAFF_ONLY,
    "selection:meeting": READERS,  # the record form; recording is the leaders' and staff's work
    "selection:approval-forms": STAFF_ONLY,  # POST: the 任免审批表 of the people the 党委会 passed
    "selection:deferral-resolve": frozenset({STAFF, LEADER}),  # the observer only reads
    "selection:review-waiver": LEADER_ONLY,  # 放宽条件 is the leaders' decision
    "selection:superior-approval": STAFF_ONLY,
    "selection:objection-create": STAFF_ONLY,
    "selection:objection-resolve": STAFF_ONLY,
    "selection:my-applications": frozenset({CANDIDATE}),
    "selection:apply": frozenset({CANDIDATE}),
    "selection:eligibility-check": frozenset({CANDIDATE}),
    "selection:my-application": frozenset({CANDIDATE}),  # the candidate's own application
    "selection:my-application-withdraw": frozenset({CANDIDATE}),
    "selection:my-application-respond": frozenset({CANDIDATE}),
    "selection:judge-home": frozenset({JUDGE}),
    "selection:judge-scores": frozenset({JUDGE}),
    "selection:leader-inbox": LEADER_ONLY,
    "selection-export:registrations": READERS,
    "selection-export:review": READERS,
    "selection-export:scores": READERS,
    "selection-export:inspection": READERS,
    # selection API
    "selection-campaign-list": READERS | {JUDGE},
    "selection-campaign-detail": READERS | {JUDGE},
    "selection-campaign-events": READERS,
    "selection-campaign-export": READERS,
    "selection-campaign-posts": READERS,
    "selection-campaign-members": STAFF_ONLY,  # POST: set the 领导小组/工作班子 members
    "selection-campaign-judges": STAFF_ONLY,  # POST: set the judges
    "selection-campaign-review": READERS,
    "selection-campaign-ranking": READERS,
    "selection-campaign-scores": STAFF_ONLY,
    "selection-campaign-objections": READERS,
    "selection-campaign-meeting": LEADER_ONLY,  # POST: record the 党委会 meeting
    "selection-campaign-judge-sheet": frozenset({JUDGE}),
    "selection-campaign-transition": STAFF_ONLY,
    "selection-campaign-withdraw": STAFF_ONLY,
    "selection-campaign-announcement": STAFF_ONLY,
    "selection-campaign-nominations": STAFF_ONLY,
    "selection-campaign-late-entries": STAFF_ONLY,
    "selection-campaign-review-submit": STAFF_ONLY,
    "selection-campaign-review-approve": LEADER_ONLY,
    "selection-campaign-review-return": LEADER_ONLY,
    "selection-campaign-review-publish": STAFF_ONLY,
    "selection-campaign-speech-close": STAFF_ONLY,
    "selection-campaign-written-scores": STAFF_ONLY,
    "selection-campaign-evaluation-session": STAFF_ONLY,
    "selection-campaign-inspection-confirm": LEADER_ONLY,
    "selection-campaign-superior-approval": STAFF_ONLY,
    "selection-campaign-publicity": STAFF_ONLY,
    "selection-campaign-appointment": STAFF_ONLY,
    "selection-campaign-post-detail": STAFF_ONLY,  # PATCH/DELETE of a post of the campaign
    "selection-campaign-post-cancel": STAFF_ONLY,
    "selection-campaign-post-draw": STAFF_ONLY,
    "selection-judge-absence": STAFF_ONLY,
    "selection-judge-score-correct": STAFF_ONLY,
    "selection-objection-resolve": STAFF_ONLY,
    "selection-application-list": READERS,
    "selection-application-detail": READERS,
    "selection-application-decide": STAFF_ONLY,
    "selection-application-inspection": STAFF_ONLY,
    "selection-application-deferral": frozenset({STAFF, LEADER}),
    "selection-my-application-list": frozenset({CANDIDATE}),
    "selection-my-application-detail": frozenset({CANDIDATE}),
    "selection-my-application-nominations": frozenset({CANDIDATE}),
    "selection-my-application-submit": frozenset({CANDIDATE}),
    "selection-my-application-withdraw": frozenset({CANDIDATE}),
    "selection-my-application-respond": frozenset({CANDIDATE}),
    "selection-open-campaigns": USERS,  # the announced open posts (职位公告) are visible to every account
    "selection-judge-campaigns": frozenset({JUDGE}),
    "selection-leader-inbox": LEADER_ONLY,
}
# The Django admin: only Django `is_staff` accounts (none of the seven roles) get past its login page.
ADMIN_RULE = NOBODY

# Parameters of the URLs that take them, from the fixture world `w`.
PARAMS = {
    "job-status": lambda w: {"pk": w.job.pk},
    "job-retry": lambda w: {"pk": w.job.pk},
    "cadre:cadre-detail": lambda w: {"pk": w.other.pk},
    "cadre:cadre-photo": lambda w: {"pk": w.other.pk},
    "cadre:cadre-edit": lambda w: {"pk": w.other.pk},
    "cadre:unit-detail": lambda w: {"pk": w.unit.pk},
    "cadre:import-preview": lambda w: {"pk": w.import_job.pk},
    "cadre:import-confirm": lambda w: {"pk": w.import_job.pk},
    "cadre:import-error-copy": lambda w: {"pk": w.import_job.pk},
    "cadre:family-link-decide": lambda w: {"pk": w.family_link.pk},
    "eligibility:post-screen": lambda w: {"pk": w.post.pk},
    "eligibility:post-export": lambda w: {"pk": w.post.pk},
    "eligibility:cadre-options": lambda w: {"pk": w.other.pk},
    "eligibility:explain": lambda w: {"cadre_pk": w.other.pk, "post_pk": w.post.pk},
    "eligibility:waiver-grant": lambda w: {"cadre_pk": w.other.pk, "post_pk": w.post.pk},
    "eligibility:waiver-revoke": lambda w: {"pk": w.waiver.pk},
    "eligibility:manual-checks": lambda w: {"pk": w.other.pk},
    "eligibility:manual-check-delete": lambda w: {"pk": w.manual_check.pk},
    "eligibility:my-explain": lambda w: {"pk": w.post.pk},
    "eligibility:rule-set-level": lambda w: {"level": "副科"},
    "eligibility:rule-set-post": lambda w: {"pk": w.post.pk},
    "eligibility:rule-set-delete": lambda w: {"pk": w.rule_set.pk},
    "rotation:plan": lambda w: {"pk": w.plan.pk},
    "rotation:plan-edit": lambda w: {"pk": w.plan.pk},
    "rotation:move-add": lambda w: {"pk": w.plan.pk},
    "rotation:move-remove": lambda w: {"pk": w.plan.pk, "move_id": w.move.pk},
    "rotation:suggest": lambda w: {"pk": w.plan.pk},
    "rotation:suggestion-accept": lambda w: {"pk": w.plan.pk, "sid": w.suggestion.pk},
    "rotation:suggestion-reject": lambda w: {"pk": w.plan.pk, "sid": w.suggestion.pk},
    "rotation:suggestions-adopt": lambda w: {"pk": w.plan.pk},
    "rotation:suggestion": lambda w: {"pk": w.plan.pk, "sid": w.suggestion.pk},
    "rotation:plan-structure": lambda w: {"pk": w.plan.pk},
    "rotation-plan-adopt": lambda w: {"pk": w.plan.pk},
    "rotation:plan-transition": lambda w: {"pk": w.plan.pk, "action": "submit"},
    "rotation:plan-namelist": lambda w: {"pk": w.plan.pk},
    "rotation:secondment": lambda w: {"pk": w.secondment.pk},
    "documents:download": lambda w: {"pk": w.document.pk},
    "documents:approval-form": lambda w: {"cadre_id": w.other.pk},
    "documents:approval-form-download": lambda w: {"cadre_id": w.other.pk, "fmt": "lrmx"},
    "documents:approval-forms-zip": lambda w: {"pk": w.zip_job.pk},
    "documents:job": lambda w: {"pk": w.job.pk},
    "documents:lrmx-export": lambda w: {"cadre_id": w.other.pk},
    "documents:lrmx-batch": lambda w: {"pk": w.lrmx_job.pk},
    "documents:lrmx-batch-confirm": lambda w: {"pk": w.lrmx_job.pk},
    "documents:lrmx-batch-report": lambda w: {"pk": w.lrmx_job.pk},
    "documents:notification-read": lambda w: {"pk": w.notification.pk},
    "documents:calendar-delete": lambda w: {"pk": w.calendar_day.pk},
    "assessment:session-detail": lambda w: {"pk": w.session.pk},
    "assessment:session-open": lambda w: {"pk": w.session.pk},
    "assessment:session-close": lambda w: {"pk": w.session.pk},
    "assessment:session-void": lambda w: {"pk": w.session.pk},
    "assessment:codes-issue": lambda w: {"pk": w.session.pk},
    "assessment:code-revoke": lambda w: {"pk": w.session.pk},
    "assessment:codes-void-unused": lambda w: {"pk": w.open_session.pk},
    "assessment:paper-issued": lambda w: {"pk": w.session.pk},
    "assessment:paper-entry": lambda w: {"pk": w.session.pk},
    "assessment:results": lambda w: {"pk": w.closed_session.pk},
    "assessment:results-xlsx": lambda w: {"pk": w.closed_session.pk},
    "assessment:ballot": lambda w: {"public_id": w.open_session.public_id},
    "assessment:resident-detail": lambda w: {"pk": w.resident.pk},
    "unit-detail": lambda w: {"pk": w.unit.pk},
    "post-detail": lambda w: {"pk": w.post.pk},
    "cadre-detail": lambda w: {"pk": w.other.pk},
    "eligibility-post-screen": lambda w: {"pk": w.post.pk},
    "eligibility-waiver-revoke": lambda w: {"pk": w.waiver.pk},
    "rotation-plan-detail": lambda w: {"pk": w.plan.pk},
    "rotation-plan-check": lambda w: {"pk": w.plan.pk},
    "rotation-plan-moves": lambda w: {"pk": w.plan.pk},
    "rotation-plan-suggestions": lambda w: {"pk": w.plan.pk},
    "rotation-plan-submit": lambda w: {"pk": w.plan.pk},
    "rotation-plan-approve": lambda w: {"pk": w.plan.pk},
    "rotation-plan-return": lambda w: {"pk": w.plan.pk},
    "rotation-plan-execute": lambda w: {"pk": w.plan.pk},
    "rotation-suggestion-accept": lambda w: {"pk": w.suggestion.pk},
    "rotation-suggestion-reject": lambda w: {"pk": w.suggestion.pk},
    "rotation-secondment-detail": lambda w: {"pk": w.secondment.pk},
    "ballot-session-detail": lambda w: {"pk": w.closed_session.pk},
    "ballot-session-tally": lambda w: {"pk": w.closed_session.pk},
    "ballot-session-open": lambda w: {"pk": w.session.pk},
    "ballot-session-close": lambda w: {"pk": w.session.pk},
    "ballot-session-void": lambda w: {"pk": w.session.pk},
    "ballot-session-codes": lambda w: {"pk": w.session.pk},
    "ballot-session-revoke": lambda w: {"pk": w.session.pk},
}
_CAMPAIGN = lambda w: {"pk": w.campaign.pk}  # noqa: E731
PARAMS.update({
    **{name: _CAMPAIGN for name in (
        "selection:campaign", "selection:plan-edit", "selection:members-set", "selection:post-add", "selection:judges-set",
        "selection:announcement-generate", "selection:nomination-create", "selection:late-entry-create",
        "selection:review-submit", "selection:review-approve", "selection:review-return", "selection:review-publish",
        "selection:registration-extend", "selection:score-correct", "selection:evaluation-create",
        "selection:written-scores", "selection:inspection-confirm", "selection:meeting", "selection:superior-approval",
        "selection:approval-forms",
        "selection:objection-create", "selection:apply", "selection:eligibility-check", "selection:judge-scores",
        "selection-export:registrations", "selection-export:review", "selection-export:scores", "selection-export:inspection",
        "selection-campaign-detail", "selection-campaign-events", "selection-campaign-posts", "selection-campaign-members",
        "selection-campaign-judges", "selection-campaign-review", "selection-campaign-ranking", "selection-campaign-scores",
        "selection-campaign-objections", "selection-campaign-meeting", "selection-campaign-judge-sheet",
        "selection-campaign-transition", "selection-campaign-withdraw", "selection-campaign-announcement",
        "selection-campaign-nominations", "selection-campaign-late-entries", "selection-campaign-review-submit",
        "selection-campaign-review-approve", "selection-campaign-review-return", "selection-campaign-review-publish",
        "selection-campaign-speech-close", "selection-campaign-written-scores", "selection-campaign-evaluation-session",
        "selection-campaign-inspection-confirm", "selection-campaign-superior-approval", "selection-campaign-publicity",
        "selection-campaign-appointment",
    )},
    "selection:section": lambda w: {"pk": w.campaign.pk, "section": "plan"},
    "selection:transition": lambda w: {"pk": w.campaign.pk, "action": "close_registration"},
    "selection:snapshot-correct": lambda w: {"pk": w.campaign.pk, "app": w.application.pk},
    "selection:document-correct": lambda w: {"pk": w.campaign.pk, "kind": "qualification_notice"},
    "selection:review-waiver": lambda w: {"pk": w.campaign.pk, "app": w.application.pk},
    "selection:post-remove": lambda w: {"pk": w.campaign.pk, "cp": w.campaign_post.pk},
    "selection:post-cancel": lambda w: {"pk": w.campaign.pk, "cp": w.campaign_post.pk},
    "selection:order-draw": lambda w: {"pk": w.campaign.pk, "cp": w.campaign_post.pk},
    "selection:judge-absence": lambda w: {"pk": w.campaign.pk, "judge": w.campaign_judge.pk},
    "selection:review-decide": lambda w: {"pk": w.campaign.pk, "app": w.application.pk},
    "selection:inspection-record": lambda w: {"pk": w.campaign.pk, "app": w.application.pk},
    "selection:deferral-resolve": lambda w: {"pk": w.campaign.pk, "app": w.application.pk},
    "selection:objection-resolve": lambda w: {"pk": w.campaign.pk, "objection": w.objection.pk},
    "selection:my-application": lambda w: {"pk": w.application.pk},
    "selection:my-application-withdraw": lambda w: {"pk": w.application.pk},
    "selection:my-application-respond": lambda w: {"pk": w.application.pk},
    "selection-campaign-export": lambda w: {"pk": w.campaign.pk, "kind": "registrations"},
    "selection-campaign-post-detail": lambda w: {"pk": w.campaign_post.pk},
    "selection-campaign-post-cancel": lambda w: {"pk": w.campaign_post.pk},
    "selection-campaign-post-draw": lambda w: {"pk": w.campaign_post.pk},
    "selection-judge-absence": lambda w: {"pk": w.campaign_judge.pk},
    "selection-judge-score-correct": lambda w: {"pk": w.judge_score.pk},
    "selection-objection-resolve": lambda w: {"pk": w.objection.pk},
    "selection-application-detail": lambda w: {"pk": w.application.pk},
    "selection-application-decide": lambda w: {"pk": w.application.pk},
    "selection-application-inspection": lambda w: {"pk": w.application.pk},
    "selection-application-deferral": lambda w: {"pk": w.application.pk},
    "selection-my-application-detail": lambda w: {"pk": w.application.pk},
    "selection-my-application-submit": lambda w: {"pk": w.application.pk},
    "selection-my-application-withdraw": lambda w: {"pk": w.application.pk},
    "selection-my-application-respond": lambda w: {"pk": w.application.pk},
})

# JSON bodies for API POSTs that validate the body before the role check depends on it
BODY = {
    "selection-campaign-transition": {"action": "close_registration"},
    "selection-campaign-withdraw": {"reason": "矩阵测试"},
}
# Query strings for URLs that validate their parameters before they check the role.
QUERY = {
    "eligibility-explain": lambda w: f"?cadre={w.other.pk}&post={w.post.pk}",
}
# Extra parameters for selection URLs are looked up by parameter name (the selection app is the newest).
SELECTION_PARAM_SOURCES = {
    "pk": "campaign", "campaign_pk": "campaign", "campaign_id": "campaign",
    "post_pk": "campaign_post", "campaign_post_pk": "campaign_post", "campaign_post_id": "campaign_post",
    "application_pk": "application", "application_id": "application",
}


# ------------------------------------------------------------------------------------------ URL discovery
@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]
    admin: bool = False


def _params_of(pattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = re.compile(str(pattern.pattern))
    named = tuple(regex.groupindex)
    return named + tuple(f"_group{i}" for i in range(regex.groups - len(named)))


def walk(resolver=None, namespace=None, inherited=()):
    """Every named URL pattern with its namespaced name and its path parameters."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = namespace
            if item.namespace:
                ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from walk(item, ns, inherited + _params_of(item))
        elif isinstance(item, URLPattern) and item.name:
            name = f"{namespace}:{item.name}" if namespace else item.name
            params = tuple(p for p in inherited + _params_of(item) if p != "format")
            yield Route(name=name, params=params, admin=(namespace or "").split(":")[0] == "admin")


def routes() -> dict[str, Route]:
    found: dict[str, Route] = {}
    for route in walk():
        # DRF's format-suffix variants share the name of the plain route
        if route.name not in found or len(route.params) < len(found[route.name].params):
            found[route.name] = route
    return found


def admin_routes_to_check(all_routes: dict[str, Route]) -> list[str]:
    """The admin index and every changelist/add page (the admin wraps all its views in the same check)."""
    return sorted(n for n, r in all_routes.items() if r.admin and not r.params and not n.endswith("autocomplete")
                  and n not in ("admin:login", "admin:logout", "admin:jsi18n", "admin:password_change",
                                "admin:password_change_done"))


# --------------------------------------------------------------------------------------------- the world
@dataclass
class World:
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # role -> session key


def _user(username, *group_names):
    return F.user(username, *group_names)


def _import_job_with_an_error(staff):
    """A finished dry run of a one-row roster whose 姓名 is empty (preview, confirm and error copy work on it)."""
    wb = Workbook()
    wb.active.append(["姓名", "性别"])
    wb.active.append(["", "男"])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = ImportReport(errors=[RowIssue(row=2, column="姓名", value="", message="姓名不能为空", col=0)], rows=1, dry_run=True)
    job = BackgroundJob(kind="cadre.roster_import", created_by=staff, status="done", params={"mode": "preview", "filename": "名册.xlsx"},
                        result={"preview": report.as_dict()})
    job.input_file.save(f"matrix-{uuid.uuid4().hex}.xlsx", ContentFile(buffer.getvalue()), save=False)
    job.save()
    return job


def _lrmx_batch_previewed(staff):
    """A previewed LRMX batch of no files (an empty zip): its page, report and confirm work on it."""
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    report = {"entries": [], "notes": [], "counts": {"new": 0, "changed": 0, "unchanged": 0, "refused": 0}}
    job = BackgroundJob(kind="documents.lrmx_batch", created_by=staff, status="done",
                        params={"mode": "preview", "filename": "LRMX文件.zip"}, result={"preview": report})
    job.input_file.save(f"matrix-{uuid.uuid4().hex}.zip", ContentFile(buffer.getvalue()), save=False)
    job.save()
    return job


def build_world() -> World:
    w = World()
    w.staff = _user("m_staff", roles.STAFF)
    w.leader = _user("m_leader", roles.LEADER)
    w.judge = _user("m_judge", roles.JUDGE)
    w.observer = _user("m_observer", roles.OBSERVER)
    w.candidate = _user("m_candidate", roles.CANDIDATE)
    w.users = {STAFF: w.staff, LEADER: w.leader, JUDGE: w.judge, OBSERVER: w.observer, CANDIDATE: w.candidate}

    w.unit = OrgUnitFactory(name="财政局")
    w.post = PostFactory(unit=w.unit, title="副局长", level="副科级", headcount=2, is_open_for_competition=True)
    w.own = CadreFactory(user=w.candidate, name="候选人", unit=w.unit)
    w.other = CadreFactory(name="另一人", unit=w.unit)
    w.other.photo.save("matrix.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)

    w.job = BackgroundJob.objects.create(kind="documents.approval_forms", created_by=w.staff, status="done")
    w.zip_job = BackgroundJob.objects.create(kind="documents.approval_forms_zip", created_by=w.staff, status="running",
                                             params={"cadre_ids": [w.other.pk], "format": "docx"})
    w.import_job = _import_job_with_an_error(w.staff)
    w.lrmx_job = _lrmx_batch_previewed(w.staff)
    w.waiver = EligibilityWaiver.objects.create(cadre=w.other, post=w.post, rule="age", reason="工作需要",
                                                approved_by=w.leader, approved_on=dt.date(2026, 1, 5))
    w.rule_set = EligibilityRuleSet.objects.create(level="副科", params={}, note="矩阵测试")
    w.manual_check = EligibilityManualCheck.objects.create(cadre=w.other, passed=True, reason="矩阵测试", recorded_by=w.staff,
                                                           recorded_on=dt.date(2026, 1, 5))
    w.family_link = FamilyLinkProposal.objects.create(cadre=w.own, member_name="另一人", candidate=w.other, basis="矩阵测试")

    policy = RotationPolicy.objects.filter(is_default=True).first() or RotationPolicy.objects.create(name="默认口径", is_default=True)
    w.plan = RotationPlan.objects.create(name="2026年轮岗方案", policy=policy, as_of=dt.date(2026, 3, 1), created_by=w.staff)
    w.move = RotationMove.objects.create(plan=w.plan, cadre=w.other, to_post=w.post, kind="轮岗")
    w.suggestion = RotationSuggestion.objects.create(plan=w.plan, cadre=w.own, to_post=w.post, kind="轮岗")
    w.secondment = Secondment.objects.create(cadre=w.other, host_unit=w.unit, host_title="挂职副镇长",
                                             start=dt.date(2025, 3, 1), planned_end=dt.date(2027, 2, 28), created_by=w.staff)

    series = DocumentSeries.objects.create(kind="approval_form", subject_key=f"cadre:{w.other.pk}")
    w.document = GeneratedDocument(series=series, kind="approval_form", subject_key=f"cadre:{w.other.pk}",
                                   cadre=w.other, title="另一人的任免审批表（矩阵）", version=1, content_hash="0" * 64,
                                   template_version="1", created_by=w.staff)
    w.document.file.save(f"matrix-{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    w.document.save()
    w.notification = Notification.objects.create(user=w.staff, source="test", dedup_key="matrix", title="提醒")
    w.calendar_day = CalendarDay.objects.create(date=dt.date(2030, 1, 2), is_working_day=False, name="测试假日")

    groups = [{"name": "中层干部", "weight": 100}]
    w.session = ballots.ballot_session_create(actor=w.staff, title="草稿测评", option_set="评价", targets=[w.other], groups=groups)
    w.open_session = ballots.ballot_session_create(actor=w.staff, title="进行中测评", option_set="评价", targets=[w.other], groups=groups)
    ballots.session_open(actor=w.staff, session=w.open_session)
    w.codes = ballots.codes_issue(actor=w.staff, session=w.open_session, group=w.open_session.groups.get(), count=20)
    w.closed_session = ballots.ballot_session_create(actor=w.staff, title="已结束测评", option_set="评价", targets=[w.other], groups=groups)
    ballots.session_open(actor=w.staff, session=w.closed_session)
    ballots.session_close(actor=w.staff, session=w.closed_session)
    w.resident = ResidentEvaluation.objects.create(title="群众评价", subject_name="东林镇", population=["甲", "乙"],
                                                   population_hash="0" * 64, sample_size=1, seed=1, sample=["甲"], created_by=w.staff)
    _selection_world(w)
    _sign_in(w)
    return w


def _selection_world(w: World) -> None:
    """A campaign in 公开报名 (window open today) with the judge assigned and the candidate's draft application on
    its post, an objection; a campaign the judge is not on; and one in 演讲 holding a score by another judge."""
    today = dt.date.today()
    w.campaign = F.CampaignFactory(stage=Stage.REGISTRATION, title="2026年竞争上岗", as_of=dt.date(2026, 3, 1), posts=1,
                                   judges=0, registration_start=today - dt.timedelta(days=1),
                                   registration_end=today + dt.timedelta(days=10))
    (w.campaign_post,) = w.campaign.world.posts
    w.campaign_judge = F.CampaignJudgeFactory(campaign=w.campaign, user=w.judge, name="张评委")
    w.application = F.application(w.campaign_post, w.own, status=AppStatus.DRAFT)
    w.objection = Objection.objects.create(application=w.application, received_on=dt.date(2026, 4, 1), channel="来信",
                                           content="反映情况", created_by=w.staff)
    w.other_campaign = F.BareCampaignFactory(title="另一竞争上岗", stage=Stage.PREPARATION, as_of=dt.date(2026, 3, 1))
    # scores exist only from the 演讲 stage on; its judge is another account (the matrix judge is not assigned)
    scored = F.CampaignFactory(stage=Stage.SPEECH, title="演讲阶段的竞争上岗", as_of=dt.date(2026, 3, 1), posts=1, judges=1)
    scored.world.draw()
    scored_app = scored.world.all_apps[0]
    scored.world.score({scored_app: ["85.0"]})
    w.judge_score = JudgeScore.objects.get(application=scored_app)


def _kwargs(name: str, route: Route, w: World) -> dict:
    if not route.params:
        return {}
    if name in PARAMS:
        return PARAMS[name](w)
    if name.startswith("selection:") or name.split("-")[0] in ("campaign", "application", "selection"):
        values = {}
        for p in route.params:
            source = SELECTION_PARAM_SOURCES.get(p)
            if source is None:
                return {}
            values[p] = getattr(w, source).pk
        return values
    return {}


# ------------------------------------------------------------------------------------------------ requests
def _client(role: str, w: World) -> Client:
    """A client of the role, signed in with the session made once with the world (rolled back with each test)."""
    c = Client()
    if role in w.sessions:
        c.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    return c


def _sign_in(w: World) -> None:
    """One session per role, made with the world (a test's own writes to it are rolled back with the test)."""
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value


def _request(client: Client, role: str, name: str, url: str, w: World):
    """GET, or POST where the view takes POST only. The evaluator sends its one-time code."""
    if role == EVALUATOR and name == "assessment:ballot":
        return client.post(url, {"step": "code", "code": w.codes.pop()})
    if role == EVALUATOR and name == "ballot-submit":
        target = w.open_session.targets.get()
        return client.post(url, {"session": str(w.open_session.public_id), "code": w.codes.pop(),
                                 "marks": {str(target.pk): {"choice": "好", "reason": ""}}}, content_type="application/json")
    response = client.get(url)
    if response.status_code == 405:
        if name in BODY:
            response = client.post(url, BODY[name], content_type="application/json")
        else:
            response = client.post(url, {}, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "text/html")
    if response.status_code == 405 and url.startswith("/api/"):
        response = client.patch(url, {}, content_type="application/json")
    if response.status_code == 405 and url.startswith("/api/"):
        response = client.delete(url)
    return response


def verdict(response, role: str) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403):
        return "refused"
    if status == 404 and role not in (ANON, EVALUATOR):
        return "refused"
    location = response.get("Location", "")
    if status in (301, 302) and "/accounts/login/" in location and role in (ANON, EVALUATOR):
        return "refused"
    if status in (301, 302) and "/admin/login/" in location:
        return "refused"
    if status == 405:
        return "error"
    return "allowed"


# -------------------------------------------------------------------------------------------------- tests
ALL_ROUTES = routes()
CHECKED = sorted(n for n, r in ALL_ROUTES.items() if not r.admin) + admin_routes_to_check(ALL_ROUTES)


def test_every_url_has_a_rule():
    names = {n for n, r in ALL_ROUTES.items() if not r.admin}
    unmapped = sorted(names - RULES.keys())
    stale = sorted(RULES.keys() - names)
    assert not unmapped, "new view without a rule in tests/test_role_matrix.py RULES: " + ", ".join(unmapped)
    assert not stale, "rules for URL names that no longer exist: " + ", ".join(stale)


def test_every_parametrized_url_has_fixture_parameters():
    missing = []
    for name, route in ALL_ROUTES.items():
        if route.admin or not route.params:
            continue
        if name not in PARAMS and not (name.startswith("selection:") or name.split("-")[0] in ("campaign", "application", "selection")):
            missing.append(name)
    assert not missing, "no fixture parameters in PARAMS for: " + ", ".join(sorted(missing))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world is built once for the module, inside a transaction rolled back at its end. Each test runs in a
    savepoint of it (pytest-django's ``db``), so what one test writes is gone before the next one starts."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHECKED)
def test_role_matrix(name, world):
    route = ALL_ROUTES[name]
    expected = ADMIN_RULE if route.admin else RULES.get(name)
    if expected is None:
        pytest.fail(f"new view without a rule: {name} (add it to RULES in tests/test_role_matrix.py)")
    w = world
    kwargs = _kwargs(name, route, w)
    if route.params and not kwargs:
        pytest.fail(f"{name}: cannot fill the path parameters {route.params} from the fixtures (add it to PARAMS)")
    url = reverse(name, kwargs=kwargs) + (QUERY[name](w) if name in QUERY else "")
    wrong = []
    for role in ROLES:
        response = _request(_client(role, w), role, name, url, w)
        got = verdict(response, role)
        want = "allowed" if role in expected else "refused"
        if got != want:
            wrong.append(f"{role}: expected {want}, got {got} (HTTP {response.status_code} {response.get('Location', '')})")
    assert not wrong, f"{name} {url}\n  " + "\n  ".join(wrong)


# ---------------------------------------------------------------------------------------- object level
@pytest.mark.django_db
def test_candidate_reads_only_own_record(world):
    w = world
    c = _client(CANDIDATE, w)
    assert c.get(reverse("cadre:cadre-detail", args=[w.own.pk])).status_code == 200
    assert c.get(reverse("cadre:cadre-detail", args=[w.other.pk])).status_code in (403, 404)
    me = c.get(reverse("cadre-me"))
    assert me.status_code == 200 and me.json()["id"] == w.own.pk
    assert c.get(reverse("cadre-detail", args=[w.other.pk])).status_code in (403, 404)
    # documents: another person's 任免审批表 is neither listed nor downloadable
    assert w.document.title not in c.get(reverse("documents:list")).content.decode()
    assert c.get(reverse("documents:download", args=[w.document.pk])).status_code in (403, 404)


@pytest.mark.django_db
def test_candidate_api_list_holds_only_own_record(world):
    w = world
    rows = _client(CANDIDATE, w).get(reverse("cadre-list")).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [r["id"] for r in rows] == [w.own.pk]


@pytest.mark.django_db
def test_marking_someone_elses_notification_read_changes_nothing(world):
    w = world
    _client(CANDIDATE, w).post(reverse("documents:notification-read", args=[w.notification.pk]))
    w.notification.refresh_from_db()
    assert w.notification.is_read is False
    _client(STAFF, w).post(reverse("documents:notification-read", args=[w.notification.pk]))
    w.notification.refresh_from_db()
    assert w.notification.is_read is True


@pytest.mark.django_db
def test_candidate_sees_only_own_applications(world):
    w = world
    stranger = CadreFactory(name="其他报名人")
    Application.objects.create(campaign=w.campaign, campaign_post=w.campaign_post, cadre=stranger)
    page = _client(CANDIDATE, w).get(reverse("selection:my-applications"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "其他报名人" not in body


@pytest.mark.django_db
def test_judge_sees_only_assigned_campaigns(world):
    w = world
    page = _client(JUDGE, w).get(reverse("selection:judge-home"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "另一竞争上岗" not in body
    c = _client(JUDGE, w)
    listed = json.dumps(c.get(reverse("selection-judge-campaigns")).json(), ensure_ascii=False)
    assert "2026年竞争上岗" in listed and "另一竞争上岗" not in listed
    assert c.get(reverse("selection:judge-scores", args=[w.campaign.pk])).status_code == 200
    assert c.get(reverse("selection:judge-scores", args=[w.other_campaign.pk])).status_code in (403, 404)
    assert c.get(reverse("selection-campaign-judge-sheet", args=[w.other_campaign.pk])).status_code in (403, 404)
