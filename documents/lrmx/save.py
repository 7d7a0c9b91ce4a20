"""Import, second half: write a checked file to the cadre's records in one transaction (create or update by
身份证号), through the cadre services so every change is kept in the records' history."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from cadre.models import Cadre, OrgUnit
from cadre.services import (
    ResumeLine,
    cadre_create,
    cadre_photo_set,
    cadre_records_save,
    cadre_update,
    post_history_replace,
)
from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..selectors import photo_bytes
from .fields import LrmxIssue
from .parse import ParsedPerson, parse_person, parse_xml

RAW_MARK = "〔LRMX未识别·"
NOTE_MAX = Cadre._meta.get_field("note").max_length


@dataclass
class LrmxResult:
    cadre: Cadre
    created: bool
    changed: list[str]
    warnings: list
    raw: dict = field(default_factory=dict)  # label → text that could not be read (also kept in 备注)

    @property
    def summary(self) -> str:
        if self.created:
            return f"已根据LRMX文件新建干部档案：{self.cadre.name}"
        if self.changed:
            return f"已根据LRMX文件更新{self.cadre.name}的档案：{'、'.join(self.changed)}"
        return f"{self.cadre.name}的档案与LRMX文件一致，未作修改"


def _same_month(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _keep_precision(old: dt.date | None, new: dt.date | None) -> dt.date | None:
    """A month-only value from the file does not overwrite a stored day in the same month."""
    if new is not None and new.day == 1 and _same_month(old, new):
        return old
    return new


def _units_by_name() -> list[OrgUnit]:
    return sorted(OrgUnit.objects.only("id", "name"), key=lambda u: -len(u.name))


def _split_unit(text: str, units: list[OrgUnit]) -> tuple[OrgUnit | None, str]:
    for unit in units:
        if text.startswith(unit.name) and len(text) > len(unit.name):
            return unit, text[len(unit.name):]
    return None, text


def import_person(raw: bytes, *, actor, name: str = "") -> LrmxResult:
    """Create or update the cadre described by an LRMX file (``name``: the file's name, for messages).
    Raises ApplicationError (with ``errors``) on unreadable files and identity problems only."""
    parsed = parse_person(parse_xml(raw, name))
    if parsed.errors:
        label = f"LRMX文件「{name}」" if name else "LRMX文件"
        raise ApplicationError(
            f"{label}有{len(parsed.errors)}处错误，未导入任何数据", errors=parsed.errors
        )
    with transaction.atomic():
        cadre = Cadre.objects.select_for_update().filter(id_number=parsed.cadre["id_number"]).first()
        return write_parsed(parsed, cadre, actor=actor)


def write_parsed(parsed: ParsedPerson, cadre: Cadre | None, *, actor, store_photo: bool = True) -> LrmxResult:
    """Write a checked file over ``cadre`` (None: a new cadre); the caller holds the transaction and the row lock.
    ``store_photo=False`` (a dry run that will be rolled back) reports a changed photo without storing the file."""
    data = dict(parsed.cadre)
    units = _units_by_name()
    current = next((r for r in reversed(parsed.resume) if r.end is None), None)
    if current is not None:
        unit, title = _split_unit(current.text, units)
        data.update(unit=unit, position_title=title[:50], position_start=current.start)
    created = cadre is None
    changed: list[str] = []
    data["note"] = note_with_raw(cadre.note if cadre else "", parsed.raw)
    if len(data["note"]) > NOTE_MAX:
        parsed.warnings.append(LrmxIssue("", "", f"备注超过{NOTE_MAX}个字符，未识别内容的原文只保存了一部分"))
        data["note"] = data["note"][:NOTE_MAX]
    if created:
        data.setdefault("political_status", "群众")
        cadre = cadre_create(actor=actor, data=data)
    else:
        for key in ("party_join_date", "work_start_date", "position_start"):
            if key in data:
                data[key] = _keep_precision(getattr(cadre, key), data[key])
        if current is not None and data["unit"] == cadre.unit and data["position_title"] == cadre.position_title \
                and _same_month(cadre.position_start, data["position_start"]):
            data["position_start"] = cadre.position_start
        before = {k: getattr(cadre, k) for k in data if hasattr(cadre, k)}
        cadre = cadre_update(actor=actor, cadre=cadre, data=data)
        changed += [
            str(Cadre._meta.get_field("unit" if k == "unit" else k).verbose_name)
            for k, v in before.items() if getattr(cadre, k) != v
        ]
    if parsed.photo and _photo_changed(cadre, parsed.photo) and not store_photo:
        changed.append("照片")
    elif parsed.photo and _photo_changed(cadre, parsed.photo):
        # the import's own audit row below names the photo and the 简历 among its changes
        cadre = cadre_photo_set(
            actor=actor, cadre=cadre, content=parsed.photo, name=f"{cadre.id_number}.jpg", audited=False
        )
        changed.append("照片")
    if any(post_history_replace(actor=actor, cadre=cadre, lines=_resume_lines(parsed.resume, units), audited=False)):
        changed.append("简历")
    result = cadre_records_save(
        actor=actor,
        cadre=cadre,
        educations=_education_rows(cadre, parsed.educations),
        assessments=_assessment_rows(cadre, parsed.assessments),
        family=_family_rows(cadre, parsed.family),
        rewards=_reward_rows(cadre, parsed.rewards) if parsed.rewards is not None else None,
    )
    labels = {"educations": "学历学位", "assessments": "年度考核", "family": "家庭成员", "rewards": "奖惩情况"}
    changed += [labels[k] for k, v in result.items() if any(v)]
    audit(
        actor=actor,
        action=AuditAction.LRMX_IMPORT,
        obj=cadre,
        summary=f"导入LRMX文件：{'新建' if created else '更新'}{cadre.name}",
        data={"created": created, "changed": changed},
    )
    return LrmxResult(cadre=cadre, created=created, changed=changed, warnings=parsed.warnings, raw=parsed.raw)


def note_with_raw(note: str, raw: dict) -> str:
    """备注 with the raw text of what the last import could not read: earlier such lines are replaced, so
    importing the same file again leaves the note as it is."""
    kept = [line for line in note.split("\n") if not line.startswith(RAW_MARK)] if note else []
    kept += [f"{RAW_MARK}{label}〕{text}" for label, text in raw.items()]
    return "\n".join(kept)


def _photo_changed(cadre: Cadre, data: bytes) -> bool:
    return photo_bytes(cadre) != data


def _resume_lines(lines, units) -> list[ResumeLine]:
    """The JianLi lines as post-history lines, the unit split off the text when it names a known unit."""
    return [ResumeLine(line.start, line.end, *_split_unit(line.text, units)) for line in lines]


def _education_rows(cadre, educations: dict) -> list[dict]:
    existing = {e.mode: e for e in cadre.educations.all()}
    rows = []
    for mode, values in educations.items():
        row = {"mode": mode, **values}
        old = existing.get(mode)
        row["graduated_on"] = old.graduated_on if old else None
        rows.append(row)
    return rows


def _assessment_rows(cadre, items) -> list[dict]:
    existing = {a.year: a for a in cadre.assessments.all()}
    rows = []
    for year, grade, reason in items:
        old = existing.pop(year, None)
        rows.append({"id": old.pk if old else None, "year": year, "grade": grade, "reason": reason})
    rows = [{"id": a.pk, "DELETE": True} for a in existing.values()] + rows
    return rows


def _family_rows(cadre, members) -> list[dict]:
    existing = list(cadre.family.all())
    rows = []
    for order, member in enumerate(members):
        old = next((m for m in existing if m.relation == member["relation"] and m.name == member.get("name")), None)
        row = dict(member)
        if old is not None:
            existing.remove(old)
            row["id"] = old.pk
            row["birth_date"] = _keep_precision(old.birth_date, member["birth_date"])
            row["order"] = old.order if _order_kept(old, order, cadre) else order
        else:
            row["order"] = order
        rows.append(row)
    return [{"id": m.pk, "DELETE": True} for m in existing] + rows


def _order_kept(old, index, cadre) -> bool:
    ordered = list(cadre.family.all())
    return index < len(ordered) and ordered[index].pk == old.pk


def _reward_rows(cadre, items) -> list[dict]:
    existing = list(cadre.rewards_punishments.all())
    rows = []
    for item in items:
        old = next(
            (r for r in existing if r.kind == item["kind"] and r.name == item["name"] and r.decided_on == item["decided_on"]),
            None,
        )
        row = dict(item)
        if old is not None:
            existing.remove(old)
            row["id"] = old.pk
        rows.append(row)
    return [{"id": r.pk, "DELETE": True} for r in existing] + rows
