"""A leader's inbox: plans, review lists, inspection targets and meetings waiting for them."""
from __future__ import annotations

from django.shortcuts import render

from core.decorators import require

from .. import permissions, selectors
from ..forms import PlanApproveForm, ReasonForm


# ---------------------------------------------------------------- leaders

@require(permissions.is_leader)
def leader_inbox(request):
    items = selectors.leader_inbox(request.user)
    return render(request, "selection/leader_inbox.html", {
        "items": items, "approve_form": PlanApproveForm(), "reason_form": ReasonForm(),
    })
