"""A batch of LRMX files: a preview that writes nothing, then the import, one transaction per person.

Each person is written (or, for the preview, written and rolled back) inside its own transaction: the record is
described before and after in the terms of the 任免审批表 (``describe``), and the difference is the field-by-field
change list the preview shows. A person whose description does not change is rolled back even on confirm, so
importing the same files again writes nothing (no history rows, no audit rows). A refused person (not XML, no
``<Person>``, an identity problem, a 身份证号 already seen in the batch) is reported and the rest goes on.

The report is plain JSON (stored on the BackgroundJob): ``{"entries": [...], "notes": [...], "counts": {...}}``,
each entry ``{"file", "name", "id_number", "status", "changes": [[label, old, new]], "reasons", "warnings",
"cadre_id"}`` with status one of ``STATUS_LABELS``.
"""
from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadre.models import Cadre
from core.exceptions import ApplicationError

from .archive import Batch, Member
from .export import person_values
from .fields import LABELS, NOT_STORED
from .parse import parse_person, parse_xml
from .save import write_parsed

NEW, CHANGED, UNCHANGED, REFUSED = "new", "changed", "unchanged", "refused"
STATUS_LABELS = {NEW: "新增", CHANGED: "变更", UNCHANGED: "未变", REFUSED: "拒绝"}
_NOT_SHOWN = {*NOT_STORED, "ZhaoPian"}


class _RollBack(Exception):
    """Leave the person's transaction without keeping what it wrote."""


def issue_text(issue) -> str:
    where = f"家庭成员第{issue.row}项 " if issue.row else ""
    value = f"「{issue.value}」" if issue.value else ""
    return f"{where}{issue.column}{value}：{issue.message}"


def describe(cadre: Cadre | None) -> dict[str, str]:
    """The record as the 任免审批表 shows it: label → text (empty for a person not on file)."""
    if cadre is None:
        return {}
    cadre = Cadre.objects.select_related("unit").prefetch_related(
        "educations", "post_history", "assessments", "rewards_punishments", "family"
    ).get(pk=cadre.pk)
    values = person_values(cadre)
    text = {LABELS[k]: v for k, v in values.items() if k not in _NOT_SHOWN}
    text["任现职时间"] = f"{cadre.position_start:%Y.%m}" if cadre.position_start else ""
    text["家庭成员"] = "\n".join(
        " ".join(filter(None, (m.relation, m.name, f"{m.birth_date:%Y.%m}" if m.birth_date else "",
                               m.political_status, m.work_unit_and_post)))
        for m in cadre.family.all()
    )
    text["备注"] = cadre.note or ""
    return text


def diff(before: dict[str, str], after: dict[str, str]) -> list[list[str]]:
    return [[label, before.get(label, ""), new] for label, new in after.items() if before.get(label, "") != new]


def _refused(member: Member, reasons: list[str], *, name: str = "", id_number: str = "") -> dict:
    return {"file": member.name, "name": name, "id_number": id_number, "status": REFUSED, "changes": [],
            "reasons": reasons, "warnings": [], "cadre_id": None}


def apply_member(member: Member, *, actor, commit: bool, seen: dict[str, str]) -> dict:
    """One file: its entry in the report. ``commit=False`` rolls the person's transaction back (the preview);
    ``seen`` (身份证号 → file) refuses a second file for the same person in one batch."""
    if member.error:
        return _refused(member, [member.error])
    try:
        parsed = parse_person(parse_xml(member.data, member.name))
    except ApplicationError as exc:
        return _refused(member, [exc.message])
    name, id_number = parsed.cadre.get("name", ""), parsed.cadre.get("id_number", "")
    if parsed.errors:
        return _refused(member, [issue_text(i) for i in parsed.errors], name=name, id_number=id_number)
    if id_number in seen:
        return _refused(member, [f"与同批文件「{seen[id_number]}」的身份证号相同，同一人只导入一个文件"],
                        name=name, id_number=id_number)
    seen[id_number] = member.name
    entry = {"file": member.name, "name": name, "id_number": id_number, "reasons": [], "cadre_id": None}
    try:
        with transaction.atomic():
            cadre = Cadre.objects.select_for_update().filter(id_number=id_number).first()
            before = describe(cadre)
            result = write_parsed(parsed, cadre, actor=actor, store_photo=commit)
            changes = diff(before, describe(result.cadre))
            if "照片" in result.changed:
                changes.append(["照片", "原照片" if cadre and cadre.photo else "", "文件中的照片"])
            if not changes and result.changed:  # a change the description does not show
                changes = [[label, "", "已更新"] for label in result.changed]
            entry.update(
                status=NEW if cadre is None else CHANGED if changes else UNCHANGED,
                changes=changes if cadre is not None else [c for c in changes if c[2]],
                warnings=[issue_text(i) for i in result.warnings],
                cadre_id=cadre.pk if cadre is not None else None,
            )
            if not commit or entry["status"] == UNCHANGED:
                raise _RollBack
            entry["cadre_id"] = result.cadre.pk
    except _RollBack:
        pass
    except (ApplicationError, ValidationError, IntegrityError) as exc:
        message = getattr(exc, "message", None) or "；".join(getattr(exc, "messages", [])) or str(exc)
        return _refused(member, [f"无法保存：{message}"], name=name, id_number=id_number)
    return entry


def run_batch(batch: Batch, *, actor, commit: bool, progress=None) -> dict:
    """Every member of the batch, in order; ``progress(done, total)`` after each."""
    entries, seen = [], {}
    total = len(batch.members)
    for done, member in enumerate(batch.members, 1):
        entries.append(apply_member(member, actor=actor, commit=commit, seen=seen))
        if progress:
            progress(done, total)
    counts = Counter(e["status"] for e in entries)
    return {"entries": entries, "notes": list(batch.notes), "counts": {k: counts.get(k, 0) for k in STATUS_LABELS}}


def summary(report: dict, *, commit: bool) -> str:
    counts = report["counts"]
    verb = "导入完成" if commit else "预览"
    parts = "，".join(f"{STATUS_LABELS[k]}{counts.get(k, 0)}人" for k in STATUS_LABELS)
    skipped = f"，跳过{len(report['notes'])}个非LRMX文件" if report.get("notes") else ""
    return f"{verb}：共{len(report['entries'])}个文件，{parts}{skipped}"
