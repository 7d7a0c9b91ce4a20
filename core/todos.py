"""The home page's to-do list: a registry of providers, one per app and role, each returning the items that
wait for one user.

An app registers its providers in ``AppConfig.ready()`` (``todos.register(...)``), so core never imports the
apps above it. A provider reads through its app's selectors with a fixed number of queries and returns
``Todo`` items; the home page groups them by section in registration order.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from . import roles
from .audit import action_label
from .models import AuditEvent, BackgroundJob


@dataclass(frozen=True)
class Todo:
    """One line of someone's to-do list: what waits, how many, where to act, since when and until when."""

    title: str
    url: str
    count: int | None = None
    since: dt.datetime | dt.date | None = None  # since when it waits (the "已等待" column)
    action: str = ""  # the next step, e.g. "下一步：资格审查结束，进入演讲"
    deadline: dt.date | None = None
    note: str = ""
    urgent: bool = False
    happened_at: dt.datetime | None = None  # an event (an audit entry): shown as its time, not as waiting

    @property
    def waited_days(self) -> int | None:
        if self.since is None:
            return None
        since = self.since
        if isinstance(since, dt.datetime):
            since = timezone.localtime(since).date() if timezone.is_aware(since) else since.date()
        return max(0, (timezone.localdate() - since).days)

    @property
    def waited_label(self) -> str:
        days = self.waited_days
        if days is None:
            return ""
        return "今天" if days == 0 else f"{days}天"

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days


@dataclass(frozen=True)
class Provider:
    name: str
    section: str  # the heading on the home page
    roles: tuple[str, ...]  # core.roles names; the provider runs when the user holds one of them
    func: Callable[[object], Iterable[Todo]]
    cadre_only: bool = False  # runs for users linked to a 干部档案 (candidates), whatever their groups
    order: int = 50  # sections sort by their first provider's order: work first (50), reminders after (90)


@dataclass
class Section:
    title: str
    items: list[Todo] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(1 if item.count is None else item.count for item in self.items)


REGISTRY: dict[str, Provider] = {}


def register(name: str, *, section: str, roles: tuple[str, ...] = (), cadre_only: bool = False, order: int = 50):
    """Decorator: ``@todos.register("selection.leader", section="待我审批", roles=(roles.LEADER,))``."""

    def decorator(func):
        REGISTRY[name] = Provider(name, section, tuple(roles), func, cadre_only, order)
        return func

    return decorator


def _applies(provider: Provider, user, names: set[str]) -> bool:
    if provider.cadre_only:
        return hasattr(user, "cadre")
    return bool(names & set(provider.roles))


def sections_for(user) -> list[Section]:
    """The user's to-do list, by section (``order``, then registration order); empty sections are left out."""
    names = roles.role_names(user)
    sections: dict[str, Section] = {}
    for provider in sorted(REGISTRY.values(), key=lambda p: p.order):
        if not _applies(provider, user, names):
            continue
        items = list(provider.func(user))
        if items:
            sections.setdefault(provider.section, Section(provider.section)).items.extend(items)
    return list(sections.values())


# ----------------------------------------------------------------- core's own items

RECENT_AUDIT = 10
JOB_DAYS = 7


@register("core.audit", section="最近操作记录", roles=(roles.OBSERVER,))
def recent_audit(user) -> list[Todo]:
    """The observer's view: the latest audit entries, each linking to the log filtered to that action."""
    events = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")[:RECENT_AUDIT]
    url = reverse("audit-log")
    return [
        Todo(
            title=f"{action_label(e.action)}：{e.object_repr or e.summary}"[:120],
            url=f"{url}?action={e.action}",
            happened_at=e.created_at,
            note=(e.actor.get_full_name() or e.actor.username) if e.actor else "系统",
        )
        for e in events
    ]


@register("core.jobs", section="导入与后台任务", roles=(roles.STAFF,))
def my_jobs(user) -> list[Todo]:
    """Staff's own background jobs of the last week that are still running or have failed."""
    since = timezone.now() - dt.timedelta(days=JOB_DAYS)
    jobs = BackgroundJob.objects.filter(
        created_by=user, created_at__gte=since,
        status__in=(BackgroundJob.Status.PENDING, BackgroundJob.Status.RUNNING, BackgroundJob.Status.FAILED),
    ).order_by("-created_at")[:10]
    return [
        Todo(
            title=f"{job.get_status_display()}：{job.message or job.kind}"[:120],
            url=reverse("job-status", args=[job.pk]),
            since=job.created_at,
            urgent=job.status == BackgroundJob.Status.FAILED,
        )
        for job in jobs
    ]
