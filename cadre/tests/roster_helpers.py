"""Build roster xlsx files for the tests (openpyxl), from rows or from the spec's sample CSV."""
import csv
import io
from pathlib import Path

from openpyxl import Workbook

SAMPLE_CSV = Path("/work/shared/spec/samples/roster_sample.csv")
if not SAMPLE_CSV.exists():  # a checkout without the shared spec folder
    SAMPLE_CSV = Path(__file__).resolve().parents[2] / "docs" / "roster_sample.csv"


def sample_rows() -> list[list[str]]:
    with SAMPLE_CSV.open(encoding="utf-8") as fh:
        return [row for row in csv.reader(fh)]


def xlsx(rows, *, title="某区干部花名册", sheet="干部名册", formats=None, extra_sheets=()) -> io.BytesIO:
    """rows[0] is the header. A merged title row goes first unless title is None. formats: {(r, c): fmt} 0-based
    over `rows`."""
    wb = Workbook()
    for name in extra_sheets:
        wb.create_sheet(name)
    ws = wb.active
    ws.title = sheet
    offset = 0
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(rows[0]) if rows else 1))
        offset = 1
    for row in rows:
        ws.append(list(row))
    for (r, c), fmt in (formats or {}).items():
        ws.cell(row=r + 1 + offset, column=c + 1).number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


def sample_xlsx(**kwargs) -> io.BytesIO:
    return xlsx(sample_rows(), **kwargs)


def set_cell(rows, index, header, value):
    """Change one cell of a data row (index 0 = first data row) by header text."""
    rows[index + 1][rows[0].index(header)] = value
    return rows


def table_counts() -> dict:
    from django.apps import apps

    from core.models import AuditEvent

    counts = {m._meta.label: m.objects.count() for m in apps.get_app_config("cadre").get_models()}
    counts["audit"] = AuditEvent.objects.count()
    return counts
