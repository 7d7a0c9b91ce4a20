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

from cadre.choices import RANK_GRADE

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


def level_violation(m: Mover, post: PostFacts) -> str:
    """Level rules: never a demotion; a promotion (grade, 职级→领导职务, 副职→正职) only for flagged people."""
    p = m.person
    kind = rules.person_move_type(p, post)
    if kind == "降职":
        return f"{post.job}（{post.level}）低于现任{p.job}（{p.post_level or '无职务层次'}），系统不建议降职"
    if kind == "提拔" and not m.allow_promotion:
        return f"任{post.job}（{post.level}）属于提拔（现任{p.job}，{p.post_level or '无职务层次'}），未列为提拔人选"
    return ""


def reason_category(why: str) -> str:
    """The kind of a hard-rule reason, for a summary of why someone stays."""
    for needle, label in (("不符合任职资格", "不符合任职资格"), ("属于提拔", "属于提拔（未列为提拔人选）"),
                          ("降职", "低于现任职务层次"), ("任职回避", "亲属任职回避"), ("回避", "地域回避"),
                          ("未满", "离开原单位未满规定年限")):
        if needle in why:
            return label
    return why


def hard_violations(m: Mover, slot: Slot, ctx: Context) -> list[str]:
    """Why `m` may not take `slot` ([] when allowed). Every hard rule of a plan, per pair."""
    if slot.post.post_id == m.person.post_id:
        return ["现任职位"]
    level = level_violation(m, slot.post)
    return ([level] if level else []) + other_violations(m, slot.post, ctx)


def other_violations(m: Mover, post: PostFacts, ctx: Context) -> list[str]:
    """The hard rules besides the level: eligibility, 地域回避, kinship with those who stay, no return."""
    p = m.person
    out: list[str] = []
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
    if rules.person_move_type(p, post) == "提拔":
        parts.append((f"提拔任{post.level}{post.title}", w.promotion))
    return parts


@dataclass
class Solution:
    assignment: list[int | None]  # per mover: the slot index, or None to stay
    score: float
    scores: np.ndarray  # movers × slots fit (nan where forbidden or own seat)
    excluded: dict[tuple[int, int], list[str]]

    def moves(self) -> list[tuple[int, int]]:
        return [(i, j) for i, j in enumerate(self.assignment) if j is not None]


def evaluate_pairs_naive(movers: Sequence[Mover], slots: Sequence[Slot], ctx: Context, w: Weights,
                         violations: Callable = hard_violations) -> tuple[np.ndarray, dict]:
    """Every rule and the fit for every (mover, seat) pair, one Python call each (the first algorithm; the
    benchmark's baseline)."""
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


class Excluded(Mapping):
    """(mover, seat) → reasons, computed on demand: the level rule is a matrix; the other rules were evaluated once
    per (mover, post)."""

    def __init__(self, movers, slots, level_bad: np.ndarray, col_of: np.ndarray, other: dict, own: np.ndarray):
        self._movers, self._slots, self._col_of, self._other = movers, slots, col_of, other
        self._mask = level_bad[:, col_of] | own
        for (i, c), _why in other.items():
            self._mask[i, np.flatnonzero(col_of == c)] = True
        for i, m in enumerate(movers):  # a mover's own seat is not excluded: it is where they stay
            for j, s in enumerate(slots):
                if s.seat_of == m.person.cadre_id:
                    self._mask[i, j] = False

    def __getitem__(self, key):
        i, j = key
        if not (0 <= i < self._mask.shape[0] and 0 <= j < self._mask.shape[1]) or not self._mask[i, j]:
            raise KeyError(key)
        m, post = self._movers[i], self._slots[j].post
        if post.post_id == m.person.post_id:
            return ["现任职位"]
        level = level_violation(m, post)
        return ([level] if level else []) + list(self._other.get((i, int(self._col_of[j])), ()))

    def __iter__(self):
        for i, j in np.argwhere(self._mask):
            yield int(i), int(j)

    def __len__(self):
        return int(self._mask.sum())


def _level_matrix(movers: Sequence[Mover], posts: Sequence[PostFacts]) -> np.ndarray:
    """True where the level rules forbid the pair (numpy over grade, 领导职务 and 正职 flags)."""
    def flags(level, kind, title):
        lead = kind == "领导职务"
        return RANK_GRADE.get(level, 0), lead, lead and level == "正科级" and bool(title) and not title.startswith("副")

    mg, ml, mh = (np.array(x) for x in zip(*[flags(m.person.post_level, m.person.post_kind, m.person.post_title)
                                              for m in movers])) if movers else (np.zeros(0),) * 3
    pg, pl, ph = (np.array(x) for x in zip(*[flags(p.level, p.kind, p.title) for p in posts])) if posts else (np.zeros(0),) * 3
    mg, ml, mh = mg[:, None], ml[:, None].astype(bool), mh[:, None].astype(bool)
    pg, pl, ph = pg[None, :], pl[None, :].astype(bool), ph[None, :].astype(bool)
    same = pg == mg
    promo = (pg > mg) | (same & pl & ~ml) | (same & ~(ml & ~pl) & ph & ~mh)
    demo = (pg < mg) | (same & ~(ml & ~pl) & ~(pl & ~ml) & mh & ~ph)
    allow = np.array([m.allow_promotion for m in movers], dtype=bool)[:, None]
    return demo | (promo & ~allow)


def evaluate_pairs(movers: Sequence[Mover], slots: Sequence[Slot], ctx: Context, w: Weights,
                   violations: Callable | None = None) -> tuple[np.ndarray, Mapping]:
    """The fit of every (mover, seat) pair (nan where a hard rule forbids it) and why each forbidden pair is.

    The seats of one post share their verdict, so the rules run once per (mover, post); the level rules are a
    numpy matrix, and the other rules run only for the pairs the level allows."""
    if violations is not None:
        return evaluate_pairs_naive(movers, slots, ctx, w, violations)
    n, k = len(movers), len(slots)
    index: dict[int, int] = {}
    posts: list[PostFacts] = []
    col_of = np.zeros(k, dtype=int)
    for j, s in enumerate(slots):
        c = index.get(s.post.post_id)
        if c is None:
            c = index[s.post.post_id] = len(posts)
            posts.append(s.post)
        col_of[j] = c
    level_bad = _level_matrix(movers, posts) if n and posts else np.zeros((n, len(posts)), dtype=bool)
    per_post = np.full((n, len(posts)), np.nan)
    own = np.zeros((n, k), dtype=bool)
    other: dict[tuple[int, int], list[str]] = {}
    for i, m in enumerate(movers):
        mine = index.get(m.person.post_id) if m.person.post_id is not None else None
        for c in np.flatnonzero(~level_bad[i]):
            c = int(c)
            if c == mine:
                continue
            post = posts[c]
            why = other_violations(m, post, ctx)
            if why:
                other[(i, c)] = why
            else:
                per_post[i, c] = sum(v for _t, v in fit_parts(m, Slot(post), ctx, w))
        if mine is not None:
            own[i, col_of == mine] = True
    scores = per_post[:, col_of] if k else np.full((n, 0), np.nan)
    scores[own] = np.nan
    return scores, Excluded(movers, slots, level_bad, col_of, other, own)


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
