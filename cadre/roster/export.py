"""Roster Excel export (干部花名册导出) in the import layout, so that an export imports back unchanged.

openpyxl (write-only) writes the workbook's frame: column widths, frozen panes, the styled title and header rows,
merged title, page setup and print titles. The data rows — plain unstyled values — are then streamed straight into
that sheet's ``<sheetData>`` as the same inline-string XML openpyxl would write, which is several times faster than
one openpyxl cell object per value. The queryset is read as plain values with ``.iterator(chunk_size=2000)`` and
the education and assessment rows are fetched set-based per chunk (3 queries per 2000 people, no model
instances), so memory stays flat.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from core import xlsx
from core.privacy import mask_id_number
from core.xlsx import cell_xml as _cell_xml  # noqa: F401 (pinned by test_roster_perf)
from core.xlsx import row_xml, stream_rows_into_sheet

from . import formats as rf
from ..choices import ETHNICITY_NAME
from ..models import AnnualAssessment, EducationRecord

CHUNK = 2000
SORTS = {
    "position": ("rank_order", "unit_order", "unit_id", "id"),
    "strokes": ("stroke_key", "id"),
    "pinyin": ("pinyin_key", "id"),
}
SORT_LABELS = {"position": "职务", "strokes": "姓氏笔画", "pinyin": "拼音"}
WIDTHS = {
    "seq": 6, "name": 10, "gender": 5, "id_number": 21, "birth_date": 10, "ethnicity": 7, "native_place": 10,
    "birthplace": 10, "grew_up_place": 10, "work_start_date": 11, "political_status": 11, "party_join_date": 10,
    "staffing_type": 8, "unit": 18, "position_title": 14, "rank_level": 12, "position_start": 10, "rank_start": 10,
    "professional_title": 12, "title_level": 8, "ft_level": 10, "ft_degree": 10, "ft_school": 24,
    "pt_level": 10, "pt_degree": 10, "pt_school": 24, "health": 8, "note": 20,
}
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _columns(years: list[int]) -> list[tuple[str, str]]:
    """(key, header) in export order: the known columns, the assessment years before 健康状况."""
    out = []
    for key, header, _ in rf.COLUMNS:
        if key == "health":
            out.extend((f"year:{y}", rf.assessment_header(str(y))) for y in years)
        out.append((key, header))
    return out


CADRE_FIELDS = (
    "pk", "name", "gender", "id_number", "birth_date", "ethnicity", "native_place", "birthplace", "grew_up_place",
    "work_start_date", "political_status", "party_join_date", "staffing_type", "unit__name", "position_title",
    "rank_level", "position_start", "rank_start", "professional_title", "title_level", "health", "note",
)


def _row_values(seq: int, c: dict, educations: dict, grades: dict, years: list[int], full_ids: bool = True) -> dict:
    ft, pt = educations.get("全日制"), educations.get("在职")
    values = {
        "seq": seq,
        "name": c["name"],
        "gender": c["gender"],
        "id_number": c["id_number"] if full_ids else mask_id_number(c["id_number"]),
        "birth_date": rf.date_text(c["birth_date"].replace(day=1)) if c["birth_date"] else "",
        "ethnicity": ETHNICITY_NAME.get(c["ethnicity"], ""),
        "native_place": c["native_place"],
        "birthplace": c["birthplace"],
        "grew_up_place": c["grew_up_place"],
        "work_start_date": rf.date_text(c["work_start_date"]),
        "political_status": c["political_status"],
        "party_join_date": rf.date_text(c["party_join_date"]),
        "staffing_type": c["staffing_type"],
        "unit": c["unit__name"] or "",
        "position_title": c["position_title"],
        "rank_level": c["rank_level"],
        "position_start": rf.date_text(c["position_start"]),
        "rank_start": rf.date_text(c["rank_start"]),
        "professional_title": c["professional_title"],
        "title_level": c["title_level"],
        "ft_level": ft[0] if ft else "",
        "ft_degree": ft[1] if ft else "",
        "ft_school": rf.join_school_major(ft[2], ft[3]) if ft else "",
        "pt_level": pt[0] if pt else "",
        "pt_degree": pt[1] if pt else "",
        "pt_school": rf.join_school_major(pt[2], pt[3]) if pt else "",
        "health": c["health"],
        "note": c["note"],
    }
    for year in years:
        values[f"year:{year}"] = grades.get(year, "")
    return values


def _chunks(iterator, size: int):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_roster(
    cadres_queryset, dest, *, title: str = "干部花名册", sort: str | None = "position", progress=None,
    full_ids: bool = True,
) -> int:
    """Write the roster of ``cadres_queryset`` to ``dest`` (a path or a binary file object); return the row count.

    ``sort``: ``position`` (职务 order, then unit order; default), ``strokes`` (姓氏笔画), ``pinyin``, or None to
    keep the queryset's own order. ``progress(done)`` is called every chunk. ``full_ids=False`` (leaders and
    observers, as on the pages) masks every 身份证号; 出生年月 is year-month for everybody. Text is written as
    inline strings (core.xlsx), never as a formula.
    """
    qs = cadres_queryset
    if sort is not None:
        if sort not in SORTS:
            raise ValueError(f"未知的排序方式：{sort}")
        qs = qs.order_by(*SORTS[sort])
    years = sorted(
        AnnualAssessment.objects.filter(cadre__in=cadres_queryset.order_by().values("pk"))
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    columns = _columns(years)
    ncols = len(columns)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(rf.SHEET_TITLE)
    for index, (key, _header) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 12)
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5)
    ws.merged_cells.add(f"A1:{get_column_letter(ncols)}1")
    ws.row_dimensions[1].height = 30

    xlsx.append(  # the title carries a unit's name: a text cell, never a formula
        ws, [title], font=Font(name="宋体", size=16, bold=True), alignment=Alignment(horizontal="center", vertical="center")
    )

    header_font = Font(bold=True)
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    xlsx.append(
        ws, [text for _key, text in columns], font=header_font, alignment=header_align, fill=HEADER_FILL, border=BORDER
    )

    frame = io.BytesIO()
    wb.save(frame)

    keys = [key for key, _ in columns]
    letters = [get_column_letter(index) for index in range(1, ncols + 1)]
    counter = {"rows": 0}

    def rows_xml():
        count = 0
        rows = qs.prefetch_related(None).values(*CADRE_FIELDS).iterator(chunk_size=CHUNK)
        for chunk in _chunks(rows, CHUNK):
            ids = [c["pk"] for c in chunk]
            educations: dict[int, dict] = {}
            for cadre_id, mode, level, degree, school, major in EducationRecord.objects.filter(
                cadre_id__in=ids
            ).values_list("cadre_id", "mode", "level", "degree", "school", "major"):
                educations.setdefault(cadre_id, {})[mode] = (level, degree, school, major)
            grades: dict[int, dict] = {}
            for cadre_id, year, grade in AnnualAssessment.objects.filter(cadre_id__in=ids).values_list(
                "cadre_id", "year", "grade"
            ):
                grades.setdefault(cadre_id, {})[year] = grade
            out = []
            for c in chunk:
                count += 1
                values = _row_values(
                    count, c, educations.get(c["pk"], {}), grades.get(c["pk"], {}), years, full_ids
                )
                out.append(row_xml(count + 2, letters, [values[k] for k in keys]))  # data start under the header
            counter["rows"] = count
            yield "".join(out)
            if progress:
                progress(count)

    stream_rows_into_sheet(frame.getvalue(), dest, rows_xml())
    return counter["rows"]
