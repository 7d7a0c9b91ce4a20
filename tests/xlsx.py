"""Read back the Excel files the app writes (exports, code lists): every row as a list, or the first sheet."""
from __future__ import annotations

import io

from openpyxl import load_workbook


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def rows(content: bytes) -> list[list]:
    """Every row of the first sheet as a list of cell values (trailing empty cells dropped)."""
    out = []
    for row in sheet(content).iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    return out
