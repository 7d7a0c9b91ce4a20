"""Carrying out an approved plan's moves in the cadre records (the status move itself: transitions)."""
from __future__ import annotations

import datetime as dt

from cadre.services import PositionMove, positions_assign

from ..models import MoveType, RotationMove, RotationPlan

# how a move is recorded in the post history, by its 任职方式
METHOD = {"平级": "平级交流", "提拔": "提拔", "降职": "降职"}
DEFAULT_METHOD = "平级交流"


def moves_carry_out(*, actor, plan: RotationPlan, start: dt.date) -> list[RotationMove]:
    """Every move of the plan in one call of cadre's owner of post changes (``positions_assign``): the movers'
    old holdings close the day before ``start`` first (so swaps and chains find their seats free), the new ones
    open with a seat, 职务层次 follows a promotion or demotion, each cadre's current position is kept in step
    (history + audit). Call inside the transition's transaction: any failure rolls back all."""
    moves = list(plan.moves.select_related("cadre", "to_post", "to_post__unit", "from_post").order_by("order", "id"))
    positions_assign(
        actor=actor,
        moves=[
            PositionMove(m.cadre, m.to_post, leave_post_id=m.from_post_id, set_rank=m.move_type != MoveType.LATERAL,
                         method=METHOD.get(m.move_type, DEFAULT_METHOD))
            for m in moves
        ],
        effective=start,
        method=DEFAULT_METHOD,
    )
    return moves
