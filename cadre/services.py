"""Every write to the records goes through here: keyword-only, an actor, one transaction, an audit row."""
from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import Count, Max, Q

from core.audit import audit
from core.exceptions import ApplicationError

from .choices import UnitKind
from .idnumber import IdNumberError, parse_id_number
from .models import Cadre, OrgUnit, Post, PostHistory, RankHistory

CADRE_FIELDS = [f.name for f in Cadre._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at", "rank_order", "pinyin_key", "stroke_key")]


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
        audit(actor=actor, action="unit.create", obj=unit, summary=f"新建单位 {name}")
    return unit


def validate_id_number(value: str, *, gender: str | None = None, birth_date: dt.date | None = None) -> str:
    """Full check of a 身份证号 against the record's gender and birth date; returns the normalised number.

    A birth date on the 1st is compared by year and month (rosters give 出生年月), any other by the day.
    """
    try:
        parsed = parse_id_number(value)
    except IdNumberError as exc:
        raise ApplicationError(str(exc), field="id_number") from None
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


def _free_seat(post: Post, *, exclude_cadre_id=None) -> int | None:
    taken = set(
        PostHistory.objects.filter(post=post, end__isnull=True)
        .exclude(cadre_id=exclude_cadre_id)
        .values_list("seat", flat=True)
    )
    for seat in range(1, post.headcount + 1):
        if seat not in taken:
            return seat
    return None


def sync_current_position(cadre: Cadre, *, method: str = "") -> list[str]:
    """Keep the open post-history and rank-history rows in step with the cadre's current-position fields.

    A changed unit/职务/任现职时间 closes the open row the day before the new start and opens a new one; the same
    for 职务层次/任现职级时间. Returns warnings (e.g. the post is full) for the caller to show.
    """
    warnings: list[str] = []
    open_posts = list(PostHistory.objects.filter(cadre=cadre, end__isnull=True, is_secondment=False))
    if cadre.position_title and cadre.position_start:
        unit_name = cadre.unit.name if cadre.unit_id else ""
        current = next(
            (
                r
                for r in open_posts
                if r.unit_id == cadre.unit_id and r.title == cadre.position_title and r.start == cadre.position_start
            ),
            None,
        )
        if current is None:
            for row in open_posts:
                row.end = max(row.start, cadre.position_start - dt.timedelta(days=1))
                row.save(update_fields=["end"])
            post = (
                Post.objects.filter(unit_id=cadre.unit_id, title=cadre.position_title).first() if cadre.unit_id else None
            )
            seat = _free_seat(post, exclude_cadre_id=cadre.pk) if post else None
            if post and seat is None:
                warnings.append(f"{post}职数已满（{post.headcount}人），任职记录未关联职位")
                post = None
            PostHistory.objects.create(
                cadre=cadre,
                unit_id=cadre.unit_id,
                post=post,
                seat=seat,
                unit_name=unit_name,
                title=cadre.position_title,
                level=cadre.rank_level,
                start=cadre.position_start,
                method=method,
            )
        elif current.level != cadre.rank_level:
            current.level = cadre.rank_level
            current.save(update_fields=["level"])
    open_rank = RankHistory.objects.filter(cadre=cadre, end__isnull=True).first()
    if cadre.rank_level and cadre.rank_start:
        if open_rank is None or (open_rank.level, open_rank.start) != (cadre.rank_level, cadre.rank_start):
            if open_rank is not None:
                if open_rank.start >= cadre.rank_start:
                    open_rank.delete()
                else:
                    open_rank.end = cadre.rank_start - dt.timedelta(days=1)
                    open_rank.save(update_fields=["end"])
            RankHistory.objects.create(cadre=cadre, level=cadre.rank_level, start=cadre.rank_start)
    return warnings


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
        cadre._history_user = actor if getattr(actor, "is_authenticated", False) else None
        cadre.save()
        sync_current_position(cadre, method=method)
        audit(actor=actor, action="cadre.create", obj=cadre, summary=f"新建干部档案 {cadre.name}")
    return cadre


def save_changed_fields(*, actor, instance, merged: dict, fields, action: str, label: str) -> list[str]:
    """Copy the fields whose value differs from `merged` onto `instance`; if any did, save it with the actor
    as history user and write one audit row naming the changed fields. Returns the changed field names."""
    changed = [f for f in fields if f in merged and getattr(instance, f) != merged[f]]
    if not changed:
        return changed
    for f in changed:
        setattr(instance, f, merged[f])
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    names = "、".join(str(type(instance)._meta.get_field(f).verbose_name) for f in changed)
    audit(actor=actor, action=action, obj=instance, summary=f"{label}：{names}", data={"fields": changed})
    return changed


def cadre_update(*, actor, cadre: Cadre, data: dict, method: str = "") -> Cadre:
    with transaction.atomic():
        cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
        merged = {f: getattr(cadre, f) for f in CADRE_FIELDS}
        merged.update(data)
        merged = _check_cadre(merged, instance=cadre)
        label = f"修改干部档案 {merged['name']}"
        if save_changed_fields(
            actor=actor, instance=cadre, merged=merged, fields=CADRE_FIELDS, action="cadre.update", label=label
        ):
            sync_current_position(cadre, method=method)
    return cadre


def post_vacancies(posts):
    """Annotate a Post queryset with holders and vacancy counts (one query)."""
    return posts.annotate(holders=Count("holdings", filter=Q(holdings__end__isnull=True)))


def next_order(model, **filters) -> int:
    return (model.objects.filter(**filters).aggregate(m=Max("order"))["m"] or 0) + 10
