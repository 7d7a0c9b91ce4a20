"""Pages of 考核: 年度考核 per unit and year, 季度/专项考核, 群众评价 (random draw), 期满考核."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ApplicationError

from .. import rules, selectors, services
from ..forms import AnnualFilterForm, PeriodicForm, ResidentForm, TermReviewForm, current_year
from .common import show_error, staff_required


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
                show_error(request, exc)
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
