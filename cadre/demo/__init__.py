"""Demo data (``manage.py seed_demo``): a fictional development zone for demos and benchmarks.

- Deterministic: one ``random.Random(seed)`` drives everything, so the same size and seed give the same data.
- Idempotent: the zone's root unit (code QX000) marks demo data; when it exists nothing is generated again
  (only the role groups and demo accounts are ensured). To rebuild, start from an empty database.
- Fast: rows are written with bulk inserts in batches, so ``--size 100000`` takes about a minute on SQLite.
  Bulk writes bypass django-simple-history, so demo rows start without history entries (history begins with
  the first edit); a single audit row records the seeding.
- Other apps add their demo data through the ``core.signals.demo_seeded`` signal (cadre imports none of them).

Modules: ``data`` (the fixed pools), ``builder`` (units, posts, people), ``records`` (each person's rows),
``tables`` (the bulk insert), ``dates``, ``accounts`` (role groups and demo accounts).
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.signals import demo_seeded

from ..audit import AuditAction
from ..eligibility import roster_version_bump
from ..models import Cadre, OrgUnit
from . import data
from .accounts import candidate_cadres_for_existing_demo, ensure_accounts
from .builder import DemoBuilder

PASSWORD = data.PASSWORD

__all__ = ["PASSWORD", "DemoBuilder", "demo_seed"]


def demo_seed(*, size: int, seed: int, log=print) -> list[tuple[str, str]]:
    """Seed the demo zone (or, when it exists, only ensure the accounts), then let other apps add theirs
    (``demo_seeded``). Progress goes to ``log``; returns the demo accounts as (username, label)."""
    if OrgUnit.objects.filter(code=data.ROOT_CODE).exists():
        existing = Cadre.objects.filter(unit__code__startswith="QX").count()
        log(f"已存在演示数据（{data.ZONE}，{existing} 名干部），未重复生成。如需重建，请使用空数据库。")
        with transaction.atomic():
            accounts = ensure_accounts(candidate_cadres_for_existing_demo())
    else:
        log(f"正在生成演示数据：{data.ZONE}，{size} 名干部，随机种子 {seed} …")
        builder = DemoBuilder(size=size, seed=seed, log=log)
        with transaction.atomic():
            counts = builder.run()
            accounts = ensure_accounts(list(Cadre.objects.filter(pk__in=builder.candidate_pks).order_by("id"))
                                       or candidate_cadres_for_existing_demo())
            audit(actor=None, action=AuditAction.DEMO_SEED, summary=f"生成演示数据：{size} 名干部（种子 {seed}）",
                  data={"size": size, "seed": seed, **counts})
            roster_version_bump()  # bulk inserts send no signals: cached screens, pages and counts turn over
        log(
            "已生成：单位 {units} 个，职位 {posts} 个，干部 {cadres} 名，学历 {educations} 条，任职经历 {post_history} 条，"
            "职级经历 {rank_history} 条，年度考核 {assessments} 条，奖惩 {rewards} 条，家庭成员 {family} 条"
            "（其中名册内亲属 {relatives_in_roster} 条）；用时 {seconds} 秒。".format(**counts)
        )
        log("说明：演示数据批量写入，不生成变更历史记录（首次修改后开始记录）。")
    for _receiver, extra in demo_seeded.send(sender=DemoBuilder, log=log, today=timezone.localdate()):
        accounts.extend(extra or [])
    return accounts
