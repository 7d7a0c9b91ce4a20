"""Checks of uploaded files before anything parses them: size first, then the content by its magic bytes.

Each check raises ApplicationError with a Chinese message (the form shows it on the file field). The file
name's extension is never trusted: an .xlsx must be a ZIP package holding [Content_Types].xml, an LRMX file
must be XML, a photo must be JPEG or PNG.
"""
from __future__ import annotations

import zipfile

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


def check_xlsx(upload, *, limit: int | None = None, what: str = "Excel文件") -> None:
    """A real .xlsx: within the size limit, a ZIP package with [Content_Types].xml (an Office Open XML file)."""
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


def check_photo(upload, *, limit: int | None = None) -> None:
    """A photo: within the size limit, JPEG or PNG by its first bytes."""
    _size_check(upload, limit or settings.PHOTO_UPLOAD_MAX_BYTES, "照片")
    head = _head(upload, 8)
    if not (head.startswith(JPEG_MAGIC) or head.startswith(PNG_MAGIC)):
        raise ApplicationError("照片只能是JPEG或PNG格式的图片文件。", field="file")
