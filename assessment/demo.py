"""Demo 民主测评 for `seed_demo`: an open session with codes for three evaluator groups to try.

Receiver of ``core.signals.demo_seeded`` (connected in apps.py). Everything goes through the real services
(create, issue codes for several groups in one step, open, a few ballots). The server keeps only the codes'
keyed hashes, so the plain codes of the demo are written once to ``MEDIA_ROOT/demo/ballot-codes.txt`` (outside
git) and a few are printed in the seed log. A second run finds the session and only says where the codes are.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cadre.models import Cadre, OrgUnit

from .codes import display_code
from .models import BallotSession
from .selectors import code_serials
from .services import ballot_session_create, ballot_submit, codes_issue_groups, session_open

GROUPS = [("领导班子成员", 30, 6), ("中层干部", 40, 10), ("一般干部", 30, 12)]  # name, weight %, codes
CAST = [  # ballots already cast with the first codes of each group: one choice per target (cycled)
    ("领导班子成员", ["优秀", "优秀", "称职"]),
    ("中层干部", ["优秀", "称职", "称职"]),
    ("中层干部", ["称职", "优秀", ""]),
    ("一般干部", ["优秀", "称职", "基本称职"]),
]
TARGETS = 5


def codes_file() -> Path:
    return Path(settings.MEDIA_ROOT) / "demo" / "ballot-codes.txt"


def _unit():
    """The demo unit with the most cadres (ties: by code): deterministic for one seed."""
    return (
        OrgUnit.objects.annotate(n=Count("cadres")).filter(n__gte=3).order_by("-n", "code").first()
    )


def seed(today, log=print) -> BallotSession | None:
    staff = User.objects.filter(username="staff").first()
    unit = _unit()
    if staff is None or unit is None:
        log("民主测评演示：缺少 staff 账号或单位，未生成。")
        return None
    title = f"{today.year}年度{unit.short_name or unit.name}领导班子和领导干部民主测评"
    existing = BallotSession.objects.filter(title=title).first()
    if existing is not None:
        log(f"民主测评演示：“{title}”已存在；测评码见 {codes_file()}（如已删除，可在场次页面补发测评码）。")
        return existing
    cadres = list(Cadre.objects.filter(unit=unit).order_by("rank_order", "id")[:TARGETS])
    with transaction.atomic():
        session = ballot_session_create(
            actor=staff, title=title, option_set="评价", targets=cadres, vote_date=today,
            groups=[{"name": n, "weight": w} for n, w, _c in GROUPS],
        )
        groups = {g.name: g for g in session.groups.all()}
        issued = codes_issue_groups(actor=staff, session=session, counts={groups[n]: c for n, _w, c in GROUPS})
        session = session_open(actor=staff, session=session)
    targets = list(session.targets.order_by("order", "id"))
    unused = {group.name: list(codes) for group, codes in issued}
    for group_name, choices in CAST:
        code = unused[group_name].pop(0)
        marks = {t.pk: choices[i % len(choices)] for i, t in enumerate(targets)}
        ballot_submit(session_id=session.public_id, code=code, marks=marks)
    path = reverse("assessment:ballot", args=[session.public_id])
    _write_codes(session, issued, unused, path, today)
    sample = [(g, display_code(c[0])) for g, c in unused.items() if c]
    log(
        f"民主测评演示：“{title}”测评中，{len(targets)} 名对象，3 个类别共发放测评码 "
        f"{sum(c for _n, _w, c in GROUPS)} 个，已投 {len(CAST)} 票。投票页 {path}；"
        f"可试用的测评码：" + "，".join(f"{g} {c}" for g, c in sample) + f"；全部未用测评码见 {codes_file()}。"
    )
    return session


def _write_codes(session, issued, unused, path, today) -> None:
    lines = [f"{session.title}（演示数据，{today}）", f"投票页：{path}", "票号\t测评人类别\t测评码\t状态"]
    for group, codes in issued:
        still = set(unused[group.name])
        for serial, code in code_serials(session, codes):
            lines.append(f"{serial}\t{group.name}\t{display_code(code)}\t{'未使用' if code in still else '已使用（演示）'}")
    target = codes_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def on_demo_seeded(sender, log=print, today=None, **kwargs) -> list[tuple[str, str]]:
    """Receiver of core.signals.demo_seeded (connected in apps.py)."""
    seed(today or timezone.localdate(), log=log)
    return []
