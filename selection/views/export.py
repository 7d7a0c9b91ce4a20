"""Excel downloads of a campaign (selection.exports): 报名汇总表, 资格审查名单, 成绩汇总表, 考察对象名单.

Staff, leaders and the 纪检 observer may download; judges and candidates get 403. Each judge's individual
scores appear in the 成绩汇总表 only for staff.
"""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from core.decorators import require

from .. import exports, services
from ..models import Campaign
from ..permissions import is_reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(campaign: Campaign, kind: str, user) -> HttpResponse:
    """Build the workbook, record the download (personal data leaves the system) and return it."""
    content = services.campaign_export(actor=user, campaign=campaign, kind=kind)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(campaign, kind))
    return response


@require(is_reader)
def export(request, pk: int, kind: str):
    if kind not in exports.KINDS:
        raise Http404("没有这种导出表格")
    campaign = get_object_or_404(Campaign, pk=pk)
    return xlsx_response(campaign, kind, request.user)


def _view(kind: str):
    def view(request, pk: int):
        return export(request, pk, kind)

    view.__name__ = f"export_{kind}"
    view.__doc__ = f"下载{exports.KINDS[kind][0]}（Excel）。"
    return view


export_registrations = _view("registrations")
export_review = _view("review")
export_scores = _view("scores")
export_inspection = _view("inspection")
