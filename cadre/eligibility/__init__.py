"""任职资格 (eligibility): who may apply for which post, and why, rule by rule.

A package of the cadre app (its models, EligibilityRuleSet and EligibilityWaiver, live in cadre.models):

- ``rules`` pure rule functions and ``dates`` their calendar arithmetic (no ORM, no clock);
- ``rulesets`` the spec's defaults per level and the overrides stored per level, post or campaign;
- ``facts`` what the rules read, loaded set-based; ``engine`` applies a rule set to facts (explain, screen);
- ``bundle`` what the explanations of a few people for one post read, in one query (explain, a page of rows);
- ``columns`` the whole-roster screen column-stored and evaluated set-wise (numpy), explanations built when read;
- ``cache`` screens of one post cached per as-of date, rule set and roster version (``roster_version_bump``);
- ``services`` writes (rule sets, waivers; re-exported by ``cadre.services``), ``selectors`` reads for pages;
- ``views``/``forms``/``urls`` the pages, ``api`` (views, urls) the API, ``admin`` the admin.

Other apps import only the names below (``from cadre.eligibility import explain, screen``), never a module of
the package; writes go through ``cadre.services`` (``waiver_grant``, ``waiver_revoke``, ``rule_set_save``…).
"""
from .cache import cache_version, post_screen_columns, roster_version, roster_version_bump
from .columns import Screen, screen_columns
from .dates import age_on, birth_cutoff, fmt_date, parse_date
from .engine import Explanation, explain, explain_many, screen, screen_level, today
from .facts import CadreFacts, PostFacts, active_cadres
from .rules import (
    APPOINTMENTS,
    DEMOTION,
    FAIL,
    MANUAL,
    NEW,
    PASS,
    RESULT_FAIL,
    RESULT_MANUAL,
    RESULT_OK,
    RESULT_OK_WAIVED,
    RESULTS,
    RULE_NAMES,
    TRANSFER,
    WAIVABLE_RULES,
    WAIVED,
    RuleResult,
)
from .rulesets import LEVELS, RuleSet, has_rules_for_level, resolve_rule_set, resolve_rule_sets


__all__ = [
    "age_on",
    "APPOINTMENTS",
    "CadreFacts",
    "DEMOTION",
    "Explanation",
    "FAIL",
    "LEVELS",
    "MANUAL",
    "NEW",
    "PASS",
    "PostFacts",
    "RESULTS",
    "RESULT_FAIL",
    "RESULT_MANUAL",
    "RESULT_OK",
    "RESULT_OK_WAIVED",
    "RULE_NAMES",
    "RuleResult",
    "RuleSet",
    "Screen",
    "TRANSFER",
    "WAIVABLE_RULES",
    "WAIVED",
    "active_cadres",
    "birth_cutoff",
    "explain",
    "explain_many",
    "fmt_date",
    "has_rules_for_level",
    "parse_date",
    "post_screen_columns",
    "resolve_rule_set",
    "resolve_rule_sets",
    "cache_version",
    "roster_version",
    "roster_version_bump",
    "screen",
    "screen_columns",
    "screen_level",
    "today",
]
