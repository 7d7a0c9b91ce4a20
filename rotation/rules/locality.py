"""地域回避: 成长地/籍贯 against the locality of the unit, where one serves now or would serve after a move."""
from __future__ import annotations

import datetime as dt
import re

from .facts import RULE_LOCAL, RULE_NAMES, Finding, PersonFacts, Policy, PostFacts, person_at


def _norm_place(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def place_matches(place: str, locality: str) -> bool:
    """`浙江省湖州市东林镇` matches the locality `东林镇` (either contains the other, at least two characters)."""
    a, b = _norm_place(place), _norm_place(locality)
    if len(a) < 2 or len(b) < 2:
        return False
    return a in b or b in a


def local_conflicts(p: PersonFacts, *, unit_locality: str | None = None) -> list[tuple[str, str]]:
    """[(label, place)] of 成长地/籍贯 that match the unit's locality (the current one, or `unit_locality`)."""
    locality = p.unit_locality if unit_locality is None else unit_locality
    out = []
    for label, place in (("成长地", p.grew_up_place), ("籍贯", p.native_place)):
        if place_matches(place, locality):
            out.append((label, place))
    return out


def needs_local_avoidance(*, is_key: bool, is_head: bool, post_flag: bool) -> bool:
    return post_flag or (is_key and is_head)


def rule_local(p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding | None:
    if not policy.local_avoidance or not p.unit_locality:
        return None
    if not needs_local_avoidance(is_key=p.is_key, is_head=p.is_head, post_flag=p.needs_local_avoidance):
        return None
    hits = local_conflicts(p)
    if not hits:
        return None
    what = "、".join(f"{label}“{place}”" for label, place in hits)
    return Finding(
        RULE_LOCAL,
        RULE_NAMES[RULE_LOCAL],
        p.cadre_id,
        f"{what}与任职单位{p.unit_name}所在地“{p.unit_locality}”相同（{p.post_title}须地域回避）",
        {"places": dict(hits), "locality": p.unit_locality},
    )


def local_conflict_at(p: PersonFacts, post: PostFacts, policy: Policy) -> str:
    """'' or the reason taking `post` would break 地域回避."""
    if not policy.local_avoidance or not post.unit_locality:
        return ""
    is_head = post.kind == "领导职务" and post.level == "正科级" and not post.title.startswith("副")
    is_key = post.is_key_post or (post.unit_is_key and is_head)
    if not needs_local_avoidance(is_key=is_key, is_head=is_head, post_flag=post.needs_local_avoidance):
        return ""
    q = person_at(p, post, dt.date.min)
    hits = local_conflicts(q)
    if not hits:
        return ""
    what = "、".join(f"{label}“{place}”" for label, place in hits)
    return f"{what}与{post.unit_name}所在地“{post.unit_locality}”相同，{post.title}须地域回避"
