"""Checks of uploaded files before anything parses them: size first, then the content by its magic bytes.

An .xlsx is also measured while streaming (``measure_xlsx``): the inflated size of its parts, and the rows, cells,
highest row index and column of its worksheets, each against a limit in settings (``XLSX_MAX_*``), before any
parser builds a row. Each check raises ApplicationError with a Chinese message (the form shows it on the file
field). The file name's extension is never trusted: an .xlsx must be a ZIP package holding [Content_Types].xml, an LRMX file
must be XML, a photo must be JPEG or PNG.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .exceptions import ApplicationError

ZIP_MAGIC = b"PK\x03\x04"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls / .doc


def _head(upload, n: int = 512) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head or b""


def _size_check(upload, limit: int, what: str) -> None:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise ApplicationError(f"上传的{what}是空文件，请重新选择。", field="file")
    if size > limit:
        raise ApplicationError(f"{what}过大（{filesizeformat(size)}），不能超过{filesizeformat(limit)}。", field="file")


def check_xlsx(upload, *, limit: int | None = None, what: str = "Excel文件") -> "XlsxMeasure":
    """A real .xlsx: within the size limit, a ZIP package with [Content_Types].xml (an Office Open XML file), and
    within the limits of ``measure_xlsx`` (inflated size, rows, cells, row index, column), which it returns."""
    _size_check(upload, limit or settings.ROSTER_UPLOAD_MAX_BYTES, what)
    head = _head(upload, 8)
    if head.startswith(OLE_MAGIC):
        raise ApplicationError(f"{what}是旧版Excel（.xls）格式，请在Excel中另存为.xlsx后再上传。", field="file")
    if not head.startswith(ZIP_MAGIC):
        raise ApplicationError(f"{what}不是Excel（.xlsx）格式，可能已损坏或只是改了扩展名；请在Excel中另存为.xlsx后再上传。", field="file")
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ApplicationError(f"{what}已损坏，无法打开，请在Excel中重新保存后再上传。", field="file") from None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        raise ApplicationError(f"{what}不是有效的Excel（.xlsx）文件：缺少[Content_Types].xml，可能是其他压缩包改了扩展名。", field="file")
    return measure_xlsx(upload, what=what)


def check_photo(upload, *, limit: int | None = None) -> None:
    """A photo: within the size limit, JPEG or PNG by its first bytes."""
    _size_check(upload, limit or settings.PHOTO_UPLOAD_MAX_BYTES, "照片")
    head = _head(upload, 8)
    if not (head.startswith(JPEG_MAGIC) or head.startswith(PNG_MAGIC)):
        raise ApplicationError("照片只能是JPEG或PNG格式的图片文件。", field="file")


# --- an .xlsx measured while streaming ------------------------------------------------------------------------
CHUNK = 256 * 1024
MAX_TAG_CARRY = 4 * 1024 * 1024  # a run without any ">" longer than this is no spreadsheet XML
# Tags with a namespace prefix (<x:row>) are legal XML; the common unprefixed form has fast paths.
_ROW = re.compile(rb"<row(?=[\s/>])([^>]*)>")
_ROW_ANY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>")
_ROW_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*(\d+)""")
_CELL_ANY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])")
_CELL_COLUMN = re.compile(rb'<c r="([A-Za-z]+)')
_CELL_COLUMN_ANY = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<![\w:])r\s*=\s*["']\s*([A-Za-z]+)""")


class UnreadableXlsx(ApplicationError):
    """Not a readable zip (or a damaged member): ``cause`` is the zip/zlib error, for callers with their own words."""

    def __init__(self, message: str, cause: Exception):
        super().__init__(message, field="file")
        self.cause = cause


@dataclass
class XlsxMeasure:
    """What a streaming pass over every part of an .xlsx counted (nothing of it was parsed into rows)."""

    inflated_bytes: int = 0  # all parts, as inflated
    sheet_bytes: int = 0  # the parts holding rows (the worksheets), as inflated
    rows: int = 0  # <row> elements, all worksheets
    cells: int = 0  # <c> elements, all worksheets
    max_row_index: int = 0
    max_column: int = 0
    error_cells: int = 0  # cells holding an error value (t="e": #N/A, #DIV/0! …)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


class _PartScan:
    """Counts rows, cells, the highest row index and column of one part, chunk by chunk, and refuses as soon as a
    limit is passed. Only whole tags are scanned: a chunk is cut after its last ">" and the rest carried over."""

    def __init__(self, measure: XlsxMeasure, limits: dict, what: str):
        self.m, self.limits, self.what = measure, limits, what
        self.carry = b""
        self.row = 0  # the current row index (a <row> without r is the next one)
        self.rows = 0
        self.cells = 0
        self.tags = 0  # "<" of every tag: a sheet padded with other elements is no spreadsheet

    def feed(self, chunk: bytes, *, last: bool = False) -> None:
        buffer = self.carry + chunk
        cut = len(buffer) if last else buffer.rfind(b">") + 1
        if not last and cut == 0:
            if len(buffer) > MAX_TAG_CARRY:
                raise ApplicationError(f"{self.what}的内容结构异常，不是正常的Excel工作表，已拒绝。", field="file")
            self.carry = buffer
            return
        text, self.carry = buffer[:cut], buffer[cut:]
        self.tags += text.count(b"<")
        prefixed = b":row" in text or b":c" in text
        rows = (_ROW_ANY if prefixed else _ROW).findall(text)
        if rows:
            self.rows += len(rows)
            self.m.rows += len(rows)
            for attrs in rows:
                found = _ROW_R.search(attrs)
                self.row = int(found.group(1)) if found else self.row + 1
                if self.row > self.m.max_row_index:
                    self.m.max_row_index = self.row
            self._check_rows()
        if prefixed:
            cells = len(_CELL_ANY.findall(text))
        else:
            cells = text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/>")
        if cells:
            self.cells += cells
            self.m.cells += cells
            self.m.error_cells += text.count(b't="e"') + text.count(b"t='e'")
            if self.m.cells > self.limits["cells"]:
                raise ApplicationError(
                    f"{self.what}中的单元格超过{self.limits['cells']:,}个的上限，请拆分后分批导入。", field="file"
                )
            fast = not prefixed and text.count(b'<c r="') == cells
            columns = set((_CELL_COLUMN if fast else _CELL_COLUMN_ANY).findall(text))
            for letters in columns:
                column = _column_number(letters) if len(letters) <= 4 else 10**9
                if column > self.m.max_column:
                    self.m.max_column = column
            if self.m.max_column > self.limits["column"]:
                raise ApplicationError(
                    f"{self.what}的工作表用到了第{self.m.max_column if self.m.max_column < 10**9 else '上亿'}列，"
                    f"超过{self.limits['column']}列的上限，可能是异常文件，已拒绝。",
                    field="file",
                )

    def _check_rows(self) -> None:
        if self.m.max_row_index > self.limits["row_index"]:
            raise ApplicationError(
                f"{self.what}的工作表含有第{self.m.max_row_index:,}行，超过第{self.limits['row_index']:,}行的上限，"
                "可能是异常文件，已拒绝。",
                field="file",
            )
        if self.m.rows > self.limits["rows"]:
            raise ApplicationError(
                f"{self.what}的工作表超过{self.limits['rows']:,}行的上限，请拆分后分批导入。", field="file"
            )


def _limits() -> dict:
    return {
        "inflated": settings.XLSX_MAX_INFLATED_BYTES,
        "rows": settings.XLSX_MAX_ROWS,
        "cells": settings.XLSX_MAX_CELLS,
        "row_index": settings.XLSX_MAX_ROW_INDEX,
        "column": settings.XLSX_MAX_COLUMN,
        "ratio": settings.XLSX_MAX_RATIO,
    }


TAGS_PER_CELL, TAGS_SLACK = 24, 200_000  # a cell is a few tags (<c><is><t>… rich text a few more); plus the sheet's head
RATIO_FREE_BYTES = 1024 * 1024  # a part up to this size may inflate by any ratio (styles, empty sheets)


def _ratio_error(what: str, limits: dict) -> ApplicationError:
    return ApplicationError(
        f"{what}中的内容解压后超过压缩大小的{limits['ratio']}倍（可能是“压缩炸弹”），已拒绝。", field="file"
    )


def _declared_total(infos) -> int:
    return sum(info.file_size for info in infos)


def measure_xlsx(source, *, what: str = "Excel文件") -> XlsxMeasure:
    """Inflate every part of the .xlsx ``source`` (a path or a binary file object) chunk by chunk, counting, and
    raise ApplicationError (Chinese) as soon as a limit of settings ``XLSX_MAX_*`` is passed: the inflated size
    (first the sum the central directory declares, then the bytes actually inflated), the inflation ratio of each
    part over 1 MB (declared, then counted against its compressed size), and in the parts holding rows
    the rows, the cells, the highest row index and column. Memory stays at a few chunks whatever the file holds; a
    ``<row r="20000000">`` is refused at the tag, before any reader walks 20 million rows. A file object is left at
    its start. Not a zip: ApplicationError too."""
    limits = _limits()
    measure = XlsxMeasure()
    position = None if isinstance(source, (str, Path)) else source.tell()
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise UnreadableXlsx(f"{what}已损坏，无法打开，请在Excel中重新保存后再上传。", exc) from None
        with archive:
            infos = archive.infolist()
            declared = _declared_total(infos)
            if declared > limits["inflated"]:
                raise ApplicationError(
                    f"{what}解压后共{filesizeformat(declared)}，超过{filesizeformat(limits['inflated'])}的上限"
                    "（可能是“压缩炸弹”），未解压，已拒绝。",
                    field="file",
                )
            for info in infos:
                if info.is_dir():
                    continue
                if info.file_size > max(RATIO_FREE_BYTES, info.compress_size * limits["ratio"]):
                    raise _ratio_error(what, limits)
                _scan_part(archive, info, measure, limits, what)
    finally:
        if position is not None:
            source.seek(position)
    return measure


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, measure: XlsxMeasure, limits: dict, what: str) -> None:
    scan = _PartScan(measure, limits, what) if info.filename.lower().endswith(".xml") else None
    size = 0
    most = max(RATIO_FREE_BYTES, info.compress_size * limits["ratio"])
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                measure.inflated_bytes += len(chunk)
                if size > most:
                    raise _ratio_error(what, limits)
                if measure.inflated_bytes > limits["inflated"]:
                    raise ApplicationError(
                        f"{what}解压后超过{filesizeformat(limits['inflated'])}的上限（可能是“压缩炸弹”），已停止解压并拒绝。",
                        field="file",
                    )
                if scan is not None:
                    scan.feed(chunk)
            if scan is not None:
                scan.feed(b"", last=True)
                if scan.rows and scan.tags > TAGS_PER_CELL * scan.cells + TAGS_SLACK:
                    raise ApplicationError(
                        f"{what}的工作表中除单元格外还有大量其他内容，结构异常，可能是异常文件，已拒绝。", field="file"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise UnreadableXlsx(f"{what}已损坏，无法打开，请在Excel中重新保存后再上传。", exc) from None
    if scan is not None and scan.rows:
        measure.sheet_bytes += size
