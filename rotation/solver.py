"""Suggested moves: an assignment of movers to seats that respects every hard rule and maximises a stated fit.

Formulation (solved exactly by SciPy's `linear_sum_assignment`, the Hungarian/Jonker–Volgenant method):
- rows are the movers; columns are seats: every vacant seat of the posts in scope, plus each mover's own seat
  (when they hold one) — a mover "assigned" to their own seat stays; another mover may take that seat only if its
  holder moves, which the one-seat-one-person rule of the assignment gives for free (so swaps and chains appear
  naturally). A mover without a seat gets a private "no move" column.
- a forbidden pair (a hard rule fails) has infinite cost and can never be chosen;
- cost = −fit. Staying scores 0; a move scores its fit (`fit_parts`), which can be negative (e.g. a promotion that
  is allowed but not preferred), so the optimum leaves people in place when no good move exists.

Kinship between two movers who land in the same unit is a pairwise interaction the assignment cannot see; the
service re-checks the whole suggestion with `rules.validate_plan` and drops the lower-scored of a clashing pair.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import rules
from .rules import Eligibility, Kinship, PersonFacts, Policy, PostFacts

GRASSROOTS = ("乡镇", "街道")


@dataclass(frozen=True)
class Weights:
    """The stated fit. Points add up; the page shows each part of each suggestion."""

    due: float = 100.0  # moving someone who must rotate (so the due are moved first)
    tenure: float = 10.0  # per 10 years in the current post (longer tenure → higher priority), capped at 1.5×
    exchange: float = 6.0  # a due person leaves their unit (交流 rather than 轮岗 inside the unit)
    direction: float = 8.0  # 培养流 to a grassroots unit (乡镇/街道)
    gender: float = 6.0  # a woman into a leadership team without one
    youth: float = 6.0  # someone under 40 into a leadership team without one
    education: float = 4.0  # 大学本科+ into a leadership team where under half hold it
    promotion: float = -3.0  # a promotion is allowed only for flagged people and costs a little

    def describe(self) -> list[str]:
        return [
            f"须交流人员调整 +{self.due:g}",
            f"任现职年限 每10年 +{self.tenure:g}（最多 {self.tenure * 1.5:g}）",
            f"须交流人员跨单位交流 +{self.exchange:g}",
            f"培养流到乡镇/街道 +{self.direction:g}",
            f"班子无女干部时补充女干部 +{self.gender:g}",
            f"班子无40岁以下干部时补充年轻干部 +{self.youth:g}",
            f"班子大学本科以上不足一半时补充 +{self.education:g}",
            f"提拔 {self.promotion:g}",
        ]


@dataclass(frozen=True)
class Mover:
    person: PersonFacts
    due_reasons: tuple[str, ...] = ()
    kind: str = ""  # the intended 交流类型 (培养流 prefers grassroots)
    allow_promotion: bool = False
    education_rank: int = 0  # cadre.choices.EDUCATION_RANK of the highest education
    age: int = 0

    @property
    def due(self) -> bool:
        return bool(self.due_reasons)


@dataclass(frozen=True)
class Slot:
    post: PostFacts
    seat_of: int | None = None  # the cadre id holding this seat when it is a mover's own seat


@dataclass(frozen=True)
class TeamProfile:
    """The leadership of a unit as it stands (for structure goals)."""

    size: int = 0
    women: int = 0
    under_40: int = 0
    bachelor_plus: int = 0


@dataclass
class Context:
    policy: Policy
    as_of: dt.date
    eligibility: Mapping[tuple[int, int], Eligibility] = field(default_factory=dict)
    kin: Mapping[frozenset, Kinship] = field(default_factory=dict)
    unit_people: Mapping[int, Sequence[PersonFacts]] = field(default_factory=dict)  # who stays in each unit
    left_units: Mapping[int, Sequence[tuple[int, str, dt.date]]] = field(default_factory=dict)
    teams: Mapping[int, TeamProfile] = field(default_factory=dict)
    unit_kind: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self):
        self.kin_ids = {cid for pair in self.kin for cid in pair}


def hard_violations(m: Mover, slot: Slot, ctx: Context) -> list[str]:
    """Why `m` may not take `slot` ([] when allowed). Every hard rule of a plan, per pair."""
    p, post = m.person, slot.post
    out: list[str] = []
    if post.post_id == p.post_id:
        return ["现任职位"]
    kind = rules.move_type(p.post_level, post.level)
    if kind == "降职":
        out.append(f"{post.level}低于现职务层次{p.post_level}，系统不建议降职")
    elif kind == "提拔" and not m.allow_promotion:
        out.append(f"{post.level}高于现职务层次{p.post_level}，未列为提拔人选")
    verdict = ctx.eligibility.get((p.cadre_id, post.post_id))
    if verdict is not None and not verdict.ok:
        out.append("不符合任职资格：" + ("；".join(verdict.reasons) or verdict.overall))
    local = rules.local_conflict_at(p, post, ctx.policy)
    if local:
        out.append(local)
    if ctx.policy.kinship_avoidance and p.cadre_id in ctx.kin_ids:
        placed = rules.person_at(p, post, ctx.as_of)
        for why in rules.kin_conflicts_with(placed, ctx.unit_people.get(post.unit_id, ()), ctx.kin):
            out.append(why + "（任职回避）")
    if post.unit_id != p.unit_id:
        limit = rules.add_years(ctx.as_of, -ctx.policy.no_return_years)
        for unit_id, unit_name, end in ctx.left_units.get(p.cadre_id, ()):
            if unit_id == post.unit_id and end >= limit:
                out.append(f"{end:%Y.%m}离开{unit_name}未满{ctx.policy.no_return_years}年")
                break
    return out


def fit_parts(m: Mover, slot: Slot, ctx: Context, w: Weights) -> list[tuple[str, float]]:
    """The fit of a move as (Chinese reason, points) lines; the score is their sum."""
    p, post = m.person, slot.post
    parts: list[tuple[str, float]] = []
    if m.due:
        parts.append(("须交流：" + "；".join(m.due_reasons), w.due))
    if p.position_start:
        years = rules.whole_years(p.position_start, ctx.as_of)
        if years:
            parts.append((f"任现职{years}年", round(w.tenure * min(years / 10, 1.5), 2)))
    if m.due and post.unit_id != p.unit_id:
        parts.append((f"交流到{post.unit_name}（跨单位）", w.exchange))
    if m.kind == "培养流" and ctx.unit_kind.get(post.unit_id, post.unit_kind) in GRASSROOTS:
        parts.append((f"培养流：到{post.unit_name}基层锻炼", w.direction))
    if post.kind == "领导职务" and post.level in ("正科级", "副科级"):
        team = ctx.teams.get(post.unit_id, TeamProfile())
        if p.gender == "女" and team.women == 0:
            parts.append((f"{post.unit_name}班子暂无女干部", w.gender))
        if m.age and m.age < 40 and team.under_40 == 0:
            parts.append((f"{post.unit_name}班子暂无40岁以下干部（本人{m.age}岁）", w.youth))
        if m.education_rank >= 4 and (team.size == 0 or team.bachelor_plus * 2 < team.size):
            parts.append((f"{post.unit_name}班子大学本科以上不足一半", w.education))
    if rules.move_type(p.post_level, post.level) == "提拔":
        parts.append((f"提拔任{post.level}", w.promotion))
    return parts


@dataclass
class Solution:
    assignment: list[int | None]  # per mover: the slot index, or None to stay
    score: float
    scores: np.ndarray  # movers × slots fit (nan where forbidden or own seat)
    excluded: dict[tuple[int, int], list[str]]

    def moves(self) -> list[tuple[int, int]]:
        return [(i, j) for i, j in enumerate(self.assignment) if j is not None]


def evaluate_pairs(movers: Sequence[Mover], slots: Sequence[Slot], ctx: Context, w: Weights,
                   violations: Callable = hard_violations) -> tuple[np.ndarray, dict]:
    n, k = len(movers), len(slots)
    scores = np.full((n, k), np.nan)
    excluded: dict[tuple[int, int], list[str]] = {}
    for i, m in enumerate(movers):
        for j, s in enumerate(slots):
            if s.seat_of == m.person.cadre_id:
                continue
            why = violations(m, s, ctx)
            if why:
                excluded[(i, j)] = why
            else:
                scores[i, j] = sum(v for _t, v in fit_parts(m, s, ctx, w))
    return scores, excluded


def _cost_matrix(movers, slots, scores) -> tuple[np.ndarray, list[int | None]]:
    """Costs with one column per slot plus a private stay column for each mover without an own seat."""
    n, k = scores.shape
    own = [next((j for j, s in enumerate(slots) if s.seat_of == m.person.cadre_id), None) for m in movers]
    extra = [i for i in range(n) if own[i] is None]
    cost = np.full((n, k + len(extra)), np.inf)
    feasible = ~np.isnan(scores)
    cost[:, :k][feasible] = -scores[feasible]
    for i, j in enumerate(own):
        if j is not None:
            cost[i, j] = 0.0
    for c, i in enumerate(extra):
        cost[i, k + c] = 0.0
    return cost, own


def solve(movers: Sequence[Mover], slots: Sequence[Slot], ctx: Context, w: Weights = Weights(),
          *, pairs: tuple[np.ndarray, dict] | None = None) -> Solution:
    scores, excluded = pairs if pairs is not None else evaluate_pairs(movers, slots, ctx, w)
    n, k = scores.shape
    if n == 0:
        return Solution([], 0.0, scores, excluded)
    cost, own = _cost_matrix(movers, slots, scores)
    rows, cols = linear_sum_assignment(cost)
    assignment: list[int | None] = [None] * n
    total = 0.0
    for i, j in zip(rows, cols):
        if j < k and j != own[i]:
            assignment[i] = int(j)
            total += float(scores[i, j])
    return Solution(assignment, total, scores, excluded)


def greedy(movers: Sequence[Mover], slots: Sequence[Slot], ctx: Context, w: Weights = Weights(),
           *, pairs: tuple[np.ndarray, dict] | None = None) -> Solution:
    """Baseline: take the best remaining pair while it scores above 0; a mover's own seat opens once they move."""
    scores, excluded = pairs if pairs is not None else evaluate_pairs(movers, slots, ctx, w)
    n, k = scores.shape
    owner = {j: i for j, s in enumerate(slots) for i, m in enumerate(movers) if s.seat_of == m.person.cadre_id}
    order = np.argsort(-np.nan_to_num(scores, nan=-math.inf), axis=None)
    assignment: list[int | None] = [None] * n
    used: set[int] = set()
    total = 0.0
    pending = []
    for flat in order:
        i, j = divmod(int(flat), k)
        v = scores[i, j]
        if np.isnan(v) or v <= 0:
            break
        pending.append((i, j, float(v)))
    changed = True
    while changed:
        changed = False
        for i, j, v in pending:
            if assignment[i] is not None or j in used:
                continue
            holder = owner.get(j)
            if holder is not None and assignment[holder] is None:
                continue  # the holder has not moved (yet)
            assignment[i] = j
            used.add(j)
            total += v
            changed = True
    return Solution(assignment, total, scores, excluded)


def brute_force(movers: Sequence[Mover], slots: Sequence[Slot], ctx: Context, w: Weights = Weights()) -> float:
    """Exhaustive optimum for tests (tiny cases only)."""
    scores, _ = evaluate_pairs(movers, slots, ctx, w)
    n, k = scores.shape
    own = [next((j for j, s in enumerate(slots) if s.seat_of == m.person.cadre_id), None) for m in movers]
    best = 0.0
    options = list(range(k)) + [None] * n
    for choice in itertools.permutations(options, n):
        used = [c for c in choice if c is not None]
        if len(used) != len(set(used)):
            continue
        total, ok = 0.0, True
        for i, j in enumerate(choice):
            if j is None or j == own[i]:
                continue
            if np.isnan(scores[i, j]):
                ok = False
                break
            total += scores[i, j]
        if not ok:
            continue
        # an own seat may be taken by another only when its holder moves away
        for i, j in enumerate(own):
            if j is not None and choice[i] is None and j in used:
                ok = False
        if ok:
            best = max(best, total)
    return best
