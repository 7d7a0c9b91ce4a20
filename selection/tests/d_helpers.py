"""Test helpers of the API/export tests: a URLconf with the export pages included (the project's URLconf plus
selection.urls.export, as config/urls.py includes it), and an xlsx reader."""
import io

from django.urls import include, path
from openpyxl import load_workbook

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("selection/", include("selection.urls.export")),
    *project_urlpatterns,
]


def rows(content: bytes) -> list[list]:
    """Every row of the only sheet as a list of cell values (trailing empty cells dropped)."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    out = []
    for row in ws.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    return out


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]
