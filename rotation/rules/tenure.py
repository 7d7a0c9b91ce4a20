"""Tenure rules: the same post for too long, a key post held for a full term."""
from __future__ import annotations

import datetime as dt

from .dates import fmt_month, whole_years
from .facts import RULE_KEY_POST, RULE_NAMES, RULE_SAME_POST, Finding, PersonFacts, Policy


def rule_same_post(p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding | None:
    if p.position_start is None or not p.post_title:
        return None
    years = whole_years(p.position_start, as_of)
    if years < policy.same_post_years:
        return None
    return Finding(
        RULE_SAME_POST,
        RULE_NAMES[RULE_SAME_POST],
        p.cadre_id,
        f"任{p.job} {fmt_month(p.position_start)} 起已满 {policy.same_post_years} 年"
        f"（同一职位任职满{policy.same_post_years}年，实际{years}年）",
        {"start": p.position_start.isoformat(), "years": years, "limit": policy.same_post_years},
    )


def rule_key_post(p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding | None:
    if p.position_start is None or not p.is_key or not p.is_head:
        return None
    years = whole_years(p.position_start, as_of)
    if years < policy.key_post_years:
        return None
    return Finding(
        RULE_KEY_POST,
        RULE_NAMES[RULE_KEY_POST],
        p.cadre_id,
        f"任{p.job} {fmt_month(p.position_start)} 起已满 {policy.key_post_years} 年（重要岗位满一届）",
        {"start": p.position_start.isoformat(), "years": years, "limit": policy.key_post_years},
    )
