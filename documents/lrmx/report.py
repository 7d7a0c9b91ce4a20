"""The batch report as an .xlsx: one row per changed field (or per person when nothing changed), then the
skipped files. Every value from the files is written as a text cell through core.xlsx, so no cell is ever a
formula."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core import xlsx

from .batch import STATUS_LABELS

HEADERS = ["文件", "姓名", "身份证号", "结果", "栏目", "原值", "新值", "说明"]
WIDTHS = [28, 10, 21, 8, 16, 40, 40, 50]


def text_cell(value) -> str:
    """A value as text ('' for None); core.xlsx writes it as a text cell."""
    return "" if value is None else str(value)


def _rows(entry: dict):
    status = STATUS_LABELS.get(entry["status"], entry["status"])
    head = [entry["file"], entry["name"], entry["id_number"], status]
    notes = "；".join(entry.get("reasons", []) + [f"提示：{w}" for w in entry.get("warnings", [])])
    if not entry.get("changes"):
        yield head + ["", "", "", notes]
        return
    for index, (label, old, new) in enumerate(entry["changes"]):
        yield head + [label, old, new, notes if index == 0 else ""]


def report_xlsx(report: dict, *, title: str = "LRMX批量导入报告") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "导入报告"
    xlsx.append(ws, [title])
    ws["A1"].font = Font(bold=True, size=14)
    xlsx.append(ws, HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for entry in report.get("entries", []):
        for row in _rows(entry):
            xlsx.append(ws, [text_cell(v) for v in row])
    for note in report.get("notes", []):
        xlsx.append(ws, [text_cell(v) for v in ("", "", "", "跳过", "", "", "", note)])
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
