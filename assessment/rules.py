"""Pure rules of 民主测评 and 考核: options, marks, paper cells, tallies, quotas, sampling. No I/O here."""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

EVALUATION = "评价"
RECOMMENDATION = "推荐"
MASSES = "群众"

OPTIONS = {
    EVALUATION: ["优秀", "称职", "基本称职", "不称职"],
    RECOMMENDATION: ["同意", "不同意", "弃权"],
    MASSES: ["优", "良", "中", "差"],
}
# options that count only with a written reason (群众评价 优/差); without one the mark is invalid
REASON_REQUIRED = {MASSES: {"优", "差"}}
DEFAULT_SCORE_MAPS = {
    EVALUATION: {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
    RECOMMENDATION: {"同意": 100, "不同意": 0},  # 弃权 carries no score
    MASSES: {"优": 100, "良": 80, "中": 60, "差": 0},
}
MERGED_GROUP = "其他"
MIN_REASON_CHARS = 2

RATE_Q = Decimal("0.0001")
SCORE_Q = Decimal("0.01")


def options_for(option_set: str) -> list[str]:
    try:
        return OPTIONS[option_set]
    except KeyError:
        raise ValueError(f"未知的选项类型：{option_set}") from None


def score_map_errors(option_set: str, score_map: dict) -> list[str]:
    """Problems with a configured score map: unknown options, non-numbers, out of 0–100."""
    errors = []
    options = options_for(option_set)
    for key, value in score_map.items():
        if key not in options:
            errors.append(f"分值对照中的选项“{key}”不属于{option_set}选项（{'/'.join(options)}）")
            continue
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            errors.append(f"选项“{key}”的分值“{value}”不是数字")
            continue
        if not (0 <= number <= 100):
            errors.append(f"选项“{key}”的分值 {value} 超出 0–100")
    return errors


def weight_errors(weights: list[Decimal]) -> list[str]:
    if not weights:
        return ["至少需要一个测评人类别"]
    errors = [f"第 {i} 个类别的权重 {w}% 须大于 0 且不超过 100" for i, w in enumerate(weights, 1) if not (0 < w <= 100)]
    total = sum(weights, Decimal(0))
    if total != 100:
        errors.append(f"各测评人类别权重之和为 {total.normalize():f}%，应为 100%")
    return errors


# ------------------------------------------------------------------------------------------------ marks


@dataclass(frozen=True)
class Mark:
    target_id: int
    choice: str  # '' = blank
    valid: bool
    problem: str = ""


def judge_mark(option_set: str, target_id: int, choice: str, reason: str = "") -> Mark:
    """One electronic mark. Unknown options are a shape error (ValueError); blank is an abstention."""
    choice = (choice or "").strip()
    if not choice:
        return Mark(target_id, "", True)
    if choice not in options_for(option_set):
        raise ValueError(f"选项“{choice}”无效，可选：{'/'.join(options_for(option_set))}")
    if choice in REASON_REQUIRED.get(option_set, ()) and len((reason or "").strip()) < MIN_REASON_CHARS:
        return Mark(target_id, choice, False, f"评“{choice}”须写明理由，未写理由的该项评价无效")
    return Mark(target_id, choice, True)


def judge_ballot(option_set: str, target_ids: list[int], marks: dict) -> list[Mark]:
    """All marks of one electronic ballot. ``marks``: {target_id: {"choice": .., "reason": ..}} or {id: choice}.

    Every target of the session gets a row (blank when not given); a target that is not in the session is
    a shape error.
    """
    normalized = {}
    for key, value in (marks or {}).items():
        try:
            tid = int(key)
        except (TypeError, ValueError):
            raise ValueError(f"测评对象编号“{key}”无效") from None
        if tid not in target_ids:
            raise ValueError(f"测评对象编号 {tid} 不属于本次测评")
        if isinstance(value, dict):
            normalized[tid] = (str(value.get("choice") or ""), str(value.get("reason") or ""))
        else:
            normalized[tid] = (str(value or ""), "")
    return [judge_mark(option_set, tid, *normalized.get(tid, ("", ""))) for tid in target_ids]


_CELL_SPLIT = re.compile(r"[\s,，、;；/|]+")


def parse_paper_cell(option_set: str, text: str) -> Mark:
    """One cell of the paper-ballot grid → a mark for target 0 (the caller sets the id).

    A cell holds the option (its name or its number 1..n), then for 群众 优/差 the written reason, e.g.
    ``优 服务热情``. Two different options in one cell (``优秀 称职`` or ``1,2``) mean the target was
    marked twice: invalid for that target. Blank = abstain.
    """
    options = options_for(option_set)
    text = (text or "").strip()
    if not text:
        return Mark(0, "", True)
    tokens = [t for t in _CELL_SPLIT.split(text) if t]
    chosen, rest = [], []
    for token in tokens:
        option = _option_of(options, token)
        if option is not None and not rest:
            chosen.append(option)
        else:
            rest.append(token)
    if not chosen:
        raise ValueError(f"“{text}”不是有效选项（可填：{'/'.join(options)}，或序号 1–{len(options)}）")
    if len(set(chosen)) > 1:
        return Mark(0, chosen[0], False, "同一对象标记了多个选项，该对象此票无效")
    return judge_mark(option_set, 0, chosen[0], "".join(rest))


def _option_of(options: list[str], token: str) -> str | None:
    if token in options:
        return token
    if token.isdigit() and 1 <= int(token) <= len(options):
        return options[int(token) - 1]
    return None


# ------------------------------------------------------------------------------------------------ tally


def _rate(num: int, den: int) -> str | None:
    if not den:
        return None
    return str((Decimal(num) / Decimal(den)).quantize(RATE_Q, rounding=ROUND_HALF_UP))


def participation_rate(returned: int, issued: int) -> str | None:
    """returned / issued as a 4-place decimal string (None when nothing was issued)."""
    return _rate(returned, issued)


def _fraction_str(value: Fraction | None, q: Decimal) -> str | None:
    if value is None:
        return None
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(q, rounding=ROUND_HALF_UP))


def _cell(option_set: str, counts: dict[str, int], invalid: int, blank: int, score_map: dict) -> dict:
    options = options_for(option_set)
    counts = {o: counts.get(o, 0) for o in options}
    valid = sum(counts.values())
    cell = {"counts": counts, "valid": valid, "invalid": invalid, "blank": blank}
    if option_set == EVALUATION:
        cell["excellent_rate"] = _rate(counts["优秀"], valid)
        cell["competent_rate"] = _rate(counts["优秀"] + counts["称职"], valid)
    elif option_set == RECOMMENDATION:
        cell["approval_rate"] = _rate(counts["同意"], counts["同意"] + counts["不同意"])
    else:
        cell["good_rate"] = _rate(counts["优"] + counts["良"], valid)
    mean = mean_score(counts, score_map)
    cell["mean_score"] = _fraction_str(mean, SCORE_Q)
    return cell


def mean_score(counts: dict[str, int], score_map: dict) -> Fraction | None:
    """Mean mapped score over the valid marks whose option carries a score (推荐: 弃权 has none)."""
    total, n = Fraction(0), 0
    for option, count in counts.items():
        if option in score_map and count:
            total += Fraction(Decimal(str(score_map[option]))) * count
            n += count
    return total / n if n else None


def weighted_score(group_means: list[tuple[Decimal, Fraction | None]]) -> Fraction | None:
    """Σ weight × mean over the groups that have a mean; weights are rescaled when a group has none."""
    present = [(Fraction(w), m) for w, m in group_means if m is not None]
    if not present:
        return None
    total_weight = sum(w for w, _ in present)
    return sum(w * m for w, m in present) / total_weight


@dataclass
class GroupInput:
    id: int
    name: str
    weight: Decimal
    issued: int
    returned: int


@dataclass
class TargetInput:
    id: int
    name: str
    description: str = ""
    cadre_id: int | None = None


def compute_tally(
    *,
    option_set: str,
    score_map: dict,
    targets: list[TargetInput],
    groups: list[GroupInput],
    mark_counts: dict[tuple[int, int, str, bool], int],
    threshold_percent: Decimal,
    min_group_ballots: int,
) -> dict:
    """The whole tally of a session as JSON-ready data (decimals as strings).

    ``mark_counts``: {(target_id, group_id, choice, valid): n}. A group with fewer than
    ``min_group_ballots`` returned ballots is not shown on its own: its marks are pooled into 其他, and when
    其他 itself would hold fewer than the minimum the smallest shown groups are pooled with it. The weighted
    score is Σ weight × mean over the groups as shown, 其他 being one group (summed weight, pooled mean).
    """
    options = options_for(option_set)
    score_map = score_map or DEFAULT_SCORE_MAPS[option_set]
    issued = sum(g.issued for g in groups)
    returned = sum(g.returned for g in groups)
    participation = _rate(returned, issued)
    threshold = Decimal(threshold_percent) / 100
    participation_ok = bool(issued) and Decimal(returned) / Decimal(issued) >= threshold
    shown_groups = sorted((g for g in groups if g.returned >= min_group_ballots), key=lambda g: (g.returned, g.id))
    # a 其他 of fewer ballots than the minimum would show its groups' marks (and, by difference from the
    # overall counts, so would leaving it out): the smallest shown groups join it until it reaches the minimum
    while shown_groups and 0 < sum(g.returned for g in groups if g not in shown_groups) < min_group_ballots:
        shown_groups.pop(0)
    shown = {g.id for g in shown_groups}
    merged = [g for g in groups if g.id not in shown]

    display_groups = [
        {"name": g.name, "weight": str(g.weight), "ballots": g.returned} for g in groups if g.id in shown
    ]
    if merged:
        display_groups.append(
            {
                "name": MERGED_GROUP,
                "weight": str(sum((g.weight for g in merged), Decimal(0))),
                "ballots": sum(g.returned for g in merged),
                "merged": [g.name for g in merged],
            }
        )

    target_rows = []
    for t in targets:
        per_group = {}
        for g in groups:
            counts: dict[str, int] = {}
            invalid = blank = 0
            for option in options:
                counts[option] = mark_counts.get((t.id, g.id, option, True), 0)
            invalid = sum(mark_counts.get((t.id, g.id, o, False), 0) for o in options + [""])
            blank = mark_counts.get((t.id, g.id, "", True), 0)
            per_group[g.id] = (counts, invalid, blank)

        def pooled(group_ids):
            counts = {o: sum(per_group[gid][0][o] for gid in group_ids) for o in options}
            return counts, sum(per_group[gid][1] for gid in group_ids), sum(per_group[gid][2] for gid in group_ids)

        rows = []
        for g in groups:
            if g.id in shown:
                rows.append({"name": g.name, **_cell(option_set, *per_group[g.id], score_map)})
        if merged:
            rows.append({"name": MERGED_GROUP, **_cell(option_set, *pooled([g.id for g in merged]), score_map)})
        overall = _cell(option_set, *pooled([g.id for g in groups]), score_map)
        # the score is taken over the groups as shown: 其他 counts as one group (its summed weight, its pooled
        # mean), so the score cannot be solved for the mean of a group too small to be shown
        score_parts = [(g.weight, mean_score(per_group[g.id][0], score_map)) for g in groups if g.id in shown]
        if merged:
            score_parts.append(
                (sum((g.weight for g in merged), Decimal(0)), mean_score(pooled([g.id for g in merged])[0], score_map))
            )
        score = weighted_score(score_parts)
        target_rows.append(
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "cadre_id": t.cadre_id,
                "overall": overall,
                "groups": rows,
                "score": _fraction_str(score, SCORE_Q),
            }
        )

    return {
        "option_set": option_set,
        "options": options,
        "score_map": {k: str(v) for k, v in score_map.items()},
        "issued": issued,
        "returned": returned,
        "participation": participation,
        "threshold": str(threshold.quantize(RATE_Q)),
        "participation_ok": participation_ok,
        "min_group_ballots": min_group_ballots,
        "participation_by_group": [
            {"name": g.name, "weight": str(g.weight), "issued": g.issued, "returned": g.returned,
             "participation": _rate(g.returned, g.issued)}
            for g in groups
        ],
        "groups": display_groups,
        "targets": target_rows,
    }


def content_hash(data: dict) -> str:
    """SHA-256 of the canonical JSON of frozen results (sorted keys, no whitespace, UTF-8)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------- assessments


@dataclass(frozen=True)
class QuotaCheck:
    assessed: int
    excellent: int
    allowed: int
    percent: Decimal

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.allowed

    @property
    def message(self) -> str:
        return (
            f"优秀 {self.excellent} 人，超过参加考核人数 {self.assessed} 人的 {self.percent.normalize():f}%"
            f"（最多 {self.allowed} 人）"
        )


def excellent_quota(grades: list[str], percent: Decimal = Decimal(20)) -> QuotaCheck:
    """优秀 may not exceed ``percent`` of a unit's assessed staff: allowed = ⌊assessed × percent / 100⌋."""
    assessed = sum(1 for g in grades if g)
    excellent = sum(1 for g in grades if g == "优秀")
    allowed = int(Decimal(assessed) * Decimal(percent) / 100)
    return QuotaCheck(assessed=assessed, excellent=excellent, allowed=allowed, percent=Decimal(percent))


def normalize_population(lines: list[str]) -> list[str]:
    """Trimmed, blank lines dropped, duplicates removed keeping the first occurrence (order matters)."""
    seen, out = set(), []
    for line in lines:
        name = (line or "").strip()
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


def population_hash(population: list[str]) -> str:
    return hashlib.sha256("\n".join(population).encode("utf-8")).hexdigest()


def draw_sample(population: list[str], size: int, seed: int) -> list[str]:
    """Reproducible draw: the same (normalized) list, size and seed always give the same sample, in draw order."""
    if size < 1:
        raise ValueError("抽取人数须至少为 1")
    if size > len(population):
        raise ValueError(f"抽取人数 {size} 超过名单人数 {len(population)}")
    return random.Random(seed).sample(population, size)
