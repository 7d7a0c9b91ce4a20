"""Reads for the eligibility pages and API: thin wrappers over the engine with the filters pages need."""
from __future__ import annotations

import datetime as dt

from core.exceptions import ApplicationError

from ..models import Cadre, EligibilityRuleSet, EligibilityWaiver, Post
from . import rules as R
from .engine import Explanation, screen, today
from .facts import active_cadres
from .rulesets import LEVEL_RANK

RESULT_ORDER = {r: i for i, r in enumerate(R.RESULTS)}


def parse_as_of(value) -> dt.date:
    """The as-of date of a request (YYYY-MM-DD), today in Asia/Shanghai when absent."""
    if not value:
        return today()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApplicationError(f"截止日期格式不正确：{value}（应为YYYY-MM-DD）", field="as_of") from None


def posts_qs():
    return Post.objects.filter(is_active=True).select_related("unit").order_by("unit__order", "order", "id")


def open_posts():
    return posts_qs().filter(is_open_for_competition=True)


def post_screen(
    post: Post, as_of: dt.date, *, result: str = "", appointment: str = "", unit_id=None, scope: str = "", cadres=None
) -> list[Explanation]:
    """Everyone on the active roster against one post, filtered by result, appointment type and unit;
    qualifying people first (符合, 符合（含放宽）, 待人工审核, 不符合), roster order inside."""
    cadres = cadres if cadres is not None else active_cadres()
    if unit_id:
        cadres = cadres.filter(unit_id=unit_id)
    rows = screen(cadres, [post], as_of, scope=scope)[post.pk]
    if result:
        rows = [r for r in rows if r.result == result]
    if appointment:
        rows = [r for r in rows if r.appointment == appointment]
    rows.sort(key=lambda r: RESULT_ORDER[r.result])
    return rows


def post_screen_counts(rows: list[Explanation]) -> dict[str, int]:
    counts = {r: 0 for r in R.RESULTS}
    for row in rows:
        counts[row.result] += 1
    return counts


def cadre_options(cadre: Cadre, as_of: dt.date, *, level: str = "", open_only: bool = True) -> list[Explanation]:
    """One person against the open posts (or every active post of a level): which could they apply for."""
    posts = posts_qs()
    if level:
        posts = posts.filter(level=LEVEL_RANK.get(level, level))
    elif open_only:
        posts = posts.filter(is_open_for_competition=True)
    posts = list(posts)
    if not posts:
        return []
    result = screen(Cadre.objects.filter(pk=cadre.pk), posts, as_of)
    rows = [result[p.pk][0] for p in posts]
    rows.sort(key=lambda r: RESULT_ORDER[r.result])
    return rows


def waivers_for(cadre: Cadre, post: Post | None = None):
    qs = EligibilityWaiver.objects.filter(cadre=cadre).select_related("post__unit", "approved_by", "revoked_by")
    if post is not None:
        qs = qs.filter(post=post)
    return qs.order_by("revoked_at", "-approved_on", "-id")


def rule_set_rows():
    return EligibilityRuleSet.objects.select_related("post__unit", "updated_by").order_by("level", "post_id", "scope")
