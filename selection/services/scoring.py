"""演讲 (selection.md "演讲 scoring", "Composite ranking"): the speaking-order lot, judges' absences and scores,
closing the speech stage (trimmed mean), the composite ranking shared with 民主测评's close, staff corrections
after close, and written-test scores.

Every service: keyword-only, an ``actor``, one transaction with the campaign row locked (``base.lock``), an
audit row. Stage moves go through ``base.transition``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.exceptions import ApplicationError

from .. import gates, rules
from ..audit import AuditAction
from ..models import Application, Campaign, CampaignJudge, CampaignPost, JudgeScore, PostStatus
from ..workflow import Stage
from .base import actor_user, app_label, lock, require_staff, require_work, transition

HUNDRED = Decimal(100)
TWO = Decimal("0.01")


def _post_label(app: Application) -> str:
    return str(app.campaign_post.post)


def raise_with(message: str, errors: list[str], field: str | None = None):
    raise ApplicationError(message + "：" + "；".join(errors) + "。", errors=errors, field=field)


# ------------------------------------------------------------------ 演讲: lot, absences, scores


def speaking_order_draw(*, actor, campaign_post: CampaignPost) -> list[Application]:
    """Draw the speaking order of one open post by lot (staff, 演讲 stage).

    A fresh seed (``rules.new_seed``) is stored on the post with the time, so the order can be reproduced from
    the qualified applications' ids. A redraw is allowed until the first score of the post is in.
    """
    require_staff(actor)
    with transaction.atomic():
        campaign = lock(campaign_post.campaign_id)
        require_work(actor, campaign, "draw_order")
        cp = CampaignPost.objects.select_for_update(of=("self",)).select_related("post", "post__unit").get(pk=campaign_post.pk)
        if cp.status != PostStatus.OPEN:
            raise ApplicationError(f"{cp.post}已取消竞争，不能抽签。")
        if JudgeScore.objects.filter(application__campaign_post=cp).exists():
            raise ApplicationError(f"{cp.post}已有评委评分，不能重新抽签。")
        apps = {a.pk: a for a in gates.qualified(campaign).filter(campaign_post=cp).select_related("cadre")}
        if not apps:
            raise ApplicationError(f"{cp.post}没有资格审查合格的人选，无需抽签。")
        seed = rules.new_seed()
        order = rules.draw_order(list(apps), seed)
        for position, pk in enumerate(order, 1):
            apps[pk].speaking_order = position
        Application.objects.bulk_update(list(apps.values()), ["speaking_order"])
        cp.order_seed = seed
        cp.order_drawn_at = timezone.now()
        cp.save(update_fields=["order_seed", "order_drawn_at"])
        ordered = [apps[pk] for pk in order]
        audit(
            actor=actor, action=AuditAction.SPEAKING_ORDER_DRAW, obj=campaign,
            summary=f"{cp.post}抽签确定演讲顺序：" + "、".join(f"{i}.{a.cadre.name}" for i, a in enumerate(ordered, 1)),
            data={"campaign_post": cp.pk, "seed": seed, "order": order},
        )
    return ordered


def judge_absence_set(*, actor, judge: CampaignJudge, absent: bool, reason: str = "") -> CampaignJudge:
    """Record (or withdraw) a judge's absence, with a reason (staff, 演讲 stage).

    An absent judge cannot score; scores the judge already gave stay stored but do not count in the speech
    score, so that every candidate of the campaign is scored by the same panel.
    """
    require_staff(actor)
    reason = (reason or "").strip()
    if absent and not reason:
        raise ApplicationError(f"登记评委{judge.name}缺席须填写说明。", field="reason")
    with transaction.atomic():
        campaign = lock(judge.campaign_id)
        require_work(actor, campaign, "judge_absence")
        if campaign.speech_closed_at:
            raise ApplicationError("演讲评分已结束，不能再登记评委缺席。")
        judge = CampaignJudge.objects.select_for_update().get(pk=judge.pk)
        if not absent and not judge.absent:
            return judge
        if absent and not CampaignJudge.objects.filter(campaign=campaign, absent=False).exclude(pk=judge.pk).exists():
            raise ApplicationError("至少须有一名评委到场评分。")
        judge.absent = bool(absent)
        judge.absence_reason = reason[:200] if absent else ""
        judge.save(update_fields=["absent", "absence_reason"])
        given = JudgeScore.objects.filter(judge=judge).count()
        audit(
            actor=actor, action=AuditAction.JUDGE_ABSENCE, obj=campaign,
            summary=(f"登记评委{judge.name}缺席：{reason}" + (f"（已给出的 {given} 项评分不计入成绩）" if given else ""))
            if absent else f"撤销评委{judge.name}的缺席登记",
            data={"judge": judge.pk, "absent": judge.absent, "reason": judge.absence_reason, "scores_given": given},
        )
    return judge


def _decimal_score(value) -> Decimal:
    return Decimal(str(value).strip()).quantize(Decimal("0.1"))


def scores_submit(*, actor, campaign: Campaign, scores: dict) -> int:
    """The judge's own scores: {application id: score}; 0–100 with one decimal. Returns how many were stored
    (new or changed). Only an assigned, present judge, in 演讲 before the stage is closed; a judge can never
    touch another judge's scores (the rows are keyed by the actor's own assignment)."""
    if not scores:
        raise ApplicationError("没有需要提交的评分。")
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "score")
        if locked.speech_closed_at:
            raise ApplicationError("演讲评分已结束，不能再提交或修改评分。")
        judge = CampaignJudge.objects.filter(campaign=locked, user=actor).first() if getattr(
            actor, "is_authenticated", False) else None
        if judge is None:
            raise ApplicationError("您不是本次竞争上岗的评委，不能评分。")
        if judge.absent:
            raise ApplicationError(f"评委{judge.name}已登记缺席，不能评分。")
        try:
            ids = {int(k): v for k, v in scores.items()}
        except (TypeError, ValueError):
            raise ApplicationError("评分对象编号无效。", field="scores") from None
        apps = {
            a.pk: a
            for a in gates.qualified(locked).filter(pk__in=list(ids)).select_related("cadre", "campaign_post__post__unit")
        }
        errors = []
        for pk, value in ids.items():
            app = apps.get(pk)
            if app is None:
                errors.append(f"报名记录 {pk} 不是本次演讲的候选人")
                continue
            if app.speaking_order is None:
                errors.append(f"{app_label(app)}：演讲顺序尚未抽签确定")
                continue
            problems = rules.score_errors(value)
            errors += [f"{app_label(app)}：{p}" for p in problems]
        if errors:
            raise_with("评分未保存", errors, field="scores")
        existing = {s.application_id: s for s in JudgeScore.objects.select_for_update().filter(judge=judge, application_id__in=list(ids))}
        stored = 0
        for pk, value in ids.items():
            score = _decimal_score(value)
            row = existing.get(pk)
            if row is not None and row.score == score:
                continue
            if row is None:
                row = JudgeScore(application_id=pk, judge=judge, score=score)
            else:
                row.score = score
            row._history_user = actor_user(actor)
            row.save()
            stored += 1
        if stored:
            audit(
                actor=actor, action=AuditAction.SCORES_SUBMIT, obj=locked,
                summary=f"评委{judge.name}提交演讲评分 {stored} 项",
                data={"judge": judge.pk, "applications": sorted(ids)},
            )
    return stored


def _speech_scores(campaign: Campaign, app_ids) -> dict[int, Decimal | None]:
    """Trimmed mean per application over the scores of judges not recorded absent."""
    by_app: dict[int, list[Decimal]] = defaultdict(list)
    for app_id, score in JudgeScore.objects.filter(application_id__in=list(app_ids), judge__absent=False).values_list(
        "application_id", "score"
    ):
        by_app[app_id].append(score)
    return {pk: rules.trimmed_mean(by_app.get(pk, []), trim_min_judges=campaign.trim_min_judges) for pk in app_ids}


def speech_close(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """演讲 → 民主测评 (staff): every candidate's speech score is the trimmed mean of the present judges'
    scores (one highest and one lowest dropped from ``campaign.trim_min_judges`` judges on), rounded once."""

    def compute(c: Campaign):
        apps = list(gates.qualified(c))
        means = _speech_scores(c, [a.pk for a in apps])
        for a in apps:
            a.speech_score = means[a.pk]
        Application.objects.bulk_update(apps, ["speech_score"])
        c.speech_closed_at = timezone.now()
        c.save(update_fields=["speech_closed_at"])

    return transition(actor=actor, campaign=campaign, action="close_speech", note=note, before=compute)


# ------------------------------------------------------------------ ranking (shared by evaluation close and corrections)


@dataclass
class PostRanking:
    campaign_post: CampaignPost
    ranked: list[rules.Ranked]
    proposed: list[int] = field(default_factory=list)
    tied_at_cutoff: list[int] = field(default_factory=list)


def _composite(campaign: Campaign, app: Application) -> Decimal | None:
    return rules.composite(
        speech=app.speech_score, evaluation=app.evaluation_score,
        written=app.written_score if campaign.written_weight else None,
        speech_weight=campaign.speech_weight, evaluation_weight=campaign.evaluation_weight,
        written_weight=campaign.written_weight,
    )


def rank_posts(campaign: Campaign, apps: list[Application], *, propose: bool) -> list[PostRanking]:
    """Composite, rank and tie flag of each application (in memory), per post; with ``propose`` also the
    proposed 考察对象 (is_inspection_target). The caller saves."""
    by_post: dict[int, list[Application]] = defaultdict(list)
    for a in apps:
        by_post[a.campaign_post_id].append(a)
    out = []
    for post_apps in by_post.values():
        cp = post_apps[0].campaign_post
        for a in post_apps:
            a.composite_score = _composite(campaign, a)
        ranked = rules.rank((a.pk, a.composite_score, a.evaluation_score, a.speech_score) for a in post_apps)
        by_pk = {a.pk: a for a in post_apps}
        for r in ranked:
            by_pk[r.key].rank = r.rank
            by_pk[r.key].tied = r.tied
        result = PostRanking(cp, ranked)
        if propose:
            chosen, tied = rules.inspection_targets(ranked, vacancies=cp.vacancies, ratio=campaign.inspection_ratio)
            result.proposed, result.tied_at_cutoff = chosen, tied
            for a in post_apps:
                a.is_inspection_target = a.pk in set(chosen)
        out.append(result)
    out.sort(key=lambda r: (r.campaign_post.order, r.campaign_post.pk))
    return out


def double_targets(apps) -> list[str]:
    """People who are 考察对象 for two (or more) posts: one message each."""
    posts: dict[int, list[Application]] = defaultdict(list)
    for a in apps:
        if a.is_inspection_target:
            posts[a.cadre_id].append(a)
    return [
        f"{rows[0].cadre.name}同时为{'、'.join(_post_label(a) for a in rows)}的考察对象"
        for rows in posts.values() if len(rows) > 1
    ]


def score_correct(*, actor, score: JudgeScore, value, reason: str) -> JudgeScore:
    """Staff correct a judge's score after the speech stage was closed, with a reason (audited, kept in the
    score's history). The application's speech score is recomputed, and when the composite ranking already
    exists, the composite and ranking of its post (the 考察对象 proposal is redone only while the leader has
    not confirmed the list yet)."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("更正评分须填写理由。", field="reason")
    problems = rules.score_errors(value)
    if problems:
        raise ApplicationError("；".join(problems) + "。", errors=problems, field="value")
    new = _decimal_score(value)
    with transaction.atomic():
        campaign = lock(score.application.campaign_id)
        require_work(actor, campaign, "score_correct")
        if not campaign.speech_closed_at:
            raise ApplicationError("演讲评分尚未结束，评分由评委本人修改。")
        row = JudgeScore.objects.select_for_update(of=("self",)).select_related("judge", "application__cadre").get(pk=score.pk)
        old = row.score
        if old == new:
            raise ApplicationError(f"评分与原分数 {old} 相同，无需更正。", field="value")
        row.score = new
        row.correction_reason = reason[:300]
        row._history_user = actor_user(actor)
        row.save()
        app = row.application
        app.speech_score = _speech_scores(campaign, [app.pk])[app.pk]
        app.save(update_fields=["speech_score", "updated_at"])
        changes = {}
        if app.composite_score is not None or app.evaluation_score is not None:
            changes = _rerank_post(campaign, app.campaign_post_id)
        audit(
            actor=actor, action=AuditAction.SCORE_CORRECT, obj=campaign,
            summary=f"更正评委{row.judge.name}给{app.cadre.name}的演讲评分：{old} → {new}，理由：{reason}",
            data={"score": row.pk, "application": app.pk, "old": str(old), "new": str(new), "reason": reason,
                  "speech_score": str(app.speech_score), "ranking_changes": changes},
        )
    score.refresh_from_db()
    return score


def _rerank_post(campaign: Campaign, campaign_post_id: int) -> dict:
    """Recompute composite and ranking of one post; returns {application id: [old rank, new rank]} of changes."""
    apps = list(gates.qualified(campaign).filter(campaign_post_id=campaign_post_id).select_related("campaign_post"))
    before = {a.pk: (a.rank, a.composite_score) for a in apps}
    propose = campaign.stage == Stage.INSPECTION and not campaign.inspection_confirmed_at
    rank_posts(campaign, apps, propose=propose)
    Application.objects.bulk_update(apps, ["composite_score", "rank", "tied", "is_inspection_target"])
    return {a.pk: [before[a.pk][0], a.rank] for a in apps if before[a.pk][0] != a.rank}


def _parse_written(value) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"笔试成绩“{value}”不是数字") from None
    if not d.is_finite():
        raise ValueError(f"笔试成绩“{value}”不是数字")
    if d < 0 or d > HUNDRED:
        raise ValueError(f"笔试成绩 {d} 超出 0–100 分范围")
    if d != d.quantize(TWO):
        raise ValueError(f"笔试成绩 {d} 最多保留两位小数")
    return d.quantize(TWO)


def written_scores_set(*, actor, campaign: Campaign, scores: dict) -> int:
    """笔试 scores {application id: score 0–100, two decimals} (staff; only when the plan weights a written
    test; in 演讲 or 民主测评, before the ranking is computed). Returns how many changed."""
    require_staff(actor)
    if not scores:
        raise ApplicationError("没有需要录入的笔试成绩。")
    with transaction.atomic():
        locked = lock(campaign)
        if not locked.written_weight:
            raise ApplicationError("本次方案未设置笔试成绩权重，不需录入笔试成绩。")
        if locked.stage not in (Stage.SPEECH, Stage.EVALUATION):
            raise ApplicationError(
                f"当前处于“{locked.get_stage_display()}”阶段，笔试成绩只能在“演讲”或“民主测评”阶段录入。"
            )
        try:
            ids = {int(k): v for k, v in scores.items()}
        except (TypeError, ValueError):
            raise ApplicationError("报名记录编号无效。", field="scores") from None
        apps = {a.pk: a for a in gates.qualified(locked).filter(pk__in=list(ids)).select_related("cadre", "campaign_post__post__unit")}
        errors, parsed = [], {}
        for pk, value in ids.items():
            app = apps.get(pk)
            if app is None:
                errors.append(f"报名记录 {pk} 不是本次竞争的合格人选")
                continue
            try:
                parsed[pk] = _parse_written(value)
            except ValueError as exc:
                errors.append(f"{app_label(app)}：{exc}")
        if errors:
            raise_with("笔试成绩未保存", errors, field="scores")
        changed = 0
        for pk, value in parsed.items():
            app = apps[pk]
            if app.written_score == value:
                continue
            app.written_score = value
            app._history_user = actor_user(actor)
            app.save(update_fields=["written_score", "updated_at"])
            changed += 1
        if changed:
            audit(actor=actor, action=AuditAction.WRITTEN_SCORES_SET, obj=locked,
                  summary=f"录入笔试成绩 {changed} 人", data={"applications": sorted(parsed)})
    return changed
