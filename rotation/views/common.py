"""Helpers of the rotation pages: the permission guard, date parsing, the xlsx response, a paginator."""
from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core import xlsx


def _need(ok: bool):
    if not ok:
        raise PermissionDenied


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def xlsx_response(filename: str, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    xlsx.append(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    xlsx.append(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx.append(ws, row)
    for i, w in enumerate(widths or [14] * len(header), start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = w
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def paginate(request, items, per_page: int) -> dict:
    """A page of `items` and what the pager template needs (the query without the page number)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "page_links": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS, "page_query": query.urlencode()}
