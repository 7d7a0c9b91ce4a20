"""Who holds which post: the one owner of the open post-history rows (seats), the rank change, and the
cadre's denormalised current position (工作单位, 现任职务, 任现职时间, 职务层次, 任现职级时间).

``positions_assign`` moves people between posts (selection's appointment, rotation's plan execution);
``sync_current_position`` follows a record edit (the form, the admin, cadre_create/cadre_update). The roster
import does the same set-based, for thousands of rows at once (``cadre.roster.importer``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..bulk import fast_create, insert_rows
from ..models import Cadre, OrgUnit, Post, PostHistory, RankHistory
from .common import history_user

# the denormalised current-position fields positions_assign may change, in the order the audit names them
POSITION_FIELDS = ("unit", "position_title", "position_start", "rank_level", "rank_start")


def _set_history_user(obj, user) -> None:
    """Name the history user when there is one (else simple-history falls back to the request's user)."""
    if user is not None:
        obj._history_user = user


def free_seat(post: Post, *, exclude_cadre_id=None) -> int | None:
    """The lowest free seat (1..headcount) of the post, the cadre's own open holding not counted; None if full."""
    taken = set(
        PostHistory.objects.filter(post=post, end__isnull=True)
        .exclude(cadre_id=exclude_cadre_id)
        .values_list("seat", flat=True)
    )
    for seat in range(1, post.headcount + 1):
        if seat not in taken:
            return seat
    return None


def sync_current_position(cadre: Cadre, *, method: str = "") -> list[str]:
    """Keep the open post-history and rank-history rows in step with the cadre's current-position fields.

    A changed unit/职务/任现职时间 closes the open row the day before the new start and opens a new one; the same
    for 职务层次/任现职级时间. Returns warnings (e.g. the post is full) for the caller to show.
    """
    warnings: list[str] = []
    open_posts = list(PostHistory.objects.filter(cadre=cadre, end__isnull=True, is_secondment=False))
    if cadre.position_title and cadre.position_start:
        unit_name = cadre.unit.name if cadre.unit_id else ""
        current = next(
            (
                r
                for r in open_posts
                if r.unit_id == cadre.unit_id and r.title == cadre.position_title and r.start == cadre.position_start
            ),
            None,
        )
        if current is None:
            for row in open_posts:
                row.end = max(row.start, cadre.position_start - dt.timedelta(days=1))
                row.save(update_fields=["end"])
            post = (
                Post.objects.filter(unit_id=cadre.unit_id, title=cadre.position_title).first() if cadre.unit_id else None
            )
            seat = free_seat(post, exclude_cadre_id=cadre.pk) if post else None
            if post and seat is None:
                warnings.append(f"{post}职数已满（{post.headcount}人），任职记录未关联职位")
                post = None
            PostHistory.objects.create(
                cadre=cadre,
                unit_id=cadre.unit_id,
                post=post,
                seat=seat,
                unit_name=unit_name,
                title=cadre.position_title,
                level=cadre.rank_level,
                start=cadre.position_start,
                method=method,
            )
        elif current.level != cadre.rank_level:
            current.level = cadre.rank_level
            current.save(update_fields=["level"])
    _sync_rank(cadre)
    return warnings


def _sync_rank(cadre: Cadre, *, user=None) -> None:
    """The open rank-history row follows the cadre's 职务层次/任现职级时间 (an earlier open row is closed the
    day before, a row starting the same day or later is replaced)."""
    open_rank = RankHistory.objects.filter(cadre=cadre, end__isnull=True).first()
    if cadre.rank_level and cadre.rank_start:
        if open_rank is None or (open_rank.level, open_rank.start) != (cadre.rank_level, cadre.rank_start):
            if open_rank is not None:
                _set_history_user(open_rank, user)
                if open_rank.start >= cadre.rank_start:
                    open_rank.delete()
                else:
                    open_rank.end = cadre.rank_start - dt.timedelta(days=1)
                    open_rank.save(update_fields=["end"])
            row = RankHistory(cadre=cadre, level=cadre.rank_level, start=cadre.rank_start)
            _set_history_user(row, user)
            row.save()


@dataclass(frozen=True)
class PositionMove:
    """One person to one post: ``leave_post_id`` limits the first closing pass to that holding (a cadre holding
    several posts); ``set_rank`` sets 职务层次 to the post's level (always done when the cadre has none);
    ``method``, when given, replaces the call's method for this move (a rotation plan mixing 平级交流 and 提拔)."""

    cadre: Cadre
    post: Post
    leave_post_id: int | None = None
    set_rank: bool = False
    method: str = ""


def _close_open_rows(rows, *, effective: dt.date, user) -> None:
    for row in rows:
        row.end = max(row.start, effective - dt.timedelta(days=1))
        _set_history_user(row, user)
        row.save(update_fields=["end"])


def positions_assign(
    *, actor, moves: Sequence[PositionMove], effective: dt.date, method: str, document_no: str = ""
) -> list[PostHistory]:
    """Move each cadre to its post from ``effective``, in one transaction (nothing is written on any error).

    1. Lock the cadres, then close every mover's open non-secondment holding (only the ``leave_post_id`` one
       when given) the day before ``effective`` (not before its start), so that swaps and chains find their
       seats free.
    2. For each move in order: close the mover's other open non-secondment holdings (the current position is
       one post), take the lowest free seat of the post (refused if there is none), set the current
       unit/职务/任现职时间 (and 职务层次/任现职级时间 when ``set_rank`` or the cadre has no level), open the
       new post-history row (method, document_no) and the rank-history row, with simple-history and one audit
       event naming ``method``.

    Returns the opened rows, in the order of ``moves``.
    """
    moves = list(moves)
    if not moves:
        return []
    ids = [m.cadre.pk for m in moves]
    if len(set(ids)) != len(ids):
        raise ApplicationError("同一干部在一次任免中只能任一个新职位")
    user = history_user(actor)
    document_no = (document_no or "")[:60]
    opened: list[PostHistory] = []
    with transaction.atomic():
        locked = {c.pk: c for c in Cadre.objects.select_for_update().filter(pk__in=ids)}
        # 1) vacate first
        for m in moves:
            rows = PostHistory.objects.filter(cadre_id=m.cadre.pk, end__isnull=True, is_secondment=False)
            if m.leave_post_id:
                rows = rows.filter(post_id=m.leave_post_id)
            _close_open_rows(rows, effective=effective, user=user)
        # 2) then take the new seats
        for m in moves:
            cadre, post, how = locked[m.cadre.pk], m.post, m.method or method
            if effective <= cadre.birth_date:
                raise ApplicationError(f"{cadre.name}：任现职时间不能早于出生日期", field="effective")
            _close_open_rows(
                PostHistory.objects.filter(cadre=cadre, end__isnull=True, is_secondment=False), effective=effective, user=user
            )
            seat = free_seat(post, exclude_cadre_id=cadre.pk)
            if seat is None:
                raise ApplicationError(f"{cadre.name}：{post}没有空余职数（职数{post.headcount}人）", field="post")
            before = {f: getattr(cadre, f) for f in POSITION_FIELDS}
            cadre.unit, cadre.position_title, cadre.position_start = post.unit, post.title, effective
            if m.set_rank or not cadre.rank_level:
                cadre.rank_level, cadre.rank_start = post.level, effective
            changed = [f for f in POSITION_FIELDS if getattr(cadre, f) != before[f]]
            cadre._history_user = user
            cadre.save()
            row = PostHistory(
                cadre=cadre, unit=post.unit, post=post, seat=seat, unit_name=post.unit.name, title=post.title,
                level=cadre.rank_level, start=effective, method=how, document_no=document_no,
            )
            _set_history_user(row, user)
            row.save()
            _sync_rank(cadre, user=user)
            names = "、".join(str(Cadre._meta.get_field(f).verbose_name) for f in changed)
            audit(
                actor=actor, action=AuditAction.CADRE_UPDATE, obj=cadre,
                summary=f"修改干部档案 {cadre.name}：{names}（{how}，任{post}，{effective:%Y.%m.%d}起）",
                data={"fields": changed, "method": how, "post_id": post.pk, "seat": seat, "document_no": document_no},
            )
            opened.append(row)
    return opened


def sync_positions_bulk(cadres: list[Cadre], *, user=None, method: str = "") -> dict[int, list[str]]:
    """Set-based ``sync_current_position`` for many cadres: same rules, a few queries per batch.

    For each cadre, in order: a changed unit/职务/任现职时间 closes its open post-history rows the day before the
    new start and opens a new row (linked to the unit's post of that title when a seat is free, else a
    warning); an unchanged one only takes over the 职务层次. A changed 职务层次/任现职级时间 closes (or, when the
    new start is not later, deletes) the open rank row and opens a new one.
    """
    warnings: dict[int, list[str]] = defaultdict(list)
    if not cadres:
        return warnings
    ids = [c.pk for c in cadres]
    open_posts: dict[int, list[PostHistory]] = defaultdict(list)
    for row in PostHistory.objects.filter(cadre_id__in=ids, end__isnull=True, is_secondment=False).order_by("id"):
        open_posts[row.cadre_id].append(row)
    wanted = {(c.unit_id, c.position_title) for c in cadres if c.unit_id and c.position_title and c.position_start}
    posts: dict[tuple[int, str], Post] = {}
    if wanted:
        for post in Post.objects.filter(
            unit_id__in={u for u, _ in wanted}, title__in={t for _, t in wanted}
        ).select_related("unit"):
            if (post.unit_id, post.title) in wanted:
                posts[(post.unit_id, post.title)] = post
    taken: dict[int, dict[int, int]] = defaultdict(dict)  # post id → seat → cadre id
    if posts:
        for post_id, seat, cadre_id in PostHistory.objects.filter(
            post_id__in=[p.pk for p in posts.values()], end__isnull=True
        ).values_list("post_id", "seat", "cadre_id"):
            taken[post_id][seat] = cadre_id
    unit_names = dict(OrgUnit.objects.filter(pk__in={c.unit_id for c in cadres if c.unit_id}).values_list("id", "name"))

    post_updates: list[PostHistory] = []
    post_creates: list[PostHistory] = []
    for cadre in cadres:
        if not (cadre.position_title and cadre.position_start):
            continue
        rows = open_posts.get(cadre.pk, [])
        current = next(
            (
                r
                for r in rows
                if r.unit_id == cadre.unit_id and r.title == cadre.position_title and r.start == cadre.position_start
            ),
            None,
        )
        if current is None:
            for r in rows:
                r.end = max(r.start, cadre.position_start - dt.timedelta(days=1))
                post_updates.append(r)
                if r.post_id and taken[r.post_id].get(r.seat) == cadre.pk:
                    del taken[r.post_id][r.seat]
            post = posts.get((cadre.unit_id, cadre.position_title)) if cadre.unit_id else None
            seat = None
            if post:
                seats = taken[post.pk]
                seat = next(
                    (s for s in range(1, post.headcount + 1) if s not in seats or seats[s] == cadre.pk), None
                )
                if seat is None:
                    warnings[cadre.pk].append(f"{post}职数已满（{post.headcount}人），任职记录未关联职位")
                    post = None
                else:
                    seats[seat] = cadre.pk
            post_creates.append(
                PostHistory(
                    cadre=cadre,
                    unit_id=cadre.unit_id,
                    post=post,
                    seat=seat,
                    unit_name=unit_names.get(cadre.unit_id, ""),
                    title=cadre.position_title,
                    level=cadre.rank_level,
                    start=cadre.position_start,
                    method=method,
                )
            )
        elif current.level != cadre.rank_level:
            current.level = cadre.rank_level
            post_updates.append(current)

    open_ranks = {r.cadre_id: r for r in RankHistory.objects.filter(cadre_id__in=ids, end__isnull=True)}
    rank_closes: list[RankHistory] = []
    rank_deletes: list[RankHistory] = []
    rank_creates: list[RankHistory] = []
    for cadre in cadres:
        if not (cadre.rank_level and cadre.rank_start):
            continue
        open_rank = open_ranks.get(cadre.pk)
        if open_rank is not None and (open_rank.level, open_rank.start) == (cadre.rank_level, cadre.rank_start):
            continue
        if open_rank is not None:
            if open_rank.start >= cadre.rank_start:
                rank_deletes.append(open_rank)
            else:
                open_rank.end = cadre.rank_start - dt.timedelta(days=1)
                rank_closes.append(open_rank)
        rank_creates.append(RankHistory(cadre=cadre, level=cadre.rank_level, start=cadre.rank_start))

    if post_updates:
        bulk_update_with_history(post_updates, PostHistory, ["end", "level"], batch_size=500, default_user=user)
    fast_create(PostHistory, post_creates, user=user)
    for row in rank_deletes:
        row._history_user = user
        row.delete()
    if rank_closes:
        bulk_update_with_history(rank_closes, RankHistory, ["end"], batch_size=500, default_user=user)
    fast_create(RankHistory, rank_creates, user=user)
    return warnings


def positions_open_bulk(entries: list[dict], *, user=None, method: str = "") -> dict[int, list[str]]:
    """``sync_positions_bulk`` for new records (no open rows yet), from plain dicts: ``id``, ``unit_id``,
    ``position_title``, ``position_start``, ``rank_level``, ``rank_start``. Same rules: a post-history row when
    职务 and 任现职时间 are given (linked to the unit's post of that title when a seat is free, else a warning),
    a rank row when 职务层次 and 任现职级时间 are. Rows in order, so seats go as ``sync_positions_bulk`` gives them."""
    warnings: dict[int, list[str]] = defaultdict(list)
    holders = [e for e in entries if e.get("position_title") and e.get("position_start")]
    wanted = {(e["unit_id"], e["position_title"]) for e in holders if e.get("unit_id")}
    posts: dict[tuple[int, str], Post] = {}
    if wanted:
        for post in Post.objects.filter(
            unit_id__in={u for u, _ in wanted}, title__in={t for _, t in wanted}
        ).select_related("unit"):
            if (post.unit_id, post.title) in wanted:
                posts[(post.unit_id, post.title)] = post
    taken: dict[int, set[int]] = defaultdict(set)  # post id → seats
    if posts:
        for post_id, seat in PostHistory.objects.filter(
            post_id__in=[p.pk for p in posts.values()], end__isnull=True
        ).values_list("post_id", "seat"):
            taken[post_id].add(seat)
    unit_names = dict(OrgUnit.objects.filter(pk__in={e["unit_id"] for e in holders if e.get("unit_id")}).values_list("id", "name"))
    post_rows = []
    for e in holders:
        post = posts.get((e["unit_id"], e["position_title"])) if e.get("unit_id") else None
        seat = None
        if post:
            seats = taken[post.pk]
            seat = next((s for s in range(1, post.headcount + 1) if s not in seats), None)
            if seat is None:
                warnings[e["id"]].append(f"{post}职数已满（{post.headcount}人），任职记录未关联职位")
                post = None
            else:
                seats.add(seat)
        post_rows.append({
            "cadre_id": e["id"], "unit_id": e.get("unit_id"), "post_id": post.pk if post else None, "seat": seat,
            "unit_name": unit_names.get(e.get("unit_id"), ""), "title": e["position_title"],
            "level": e.get("rank_level") or "", "start": e["position_start"], "method": method,
        })
    insert_rows(PostHistory, post_rows, user=user)
    rank_rows = [
        {"cadre_id": e["id"], "level": e["rank_level"], "start": e["rank_start"]}
        for e in entries if e.get("rank_level") and e.get("rank_start")
    ]
    insert_rows(RankHistory, rank_rows, user=user)
    return warnings
