"""The campaigns under way on the demo's today, so that every role finds work at once:

- 第二批 in 演讲: it offers again the post the 第一批's 平职交流 winner left (the chain is completed in the
  story); four judges have scored today, the judge ``judge`` has not (a score sheet waiting);
- 第三批 in 公开报名: two people have applied, cadre1 has an unanswered 组织推荐;
- the 2027 plan in 方案报批: waiting in the leader's inbox.

Each is built stage by stage through the real services on its own dates (``Replay``), like the 第一批.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User

from cadre.models import Cadre, Post

from .. import services
from ..models import Application, AppStatus, Campaign, MemberRole, Source
from . import people as people_
from .accounts import JUDGES, own_user
from .replay import Replay

SPEECH_TITLE = "2026年度中层干部轮岗交流和竞争上岗（第二批）"
OPEN_TITLE = "2026年度中层干部轮岗交流和竞争上岗（第三批）"
PLAN_TITLE = "2027年度中层干部轮岗交流和竞争上岗（第一批）"
CONTACT = {"contact_person": "王老师", "contact_phone": "0572-8123456", "contact_address": "青溪大道88号管委会组织人事局",
           "contact_mail": "qxzzb@example.gov.cn"}


def _as_of(today: dt.date) -> dt.date:
    return today.replace(month=1, day=1) if today.month < 7 else today.replace(month=6, day=30)


def _used_posts() -> set[int]:
    return set(Campaign.objects.exclude(stage__in=["completed", "cancelled"]).values_list("posts__post_id", flat=True))


def _applied() -> set[int]:
    return set(Application.objects.values_list("cadre_id", flat=True))


def _plan(users, *, title: str, year: int, as_of: dt.date, posts: list[Post], submit: bool = True) -> Campaign:
    staff, leader = users["staff"], users["leader"]
    c = services.campaign_create(actor=staff, data={
        "title": title, "plan_year": year, "as_of": as_of, "scope_post_count": 30, "declared_rotation_count": 10,
        **CONTACT,
    })
    services.members_set(actor=staff, campaign=c, members=[
        {"name": "张书记", "duty": "党工委书记", "role": MemberRole.GROUP_LEADER, "user": leader},
        {"name": "李主任", "duty": "管委会主任", "role": MemberRole.GROUP_DEPUTY, "user": users["leader2"]},
        {"name": "组织部小王", "duty": "组织人事局干部科", "role": MemberRole.TEAM, "user": staff},
    ])
    for p in posts:
        services.post_add(actor=staff, campaign=c, post=p, vacancies=1)
    services.judges_set(actor=staff, campaign=c, users=[users[u] for u in JUDGES])
    if submit:
        services.plan_submit(actor=staff, campaign=c)
    return c


def _publish(users, c: Campaign, *, on: dt.date, start: dt.date, end: dt.date) -> None:
    staff = users["staff"]
    services.campaign_update(actor=staff, campaign=c, data={"registration_start": start, "registration_end": end})
    services.announcement_generate(actor=staff, campaign=c, today=on)
    services.posts_publish(actor=staff, campaign=c, today=on)


def _apply(cp, cadre: Cadre, on: dt.date) -> None:
    services.application_save(
        actor=own_user(cadre), campaign_post=cp, submit=True, today=on,
        data={"achievements": people_.achievements(cadre), "work_plan": "围绕中心工作，抓好队伍建设。",
              "declaration": True, "accept_adjustment": True})


def seed_speech(users: dict[str, User], today: dt.date, vacated: list[int], log=print) -> Campaign | None:
    """第二批, in 演讲 today: the post(s) the 第一批 left vacant plus one more 副科 post; 3 + 2 candidates."""
    if Campaign.objects.filter(title=SPEECH_TITLE).exists():
        return None
    staff, leader = users["staff"], users["leader"]
    used = _used_posts()
    again = [p for p in Post.objects.filter(pk__in=vacated).exclude(pk__in=used).select_related("unit")
             if p.holdings.filter(end__isnull=True).count() < p.headcount]
    posts = (again + people_.vacant_posts("副科级", 2, exclude=used | {p.pk for p in again}))[:2]
    as_of = _as_of(today)
    people = people_.candidates(posts, as_of, 3, _applied())
    if len(posts) < 2 or any(len(people[p.pk]) < 2 for p in posts):
        log("演示竞争上岗（演讲）：空缺职位或符合条件的人选不足，未生成。")
        return None
    people[posts[1].pk] = people[posts[1].pk][:2]
    clock = Replay()

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    c = clock.on(day(40), lambda: _plan(users, title=SPEECH_TITLE, year=as_of.year, as_of=as_of, posts=posts))
    clock.on(day(38), lambda: services.plan_approve(actor=leader, campaign=c, document_no=f"青开组〔{as_of.year}〕33号"))
    clock.on(day(35), lambda: _publish(users, c, on=day(35), start=day(33), end=day(26)))
    cps = list(c.posts.select_related("post").order_by("order"))
    clock.on(day(30), lambda: [_apply(cp, cadre, day(30)) for cp in cps for cadre in people[cp.post_id]])
    clock.on(day(25), lambda: services.auto_close_registrations(today=day(25)), hour=1)

    def review():
        for app in Application.objects.filter(campaign=c, status=AppStatus.SUBMITTED).order_by("id"):
            ok = app.suggestion in ("符合", "符合（含放宽）")
            services.review_decide(actor=staff, application=app, decision="通过",
                                   reason="" if ok else "经工作班子逐项审核，政治素质和工作表现符合要求")
        services.review_submit(actor=staff, campaign=c)

    clock.on(day(22), review)
    clock.on(day(21), lambda: services.review_approve(actor=leader, campaign=c, note="党工委会议审定"))
    clock.on(day(21), lambda: services.review_publish(actor=staff, campaign=c), hour=15)
    clock.on(day(18), lambda: services.speech_start(actor=staff, campaign=c, speech_date=today))
    rng = random.Random(20261120)

    def speech():
        for cp in cps:
            services.speaking_order_draw(actor=staff, campaign_post=cp)
        apps = list(Application.objects.filter(campaign=c, status=AppStatus.SUBMITTED).order_by("id"))
        for username in JUDGES[1:]:  # the judge "judge" has not scored yet: a sheet waiting on the home page
            services.scores_submit(actor=users[username], campaign=c,
                                   scores={a.pk: f"{rng.randint(780, 940) / 10:.1f}" for a in apps})

    clock.on(today, speech, hour=9)
    c.refresh_from_db()
    log(f"演示竞争上岗（演讲评分中）：{c.title}，{len(cps)} 个职位；评委 judge 尚未评分。")
    return c


def seed_open(users: dict[str, User], today: dt.date, log=print) -> Campaign | None:
    """第三批, in 公开报名 today: three posts; two people have applied, cadre1 has a 组织推荐 to answer."""
    if Campaign.objects.filter(title=OPEN_TITLE).exists():
        return None
    staff, leader = users["staff"], users["leader"]
    used = _used_posts()
    posts = people_.vacant_posts("副科级", 2, exclude=used) + people_.vacant_posts("正科级", 1, exclude=used)
    if len(posts) < 2:
        log("演示竞争上岗（报名中）：没有足够的空缺职位，未生成。")
        return None
    as_of = _as_of(today)
    clock = Replay()
    c = clock.on(today - dt.timedelta(days=6), lambda: _plan(users, title=OPEN_TITLE, year=today.year, as_of=as_of, posts=posts))
    clock.on(today - dt.timedelta(days=4),
             lambda: services.plan_approve(actor=leader, campaign=c, document_no=f"青开组〔{today.year}〕40号"))
    clock.on(today - dt.timedelta(days=2), lambda: _publish(
        users, c, on=today - dt.timedelta(days=2), start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=10)))
    cps = list(c.posts.select_related("post", "post__unit").order_by("order"))
    applicants = people_.candidates([cps[0].post], as_of, 2, _applied())
    clock.on(today, lambda: [_apply(cps[0], cadre, today) for cadre in applicants.get(cps[0].post_id, [])], hour=9)
    cadre1 = Cadre.objects.filter(user__username="cadre1").select_related("unit").first()
    target = next((cp for cp in cps[1:] if cadre1 is not None and cp.post.unit_id != cadre1.unit_id
                   and cp.post.level in ("副科级", "正科级")), None)
    if target is not None:
        held = people_.held_posts([cadre1.pk]).get(cadre1.pk, [])
        if target.post_id not in held:
            clock.on(today, lambda: services.nomination_create(
                actor=staff, campaign_post=target, cadre=cadre1, source=Source.ORG, today=today,
                recommending_unit=cadre1.unit.name if cadre1.unit_id else "青溪经济开发区",
                recommending_signer="单位主要负责人"), hour=9)
    c.refresh_from_db()
    log(f"演示竞争上岗（报名中）：{c.title}，报名截止 {c.registration_end:%Y年%m月%d日}。")
    return c


def seed_plan(users: dict[str, User], today: dt.date, log=print) -> Campaign | None:
    """Next year's plan, submitted and waiting for the leader's approval (方案报批)."""
    if Campaign.objects.filter(title=PLAN_TITLE).exists():
        return None
    posts = people_.vacant_posts("副科级", 2, exclude=_used_posts())
    if not posts:
        log("演示竞争上岗（方案报批）：没有空缺职位，未生成。")
        return None
    year = today.year + 1
    c = Replay().on(today - dt.timedelta(days=1), lambda: _plan(
        users, title=PLAN_TITLE, year=year, as_of=dt.date(year, 1, 1), posts=posts))
    log(f"演示竞争上岗（方案报批）：{c.title}，待领导小组审批。")
    return c
