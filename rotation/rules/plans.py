"""A rotation plan's moves: their type, their labels, and every reason the plan cannot be approved."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from cadre.choices import RANK_GRADE  # plain vocabularies, no ORM

from .dates import add_years
from .facts import PersonFacts, Policy, PostFacts, person_at
from .kinship import Kinship, kinship_situations
from .locality import local_conflict_at, local_conflicts


def _is_head(kind: str, level: str, title: str) -> bool:
    return kind == "领导职务" and level == "正科级" and bool(title) and not title.startswith("副")


def move_type(from_level: str, to_level: str, *, from_kind: str = "", to_kind: str = "", from_title: str = "",
              to_title: str = "") -> str:
    """平级 / 提拔 / 降职 by the grade of the levels (RANK_GRADE). At the same grade, a 职级 (or no post) into a 领导职务
    and a 副职 into a 正职 are 提拔, the reverse 降职 (when the kinds and titles are given)."""
    a, b = RANK_GRADE.get(from_level, 0), RANK_GRADE.get(to_level, 0)
    if b > a:
        return "提拔"
    if b < a:
        return "降职"
    if to_kind and from_kind is not None:
        lead_from, lead_to = from_kind == "领导职务", to_kind == "领导职务"
        if lead_to and not lead_from:
            return "提拔"
        if lead_from and not lead_to and to_kind:
            return "平级"  # 领导职务 → 职级 at the same grade is a 平级 转任
        head_from = _is_head(from_kind, from_level, from_title)
        head_to = _is_head(to_kind, to_level, to_title)
        if head_to and not head_from:
            return "提拔"
        if head_from and not head_to:
            return "降职"
    return "平级"


def person_move_type(p: PersonFacts, post: PostFacts) -> str:
    """The 任职方式 of `p` taking `post` (grade, then 职级→领导职务 and 副职→正职)."""
    return move_type(p.post_level, post.level, from_kind=p.post_kind, to_kind=post.kind, from_title=p.post_title,
                     to_title=post.title)


@dataclass(frozen=True)
class MoveFacts:
    index: int  # 1-based position in the plan
    cadre_id: int
    from_post_id: int | None
    to_post_id: int
    kind: str = ""
    move_type: str = ""


@dataclass(frozen=True)
class Eligibility:
    overall: str  # 符合 / 符合（含放宽）/ 待人工审核 / 不符合
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.overall != "不符合"


def move_label(m: MoveFacts, people: Mapping[int, PersonFacts], posts: Mapping[int, PostFacts]) -> str:
    p = people.get(m.cadre_id)
    name = p.name if p else f"干部#{m.cadre_id}"
    src = posts[m.from_post_id].job if m.from_post_id in posts else (p.job if p else "")
    dst = posts[m.to_post_id].job if m.to_post_id in posts else f"职位#{m.to_post_id}"
    return f"第{m.index}项（{name}：{src or '无现职'}→{dst}）"


def validate_plan(**kw) -> list[str]:
    """Every reason the plan cannot be approved, each naming its move; [] when it can (see `plan_violations`)."""
    return [v.message for v in plan_violations(**kw)]


@dataclass(frozen=True)
class Violation:
    index: int | None  # the move it is about (None: the plan as a whole)
    message: str
    others: tuple[int, ...] = ()  # other moves it rests on (e.g. the kin who also moves)

    @property
    def indices(self) -> set[int]:
        return ({self.index} if self.index is not None else set()) | set(self.others)


def plan_violations(
    *,
    moves: list[MoveFacts],
    people: Mapping[int, PersonFacts],
    posts: Mapping[int, PostFacts],
    holdings: Mapping[int, set[int]],
    kin: Mapping[frozenset, Kinship],
    left_units: Mapping[int, list[tuple[int, str, dt.date]]],
    eligibility: Mapping[tuple[int, int], Eligibility],
    scope_post_ids: set[int],
    policy: Policy,
    as_of: dt.date,
    with_scope: bool = True,
) -> list[Violation]:
    """Every reason the plan cannot be approved (`Violation`: the move, a Chinese message naming it).

    The whole state after the plan is checked: the 职数 of every post after all moves, avoidance against everyone
    who holds a post afterwards (those who stay included), eligibility, no return, 地域回避; then the 交流比例.

    `holdings`: post id → ids of cadres holding it now; `left_units`: cadre id → (unit id, unit name, end) of closed
    post-history rows; `eligibility`: (cadre id, post id) → the engine's verdict (a waiver already applied).
    """
    errors: list[Violation] = []
    if not moves:
        return [Violation(None, "方案中没有交流人员")]
    label = {m.index: move_label(m, people, posts) for m in moves}
    index_of = {m.cadre_id: m.index for m in moves}

    def add(m: MoveFacts, text: str, others: tuple[int, ...] = ()) -> None:
        errors.append(Violation(m.index, f"{label[m.index]}：{text}", others))

    seen: dict[int, int] = {}
    for m in moves:
        if m.cadre_id in seen:
            add(m, f"同一人在方案中重复交流（另见第{seen[m.cadre_id]}项）")
        else:
            seen[m.cadre_id] = m.index
        if m.to_post_id not in posts:
            add(m, "拟任职位不存在或已停用")
        if m.from_post_id is not None and m.cadre_id not in holdings.get(m.from_post_id, set()):
            add(m, "本人现不在原职位任职")
        if m.from_post_id is not None and m.from_post_id == m.to_post_id:
            add(m, "拟任职位与原职位相同")
    # the 职数 of every post after all moves (swaps and chains allowed)
    after: dict[int, set[int]] = {pid: set(h) for pid, h in holdings.items()}
    for m in moves:
        if m.from_post_id is not None:
            after.setdefault(m.from_post_id, set()).discard(m.cadre_id)
    for m in moves:
        after.setdefault(m.to_post_id, set()).add(m.cadre_id)
    for pid, holders in after.items():
        post = posts.get(pid)
        if post is None or len(holders) <= post.headcount:
            continue
        stay = [people[c].name for c in sorted(holders) if c in people and not any(x.cadre_id == c for x in moves)]
        for m in moves:
            if m.to_post_id == pid:
                who = f"（留任：{'、'.join(stay)}）" if stay else ""
                others = tuple(x.index for x in moves if x.to_post_id == pid and x.index != m.index)
                add(m, f"{post.job}职数{post.headcount}人，方案执行后将有{len(holders)}人{who}，没有空缺", others)
    # level: a move the type does not match (e.g. 科员 → 局长 recorded as 平级)
    for m in moves:
        p, post = people.get(m.cadre_id), posts.get(m.to_post_id)
        if p is None or post is None or not m.move_type:
            continue
        actual = person_move_type(p, post)
        if actual != m.move_type:
            add(m, f"任职方式应为{actual}（{p.post_level or '无职务层次'}{p.post_title}→{post.level}{post.title}），方案记为{m.move_type}")
    # eligibility (engine verdict, waivers applied)
    for m in moves:
        verdict = eligibility.get((m.cadre_id, m.to_post_id))
        if verdict is not None and not verdict.ok:
            why = "；".join(verdict.reasons) or "不符合任职资格"
            add(m, f"不符合拟任职位任职资格（{why}），且无放宽批准")
    # no return to a unit left within N years
    for m in moves:
        p, post = people.get(m.cadre_id), posts.get(m.to_post_id)
        if p is None or post is None or post.unit_id == p.unit_id:
            continue
        limit = add_years(as_of, -policy.no_return_years)
        for unit_id, unit_name, end in left_units.get(m.cadre_id, []):
            if unit_id == post.unit_id and end >= limit:
                add(m, f"{end:%Y.%m}离开{unit_name}未满{policy.no_return_years}年，不得交流回原单位")
                break
    # avoidance against everyone who holds a post after the plan (those who stay included)
    placed = dict(people)
    moved_ids = set()
    for m in moves:
        p, post = people.get(m.cadre_id), posts.get(m.to_post_id)
        if p is None or post is None:
            continue
        placed[m.cadre_id] = person_at(p, post, as_of)
        moved_ids.add(m.cadre_id)
    by_unit_after: dict[int | None, list[PersonFacts]] = defaultdict(list)
    for q in placed.values():
        by_unit_after[q.unit_id].append(q)
    for m in moves:
        if m.cadre_id not in placed or m.cadre_id not in moved_ids:
            continue
        q, before = placed[m.cadre_id], people[m.cadre_id]
        post = posts[m.to_post_id]
        local = local_conflict_at(before, post, policy)
        if local and not (before.unit_id == post.unit_id and local_conflicts(before)):
            add(m, local)
        if not policy.kinship_avoidance:
            continue
        for o in by_unit_after.get(q.unit_id, []):
            if o.cadre_id == q.cadre_id or (o.cadre_id in moved_ids and o.cadre_id < q.cadre_id):
                continue  # a pair of two moved people is reported once
            kinship = kin.get(frozenset((q.cadre_id, o.cadre_id)))
            if kinship is None:
                continue
            now = set(kinship_situations(q, o))
            was = set(kinship_situations(before, people[o.cadre_id])) if o.cadre_id in people else set()
            new = [s for c, s in sorted(now - was)]
            if new:
                stays = "" if o.cadre_id in moved_ids else "，其本人留任"
                other = (index_of[o.cadre_id],) if o.cadre_id in moved_ids else ()
                add(m, f"与{o.name}（{o.job}{stays}）系{kinship.label_for(q.cadre_id)}，交流后{'；'.join(new)}，构成任职回避",
                    other)
    if with_scope:
        msg = scope_violation(moves, scope_post_ids, policy)
        if msg:
            errors.append(Violation(None, msg))
    return errors


@dataclass(frozen=True)
class ScopeCount:
    posts: int  # posts in scope
    moved_posts: int  # posts in scope that a move leaves or fills
    moves: int  # moves that leave or fill a post in scope
    ratio: float


def scope_count(moves: list[MoveFacts], scope_post_ids: set[int]) -> ScopeCount:
    """交流比例 = posts in scope that a move leaves or fills / posts in scope (a move from outside the scope into it
    counts its target; one post counted once however many moves touch it)."""
    touched = {pid for m in moves for pid in (m.from_post_id, m.to_post_id) if pid in scope_post_ids}
    moving = sum(1 for m in moves if m.from_post_id in scope_post_ids or m.to_post_id in scope_post_ids)
    n = len(scope_post_ids)
    return ScopeCount(n, len(touched), moving, len(touched) / n if n else 0.0)


def scope_violation(moves: list[MoveFacts], scope_post_ids: set[int], policy: Policy) -> str:
    if not scope_post_ids:
        return "方案未确定范围职位（范围单位没有在用职位），无法计算交流比例"
    c = scope_count(moves, scope_post_ids)
    if c.ratio + 1e-9 < policy.min_scope_ratio:
        return (f"交流比例不足：范围内职位{c.posts}个，交流涉及{c.moved_posts}个（{c.moves}人次），"
                f"交流比例{c.ratio:.0%}，低于{policy.min_scope_ratio:.0%}")
    return ""
