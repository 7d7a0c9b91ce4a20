"""Pure arithmetic of a 竞争上岗 campaign (selection.md): no ORM, no I/O.

Speech scores (trimmed mean), the composite score and the ranking with its tie-breaks, 考察对象 by ratio,
the 党委会 quorum and majority, the speaking-order lot, the 差额 check and the rotation-scope ratio.
Scores are Decimals; rounding to 2 decimals happens only at the end of each computation.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from cadre.choices import LEADERSHIP_LEVELS, RANK_GRADE

TWO = Decimal("0.01")


def q2(value: Fraction | Decimal | None) -> Decimal | None:
    """Round half up to 2 decimals (the only rounding step)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ speech


def trimmed_mean(scores: Sequence[Decimal], *, trim_min_judges: int = 5) -> Decimal | None:
    """Mean of the judges' scores, dropping one highest and one lowest when there are ≥ trim_min_judges."""
    values = [Fraction(str(s)) for s in scores if s is not None]
    if not values:
        return None
    if len(values) >= max(trim_min_judges, 3):
        values = sorted(values)[1:-1]
    return q2(sum(values, Fraction(0)) / len(values))


def score_errors(value) -> list[str]:
    """A judge's score: 0–100 with at most one decimal."""
    try:
        d = Decimal(str(value).strip())
    except Exception:
        return [f"评分“{value}”不是数字"]
    if not d.is_finite():
        return [f"评分“{value}”不是数字"]
    errors = []
    if d < 0 or d > 100:
        errors.append(f"评分 {d} 超出 0–100 分范围")
    if d != d.quantize(Decimal("0.1")):
        errors.append(f"评分 {d} 最多保留一位小数")
    return errors


# ------------------------------------------------------------------ composite and ranking


def weight_errors(speech: Decimal, evaluation: Decimal, written: Decimal = Decimal(0)) -> list[str]:
    total = Decimal(speech) + Decimal(evaluation) + Decimal(written)
    errors = []
    if any(Decimal(w) < 0 for w in (speech, evaluation, written)):
        errors.append("各项权重不能为负数")
    if total != 100:
        errors.append(f"演讲、民主测评、笔试权重合计应为 100%，现为 {total.normalize():f}%")
    return errors


def composite(
    *, speech: Decimal | None, evaluation: Decimal | None, written: Decimal | None = None,
    speech_weight: Decimal = Decimal(40), evaluation_weight: Decimal = Decimal(60), written_weight: Decimal = Decimal(0),
) -> Decimal | None:
    """Σ weight × part score, weights in percent; None when a weighted part is missing."""
    total = Fraction(0)
    for score, weight in ((speech, speech_weight), (evaluation, evaluation_weight), (written, written_weight)):
        if Decimal(weight) == 0:
            continue
        if score is None:
            return None
        total += Fraction(str(score)) * Fraction(str(weight)) / 100
    return q2(total)


@dataclass(frozen=True)
class Ranked:
    key: object  # the caller's id
    composite: Decimal | None
    evaluation: Decimal | None
    speech: Decimal | None
    rank: int | None
    tied: bool


def rank(rows: Iterable[tuple[object, Decimal | None, Decimal | None, Decimal | None]]) -> list[Ranked]:
    """Rank (key, composite, evaluation, speech) rows of one post, best first.

    Higher composite first; ties broken by 民主测评 score, then speech score; rows still equal share a rank
    and are flagged as tied (the next rank skips, as in 1, 2, 2, 4). Rows without a composite come last, unranked.
    """
    rows = list(rows)
    scored = [r for r in rows if r[1] is not None]
    unscored = [r for r in rows if r[1] is None]

    def sort_key(r):
        return (-r[1], -(r[2] if r[2] is not None else Decimal(-1)), -(r[3] if r[3] is not None else Decimal(-1)))

    scored.sort(key=sort_key)
    out: list[Ranked] = []
    i = 0
    while i < len(scored):
        j = i
        while j + 1 < len(scored) and sort_key(scored[j + 1]) == sort_key(scored[i]):
            j += 1
        tied = j > i
        for r in scored[i : j + 1]:
            out.append(Ranked(r[0], r[1], r[2], r[3], i + 1, tied))
        i = j + 1
    out.extend(Ranked(r[0], None, r[2], r[3], None, False) for r in unscored)
    return out


def inspection_quota(vacancies: int, ratio: Decimal) -> int:
    """考察对象 per post: vacancies × ratio, rounded up (1:2 with 1 vacancy → 2)."""
    return math.ceil(Fraction(vacancies) * Fraction(str(ratio)))


def inspection_targets(ranked: Sequence[Ranked], *, vacancies: int, ratio: Decimal) -> tuple[list, list]:
    """The keys proposed as 考察对象 (top `quota` by rank) and the keys tied at the cut-off that the leader must
    decide between (they are all included in the proposal and flagged)."""
    quota = inspection_quota(vacancies, ratio)
    chosen = [r for r in ranked if r.rank is not None and r.rank <= quota]
    if len(chosen) > quota:
        cut = max(r.rank for r in chosen)
        return [r.key for r in chosen], [r.key for r in chosen if r.rank == cut]
    return [r.key for r in chosen], []


# ------------------------------------------------------------------ 党委会


def quorum_met(present: int, expected: int, *, num: int = 2, den: int = 3) -> bool:
    """到会人数 ≥ 2/3 × 应到人数 (exactly two thirds is enough)."""
    return expected > 0 and present * den >= expected * num


def vote_passed(agree: int, expected: int) -> bool:
    """同意票 > half of 应到 members (exactly half fails)."""
    return expected > 0 and agree * 2 > expected


def vote_result(agree: int, disagree: int, defer: int, expected: int) -> str:
    """通过 / 缓议 / 未通过: 缓议 when not passed and 缓议 is the most common opinion."""
    if vote_passed(agree, expected):
        return "通过"
    if defer and defer >= agree and defer >= disagree:
        return "缓议"
    return "未通过"


# ------------------------------------------------------------------ lot, 差额, rotation scope


def new_seed() -> str:
    return hashlib.sha256(random.SystemRandom().getrandbits(256).to_bytes(32, "big")).hexdigest()[:32]


def draw_order(keys: Sequence, seed: str) -> list:
    """Speaking order by lot: a shuffle of the keys (sorted first, so the order of the input does not matter)
    reproducible from the stored seed."""
    ordered = sorted(keys)
    random.Random(seed).shuffle(ordered)
    return ordered


def shortfall(qualified: int, vacancies: int, min_per_vacancy: int) -> int:
    """How many qualified candidates a post lacks for 差额 (0 when enough)."""
    return max(0, vacancies * min_per_vacancy - qualified)


def rotation_ratio(rotated: int, in_scope: int) -> Fraction | None:
    return Fraction(rotated, in_scope) if in_scope else None


def rotation_scope_errors(rotated: int | None, in_scope: int, min_percent: Decimal) -> list[str]:
    if not in_scope:
        return ["未填写纳入轮岗范围的职位数"]
    if rotated is None:
        return ["未关联轮岗交流方案，也未填写计划交流的职位数"]
    if Fraction(rotated * 100, in_scope) < Fraction(str(min_percent)):
        pct = q2(Fraction(rotated * 100, in_scope))
        return [f"轮岗交流职位 {rotated} 个，占纳入范围职位 {in_scope} 个的 {pct}%，低于 {Decimal(min_percent).normalize():f}% 的要求"]
    return []


# ------------------------------------------------------------------ terms


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, years: int) -> dt.date:
    """聘期/试用期 starting on `start` for `years` years ends the day before the same date `years` later."""
    return add_years(start, years) - dt.timedelta(days=1)


# ------------------------------------------------------------------ 任职方式


PROMOTION, TRANSFER, LATERAL, DEMOTION = "新提任", "转任", "平职交流", "降职"


def appointment_kind(held_level: str, rank_level: str, new_level: str) -> str:
    """How the new post compares with what the person held at registration (the snapshot):

    - held a leadership post (``held_level`` 正科级/副科级): higher → 新提任, same → 平职交流, lower → 降职;
    - no leadership post: a 职级 of the new post's grade or above (三级/四级主任科员 ≈ 副科, 一级/二级 ≈ 正科)
      → 转任, else 新提任.
    Only 新提任 carries a 试用期.
    """
    new = RANK_GRADE.get(new_level, 0)
    if held_level in LEADERSHIP_LEVELS:
        held = RANK_GRADE[held_level]
        return PROMOTION if new > held else LATERAL if new == held else DEMOTION
    return TRANSFER if RANK_GRADE.get(rank_level, 0) >= new > 0 else PROMOTION


def judge_sheet_message(stage: str, stage_label: str, *, closed: bool, absent: bool, speech_date: dt.date | None) -> str:
    """What a judge's score sheet says, true to the campaign's stage (workflow.Stage values as plain strings)."""
    when = f"演讲日期：{speech_date.year}年{speech_date.month}月{speech_date.day}日。" if speech_date else "演讲日期尚未确定。"
    if stage == "cancelled":
        return "本次竞争上岗工作已终止，无需评分。"
    if absent:
        return "您已登记缺席，不参加本次评分。"
    if stage in ("preparation", "plan_approval", "posting", "registration", "review"):
        return f"演讲评分尚未开始：本次工作目前处于“{stage_label}”阶段，资格审查结束、进入演讲环节后即可在此评分。{when}"
    if stage == "speech" and not closed:
        return f"请按演讲顺序评分（0–100 分，可保留一位小数），可分次保存；评分结束前可修改。{when}"
    return "评分已结束，以下为您的评分（只读）。"


_NUMBER = re.compile(r"^\s*(?P<prefix>.*?)\s*[〔\[［(（](?P<year>\d{4})[〕\]］)）]\s*(?P<n>\d+)\s*号\s*$")


def next_document_number(used: Sequence[str], *, year: int, prefix: str) -> str:
    """The next 文号 of the numbering rule 机关代字〔年份〕序号号: the highest number used this year under the
    prefix of the latest used one (``used`` newest first; else ``prefix``), plus one. Brackets typed as [] or ()
    count as 〔〕."""
    parsed = [m for m in (_NUMBER.match(u or "") for u in used) if m]
    if parsed:
        prefix = parsed[0]["prefix"] or prefix
    highest = max((int(m["n"]) for m in parsed if m["prefix"] == prefix and int(m["year"]) == year), default=0)
    return f"{prefix}〔{year}〕{highest + 1}号"
