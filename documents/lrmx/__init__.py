"""LRMX (干部任免审批表数据文件): export a cadre to XML and import one back (create or update by 身份证号).

Format (formats.md): root ``<Person>``, UTF-8, one element per field, ``Version`` 3.2.1.6; ChuShengNianYue
yyyyMM, JiSuanNianLingShiJian yyyyMMdd, JianLi lines ``2008.07--2012.05  text``, ZhaoPian base64 JPEG,
JiaTingChengYuan/Item children. Dates other than ChuShengNianYue are written yyyyMM when only the month is known
(stored on the 1st) and yyyyMMdd otherwise, so every stored date survives the round trip.

Import checks the whole file first (each problem names the element, the value and a Chinese message, the way the
roster import reports cells); any error → nothing written. Then one transaction through the cadre services, so
every change is kept in the records' history. Malformed XML and DTD/entity declarations (XXE, entity bombs) are
refused with a Chinese message.

    fields  the element names, labels and ``LrmxIssue``      export  ``export_person``, ``person_values``
    parse   ``parse_xml``, ``parse_person`` (checks only)     save    ``import_person`` (writes)
    archive a batch's files (uploads, zips, paths) + limits   batch   preview/import per person (``run_batch``)
    report  the batch report as .xlsx (text only)
"""
from .export import export_person, person_values
from .fields import FAMILY_FIELDS, FIELDS, LABELS, VERSION, LrmxIssue, file_name
from .parse import ParsedPerson, parse_person, parse_xml
from .save import LrmxResult, import_person

__all__ = [
    "FAMILY_FIELDS",
    "FIELDS",
    "LABELS",
    "VERSION",
    "LrmxIssue",
    "LrmxResult",
    "ParsedPerson",
    "export_person",
    "file_name",
    "import_person",
    "parse_person",
    "parse_xml",
    "person_values",
]
