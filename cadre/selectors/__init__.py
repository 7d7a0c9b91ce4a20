"""Reads of the cadre records: one record with its histories, the change log, the unit tree, family links, the
person lookup; the roster list's reads are in `roster` (re-exported here).

Every list here runs a fixed number of queries whatever the number of rows (pinned in the tests).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.privacy import mask_id_number

from ..choices import CadreStatus, EducationMode
from ..models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    FamilyLinkProposal,
    FamilyMember,
    OrgUnit,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
    month_text,
)
from ..services import post_vacancies
from ..sortkeys import QUERY_MAX, normalize_query
from .roster import (  # noqa: F401 (the roster list's reads, re-exported: cadre.selectors is their address)
    COUNT_TIMEOUT,
    DEFAULT_STATUS,
    ROSTER_PAGE_COLUMNS,
    EducationRow,
    RosterPaginator,
    cache_version,
    education_text,
    highest_education,
    roster_base_queryset,
    roster_page_key,
    roster_page_queryset,
    roster_params,
    roster_rows,
    roster_search,
)


# ---------------------------------------------------------------- one record
def cadre_detail(pk: int) -> Cadre:
    """A record with every section of the 档案 loaded (a fixed number of queries)."""
    return (
        Cadre.objects.select_related("unit", "user")
        .prefetch_related(
            Prefetch("educations", queryset=EducationRecord.objects.order_by("mode")),
            Prefetch("post_history", queryset=PostHistory.objects.select_related("unit", "post").order_by("start", "id")),
            Prefetch("rank_history", queryset=RankHistory.objects.order_by("start", "id")),
            Prefetch("assessments", queryset=AnnualAssessment.objects.order_by("-year")),
            Prefetch("rewards_punishments", queryset=RewardPunishment.objects.order_by("-decided_on", "-id")),
            Prefetch("family", queryset=FamilyMember.objects.select_related("relative_cadre").order_by("order", "id")),
        )
        .get(pk=pk)
    )


def resume_lines(cadre: Cadre) -> list[str]:
    """简历 lines from the post history: `2008.07--2012.05  某某镇党政办科员` (open rows end blank)."""
    return [row.resume_line.rstrip() for row in cadre.post_history.all()]


def education_by_mode(cadre: Cadre) -> dict[str, EducationRecord | None]:
    found = {r.mode: r for r in cadre.educations.all()}
    return {mode: found.get(mode) for mode in EducationMode.values}


def rewards_with_effect(cadre: Cadre, on: dt.date | None = None) -> list[tuple[RewardPunishment, bool]]:
    on = on or timezone.localdate()
    return [(r, r.in_effect_on(on)) for r in cadre.rewards_punishments.all()]


# ---------------------------------------------------------------- change log
@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    when: dt.datetime
    who: str
    section: str
    target: str
    action: str  # 新增 / 修改 / 删除
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


HISTORY_SECTIONS = [
    # model, label, filter field, text of the object
    (Cadre, "基本信息", "id", lambda h: h.name),
    (EducationRecord, "学历学位", "cadre_id", lambda h: h.mode),
    (PostHistory, "任职经历", "cadre_id", lambda h: f"{h.unit_name}{h.title}"),
    (RankHistory, "职务层次经历", "cadre_id", lambda h: h.level),
    (AnnualAssessment, "年度考核", "cadre_id", lambda h: f"{h.year}年度"),
    (RewardPunishment, "奖惩情况", "cadre_id", lambda h: h.name),
    (FamilyMember, "家庭成员", "cadre_id", lambda h: f"{h.relation} {h.name}"),
]
FK_MODELS = {"unit": OrgUnit, "post": Post, "relative_cadre": Cadre}
HIDDEN_HISTORY_FIELDS = {"cadre", "id", "user", "order"}


def _display(model, name: str, value, fk_names: dict, mask_ids: bool = False) -> str:
    if value is None or value == "":
        return "（空）"
    if name == "id_number" and mask_ids:
        return mask_id_number(str(value))
    f = model._meta.get_field(name)
    if name in FK_MODELS:
        return fk_names.get((name, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return month_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def cadre_change_log(cadre: Cadre, *, mask_ids: bool = True, limit: int = 300) -> list[ChangeEntry]:
    """变更记录 of a record and its related rows, newest first: who, when, which fields changed old → new.

    `mask_ids` shows every 身份证号 (the person's and relatives') as `330502********311*` (core.privacy).

    One query per history table plus one per referenced table (units, posts, cadres) for display names.
    """
    raw = []
    for model, section, key, text in HISTORY_SECTIONS:
        records = list(
            model.history.filter(**{key: cadre.pk}).select_related("history_user").order_by("id", "history_date", "history_id")
        )
        raw.append((model, section, text, records))

    fk_ids: dict[str, set] = {name: set() for name in FK_MODELS}
    for model, _, _, records in raw:
        for name in FK_MODELS:
            if any(f.name == name for f in model._meta.fields):
                fk_ids[name].update(getattr(r, f"{name}_id") for r in records if getattr(r, f"{name}_id"))
    fk_names: dict[tuple[str, object], str] = {}
    for name, ids in fk_ids.items():
        if ids:
            for obj in FK_MODELS[name].objects.filter(pk__in=ids).select_related(
                *(["unit"] if name == "post" else [])
            ):
                fk_names[(name, obj.pk)] = str(obj)

    entries: list[ChangeEntry] = []
    for model, section, text, records in raw:
        tracked = [f.name for f in model._meta.fields if f.editable and f.name not in HIDDEN_HISTORY_FIELDS]
        previous = {}
        for record in records:
            prev = previous.get(record.id)
            entry = ChangeEntry(
                when=record.history_date,
                who=_who(record),
                section=section,
                target=text(record),
                action={"+": "新增", "~": "修改", "-": "删除"}[record.history_type],
                reason=record.history_change_reason or "",
            )
            if record.history_type == "+" or prev is None:
                for name in tracked:
                    value = getattr(record, f"{name}_id" if name in FK_MODELS else name)
                    if value not in (None, "") and not (model is Cadre and name == "photo" and not value):
                        entry.changes.append(
                            FieldChange(_label(model, name), "", _display(model, name, value, fk_names, mask_ids))
                        )
            elif record.history_type == "~":
                delta = record.diff_against(prev, included_fields=tracked)
                for change in delta.changes:
                    entry.changes.append(
                        FieldChange(
                            _label(model, change.field),
                            _display(model, change.field, change.old, fk_names, mask_ids),
                            _display(model, change.field, change.new, fk_names, mask_ids),
                        )
                    )
                if not entry.changes:
                    previous[record.id] = record
                    continue
            previous[record.id] = record
            entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# ---------------------------------------------------------------- units
@dataclass
class UnitSummary:
    unit: OrgUnit
    depth: int
    post_count: int = 0
    headcount: int = 0
    holders: int = 0
    vacancies: int = 0
    over: int = 0
    cadre_count: int = 0


def _active_cadre_count():
    return Coalesce(
        Subquery(
            Cadre.objects.filter(unit=OuterRef("pk"), status=CadreStatus.ACTIVE)
            .order_by()
            .values("unit")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        Value(0),
    )


def unit_tree() -> list[UnitSummary]:
    """Every unit in tree order (parents before children, siblings by 排序) with its posts' totals.

    Two queries: the units (with their active-cadre count), the posts with their open holdings.
    """
    units = list(OrgUnit.objects.annotate(cadre_count=_active_cadre_count()).order_by("order", "id"))
    totals: dict[int, UnitSummary] = {}
    for post in post_vacancies(Post.objects.filter(is_active=True).order_by()).values("unit_id", "headcount", "holders"):
        s = totals.setdefault(post["unit_id"], UnitSummary(unit=None, depth=0))
        s.post_count += 1
        s.headcount += post["headcount"]
        s.holders += post["holders"]
        s.vacancies += max(post["headcount"] - post["holders"], 0)
        s.over += max(post["holders"] - post["headcount"], 0)

    children: dict[int | None, list[OrgUnit]] = {}
    ids = {u.pk for u in units}
    for u in units:
        parent = u.parent_id if u.parent_id in ids else None
        children.setdefault(parent, []).append(u)

    out: list[UnitSummary] = []
    seen: set[int] = set()

    def walk(parent, depth):
        for u in children.get(parent, []):
            if u.pk in seen:
                continue
            seen.add(u.pk)
            s = totals.get(u.pk) or UnitSummary(unit=None, depth=0)
            s.unit, s.depth, s.cadre_count = u, depth, u.cadre_count
            out.append(s)
            walk(u.pk, depth + 1)

    walk(None, 0)
    for u in units:  # a cycle in parent links would hide units: show them at the top level
        if u.pk not in seen:
            seen.add(u.pk)
            s = totals.get(u.pk) or UnitSummary(unit=None, depth=0)
            s.unit, s.cadre_count = u, u.cadre_count
            out.append(s)
    return out


def unit_detail(pk: int) -> OrgUnit:
    return OrgUnit.objects.select_related("parent").get(pk=pk)


def unit_posts(unit: OrgUnit):
    """The unit's posts with holders (count and the people) and vacancy, in 排序."""
    open_rows = PostHistory.objects.filter(end__isnull=True).select_related("cadre").order_by("seat", "id")
    posts = list(
        post_vacancies(Post.objects.filter(unit=unit))
        .prefetch_related(Prefetch("holdings", queryset=open_rows, to_attr="open_holdings"))
        .order_by("-is_active", "order", "id")
    )
    for post in posts:
        post.vacancy = max(post.headcount - post.holders, 0)
        post.over = max(post.holders - post.headcount, 0)
    return posts


def unit_cadres(unit: OrgUnit):
    return (
        Cadre.objects.filter(unit=unit, status=CadreStatus.ACTIVE)
        .prefetch_related(Prefetch("educations", queryset=EducationRecord.objects.order_by("mode")))
        .order_by("rank_order", "id")
    )


def unit_children(unit: OrgUnit):
    return OrgUnit.objects.filter(parent=unit).order_by("order", "id")


def unit_totals(posts) -> dict:
    return {
        "post_count": len(posts),
        "headcount": sum(p.headcount for p in posts if p.is_active),
        "holders": sum(p.holders for p in posts if p.is_active),
        "vacancies": sum(p.vacancy for p in posts if p.is_active),
    }


# ---------------------------------------------------------------- 家庭成员关联
def family_link_proposals():
    """Pending proposals with both persons (two records side by side): one query."""
    return FamilyLinkProposal.objects.filter(status=FamilyLinkProposal.Status.PENDING).select_related(
        "member", "cadre__unit", "candidate__unit"
    ).order_by("cadre_id", "member_id", "candidate_id")


def family_link_decisions(limit: int = 20):
    """The latest decided proposals, newest first: one query."""
    return FamilyLinkProposal.objects.exclude(status=FamilyLinkProposal.Status.PENDING).select_related(
        "cadre", "candidate", "decided_by"
    ).order_by("-decided_at", "-id")[:limit]


# ---------------------------------------------------------------- person lookup (autocomplete)
LOOKUP_LIMIT = 15


def cadre_lookup(*, query: str, id_numbers: bool = False, active_only: bool = True, limit: int = LOOKUP_LIMIT):
    """People for a name or pinyin (全拼 with or without spaces, or the initials, any case): one query.

    Exact names first, then names starting with the query, then the rest, each in 姓氏笔画 order. With
    ``id_numbers`` (staff) a query of 4+ digits also matches the start of the 身份证号. '' → no rows.
    """
    text, pinyin = normalize_query(query)
    if not text or len(text) > QUERY_MAX:
        return []
    cond = Q(name__contains=text)
    if pinyin:
        cond |= Q(search_key__contains=pinyin)
    if id_numbers and text[:-1].isdigit() and len(text) >= 4:
        cond |= Q(id_number__startswith=text.upper())
    qs = Cadre.objects.filter(cond).select_related("unit")
    if active_only:
        qs = qs.filter(status=CadreStatus.ACTIVE)
    whens = [When(name=text, then=Value(0)), When(name__startswith=text, then=Value(1))]
    if pinyin:  # (no placeholder value otherwise: PostgreSQL refuses a NUL in a parameter)
        whens.append(When(search_key__startswith=pinyin, then=Value(2)))
    rank = Case(*whens, default=Value(3), output_field=IntegerField())
    return list(qs.annotate(match_rank=rank).order_by("match_rank", "stroke_key", "id")[:limit])
