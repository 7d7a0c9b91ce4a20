"""Cached whole-roster screens of one post, and the roster version they are keyed by.

A screen of one post against the active roster (column-stored, `columns.screen_columns`) is kept in Django's
cache (locmem per process by default, Redis when REDIS_URL is set) under the post, the as-of date, the scope,
a digest of the resolved rule set and the roster version. The version is a token in the database
(`RosterVersion`), so a write in one process reaches every process at once: it is bumped after the commit of any
write to what the rules read (records, rank history, assessments, education, sanctions, posts, waivers, manual
checks: model signals below) and by bulk writes that send no signals (`roster_version_bump()` in the roster
import). Inside a transaction (a caller's atomic block, a test) the cache is not used: its uncommitted rows are
not everyone's.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import replace

from django.core.cache import cache
from django.db import connection, transaction
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
from .columns import Recent, screen_columns
from .facts import active_cadres
from .rulesets import RuleSetCache, level_key

TIMEOUT = 3600


def roster_version() -> int:
    row = RosterVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return row or 0


def cache_version() -> int | None:
    """The roster version cached values are keyed by; None inside a transaction (a caller's atomic block, a
    test): its uncommitted rows are not everyone's, so nothing is read from or written to the cache."""
    return None if connection.in_atomic_block else roster_version()


def _bump():
    """A new random version rather than the next number: a database restored from a backup, or created afresh,
    goes on from a version whose cached entries (screens, roster pages, counts) were computed from other rows;
    a random 62-bit token is never met again."""
    value = secrets.randbits(62) + 1
    if not RosterVersion.objects.filter(pk=1).update(value=value):
        RosterVersion.objects.get_or_create(pk=1, defaults={"value": value})


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


def _key(post: Post, rs, as_of: dt.date, scope: str, version: int) -> str:
    digest = hashlib.sha1(rs.key.encode()).hexdigest()[:16]
    return f"eligibility:screen:{post.pk}:{post.level}:{int(post.requires_full_time_education)}:{as_of}:{scope}:{digest}:{version}"


def posts_screen_columns(posts, as_of: dt.date, *, scope: str = "", rules: RuleSetCache | None = None) -> dict:
    """{post id: Screen of that post against the active roster}: fresh cached screens, and one column screen of
    every post that had none (stored one per post, so each post's page reads the same answer). `rules`: the rule
    sets of these posts and scope when the caller has read them."""
    posts = list(posts)
    if not posts:
        return {}
    if rules is None:
        rules = RuleSetCache(posts=[p.pk for p in posts], scope=scope)
    version = cache_version()
    keys = {}
    found = {}
    if version is not None:
        keys = {p.pk: _key(p, rules.resolve(level_key(p.level), p.pk), as_of, scope, version) for p in posts}
        for pid, key in keys.items():
            screen = SCREENS.get(key)
            if screen is not None:
                found[pid] = screen
        wanted = [key for pid, key in keys.items() if pid not in found]
        hits = cache.get_many(wanted) if wanted else {}
        for pid, key in keys.items():
            if key in hits:
                found[pid] = _keep(key, hits[key])
    missing = [p for p in posts if p.pk not in found]
    if missing:
        both = screen_columns(active_cadres(), missing, as_of, scope=scope)
        fresh = {p.pk: replace(both, posts={p.pk: both.posts[p.pk]}) for p in missing}
        if version is not None:
            cache.set_many({keys[pid]: screen for pid, screen in fresh.items()}, TIMEOUT)
            fresh = {pid: _keep(keys[pid], screen) for pid, screen in fresh.items()}
        found.update(fresh)
    return found


# Screens read from the cache are kept in this process under their key (which names the roster version): the
# next request for the same post, date and version skips fetching and unpickling the columns.
SCREENS = Recent(16)


def _keep(key: str, screen):
    screen.memo_key = key  # the pages of its explanations are kept under the same key (Screen.explanations)
    return SCREENS.put(key, screen)


def post_screen_columns(post: Post, as_of: dt.date, *, scope: str = "", rules: RuleSetCache | None = None):
    """(Screen, PostColumns) of one post against the active roster, from the cache when it is fresh."""
    screen = posts_screen_columns([post], as_of, scope=scope, rules=rules)[post.pk]
    return screen, screen.posts[post.pk]
