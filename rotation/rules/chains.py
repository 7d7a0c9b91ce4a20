"""Chains of suggested moves: A's move needs B's seat, B's needs C's … adopted as one unit.

A suggestion `needs` the cadre whose seat it takes (that person must move first) and may be bound `with` others
(kin who are consistent only when both move). Chains are the connected groups of these links among the pending
suggestions; rejecting one suggestion makes every suggestion that needs its seat fall too, transitively.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    sid: int  # suggestion id
    cadre_id: int
    needs: int | None = None  # the cadre whose seat this move takes
    with_ids: tuple[int, ...] = ()  # cadres bound to this move (kin)


def chains(items: Sequence[Link]) -> dict[int, tuple[int, ...]]:
    """Each suggestion id → the ids of its chain (itself included, in the order given)."""
    by_cadre = {x.cadre_id: x.sid for x in items}
    parent = {x.sid: x.sid for x in items}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for x in items:
        for other in ((x.needs,) if x.needs is not None else ()) + tuple(x.with_ids):
            if other in by_cadre:
                parent[find(x.sid)] = find(by_cadre[other])
    groups: dict[int, list[int]] = {}
    for x in items:
        groups.setdefault(find(x.sid), []).append(x.sid)
    return {sid: tuple(g) for g in groups.values() for sid in g}


def fallers(items: Sequence[Link], sid: int) -> list[int]:
    """The suggestions that fall when `sid` is rejected: those that need its seat (transitively) and those bound
    to any fallen one; `sid` itself not included."""
    by_sid = {x.sid: x for x in items}
    if sid not in by_sid:
        return []
    takers: dict[int, list[Link]] = {}
    bound: dict[int, list[Link]] = {}
    for x in items:
        if x.needs is not None:
            takers.setdefault(x.needs, []).append(x)
        for c in x.with_ids:
            bound.setdefault(c, []).append(x)
    fallen: list[int] = []
    seen = {sid}
    todo = [by_sid[sid]]
    while todo:
        cur = todo.pop()
        for nxt in takers.get(cur.cadre_id, []) + bound.get(cur.cadre_id, []) + [
            y for c in cur.with_ids for y in items if y.cadre_id == c
        ]:
            if nxt.sid not in seen:
                seen.add(nxt.sid)
                fallen.append(nxt.sid)
                todo.append(nxt)
    return fallen


def expand(items: Sequence[Link], chosen: Iterable[int]) -> list[int]:
    """The chosen suggestion ids with every member of their chains (order of `items`)."""
    by = chains(items)
    want = {m for sid in chosen if sid in by for m in by[sid]}
    return [x.sid for x in items if x.sid in want]
