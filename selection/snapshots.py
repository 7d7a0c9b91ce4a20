"""Snapshots of the facts an application is decided on (selection.md "Snapshots").

When an application is submitted (a nomination: when accepted) it freezes the person's facts — name, gender,
birth month, education, political status, 籍贯, unit, current post and its level, rank and rank start — and the
eligibility result with its reasons, in ``Application.snapshot``. Review, ranking, 考察, the meeting, 公示,
任职 and every campaign document read the snapshot, never today's record; ``changes`` compares it with the
live record for staff (档案已变更), and only ``services.application_snapshot_correct`` (staff, a reason,
audited) changes it afterwards.

Reads only: ``facts`` is a pure function of a cadre object and its loaded rows (the data migration calls it
with historical models); ``load_cadres`` and ``changes`` read with a fixed number of queries.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from cadre.choices import LEADERSHIP_LEVELS
from cadre.models import Cadre, EducationRecord, PostHistory
from cadre.selectors import education_text

# the facts a snapshot holds, with the label staff see (档案已变更, the correction form)
FACT_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "birth_month": "出生年月",
    "education": "学历",
    "political_status": "政治面貌",
    "native_place": "籍贯",
    "unit": "工作单位",
    "post": "现任职务",
    "post_level": "现任职务层次",
    "rank_level": "职级",
    "rank_start": "任现职级时间",
}
# a correction by hand may touch these (current_job is derived from unit + post)
CORRECTABLE = tuple(FACT_LABELS)


def _month(day) -> str:
    return f"{day.year}.{day.month:02d}" if day else ""


def _iso(day) -> str:
    return day.isoformat() if isinstance(day, dt.date) else (day or "")


def held_level(holdings) -> str:
    """The level of the leadership post held (an open, non-secondment post-history row), else ""."""
    levels = [h.level or (h.post.level if h.post_id else "") for h in holdings if not h.is_secondment and h.end is None]
    leading = [lv for lv in levels if lv in LEADERSHIP_LEVELS]
    if "正科级" in leading:
        return "正科级"
    return leading[0] if leading else ""


def facts(cadre, *, educations, holdings) -> dict:
    """The person's facts as the campaign shows them (pure: ``cadre`` with ``unit`` loaded, and its rows)."""
    unit = cadre.unit if cadre.unit_id else None
    unit_text = (unit.short_name or unit.name) if unit is not None else ""
    level = held_level(holdings)
    if not level and cadre.rank_level in LEADERSHIP_LEVELS and cadre.position_title:
        level = cadre.rank_level
    return {
        "name": cadre.name,
        "gender": cadre.gender,
        "birth": _iso(cadre.birth_date),
        "birth_month": _month(cadre.birth_date),
        "education": education_text(list(educations)),
        "political_status": cadre.political_status,
        "native_place": cadre.native_place,
        "unit": unit_text,
        "unit_name": unit.name if unit is not None else "",
        "post": cadre.position_title,
        "current_job": f"{unit_text}{cadre.position_title}",
        "post_level": level,
        "rank_level": cadre.rank_level,
        "rank_start": _iso(cadre.rank_start),
    }


def eligibility_part(explanation) -> dict:
    """The eligibility result with its reasons (the engine's Explanation)."""
    return {
        "result": explanation.result,
        "reasons": explanation.reasons_text,
        "appointment": explanation.appointment,
        "as_of": explanation.as_of.isoformat(),
    }


def load_cadres(cadre_ids) -> dict[int, Cadre]:
    """Cadres with unit, educations and open holdings (3 queries)."""
    qs = Cadre.objects.filter(pk__in=set(cadre_ids)).select_related("unit").prefetch_related(
        Prefetch("educations", queryset=EducationRecord.objects.order_by("mode")),
        Prefetch("post_history", queryset=PostHistory.objects.filter(end__isnull=True).select_related("post"),
                 to_attr="open_holdings"),
    )
    return {c.pk: c for c in qs}


def live_facts(cadre: Cadre) -> dict:
    holdings = getattr(cadre, "open_holdings", None)
    if holdings is None:
        holdings = list(PostHistory.objects.filter(cadre=cadre, end__isnull=True).select_related("post"))
    return facts(cadre, educations=cadre.educations.all(), holdings=holdings)


def take(cadre: Cadre, explanation=None, *, at: dt.datetime | None = None) -> dict:
    """A new snapshot of ``cadre`` (facts, and the eligibility result when given)."""
    loaded = load_cadres([cadre.pk]).get(cadre.pk, cadre)
    snap = live_facts(loaded)
    if explanation is not None:
        snap["eligibility"] = eligibility_part(explanation)
    if at is not None:
        snap["taken_at"] = at.isoformat()
    return snap


def person(app) -> dict:
    """Name, gender, birth date, education level and ``现单位及职务`` (the unit's full name) of an application as
    the lists and exports print them: from the snapshot (the live record for a draft)."""
    if not app.snapshot:
        c = app.cadre
        return {"name": c.name, "gender": c.gender, "birth_date": c.birth_date,
                "education_level": education_text(c.educations.all()).split("（")[0],
                "current_job": f"{c.unit.name if c.unit_id else ''}{c.position_title}"}
    snap = app.snapshot
    birth = snap.get("birth")
    return {
        "name": snap.get("name", ""), "gender": snap.get("gender", ""),
        "birth_date": dt.date.fromisoformat(birth) if birth else None,
        "education_level": (snap.get("education") or "").split("（")[0],
        "current_job": f"{snap.get('unit_name') or snap.get('unit', '')}{snap.get('post', '')}",
    }


def of(app) -> dict:
    """The application's facts: its snapshot (an application not yet submitted has none: its live facts)."""
    if app.snapshot:
        return app.snapshot
    return live_facts(app.cadre)


def diff(snapshot: dict, live: dict) -> list[dict]:
    """What changed between the snapshot and the live record: [{field, label, was, now}] (pure)."""
    out = []
    for key, label in FACT_LABELS.items():
        was, now = snapshot.get(key, ""), live.get(key, "")
        if key in snapshot and (was or "") != (now or ""):
            out.append({"field": key, "label": label, "was": was or "（空）", "now": now or "（空）"})
    return out


def changes(apps) -> dict[int, list[dict]]:
    """档案已变更: per application id the differences between its snapshot and the live record (3 queries,
    whatever the number of applications). Each application also gets ``snapshot_changes`` set for templates."""
    apps = [a for a in apps]
    with_snap = [a for a in apps if a.snapshot]
    cadres = load_cadres(a.cadre_id for a in with_snap) if with_snap else {}
    live = {pk: live_facts(c) for pk, c in cadres.items()}
    out = {}
    for a in apps:
        found = diff(a.snapshot, live[a.cadre_id]) if a.snapshot and a.cadre_id in live else []
        a.snapshot_changes = found
        if found:
            out[a.pk] = found
    return out


def changes_text(found: list[dict]) -> str:
    return "；".join(f"{c['label']}：{c['was']} → {c['now']}" for c in found)
