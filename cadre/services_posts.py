"""Writes for posts (职位) and org-unit maintenance that `cadre.services` does not cover.

Same rules as `cadre.services`: keyword-only arguments, an actor, one transaction, an audit row, and an
ApplicationError with a Chinese message (and the offending field) for anything the caller must fix.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from core.audit import audit
from core.exceptions import ApplicationError

from .choices import KeyArea, PostKind, RankLevel, UnitKind
from .models import Cadre, OrgUnit, Post, PostHistory
from .services import save_changed_fields

POST_FIELDS = (
    "unit",
    "title",
    "level",
    "kind",
    "headcount",
    "is_key_post",
    "needs_local_avoidance",
    "is_open_for_competition",
    "requires_full_time_education",
    "order",
    "is_active",
)
UNIT_FIELDS = ("name", "short_name", "code", "kind", "parent", "locality", "is_key_unit", "key_area", "order", "is_active")

HEADCOUNT_MIN, HEADCOUNT_MAX = 1, 50


def _open_holders(post: Post) -> int:
    return PostHistory.objects.filter(post=post, end__isnull=True).count()


def _check_post(data: dict, *, instance: Post | None = None) -> dict:
    data = dict(data)
    title = (data.get("title") or "").strip()
    if not title:
        raise ApplicationError("职位名称不能为空", field="title")
    data["title"] = title
    unit = data.get("unit")
    if unit is None:
        raise ApplicationError("请选择职位所在单位", field="unit")
    if data.get("level") not in RankLevel.values:
        raise ApplicationError(f"职位层次「{data.get('level') or ''}」无效", field="level")
    if data.get("kind", PostKind.LEADERSHIP) not in PostKind.values:
        raise ApplicationError(f"职位类别「{data.get('kind')}」无效", field="kind")
    headcount = data.get("headcount", 1)
    if headcount is None or not (HEADCOUNT_MIN <= int(headcount) <= HEADCOUNT_MAX):
        raise ApplicationError(f"职数应在{HEADCOUNT_MIN}至{HEADCOUNT_MAX}之间", field="headcount")
    clash = Post.objects.filter(unit=unit, title=title)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ApplicationError(f"{unit.name}已有职位「{title}」", field="title")
    if instance is not None:
        holders = _open_holders(instance)
        if int(headcount) < holders:
            raise ApplicationError(
                f"{instance}现有在任{holders}人，职数不能少于{holders}", field="headcount"
            )
        if unit.pk != instance.unit_id and holders:
            raise ApplicationError(f"{instance}有在任人员，不能改到其他单位", field="unit")
    return data


def post_create(*, actor, data: dict) -> Post:
    data = _check_post(data)
    with transaction.atomic():
        post = Post.objects.create(**{k: v for k, v in data.items() if k in POST_FIELDS})
        audit(
            actor=actor,
            action="post.create",
            obj=post,
            summary=f"新建职位 {post}（{post.level}，职数{post.headcount}）",
        )
    return post


def post_update(*, actor, post: Post, data: dict) -> Post:
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("unit").get(pk=post.pk)
        merged = {f: getattr(post, f) for f in POST_FIELDS}
        merged.update({k: v for k, v in data.items() if k in POST_FIELDS})
        merged = _check_post(merged, instance=post)
        save_changed_fields(
            actor=actor, instance=post, merged=merged, fields=POST_FIELDS, action="post.update",
            label=f"修改职位 {merged['unit'].name if merged.get('unit') else post.unit.name}{merged['title']}",
        )
    return post


def post_delete(*, actor, post: Post) -> None:
    """Only a post nobody has ever held (and nothing else refers to) may be deleted."""
    label = str(post)
    if PostHistory.objects.filter(post=post).exists():
        raise ApplicationError(f"职位「{label}」已有任职记录，不能删除；可将其设为无效", field="post")
    with transaction.atomic():
        pk = post.pk
        try:
            post.delete()
        except (ProtectedError, RestrictedError):
            raise ApplicationError(f"职位「{label}」已被其他业务数据引用，不能删除；可将其设为无效", field="post") from None
        audit(actor=actor, action="post.delete", obj=None, summary=f"删除职位 {label}", data={"post_id": pk})


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
            actor=actor, instance=unit, merged=merged, fields=UNIT_FIELDS, action="unit.update",
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
        audit(actor=actor, action="unit.delete", obj=None, summary=f"删除单位 {name}", data={"unit_id": pk})
