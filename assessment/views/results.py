"""Results of a ballot session: the page (table and chart data) and the 测评结果汇总表 workbook."""
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core.exceptions import ApplicationError

from .. import selectors, slips
from ..models import BallotSession
from .common import show_error, tally_reader_required


def _result_for(session):
    """The frozen result once the session was closed; before that nobody (staff included) sees per-target
    counts — the page shows the turnout only."""
    if selectors.has_result(session):
        return selectors.tally(session)
    return None


def chart_data(result: dict) -> dict:
    return {
        "names": [t["name"] for t in result["targets"]],
        "options": result["options"],
        "counts": {o: [t["overall"]["counts"][o] for t in result["targets"]] for o in result["options"]},
        "scores": [float(t["score"]) if t["score"] is not None else None for t in result["targets"]],
    }


@tally_reader_required
def results(request, pk):
    session = get_object_or_404(BallotSession, pk=pk)
    try:
        result = _result_for(session)
    except ApplicationError as exc:
        show_error(request, exc)
        result = None
    context = {"session": session, "result": result, "turnout": selectors.turnout(session)}
    if result:
        context["chart"] = chart_data(result)
        context["rate_columns"] = slips.rate_columns(result["option_set"])
        context["rows"] = [
            {"target": t, "counts": [t["overall"]["counts"][o] for o in result["options"]],
             "rates": [t["overall"].get(k) for k, _l in context["rate_columns"]],
             "groups": [{"g": g, "counts": [g["counts"][o] for o in result["options"]],
                         "rates": [g.get(k) for k, _l in context["rate_columns"]]} for g in t["groups"]]}
            for t in result["targets"]
        ]
    return render(request, "assessment/results.html", context)


@tally_reader_required
def results_xlsx(request, pk):
    session = get_object_or_404(BallotSession, pk=pk)
    result = _result_for(session)
    if result is None:
        raise PermissionDenied("测评尚未结束，不能导出计票结果。")
    body = slips.results_xlsx(session=session, result=result)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ballot-results-{session.pk}.xlsx"'
    return response
