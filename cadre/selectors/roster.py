"""Reads of the roster list (花名册): its filters and sorted queryset (the page and the Excel export share them),
the cached row count, and the page's rows as text. A fixed number of queries whatever the number of rows."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

from core.fragments import params_digest
from core.links import SLOT, reverse_each
from core.privacy import mask_id_number

from ..choices import EDUCATION_RANK, ETHNICITY_NAME, CadreStatus, EducationMode
from ..eligibility import cache_version
from ..eligibility.dates import age_on
from ..filters import CadreFilter
from ..models import Cadre, EducationRecord, month_text
from ..permissions import can_search_id_number

DEFAULT_STATUS = CadreStatus.ACTIVE


# ---------------------------------------------------------------- roster
def roster_base_queryset():
    """Columns of the roster: the unit comes with the row, the education records with the page (prefetch)."""
    return Cadre.objects.select_related("unit").prefetch_related(
        Prefetch("educations", queryset=EducationRecord.objects.order_by("mode"))
    )


def roster_params(params) -> dict:
    """GET parameters → filter data; `status` defaults to 在职 when the parameter is absent altogether."""
    data = params.copy() if hasattr(params, "copy") else dict(params)
    if "status" not in data:
        data["status"] = DEFAULT_STATUS
    return data


def roster_search(*, user, params):
    """The roster's filter set and its filtered, sorted queryset (the list page and the Excel export share it).

    `params` is request.GET (or any mapping). Education records are prefetched, so iterating a page — or
    the whole queryset with `.iterator(chunk_size=…)` — costs one extra query per chunk, not per row.
    """

    class _Request:
        pass

    request = _Request()
    request.user = user
    filterset = CadreFilter(roster_params(params), queryset=roster_base_queryset(), request=request)
    return filterset, filterset.qs


COUNT_TIMEOUT = 600


def roster_page_key(*, version: int | None, params, part: str, flags: tuple) -> str | None:
    """The cache key of a piece of the roster's rendered HTML (core.fragments): ``part`` ("table": the table,
    alone for htmx or inside the page; "form": heading and filter form), the roster version, today's date (ages),
    the viewer's permission ``flags`` (what the rows and buttons show) and every GET parameter given. None
    (render every time) when ``version`` is None."""
    if version is None:
        return None
    return f"cadre:roster:html:{version}:{timezone.localdate()}:{params_digest(params, extra=(part, *flags))}"


class RosterPaginator(Paginator):
    """The roster's paginator: its row count is cached under the roster version, today's date (the age bands),
    the filters and whether the user may search by 身份证号. Counting every 在职 person took 10–45 ms of each
    page at 100 000 cadres; the version changes after the commit of any write to records, units or education
    (cadre.eligibility.cache), so a cached count is never one a fresh count would not give. Inside a
    transaction (a caller's atomic block, a test) it counts, as the screen cache does."""

    def __init__(self, object_list, per_page, *, user, params, version: int | None = None):
        super().__init__(object_list, per_page)
        self.user, self.params, self.version = user, params, version

    def _count_key(self, version: int) -> str:
        digest = params_digest(self.params, skip=("page", "sort"), extra=(can_search_id_number(self.user),))
        return f"cadre:roster:count:{version}:{timezone.localdate()}:{digest}"

    @cached_property
    def count(self) -> int:
        version = cache_version() if self.version is None else self.version
        if version is None:
            return super().count
        key = self._count_key(version)
        value = cache.get(key)
        if value is None:
            value = super().count
            cache.set(key, value, COUNT_TIMEOUT)
        return value


def highest_education(records) -> EducationRecord | None:
    """The higher of the 全日制 and 在职 records (全日制 wins a tie); None when neither has a 学历."""
    best = None
    for record in records:
        if not record.level:
            continue
        rank = EDUCATION_RANK.get(record.level, 0)
        if best is None or rank > EDUCATION_RANK.get(best.level, 0) or (
            rank == EDUCATION_RANK.get(best.level, 0) and record.mode == EducationMode.FULL_TIME
        ):
            best = record
    return best


def education_text(records) -> str:
    """`大学本科（在职）` style text for the roster's 学历 column."""
    best = highest_education(records)
    if best is None:
        return ""
    return best.level if best.mode == EducationMode.FULL_TIME else f"{best.level}（在职）"


ROSTER_PAGE_COLUMNS = (
    "id", "name", "gender", "id_number", "birth_date", "ethnicity", "political_status", "position_title",
    "rank_level", "position_start", "status", "unit_id", "unit__name", "unit__short_name",
)


class EducationRow(NamedTuple):
    mode: str
    level: str


def roster_page_queryset(queryset):
    """The list page's rows as plain values: only the columns it shows (a cadre row has about 35), the 学历 of
    each education mode in the same query, and no model instances (building 50 cadres with their units and
    education records took longer than the query)."""
    return queryset.prefetch_related(None).annotate(
        full_time_level=_education_level(EducationMode.FULL_TIME),
        part_time_level=_education_level(EducationMode.PART_TIME),
    ).values(*ROSTER_PAGE_COLUMNS, "full_time_level", "part_time_level")


def _education_level(mode: str) -> Subquery:
    """The 学历 of the person's one education record of `mode` (education_one_per_mode), in the row's query."""
    return Subquery(EducationRecord.objects.filter(cadre=OuterRef("pk"), mode=mode).values("level")[:1])


def roster_rows(cadres, *, start: int, today: dt.date, full_ids: bool) -> list[dict]:
    """The roster page's rows as plain text, ready to print (cadre_tags.roster_rows writes them out): a row through
    template filters and `{% url %}` cost about 0.15 ms, and 50 of them were a third of the page. `cadres`: the
    page of roster_page_queryset, with each mode's 学历 in the row."""
    url = reverse_each("cadre:cadre-detail", args=[SLOT])
    rows = []
    for number, c in enumerate(cadres, start=start):
        birth = c["birth_date"]
        unit = (c["unit__short_name"] or c["unit__name"]) if c["unit_id"] else ""
        rows.append(
            {
                "number": number,
                "pk": c["id"],
                "url": url.format(c["id"]),
                "name": c["name"],
                "status": "" if c["status"] == CadreStatus.ACTIVE else c["status"],
                "gender": c["gender"],
                "birth": f"{month_text(birth)[:7]}（{age_on(birth, today)}岁）",
                "ethnicity": ETHNICITY_NAME.get(c["ethnicity"], ""),
                "political_status": c["political_status"],
                "job": f"{unit}{c['position_title']}",
                "rank_level": c["rank_level"],
                "position_start": month_text(c["position_start"])[:7],
                "education": education_text(
                    (EducationRow(EducationMode.FULL_TIME, c["full_time_level"] or ""),
                     EducationRow(EducationMode.PART_TIME, c["part_time_level"] or ""))
                ),
                "id_number": c["id_number"] if full_ids else mask_id_number(c["id_number"]),
            }
        )
    return rows
