"""TEMPORARY: the names selection imported from the old ``cadre.rules`` module, until selection imports them
from ``cadre.eligibility`` (its public names). Delete this file once nothing imports ``cadre.rules``."""
from cadre.eligibility import NEW, RULE_NAMES, TRANSFER, WAIVABLE_RULES, birth_cutoff, fmt_date, parse_date  # noqa: F401
