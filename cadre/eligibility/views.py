"""Eligibility pages: who qualifies for a post, which posts a cadre could apply for, one explanation with
waivers, a candidate's own check, and the staff rule-set editor. Thin: selectors read, services write."""
from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core import roles, xlsx
from core.exceptions import ApplicationError
from core.fragments import cached_fragment
from core.links import SLOT, reverse_each

from ..models import Cadre, EligibilityManualCheck, EligibilityRuleSet, EligibilityWaiver, Post
from . import rules as R
from . import selectors as S
from . import services
from .dates import fmt_date
from .engine import explain as explain_one, today
from .forms import (
    AsOfForm,
    IndexFilterForm,
    ManualCheckForm,
    OptionsFilterForm,
    RevokeForm,
    RuleSetForm,
    ScreenFilterForm,
    WaiverForm,
)
from .rulesets import LEVELS, RULE_ORDER, level_key, resolve_rule_set

PAGE_SIZE = 50
INDEX_PAGE_SIZE = 20


def _reader(request):
    if not roles.can_read_roster(request.user):
        raise PermissionDenied


def _staff(request):
    if not roles.is_staff_member(request.user):
        raise PermissionDenied


def _as_of(request):
    try:
        return S.parse_as_of(request.GET.get("as_of"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return today()


@login_required
def index(request):
    """The posts, filtered by unit, level and vacancy, a page at a time, each with the counts of its own screen."""
    _reader(request)
    form = IndexFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    as_of = f.get("as_of") or today()
    unit = f.get("unit")
    posts = S.posts_index(unit_id=unit.pk if unit else None, level=f.get("level") or "", vacancy=f.get("vacancy") or "",
                          open_only=bool(f.get("open_only")))
    page = Paginator(posts, INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = S.posts_index_counts(page.object_list, as_of)
    rows = [(p, counts.get(p.pk)) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "eligibility/index.html", {
        "form": form, "page": page, "rows": rows, "as_of": as_of, "query": query.urlencode(),
    })


def _screen_form(request):
    form = ScreenFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters, filters.get("as_of") or today()


def _screen_rows(request, post, screen_form=None):
    form, filters, as_of = screen_form or _screen_form(request)
    unit = filters.get("unit")
    rows = S.post_screen(
        post, as_of, result=filters.get("result") or "", appointment=filters.get("appointment") or "",
        unit_id=unit.pk if unit else None,
    )
    return form, as_of, rows


GROUP_HEADINGS = {
    R.NEW: "新提任",
    R.TRANSFER: "转任（已任本层次或相当职级、中级及以上职称）",
    R.DEMOTION: "降职（现任层次高于本职位，不列为人选）",
}
BADGES = {R.RESULT_OK: "success", R.RESULT_OK_WAIVED: "primary", R.RESULT_MANUAL: "warning"}  # else danger
# One row of the post_screen.html table (with the group heading row before it where the appointment kind changes).
ROW_HTML = (
    "\n    {}\n    <tr>\n"
    '      <td class="text-muted">{}</td>\n'
    '      <td class="text-nowrap">{}</td>\n'
    "      <td>{}</td>\n"
    '      <td class="text-nowrap">{}</td>\n'
    "      <td>{}</td>\n"
    '      <td class="text-nowrap">{}</td>\n'
    '      <td class="text-nowrap">{}{}</td>\n'
    '      <td><span class="badge text-bg-{}">{}</span>\n</td>\n'
    '      <td class="small">{}\n        {}\n        {}</td>\n'
    '      <td class="text-nowrap d-print-none"><a class="btn btn-sm btn-outline-secondary" href="{}">详情</a></td>\n'
    "    </tr>\n  "
)


def _screen_cells(page, post, as_of) -> list:
    """The rows of a post's screen as HTML (`ROW_HTML`), made here rather than by template tags (a page of 50 rows
    would otherwise resolve some 2 000 lookups, 50 URL reversals and 100 includes): the group heading where the
    appointment kind changes, the failing and waived lines, the open manual items, the recorded manual checks."""
    link = reverse_each("eligibility:explain", args=[SLOT, post.pk])
    link += f"?as_of={as_of:%Y-%m-%d}"
    out, previous = [], object()
    for n, x in enumerate(page.object_list, page.start_index()):
        cf = x.cadre
        lines, manual, recorded = [], 0, []
        for r in x.rules:
            if r.status == R.FAIL or r.status == R.WAIVED:
                lines.append((r.name, r.reason))
            if r.code == "manual" and r.status != R.MANUAL:
                recorded.append((r.reason,))
            if r.status == R.MANUAL:
                manual += 1
        heading = ""
        if x.appointment != previous:
            heading = format_html(
                '<tr class="table-secondary"><th colspan="10">{}</th></tr>',
                GROUP_HEADINGS.get(x.appointment, GROUP_HEADINGS[R.DEMOTION]),
            )
        out.append(format_html(
            ROW_HTML, heading, n, cf.name, cf.gender, f"{cf.birth_date.year:04d}.{cf.birth_date.month:02d}",
            cf.unit_name + cf.position_title, cf.rank_level, x.appointment,
            format_html('<div class="small text-muted">{}</div>', x.appointment_basis) if x.appointment_basis else "",
            BADGES.get(x.result, "danger"), x.result,
            format_html_join("", "<div>{}：{}</div>", lines),
            format_html('<div class="text-warning-emphasis">另有{}项待人工审核</div>', manual)
            if manual and x.result != R.RESULT_FAIL else "",
            format_html_join("", '<div class="text-muted">{}</div>', recorded),
            link.format(cf.id),
        ))
        previous = x.appointment
    return out


@login_required
def post_screen(request, pk):
    """Everyone against one post. The page's body is kept as rendered HTML under the roster version, the date,
    the post and the query (core.fragments): twelve server processes read one cached page, not each a screen."""
    _reader(request)
    post = get_object_or_404(Post.objects.select_related("unit"), pk=pk)
    screen_form = _screen_form(request)
    html = cached_fragment(
        request, S.post_screen_page_key(post, request.GET), lambda: _post_screen_html(request, post, screen_form)
    )
    return render(request, "eligibility/post_screen.html", {
        "post": post, "as_of": screen_form[2], "content_html": mark_safe(html),
    })


def _post_screen_html(request, post, screen_form) -> str:
    form, as_of, rows = _screen_rows(request, post, screen_form)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_to_string("eligibility/_post_screen_content.html", {
        "post": post, "form": form, "as_of": as_of, "page": page, "total": len(rows),
        "cells": _screen_cells(page, post, as_of),
        "counts": S.post_screen_counts(rows), "query": query.urlencode(),
        "rule_set": rows.rule_set,
    })


@login_required
def post_export(request, pk):
    _reader(request)
    post = get_object_or_404(Post.objects.select_related("unit"), pk=pk)
    _form, as_of, rows = _screen_rows(request, post)
    wb = Workbook()
    ws = wb.active
    ws.title = "任职资格筛查"
    xlsx.append(ws, [f"{post}任职资格筛查（截止{fmt_date(as_of)}）"])
    ws["A1"].font = Font(bold=True, size=14)
    codes = [c for c in RULE_ORDER if any(r.code == c for row in rows[:1] for r in row.rules)] or list(RULE_ORDER)
    header = ["序号", "姓名", "性别", "出生年月", "工作单位", "现任职务", "职务层次", "任职方式", "结果"]
    header += [R.RULE_NAMES[c] for c in codes] + ["原因"]
    xlsx.append(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows, 1):
        by_code = {r.code: r for r in row.rules}
        cf = row.cadre
        xlsx.append(
            ws,
            [i, cf.name, cf.gender, f"{cf.birth_date.year}.{cf.birth_date.month:02d}", cf.unit_name, cf.position_title,
             cf.rank_level, row.appointment_text, row.result]
            + [by_code[c].status_label if c in by_code else "—" for c in codes]
            + [row.reasons_text]
        )
        ws.cell(row=i + 2, column=len(header)).alignment = Alignment(wrap_text=True, vertical="top")
    widths = [6, 10, 6, 10, 24, 16, 12, 16, 14] + [10] * len(codes) + [80]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(row=2, column=col).column_letter].width = width
    ws.freeze_panes = "C3"
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{post}任职资格筛查{as_of:%Y%m%d}.xlsx")
    return response


@login_required
def cadre_options(request, pk):
    _reader(request)
    cadre = get_object_or_404(Cadre.objects.select_related("unit"), pk=pk)
    form = OptionsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    as_of = filters.get("as_of") or today()
    rows = S.cadre_options(cadre, as_of, level=filters.get("level") or "")
    return render(request, "eligibility/cadre_options.html", {"cadre": cadre, "form": form, "as_of": as_of, "rows": rows})


def _explain_context(request, cadre, post, *, own=False):
    form = AsOfForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or today()
    explanation = explain_one(cadre, post, as_of)
    return {
        "cadre": cadre, "post": post, "form": form, "as_of": as_of, "x": explanation, "own": own,
        "rule_set": resolve_rule_set(level_key(post.level), post=post),
    }


@login_required
def explain(request, cadre_pk, post_pk):
    _reader(request)
    cadre = get_object_or_404(Cadre.objects.select_related("unit"), pk=cadre_pk)
    post = get_object_or_404(Post.objects.select_related("unit"), pk=post_pk)
    ctx = _explain_context(request, cadre, post)
    is_leader = roles.has_role(request.user, roles.LEADER)
    is_staff = roles.is_staff_member(request.user)
    ctx.update({
        "manual_checks": list(S.manual_checks_for(cadre)) if is_staff else [],
        "manual_form": ManualCheckForm(initial={"post": post.pk}) if is_staff else None,
        "waivers": list(S.waivers_for(cadre, post)),
        "can_waive": is_leader,
        "waiver_form": WaiverForm(initial={"rule": next((r.code for r in ctx["x"].failed if r.waivable), "age")}) if is_leader else None,
        "revoke_form": RevokeForm() if is_leader else None,
    })
    return render(request, "eligibility/explain.html", ctx)


@login_required
@require_POST
def waiver_grant(request, cadre_pk, post_pk):
    if not roles.has_role(request.user, roles.LEADER):
        raise PermissionDenied
    cadre = get_object_or_404(Cadre, pk=cadre_pk)
    post = get_object_or_404(Post.objects.select_related("unit"), pk=post_pk)
    form = WaiverForm(request.POST)
    target = reverse("eligibility:explain", args=[cadre.pk, post.pk])
    if not form.is_valid():
        messages.error(request, "请选择放宽条件并填写放宽理由")
        return redirect(target)
    try:
        services.waiver_grant(actor=request.user, cadre=cadre, post=post, rule=form.cleaned_data["rule"], reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已批准放宽{R.RULE_NAMES[form.cleaned_data['rule']]}条件")
    return redirect(target)


@login_required
@require_POST
def waiver_revoke(request, pk):
    if not roles.has_role(request.user, roles.LEADER):
        raise PermissionDenied
    waiver = get_object_or_404(EligibilityWaiver.objects.select_related("cadre"), pk=pk)
    form = RevokeForm(request.POST)
    target = reverse("eligibility:explain", args=[waiver.cadre_id, waiver.post_id]) if waiver.post_id else reverse("eligibility:cadre-options", args=[waiver.cadre_id])
    if not form.is_valid():
        messages.error(request, "请填写撤销理由")
        return redirect(target)
    try:
        services.waiver_revoke(actor=request.user, waiver=waiver, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销放宽")
    return redirect(target)


@login_required
def manual_checks(request, pk):
    """人工审核 of one person's manual items (政治素质和品行): the records, and a form to record one (staff)."""
    _staff(request)
    cadre = get_object_or_404(Cadre.objects.select_related("unit"), pk=pk)
    form = ManualCheckForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.manual_check_record(actor=request.user, cadre=cadre, post=d["post"], passed=d["passed"], reason=d["reason"])
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已记录{cadre.name}的政治素质和品行人工审核结论")
                back = request.POST.get("next") or ""
                if back.startswith("/") and not back.startswith("//"):
                    return redirect(back)
                return redirect("eligibility:manual-checks", pk=cadre.pk)
        else:
            messages.error(request, "请选择审核结论并填写审核意见")
    return render(request, "eligibility/manual_checks.html", {
        "cadre": cadre, "form": form, "checks": list(S.manual_checks_for(cadre)),
    })


@login_required
@require_POST
def manual_check_delete(request, pk):
    _staff(request)
    check = get_object_or_404(EligibilityManualCheck, pk=pk)
    try:
        services.manual_check_delete(actor=request.user, check=check)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销人工审核记录，该项恢复为待人工审核")
    return redirect("eligibility:manual-checks", pk=check.cadre_id)


def _own_cadre(request) -> Cadre:
    cadre = Cadre.objects.select_related("unit").filter(user=request.user).first()
    if cadre is None:
        raise PermissionDenied
    return cadre


@login_required
def my_posts(request):
    cadre = _own_cadre(request)
    as_of = _as_of(request)
    rows = S.cadre_options(cadre, as_of)
    return render(request, "eligibility/my_posts.html", {"cadre": cadre, "rows": rows, "as_of": as_of, "form": AsOfForm(request.GET or None)})


@login_required
def my_explain(request, pk):
    cadre = _own_cadre(request)
    post = S.open_posts().filter(pk=pk).first()
    if post is None:
        raise Http404("该职位未列入竞争上岗")
    return render(request, "eligibility/explain.html", _explain_context(request, cadre, post, own=True))


@login_required
def rule_sets(request):
    _staff(request)
    levels = [(level, resolve_rule_set(level)) for level in LEVELS]
    return render(request, "eligibility/rule_sets.html", {
        "levels": levels, "rows": list(S.rule_set_rows()), "posts": list(S.posts_qs()),
    })


def _rule_set_form_view(request, *, level, post=None):
    _staff(request)
    resolved = resolve_rule_set(level, post=post)
    form = RuleSetForm(request.POST or None, params=resolved.params)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set_save(actor=request.user, level=level, post=post, params=form.to_params(), note=form.cleaned_data["note"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存{post or level + '级'}任职资格规则")
            return redirect("eligibility:rule-sets")
    return render(request, "eligibility/rule_set_form.html", {"form": form, "level": level, "post": post, "rule_set": resolved})


@login_required
def rule_set_level(request, level):
    if level not in LEVELS:
        raise Http404
    return _rule_set_form_view(request, level=level)


@login_required
def rule_set_post(request, pk):
    post = get_object_or_404(Post.objects.select_related("unit"), pk=pk)
    return _rule_set_form_view(request, level=level_key(post.level), post=post)


@login_required
@require_POST
def rule_set_delete(request, pk):
    _staff(request)
    row = get_object_or_404(EligibilityRuleSet, pk=pk)
    try:
        services.rule_set_reset(actor=request.user, rule_set=row)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已恢复为上级规则")
    return redirect("eligibility:rule-sets")
