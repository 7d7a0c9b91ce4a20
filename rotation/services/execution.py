"""Carrying out an approved plan's moves in the cadre records (the status move itself: transitions)."""
from __future__ import annotations

import datetime as dt

from cadre.models import Cadre, PostHistory
from cadre.services import cadre_update
from core.exceptions import ApplicationError

from ..models import RotationMove, RotationPlan

# how a move is recorded in the post history, by its 任职方式
METHOD = {"平级": "平级交流", "提拔": "提拔", "降职": "降职"}


def moves_carry_out(*, actor, plan: RotationPlan, start: dt.date) -> list[RotationMove]:
    """Close the movers' old holdings, open the new ones (seats) and update each cadre's current position through
    cadre.services (history + audit). Call inside the transition's transaction: any failure rolls back all."""
    moves = list(plan.moves.select_related("cadre", "to_post", "to_post__unit", "from_post").order_by("order", "id"))
    cadre_ids = [m.cadre_id for m in moves]
    locked = {c.pk: c for c in Cadre.objects.select_for_update().filter(pk__in=cadre_ids)}
    # 1) close every old holding first so swaps and chains find their seats free
    for m in moves:
        rows = PostHistory.objects.filter(cadre_id=m.cadre_id, end__isnull=True, is_secondment=False)
        if m.from_post_id:
            rows = rows.filter(post_id=m.from_post_id)
        for row in rows:
            row.end = max(row.start, start - dt.timedelta(days=1))
            row.save(update_fields=["end"])
    # 2) the new positions, through the records service (history, audit, open row with a seat)
    for m in moves:
        cadre = locked[m.cadre_id]
        data = {"unit": m.to_post.unit, "position_title": m.to_post.title, "position_start": start}
        if m.move_type != "平级" or not cadre.rank_level:
            data.update(rank_level=m.to_post.level, rank_start=start)
        cadre_update(actor=actor, cadre=cadre, data=data, method=METHOD.get(m.move_type, "平级交流"))
        opened = PostHistory.objects.filter(cadre_id=m.cadre_id, post=m.to_post, end__isnull=True).exists()
        if not opened:
            raise ApplicationError(f"{cadre.name}：{m.to_post}没有空余职数，方案未执行")
    return moves
