"""Staff pages of the cadre records (花名册, 档案, 录入/修改, 单位与职位) and the person's own record. Thin:
permissions from cadre.permissions, reads from cadre.selectors, writes through cadre.services*."""
from __future__ import annotations

from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import require
from core.exceptions import ApplicationError
from core.fragments import CSRF_SLOT, cached_fragment

from . import permissions, selectors
from .choices import FAMILY_RELATIONS
from .forms import CadreForm, record_formsets
from .models import Cadre, FamilyLinkProposal, OrgUnit
from .services import cadre_create, cadre_update
from .services import cadre_records_save, family_link_confirm, family_link_reject, family_links_refresh
from .sortkeys import QUERY_MAX, QUERY_TOO_LONG

PAGE_SIZE = 50




def _is_htmx_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


# ---------------------------------------------------------------- 花名册
@require(permissions.can_view_roster)
def roster(request):
    """The roster: heading, filter form and table; the table alone for htmx. Each piece's HTML is kept under the
    roster version, the date, the viewer's permissions and the query (core.fragments): the same table is
    rendered once, and the form once for all pages of a filter."""
    user = request.user
    flags = RosterFlags(
        can_edit=permissions.can_edit_cadre(user),
        full_ids=permissions.can_see_full_id_number(user),
        search_ids=permissions.can_search_id_number(user),
    )
    version = selectors.cache_version()
    pieces = _RosterPieces(request, version, flags)
    table = cached_fragment(
        request, selectors.roster_page_key(version=version, params=request.GET, part="table", flags=flags), pieces.table
    )
    if _is_htmx_fragment(request):
        response = HttpResponse(table)
    else:
        filters = request.GET.copy()
        filters.pop("page", None)
        form = cached_fragment(
            request, selectors.roster_page_key(version=version, params=filters, part="form", flags=flags), pieces.form
        )
        response = render(request, "cadre/roster.html", {"form_html": mark_safe(form), "table_html": mark_safe(table)})
    patch_vary_headers(response, ["HX-Request"])
    return response


class RosterFlags(NamedTuple):
    """What the roster shows of the viewer's permissions: part of each cached piece's key, and all the pieces
    read of the viewer."""

    can_edit: bool  # 新建档案, the batch forms' 任免审批表 and 加入轮岗交流方案
    full_ids: bool  # 身份证号 in full, else masked
    search_ids: bool  # the search box also finds 身份证号 (the rows and the count)


class _RosterPieces:
    """Renders the roster's form and table (what the cache does not have); the filter set is built once for
    both. Rendered without the request: nothing of the viewer goes in but the flags the cache key names."""

    def __init__(self, request, version, flags: RosterFlags):
        self.request, self.version, self.flags = request, version, flags

    @cached_property
    def filterset(self):
        return selectors.roster_search(user=self.request.user, params=self.request.GET)

    def _context(self) -> dict:
        return {
            "filter": self.filterset[0],
            "can_read_roster": True,  # the view's own permission
            "can_edit": self.flags.can_edit,
            "csrf_token": CSRF_SLOT,
        }

    def form(self) -> str:
        context = self._context()
        context["filter_second_row"] = ["gender", "age_band", "education", "political_status", "staffing_type", "status"]
        return render_to_string("cadre/_roster_form.html", context)

    def table(self) -> str:
        request = self.request
        paginator = selectors.RosterPaginator(
            selectors.roster_page_queryset(self.filterset[1]), PAGE_SIZE,
            user=request.user, params=request.GET, version=self.version,
        )
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        today = timezone.localdate()
        context = self._context()
        context.update({
            "page": page,
            "page_links": list(paginator.get_elided_page_range(page.number, on_each_side=3, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
            "rows": selectors.roster_rows(
                page.object_list, start=page.start_index(), today=today, full_ids=self.flags.full_ids,
            ),
            "querystring": query.urlencode(),
            "export_querystring": query.urlencode(),
        })
        return render_to_string("cadre/_roster_table.html", context)


# ---------------------------------------------------------------- 档案
def _record_context(request, cadre: Cadre, *, own_page: bool) -> dict:
    user = request.user
    today = timezone.localdate()
    show_history = permissions.can_see_change_log(user) and not own_page
    return {
        "cadre": cadre,
        "own_page": own_page,
        "today": today,
        "age": cadre.age_on(today),
        "id_number": cadre.id_number if permissions.can_see_full_id_number(user, cadre) else cadre.masked_id_number,
        "educations": selectors.education_by_mode(cadre),
        "resume": selectors.resume_lines(cadre),
        "rewards": selectors.rewards_with_effect(cadre, today),
        "show_relative_ids": permissions.can_see_relative_id_numbers(user) and not own_page,
        "show_history": show_history,
        "change_log": (
            selectors.cadre_change_log(cadre, mask_ids=not permissions.can_see_relative_id_numbers(user))
            if show_history
            else []
        ),
        "can_edit": permissions.can_edit_cadre(user),
    }


@login_required
def cadre_detail(request, pk):
    try:
        cadre = selectors.cadre_detail(pk)
    except Cadre.DoesNotExist:
        if not permissions.can_view_roster(request.user):
            raise PermissionDenied("您只能查看本人的档案") from None
        raise Http404("没有找到该干部档案") from None
    if not permissions.can_view_cadre(request.user, cadre):
        raise PermissionDenied("您只能查看本人的档案")
    own = permissions.is_own_record(request.user, cadre) and not permissions.can_view_roster(request.user)
    return render(request, "cadre/detail.html", _record_context(request, cadre, own_page=own))


@login_required
def cadre_photo(request, pk):
    """The record's photo, behind the record's own permission check: /media/ is never served as a folder."""
    cadre = get_object_or_404(Cadre, pk=pk)
    if not permissions.can_view_cadre(request.user, cadre):
        raise PermissionDenied("您只能查看本人的档案")
    if not cadre.photo:
        raise Http404("该干部没有照片")
    response = FileResponse(cadre.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def my_record(request):
    cadre_id = Cadre.objects.filter(user=request.user).values_list("pk", flat=True).first()
    if cadre_id is None:
        return render(request, "cadre/no_record.html")
    cadre = selectors.cadre_detail(cadre_id)
    return render(request, "cadre/detail.html", _record_context(request, cadre, own_page=True))


# ---------------------------------------------------------------- 录入 / 修改
def _attach_error(exc: ApplicationError, form, formsets) -> None:
    if exc.field in formsets:
        formset = formsets[exc.field]
        formset.non_form_errors().append(exc.message)
    elif exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


def _family_rows(formset) -> list[dict]:
    rows = formset.service_rows()
    for i, row in enumerate(rows, start=1):
        row["order"] = i * 10
    return rows


def _edit_page(request, cadre: Cadre | None):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = CadreForm(data, files, instance=cadre)
    formsets = record_formsets(cadre, data)
    if request.method == "POST":
        valid = form.is_valid()
        valid = all([fs.is_valid() for fs in formsets.values()]) and valid
        if valid:
            try:
                with transaction.atomic():
                    if cadre is None:
                        saved = cadre_create(actor=request.user, data=form.service_data())
                    else:
                        saved = cadre_update(actor=request.user, cadre=cadre, data=form.service_data())
                    cadre_records_save(
                        actor=request.user,
                        cadre=saved,
                        educations=[f.cleaned_data for f in formsets["educations"].forms],
                        assessments=formsets["assessments"].service_rows(),
                        family=_family_rows(formsets["family"]),
                        rewards=formsets["rewards"].service_rows(),
                    )
            except ApplicationError as exc:
                _attach_error(exc, form, formsets)
            else:
                messages.success(request, f"已保存{saved.name}的干部档案")
                return redirect("cadre:cadre-detail", pk=saved.pk)
        messages.error(request, "保存失败，请按提示修改后重新提交")
    return render(
        request,
        "cadre/form.html",
        {
            "form": form,
            "formsets": formsets,
            "cadre": cadre,
            "relations": FAMILY_RELATIONS,
        },
    )


@require(permissions.can_edit_cadre)
@require_http_methods(["GET", "POST"])
def cadre_create_view(request):
    return _edit_page(request, None)


@require(permissions.can_edit_cadre)
@require_http_methods(["GET", "POST"])
def cadre_edit_view(request, pk):
    cadre = get_object_or_404(Cadre.objects.select_related("unit").prefetch_related("educations"), pk=pk)
    return _edit_page(request, cadre)


# ---------------------------------------------------------------- 单位与职位
@require(permissions.can_view_units)
def unit_tree(request):
    tree = selectors.unit_tree()
    totals = {
        "units": len(tree),
        "posts": sum(s.post_count for s in tree),
        "headcount": sum(s.headcount for s in tree),
        "holders": sum(s.holders for s in tree),
        "vacancies": sum(s.vacancies for s in tree),
        "cadres": sum(s.cadre_count for s in tree),
    }
    return render(request, "cadre/units.html", {"tree": tree, "totals": totals})


@require(permissions.can_view_units)
def unit_detail(request, pk):
    unit = get_object_or_404(OrgUnit.objects.select_related("parent"), pk=pk)
    posts = selectors.unit_posts(unit)
    cadres = [
        {"cadre": c, "education": selectors.education_text(c.educations.all())} for c in selectors.unit_cadres(unit)
    ]
    return render(
        request,
        "cadre/unit_detail.html",
        {
            "unit": unit,
            "posts": posts,
            "totals": selectors.unit_totals(posts),
            "children": list(selectors.unit_children(unit)),
            "cadres": cadres,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- 家庭成员关联
@require(permissions.can_edit_cadre)
@require_http_methods(["GET", "POST"])
def family_links(request):
    """Proposals to confirm or reject; POST = match the whole roster again."""
    if request.method == "POST":
        result = family_links_refresh(actor=request.user)
        messages.success(request, f"重新匹配完成：自动关联{result['linked']}人，新增待确认{result['proposed']}人")
        return redirect("cadre:family-links")
    return render(
        request,
        "cadre/family_links.html",
        {"pending": list(selectors.family_link_proposals()), "decided": list(selectors.family_link_decisions())},
    )


@require(permissions.can_edit_cadre)
@require_POST
def family_link_decide(request, pk):
    proposal = get_object_or_404(FamilyLinkProposal, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        return HttpResponseBadRequest("请选择确认或否定")
    try:
        if decision == "confirm":
            family_link_confirm(actor=request.user, proposal=proposal)
            messages.success(request, f"已确认：{proposal.member_name}即干部档案中的{proposal.candidate.name}")
        else:
            family_link_reject(actor=request.user, proposal=proposal, reason=request.POST.get("reason", ""))
            messages.success(request, f"已否定：{proposal.member_name}不是干部档案中的{proposal.candidate.name}，今后不再提示")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("cadre:family-links")


# ---------------------------------------------------------------- 按姓名或拼音选人
@require(permissions.can_view_roster)
def person_lookup(request):
    """Autocomplete wherever a person is chosen: JSON of up to 15 people for ``q`` (姓名, 全拼 with or without
    spaces, 首字母, any case; staff also the start of a 身份证号). The number is masked for roles that see it
    masked; the birth date is year-month for everybody. ``all=1`` includes people no longer 在职."""
    query = request.GET.get("q", "")
    if len("".join(query.split())) > QUERY_MAX:
        return JsonResponse({"results": [], "error": QUERY_TOO_LONG}, status=400)
    full_ids = permissions.can_see_full_id_number(request.user)
    people = selectors.cadre_lookup(
        query=query, id_numbers=permissions.can_search_id_number(request.user), active_only=request.GET.get("all") != "1"
    )
    results = []
    for c in people:
        job = f"{c.unit.short_name or c.unit.name if c.unit_id else ''}{c.position_title}"
        results.append({
            "id": c.pk,
            "name": c.name,
            "gender": c.gender,
            "birth": f"{c.birth_date:%Y.%m}",
            "job": job,
            "id_number": c.id_number if full_ids else c.masked_id_number,
            "label": f"{c.name}（{c.gender}，{c.birth_date:%Y.%m}）{job}",
        })
    return JsonResponse({"results": results, "error": ""})
