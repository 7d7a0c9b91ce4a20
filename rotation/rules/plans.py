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


def move_type(from_level: str, to_level: str) -> str:
    """平级 / 提拔 / 降职 by the grade of the levels (RANK_GRADE; 正职 counts above 副职 at the same grade)."""
    a, b = RANK_GRADE.get(from_level, 0), RANK_GRADE.get(to_level, 0)
    if b > a:
        return "提拔"
    if b < a:
        return "降职"
    return "平级"


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


def validate_plan(
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
) -> list[str]:
    """Every reason the plan cannot be approved, each naming its move; [] when it can.

    `holdings`: post id → ids of cadres holding it now; `left_units`: cadre id → (unit id, unit name, end) of closed
    post-history rows; `eligibility`: (cadre id, post id) → the engine's verdict (a waiver already applied).
    """
    errors: list[str] = []
    if not moves:
        return ["方案中没有交流人员"]
    label = {m.index: move_label(m, people, posts) for m in moves}
    seen: dict[int, int] = {}
    for m in moves:
        if m.cadre_id in seen:
            errors.append(f"{label[m.index]}：同一人在方案中重复交流（另见第{seen[m.cadre_id]}项）")
        else:
            seen[m.cadre_id] = m.index
        if m.to_post_id not in posts:
            errors.append(f"{label[m.index]}：拟任职位不存在或已停用")
        if m.from_post_id is not None and m.cadre_id not in holdings.get(m.from_post_id, set()):
            errors.append(f"{label[m.index]}：本人现不在原职位任职")
        if m.from_post_id is not None and m.from_post_id == m.to_post_id:
            errors.append(f"{label[m.index]}：拟任职位与原职位相同")
    # vacancies after the plan's other moves (swaps and chains allowed)
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
        incoming = [m for m in moves if m.to_post_id == pid]
        for m in incoming:
            errors.append(
                f"{label[m.index]}：{post.job}职数{post.headcount}人，方案执行后将有{len(holders)}人，没有空缺"
            )
    # eligibility (engine verdict, waivers applied)
    for m in moves:
        verdict = eligibility.get((m.cadre_id, m.to_post_id))
        if verdict is not None and not verdict.ok:
            why = "；".join(verdict.reasons) or "不符合任职资格"
            errors.append(f"{label[m.index]}：不符合拟任职位任职资格（{why}），且无放宽批准")
    # no return to a unit left within N years
    for m in moves:
        p, post = people.get(m.cadre_id), posts.get(m.to_post_id)
        if p is None or post is None or post.unit_id == p.unit_id:
            continue
        limit = add_years(as_of, -policy.no_return_years)
        for unit_id, unit_name, end in left_units.get(m.cadre_id, []):
            if unit_id == post.unit_id and end >= limit:
                errors.append(
                    f"{label[m.index]}：{end:%Y.%m}离开{unit_name}未满{policy.no_return_years}年，不得交流回原单位"
                )
                break
    # avoidance: conflicts that exist after the plan and did not before
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
            errors.append(f"{label[m.index]}：{local}")
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
                errors.append(f"{label[m.index]}：与{o.name}（{o.job}）系{kinship.label_for(q.cadre_id)}，交流后{'；'.join(new)}，构成任职回避")
    # scope (幅度)
    if scope_post_ids:
        moved_posts = {m.from_post_id for m in moves if m.from_post_id in scope_post_ids}
        ratio = len(moved_posts) / len(scope_post_ids)
        if ratio + 1e-9 < policy.min_scope_ratio:
            errors.append(
                f"交流幅度不足：范围内职位{len(scope_post_ids)}个，交流{len(moved_posts)}个（{ratio:.0%}），"
                f"低于{policy.min_scope_ratio:.0%}"
            )
    return errors
