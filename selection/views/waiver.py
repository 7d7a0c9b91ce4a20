"""个别放宽 from the review queue: a leader grants a campaign-scope waiver for one applicant."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cadre.eligibility import RULE_NAMES
from core import roles
from core.decorators import require
from core.exceptions import ApplicationError

from .. import services
from ..forms import WaiverForm
from ..models import Application


@require(lambda user: roles.has_role(user, roles.LEADER))
@require_POST
def review_waiver(request, pk, app):
    application = get_object_or_404(Application.objects.select_related("cadre"), pk=app, campaign_id=pk)
    form = WaiverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择放宽条件并填写放宽理由。")
    else:
        try:
            services.review_waiver_grant(actor=request.user, application=application, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已批准{application.cadre.name}在本次竞争上岗中放宽{RULE_NAMES[form.cleaned_data['rule']]}条件。")
    return redirect("selection:section", pk=pk, section="review")
