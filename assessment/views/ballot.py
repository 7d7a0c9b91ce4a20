"""The anonymous ballot page: code → marks → review → submit, all by POST; nothing cached."""
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core.exceptions import ApplicationError

from .. import rules, selectors, services
from ..api import BallotThrottle
from ..models import SessionStatus


def unlogged(response):
    """Keep a vote-path response out of the ``django.request`` log, which would stamp every refused code (a 400)
    with its time: no log line per vote, accepted or not (issue #18). Django skips a response it was told has been
    logged (``django.utils.log.log_response``)."""
    response._has_been_logged = True
    return response


def _ballot_response(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # no-referrer makes chromium send Origin: null (CSRF)
    return unlogged(response)


def _posted_marks(request, targets):
    return {
        t.pk: {"choice": request.POST.get(f"m_{t.pk}", "").strip(), "reason": request.POST.get(f"r_{t.pk}", "").strip()[:500]}
        for t in targets
    }


@never_cache
def ballot(request, public_id):
    """Anonymous ballot page: code (typed, or filled from the QR's #fragment by ballot.js) → marks → review → submit.

    Everything after the first page is a POST; the code travels only in POST bodies and is never echoed into
    a URL. Responses are not cached.
    """
    session = selectors.session_for_ballot(public_id)
    if session is None:
        raise Http404
    targets = list(session.targets.order_by("order", "id"))
    options = rules.options_for(session.option_set)
    ctx = {
        "session": session,
        "targets": targets,
        "options": options,
        "reason_options": sorted(rules.REASON_REQUIRED.get(session.option_set, ())),
        "is_open": session.status == SessionStatus.OPEN,
    }
    if request.method != "POST":
        return _ballot_response(request, "assessment/ballot_code.html", ctx)
    if not BallotThrottle().allow_request(request, None):
        ctx["error"] = "操作过于频繁，请稍后再试。"
        return _ballot_response(request, "assessment/ballot_code.html", ctx, status=429)
    step = request.POST.get("step", "code")
    code = request.POST.get("code", "")
    marks = _posted_marks(request, targets)
    try:
        services.code_check(session_id=session.public_id, code=code)
    except ApplicationError as exc:
        ctx["error"] = exc.message
        return _ballot_response(request, "assessment/ballot_code.html", ctx, status=400)
    ctx["code"] = code.strip()
    rows = [{"target": t, "choice": marks[t.pk]["choice"], "reason": marks[t.pk]["reason"]} for t in targets]
    ctx["rows"] = rows
    if step == "review":
        try:
            judged = {m.target_id: m for m in rules.judge_ballot(session.option_set, [t.pk for t in targets], marks)}
        except ValueError as exc:
            ctx["error"] = str(exc)
            return _ballot_response(request, "assessment/ballot_form.html", ctx, status=400)
        for row in rows:
            row["problem"] = judged[row["target"].pk].problem
        ctx["blank_count"] = sum(1 for r in rows if not r["choice"])
        ctx["invalid_count"] = sum(1 for r in rows if r["problem"])
        return _ballot_response(request, "assessment/ballot_review.html", ctx)
    if step == "submit":
        try:
            services.ballot_submit(session_id=session.public_id, code=code, marks=marks)
        except ApplicationError as exc:
            ctx["error"] = exc.message
            template = "assessment/ballot_form.html" if exc.field == "marks" else "assessment/ballot_code.html"
            return _ballot_response(request, template, ctx, status=400)
        return _ballot_response(request, "assessment/ballot_done.html", {"session": session})
    return _ballot_response(request, "assessment/ballot_form.html", ctx)
