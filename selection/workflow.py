"""竞争上岗 stages and the one transition table (selection.md).

Pure: no ORM. Each ``Transition`` carries everything about a stage move: the stage it leaves and the one it
enters, who may take it (a role code: ``staff``, ``leader`` or ``system`` for Celery beat), its kind (forward,
return, withdraw, cancel), whether the gate of the stage being left is checked, the extra inputs it takes
(``Input``) and whether a reason is required. ``transition_errors()`` answers the role/stage/reason half in
Chinese; the guards that read the campaign's records (every application decided, all scores in, quorum met …)
live in ``gates.py``; ``services.campaign_transition`` is the one entry that runs a move by this table.
"""
from __future__ import annotations

from django.db import models

from core import roles
from core.workflow import (  # noqa: F401 (the shared shape, re-exported for this table's callers)
    CANCEL, FORWARD, INPUT_KINDS, KINDS, RETURN, WITHDRAW, Input, Transition, TransitionTable,
)


class Stage(models.TextChoices):
    PREPARATION = "preparation", "准备动员"
    PLAN_APPROVAL = "plan_approval", "方案报批"
    POSTING = "posting", "公布职位"
    REGISTRATION = "registration", "公开报名"
    REVIEW = "review", "资格审查"
    SPEECH = "speech", "演讲"
    EVALUATION = "evaluation", "民主测评"
    INSPECTION = "inspection", "组织考察"
    DECISION = "decision", "讨论决定"
    PUBLICITY = "publicity", "任前公示"
    APPOINTMENT = "appointment", "任职"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已终止"


ORDER = [
    Stage.PREPARATION, Stage.PLAN_APPROVAL, Stage.POSTING, Stage.REGISTRATION, Stage.REVIEW, Stage.SPEECH,
    Stage.EVALUATION, Stage.INSPECTION, Stage.DECISION, Stage.PUBLICITY, Stage.APPOINTMENT,
]
TERMINAL = {Stage.COMPLETED, Stage.CANCELLED}


def stage_number(stage: str) -> int:
    """1–11 for the working stages, 12 for 已完成, 0 for 已终止."""
    if stage == Stage.COMPLETED:
        return 12
    if stage == Stage.CANCELLED:
        return 0
    return ORDER.index(Stage(stage)) + 1


STAFF, LEADER, SYSTEM = "staff", "leader", "system"
ROLE_LABELS = {STAFF: "组织部工作人员", LEADER: "领导小组成员", SYSTEM: "系统（定时任务）"}


def _forward(action, label, source, target, roles, *, inputs=()) -> Transition:
    """A forward move: gated by the stage it leaves (gates.py), no reason needed."""
    return Transition(action, label, source, target, roles, kind=FORWARD, gated=True, inputs=inputs)


def _back(action, label, source, target, roles, *, kind=WITHDRAW, inputs=()) -> Transition:
    """A return, 撤回 or cancel: never gated, a reason always required."""
    return Transition(action, label, source, target, roles, kind=kind, gated=False, inputs=inputs, reason_required=True)


PLAN_DOCUMENT_NO = Input("document_no", "方案批准文号", "text", True, "上级或党委批准竞争上岗工作方案的文号", max_length=60)
PUBLICITY_START = Input(
    "start_date", "公示开始日期", "date", False,
    "不填则从下一个工作日开始；公示期按工作日计算（法定节假日和调休按官方日历）",
)
SPEECH_DATE = Input("speech_date", "演讲日期", "date", False, "演讲和评委评分的日期；不填则为今天")
APPOINTED_ON = Input("appointed_on", "任职日期", "date", True, "应在任前公示期满之后")
APPOINTMENT_DOCUMENT_NO = Input("document_no", "聘任文件文号", "text", True, max_length=60)
NEW_REGISTRATION_END = Input("new_end", "新的报名截止日期", "date", True, "不能早于今天")

S = Stage
TRANSITIONS: tuple[Transition, ...] = (
    # forward, each gated by the stage it leaves
    _forward("submit_plan", "提交方案报批", S.PREPARATION, S.PLAN_APPROVAL, (STAFF,)),
    _forward("approve_plan", "批准方案", S.PLAN_APPROVAL, S.POSTING, (LEADER,), inputs=(PLAN_DOCUMENT_NO,)),
    _forward("publish_posts", "发布职位公告、开始报名", S.POSTING, S.REGISTRATION, (STAFF,)),
    _forward("close_registration", "报名截止", S.REGISTRATION, S.REVIEW, (SYSTEM, STAFF)),
    _forward("start_speech", "资格审查结束，进入演讲", S.REVIEW, S.SPEECH, (STAFF,), inputs=(SPEECH_DATE,)),
    _forward("close_speech", "演讲评分结束", S.SPEECH, S.EVALUATION, (STAFF,)),
    _forward("close_evaluation", "民主测评结束，进入考察", S.EVALUATION, S.INSPECTION, (STAFF,)),
    _forward("finish_inspection", "考察结束，提交讨论决定", S.INSPECTION, S.DECISION, (STAFF,)),
    _forward("start_publicity", "开始任前公示", S.DECISION, S.PUBLICITY, (STAFF,), inputs=(PUBLICITY_START,)),
    _forward("end_publicity", "任前公示期满", S.PUBLICITY, S.APPOINTMENT, (SYSTEM, STAFF)),
    _forward("appoint", "办理任职", S.APPOINTMENT, S.COMPLETED, (STAFF,), inputs=(APPOINTED_ON, APPOINTMENT_DOCUMENT_NO)),
    # a return by the leaders, and 撤回 by the staff (or leaders): one stage back, reason required
    _back("return_plan", "退回方案", S.PLAN_APPROVAL, S.PREPARATION, (LEADER,), kind=RETURN),
    _back("withdraw_plan", "撤回报批", S.PLAN_APPROVAL, S.PREPARATION, (STAFF,)),
    _back("withdraw_posting", "撤回至方案报批", S.POSTING, S.PLAN_APPROVAL, (LEADER,)),
    _back("withdraw_registration", "撤回职位公告", S.REGISTRATION, S.POSTING, (STAFF,)),
    _back("extend_registration", "延长报名", S.REVIEW, S.REGISTRATION, (STAFF,), inputs=(NEW_REGISTRATION_END,)),
    _back("withdraw_speech", "撤回至资格审查", S.SPEECH, S.REVIEW, (STAFF,)),
    _back("withdraw_evaluation", "撤回至演讲", S.EVALUATION, S.SPEECH, (STAFF,)),
    _back("withdraw_inspection", "撤回至民主测评", S.INSPECTION, S.EVALUATION, (STAFF,)),
    _back("withdraw_decision", "撤回至组织考察", S.DECISION, S.INSPECTION, (STAFF,)),
    _back("withdraw_publicity", "撤回至讨论决定", S.PUBLICITY, S.DECISION, (STAFF,)),
) + tuple(
    _back("cancel", "终止本次工作", stage, S.CANCELLED, (LEADER,), kind=CANCEL) for stage in ORDER
)

TABLE = TransitionTable(TRANSITIONS)
ACTIONS = sorted(TABLE.actions)
transition_for = TABLE.get
available = TABLE.available


def role_codes(user) -> set[str]:
    """The workflow roles a user holds (a superuser counts as staff through core.roles)."""
    if user == SYSTEM:
        return {SYSTEM}
    names = roles.role_names(user)
    out = set()
    if roles.STAFF in names:
        out.add(STAFF)
    if roles.LEADER in names:
        out.add(LEADER)
    return out


def transition_errors(user, action: str, stage: str, *, reason: str = "") -> list[str]:
    """Why `user` may not take `action` from `stage` (empty list: allowed as far as stage and role go)."""
    t = transition_for(action, stage)
    if t is None:
        known = TABLE.of_action(action)
        if not known:
            return [f"未知的操作“{action}”。"]
        label = known[0].label
        sources = "、".join(Stage(x.source).label for x in known)
        return [f"当前处于“{Stage(stage).label}”阶段，不能执行“{label}”（只能在“{sources}”阶段执行）。"]
    errors = []
    if not (role_codes(user) & set(t.roles)):
        who = "或".join(ROLE_LABELS[r] for r in t.roles if r != SYSTEM) or ROLE_LABELS[SYSTEM]
        errors.append(f"“{t.label}”只能由{who}执行。")
    if t.reason_required and not (reason or "").strip():
        errors.append(f"“{t.label}”须填写理由。")
    return errors


def can(user, action: str, stage: str) -> bool:
    """May ``user`` take ``action`` from ``stage`` (role and stage only; the reason and the gate aside)?"""
    return not transition_errors(user, action, stage, reason="x")


# Work inside a stage (not transitions): which stage each piece of work belongs to, and who does it.
STAGE_WORK = {
    "edit_plan": ({S.PREPARATION}, (STAFF,)),
    "generate_announcement": ({S.POSTING}, (STAFF,)),
    "apply": ({S.REGISTRATION}, ()),  # candidates themselves; window checked by the service
    "nominate": ({S.REGISTRATION}, (STAFF,)),
    "late_entry": ({S.REVIEW}, (STAFF,)),
    "review_decide": ({S.REVIEW}, (STAFF,)),
    "review_submit": ({S.REVIEW}, (STAFF,)),
    "review_approve": ({S.REVIEW}, (LEADER,)),
    "review_publish": ({S.REVIEW}, (STAFF,)),
    "post_cancel": ({S.REVIEW}, (STAFF,)),
    "draw_order": ({S.SPEECH}, (STAFF,)),
    "judge_absence": ({S.SPEECH}, (STAFF,)),
    "score": ({S.SPEECH}, ()),  # assigned judges
    "score_correct": ({S.EVALUATION, S.INSPECTION, S.DECISION}, (STAFF,)),
    "evaluation_session": ({S.EVALUATION}, (STAFF,)),
    "inspection_confirm": ({S.INSPECTION}, (LEADER,)),
    "inspection_record": ({S.INSPECTION}, (STAFF,)),
    "meeting_record": ({S.DECISION}, (LEADER,)),
    "superior_approval": ({S.DECISION}, (STAFF,)),
    "objection": ({S.PUBLICITY, S.APPOINTMENT}, (STAFF,)),
}


def work_errors(user, work: str, stage: str) -> list[str]:
    stages, who = STAGE_WORK[work]
    errors = []
    if stage not in stages:
        names = "、".join(Stage(s).label for s in ORDER + [S.COMPLETED] if s in stages)
        errors.append(f"当前处于“{Stage(stage).label}”阶段，此项工作只能在“{names}”阶段进行。")
    if who and not (role_codes(user) & set(who)):
        errors.append("只有" + "或".join(ROLE_LABELS[r] for r in who) + "可以进行此项工作。")
    return errors


def can_work(user, work: str, campaign) -> bool:
    return not work_errors(user, work, campaign.stage)
