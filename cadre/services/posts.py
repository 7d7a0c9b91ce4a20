"""Posts (职位): create, update, delete, and the vacancy annotation.

Keyword-only arguments, an actor, one transaction, an audit row, and an ApplicationError with a Chinese
message (and the offending field) for anything the caller must fix.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Count, ProtectedError, Q, RestrictedError

from core.audit import audit
from core.exceptions import ApplicationError

from ..audit import AuditAction
from ..choices import PostKind, RankLevel
from ..models import Post, PostHistory
from .common import save_changed_fields

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
            action=AuditAction.POST_CREATE,
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
            actor=actor, instance=post, merged=merged, fields=POST_FIELDS, action=AuditAction.POST_UPDATE,
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
        audit(actor=actor, action=AuditAction.POST_DELETE, obj=None, summary=f"删除职位 {label}", data={"post_id": pk})


def post_vacancies(posts):
    """Annotate a Post queryset with holders and vacancy counts (one query)."""
    return posts.annotate(holders=Count("holdings", filter=Q(holdings__end__isnull=True)))
