"""民主测评 → 组织考察 (selection.md "民主测评", "Composite ranking", "组织考察"): the 民主测评 ballot session (in
the assessment app) and its close (evaluation score, composite, ranking, proposed 考察对象), the leader's
confirmation of the 考察对象, the inspection findings and the end of 组织考察.

Every service: keyword-only, an ``actor``, one transaction with the campaign row locked (``base.lock``), an
audit row. Stage moves go through ``base.transition``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from assessment.models import OptionSet, SessionStatus
from assessment.selectors import tally
from assessment.services import ballot_session_create
from core.audit import audit
from core.exceptions import ApplicationError

from .. import gates
from ..audit import AuditAction
from ..models import Application, Campaign, InspectionConclusion
from .base import actor_user, app_label, lock, require_staff, require_work, transition
from .scoring import HUNDRED, TWO, double_targets, raise_with, rank_posts

def evaluation_session_create(*, actor, campaign: Campaign, groups: list, option_set: str = "评价", vote_date=None):
    """One 民主测评 ballot session (assessment app) for the qualified candidates; staff, 民主测评 stage.

    Each person is one target (a person standing for two posts is evaluated once; the description names the
    posts). A second session is refused unless the first one was made void.
    """
    require_staff(actor)
    if option_set not in (OptionSet.EVALUATION, OptionSet.RECOMMENDATION):
        raise ApplicationError("民主测评的选项类型应为“评价”或“推荐”。", field="option_set")
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "evaluation_session")
        existing = locked.ballot_session
        if existing is not None and existing.status != SessionStatus.VOID:
            raise ApplicationError(
                f"已建立民主测评“{existing.title}”（{existing.get_status_display()}）；如需重新测评，请先将其作废。"
            )
        apps = list(
            gates.qualified(locked).select_related("cadre", "campaign_post__post__unit")
            .order_by("campaign_post__order", "campaign_post_id", "speaking_order", "id")
        )
        if not apps:
            raise ApplicationError("没有资格审查合格的人选，不能建立民主测评。")
        posts_of: dict[int, list[str]] = defaultdict(list)
        first: dict[int, Application] = {}
        for a in apps:
            posts_of[a.cadre_id].append(str(a.campaign_post.post))
            first.setdefault(a.cadre_id, a)
        targets = [
            {"cadre": a.cadre, "name": a.cadre.name, "description": ("报名职位：" + "、".join(posts_of[cid]))[:100]}
            for cid, a in first.items()
        ]
        session = ballot_session_create(
            actor=actor, title=f"{locked.title}民主测评"[:200], option_set=option_set, targets=targets,
            groups=groups, vote_date=vote_date,
        )
        locked.ballot_session = session
        locked.save(update_fields=["ballot_session"])
        audit(
            actor=actor, action=AuditAction.EVALUATION_SESSION_CREATE, obj=locked,
            summary=f"建立民主测评“{session.title}”：{len(targets)} 名测评对象"
            + (f"（原测评“{existing.title}”已作废）" if existing is not None else ""),
            data={"session": session.pk, "replaces": existing.pk if existing is not None else None},
        )
    campaign.refresh_from_db()
    return session


def _evaluation_score(option_set: str, target: dict) -> Decimal | None:
    """The part score of one target: the weighted mapped score (评价), or 同意率 × 100 (推荐)."""
    if option_set == "推荐":
        rate = (target.get("overall") or {}).get("approval_rate")
        return None if rate is None else (Decimal(rate) * HUNDRED).quantize(TWO, rounding=ROUND_HALF_UP)
    score = target.get("score")
    return None if score is None else Decimal(score).quantize(TWO, rounding=ROUND_HALF_UP)


def evaluation_close(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """民主测评 → 组织考察 (staff). From the closed session's frozen tally: each candidate's evaluation score,
    the composite score with the plan's weights, the ranking per post (ties: 民主测评, then speech, then
    tied) and the proposed 考察对象 (top candidates at the plan's ratio; the leader confirms)."""
    def compute(c: Campaign):
        session = c.ballot_session
        if session is None:
            raise ApplicationError("尚未建立民主测评场次。")
        if session.status != SessionStatus.CLOSED:
            raise ApplicationError(f"民主测评“{session.title}”尚未结束并统计（当前：{session.get_status_display()}）。")
        result = tally(session)
        if not result.get("participation_ok"):
            raise ApplicationError(
                f"民主测评“{session.title}”参评率 {_percent(result.get('participation'))} 低于 "
                f"{_percent(result.get('threshold'))}，测评无效；请作废后重新组织测评。"
            )
        by_cadre = {t["cadre_id"]: t for t in result["targets"] if t.get("cadre_id")}
        apps = list(gates.qualified(c).select_related("cadre", "campaign_post__post__unit"))
        errors = []
        for a in apps:
            target = by_cadre.get(a.cadre_id)
            if target is None:
                errors.append(f"{a.cadre.name}不在民主测评对象中")
                continue
            a.evaluation_score = _evaluation_score(result["option_set"], target)
            if a.evaluation_score is None:
                errors.append(f"{a.cadre.name}没有有效的测评票")
            if c.written_weight and a.written_score is None:
                errors.append(f"{app_label(a)}尚未录入笔试成绩")
        if errors:
            raise_with("不能计算综合成绩", errors)
        rankings = rank_posts(c, apps, propose=True)
        Application.objects.bulk_update(
            apps, ["evaluation_score", "composite_score", "rank", "tied", "is_inspection_target"]
        )
        names = {a.pk: a.cadre.name for a in apps}
        flags = [
            f"{r.campaign_post.post}第{min(x.rank for x in r.ranked if x.key in r.tied_at_cutoff)}名并列："
            + "、".join(names[k] for k in r.tied_at_cutoff) + "，均列入建议名单，请领导小组确定"
            for r in rankings if r.tied_at_cutoff
        ] + double_targets(apps)
        audit(
            actor=actor, action=AuditAction.INSPECTION_PROPOSE, obj=c,
            summary="建议考察对象：" + "；".join(
                f"{r.campaign_post.post}：" + ("、".join(names[k] for k in r.proposed) or "无") for r in rankings
            ) + ("。" + "；".join(flags) if flags else ""),
            data={"proposed": {str(r.campaign_post.pk): r.proposed for r in rankings}, "flags": flags,
                  "session": session.pk},
        )

    return transition(actor=actor, campaign=campaign, action="close_evaluation", note=note, before=compute)


def _percent(rate) -> str:
    if rate in (None, ""):
        return "—"
    return f"{(Decimal(str(rate)) * HUNDRED).quantize(TWO)}%"


# ------------------------------------------------------------------ 组织考察


@dataclass
class InspectionList:
    """The confirmed 考察对象 and what the leader should notice (people on two posts, changes)."""

    campaign: Campaign
    targets: list[Application]
    flags: list[str]
    added: list[int]
    removed: list[int]


def inspection_confirm(*, actor, campaign: Campaign, application_ids: list[int] | None = None, note: str = "") -> InspectionList:
    """The leader confirms the 考察对象: the proposal as it is (``application_ids`` None) or a changed list
    (a note is then required). People who are 考察对象 for two posts are flagged in the result and the audit."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "inspection_confirm")
        apps = list(gates.qualified(locked).select_related("cadre", "campaign_post__post__unit"))
        proposed = {a.pk for a in apps if a.is_inspection_target}
        if application_ids is None:
            chosen = set(proposed)
        else:
            try:
                chosen = {int(pk) for pk in application_ids}
            except (TypeError, ValueError):
                raise ApplicationError("考察对象编号无效。", field="application_ids") from None
            unknown = chosen - {a.pk for a in apps}
            if unknown:
                raise ApplicationError(
                    f"报名记录 {'、'.join(str(u) for u in sorted(unknown))} 不是本次竞争的合格人选。", field="application_ids"
                )
        if not chosen:
            raise ApplicationError("考察对象名单不能为空。", field="application_ids")
        added, removed = sorted(chosen - proposed), sorted(proposed - chosen)
        if (added or removed) and not note:
            raise ApplicationError("调整建议的考察对象名单须说明理由。", field="note")
        for a in apps:
            a.is_inspection_target = a.pk in chosen
        Application.objects.bulk_update(apps, ["is_inspection_target"])
        locked.inspection_confirmed_by = actor_user(actor)
        locked.inspection_confirmed_at = timezone.now()
        locked.save(update_fields=["inspection_confirmed_by", "inspection_confirmed_at"])
        targets = sorted((a for a in apps if a.pk in chosen),
                         key=lambda a: (a.campaign_post.order, a.campaign_post_id, a.rank or 999, a.pk))
        flags = double_targets(apps)
        names = {a.pk: a.cadre.name for a in apps}
        audit(
            actor=actor, action=AuditAction.INSPECTION_CONFIRM, obj=locked,
            summary="确定考察对象：" + "、".join(app_label(a) for a in targets)
            + (f"；增加{'、'.join(names[k] for k in added)}" if added else "")
            + (f"；去掉{'、'.join(names[k] for k in removed)}" if removed else "")
            + (f"。{'；'.join(flags)}" if flags else "") + (f"。说明：{note}" if note else ""),
            data={"targets": sorted(chosen), "added": added, "removed": removed, "flags": flags, "note": note},
        )
    campaign.refresh_from_db()
    return InspectionList(campaign=campaign, targets=targets, flags=flags, added=added, removed=removed)


def inspection_record(*, actor, application: Application, talks_count, opinion: str, conclusion: str) -> Application:
    """考察 findings of one 考察对象 (staff): 个别谈话人数, 考察意见, conclusion 建议任用/暂缓任用/不建议任用."""
    require_staff(actor)
    opinion = (opinion or "").strip()
    try:
        talks = int(talks_count)
    except (TypeError, ValueError):
        raise ApplicationError("个别谈话人数须为整数。", field="talks_count") from None
    if talks < 1:
        raise ApplicationError("个别谈话人数至少为 1 人。", field="talks_count")
    if not opinion:
        raise ApplicationError("请填写考察意见。", field="opinion")
    if conclusion not in InspectionConclusion.values:
        raise ApplicationError(
            f"考察结论“{conclusion}”无效，可选：{'、'.join(InspectionConclusion.values)}。", field="conclusion"
        )
    with transaction.atomic():
        campaign = lock(application.campaign_id)
        require_work(actor, campaign, "inspection_record")
        app = Application.objects.select_for_update(of=("self",)).select_related("cadre", "campaign_post__post__unit").get(pk=application.pk)
        if not campaign.inspection_confirmed_at:
            raise ApplicationError("考察对象名单尚未经领导小组确定。")
        if not app.is_inspection_target or not gates.qualified(campaign).filter(pk=app.pk).exists():
            raise ApplicationError(f"{app_label(app)}不是考察对象。")
        if app.meeting_result:
            raise ApplicationError(f"{app_label(app)}已经党委会表决，不能再修改考察结论。")
        app.talks_count = talks
        app.inspection_opinion = opinion
        app.inspection_conclusion = conclusion
        app._history_user = actor_user(actor)
        app.save(update_fields=["talks_count", "inspection_opinion", "inspection_conclusion", "updated_at"])
        audit(
            actor=actor, action=AuditAction.INSPECTION_RECORD, obj=app,
            summary=f"登记{app_label(app)}考察情况：谈话 {talks} 人，结论{conclusion}",
            data={"campaign": campaign.pk, "talks_count": talks, "conclusion": conclusion},
        )
    application.refresh_from_db()
    return application


def inspection_finish(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """组织考察 → 讨论决定 (staff; gate: the list confirmed, every 考察对象 with 谈话人数, 考察意见 and a conclusion)."""
    return transition(actor=actor, campaign=campaign, action="finish_inspection", note=note)
