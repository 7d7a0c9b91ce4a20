"""Pages of a ballot session: list, create, detail, status moves, codes, paper ballots."""
import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from .. import rules, selectors, services, slips, workflow
from ..forms import CodeIssueForm, PaperIssuedForm, RevokeForm, SessionCreateForm, VoidForm
from ..models import BallotSession
from .common import show_error, staff_required, tally_reader_required


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
            "groups": session.groups.order_by("order", "id"),
            "turnout": selectors.turnout(session),
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
        show_error(request, exc)
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
    """Issue codes for several groups in one step and answer with the slips at once: the plain codes exist only
    in this response (a print page, a PDF or a workbook; never stored, never cached)."""
    session = get_object_or_404(BallotSession, pk=pk)
    form = CodeIssueForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, "发放测评码：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("assessment:session-detail", pk=pk)
    try:
        issued = services.codes_issue_groups(actor=request.user, session=session, counts=form.cleaned_data["counts"])
    except ApplicationError as exc:
        show_error(request, exc)
        return redirect("assessment:session-detail", pk=pk)
    ballot_url = request.build_absolute_uri(reverse("assessment:ballot", args=[session.public_id]))
    slip_list, summary = [], []
    for group, codes in issued:
        part = slips.make_slips(codes_with_serials=selectors.code_serials(session, codes), ballot_url=ballot_url,
                                group=group.name)
        slip_list += part
        summary.append((group.name, len(part), part[0].serial, part[-1].serial))
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    fmt = form.cleaned_data["format"]
    if fmt == "html":
        response = render(request, "assessment/slips_print.html", {
            "session": session, "slips": slip_list, "summary": summary,
            "total": len(slip_list), "ballot_url": ballot_url,
        })
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    if fmt == "xlsx":
        body = slips.slips_xlsx(session=session, slips=slip_list)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"ballot-codes-{session.pk}-{stamp}.xlsx"
    else:
        body = slips.slips_pdf(session=session, slips=slip_list)
        response = HttpResponse(body, content_type="application/pdf")
        filename = f"ballot-slips-{session.pk}-{stamp}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def codes_void_unused(request, pk):
    session = get_object_or_404(BallotSession, pk=pk)
    try:
        n = services.codes_void_unused(actor=request.user, session=session)
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"已作废未使用的测评码 {n} 个。")
    return redirect("assessment:session-detail", pk=pk)


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
            show_error(request, exc)
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
            show_error(request, exc)
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
                    show_error(request, exc)
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
            "turnout": selectors.turnout(session),
        },
    )
