"""Cached whole-roster screens of one post, and the roster version they are keyed by.

A screen of one post against the active roster (column-stored, `columns.screen_columns`) is kept in Django's
cache (locmem per process by default, Redis when REDIS_URL is set) under the post, the as-of date, the scope,
a digest of the resolved rule set and the roster version. The version is a counter in the database
(`RosterVersion`), so a write in one process reaches every process at once: it is bumped after the commit of any
write to what the rules read (records, rank history, assessments, education, sanctions, posts, waivers, manual
checks: model signals below) and by bulk writes that send no signals (`roster_version_bump()` in the roster
import). Inside a transaction (a caller's atomic block, a test) the cache is not used: its uncommitted rows are
not everyone's.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from ..models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    EligibilityManualCheck,
    EligibilityRuleSet,
    EligibilityWaiver,
    OrgUnit,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
    RosterVersion,
)
from .columns import screen_columns
from .facts import active_cadres
from .rulesets import RuleSetCache, level_key

TIMEOUT = 3600


def roster_version() -> int:
    row = RosterVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return row or 0


def _bump():
    if not RosterVersion.objects.filter(pk=1).update(value=F("value") + 1):
        RosterVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def roster_version_bump() -> None:
    """Mark every cached screen stale once the current transaction commits (at once outside one); once per
    transaction however many rows it writes."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(entry[1] is _bump for entry in conn.run_on_commit):
        return
    transaction.on_commit(_bump)


def _on_write(sender, raw=False, **kwargs):
    if not raw:
        roster_version_bump()


for _model in (Cadre, RankHistory, AnnualAssessment, EducationRecord, RewardPunishment, PostHistory, Post, OrgUnit,
               EligibilityWaiver, EligibilityManualCheck, EligibilityRuleSet):
    post_save.connect(_on_write, sender=_model, dispatch_uid=f"eligibility_version_save_{_model.__name__}")
    post_delete.connect(_on_write, sender=_model, dispatch_uid=f"eligibility_version_delete_{_model.__name__}")


def post_screen_columns(post: Post, as_of: dt.date, *, scope: str = ""):
    """(Screen, PostColumns) of one post against the active roster, from the cache when it is fresh."""
    rs = RuleSetCache(posts=[post.pk], scope=scope).resolve(level_key(post.level), post.pk)
    use_cache = not connection.in_atomic_block
    key = None
    if use_cache:
        digest = hashlib.sha1(rs.key.encode()).hexdigest()[:16]
        key = f"eligibility:screen:{post.pk}:{post.level}:{int(post.requires_full_time_education)}:{as_of}:{scope}:{digest}:{roster_version()}"
        hit = cache.get(key)
        if hit is not None:
            return hit, hit.posts[post.pk]
    screen = screen_columns(active_cadres(), [post], as_of, scope=scope)
    if key is not None:
        cache.set(key, screen, TIMEOUT)
    return screen, screen.posts[post.pk]
