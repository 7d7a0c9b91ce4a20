"""Pages of the rotation app, split by sub-domain. Thin: parse input, call a selector or a service, render."""
from .due import due_export, due_list
from .plans import (
    move_add,
    move_remove,
    plan_create,
    plan_detail,
    plan_edit,
    plan_list,
    plan_namelist_export,
    plan_structure,
    plan_transition,
    suggest,
    suggestion_accept,
    suggestion_detail,
    suggestion_reject,
    suggestions_adopt,
)
from .roster import roster_add
from .secondments import secondment_edit, secondment_export, secondment_list
from .structure import structure, structure_export

__all__ = [
    "due_export", "due_list", "move_add", "move_remove", "plan_create", "plan_detail", "plan_edit", "plan_list",
    "plan_namelist_export", "plan_structure", "plan_transition", "roster_add", "secondment_edit", "secondment_export", "secondment_list", "structure",
    "structure_export", "suggest", "suggestion_accept", "suggestion_detail", "suggestion_reject",
    "suggestions_adopt",
]
