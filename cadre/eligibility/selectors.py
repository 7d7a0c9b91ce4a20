"""Reads for the eligibility pages and API: thin wrappers over the engine with the filters pages need."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from django.db.models import Count, F, Q
from django.utils import timezone

from core.exceptions import ApplicationError
from core.fragments import params_digest

from ..models import Cadre, EligibilityManualCheck, EligibilityRuleSet, EligibilityWaiver, Post
from . import rules as R
from .cache import cache_version, post_screen_columns, posts_screen_columns
from .columns import APPT_INDEX, FAIL, MANUAL, RESULT_INDEX, screen_columns
from .engine import Explanation, screen, today
from .rulesets import LEVEL_RANK, RuleSetCache, level_key

RESULT_ORDER = {r: i for i, r in enumerate(R.RESULTS)}
CHUNK = 1000


class ScreenRows(Sequence):
    """The rows of a post's screen after filters, in display order; an explanation is built only when its row is
    read (a slice builds its rows together: one page, eight queries)."""

    def __init__(self, screen, post_id, order: np.ndarray, rule_set=None):
        self.screen, self.post_id, self.order = screen, post_id, order
        self.columns = screen.posts[post_id]
        self.rule_set = rule_set  # the post's resolved rule set (its sources are shown on the page)

    def __len__(self):
        return len(self.order)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return self.screen.explanations(self.post_id, [int(i) for i in self.order[item]])
        return self.screen.explanations(self.post_id, [int(self.order[item])])[0]

    def __iter__(self):
        for start in range(0, len(self.order), CHUNK):
            yield from self[start:start + CHUNK]

    def counts(self) -> dict:
        """Counts of the rows shown: per result, per appointment kind, and the people with an open manual item."""
        col, idx = self.columns, self.order
        result, appt = col.result[idx], col.appointment[idx]
        pending = (result == MANUAL) | ((result != FAIL) & col.manual_open[idx])
        out = {"total": len(idx), "pending": int(pending.sum())}
        out["results"] = {r: int((result == RESULT_INDEX[r]).sum()) for r in R.RESULTS}
        for key, r in (("ok", R.RESULT_OK), ("ok_waived", R.RESULT_OK_WAIVED), ("manual", R.RESULT_MANUAL), ("fail", R.RESULT_FAIL)):
            out[key] = out["results"][r]
        for key, a in (("new", R.NEW), ("transfer", R.TRANSFER), ("demotion", R.DEMOTION)):
            i = APPT_INDEX[a]
            out[key] = {"total": int((appt == i).sum()), "eligible": int(((appt == i) & (result != FAIL)).sum()),
                        "pending": int(((appt == i) & pending).sum())}
        return out


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
) -> ScreenRows:
    """Everyone on the active roster against one post (the screen cached per as-of date, rule set and roster
    version), filtered by result, appointment kind and unit; grouped 新任, 转任, 降职, then qualifying people first
    (符合, 符合（含放宽）, 待人工审核, 不符合), roster order inside. `result` 待人工审核 also finds people who
    meet every other condition while their manual item is open (the rows that say 另有…项待人工审核)."""
    rules = RuleSetCache(posts=[post.pk], scope=scope)
    if cadres is None:
        screen_, col = post_screen_columns(post, as_of, scope=scope, rules=rules)
    else:
        screen_ = screen_columns(cadres, [post], as_of, scope=scope)
        col = screen_.posts[post.pk]
    keep = np.ones(len(screen_.ids), bool)
    if unit_id:
        keep &= screen_.unit_ids == int(unit_id)
    if result == R.RESULT_MANUAL:
        keep &= (col.result == MANUAL) | ((col.result != FAIL) & col.manual_open)
    elif result:
        keep &= col.result == RESULT_INDEX[result]
    if appointment:
        keep &= col.appointment == APPT_INDEX[appointment]
    idx = np.flatnonzero(keep)
    order = idx[np.lexsort((idx, col.result[idx], col.appointment[idx]))]
    return ScreenRows(screen_, post.pk, order, rules.resolve(level_key(post.level), post.pk))


def post_screen_page_key(post: Post, params) -> str | None:
    """The cache key of the rendered "who qualifies" page of a post (core.fragments): the roster version (bumped
    by every write to records, posts, units, rule sets, waivers and manual checks), today's date (the default
    as-of date), the post and every GET parameter. The page shows nothing of the viewer. None inside a
    transaction: its uncommitted rows are not everyone's."""
    version = cache_version()
    if version is None:
        return None
    return f"eligibility:post-screen:{version}:{timezone.localdate()}:{post.pk}:{params_digest(params)}"


def post_screen_counts(rows: ScreenRows) -> dict:
    return rows.counts()


def posts_index(*, unit_id=None, level: str = "", vacancy: str = "", open_only: bool = False):
    """The posts of the eligibility index with their vacancies (职数 − current holders), filtered by unit, level
    (正科级/副科级/…) and vacancy (有空缺/无空缺)."""
    qs = posts_qs().annotate(held=Count("holdings", filter=Q(holdings__end__isnull=True))).annotate(vacant=F("headcount") - F("held"))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if level:
        qs = qs.filter(level=level)
    if vacancy == "有空缺":
        qs = qs.filter(vacant__gt=0)
    elif vacancy == "无空缺":
        qs = qs.filter(vacant__lte=0)
    if open_only:
        qs = qs.filter(is_open_for_competition=True)
    return qs


def posts_index_counts(posts, as_of: dt.date) -> dict:
    """{post id: counts} for a page of posts, from the same cached screens as each post's own page (one column
    screen of the roster against the posts that had none): the counts of that page without filters."""
    screens = posts_screen_columns(posts, as_of)
    return {pid: ScreenRows(screen_, pid, np.arange(len(screen_.ids))).counts() for pid, screen_ in screens.items()}


def manual_checks_for(cadre: Cadre):
    return EligibilityManualCheck.objects.filter(cadre=cadre).select_related("post__unit", "recorded_by").order_by("post_id", "scope", "-id")


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
