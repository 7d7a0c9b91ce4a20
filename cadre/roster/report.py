"""What a roster import reports (errors, warnings, counts) and the rows it read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import formats as rf

ProgressFn = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    errors: list[rf.RowIssue] = field(default_factory=list)
    warnings: list[rf.RowIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_units: list[dict] = field(default_factory=list)  # {"name", "kind"}
    rows: int = 0
    sheet: str = ""
    header_row: int | None = None
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    def summary_zh(self) -> str:
        text = f"新建 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人"
        if self.new_units:
            text += f"，新建单位 {len(self.new_units)} 个"
        return text

    def as_dict(self) -> dict:
        return {
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "new_units": self.new_units,
            "rows": self.rows,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "dry_run": self.dry_run,
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        data = dict(data)
        data["errors"] = [rf.RowIssue.from_dict(e) for e in data.get("errors", [])]
        data["warnings"] = [rf.RowIssue.from_dict(w) for w in data.get("warnings", [])]
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class RosterRow:
    row: int  # Excel row number
    id_number: str
    values: dict  # Cadre field → value; "unit" holds the unit name ("" = no unit)
    educations: dict  # mode → {"level", "degree", "school", "major"} (present columns only)
    assessments: dict  # year → grade


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[rf.RowIssue] = field(default_factory=list)
    warnings: list[rf.RowIssue] = field(default_factory=list)
    sheet: str = ""
    header_row: int | None = None
    data_rows: int = 0
