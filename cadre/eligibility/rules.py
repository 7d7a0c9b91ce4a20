"""任职资格 rules as pure functions: no ORM, no I/O, no clock.

Every rule takes plain values (dates, strings, tuples) and its parameters, and returns a frozen
`RuleResult` with the rule code, the Chinese rule name, a status (pass/fail/waived/manual), the value
found, the limit and a reason a clerk can paste into a report. The engine (`cadre.eligibility.engine`) loads
the facts and chooses the parameters; these functions only decide.

Conventions (spec/README.md, spec/eligibility.md):
- 以上/以下 include the number: 45周岁以下 admits 45, 两年以上 admits exactly two years.
- Age limits are birth-date cutoffs: eligible when born on or after the cutoff; the default cutoff for a
  limit L with an as-of date in year Y is January 1 of year Y−L.
- Tenure is whole years and days; N years are reached on the same month-day N years later (a start on
  29 February reaches its anniversary on 1 March in common years). Year-month-only dates are stored as
  the 1st of the month and so count from the 1st.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ..choices import EDUCATION_RANK, LEADERSHIP_LEVELS, RANK_GRADE, TITLE_LEVEL_RANK
from .dates import (
    add_months,
    add_years,
    age_on,
    birth_cutoff,
    fmt_date,
    fmt_month,
    fmt_tenure,
    has_years,
    highest_education,
    tenure,
)

PASS = "pass"
FAIL = "fail"
WAIVED = "waived"
MANUAL = "manual"
STATUS_LABELS = {PASS: "符合", FAIL: "不符合", WAIVED: "经批准放宽", MANUAL: "待人工审核"}

NEW = "新任"
TRANSFER = "转任"
DEMOTION = "降职"  # holds a level above the post's: neither 新任 nor 转任, never a candidate (spec/selection.md)
APPOINTMENTS = (NEW, TRANSFER, DEMOTION)

RESULT_OK = "符合"
RESULT_OK_WAIVED = "符合（含放宽）"
RESULT_FAIL = "不符合"
RESULT_MANUAL = "待人工审核"
RESULTS = (RESULT_OK, RESULT_OK_WAIVED, RESULT_MANUAL, RESULT_FAIL)


# 职级 ladder (domain.md), lowest first, with the usual minimum years in the rung below before promotion.
LADDER: tuple[tuple[str, int], ...] = (
    ("二级科员", 0),
    ("一级科员", 2),
    ("四级主任科员", 2),
    ("三级主任科员", 2),
    ("二级主任科员", 2),
    ("一级主任科员", 2),
    ("四级调研员", 2),
    ("三级调研员", 2),
    ("二级调研员", 2),
    ("一级调研员", 3),
)
LADDER_INDEX = {name: i for i, (name, _years) in enumerate(LADDER)}

RULE_NAMES = {
    "pool": "报名范围",
    "assessment": "年度考核",
    "health": "身体健康",
    "sanction": "处分影响期",
    "manual": "政治素质和品行",
    "age": "年龄",
    "tenure": "任职年限",
    "education": "学历",
    "ladder": "职级晋升年限",
    "county": "县处级任职经历",
    "level": "职务层次",
}
WAIVABLE_RULES = ("age", "education", "tenure")


@dataclass(frozen=True, slots=True)
class RuleResult:
    code: str
    name: str
    status: str
    value: str
    limit: str
    reason: str
    waivable: bool = False
    note: str = ""  # the original failing reason when a waiver applies

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def waived(self, waiver_reason: str) -> RuleResult:
        """The same result lifted by a recorded waiver (only a failing, waivable rule may be lifted)."""
        if self.status != FAIL or not self.waivable:
            return self
        return replace(self, status=WAIVED, reason=f"经批准放宽：{waiver_reason}", note=self.reason)

    def recorded(self, passed: bool, text: str) -> RuleResult:
        """A manual item (待人工审核) decided by a recorded staff check; other results are returned unchanged."""
        if self.status != MANUAL:
            return self
        return replace(self, status=PASS if passed else FAIL, value="已审核", reason=text)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "status_label": self.status_label,
            "value": self.value,
            "limit": self.limit,
            "reason": self.reason,
            "waivable": self.waivable,
            "note": self.note,
        }


def _result(code, status, value, limit, reason, waivable=False) -> RuleResult:
    return RuleResult(code, RULE_NAMES[code], status, value, limit, reason, waivable)


# ---------------------------------------------------------------- appointment type

def detect_appointment(
    *,
    current_rank: str,
    title_level: str,
    post_grade: int,
    equivalent_ranks: bool = True,
    title_min: str | None = "中级",
) -> tuple[str, str]:
    """新任 or 转任, with the basis of a transfer in Chinese.

    降职 when the person holds a level above the post's (a leadership level, or an equivalent 职级 the plan counts).
    转任 when the person already holds the post's level as a leadership level (正科级/副科级),
    holds an equivalent 职级 (一级/二级主任科员 ≈ 正科, 三级/四级主任科员 ≈ 副科, 调研员 above) when the plan
    counts equivalents, or holds a professional title of `title_min` (中级) or above.
    """
    grade = RANK_GRADE.get(current_rank, -1)
    if current_rank and grade >= post_grade:
        kind = DEMOTION if grade > post_grade else TRANSFER
        if current_rank in LEADERSHIP_LEVELS:
            return kind, f"现任{current_rank}"
        if equivalent_ranks:
            return kind, f"现任{current_rank}（相当于{GRADE_LABELS.get(grade, '')}级）"
    if title_min and title_level and TITLE_LEVEL_RANK.get(title_level, 0) >= TITLE_LEVEL_RANK.get(title_min, 99):
        return TRANSFER, f"具有{title_level}职称"
    return NEW, ""


GRADE_LABELS = {1: "副科", 2: "正科", 3: "副处", 4: "正处"}


def post_grade(level: str) -> int:
    return max(RANK_GRADE.get(level, 1), 0)


# ---------------------------------------------------------------- basic conditions

def check_pool(
    *,
    staffing_type: str,
    works_in_organ: bool,
    unit_kind: str,
    unit_name: str = "",
    staffing_types: Iterable[str] = ("公务员", "参公"),
    unit_kinds: Iterable[str] = ("机关", "乡镇", "街道"),
    organ_staffing_types: Iterable[str] = ("事业", "企业"),
) -> RuleResult:
    """报名资格: 公务员/参公 in 机关/乡镇/街道 units, or 企事业编制 staff flagged as working in the 机关."""
    unit_kinds = tuple(unit_kinds)
    staffing_types = tuple(staffing_types)
    organ_staffing_types = tuple(organ_staffing_types)
    where = f"{unit_name}（{unit_kind}）" if unit_name and unit_kind else (unit_kind or "无工作单位")
    value = f"{staffing_type}编制，{where}" + ("，在机关工作" if works_in_organ else "")
    parts = []
    if staffing_types:
        parts.append(f"{'/'.join(staffing_types)}在{'/'.join(unit_kinds)}工作")
    if organ_staffing_types:
        parts.append(f"{'/'.join(organ_staffing_types)}编制在机关工作")
    limit = "；".join(parts)
    if staffing_type in staffing_types and unit_kind in unit_kinds:
        return _result("pool", PASS, value, limit, f"{staffing_type}编制，在{where}工作，属于报名范围")
    if staffing_type in organ_staffing_types and works_in_organ:
        return _result("pool", PASS, value, limit, f"{staffing_type}编制，在机关工作，属于报名范围")
    return _result("pool", FAIL, value, limit, f"编制类型/工作单位不在本次报名范围（{value}）")


def check_assessments(
    *,
    grades: Mapping[int, tuple[str, str]],
    as_of: dt.date,
    years: int = 3,
    accepted: Iterable[str] = ("优秀", "称职"),
) -> RuleResult:
    """The `years` completed years before the as-of year each graded in `accepted`.

    `grades` maps year → (grade, reason). A missing year or 未定等次 fails as 缺少…年度考核结果; any grade not
    accepted (基本称职, 不称职) fails with the grade.
    """
    accepted = tuple(accepted)
    wanted = list(range(as_of.year - years, as_of.year))
    limit = f"{'、'.join(str(y) for y in wanted)}年度考核均为{'或'.join(accepted)}"
    found, problems = [], []
    for year in wanted:
        grade, why = grades.get(year, ("", ""))
        if not grade:
            found.append(f"{year}无")
            problems.append(f"缺少{year}年度考核结果")
        elif grade == "未定等次":
            found.append(f"{year}未定等次")
            problems.append(f"缺少{year}年度考核结果（未定等次{('：' + why) if why else ''}）")
        elif grade not in accepted:
            found.append(f"{year}{grade}")
            problems.append(f"{year}年度考核为{grade}")
        else:
            found.append(f"{year}{grade}")
    value = "、".join(found)
    if problems:
        return _result("assessment", FAIL, value, limit, "；".join(problems))
    return _result("assessment", PASS, value, limit, f"近{years}年年度考核均为{'或'.join(accepted)}（{value}）")


DEFAULT_UNFIT_MARKERS = ("不能坚持", "不能正常", "无法正常", "无法坚持", "病休", "长期病假", "丧失劳动能力")


def check_health(*, health: str, unfit_markers: Iterable[str] = DEFAULT_UNFIT_MARKERS) -> RuleResult:
    """身体健康: the record's 健康状况 does not say the person cannot work."""
    text = (health or "").strip()
    limit = "身体健康，能坚持正常工作"
    for marker in unfit_markers:
        if marker and marker in text:
            return _result("health", FAIL, text, limit, f"健康状况为「{text}」，不能坚持正常工作")
    return _result("health", PASS, text or "未填写", limit, f"健康状况{('为' + text) if text else '未标注不能坚持工作'}")


@dataclass(frozen=True, slots=True)
class Sanction:
    kind: str
    name: str
    decided_on: dt.date
    effect_start: dt.date | None = None
    effect_end: dt.date | None = None

    def in_effect_on(self, on: dt.date) -> bool:
        start = self.effect_start or self.decided_on
        return start <= on and (self.effect_end is None or on <= self.effect_end)


def check_sanctions(
    *, sanctions: Iterable[Sanction], as_of: dt.date, kinds: Iterable[str] = ("党纪处分", "政务处分")
) -> RuleResult:
    """No party or administrative sanction in its effect period (影响期) on the as-of date (both ends included)."""
    kinds = tuple(kinds)
    limit = f"{fmt_date(as_of)}不在{'、'.join(kinds)}影响期内"
    active = [s for s in sanctions if s.kind in kinds and s.in_effect_on(as_of)]
    if not active:
        return _result("sanction", PASS, "无", limit, f"{fmt_date(as_of)}无在影响期内的处分")
    lines = []
    for s in sorted(active, key=lambda s: s.decided_on):
        end = f"影响期至{fmt_date(s.effect_end)}" if s.effect_end else "影响期未结束"
        lines.append(f"{fmt_date(s.decided_on)}受{s.name}（{s.kind}），{end}")
    return _result("sanction", FAIL, "；".join(s.name for s in active), limit, "；".join(lines) + f"，{fmt_date(as_of)}仍在影响期内")


DEFAULT_MANUAL_ITEMS = (
    "坚持四项基本原则，政治立场坚定",
    "具有一定的政策理论水平",
    "热爱本职工作，品行端正",
)


def check_manual(*, items: Iterable[str] = DEFAULT_MANUAL_ITEMS) -> RuleResult:
    """Political and moral qualities: never decided by the engine, always 待人工审核."""
    items = tuple(items)
    text = "；".join(items)
    return _result("manual", MANUAL, "—", text, f"待人工审核：{text}")


def check_demotion(*, basis: str, post_level: str) -> RuleResult:
    """降职: a person above the post's level is not a candidate for it (neither 新提任 nor 转任)."""
    return _result(
        "level", FAIL, basis, f"{post_level}及以下层次人员新提任或同层次转任",
        f"{basis}，高于本职位层次{post_level}，属降职，不列为人选",
    )


def manual_check_text(*, passed: bool, reason: str, recorded_on: dt.date) -> str:
    return f"人工审核{'通过' if passed else '不通过'}：{reason}（{fmt_date(recorded_on)}）"


# ---------------------------------------------------------------- post conditions

def check_age(
    *,
    birth_date: dt.date,
    gender: str,
    as_of: dt.date,
    male: int,
    female: int,
    male_cutoff: dt.date | None = None,
    female_cutoff: dt.date | None = None,
    label: str = "",
    waivable: bool = False,
) -> RuleResult:
    """Age limit as a birth-date cutoff: eligible when born on or after it.

    The cutoff is the plan's explicit date for the gender, else 1 January of (as-of year − limit).
    `label` names the appointment, e.g. 新提任正科. The reason quotes an explicit cutoff
    (`1957年3月出生，早于1959年1月1日（男45周岁）`); with the default cutoff it quotes the age when the person
    is over the limit on the as-of date (`年龄46岁，超过新提任正科男性45岁上限…`).
    """
    limit_years = male if gender == "男" else female
    explicit = male_cutoff if gender == "男" else female_cutoff
    cutoff = explicit or birth_cutoff(as_of, limit_years)
    who = f"{label}{'男性' if gender == '男' else '女性'}"
    age = age_on(birth_date, as_of)
    value = f"{age}岁（{fmt_month(birth_date)}出生）"
    limit = f"{gender}{limit_years}周岁以下（{fmt_date(cutoff)}以后出生）"
    if birth_date >= cutoff:
        return _result(
            "age", PASS, value, limit,
            f"{fmt_month(birth_date)}出生，不早于{fmt_date(cutoff)}（{who}{limit_years}周岁以下）", waivable,
        )
    if age > limit_years and not explicit:
        reason = f"年龄{age}岁，超过{who}{limit_years}岁上限（{fmt_month(birth_date)}出生，早于{fmt_date(cutoff)}）"
    else:
        reason = f"{fmt_month(birth_date)}出生，早于{fmt_date(cutoff)}（{gender}{limit_years}周岁）"
    return _result("age", FAIL, value, limit, reason, waivable)


def check_tenure(
    *,
    run_start: dt.date | None,
    as_of: dt.date,
    min_years: int,
    level_label: str = "副科级领导职务",
    waivable: bool = False,
) -> RuleResult:
    """任职年限: unbroken service at the level or above for `min_years` or more (以上 includes N)."""
    limit = f"任{level_label}{min_years}年以上"
    if run_start is None:
        return _result("tenure", FAIL, "未任", limit, f"未任{level_label}，不满{min_years}年", waivable)
    years, days = tenure(run_start, as_of)
    value = f"{fmt_tenure(years, days)}（自{fmt_month(run_start)}起）"
    if has_years(run_start, as_of, min_years):
        return _result(
            "tenure", PASS, value, limit, f"自{fmt_month(run_start)}起任{level_label}{fmt_tenure(years, days)}，满{min_years}年", waivable
        )
    return _result(
        "tenure", FAIL, value, limit,
        f"自{fmt_month(run_start)}起任{level_label}{fmt_tenure(years, days)}，不满{min_years}年（{fmt_date(add_years(run_start, min_years))}满{min_years}年）",
        waivable,
    )


def check_education(
    *,
    full_time: str,
    part_time: str,
    minimum: str = "大学专科",
    full_time_only: bool = False,
    waivable: bool = False,
) -> RuleResult:
    """学历: the highest of 全日制 and 在职 (only 全日制 when required) at `minimum` or above."""
    level, mode = highest_education({"全日制": full_time, "在职": part_time}, full_time_only=full_time_only)
    limit = f"{'全日制' if full_time_only else ''}{minimum}及以上学历"
    if not level:
        what = "无全日制学历记录" if full_time_only else "无学历记录"
        return _result("education", FAIL, "无", limit, f"{what}，要求{limit}", waivable)
    value = f"{level}（{mode}）"
    if EDUCATION_RANK.get(level, 0) >= EDUCATION_RANK[minimum]:
        return _result("education", PASS, value, limit, f"{'全日制' if full_time_only else '最高'}学历{value}，达到{minimum}及以上", waivable)
    if full_time_only:
        reason = f"全日制学历{level}，本职位要求全日制{minimum}及以上"
        if part_time and EDUCATION_RANK.get(part_time, 0) >= EDUCATION_RANK[minimum]:
            reason += f"（在职{part_time}不计）"
    else:
        reason = f"最高学历{value}，低于{minimum}"
    return _result("education", FAIL, value, limit, reason, waivable)


def check_ladder(
    *,
    target_rank: str,
    current_rank: str,
    lower_start: dt.date | None,
    as_of: dt.date,
    excellent_years: int = 0,
    excellent_shortens: bool = True,
    min_years: Mapping[str, int] | None = None,
) -> RuleResult:
    """职级晋升: years in the rung below the target (domain.md ladder); each 优秀 year shortens it by half a year.

    `lower_start` is the start of unbroken service in the rung below; `excellent_years` the number of 优秀
    years assessed during it. Not applicable (pass) when the target is not a 职级 or the person already
    holds the target or above.
    """
    index = LADDER_INDEX.get(target_rank)
    if index is None or index == 0:
        return _result("ladder", PASS, "—", "—", "本职位不是职级晋升，不适用")
    lower, years = LADDER[index - 1][0], dict(LADDER).get(target_rank, 0)
    if min_years and target_rank in min_years:
        years = int(min_years[target_rank])
    months = years * 12 - (6 * excellent_years if excellent_shortens else 0)
    months = max(months, 0)
    limit = f"任{lower}{years}年以上" + ("（每个优秀年度缩短半年）" if excellent_shortens else "")
    current_index = LADDER_INDEX.get(current_rank, -1)
    if current_index >= index:
        return _result("ladder", PASS, current_rank, limit, f"现任{current_rank}，不低于{target_rank}")
    if lower_start is None:
        return _result("ladder", FAIL, current_rank or "无", limit, f"现任{current_rank or '无职级'}，未任{lower}")
    y, d = tenure(lower_start, as_of)
    value = f"任{lower}{fmt_tenure(y, d)}" + (f"，{excellent_years}个优秀年度" if excellent_years else "")
    need = f"{months // 12}年" + ("半" if months % 12 else "")
    if add_months(lower_start, months) <= as_of:
        return _result("ladder", PASS, value, limit, f"自{fmt_month(lower_start)}起任{lower}{fmt_tenure(y, d)}，满{need}")
    return _result("ladder", FAIL, value, limit, f"自{fmt_month(lower_start)}起任{lower}{fmt_tenure(y, d)}，不满{need}")


def check_county(
    *,
    work_start: dt.date | None,
    grassroots_days: int,
    chief_start: dt.date | None,
    as_of: dt.date,
    min_work_years: int = 5,
    min_grassroots_years: int = 2,
    min_chief_years: int = 3,
    from_chief: bool = False,
) -> RuleResult:
    """县处级副职: ≥ 5 years of work, ≥ 2 years at the grassroots (乡镇/街道, summed, 365 days a year);
    from a lower 正职 (`from_chief`) ≥ 3 years in it."""
    limit = f"工作{min_work_years}年以上，基层工作{min_grassroots_years}年以上" + (
        f"，任正职{min_chief_years}年以上" if from_chief else ""
    )
    problems, found = [], []
    if work_start is None:
        problems.append("参加工作时间未填写")
        found.append("参加工作时间未填")
    else:
        y, d = tenure(work_start, as_of)
        found.append(f"工作{fmt_tenure(y, d)}")
        if not has_years(work_start, as_of, min_work_years):
            problems.append(f"工作{fmt_tenure(y, d)}，不满{min_work_years}年")
    gy, gd = divmod(max(grassroots_days, 0), 365)
    found.append(f"基层{fmt_tenure(gy, gd)}")
    if grassroots_days < 365 * min_grassroots_years:
        problems.append(f"基层工作经历{fmt_tenure(gy, gd)}，不满{min_grassroots_years}年")
    if from_chief:
        if chief_start is None:
            problems.append("未任正职")
        else:
            y, d = tenure(chief_start, as_of)
            found.append(f"任正职{fmt_tenure(y, d)}")
            if not has_years(chief_start, as_of, min_chief_years):
                problems.append(f"任正职{fmt_tenure(y, d)}，不满{min_chief_years}年")
    value = "，".join(found)
    if problems:
        return _result("county", FAIL, value, limit, "；".join(problems))
    return _result("county", PASS, value, limit, f"{value}，符合县处级任职经历要求")


# ---------------------------------------------------------------- overall

def overall(results: Iterable[RuleResult], *, strict_manual: bool = False) -> str:
    """不符合 if any rule fails; otherwise 待人工审核 if `strict_manual` and a manual item is open;
    otherwise 符合（含放宽） if a waiver was used, else 符合. Manual items are never counted as passed:
    without `strict_manual` they stay listed as 待人工审核 on their own line."""
    statuses = {r.status for r in results}
    if FAIL in statuses:
        return RESULT_FAIL
    if strict_manual and MANUAL in statuses:
        return RESULT_MANUAL
    if WAIVED in statuses:
        return RESULT_OK_WAIVED
    return RESULT_OK
