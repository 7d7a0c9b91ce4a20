"""Demo campaigns for `seed_demo`, one consistent story on the demo's today:

- ``finished``: the 第一批, finished through all 11 stages in 2026-06 to 2026-09;
- ``current``: the 第二批 in 演讲 (offering again the post the 第一批's 平职交流 winner left; a judge's sheet
  waiting), the 第三批 in 公开报名 (cadre1's 组织推荐 to answer) and next year's plan in 方案报批 (the leader's
  inbox).

Everything is made through the real services (every gate, event and document), never by writing stage fields.
Past stages are replayed on their own dates without touching the clock: each step passes its day to the
services that compare dates (``today=``: the registration window, the gates, the 职位公告's publication day)
and gives explicit dates where a service takes them (meeting, approval, 公示 start, appointment); the other
documents are dated by their stage's recorded facts (the list's approval, the 公示 start, the appointment date).
Afterwards every timestamp the step wrote is set to the step's moment (``replay.Replay``), so the event log and
the audit trail read like the real thing. Nothing here runs outside `seed_demo`.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import roles

from .accounts import EXTRA_ACCOUNTS, PASSWORD, accounts
from .current import OPEN_TITLE, PLAN_TITLE, SPEECH_TITLE, seed_open, seed_plan, seed_speech
from .finished import FINISHED_TITLE, seed_finished

__all__ = ["FINISHED_TITLE", "OPEN_TITLE", "PASSWORD", "PLAN_TITLE", "SPEECH_TITLE", "demo_accounts",
           "on_demo_seeded", "seed"]


def seed(today: dt.date, log=print) -> None:
    with transaction.atomic():
        users = accounts()
        _c, vacated = seed_finished(users, log=log)
    with transaction.atomic():
        seed_speech(users, today, vacated, log=log)
    with transaction.atomic():
        seed_open(users, today, log=log)
    with transaction.atomic():
        seed_plan(users, today, log=log)


def demo_accounts() -> list[tuple[str, str]]:
    return [(u, r) for u, r, _ in EXTRA_ACCOUNTS]


def on_demo_seeded(sender, log=print, today=None, **kwargs) -> list[tuple[str, str]]:
    """Receiver of core.signals.demo_seeded (connected in apps.py)."""
    seed(today or timezone.localdate(), log=log)
    return [(u, r if r != roles.JUDGE else f"{r}（另有评委账号 judge）") for u, r in demo_accounts()]
