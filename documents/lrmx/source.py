"""An uploaded file's bytes → the ``<Person>`` element, safely (defusedxml: no DTD, no entities, no external
references) and whatever the encoding: UTF-8 with or without a BOM, UTF-16 with a BOM, GB18030/GBK/GB2312
declared or undeclared, numeric character references, CRLF line ends. Problems name the file."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from core.exceptions import ApplicationError

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.S)
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_CHINESE = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"}


def _decode(raw: bytes) -> str:
    """The file's text. The declared encoding is trusted unless the bytes say otherwise; GB2312/GBK are read as
    their superset GB18030; an undeclared file that is not valid UTF-8 is read as GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declaration = _DECLARATION.match(raw)
    declared = _ENCODING.search(declaration.group(0)) if declaration else None
    name = declared.group(1).decode("ascii").lower() if declared else ""
    if name in _CHINESE:
        return raw.decode("gb18030", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if name and name not in ("utf-8", "utf8"):
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("gb18030", errors="replace")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_root(raw: bytes, name: str = "") -> ET.Element:
    """The file's ``<Person>`` element (the root, or the first one below it), namespaces removed."""
    label = f"文件「{name}」" if name else "文件"
    if not raw or not raw.strip():
        raise ApplicationError(f"{label}是空的，不是任免审批表数据文件（LRMX）")
    text = _decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _DECLARATION.sub(b"", text.encode("utf-8"), count=1)  # the text is UTF-8 now, whatever was declared
    try:
        root = DET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ApplicationError(f"{label}包含DTD或实体声明，出于安全原因（XXE）拒绝导入") from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ApplicationError(
            f"{label}不是格式正确的XML（第{line}行第{column + 1}列附近有误），请确认是LRMX文件"
        ) from None
    for node in root.iter():
        node.tag = _local(node.tag)
    person = root if root.tag == "Person" else root.find(".//Person")
    if person is None:
        raise ApplicationError(f"{label}中没有Person元素（根元素为{root.tag}），不是任免审批表数据文件（LRMX）")
    return person
