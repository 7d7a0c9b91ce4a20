"""轮岗交流 rules as pure functions: no ORM, no I/O, no clock.

Selectors load plain facts (`PersonFacts`, `KinLink`) for the whole roster in a few queries; these functions
decide who must rotate and why, and whether a move would create an avoidance conflict. Every finding carries a
rule code, the facts it rests on and a Chinese reason a clerk can paste into a report.

Assumptions (docs/decisions.md, rotation section):
- Tenure is whole years: N years are reached on the same month-day N years later; dates given as year-month are
  stored as the 1st and so count from the 1st.
- 正职 = a 正科级 领导职务 post whose title does not start with 副 (局长, 主任, 镇长, 书记 ...).
- Key post = `Post.is_key_post`, or a 正职 post in a key unit (`OrgUnit.is_key_unit`: 纪检监察, 组织, 人事, 公安,
  财政, 审计, 法院, 检察院).
- Exemptions (< 2 years in post; within 2 years of retirement age) lift every must-rotate finding, avoidance
  included, unless the policy says avoidance is never exempt; an exempted finding is still listed (暂缓) with why.
- Retirement age: the statutory table by birth month (`cadre.retirement`, 2024 NPC decision); the policy's 60 (男) /
  55 (女) are the original ages the table steps from.
- Kinship follows 《公务员回避规定》: 夫妻关系、直系血亲、三代以内旁系血亲、近姻亲 (配偶的父母、配偶的兄弟姐妹及其配偶、
  子女的配偶及子女配偶的父母、三代以内旁系血亲的配偶).
- "Direct superior–subordinate" in one unit: our records carry no reporting lines, so a leadership post holder is
  treated as the direct superior of everyone in the same unit at a lower grade (正职 over everyone else).

Modules: ``dates`` (whole-year tenure), ``facts`` (policy, person, post, finding, rule codes), ``tenure`` (same post,
key post), ``locality`` (地域回避), ``kinship`` (任职回避 by 称谓), ``relations`` (a 称谓 seen from
the other side: 父亲 → 儿子), ``due`` (exemptions and the roster scan), ``plans``
(move type and plan validation). Import from ``rotation.rules``; everything public is re-exported here.
"""
from __future__ import annotations

from .chains import Link, chains, expand, fallers
from .dates import add_years, assessment_basis, fmt_month, whole_years
from .due import exemption, is_due, must_rotate, retirement_age
from .facts import (
    RULE_KEY_POST,
    RULE_KIND,
    RULE_KINSHIP,
    RULE_LOCAL,
    RULE_NAMES,
    RULE_SAME_POST,
    SENSITIVE_AREAS,
    SENSITIVE_WORDS,
    Finding,
    PersonFacts,
    Policy,
    PostFacts,
    person_at,
)
from .kinship import (
    COLLATERAL,
    IN_LAW,
    LINEAL,
    SPOUSE,
    KinLink,
    Kinship,
    kin_conflicts_with,
    kin_pairs,
    kinship_findings,
    kinship_of,
    kinship_situations,
)
from .locality import local_conflict_at, local_conflicts, needs_local_avoidance, place_matches, rule_local
from .plans import (
    Eligibility,
    MoveFacts,
    ScopeCount,
    move_label,
    move_type,
    person_move_type,
    plan_violations,
    scope_count,
    scope_violation,
    Violation,
    validate_plan,
)
from .relations import gender_of_word, known_relations, relation_from_other_side
from .tenure import rule_key_post, rule_same_post

__all__ = [
    "COLLATERAL", "IN_LAW", "LINEAL", "RULE_KEY_POST", "RULE_KIND", "RULE_KINSHIP", "RULE_LOCAL", "RULE_NAMES",
    "RULE_SAME_POST", "SENSITIVE_AREAS", "SENSITIVE_WORDS", "SPOUSE", "Eligibility", "Finding", "Link", "chains", "expand", "fallers", "KinLink", "Kinship",
    "MoveFacts", "PersonFacts", "ScopeCount", "Violation", "person_move_type", "plan_violations", "scope_count",
    "scope_violation", "Policy", "PostFacts", "add_years", "assessment_basis", "exemption", "fmt_month", "is_due",
    "kin_conflicts_with", "kin_pairs", "kinship_findings", "kinship_of", "kinship_situations", "local_conflict_at",
    "local_conflicts", "move_label", "move_type", "must_rotate", "needs_local_avoidance", "person_at",
    "place_matches", "gender_of_word", "known_relations", "relation_from_other_side", "retirement_age", "rule_key_post", "rule_local", "rule_same_post", "validate_plan",
    "whole_years",
]
