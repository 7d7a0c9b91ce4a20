"""A leader's inbox: plans, review lists, inspection targets and meetings waiting for them."""
from __future__ import annotations

from django.shortcuts import render

from core.decorators import require

from .. import permissions, selectors, workflow
from ..forms import TransitionForm
from .common import suggested_inputs
from ..workflow import Stage


# ---------------------------------------------------------------- leaders

@require(permissions.is_leader)
def leader_inbox(request):
    items = selectors.leader_inbox(request.user)
    return render(request, "selection/leader_inbox.html", {
        "items": items,
        "approve_form": TransitionForm(transition=workflow.transition_for("approve_plan", Stage.PLAN_APPROVAL),
                                       auto_id=False, placeholders=True, initial=suggested_inputs("approve_plan")),
    })
