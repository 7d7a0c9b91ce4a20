"""The one writer of spreadsheets built from user data (.xlsx and .csv): no value ever becomes a formula.

Excel and LibreOffice evaluate a cell whose text starts with ``=`` (and, on import of a .csv, also ``+ - @``,
a tab or a carriage return). A name like ``=HYPERLINK("http://…","点击")`` typed into a record must come out as
that text, never as a live formula. So:

- .xlsx through openpyxl: every ``str`` goes into a cell whose data type is forced to text (``'s'``, written
  as an inline string ``t="inlineStr"``), whatever it starts with. The text is kept exactly (no apostrophe),
  so an export still imports back unchanged. Use ``cell``/``row``/``append`` for both write-only and normal
  worksheets.
- .xlsx streamed as XML (the roster export, cadre/roster/export.py): ``cell_xml``/``row_xml`` emit the same
  inline strings openpyxl would, and ``stream_rows_into_sheet`` copies an openpyxl-written frame with the rows
  streamed into its ``<sheetData>``.
- .csv: ``csv_text`` prefixes a value beginning with ``= + - @ \\t \\r`` with an apostrophe (a .csv has no cell
  types), ``csv_writer`` wraps ``csv.writer``.

Numbers, booleans and dates stay typed cells: they are produced by code, never typed by a user as text.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import IllegalCharacterError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MAX = 32767  # an Excel cell holds at most this many characters
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- openpyxl cells


def clean_text(value: str) -> str:
    """Text Excel accepts: control characters it refuses dropped, cut to the cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:TEXT_MAX]


def cell(ws, value, *, font=None, alignment=None, fill=None, border=None, number_format=None):
    """A cell for ``ws.append``: text forced to the text type (never a formula), other values as they are."""
    if isinstance(value, str):
        c = WriteOnlyCell(ws, value=None)
        c.value = clean_text(value)
        c.data_type = "s"
    else:
        c = WriteOnlyCell(ws, value=value)
    if font is not None:
        c.font = font
    if alignment is not None:
        c.alignment = alignment
    if fill is not None:
        c.fill = fill
    if border is not None:
        c.border = border
    if number_format is not None:
        c.number_format = number_format
    return c


def row(ws, values, **style) -> list:
    """``cell`` over a row of values."""
    return [cell(ws, value, **style) for value in values]


def append(ws, values, **style) -> None:
    """``ws.append`` with every text value as a text cell."""
    ws.append(row(ws, values, **style))


def write_only_workbook() -> Workbook:
    return Workbook(write_only=True)


def to_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- streamed sheet XML (the roster export)

_ESCAPES = {"\r": "&#13;"}  # as lxml writes a carriage return in text
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")  # needs escaping or is illegal in XML


def cell_xml(ref: str, value) -> str:
    """One cell as openpyxl's writer emits it: numbers as ``t="n"``, text as an inline string (never a
    formula, whatever it starts with); '' when empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" t="n"><v>{value}</v></c>'
    if not isinstance(value, str):
        raise TypeError(f"unexpected value in a streamed sheet: {value!r}")
    value = value[:TEXT_MAX]
    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
    if _SPECIAL.search(value):
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        value = escape(value, _ESCAPES)
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def row_xml(number: int, letters: list[str], values: list) -> str:
    cells = "".join(cell_xml(f"{letter}{number}", value) for letter, value in zip(letters, values))
    return f'<row r="{number}">{cells}</row>'


def stream_rows_into_sheet(frame: bytes, dest, rows_xml) -> None:
    """Copy the openpyxl-written ``frame`` workbook to ``dest``, streaming ``rows_xml`` (str chunks) into the end
    of its one worksheet's ``<sheetData>``."""
    with zipfile.ZipFile(io.BytesIO(frame)) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if not info.filename.startswith("xl/worksheets/sheet"):
                zout.writestr(info, data)
                continue
            cut = data.rindex(b"</sheetData>")
            with zout.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(data[:cut])
                for chunk in rows_xml:
                    fh.write(chunk.encode("utf-8"))
                fh.write(data[cut:])


# ---------------------------------------------------------------- csv


def csv_text(value) -> str:
    """A value for a .csv cell: text that starts like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeCsvWriter:
    """``csv.writer`` whose rows go through ``csv_text``."""

    def __init__(self, fh, **kwargs):
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, values):
        return self._writer.writerow([csv_text(v) for v in values])

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


def csv_writer(fh, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(fh, **kwargs)
