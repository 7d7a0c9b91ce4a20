"""Ballot sessions: create one (draft). Its status moves are in ``transitions``."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from cadre.models import Cadre
from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules
from ..audit import AuditAction
from ..models import BallotSession, BallotTarget, EvaluatorGroup, OptionSet
from .common import require_staff, setting, user_or_none

MAX_TARGETS = 200


def _decimal(value, label) -> Decimal:
    try:
        return Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}“{value}”不是数字") from None


def _json_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def ballot_session_create(
    *,
    actor,
    title: str,
    option_set: str,
    targets: list,
    groups: list,
    score_map: dict | None = None,
    vote_date=None,
    participation_threshold=None,
    min_group_ballots: int | None = None,
) -> BallotSession:
    """Create a draft session.

    ``targets``: Cadre instances, or dicts ``{"cadre": Cadre|id|None, "name": str, "description": str}``
    (a name without a cadre is an outside candidate). ``groups``: dicts ``{"name", "weight"[, "paper_issued"]}``
    or ``(name, weight)`` pairs, weights in percent summing to 100.
    """
    require_staff(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写测评名称。", field="title")
    if option_set not in OptionSet.values:
        raise ApplicationError(f"选项类型“{option_set}”无效，可选：评价、推荐、群众。", field="option_set")
    score_map = dict(score_map or rules.DEFAULT_SCORE_MAPS[option_set])
    errors = rules.score_map_errors(option_set, score_map)
    if errors:
        raise ApplicationError("分值对照有误：" + "；".join(errors), errors=errors, field="score_map")
    score_map = {k: _json_number(Decimal(str(v))) for k, v in score_map.items()}

    target_rows = _target_rows(targets)
    group_rows = _group_rows(groups)

    threshold = _decimal(
        participation_threshold if participation_threshold is not None
        else setting("ASSESSMENT_PARTICIPATION_THRESHOLD", 80),
        "参评率下限",
    )
    if not (0 <= threshold <= 100):
        raise ApplicationError(f"参评率下限 {threshold}% 须在 0–100 之间。", field="participation_threshold")
    min_group = min_group_ballots if min_group_ballots is not None else setting("ASSESSMENT_MIN_GROUP_BALLOTS", 5)
    if int(min_group) < 1:
        raise ApplicationError("分组显示最少票数须至少为 1。", field="min_group_ballots")

    with transaction.atomic():
        session = BallotSession.objects.create(
            title=title,
            option_set=option_set,
            score_map=score_map,
            vote_date=vote_date,
            participation_threshold=threshold,
            min_group_ballots=int(min_group),
            created_by=user_or_none(actor),
        )
        BallotTarget.objects.bulk_create(
            BallotTarget(session=session, order=i, **row) for i, row in enumerate(target_rows, 1)
        )
        EvaluatorGroup.objects.bulk_create(
            EvaluatorGroup(session=session, order=i, **row) for i, row in enumerate(group_rows, 1)
        )
        audit(
            actor=actor,
            action=AuditAction.BALLOT_SESSION_CREATE,
            obj=session,
            summary=f"创建测评“{title}”：{len(target_rows)} 名对象，{len(group_rows)} 个测评人类别",
            data={"option_set": option_set, "groups": [(g["name"], str(g["weight"])) for g in group_rows]},
        )
    return session


def _target_rows(targets) -> list[dict]:
    if not targets:
        raise ApplicationError("至少需要一名测评对象。", field="targets")
    if len(targets) > MAX_TARGETS:
        raise ApplicationError(f"测评对象最多 {MAX_TARGETS} 名。", field="targets")
    rows, seen_cadres = [], set()
    for i, item in enumerate(targets, 1):
        if isinstance(item, Cadre):
            item = {"cadre": item}
        cadre = item.get("cadre")
        if cadre is not None and not isinstance(cadre, Cadre):
            cadre = Cadre.objects.filter(pk=cadre).first()
            if cadre is None:
                raise ApplicationError(f"第 {i} 名测评对象：干部档案 {item.get('cadre')} 不存在。", field="targets")
        name = (item.get("name") or (cadre.name if cadre else "")).strip()
        if not name:
            raise ApplicationError(f"第 {i} 名测评对象缺少姓名。", field="targets")
        if len(name) > 30:
            raise ApplicationError(f"第 {i} 名测评对象姓名“{name}”过长（最多 30 字）。", field="targets")
        if cadre is not None:
            if cadre.pk in seen_cadres:
                raise ApplicationError(f"第 {i} 名测评对象“{name}”重复。", field="targets")
            seen_cadres.add(cadre.pk)
        description = (item.get("description") or (cadre.current_job if cadre else "")).strip()[:100]
        rows.append({"cadre": cadre, "name": name, "description": description})
    return rows


def _group_rows(groups) -> list[dict]:
    rows = []
    for i, item in enumerate(groups or [], 1):
        if isinstance(item, (tuple, list)):
            item = {"name": item[0], "weight": item[1]}
        name = str(item.get("name") or "").strip()
        if not name:
            raise ApplicationError(f"第 {i} 个测评人类别缺少名称。", field="groups")
        weight = _decimal(item.get("weight"), f"测评人类别“{name}”的权重")
        paper = int(item.get("paper_issued") or 0)
        if paper < 0:
            raise ApplicationError(f"测评人类别“{name}”的纸质票数不能为负数。", field="groups")
        rows.append({"name": name[:50], "weight": weight, "paper_issued": paper})
    names = [r["name"] for r in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ApplicationError(f"测评人类别重复：{'、'.join(duplicates)}。", field="groups")
    errors = rules.weight_errors([r["weight"] for r in rows])
    if errors:
        raise ApplicationError("；".join(errors) + "。", errors=errors, field="groups")
    return rows
