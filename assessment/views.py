"""Pages of 民主测评 and 考核. Thin: forms check shape, services decide and write."""
import functools
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from . import rules, selectors, services, slips, workflow
from .api import BallotThrottle
from .codes import code_digest
from .forms import (
    AnnualFilterForm,
    CodeIssueForm,
    PaperIssuedForm,
    PeriodicForm,
    ResidentForm,
    RevokeForm,
    SessionCreateForm,
    TermReviewForm,
    VoidForm,
    current_year,
)
from .models import BallotCode, BallotSession, SessionStatus
from .permissions import can_manage, can_read_tallies


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def tally_reader_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_read_tallies(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _error(request, exc: ApplicationError):
    messages.error(request, exc.message)
    for item in exc.errors[:20]:
        messages.error(request, item["message"] if isinstance(item, dict) else str(item))


# ---------------------------------------------------------------------------------------------- sessions


@tally_reader_required
def session_list(request):
    return render(request, "assessment/session_list.html", {"sessions": selectors.session_list()})


@staff_required
def session_create(request):
    form = SessionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            session = services.ballot_session_create(
                actor=request.user, title=d["title"], option_set=d["option_set"], targets=d["targets_text"],
                groups=d["groups_text"], score_map=d["score_map"], vote_date=d["vote_date"],
                participation_threshold=d["participation_threshold"], min_group_ballots=d["min_group_ballots"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field + "_text" if exc.field in ("targets", "groups") else None, exc.message)
        else:
            messages.success(request, f"已创建测评“{session.title}”。")
            return redirect("assessment:session-detail", pk=session.pk)
    return render(request, "assessment/session_form.html", {"form": form})


@staff_required
def session_detail(request, pk):
    session = get_object_or_404(BallotSession, pk=pk)
    return render(
        request,
        "assessment/session_detail.html",
        {
            "session": session,
            "targets": session.targets.select_related("cadre").order_by("order", "id"),
            "groups": selectors.group_code_stats(session),
            "issue_form": CodeIssueForm(session=session),
            "paper_form": PaperIssuedForm(session=session),
            "revoke_form": RevokeForm(),
            "void_form": VoidForm(),
            "ballot_url": request.build_absolute_uri(reverse("assessment:ballot", args=[session.public_id])),
        },
    )


TRANSITION_DONE = {
    "open": (messages.SUCCESS, "测评已开始，测评人可凭测评码投票。"),
    "close": (messages.SUCCESS, "测评已结束，结果已冻结。"),
    "void": (messages.WARNING, "测评已作废。"),
}


@staff_required
@require_POST
def session_transition(request, pk, action):
    """A status move of the table in assessment.workflow, run by services.ballot_session_transition."""
    if action not in workflow.ACTIONS:
        raise Http404
    session = get_object_or_404(BallotSession, pk=pk)
    try:
        note = ""
        if workflow.reason_required(action):
            form = VoidForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(workflow.REASON_MISSING[action])
            note = form.cleaned_data["reason"]
        services.ballot_session_transition(actor=request.user, session=session, action=action, note=note)
    except ApplicationError as exc:
        _error(request, exc)
        return redirect("assessment:session-detail", pk=pk)
    level, text = TRANSITION_DONE[action]
    messages.add_message(request, level, text)
    if action == "close":
        return redirect("assessment:results", pk=pk)
    return redirect("assessment:session-detail", pk=pk)


@never_cache
@staff_required
@require_POST
def codes_issue(request, pk):
    """Issue codes and answer with the slips at once: the plain codes exist only in this response."""
    session = get_object_or_404(BallotSession, pk=pk)
    form = CodeIssueForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, "发放测评码：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("assessment:session-detail", pk=pk)
    group = form.cleaned_data["group"]
    try:
        codes = services.codes_issue(actor=request.user, session=session, group=group, count=form.cleaned_data["count"])
    except ApplicationError as exc:
        _error(request, exc)
        return redirect("assessment:session-detail", pk=pk)
    serial_of = dict(BallotCode.objects.filter(session=session, digest__in=[code_digest(c) for c in codes]).values_list("digest", "serial"))
    ballot_url = request.build_absolute_uri(reverse("assessment:ballot", args=[session.public_id]))
    slip_list = slips.make_slips(codes_with_serials=[(serial_of[code_digest(c)], c) for c in codes], ballot_url=ballot_url)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    if form.cleaned_data["format"] == "xlsx":
        body = slips.slips_xlsx(session=session, group=group, slips=slip_list)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"ballot-codes-{session.pk}-{stamp}.xlsx"
    else:
        body = slips.slips_pdf(session=session, group=group, slips=slip_list)
        response = HttpResponse(body, content_type="application/pdf")
        filename = f"ballot-slips-{session.pk}-{stamp}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def code_revoke(request, pk):
    session = get_object_or_404(BallotSession, pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            row = services.code_revoke(
                actor=request.user, session=session, code=form.cleaned_data.get("code") or "",
                serial=form.cleaned_data.get("serial"),
            )
            messages.success(request, f"票号 {row.serial} 的测评码已作废。")
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, "请填写要作废的测评码或票号。")
    return redirect("assessment:session-detail", pk=pk)


@staff_required
@require_POST
def paper_issued(request, pk):
    session = get_object_or_404(BallotSession, pk=pk)
    form = PaperIssuedForm(request.POST, session=session)
    if form.is_valid():
        try:
            group = services.paper_issued_set(
                actor=request.user, session=session, group=form.cleaned_data["group"], count=form.cleaned_data["count"]
            )
            messages.success(request, f"“{group.name}”发出纸质票 {group.paper_issued} 张。")
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, "请填写测评人类别和票数。")
    return redirect("assessment:session-detail", pk=pk)


PAPER_ROWS = 20
CELL_RE = re.compile(r"^c_(\d+)_(\d+)$")


@staff_required
def paper_entry(request, pk):
    """Bulk entry grid: one row per returned paper ballot, one cell per target."""
    session = get_object_or_404(BallotSession, pk=pk)
    targets = list(session.targets.order_by("order", "id"))
    groups = list(session.groups.order_by("order", "id"))
    row_count = PAPER_ROWS
    values, errors = {}, {}
    if request.method == "POST":
        group = next((g for g in groups if str(g.pk) == request.POST.get("group")), None)
        grid = {}
        for key, value in request.POST.items():
            m = CELL_RE.match(key)
            if m and int(m.group(2)) < len(targets):
                grid.setdefault(int(m.group(1)), {})[int(m.group(2))] = value.strip()
                values[key] = value
        rows = [[cells.get(t, "") for t in range(len(targets))] for _r, cells in sorted(grid.items()) if any(cells.values())]
        row_count = max(PAPER_ROWS, len(grid))
        if group is None:
            messages.error(request, "请选择测评人类别。")
        else:
            try:
                result = services.paper_ballots_enter(
                    actor=request.user, session=session, group=group, rows=rows,
                    blank_ballots=int(request.POST.get("blank_ballots") or 0),
                )
            except (ApplicationError, ValueError) as exc:
                if isinstance(exc, ApplicationError):
                    _error(request, exc)
                else:
                    messages.error(request, "空白票数须为整数。")
            else:
                if result.voided:
                    messages.error(request, result.message)
                    return redirect("assessment:session-detail", pk=pk)
                messages.success(
                    request, f"已录入“{group.name}”纸质票 {result.entered} 张，其中无效标记 {result.invalid_marks} 处。"
                )
                return redirect("assessment:paper-entry", pk=pk)
    return render(
        request,
        "assessment/paper_entry.html",
        {
            "session": session,
            "targets": targets,
            "groups": groups,
            "rows": [[(f"c_{r}_{t}", values.get(f"c_{r}_{t}", "")) for t in range(len(targets))] for r in range(row_count)],
            "options": rules.options_for(session.option_set),
            "errors": errors,
            "selected_group": request.POST.get("group", ""),
            "groups_stats": selectors.group_code_stats(session),
        },
    )


# ------------------------------------------------------------------------------------------------ results


def _result_for(request, session):
    """Closed → frozen result; open → live count for staff only; else None."""
    if session.status == SessionStatus.CLOSED:
        return selectors.tally(session)
    if can_manage(request.user) and session.status in (SessionStatus.OPEN, SessionStatus.VOID):
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
        result = _result_for(request, session)
    except ApplicationError as exc:
        _error(request, exc)
        result = None
    context = {"session": session, "result": result}
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
    result = _result_for(request, session)
    if result is None:
        raise PermissionDenied
    body = slips.results_xlsx(session=session, result=result)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ballot-results-{session.pk}.xlsx"'
    return response


# -------------------------------------------------------------------------------------------- ballot page


def _ballot_response(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # no-referrer makes chromium send Origin: null (CSRF)
    return response


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


# -------------------------------------------------------------------------------------------- assessments


@staff_required
def annual_entry(request):
    """年度考核 entry for one unit and year; 优秀 over 20 % warns (or is refused when configured)."""
    form = AnnualFilterForm(request.GET or {"year": current_year() - 1})
    unit, year, rows = None, None, []
    if form.is_valid():
        unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
        if request.method == "POST":
            entries = [
                {"cadre": int(key[6:]), "grade": value, "reason": request.POST.get(f"reason_{key[6:]}", "")}
                for key, value in request.POST.items() if key.startswith("grade_") and key[6:].isdigit()
            ]
            try:
                result = services.annual_assessments_save(actor=request.user, unit=unit, year=year, entries=entries)
            except ApplicationError as exc:
                _error(request, exc)
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(request, f"已保存 {result.saved} 人的{year}年度考核结果。")
                return redirect(f"{reverse('assessment:annual')}?unit={unit.pk}&year={year}")
        rows = selectors.unit_assessment_rows(unit, year)
    grades = ["优秀", "称职", "基本称职", "不称职", "未定等次"]
    quota = rules.excellent_quota([a.grade for _c, a in rows if a]) if rows else None
    return render(
        request, "assessment/annual.html",
        {"form": form, "unit": unit, "year": year, "rows": rows, "grades": grades, "quota": quota,
         "posted": request.POST if request.method == "POST" else None},
    )


@staff_required
def periodic(request):
    form = PeriodicForm(request.POST or None, initial={"year": current_year(), "assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = services.periodic_assessment_create(
                actor=request.user, cadre=d["cadre_text"], kind=d["kind"], year=d["year"], quarter=d["quarter"],
                task=d["task"], assessed_on=d["assessed_on"], grade=d["grade"], comment=d["comment"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已录入{row.cadre.name}的考核：{row}。")
            return redirect("assessment:periodic")
    return render(request, "assessment/periodic.html", {"form": form, "rows": selectors.periodic_list()[:200]})


@staff_required
def resident(request):
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = services.resident_evaluation_create(
                actor=request.user, title=d["title"], cadre=d["cadre_text"], subject_name=d["subject_name"],
                population=d["population_text"].splitlines(), sample_size=d["sample_size"], seed=d["seed"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已抽取 {row.sample_size} 名评价人（随机种子 {row.seed}）。")
            return redirect("assessment:resident-detail", pk=row.pk)
    return render(request, "assessment/resident.html", {"form": form, "rows": selectors.resident_list()[:200]})


@staff_required
def resident_detail(request, pk):
    row = get_object_or_404(selectors.resident_list(), pk=pk)
    return render(request, "assessment/resident_detail.html", {"row": row, "verified": services.resident_sample_verify(row)})


@staff_required
def term_reviews(request):
    form = TermReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = services.term_review_create(
                actor=request.user, subject_kind=d["subject_kind"], cadre=d["cadre_text"], subject_name=d["subject_name"],
                term_start=d["term_start"], term_end=d["term_end"], panel=d["panel_text"].splitlines(),
                methods=d["methods"], result=d["result"], opinion=d["opinion"], reviewed_on=d["reviewed_on"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已录入{row.subject_name}的期满考核。")
            return redirect("assessment:term-reviews")
    return render(request, "assessment/term_reviews.html", {"form": form, "rows": selectors.term_review_list()[:200]})

