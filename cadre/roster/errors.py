"""The error copy: the uploaded sheet again with erroneous cells highlighted and a 错误说明 column. Every text
goes back as a text cell (core.xlsx): a value typed as a formula in the upload is never a live formula here."""
from __future__ import annotations

import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import xlsx

from . import formats as rf
from .reading import cell_values, open_workbook, pick_sheet

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")


def write_error_copy(source, issues: list[rf.RowIssue], dest) -> int:
    """The uploaded sheet again (values and number formats), erroneous cells highlighted, plus a `错误说明` column.

    Streams read-only → write-only, so a large sheet needs little memory. Returns the number of rows with errors.
    ``dest`` is a path or a binary file object.
    """
    by_row: dict[int, list[rf.RowIssue]] = defaultdict(list)
    file_level = []
    for issue in issues:
        if issue.row is None:
            file_level.append(issue)
        else:
            by_row[issue.row].append(issue)
    wb_in = open_workbook(source)
    out = Workbook(write_only=True)
    try:
        ws_in = pick_sheet(wb_in)
        ws_in.reset_dimensions()
        ws = out.create_sheet(ws_in.title)
        # Look ahead to the header row (write-only sheets take widths and panes before the first row).
        head = []
        for excel_row, row in enumerate(ws_in.iter_rows(max_row=30), start=1):
            head.append((excel_row, *cell_values(row)))
        header_row = next((r for r, v, _ in head if rf.is_header_row(v)), None)
        width = max((len(v) for r, v, _ in head if header_row is None or r == header_row), default=0)
        width = max(width, max((i.col + 1 for i in issues if i.col is not None), default=0))
        note_col = width + 1
        ws.column_dimensions[get_column_letter(note_col)].width = 60
        if header_row is not None:
            ws.freeze_panes = f"A{header_row + 1}"
        first_data = (header_row or 0) + 1

        def emit(excel_row, values, formats):
            cells = []
            marked = {i.col for i in by_row.get(excel_row, []) if i.col is not None}
            for index in range(max(len(values), width)):
                value = values[index] if index < len(values) else None
                cell = xlsx.cell(ws, value)
                fmt = formats[index] if index < len(formats) else None
                if fmt and fmt != "General":
                    cell.number_format = fmt
                if index in marked:
                    cell.fill = ERROR_FILL
                    cell.font = ERROR_FONT
                elif excel_row == header_row:
                    cell.font = Font(bold=True)
                cells.append(cell)
            if excel_row == header_row:
                note = xlsx.cell(ws, "错误说明")
                note.font = Font(bold=True, color="9C0006")
            else:
                messages = [f"{i.column}：{i.message}" if i.column else i.message for i in by_row.get(excel_row, [])]
                if file_level and excel_row == max(1, first_data - 2):
                    messages += [i.message for i in file_level]
                note = xlsx.cell(ws, "；".join(messages) or None)
                if messages:
                    note.font = ERROR_FONT
            note.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(note)
            ws.append(cells)

        last = 0
        for excel_row, row in enumerate(ws_in.iter_rows(), start=1):
            emit(excel_row, *cell_values(row))
            last = excel_row
        for excel_row in sorted(r for r in by_row if r > last):  # errors on rows beyond the sheet's data
            emit(excel_row, [], [])
    finally:
        wb_in.close()
    out.save(dest)
    return len(by_row)


def error_copy_bytes(source, issues: list[rf.RowIssue]) -> bytes:
    buffer = io.BytesIO()
    write_error_copy(source, issues, buffer)
    return buffer.getvalue()
