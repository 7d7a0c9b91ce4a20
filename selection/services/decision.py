"""讨论决定 → 任前公示 (selection.md "讨论决定", "任前公示"): the 党委会 record (quorum of 应到, every present member
votes on every candidate, passed when 同意 > half of 应到), 缓议 handling, the superior approval, 任前公示 over
working days with objections, and its automatic end.

Every service: keyword-only, an ``actor``, one transaction with the campaign row locked, an audit row;
documents are rendered by Celery tasks queued after commit (``base.document_issue_on_commit``).
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError
from documents.models import DocumentKind
from documents.workdays import add_working_days, working_day_period

from .. import gates, rules
from ..audit import AuditAction
from ..models import (
    Application,
    Campaign,
    DeferAction,
    InspectionConclusion,
    Meeting,
    MeetingMember,
    MeetingResult,
    MeetingVote,
    Objection,
    ObjectionStatus,
    VoteChoice,
)
from ..workflow import Stage
from .base import (
    SYSTEM,
    actor_user,
    app_label,
    campaign_withdraw,
    document_issue_on_commit,
    lock,
    require_staff,
    require_work,
    today,
    transition,
)

log = logging.getLogger(__name__)


# ------------------------------------------------------------------ 讨论决定 (党委会)


def meeting_candidates(campaign: Campaign):
    """Who the next 党委会 votes on: 考察对象 recommended for appointment (建议任用) without a result yet —
    including those sent back to 考察 after a 缓议 (their result was cleared)."""
    return (
        gates.qualified(campaign)
        .filter(is_inspection_target=True, inspection_conclusion=InspectionConclusion.RECOMMEND, meeting_result="",
                ended_reason="")
        .select_related("cadre", "campaign_post__post__unit")
        .order_by("campaign_post__order", "campaign_post_id", "rank", "id")
    )


def _clean_members(members: list[dict]) -> list[dict]:
    rows, seen = [], set()
    for i, m in enumerate(members or [], 1):
        name = (m.get("name") or "").strip()
        if not name:
            raise ApplicationError(f"第{i}位应到会成员：请填写姓名。", field="members")
        if len(name) > 30:
            raise ApplicationError(f"应到会成员姓名“{name}”过长（最多 30 字）。", field="members")
        if name in seen:
            raise ApplicationError(f"应到会成员“{name}”重复。", field="members")
        seen.add(name)
        user = m.get("user")
        user_id = getattr(user, "pk", user) or None
        rows.append({"name": name, "present": bool(m.get("present")), "user_id": user_id, "order": i})
    if not rows:
        raise ApplicationError("请列出应到会成员。", field="members")
    return rows


def meeting_record(
    *, actor, campaign: Campaign, held_on: dt.date, members: list[dict], votes: dict, title: str = "", note: str = ""
) -> Meeting:
    """Record a 党委会 (leader, 讨论决定 stage).

    ``members``: every member who should attend (应到), dicts {"name", "present", "user"?} (a user or its id). ``votes``:
    {application id: {member name: 同意/不同意/缓议}}; every present member votes on every candidate
    (``meeting_candidates``), absent members cannot vote. A candidate passes when 同意 > half of 应到.

    Without a quorum (present < 2/3 of 应到, configurable) the meeting is stored with ``quorum_met`` False, no
    vote is stored and no result applied; the returned meeting then carries ``messages`` saying so.
    """
    if not held_on:
        raise ApplicationError("请填写会议日期。", field="held_on")
    if held_on > today():
        raise ApplicationError("会议日期不能晚于今天。", field="held_on")
    rows = _clean_members(members)
    title = (title or "").strip()[:100] or "党工委会议"
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "meeting_record")
        expected = len(rows)
        present_names = [r["name"] for r in rows if r["present"]]
        quorum = rules.quorum_met(len(present_names), expected, num=locked.meeting_quorum_num,
                                  den=locked.meeting_quorum_den)
        candidates = list(meeting_candidates(locked))
        if not candidates:
            raise ApplicationError("没有待党委会表决的人选（考察结论为建议任用且尚未表决）。")
        tallies: dict[int, dict[str, int]] = {}
        clean_votes: dict[int, dict[str, str]] = {}
        if quorum:
            clean_votes, tallies = _check_votes(candidates, votes or {}, rows)
        meeting = Meeting.objects.create(
            campaign=locked, held_on=held_on, title=title, recorded_by=actor_user(actor), quorum_met=quorum, note=note,
        )
        member_rows = MeetingMember.objects.bulk_create(
            MeetingMember(meeting=meeting, name=r["name"], present=r["present"], user_id=r["user_id"], order=r["order"])
            for r in rows
        )
        messages = []
        if not quorum:
            messages.append(
                f"应到 {expected} 人，实到 {len(present_names)} 人，未达到应到人数的"
                f"{_fraction_text(locked.meeting_quorum_num, locked.meeting_quorum_den)}，会议不能作出决定，"
                "表决未生效；请另行召开会议。"
            )
        else:
            by_name = {m.name: m for m in member_rows}
            MeetingVote.objects.bulk_create(
                MeetingVote(meeting=meeting, member=by_name[name], application_id=app_id, choice=choice)
                for app_id, ballot in clean_votes.items()
                for name, choice in ballot.items()
            )
            for app in candidates:
                t = tallies[app.pk]
                app.meeting_result = rules.vote_result(t[VoteChoice.AGREE], t[VoteChoice.DISAGREE], t[VoteChoice.DEFER],
                                                       expected=expected)
                app.defer_action = ""
                app.defer_reason = ""
                app._history_user = actor_user(actor)
                app.save(update_fields=["meeting_result", "defer_action", "defer_reason", "updated_at"])
                messages.append(
                    f"{app_label(app)}：同意 {t[VoteChoice.AGREE]} 票、不同意 {t[VoteChoice.DISAGREE]} 票、"
                    f"缓议 {t[VoteChoice.DEFER]} 票，{app.meeting_result}"
                )
        audit(
            actor=actor, action=AuditAction.MEETING_RECORD, obj=locked,
            summary=f"{held_on:%Y.%m.%d} {title}：应到 {expected} 人，实到 {len(present_names)} 人。" + "；".join(messages),
            data={"meeting": meeting.pk, "expected": expected, "present": present_names, "quorum_met": quorum,
                  "results": {str(a.pk): a.meeting_result for a in candidates} if quorum else {}},
        )
    meeting.messages = messages
    return meeting


def _fraction_text(num: int, den: int) -> str:
    if (num, den) == (2, 3):
        return "三分之二"
    if (num, den) == (1, 2):
        return "二分之一"
    return f"{num}/{den}"


def _check_votes(candidates: list[Application], votes: dict, rows: list[dict]):
    """Every present member votes on every candidate; absent or unknown members cannot vote."""
    present = [r["name"] for r in rows if r["present"]]
    absent = {r["name"] for r in rows if not r["present"]}
    try:
        by_id = {int(k): v for k, v in votes.items()}
    except (TypeError, ValueError):
        raise ApplicationError("表决对象编号无效。", field="votes") from None
    known = {a.pk: a for a in candidates}
    errors = []
    for pk in sorted(set(by_id) - set(known)):
        errors.append(f"报名记录 {pk} 不是本次会议的表决对象")
    clean, tallies = {}, {}
    for app in candidates:
        ballot = by_id.get(app.pk) or {}
        ballot = {str(k).strip(): (v or "").strip() for k, v in ballot.items()}
        for name in sorted(set(ballot) & absent):
            errors.append(f"{app_label(app)}：{name}未到会，不能表决")
        for name in sorted(set(ballot) - absent - set(present)):
            errors.append(f"{app_label(app)}：“{name}”不是应到会成员")
        missing = [n for n in present if n not in ballot]
        if missing:
            errors.append(f"{app_label(app)}：{'、'.join(missing)}尚未表决")
        for name in present:
            choice = ballot.get(name)
            if choice and choice not in VoteChoice.values:
                errors.append(f"{app_label(app)}：{name}的表决意见“{choice}”无效（同意、不同意或缓议）")
        clean[app.pk] = {n: ballot[n] for n in present if ballot.get(n) in VoteChoice.values}
        counts = {c: 0 for c in VoteChoice.values}
        for choice in clean[app.pk].values():
            counts[choice] += 1
        tallies[app.pk] = counts
    if errors:
        raise ApplicationError("表决情况有误，会议记录未保存：" + "；".join(errors) + "。", errors=errors, field="votes")
    return clean, tallies


def deferral_resolve(*, actor, application: Application, action: str, reason: str) -> Application:
    """Handle a 缓议 (staff, 讨论决定 stage), with a reason: 重新考察 clears the 考察 conclusion and the meeting
    result (so it is recorded and voted on again) and takes the campaign back to 组织考察 (撤回 with the
    reason); 不再提名 ends the candidacy."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("缓议处理须填写理由。", field="reason")
    if action not in DeferAction.values:
        raise ApplicationError(f"缓议处理方式“{action}”无效，可选：{'、'.join(DeferAction.values)}。", field="action")
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        if campaign.stage != Stage.DECISION:
            raise ApplicationError(f"当前处于“{campaign.get_stage_display()}”阶段，缓议只能在“讨论决定”阶段处理。")
        app = Application.objects.select_for_update(of=("self",)).select_related("cadre", "campaign_post__post__unit").get(
            pk=application.pk
        )
        if app.meeting_result != MeetingResult.DEFERRED or app.defer_action:
            raise ApplicationError(f"{app_label(app)}不是待处理的缓议人选。")
        app.defer_action = action
        app.defer_reason = reason[:300]
        fields = ["defer_action", "defer_reason", "updated_at"]
        if action == DeferAction.BACK_TO_INSPECTION:
            app.meeting_result = ""
            app.inspection_conclusion = ""
            fields += ["meeting_result", "inspection_conclusion"]
        else:
            app.ended_reason = f"党委会缓议后不再提名：{reason}"[:300]
            fields.append("ended_reason")
        app._history_user = actor_user(actor)
        app.save(update_fields=fields)
        audit(
            actor=actor, action=AuditAction.DEFERRAL_RESOLVE, obj=app,
            summary=f"{app_label(app)}缓议处理：{DeferAction(action).label}，理由：{reason}",
            data={"campaign": campaign.pk, "action": action, "reason": reason},
        )
        if action == DeferAction.BACK_TO_INSPECTION:
            campaign_withdraw(actor=actor, campaign=campaign, reason=f"{app.cadre.name}缓议，退回重新考察：{reason}")
    application.refresh_from_db()
    return application


def superior_approval_record(
    *, actor, campaign: Campaign, document_no: str, approved_on: dt.date, approved_ids, rejected_ids=()
) -> Campaign:
    """报上级组织部审批 (staff, 讨论决定 stage): the reply's document number and date, and per candidate who
    passed the meeting whether it was approved. Only approved candidates go to 公示."""
    require_staff(actor)
    document_no = (document_no or "").strip()
    if not document_no:
        raise ApplicationError("请填写上级组织部批复文号。", field="document_no")
    if not approved_on:
        raise ApplicationError("请填写上级批复日期。", field="approved_on")
    if approved_on > today():
        raise ApplicationError("批复日期不能晚于今天。", field="approved_on")
    try:
        approved = {int(x) for x in approved_ids or ()}
        rejected = {int(x) for x in rejected_ids or ()}
    except (TypeError, ValueError):
        raise ApplicationError("人选编号无效。", field="approved_ids") from None
    if approved & rejected:
        raise ApplicationError("同一人选不能既批准又不批准。", field="approved_ids")
    if not approved and not rejected:
        raise ApplicationError("请登记上级对各人选的审批结果。", field="approved_ids")
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "superior_approval")
        passed = {
            a.pk: a for a in gates.qualified(locked).filter(meeting_result=MeetingResult.PASSED, ended_reason="")
            .select_related("cadre", "campaign_post__post__unit")
        }
        unknown = (approved | rejected) - set(passed)
        if unknown:
            raise ApplicationError(
                f"报名记录 {'、'.join(str(u) for u in sorted(unknown))} 不是经党委会表决通过的人选。", field="approved_ids"
            )
        meetings = [m.held_on for m in locked.meetings.filter(quorum_met=True)]
        if meetings and approved_on < min(meetings):
            raise ApplicationError("上级批复日期不能早于党委会召开日期。", field="approved_on")
        for pk in approved | rejected:
            app = passed[pk]
            app.superior_approved = pk in approved
            app._history_user = actor_user(actor)
            app.save(update_fields=["superior_approved", "updated_at"])
        locked.superior_approval_no = document_no[:60]
        locked.superior_approval_date = approved_on
        locked.save(update_fields=["superior_approval_no", "superior_approval_date"])
        audit(
            actor=actor, action=AuditAction.SUPERIOR_APPROVAL_RECORD, obj=locked,
            summary=f"登记上级组织部批复（{document_no}，{approved_on:%Y.%m.%d}）：批准"
            + ("、".join(passed[k].cadre.name for k in sorted(approved)) or "无")
            + ("；不批准" + "、".join(passed[k].cadre.name for k in sorted(rejected)) if rejected else ""),
            data={"document_no": document_no, "approved_on": approved_on.isoformat(),
                  "approved": sorted(approved), "rejected": sorted(rejected)},
        )
    campaign.refresh_from_db()
    return campaign


# ------------------------------------------------------------------ 任前公示


def publicity_start(*, actor, campaign: Campaign, start_date: dt.date | None = None, note: str = "") -> Campaign:
    """讨论决定 → 任前公示 (staff). The period is ``campaign.publicity_working_days`` working days (official
    calendar with 调休) from the first working day on or after ``start_date`` (default: the next working day);
    the 任前公示 PDF is rendered after commit."""

    def record(c: Campaign):
        start = start_date or add_working_days(today(), 1)
        if c.superior_approval_date and start < c.superior_approval_date:
            raise ApplicationError("公示开始日期不能早于上级批复日期。", field="start_date")
        first, last = working_day_period(start, c.publicity_working_days)
        c.publicity_start, c.publicity_end = first, last
        c.save(update_fields=["publicity_start", "publicity_end"])
        audit(
            actor=actor, action=AuditAction.PUBLICITY_PERIOD, obj=c,
            summary=f"任前公示 {c.publicity_working_days} 个工作日：{first:%Y.%m.%d}—{last:%Y.%m.%d}",
            data={"start": first.isoformat(), "end": last.isoformat(), "working_days": c.publicity_working_days},
        )
        document_issue_on_commit(c.pk, DocumentKind.PRE_APPOINTMENT_NOTICE, actor)

    return transition(actor=actor, campaign=campaign, action="start_publicity", note=note, before=record)


def objection_record(*, actor, application: Application, received_on: dt.date, channel: str, content: str) -> Objection:
    """A 举报/反映 received during 任前公示 (staff). While it is open it blocks that candidate's appointment."""
    require_staff(actor)
    channel, content = (channel or "").strip(), (content or "").strip()
    if not received_on:
        raise ApplicationError("请填写收到日期。", field="received_on")
    if received_on > today():
        raise ApplicationError("收到日期不能晚于今天。", field="received_on")
    if not channel:
        raise ApplicationError("请填写反映渠道（来信、来电、来访、网络等）。", field="channel")
    if not content:
        raise ApplicationError("请填写反映内容。", field="content")
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        require_work(actor, campaign, "objection")
        app = gates.publicity_candidates(campaign).select_related("cadre", "campaign_post__post__unit").filter(
            pk=application.pk
        ).first()
        if app is None:
            raise ApplicationError("该人选不在任前公示名单中。")
        if app.appointed_on:
            raise ApplicationError(f"{app_label(app)}已办理任职。")
        if campaign.publicity_start and received_on < campaign.publicity_start:
            raise ApplicationError("收到日期不能早于公示开始日期。", field="received_on")
        objection = Objection(
            application=app, received_on=received_on, channel=channel[:30], content=content,
            created_by=actor_user(actor),
        )
        objection._history_user = actor_user(actor)
        objection.save()
        audit(
            actor=actor, action=AuditAction.OBJECTION_RECORD, obj=objection,
            summary=f"登记{app_label(app)}的公示反映（{channel}，{received_on:%Y.%m.%d}）",
            data={"campaign": campaign.pk, "application": app.pk},
        )
    return objection


def objection_resolve(*, actor, objection: Objection, substantiated: bool, resolution: str) -> Objection:
    """The finding on an objection (staff). Substantiated: the candidate's appointment ends (ended_reason)."""
    require_staff(actor)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ApplicationError("请填写核查结论。", field="resolution")
    with transaction.atomic():
        campaign = lock(objection.application.campaign_id)
        require_work(actor, campaign, "objection")
        row = Objection.objects.select_for_update().get(pk=objection.pk)
        if row.status != ObjectionStatus.OPEN:
            raise ApplicationError("该反映已核查办结。")
        row.status = ObjectionStatus.SUBSTANTIATED if substantiated else ObjectionStatus.UNSUBSTANTIATED
        row.resolution = resolution
        row.resolved_by = actor_user(actor)
        row.resolved_at = timezone.now()
        row._history_user = actor_user(actor)
        row.save()
        app = Application.objects.select_for_update(of=("self",)).select_related("cadre", "campaign_post__post__unit").get(
            pk=row.application_id
        )
        if substantiated and not app.ended_reason:
            app.ended_reason = f"任前公示反映问题查实：{resolution}"[:300]
            app._history_user = actor_user(actor)
            app.save(update_fields=["ended_reason", "updated_at"])
        audit(
            actor=actor, action=AuditAction.OBJECTION_RESOLVE, obj=row,
            summary=f"{app_label(app)}的公示反映核查结论：{row.get_status_display()}。{resolution}"
            + ("；终止任用" if substantiated else ""),
            data={"campaign": campaign.pk, "application": app.pk, "substantiated": bool(substantiated)},
        )
    objection.refresh_from_db()
    return objection


def publicity_end(*, actor, campaign: Campaign, note: str = "", today: dt.date | None = None) -> Campaign:
    """任前公示 → 任职 (staff or the system; gate: the period is over as of ``today`` and no objection is still
    open)."""
    return transition(actor=actor, campaign=campaign, action="end_publicity", note=note, today=today)


def auto_end_publicity(today: dt.date | None = None) -> list[int]:
    """Beat task body: end every 公示 whose last day has passed (actor SYSTEM). Idempotent: a campaign already
    moved on is not in 任前公示 any more; one still blocked by an open objection stays and is logged."""
    today = today or timezone.localdate()
    ended = []
    due = Campaign.objects.filter(stage=Stage.PUBLICITY, publicity_end__lt=today).order_by("id")
    for campaign_id in due.values_list("id", flat=True):
        campaign = Campaign.objects.get(pk=campaign_id)
        try:
            publicity_end(actor=SYSTEM, campaign=campaign, note="公示期满，系统自动结束", today=today)
        except ApplicationError as exc:
            log.info("任前公示 of campaign %s not ended: %s", campaign_id, exc.message)
            continue
        ended.append(campaign_id)
    return ended
