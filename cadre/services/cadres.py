"""Cadre records (干部档案): create and update, with the 身份证号 check. Keyword-only, an actor, one
transaction, an audit row; the current post/rank history rows follow through ``positions.sync_current_position``."""
from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..idnumber import IdNumber, IdNumberError, parse_id_number
from ..models import Cadre
from .common import history_user, save_changed_fields
from .positions import sync_current_position

CADRE_FIELDS = [f.name for f in Cadre._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at", "rank_order", "pinyin_key", "stroke_key", "search_key")]


def validate_id_number(value: str, *, gender: str | None = None, birth_date: dt.date | None = None) -> str:
    """Full check of a 身份证号 against the record's gender and birth date; returns the normalised number.

    A birth date on the 1st is compared by year and month (rosters give 出生年月), any other by the day.
    """
    try:
        parsed = parse_id_number(value)
    except IdNumberError as exc:
        raise ApplicationError(str(exc), field="id_number") from None
    return check_id_number(parsed, gender=gender, birth_date=birth_date)


def check_id_number(parsed: IdNumber, *, gender: str | None = None, birth_date: dt.date | None = None) -> str:
    """``validate_id_number`` of a number already parsed (the roster import parses each number once)."""
    if gender and parsed.gender != gender:
        raise ApplicationError(f"身份证号第17位表示{parsed.gender}性，与性别「{gender}」不符", field="id_number")
    if birth_date:
        if birth_date.day == 1:
            same = (parsed.birth_date.year, parsed.birth_date.month) == (birth_date.year, birth_date.month)
        else:
            same = parsed.birth_date == birth_date
        if not same:
            raise ApplicationError(
                f"身份证号中的出生日期{parsed.birth_date:%Y.%m.%d}与出生年月{birth_date:%Y.%m}不符", field="id_number"
            )
    return parsed.number


def _check_cadre(data: dict, *, instance: Cadre | None = None) -> dict:
    data = dict(data)
    if not (data.get("name") or "").strip():
        raise ApplicationError("姓名不能为空", field="name")
    data["name"] = re.sub(r"[\s\u3000]+", "", data["name"])
    data["id_number"] = validate_id_number(
        data.get("id_number", ""), gender=data.get("gender"), birth_date=data.get("birth_date")
    )
    data["birth_date"] = parse_id_number(data["id_number"]).birth_date
    clash = Cadre.objects.filter(id_number=data["id_number"])
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ApplicationError(f"身份证号{data['id_number']}已存在于干部名册", field="id_number")
    for a, b, label in (
        ("work_start_date", "birth_date", "参加工作时间不能早于出生日期"),
        ("party_join_date", "birth_date", "入党时间不能早于出生日期"),
        ("position_start", "birth_date", "任现职时间不能早于出生日期"),
    ):
        if data.get(a) and data.get(b) and data[a] <= data[b]:
            raise ApplicationError(label, field=a)
    return data


def cadre_create(*, actor, data: dict, method: str = "") -> Cadre:
    data = _check_cadre(data)
    with transaction.atomic():
        cadre = Cadre(**{k: v for k, v in data.items() if k in CADRE_FIELDS or k in ("unit_id", "user_id")})
        cadre._history_user = history_user(actor)
        cadre.save()
        sync_current_position(cadre, method=method)
        audit(actor=actor, action=AuditAction.CADRE_CREATE, obj=cadre, summary=f"新建干部档案 {cadre.name}")
    return cadre


def cadre_update(*, actor, cadre: Cadre, data: dict, method: str = "") -> Cadre:
    with transaction.atomic():
        cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
        merged = {f: getattr(cadre, f) for f in CADRE_FIELDS}
        merged.update(data)
        merged = _check_cadre(merged, instance=cadre)
        label = f"修改干部档案 {merged['name']}"
        if save_changed_fields(
            actor=actor, instance=cadre, merged=merged, fields=CADRE_FIELDS, action=AuditAction.CADRE_UPDATE, label=label
        ):
            sync_current_position(cadre, method=method)
    return cadre
