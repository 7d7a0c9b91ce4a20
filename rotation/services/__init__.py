"""Every write of the rotation app: keyword-only, an actor, one transaction, an audit row.

Split by sub-domain: ``plans`` (policy, plan create/update, validation), ``transitions`` (the one entry for a plan's
status moves, ``plan_transition``, by the table in ``rotation.workflow``), ``execution`` (carrying out the moves in the
cadre records), ``moves`` (who goes where), ``suggestions`` (the solver's proposals), ``adoption`` (adopting them with their chains, rejecting), ``secondments`` (挂职锻炼).
Import from ``rotation.services``.
"""
from __future__ import annotations

from .moves import move_add, move_remove, move_update
from .execution import METHOD, moves_carry_out
from .plans import eligibility_verdicts, plan_check, plan_create, plan_report, plan_update, policy_default, screen_basis
from .secondments import SECONDMENT_FIELDS, secondment_create, secondment_mark_reminded, secondment_update
from .adoption import Adopted, suggestion_accept, suggestion_reject, suggestions_adopt
from .suggestions import build_problem, solve_whole, suggestions_generate
from .transitions import plan_approve, plan_execute, plan_return, plan_submit, plan_transition

__all__ = [
    "Adopted", "METHOD", "SECONDMENT_FIELDS", "build_problem", "eligibility_verdicts", "move_add", "move_remove", "move_update",
    "moves_carry_out", "plan_approve", "plan_check", "plan_report", "plan_create", "plan_execute", "plan_return", "plan_submit",
    "plan_transition", "plan_update", "policy_default", "screen_basis", "solve_whole", "suggestions_adopt", "secondment_create", "secondment_mark_reminded", "secondment_update", "suggestion_accept",
    "suggestion_reject", "suggestions_generate",
]
