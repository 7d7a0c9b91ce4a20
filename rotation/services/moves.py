"""The moves of a plan: who goes where, added by hand or from a suggestion."""
from __future__ import annotations

from django.db import transaction

from cadre.choices import LEADERSHIP_LEVELS
from cadre.models import Cadre, Post, PostHistory
from core.audit import audit
from core.exceptions import ApplicationError

from .. import permissions, rules
from ..audit import AuditAction
from ..models import MoveKind, RotationMove, RotationPlan
from ..permissions import require


def _current_holding(cadre: Cadre):
    rows = list(
        PostHistory.objects.filter(cadre=cadre, end__isnull=True, is_secondment=False, post__isnull=False).select_related(
            "post", "post__unit"
        )
    )
    match = next((r for r in rows if r.unit_id == cadre.unit_id and r.title == cadre.position_title), None)
    return match or (rows[-1] if rows else None)


def move_add(*, actor, plan: RotationPlan, cadre: Cadre, to_post: Post, kind: str, direction: str = "其他",
             move_type: str = "", reason: str = "", from_suggestion: bool = False) -> RotationMove:
    require(permissions.can_edit_plan(actor, plan), "方案已提交或已批准，不能修改")
    if kind not in MoveKind.values:
        raise ApplicationError(f"交流类型「{kind}」无效", field="kind")
    if plan.moves.filter(cadre=cadre).exists():
        raise ApplicationError(f"{cadre.name}已在本方案中，同一人不能重复交流", field="cadre")
    holding = _current_holding(cadre)
    from_post = holding.post if holding else None
    if from_post is not None and from_post.pk == to_post.pk:
        raise ApplicationError(f"{cadre.name}现任{to_post}，拟任职位不能与原职位相同", field="to_post")
    level = from_post.level if from_post else cadre.rank_level
    from_kind = from_post.kind if from_post else ("领导职务" if cadre.rank_level in LEADERSHIP_LEVELS else "职级")
    from_title = from_post.title if from_post else cadre.position_title
    with transaction.atomic():
        move = RotationMove.objects.create(
            plan=plan, cadre=cadre, from_post=from_post,
            from_job=str(from_post) if from_post else cadre.current_job,
            from_start=cadre.position_start or (holding.start if holding else None),
            to_post=to_post, kind=kind, direction=direction or "其他",
            move_type=move_type or rules.move_type(level, to_post.level, from_kind=from_kind, to_kind=to_post.kind,
                                                    from_title=from_title, to_title=to_post.title), reason=reason,
            from_suggestion=from_suggestion, order=(plan.moves.count() + 1) * 10,
        )
        audit(actor=actor, action=AuditAction.MOVE_ADD, obj=plan, summary=f"{plan.name}：{cadre.name} 拟任 {to_post}",
              data={"move": move.pk})
    return move


def move_update(*, actor, move: RotationMove, data: dict) -> RotationMove:
    require(permissions.can_edit_plan(actor, move.plan), "方案已提交或已批准，不能修改")
    with transaction.atomic():
        for f in ("to_post", "kind", "direction", "move_type", "reason"):
            if f in data and data[f] not in (None, ""):
                setattr(move, f, data[f])
        if move.from_post_id and move.from_post_id == move.to_post_id:
            raise ApplicationError("拟任职位不能与原职位相同", field="to_post")
        move.save()
        audit(actor=actor, action=AuditAction.MOVE_UPDATE, obj=move.plan, summary=f"{move.plan.name}：修改 {move.cadre.name} 的交流安排")
    return move


def move_remove(*, actor, move: RotationMove) -> None:
    require(permissions.can_edit_plan(actor, move.plan), "方案已提交或已批准，不能修改")
    with transaction.atomic():
        plan, name = move.plan, move.cadre.name
        move.delete()
        audit(actor=actor, action=AuditAction.MOVE_REMOVE, obj=plan, summary=f"{plan.name}：移除 {name}")
