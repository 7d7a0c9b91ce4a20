"""Demo campaigns for `seed_demo`: one 竞争上岗 finished through all 11 stages and one open for registration.

Both are made through the real services (every gate, event and document), never by writing stage fields. The
finished campaign is replayed on its historical dates without touching the clock: each step passes its day to
the services that compare dates (``today=``: the registration window, the gates, the documents' issue dates)
and gives explicit dates where a service takes them (meeting, approval, 公示 start, appointment); afterwards
every timestamp the step wrote is set to the step's moment (``Replay``), so the event log and the audit trail
read like the real thing. Nothing here runs outside `seed_demo`.
"""
from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.utils import timezone

from assessment.models import BallotTarget
from assessment.services import ballot_submit, codes_issue, session_close, session_open
from cadre import eligibility as E
from cadre.models import Cadre, Post
from core import roles

from . import services
from .models import Application, AppStatus, Campaign, InspectionConclusion, MemberRole, Source

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PASSWORD = "demo12345"
FINISHED_TITLE = "2026年度中层干部轮岗交流和竞争上岗（第一批）"
OPEN_TITLE = "2026年度中层干部轮岗交流和竞争上岗（第二批）"

EXTRA_ACCOUNTS = [
    # username, role, first name
    ("leader2", roles.LEADER, "领导小组成员老陈"),
    ("judge2", roles.JUDGE, "评委刘老师"),
    ("judge3", roles.JUDGE, "评委陈老师"),
    ("judge4", roles.JUDGE, "评委杨老师"),
    ("judge5", roles.JUDGE, "评委赵老师"),
]
MEETING_MEMBERS = ["张书记", "李主任", "王副书记", "陈副主任", "刘委员", "周委员", "吴委员"]


def _user(username: str, role: str, first_name: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def accounts() -> dict[str, User]:
    roles.ensure_groups()
    out = {u.username: u for u in User.objects.filter(username__in=["staff", "leader", "judge"])}
    for username, role, first_name in EXTRA_ACCOUNTS:
        out[username] = _user(username, role, first_name)
    return out


# the apps whose rows a step creates besides selection's own (audit trail, documents and notifications, the
# 民主测评 session and its codes, the appointees' post and history rows): restamped when created in the step
CREATED_IN_STEP_APPS = ("core", "documents", "assessment", "cadre")


def _datetime_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]


def _counted_models(app_label: str) -> list:
    """The app's models with timestamps and an integer key that grows (so "created in this step" is pk > mark)."""
    return [
        m for m in apps.get_app_config(app_label).get_models()
        if _datetime_fields(m) and isinstance(m._meta.pk, (models.AutoField, models.BigAutoField))
    ]


class Replay:
    """Run service calls as steps on given days (Asia/Shanghai, mid-morning unless told): the step runs on the
    real clock, then every timestamp it wrote becomes the step's moment. Selection rows: each date-time field
    written since the step began. Rows of the other apps: those the step created."""

    def __init__(self):
        self._selection = [m for m in apps.get_app_config("selection").get_models() if _datetime_fields(m)]
        self._others = [m for label in CREATED_IN_STEP_APPS for m in _counted_models(label)]

    def on(self, day: dt.date, fn: Callable, hour: int = 10):
        moment = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)
        marks = {m: m.objects.aggregate(top=models.Max("pk"))["top"] or 0 for m in self._others}
        since = timezone.now()
        result = fn()
        for model in self._selection:
            for name in _datetime_fields(model):
                model.objects.filter(**{f"{name}__gte": since}).update(**{name: moment})
        for model, mark in marks.items():
            for name in _datetime_fields(model):
                model.objects.filter(pk__gt=mark, **{f"{name}__isnull": False}).update(**{name: moment})
        if isinstance(result, models.Model):
            result.refresh_from_db()
        return result


def _vacant_posts(level: str, n: int, exclude=()) -> list[Post]:
    posts = []
    qs = Post.objects.filter(level=level, kind="领导职务", is_active=True).exclude(pk__in=exclude).select_related("unit")
    for post in qs.order_by("unit__order", "order", "id"):
        if post.holdings.filter(end__isnull=True).count() < post.headcount:
            posts.append(post)
        if len(posts) == n:
            break
    return posts


def _eligible(posts: list[Post], as_of: dt.date, per_post: int, skip: set[int]) -> dict[int, list[Cadre]]:
    """Per post, `per_post` people who meet its conditions (a set-based screen of the roster)."""
    cadres = E.active_cadres().exclude(user__isnull=False, user__username__startswith="cadre").exclude(pk__in=skip)
    result = E.screen(cadres, posts, as_of)
    chosen, used = {}, set(skip)
    for post in posts:
        picks = []
        for ex in result[post.pk]:
            if ex.result in ("符合", "待人工审核") and ex.cadre.id not in used and not ex.failed:
                picks.append(ex.cadre.id)
                used.add(ex.cadre.id)
            if len(picks) == per_post:
                break
        chosen[post.pk] = list(Cadre.objects.filter(pk__in=picks).order_by("id"))
    return chosen


def _achievements(cadre: Cadre) -> str:
    return (f"{cadre.name}同志现任{cadre.current_job}，近年来牵头完成多项重点工作，"
            "年度考核连续称职以上，熟悉本领域政策法规，具有较强的组织协调能力。")


def seed_finished(users: dict[str, User], log=print) -> Campaign | None:
    """The first batch, 2026-06 to 2026-09: two 副科 posts, 3 + 2 candidates, through 任职."""
    if Campaign.objects.filter(title=FINISHED_TITLE).exists():
        return None
    staff, leader, leader2 = users["staff"], users["leader"], users["leader2"]
    judges = [users[u] for u in ("judge", "judge2", "judge3", "judge4", "judge5")]
    clock = Replay()
    as_of = dt.date(2026, 6, 30)
    posts = _vacant_posts("副科级", 2)
    if len(posts) < 2:
        log("演示竞争上岗：没有足够的空缺副科职位，未生成。")
        return None
    people = _eligible(posts, as_of, 3, set())
    if any(len(people[p.pk]) < 2 for p in posts):
        log("演示竞争上岗：符合条件的人选不足，未生成。")
        return None
    people[posts[1].pk] = people[posts[1].pk][:2]

    def plan():
        c = services.campaign_create(actor=staff, data={
            "title": FINISHED_TITLE, "plan_year": 2026, "as_of": as_of, "scope_post_count": 40,
            "declared_rotation_count": 14, "contact_person": "王老师", "contact_phone": "0572-8123456",
            "contact_address": "青溪大道88号管委会组织人事局", "contact_mail": "qxzzb@example.gov.cn",
            "schedule": "6月下旬 动员部署\n7月上旬 公开报名\n7月中旬 资格审查\n7月下旬 演讲和民主测评\n8月 组织考察、讨论决定\n9月 任前公示、任职",
        })
        services.members_set(actor=staff, campaign=c, members=[
            {"name": "张书记", "duty": "党工委书记", "role": MemberRole.GROUP_LEADER, "user": leader},
            {"name": "李主任", "duty": "管委会主任", "role": MemberRole.GROUP_DEPUTY, "user": leader2},
            {"name": "王副书记", "duty": "党工委副书记", "role": MemberRole.GROUP_MEMBER},
            {"name": "组织部小王", "duty": "组织人事局干部科", "role": MemberRole.TEAM, "user": staff},
        ])
        for p in posts:
            services.post_add(actor=staff, campaign=c, post=p, vacancies=1)
        services.judges_set(actor=staff, campaign=c, users=judges)
        return services.plan_submit(actor=staff, campaign=c)

    c = clock.on(dt.date(2026, 6, 22), plan)
    clock.on(dt.date(2026, 6, 24), lambda: services.plan_approve(actor=leader, campaign=c, document_no="青开组〔2026〕21号"))

    def publish():
        services.campaign_update(actor=staff, campaign=c, data={
            "registration_start": dt.date(2026, 7, 6), "registration_end": dt.date(2026, 7, 10)})
        services.announcement_generate(actor=staff, campaign=c, today=dt.date(2026, 7, 1))
        return services.posts_publish(actor=staff, campaign=c, today=dt.date(2026, 7, 1))

    clock.on(dt.date(2026, 7, 1), publish)
    cps = list(c.posts.select_related("post").order_by("order"))

    def apply():
        for cp in cps:
            for i, cadre in enumerate(people[cp.post_id]):
                if i == 2:  # one by 群众举荐, accepted by the nominee
                    app = services.nomination_create(
                        actor=staff, campaign_post=cp, cadre=cadre, source=Source.MASS,
                        recommenders="赵一、钱二、孙三、李四、周五、吴六", recommender_count=6, today=applied_on)
                    services.nomination_respond(
                        actor=_own_user(cadre), application=app, accept=True, today=applied_on,
                        data={"achievements": _achievements(cadre), "declaration": True, "accept_adjustment": True})
                else:
                    services.application_save(
                        actor=_own_user(cadre), campaign_post=cp, submit=True, today=applied_on,
                        data={"achievements": _achievements(cadre), "work_plan": "围绕中心工作，抓好队伍建设。",
                              "declaration": True, "accept_adjustment": True})

    applied_on = dt.date(2026, 7, 8)
    clock.on(applied_on, apply)
    clock.on(dt.date(2026, 7, 11), lambda: services.auto_close_registrations(today=dt.date(2026, 7, 11)), hour=1)
    c.refresh_from_db()

    def review():
        for app in Application.objects.filter(campaign=c, status=AppStatus.SUBMITTED).order_by("id"):
            decision = "通过" if app.suggestion in ("符合", "符合（含放宽）") else "通过"
            reason = "" if app.suggestion in ("符合", "符合（含放宽）") else "经工作班子逐项审核，政治素质和工作表现符合要求"
            services.review_decide(actor=staff, application=app, decision=decision, reason=reason)
        services.review_submit(actor=staff, campaign=c)

    clock.on(dt.date(2026, 7, 13), review)
    clock.on(dt.date(2026, 7, 14), lambda: services.review_approve(actor=leader, campaign=c, note="党工委会议审定"))
    clock.on(dt.date(2026, 7, 14), lambda: services.review_publish(actor=staff, campaign=c, today=dt.date(2026, 7, 14)),
             hour=15)
    clock.on(dt.date(2026, 7, 17), lambda: services.speech_start(actor=staff, campaign=c))

    rng = random.Random(20260720)

    def speech():
        for cp in cps:
            services.speaking_order_draw(actor=staff, campaign_post=cp)
        apps = list(Application.objects.filter(campaign=c, status=AppStatus.SUBMITTED).order_by("id"))
        base = {a.pk: rng.randint(78, 90) for a in apps}
        for j in judges:
            scores = {a.pk: f"{min(99.5, base[a.pk] + rng.choice([-3, -1.5, 0, 1, 2.5, 4])):.1f}" for a in apps}
            services.scores_submit(actor=j, campaign=c, scores=scores)
        return services.speech_close(actor=staff, campaign=c)

    clock.on(dt.date(2026, 7, 20), speech)

    def evaluation():
        session = services.evaluation_session_create(actor=staff, campaign=c, groups=[
            {"name": "领导班子成员", "weight": 30}, {"name": "中层干部", "weight": 40}, {"name": "一般干部", "weight": 30}],
            vote_date=dt.date(2026, 7, 21))
        session_open(actor=staff, session=session)
        targets = list(BallotTarget.objects.filter(session=session).order_by("order", "id"))
        strength = {t.pk: rng.random() for t in targets}
        for group, count in zip(session.groups.order_by("order"), (8, 12, 12)):
            codes = codes_issue(actor=staff, session=session, group=group, count=count)
            for code in codes[: count - 1]:  # one slip not returned
                marks = {}
                for t in targets:
                    r = rng.random()
                    marks[t.pk] = "优秀" if r < 0.35 + 0.4 * strength[t.pk] else ("称职" if r < 0.97 else "基本称职")
                ballot_submit(session_id=session.public_id, code=code, marks=marks)
        session_close(actor=staff, session=session)
        return services.evaluation_close(actor=staff, campaign=c)

    clock.on(dt.date(2026, 7, 21), evaluation)
    clock.on(dt.date(2026, 7, 23), lambda: services.inspection_confirm(actor=leader, campaign=c, note="按1:2确定考察对象"))

    def inspect():
        for app in Application.objects.filter(campaign=c, is_inspection_target=True).select_related("cadre").order_by("rank", "id"):
            top = app.rank == 1
            services.inspection_record(
                actor=staff, application=app, talks_count=rng.randint(18, 26),
                opinion=(f"{app.cadre.name}同志政治立场坚定，工作作风扎实，群众基础较好。"
                         + ("综合素质突出，在同级干部中表现优秀。" if top else "个人能力较强，有待在更高岗位上进一步锻炼。")),
                conclusion=InspectionConclusion.RECOMMEND if top else InspectionConclusion.DEFER,
            )
        return services.inspection_finish(actor=staff, campaign=c)

    clock.on(dt.date(2026, 8, 5), inspect)

    def meeting():
        candidates = list(services.meeting_candidates(c))
        members = [{"name": n, "present": n != "吴委员", "user": leader if n == "张书记" else (leader2 if n == "李主任" else None)}
                   for n in MEETING_MEMBERS]
        votes = {a.pk: {m["name"]: "同意" for m in members if m["present"]} for a in candidates}
        return services.meeting_record(actor=leader, campaign=c, held_on=dt.date(2026, 8, 12), members=members,
                                                votes=votes, title="党工委2026年第15次会议")

    clock.on(dt.date(2026, 8, 12), meeting, hour=16)

    def approval():
        passed = list(Application.objects.filter(campaign=c, meeting_result="通过").values_list("pk", flat=True))
        services.superior_approval_record(actor=staff, campaign=c, document_no="湖组干〔2026〕88号",
                                                   approved_on=dt.date(2026, 8, 20), approved_ids=passed)
        return services.publicity_start(actor=staff, campaign=c, start_date=dt.date(2026, 8, 24))

    clock.on(dt.date(2026, 8, 21), approval)

    def objection():
        app = Application.objects.filter(campaign=c, superior_approved=True).select_related("cadre").order_by("id").first()
        obj = services.objection_record(actor=staff, application=app, received_on=dt.date(2026, 8, 26),
                                                 channel="来信", content=f"反映{app.cadre.name}同志工作中存在考勤不严问题。")
        services.objection_resolve(actor=staff, objection=obj, substantiated=False,
                                            resolution="经核查考勤记录和个别谈话，反映问题不属实，不影响任用。")

    clock.on(dt.date(2026, 8, 27), objection)
    clock.on(dt.date(2026, 9, 1), lambda: services.auto_end_publicity(today=dt.date(2026, 9, 1)), hour=1)
    clock.on(dt.date(2026, 9, 3), lambda: services.appointment_execute(
        actor=staff, campaign=c, appointed_on=dt.date(2026, 9, 3), document_no="青开组〔2026〕35号"))
    c.refresh_from_db()
    log(f"演示竞争上岗（已完成）：{c.title}，{Application.objects.filter(campaign=c).count()} 人报名，"
        f"{Application.objects.filter(campaign=c, appointed_on__isnull=False).count()} 人任职。")
    return c


def _own_user(cadre: Cadre) -> User:
    """Candidates file their own forms: give the demo person an account if they have none (not printed)."""
    if cadre.user_id:
        return cadre.user
    user, created = User.objects.get_or_create(username=f"gb{cadre.pk}", defaults={"first_name": cadre.name})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.CANDIDATE))
    Cadre.objects.filter(pk=cadre.pk).update(user=user)
    cadre.user = user
    return user


def seed_open(users: dict[str, User], today: dt.date, log=print) -> Campaign | None:
    """The second batch, in 公开报名 today: three posts; two people have applied, cadre1 has a nomination to answer."""
    if Campaign.objects.filter(title=OPEN_TITLE).exists():
        return None
    staff, leader = users["staff"], users["leader"]
    used = set(Campaign.objects.filter(title=FINISHED_TITLE).values_list("posts__post_id", flat=True))
    posts = _vacant_posts("副科级", 2, exclude=used) + _vacant_posts("正科级", 1, exclude=used)
    if len(posts) < 2:
        log("演示竞争上岗（报名中）：没有足够的空缺职位，未生成。")
        return None
    c = services.campaign_create(actor=staff, data={
        "title": OPEN_TITLE, "plan_year": today.year, "as_of": today.replace(month=1, day=1) if today.month < 7 else today.replace(month=6, day=30),
        "scope_post_count": 30, "declared_rotation_count": 10, "contact_person": "王老师",
        "contact_phone": "0572-8123456", "contact_address": "青溪大道88号管委会组织人事局",
        "contact_mail": "qxzzb@example.gov.cn",
    })
    services.members_set(actor=staff, campaign=c, members=[
        {"name": "张书记", "duty": "党工委书记", "role": MemberRole.GROUP_LEADER, "user": leader},
        {"name": "组织部小王", "duty": "组织人事局干部科", "role": MemberRole.TEAM, "user": staff},
    ])
    for p in posts:
        services.post_add(actor=staff, campaign=c, post=p, vacancies=1)
    services.judges_set(actor=staff, campaign=c, users=[users[u] for u in ("judge", "judge2", "judge3", "judge4", "judge5")])
    services.plan_submit(actor=staff, campaign=c)
    services.plan_approve(actor=leader, campaign=c, document_no=f"青开组〔{today.year}〕40号")
    services.campaign_update(actor=staff, campaign=c, data={
        "registration_start": today - dt.timedelta(days=1), "registration_end": today + dt.timedelta(days=10)})
    services.announcement_generate(actor=staff, campaign=c)
    services.posts_publish(actor=staff, campaign=c)
    cps = list(c.posts.select_related("post").order_by("order"))
    applicants = _eligible([cp.post for cp in cps[:1]], c.as_of, 2, set(Application.objects.values_list("cadre_id", flat=True)))
    for cadre in applicants.get(cps[0].post_id, []):
        services.application_save(
            actor=_own_user(cadre), campaign_post=cps[0], submit=True,
            data={"achievements": _achievements(cadre), "declaration": True, "accept_adjustment": True})
    cadre1 = Cadre.objects.filter(user__username="cadre1").first()
    if cadre1 is not None and len(cps) > 1:
        services.nomination_create(
            actor=staff, campaign_post=cps[1], cadre=cadre1, source=Source.ORG,
            recommending_unit=cadre1.unit.name if cadre1.unit_id else "青溪经济开发区", recommending_signer="单位主要负责人")
    log(f"演示竞争上岗（报名中）：{c.title}，报名截止 {c.registration_end:%Y年%m月%d日}。")
    return c


def seed(today: dt.date, log=print) -> None:
    with transaction.atomic():
        users = accounts()
        seed_finished(users, log=log)
    with transaction.atomic():
        seed_open(users, today, log=log)


def demo_accounts() -> list[tuple[str, str]]:
    return [(u, r) for u, r, _ in EXTRA_ACCOUNTS]


def on_demo_seeded(sender, log=print, today=None, **kwargs) -> list[tuple[str, str]]:
    """Receiver of core.signals.demo_seeded (connected in apps.py)."""
    seed(today or timezone.localdate(), log=log)
    return [(u, r if r != roles.JUDGE else f"{r}（另有评委账号 judge）") for u, r in demo_accounts()]
