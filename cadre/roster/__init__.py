"""The Excel roster (干部花名册): one sheet layout for import and export (formats.md).

Modules: ``formats`` (layout and cell parsers, pure), ``sheet`` (a streaming sheet reader), ``reading`` (open
and check a workbook, parse every row), ``rows`` (the checks of each row), ``report`` (what an import reports), ``importer`` (the set-based write),
``errors`` (the error copy), ``export`` (the streamed export), ``selection`` (the rows a batch action applies to), ``jobs`` (the background work), ``forms`` and
``views`` (the pages). The BackgroundJob rows are created by ``cadre.services`` (roster_import_start, …).

Public for other apps and commands: the names below, and the module ``formats`` (pure cell parsers such as
``parse_date`` and ``RowIssue``, which documents' LRMX import shares).
"""
from . import formats
from .errors import error_copy_bytes, write_error_copy
from .export import SORTS, write_roster
from .formats import RowIssue
from .importer import import_roster
from .reading import check_upload, read_roster
from .report import ImportReport
from .selection import selected_ids, selected_queryset

__all__ = [
    "SORTS",
    "ImportReport",
    "RowIssue",
    "check_upload",
    "formats",
    "error_copy_bytes",
    "import_roster",
    "read_roster",
    "selected_ids",
    "selected_queryset",
    "write_error_copy",
    "write_roster",
]
