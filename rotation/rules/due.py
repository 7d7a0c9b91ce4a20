"""Who must rotate: the exemptions (暂缓) and the scan of the whole roster."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from cadre.retirement import Retirement, retirement_of

from .dates import add_years, fmt_month
from .facts import RULE_KINSHIP, RULE_LOCAL, Finding, PersonFacts, Policy
from .kinship import KinLink, kin_pairs, kinship_findings
from .locality import rule_local
from .tenure import rule_key_post, rule_same_post


def retirement_age(p: PersonFacts, policy: Policy) -> Retirement:
    """The statutory retirement by the birth-month table (`cadre.retirement`); the policy's ages are the original
    ages the table steps from (60 / 55 / 50), any other number a fixed age."""
    original = policy.retirement_age_female if p.gender == "女" else policy.retirement_age_male
    return retirement_of(p.birth_date, p.gender, original_years=original)


def exemption(p: PersonFacts, policy: Policy, as_of: dt.date) -> str:
    """'' when not exempt; otherwise why the person is not due (both exemptions are inclusive at the boundary)."""
    if p.position_start is not None and as_of < add_years(p.position_start, policy.min_years_in_post):
        return f"任现职 {fmt_month(p.position_start)} 起不满 {policy.min_years_in_post} 年"
    r = retirement_age(p, policy)
    if as_of >= add_years(r.on, -policy.near_retirement_years):
        return (f"{fmt_month(p.birth_date)} 出生，法定退休年龄 {r.age_label}（{r.month_cn}到龄退休），"
                f"距退休不足 {policy.near_retirement_years} 年")
    return ""


def _with_exemption(f: Finding, p: PersonFacts, policy: Policy, as_of: dt.date) -> Finding:
    if f.rule in (RULE_LOCAL, RULE_KINSHIP) and not policy.exempt_avoidance:
        return f
    why = exemption(p, policy, as_of)
    if not why:
        return f
    return Finding(f.rule, f.rule_name, f.cadre_id, f.reason, f.facts, why, f.related_cadre_id)


def must_rotate(
    people: Mapping[int, PersonFacts], links: Iterable[KinLink], policy: Policy, as_of: dt.date
) -> dict[int, list[Finding]]:
    """Every finding for the roster, keyed by cadre id (exempted findings included, flagged)."""
    out: dict[int, list[Finding]] = defaultdict(list)
    for p in people.values():
        for rule in (rule_same_post, rule_key_post, rule_local):
            f = rule(p, policy, as_of)
            if f:
                out[p.cadre_id].append(_with_exemption(f, p, policy, as_of))
    if policy.kinship_avoidance:
        for f in kinship_findings(people, kin_pairs(links)):
            out[f.cadre_id].append(_with_exemption(f, people[f.cadre_id], policy, as_of))
    return dict(out)


def is_due(findings: Iterable[Finding]) -> bool:
    return any(not f.exempt for f in findings)
