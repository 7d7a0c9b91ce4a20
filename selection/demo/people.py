"""Who the demo campaigns offer and who stands: posts that are really vacant, and candidates who make sense.

A candidate never competes for the post they hold, nor for a post of their own unit (their own chain: a 主任
for his own deputy's post), nor for a post below the level they hold (that would be a 降职, not a competition).
Most candidates hold no leadership post (新提任, or 转任 with an equivalent 职级); ``lateral`` per post may hold a
post of the same level in another unit (平职交流) — the post such a winner leaves is offered again later in the
story, so no chain of moves is left half done.
"""
from __future__ import annotations

import datetime as dt

from cadre import eligibility as E
from cadre.choices import RANK_GRADE
from cadre.models import Cadre, Post

from .. import snapshots


def vacant_posts(level: str, n: int, exclude=()) -> list[Post]:
    posts = []
    qs = Post.objects.filter(level=level, kind="领导职务", is_active=True).exclude(pk__in=exclude).select_related("unit")
    for post in qs.order_by("unit__order", "order", "id"):
        if post.holdings.filter(end__isnull=True).count() < post.headcount:
            posts.append(post)
        if len(posts) == n:
            break
    return posts


def held_posts(cadre_ids) -> dict[int, list[int]]:
    """The leadership posts each cadre holds now (open, non-secondment holdings): what a winner leaves vacant."""
    cadres = snapshots.load_cadres(cadre_ids)
    return {pk: [h.post_id for h in c.open_holdings if h.post_id and not h.is_secondment and h.post.kind == "领导职务"]
            for pk, c in cadres.items()}


def candidates(posts: list[Post], as_of: dt.date, per_post: int, skip: set[int], *, lateral: int = 0,
               lateral_first: bool = False) -> dict[int, list[Cadre]]:
    """Per post, ``per_post`` people who meet its conditions (a set-based screen of the roster) and make sense as
    candidates (see the module docstring); with ``lateral_first`` the 平职交流 candidate comes first."""
    pool = E.active_cadres().exclude(user__isnull=False, user__username__startswith="cadre").exclude(pk__in=skip)
    result = E.screen(pool, posts, as_of)
    ids = {ex.cadre.id for xs in result.values() for ex in xs if ex.result in ("符合", "待人工审核") and not ex.failed}
    people = snapshots.load_cadres(ids)
    chosen, used = {}, set(skip)
    for post in posts:
        fresh, same_level = [], []
        for ex in result[post.pk]:
            cadre = people.get(ex.cadre.id)
            if cadre is None or cadre.pk in used or cadre.unit_id == post.unit_id:
                continue
            facts = snapshots.live_facts(cadre)
            if any(h.post_id == post.pk for h in cadre.open_holdings):
                continue
            level = facts["post_level"]
            if not level:
                fresh.append(cadre)
            elif RANK_GRADE[level] == RANK_GRADE[post.level]:
                same_level.append(cadre)
        # those below the post's grade first (新提任), then equivalent 职级 (转任)
        fresh.sort(key=lambda c: RANK_GRADE.get(c.rank_level, 0) >= RANK_GRADE[post.level])
        lateral_picks = same_level[:lateral]
        picks = (lateral_picks + fresh) if lateral_first else (fresh[: per_post - len(lateral_picks)] + lateral_picks)
        picks = picks[:per_post]
        used.update(c.pk for c in picks)
        chosen[post.pk] = picks
    return chosen


def achievements(cadre: Cadre) -> str:
    return (f"{cadre.name}同志现任{cadre.current_job}，近年来牵头完成多项重点工作，"
            "年度考核连续称职以上，熟悉本领域政策法规，具有较强的组织协调能力。")
