"""Org units (单位): create, update, delete, and the rules for a unit's kind, code and key area."""
from __future__ import annotations

import re

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from simple_history.utils import bulk_create_with_history

from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..choices import KeyArea, UnitKind
from ..models import Cadre, OrgUnit, Post, PostHistory
from .common import history_user, save_changed_fields

UNIT_FIELDS = ("name", "short_name", "code", "kind", "parent", "locality", "is_key_unit", "key_area", "order", "is_active")


def infer_unit_kind(name: str) -> str:
    """formats.md: …乡/…镇 → 乡镇, …街道 → 街道, otherwise 机关 (editable later)."""
    if name.endswith("街道") or name.endswith("街道办事处"):
        return UnitKind.SUBDISTRICT
    if name.endswith("乡") or name.endswith("镇") or re.search(r"(乡|镇)(人民政府|政府|党委)$", name):
        return UnitKind.TOWNSHIP
    return UnitKind.ORGAN


def next_unit_code() -> str:
    existing = OrgUnit.objects.filter(code__startswith="U").values_list("code", flat=True)
    numbers = [int(c[1:]) for c in existing if c[1:].isdigit()]
    return f"U{(max(numbers) + 1 if numbers else 1):04d}"


def unit_create(*, actor, name: str, kind: str | None = None, parent: OrgUnit | None = None, code: str = "", **fields) -> OrgUnit:
    name = name.strip()
    if not name:
        raise ApplicationError("单位名称不能为空", field="name")
    if OrgUnit.objects.filter(name=name).exists():
        raise ApplicationError(f"单位「{name}」已存在", field="name")
    with transaction.atomic():
        unit = OrgUnit.objects.create(
            name=name, kind=kind or infer_unit_kind(name), parent=parent, code=code or next_unit_code(), **fields
        )
        audit(actor=actor, action=AuditAction.UNIT_CREATE, obj=unit, summary=f"新建单位 {name}")
    return unit


def units_create_bulk(*, actor, units: dict[str, str]) -> dict[str, int]:
    """``unit_create`` for many top-level units at once (name → kind; a blank kind is inferred from the name), for
    the roster import's units that do not exist yet; returns name → id. Same checks and messages, codes continuing
    ``next_unit_code`` in the given order, a “+” history row (the actor as history user) and an audit row per unit;
    one insert for the units and one for their history rows instead of a round of statements per unit."""
    names = [name.strip() for name in units]
    if not names:
        return {}
    if not all(names):
        raise ApplicationError("单位名称不能为空", field="name")
    taken = OrgUnit.objects.filter(name__in=names).values_list("name", flat=True).first()
    if taken is not None:
        raise ApplicationError(f"单位「{taken}」已存在", field="name")
    first = int(next_unit_code()[1:])
    new = [
        OrgUnit(name=name, kind=kind or infer_unit_kind(name), code=f"U{first + i:04d}")
        for i, (name, kind) in enumerate(zip(names, units.values()))
    ]
    with transaction.atomic():
        bulk_create_with_history(new, OrgUnit, default_user=history_user(actor))
        for unit in new:
            audit(actor=actor, action=AuditAction.UNIT_CREATE, obj=unit, summary=f"新建单位 {unit.name}")
    return {unit.name: unit.pk for unit in new}


def _check_unit(data: dict, *, instance: OrgUnit) -> dict:
    data = dict(data)
    name = (data.get("name") or "").strip()
    if not name:
        raise ApplicationError("单位名称不能为空", field="name")
    data["name"] = name
    if OrgUnit.objects.filter(name=name).exclude(pk=instance.pk).exists():
        raise ApplicationError(f"单位「{name}」已存在", field="name")
    code = (data.get("code") or "").strip()
    if not code:
        raise ApplicationError("单位代码不能为空", field="code")
    if OrgUnit.objects.filter(code=code).exclude(pk=instance.pk).exists():
        raise ApplicationError(f"单位代码「{code}」已被使用", field="code")
    data["code"] = code
    if data.get("kind") not in UnitKind.values:
        raise ApplicationError(f"单位类别「{data.get('kind') or ''}」无效", field="kind")
    check_unit_key_area(data)
    parent = data.get("parent")
    node = parent
    while node is not None:
        if node.pk == instance.pk:
            raise ApplicationError("上级单位不能是本单位或其下级单位", field="parent")
        node = node.parent
    return data


def check_unit_key_area(data: dict) -> None:
    """A key unit (回避) must say which key area it belongs to; the area must be a known one."""
    key_area = data.get("key_area") or ""
    if key_area and key_area not in KeyArea.values:
        raise ApplicationError(f"重要单位类别「{key_area}」无效", field="key_area")
    if data.get("is_key_unit") and not key_area:
        raise ApplicationError("标记为重要单位时必须选择重要单位类别", field="key_area")


def unit_update(*, actor, unit: OrgUnit, data: dict) -> OrgUnit:
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        merged = {f: getattr(unit, f) for f in UNIT_FIELDS}
        merged.update({k: v for k, v in data.items() if k in UNIT_FIELDS})
        merged = _check_unit(merged, instance=unit)
        save_changed_fields(
            actor=actor, instance=unit, merged=merged, fields=UNIT_FIELDS, action=AuditAction.UNIT_UPDATE,
            label=f"修改单位 {merged['name']}",
        )
    return unit


def unit_delete(*, actor, unit: OrgUnit) -> None:
    """Only an empty unit (no sub-units, posts, cadres or history rows) may be deleted."""
    name = unit.name
    reasons = []
    if OrgUnit.objects.filter(parent=unit).exists():
        reasons.append("有下级单位")
    if Post.objects.filter(unit=unit).exists():
        reasons.append("有职位")
    if Cadre.objects.filter(unit=unit).exists():
        reasons.append("有干部")
    if PostHistory.objects.filter(unit=unit).exists():
        reasons.append("有任职经历引用")
    if reasons:
        raise ApplicationError(f"单位「{name}」{'、'.join(reasons)}，不能删除；可将其设为无效", field="unit")
    with transaction.atomic():
        pk = unit.pk
        try:
            unit.delete()
        except (ProtectedError, RestrictedError):
            raise ApplicationError(f"单位「{name}」已被其他业务数据引用，不能删除；可将其设为无效", field="unit") from None
        audit(actor=actor, action=AuditAction.UNIT_DELETE, obj=None, summary=f"删除单位 {name}", data={"unit_id": pk})
