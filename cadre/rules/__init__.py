"""Pure rules of the cadre records (no I/O): matching family members to roster records."""
from .family import (
    EXACT,
    PROPOSAL,
    Match,
    RelativeFacts,
    RosterFacts,
    index_roster,
    match_relative,
    name_month_key,
    normalize_id,
    normalize_name,
    unit_supports,
)

__all__ = [
    "EXACT", "PROPOSAL", "Match", "RelativeFacts", "RosterFacts", "index_roster", "match_relative", "name_month_key",
    "normalize_id", "normalize_name", "unit_supports",
]
