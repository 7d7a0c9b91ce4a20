"""考核: 年度考核 (written to cadre.AnnualAssessment), 季度/专项考核, 群众评价 with a recorded random draw, 期满考核."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from cadre.models import AnnualAssessment, Cadre, OrgUnit
from cadre.services import annual_assessments_record
from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules
from ..audit import AuditAction
from ..models import (
    BallotSession,
    OptionSet,
    PeriodicAssessment,
    PeriodicKind,
    ResidentEvaluation,
    ReviewMethod,
    TermReview,
    TermReviewResult,
)
from .common import require_staff, setting, user_or_none
from .sessions import ballot_session_create


@dataclass
class AnnualSaveResult:
    saved: int
    quota: rules.QuotaCheck
    warnings: list[str]


def annual_assessments_save(*, actor, unit: OrgUnit, year: int, entries: list[dict]) -> AnnualSaveResult:
    """年度考核 for one unit and year. ``entries``: [{"cadre": Cadre|id, "grade": "优秀", "reason": ""}].

    A blank grade leaves the cadre's record as it was. Checks the 优秀 quota over the unit's assessed staff
    (this batch plus rows already stored for the unit's cadres): a warning by default, refused when
    ASSESSMENT_EXCELLENT_QUOTA_HARD is true. Writes through the cadre service ``annual_assessments_record``
    (cadre.AnnualAssessment with its history).
    """
    require_staff(actor)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("年度须为四位数字。", field="year") from None
    if not (1950 <= year <= timezone.localdate().year):
        raise ApplicationError(f"年度 {year} 无效。", field="year")
    unit_cadres = {c.pk: c for c in Cadre.objects.filter(unit=unit)}
    grades_valid = {"优秀", "称职", "基本称职", "不称职", "未定等次"}
    clean, errors = {}, []
    for i, entry in enumerate(entries, 1):
        cadre = entry.get("cadre")
        cadre_id = cadre.pk if isinstance(cadre, Cadre) else int(cadre)
        if cadre_id not in unit_cadres:
            errors.append(f"第 {i} 行：干部不属于{unit.name}")
            continue
        name = unit_cadres[cadre_id].name
        grade = (entry.get("grade") or "").strip()
        reason = (entry.get("reason") or "").strip()
        if not grade:
            continue
        if grade not in grades_valid:
            errors.append(f"{name}：考核结果“{grade}”无效")
        elif grade == "未定等次" and not reason:
            errors.append(f"{name}：未定等次须填写原因")
        else:
            clean[cadre_id] = (grade, reason[:200])
    if errors:
        raise ApplicationError("年度考核录入有误：" + "；".join(errors) + "。", errors=errors)

    existing = dict(
        AnnualAssessment.objects.filter(cadre_id__in=unit_cadres, year=year).values_list("cadre_id", "grade")
    )
    combined = {**existing, **{cid: g for cid, (g, _r) in clean.items()}}
    percent = Decimal(str(setting("ASSESSMENT_EXCELLENT_QUOTA_PERCENT", 20)))
    quota = rules.excellent_quota(list(combined.values()), percent)
    warnings = []
    if quota.exceeded:
        message = f"{unit.name}{year}年度：{quota.message}"
        if setting("ASSESSMENT_EXCELLENT_QUOTA_HARD", False):
            raise ApplicationError(message + "，不能保存。", field="grade")
        warnings.append(message + "，请核实。")

    with transaction.atomic():
        annual_assessments_record(actor=actor, year=year, grades=clean)
        audit(
            actor=actor,
            action=AuditAction.ANNUAL_ASSESSMENT_SAVE,
            obj=unit,
            summary=f"{unit.name}{year}年度考核录入 {len(clean)} 人" + ("（优秀超比例）" if quota.exceeded else ""),
            data={"year": year, "excellent": quota.excellent, "assessed": quota.assessed},
        )
    return AnnualSaveResult(saved=len(clean), quota=quota, warnings=warnings)


def periodic_assessment_create(
    *, actor, cadre: Cadre, kind: str, year: int, assessed_on, grade: str, quarter: int | None = None,
    task: str = "", comment: str = "",
) -> PeriodicAssessment:
    require_staff(actor)
    if kind not in PeriodicKind.values:
        raise ApplicationError(f"考核类别“{kind}”无效。", field="kind")
    if grade not in {"优秀", "称职", "基本称职", "不称职", "未定等次"}:
        raise ApplicationError(f"考核结果“{grade}”无效。", field="grade")
    if kind == PeriodicKind.QUARTERLY:
        if quarter not in (1, 2, 3, 4):
            raise ApplicationError("季度考核须选择第 1–4 季度。", field="quarter")
        task = ""
        if PeriodicAssessment.objects.filter(cadre=cadre, kind=kind, year=year, quarter=quarter).exists():
            raise ApplicationError(f"{cadre.name}{year}年第{quarter}季度已有考核记录。", field="quarter")
    else:
        quarter = None
        if not (task or "").strip():
            raise ApplicationError("专项考核须填写任务名称。", field="task")
    with transaction.atomic():
        row = PeriodicAssessment.objects.create(
            cadre=cadre, kind=kind, year=year, quarter=quarter, task=(task or "").strip()[:200],
            assessed_on=assessed_on, grade=grade, comment=(comment or "").strip()[:500],
            created_by=user_or_none(actor),
        )
        audit(actor=actor, action=AuditAction.PERIODIC_ASSESSMENT_CREATE, obj=row, summary=f"{cadre.name} {row}")
    return row


def resident_evaluation_create(
    *, actor, title: str, subject_name: str = "", cadre: Cadre | None = None, population: list[str],
    sample_size: int, seed: int | None = None, create_session: bool = True,
) -> ResidentEvaluation:
    """Draw ``sample_size`` evaluators from ``population`` with a recorded seed (new random seed if None).

    With ``create_session`` a 群众评价 ballot session (one group 群众代表, weight 100%) is created for the
    subject; codes are then issued to the sampled people as usual.
    """
    require_staff(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写名称。", field="title")
    subject_name = (subject_name or (cadre.name if cadre else "")).strip()
    if not subject_name:
        raise ApplicationError("请填写被评价对象。", field="subject_name")
    people = rules.normalize_population(population)
    if seed is None:
        seed = secrets.randbits(48)
    try:
        sample_size = int(sample_size)
        seed = int(seed)
        sample = rules.draw_sample(people, sample_size, seed)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="sample_size") from None
    with transaction.atomic():
        session = None
        if create_session:
            session = ballot_session_create(
                actor=actor, title=title, option_set=OptionSet.MASSES,
                targets=[{"cadre": cadre, "name": subject_name}], groups=[{"name": "群众代表", "weight": 100}],
            )
        row = ResidentEvaluation.objects.create(
            title=title, cadre=cadre, subject_name=subject_name, population=people,
            population_hash=rules.population_hash(people), sample_size=sample_size, seed=seed, sample=sample,
            session=session, created_by=user_or_none(actor),
        )
        audit(
            actor=actor, action=AuditAction.RESIDENT_EVALUATION_CREATE, obj=row,
            summary=f"群众评价“{title}”：从 {len(people)} 人中抽取 {sample_size} 人，随机种子 {seed}",
            data={"seed": seed, "population_hash": row.population_hash},
        )
    return row


def resident_sample_verify(evaluation: ResidentEvaluation) -> bool:
    """Re-draw from the stored list and seed: True when it reproduces the recorded sample and list hash."""
    return (
        rules.population_hash(evaluation.population) == evaluation.population_hash
        and rules.draw_sample(evaluation.population, evaluation.sample_size, evaluation.seed) == evaluation.sample
    )


def term_review_create(
    *, actor, subject_name: str = "", subject_kind: str = "其他", cadre: Cadre | None = None, subject=None,
    term_start=None, term_end=None, panel: list[str], methods: list[str], result: str, opinion: str,
    reviewed_on, session: BallotSession | None = None,
) -> TermReview:
    """期满考核 for a cadre, any other record (``subject``: e.g. a secondment row) or a named person."""
    require_staff(actor)
    subject_name = (subject_name or (cadre.name if cadre else "") or (str(subject) if subject else "")).strip()
    if not subject_name:
        raise ApplicationError("请填写考核对象。", field="subject_name")
    panel = [p.strip() for p in panel if p and p.strip()]
    if not panel:
        raise ApplicationError("请填写考核组成员。", field="panel")
    bad = [m for m in methods if m not in ReviewMethod.values]
    if bad or not methods:
        raise ApplicationError(
            f"考核方式须从 {'、'.join(ReviewMethod.values)} 中选择" + (f"，“{'、'.join(bad)}”无效" if bad else "") + "。",
            field="methods",
        )
    if result not in TermReviewResult.values:
        raise ApplicationError("考核结果须为 合格、基本合格 或 不合格。", field="result")
    if not (opinion or "").strip():
        raise ApplicationError("请填写考核意见。", field="opinion")
    if term_start and term_end and term_end < term_start:
        raise ApplicationError("任期止不能早于任期起。", field="term_end")
    with transaction.atomic():
        row = TermReview.objects.create(
            subject_kind=subject_kind, subject_name=subject_name[:50], cadre=cadre,
            subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
            subject_id=str(subject.pk) if subject is not None else "",
            term_start=term_start, term_end=term_end, panel=panel,
            methods=[m for m in ReviewMethod.values if m in methods], result=result, opinion=opinion.strip(),
            reviewed_on=reviewed_on, session=session,
            created_by=user_or_none(actor),
        )
        audit(actor=actor, action=AuditAction.TERM_REVIEW_CREATE, obj=row, summary=str(row))
    return row
