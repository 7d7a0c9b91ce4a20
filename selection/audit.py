"""The selection app's audit actions: the stored value (unchanged from the plain strings used before) and the
Chinese label the audit viewer shows. Registered in ``SelectionConfig.ready()``."""
from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # stage moves: one per action of workflow.TRANSITIONS, labelled as the table labels the move
    SUBMIT_PLAN = "selection.submit_plan", "提交方案报批"
    APPROVE_PLAN = "selection.approve_plan", "批准方案"
    RETURN_PLAN = "selection.return_plan", "退回方案"
    WITHDRAW_PLAN = "selection.withdraw_plan", "撤回报批"
    WITHDRAW_POSTING = "selection.withdraw_posting", "撤回至方案报批"
    PUBLISH_POSTS = "selection.publish_posts", "发布职位公告、开始报名"
    WITHDRAW_REGISTRATION = "selection.withdraw_registration", "撤回职位公告"
    CLOSE_REGISTRATION = "selection.close_registration", "报名截止"
    EXTEND_REGISTRATION = "selection.extend_registration", "延长报名"
    START_SPEECH = "selection.start_speech", "资格审查结束，进入演讲"
    WITHDRAW_SPEECH = "selection.withdraw_speech", "撤回至资格审查"
    CLOSE_SPEECH = "selection.close_speech", "演讲评分结束"
    WITHDRAW_EVALUATION = "selection.withdraw_evaluation", "撤回至演讲"
    CLOSE_EVALUATION = "selection.close_evaluation", "民主测评结束，进入考察"
    WITHDRAW_INSPECTION = "selection.withdraw_inspection", "撤回至民主测评"
    FINISH_INSPECTION = "selection.finish_inspection", "考察结束，提交讨论决定"
    WITHDRAW_DECISION = "selection.withdraw_decision", "撤回至组织考察"
    START_PUBLICITY = "selection.start_publicity", "开始任前公示"
    WITHDRAW_PUBLICITY = "selection.withdraw_publicity", "撤回至讨论决定"
    END_PUBLICITY = "selection.end_publicity", "任前公示期满"
    APPOINT = "selection.appoint", "办理任职"
    CANCEL = "selection.cancel", "终止竞争上岗工作"
    # the plan (准备动员)
    CAMPAIGN_CREATE = "selection.campaign.create", "起草竞争上岗方案"
    CAMPAIGN_UPDATE = "selection.campaign.update", "修改竞争上岗方案"
    MEMBERS_SET = "selection.members.set", "设置领导小组和工作班子"
    POST_ADD = "selection.post.add", "列入竞争职位"
    POST_REMOVE = "selection.post.remove", "移出竞争职位"
    JUDGES_SET = "selection.judges.set", "确定评委"
    # 公布职位, 报名
    ANNOUNCEMENT_GENERATE = "selection.announcement.generate", "生成职位公告"
    APPLICATION_SAVE = "selection.application.save", "保存报名草稿"
    APPLICATION_SUBMIT = "selection.application.submit", "提交报名"
    SNAPSHOT_CORRECT = "selection.application.snapshot_correct", "更正报名档案快照"
    DOCUMENT_CORRECT = "selection.document.correct", "更正已印发文书"
    APPLICATION_WITHDRAW = "selection.application.withdraw", "撤回报名"
    APPLICATION_LATE_ENTRY = "selection.application.late_entry", "补报"
    NOMINATION_CREATE = "selection.nomination.create", "登记举荐（推荐）"
    NOMINATION_RESPOND = "selection.nomination.respond", "被举荐人确认"
    REGISTRATION_SCREEN = "selection.registration.screen", "报名截止资格预审"
    REGISTRATION_EXTEND = "selection.registration.extend", "延长报名截止日期"
    # 资格审查
    REVIEW_DECIDE = "selection.review.decide", "作出资格审查结论"
    REVIEW_SUBMIT = "selection.review.submit", "资格审查名单报党委审定"
    REVIEW_APPROVE = "selection.review.approve", "审定资格审查名单"
    REVIEW_RETURN = "selection.review.return", "退回资格审查名单"
    REVIEW_PUBLISH = "selection.review.publish", "张榜公布资格审查结果"
    POST_CANCEL = "selection.post.cancel", "取消竞争职位"
    # 演讲, 民主测评, 组织考察
    SPEAKING_ORDER_DRAW = "selection.speaking_order.draw", "抽签确定演讲顺序"
    JUDGE_ABSENCE = "selection.judge.absence", "登记评委缺席"
    SCORES_SUBMIT = "selection.scores.submit", "提交演讲评分"
    SCORE_CORRECT = "selection.score.correct", "更正演讲评分"
    WRITTEN_SCORES_SET = "selection.written_scores.set", "录入笔试成绩"
    EVALUATION_SESSION_CREATE = "selection.evaluation_session.create", "建立民主测评场次"
    INSPECTION_PROPOSE = "selection.inspection.propose", "提出建议考察对象"
    INSPECTION_CONFIRM = "selection.inspection.confirm", "确定考察对象"
    INSPECTION_RECORD = "selection.inspection.record", "登记考察情况"
    # 讨论决定, 任前公示, 任职
    MEETING_RECORD = "selection.meeting.record", "登记党委会讨论决定"
    APPROVAL_FORMS = "selection.documents.approval_forms", "生成干部任免审批表（竞争上岗）"
    DEFERRAL_RESOLVE = "selection.deferral.resolve", "处理缓议人选"
    SUPERIOR_APPROVAL_RECORD = "selection.superior_approval.record", "登记上级审批结果"
    PUBLICITY_PERIOD = "selection.publicity.period", "确定任前公示期"
    OBJECTION_RECORD = "selection.objection.record", "登记公示反映"
    OBJECTION_RESOLVE = "selection.objection.resolve", "公示反映核查结论"
    APPOINTMENT_EXECUTE = "selection.appointment.execute", "办理任职（写入干部档案）"
    # exports (selection.exports.KINDS): personal data leaving the system
    EXPORT_REGISTRATIONS = "selection.export.registrations", "导出报名汇总表"
    EXPORT_REVIEW = "selection.export.review", "导出资格审查名单"
    EXPORT_SCORES = "selection.export.scores", "导出成绩汇总表"
    EXPORT_INSPECTION = "selection.export.inspection", "导出考察对象名单"


# the member of each stage move (workflow action) and of each export (exports.KINDS key)
TRANSITION_ACTIONS: dict[str, AuditAction] = {
    member.value.removeprefix("selection."): member
    for member in AuditAction
    if "." not in member.value.removeprefix("selection.")
}
EXPORT_ACTIONS: dict[str, AuditAction] = {
    "registrations": AuditAction.EXPORT_REGISTRATIONS,
    "review": AuditAction.EXPORT_REVIEW,
    "scores": AuditAction.EXPORT_SCORES,
    "inspection": AuditAction.EXPORT_INSPECTION,
}
