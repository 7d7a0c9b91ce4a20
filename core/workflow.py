"""The shape every state machine of the project shares: a move (``Transition``), the extra values a move takes
(``Input``) and one table of moves (``TransitionTable``).

Each app keeps its own table in ``<app>/workflow.py`` (竞争上岗 stages, 轮岗交流方案 statuses, 测评场次 statuses)
and one transition service that runs a move by that table; the views and the API call only that service.
Pure: no ORM.
"""
from __future__ import annotations

from dataclasses import dataclass

FORWARD, RETURN, WITHDRAW, CANCEL = "forward", "return", "withdraw", "cancel"
KINDS = (FORWARD, RETURN, WITHDRAW, CANCEL)
INPUT_KINDS = ("text", "date", "int", "textarea")


@dataclass(frozen=True)
class Input:
    """An extra value a move needs besides its note/reason (a form field, an API field, a service keyword)."""

    name: str
    label: str
    kind: str  # one of INPUT_KINDS
    required: bool
    help: str = ""
    max_length: int | None = None  # text: the length of the column it is stored in (forms and API check it)


@dataclass(frozen=True)
class Transition:
    """One move: the state it leaves and the one it enters, who may take it (role codes of the app's table),
    its kind, whether a gate reading the records is checked first, its extra inputs and whether a reason is
    required."""

    action: str
    label: str
    source: str
    target: str
    roles: tuple[str, ...]
    kind: str = FORWARD
    gated: bool = False
    inputs: tuple[Input, ...] = ()
    reason_required: bool = False

    @property
    def is_forward(self) -> bool:
        return self.kind == FORWARD

    @property
    def is_withdrawal(self) -> bool:
        """撤回: the people who took a move go back one state themselves."""
        return self.kind == WITHDRAW


class TransitionTable:
    """The moves of one state machine, looked up by (action, state they leave)."""

    def __init__(self, transitions: tuple[Transition, ...]):
        self.transitions = tuple(transitions)
        self._by_key = {(t.action, t.source): t for t in self.transitions}
        # every action once, in table order
        self.actions: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in self.transitions))

    def get(self, action: str, source: str) -> Transition | None:
        return self._by_key.get((action, source))

    def available(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def of_action(self, action: str) -> list[Transition]:
        return [t for t in self.transitions if t.action == action]
