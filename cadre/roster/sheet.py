"""A lean streaming reader of one worksheet of an .xlsx, for the roster import.

openpyxl reads the workbook parts (shared strings, styles and number formats, the 1904 flag, the sheet list) with
its own parsers. The worksheet itself is read here with one lxml ``iterparse`` over its rows, giving per row the
same values and number formats as openpyxl's read-only worksheet (``ws.iter_rows()`` with ``data_only=True``):
numbers as int/float, dates by the cell's date number format, shared and inline strings, booleans, formula results,
missing cells and rows as None/empty. openpyxl's read-only worksheet parses each cell into Python objects and,
when the sheet has no ``<dimension>`` (files written by openpyxl's write-only mode), parses the whole sheet once
more just to open it; this reader does neither.

``fast_rows`` reads the same sheet with python-calamine (Rust, about three times faster) when it can promise the
same values, and says so; the caller falls back to ``SheetFile.rows`` when it cannot (``Unsure``).
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

from lxml import etree
from python_calamine import CalamineWorkbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

ROW = f"{{{SHEET_MAIN_NS}}}row"
CELL = f"{{{SHEET_MAIN_NS}}}c"
VALUE = f"{{{SHEET_MAIN_NS}}}v"
INLINE = f"{{{SHEET_MAIN_NS}}}is"
TEXT = f"{{{SHEET_MAIN_NS}}}t"
RUN = f"{{{SHEET_MAIN_NS}}}r"
DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_LETTERS = re.compile(r"[A-Za-z]+")


class SheetFile:
    """An opened workbook: ``titles``, ``rows(title)``, ``estimated_rows(title)``, ``close()``."""

    def __init__(self, source):
        self.reader = reader = ExcelReader(source, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        reader.read_theme()
        apply_stylesheet(reader.archive, reader.wb)
        self.paths: dict[str, str] = {}
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            self.paths.setdefault(sheet.name, rel.target)
        wb = reader.wb
        self.shared = reader.shared_strings
        self.epoch = wb.epoch
        self.date_styles = wb._date_formats
        self.timedelta_styles = wb._timedelta_formats
        formats = []
        for style in wb._cell_styles:
            fid = style.numFmtId
            if fid < BUILTIN_FORMATS_MAX_SIZE:
                formats.append(BUILTIN_FORMATS.get(fid, "General"))
            else:
                formats.append(wb._number_formats[fid - BUILTIN_FORMATS_MAX_SIZE])
        self.formats = formats

    @property
    def titles(self) -> list[str]:
        return list(self.paths)

    def close(self):
        self.reader.archive.close()

    def _open(self, title: str):
        return self.reader.archive.open(self.paths[title])

    def estimated_rows(self, title: str) -> int:
        """The last row named by the sheet's ``<dimension>``; 0 without one (as openpyxl's read-only max_row)."""
        with self._open(title) as src:
            for _event, element in etree.iterparse(src, events=("start",), resolve_entities=False, no_network=True):
                if element.tag == DIMENSION:
                    digits = re.findall(r"\d+", element.get("ref", "").split(":")[-1])
                    return int(digits[0]) if digits else 0
                if element.tag == SHEET_DATA:
                    break
        return 0

    def rows(self, title: str) -> Iterator[tuple[list, list]]:
        """(values, number formats) of every row from row 1, empty rows included, as openpyxl's read-only
        ``iter_rows()`` after ``reset_dimensions()``: each row is as wide as its last cell."""
        counter = 1
        with self._open(title) as src:
            row_counter = 0
            for _event, element in etree.iterparse(
                src, events=("end",), tag=ROW, resolve_entities=False, no_network=True
            ):
                r = element.get("r")
                row_counter = int(r) if r else row_counter + 1
                row = self._row(element)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
                for _ in range(counter, row_counter):
                    counter += 1
                    yield [], []
                if counter <= row_counter:
                    counter += 1
                    yield row

    def _row(self, element) -> tuple[list, list]:
        cells = []
        column = 0
        for cell in element:
            if cell.tag != CELL:
                continue
            ref = cell.get("r")
            if ref:
                column = column_index_from_string(_LETTERS.match(ref).group(0))
            else:
                column += 1
            style = cell.get("s")
            style = int(style) if style else 0
            cells.append((column, self._value(cell, style), style))
        if not cells:
            return [], []
        width = cells[-1][0]
        values: list = [None] * width
        formats: list = [None] * width
        for column, value, style in cells:
            if 1 <= column <= width:
                values[column - 1] = value
                formats[column - 1] = self.formats[style] if style < len(self.formats) else "General"
        return values, formats

    def _value(self, cell, style: int):
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            for inline in cell:
                if inline.tag == INLINE:
                    break
            else:
                return None
            plain, parts = None, []
            for child in inline:  # <t> (the first one counts), rich-text runs <r><t>, phonetic runs ignored
                if child.tag == TEXT and plain is None:
                    plain = child.text or ""
                elif child.tag == RUN:
                    for text in child:
                        if text.tag == TEXT:
                            if text.text is not None:
                                parts.append(text.text)
                            break
            return (plain or "") + "".join(parts)
        value = None
        for child in cell:
            if child.tag == VALUE:
                value = child.text or None
                break
        if value is None:
            return None
        if kind == "n":
            number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
            if style in self.date_styles:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.shared[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text result), "e" (an error such as #N/A)


def open_sheet_file(source) -> SheetFile:
    """Open ``source`` (path or binary file object); zip and XML errors propagate to the caller."""
    return SheetFile(source)


BAD_FILE_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, etree.LxmlError)


class Unsure(Exception):
    """python-calamine may read this sheet differently from ``SheetFile.rows``: read it with that instead."""


BIG_NUMBER = 1e11  # a number this large may be a 身份证号 typed as a number: its exact digits matter


def _fast_value(value):
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        # a number with decimals may be a date typed as 1981.06, read by its number format (which calamine does not
        # give); a big one may have lost digits or be read as int by openpyxl
        if value.is_integer() and -BIG_NUMBER < value < BIG_NUMBER:
            return int(value)
        raise Unsure
    return value  # bool, date, datetime, time, timedelta


def fast_rows(source, title: str) -> Iterator[list]:
    """The values of every row from row 1, as ``SheetFile.rows`` gives them for this sheet (number formats aside,
    which only a date typed as a number with decimals needs), read by python-calamine. Raises ``Unsure`` (maybe
    after some rows) when the sheet holds a value the two readers could give differently: an error cell such as
    #N/A (calamine gives it as blank), a number with decimals or a big number. The caller has checked the file's
    limits first (calamine holds the sheet as one dense range)."""
    try:
        if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
            book = CalamineWorkbook.from_path(str(source))
        else:
            source.seek(0)
            book = CalamineWorkbook.from_filelike(source)
        rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception as exc:  # anything calamine cannot read goes the careful way (and fails there with its words)
        raise Unsure from exc
    finally:
        if not isinstance(source, (str, bytes)) and hasattr(source, "seek"):
            source.seek(0)
    for row in rows:
        # most cells are text: keep them (a blank as None) without a call; the rest through _fast_value
        yield [(v or None) if v.__class__ is str else _fast_value(v) for v in row]
