"""Writes of the eligibility area: rule-set overrides and waivers. Keyword-only, an actor, audited."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import roles
from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..models import Cadre, EligibilityManualCheck, EligibilityRuleSet, EligibilityWaiver, Post
from . import rules as R
from .engine import explain
from .rulesets import LEVEL_DEFAULTS, LEVELS, diff_params, level_key, resolve_rule_set, validate_params


def _require_staff(actor):
    if not roles.is_staff_member(actor):
        raise ApplicationError("只有组织部工作人员可以修改任职资格规则")


def _require_leader(actor):
    if not roles.has_role(actor, roles.LEADER):
        raise ApplicationError("只有领导小组成员可以批准或撤销放宽")


def _parent_params(level: str, *, post: Post | None, scope: str) -> dict:
    """What an override row is compared with: the level's resolved set (defaults for the level row)."""
    if post is None and not scope:
        return LEVEL_DEFAULTS[level]
    return resolve_rule_set(level).params


def rule_set_save(*, actor, level: str, params: dict, post: Post | None = None, scope: str = "", note: str = "") -> EligibilityRuleSet | None:
    """Store the parameters `params` (a full set, as the staff page submits it) for a level, a post or a
    campaign scope. Only the differences from the layer below are kept; no difference removes the row."""
    _require_staff(actor)
    if post is not None:
        level = level_key(post.level)
        scope = ""
    if level not in LEVELS:
        raise ApplicationError(f"职位层次应为正科或副科：{level}", field="level")
    problems = validate_params(params, level=level)
    if problems:
        raise ApplicationError("规则参数有误：" + "；".join(problems), errors=problems)
    diff = diff_params(_parent_params(level, post=post, scope=scope), params)
    with transaction.atomic():
        lookup = {"post": post} if post is not None else {"post__isnull": True, "scope": scope, "level": level}
        row = EligibilityRuleSet.objects.select_for_update().filter(**lookup).first()
        where = str(post) if post is not None else (f"{scope} {level}" if scope else f"{level}默认")
        if not diff:
            if row is not None:
                row.delete()
                audit(actor=actor, action=AuditAction.ELIGIBILITY_RULESET_RESET, obj=None, summary=f"恢复{where}任职资格规则为上级设置")
            return None
        if row is None:
            row = EligibilityRuleSet(level=level, post=post, scope=scope if post is None else "")
        row.params = diff
        row.note = note
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        row._history_user = row.updated_by
        row.save()
        audit(
            actor=actor, action=AuditAction.ELIGIBILITY_RULESET_SAVE, obj=row,
            summary=f"修改{where}任职资格规则", data={"params": diff},
        )
    return row


def rule_set_reset(*, actor, rule_set: EligibilityRuleSet) -> None:
    _require_staff(actor)
    with transaction.atomic():
        summary = f"删除{rule_set}"
        pk = rule_set.pk
        rule_set.delete()
        audit(actor=actor, action=AuditAction.ELIGIBILITY_RULESET_RESET, obj=None, summary=summary, data={"id": pk})


def waiver_grant(
    *,
    actor,
    cadre: Cadre,
    rule: str,
    reason: str,
    post: Post | None = None,
    scope_key: str | None = None,
    approved_on: dt.date | None = None,
) -> EligibilityWaiver:
    """经批准放宽: a leader lifts 年龄, 学历 or 任职年限 for one person and a post or a campaign scope."""
    _require_leader(actor)
    reason = (reason or "").strip()
    scope = (scope_key or "").strip()
    if not reason:
        raise ApplicationError("请填写放宽理由", field="reason")
    if rule not in R.WAIVABLE_RULES:
        raise ApplicationError(f"「{R.RULE_NAMES.get(rule, rule)}」不能放宽，只能放宽年龄、学历和任职年限", field="rule")
    if (post is None) == (not scope):
        raise ApplicationError("放宽须指定一个职位或一次竞争上岗（二选一）")
    if post is not None:
        explanation = explain(cadre, post)
        result = next((r for r in explanation.rules if r.code == rule), None)
        if result is None:
            raise ApplicationError(f"{post}的{explanation.appointment}规则未启用「{R.RULE_NAMES[rule]}」条件，无需放宽", field="rule")
        if not result.waivable:
            raise ApplicationError(f"{post}的{explanation.appointment}规则规定「{R.RULE_NAMES[rule]}」不可放宽", field="rule")
    with transaction.atomic():
        try:
            with transaction.atomic():
                waiver = EligibilityWaiver(
                    cadre=cadre, post=post, scope=scope, rule=rule, reason=reason, approved_by=actor,
                    approved_on=approved_on or timezone.localdate(),
                )
                waiver._history_user = actor
                waiver.save()
        except IntegrityError:
            raise ApplicationError(f"{cadre.name}已有有效的「{R.RULE_NAMES[rule]}」放宽记录，如需修改请先撤销") from None
        where = str(post) if post is not None else scope
        audit(
            actor=actor, action=AuditAction.ELIGIBILITY_WAIVER_GRANT, obj=waiver,
            summary=f"批准{cadre.name}报考{where}放宽{R.RULE_NAMES[rule]}：{reason}",
            data={"cadre": cadre.pk, "post": post.pk if post else None, "scope": scope, "rule": rule},
        )
    return waiver


def waiver_revoke(*, actor, waiver: EligibilityWaiver, reason: str) -> EligibilityWaiver:
    _require_leader(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写撤销理由", field="reason")
    with transaction.atomic():
        waiver = EligibilityWaiver.objects.select_for_update().get(pk=waiver.pk)
        if waiver.revoked_at is not None:
            raise ApplicationError("该放宽记录已撤销")
        waiver.revoked_at = timezone.now()
        waiver.revoked_by = actor
        waiver.revoke_reason = reason
        waiver._history_user = actor
        waiver.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit(
            actor=actor, action=AuditAction.ELIGIBILITY_WAIVER_REVOKE, obj=waiver,
            summary=f"撤销{waiver.cadre.name}的{waiver.get_rule_display()}放宽：{reason}",
        )
    return waiver


def manual_check_record(
    *, actor, cadre: Cadre, passed: bool, reason: str, post: Post | None = None, scope: str = "",
    recorded_on: dt.date | None = None,
) -> EligibilityManualCheck:
    """人工审核: staff record whether the manual items (政治素质和品行) are met, with the reason, for one person in
    general, for one post or for one campaign scope. Recording again for the same target replaces the record."""
    _require_staff(actor)
    reason = (reason or "").strip()
    scope = "" if post is not None else (scope or "").strip()
    if not reason:
        raise ApplicationError("请填写人工审核意见", field="reason")
    if len(reason) > 300:
        raise ApplicationError("人工审核意见不能超过300字", field="reason")
    with transaction.atomic():
        Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # two clerks recording at once: in turn
        lookup = {"post": post} if post is not None else {"post__isnull": True, "scope": scope}
        row = EligibilityManualCheck.objects.filter(cadre=cadre, rule="manual", **lookup).first()
        if row is None:
            row = EligibilityManualCheck(cadre=cadre, post=post, scope=scope, rule="manual")
        row.passed, row.reason = bool(passed), reason
        row.recorded_by, row.recorded_on = actor, recorded_on or timezone.localdate()
        row._history_user = actor
        row.save()
        where = str(post) if post is not None else (scope or "各职位")
        audit(
            actor=actor, action=AuditAction.ELIGIBILITY_MANUAL_CHECK_RECORD, obj=row,
            summary=f"{cadre.name}（{where}）政治素质和品行人工审核{'通过' if passed else '不通过'}：{reason}",
            data={"cadre": cadre.pk, "post": post.pk if post else None, "scope": scope, "passed": bool(passed)},
        )
    return row


def manual_check_delete(*, actor, check: EligibilityManualCheck) -> None:
    """Withdraw a recorded manual check: the item is 待人工审核 again."""
    _require_staff(actor)
    with transaction.atomic():
        row = EligibilityManualCheck.objects.select_for_update().select_related("cadre").filter(pk=check.pk).first()
        if row is None:
            raise ApplicationError("该人工审核记录已撤销")
        summary = f"撤销{row.cadre.name}的政治素质和品行人工审核记录"
        audit(actor=actor, action=AuditAction.ELIGIBILITY_MANUAL_CHECK_DELETE, obj=row, summary=summary,
              data={"cadre": row.cadre_id, "post": row.post_id, "scope": row.scope})
        row._history_user = actor
        row.delete()
