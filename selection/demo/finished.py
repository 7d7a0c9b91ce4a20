"""The finished 第一批 (2026-06 to 2026-09), built stage by stage on its own dates through the real services;
each document is generated at its stage (职位公告 when published, 资格审查结果公示 when the approved list is
published, 任前公示 at the start of publicity, 任职通知 at the appointment)."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User

from assessment.models import BallotTarget
from assessment.services import ballot_submit, codes_issue, session_close, session_open

from .. import services
from ..models import Application, AppStatus, Campaign, InspectionConclusion, MemberRole, Source
from . import people as people_
from .accounts import own_user as _own_user
from .replay import Replay

FINISHED_TITLE = "2026年度中层干部轮岗交流和竞争上岗（第一批）"
MEETING_MEMBERS = ["张书记", "李主任", "王副书记", "陈副主任", "刘委员", "周委员", "吴委员"]


def seed_finished(users: dict[str, User], log=print) -> tuple[Campaign | None, list[int]]:
    """The first batch, 2026-06 to 2026-09: two vacant 副科 posts of two units, 3 + 2 candidates from other units,
    through 任职. The first post goes to someone without a leadership post (新提任, 试用期); the second to a 副科
    of another unit (平职交流), whose old post the second batch offers again."""
    if Campaign.objects.filter(title=FINISHED_TITLE).exists():
        return None, []
    staff, leader, leader2 = users["staff"], users["leader"], users["leader2"]
    judges = [users[u] for u in ("judge", "judge2", "judge3", "judge4", "judge5")]
    clock = Replay()
    as_of = dt.date(2026, 6, 30)
    posts = people_.vacant_posts("副科级", 6)
    posts = [p for i, p in enumerate(posts) if p.unit_id not in {q.unit_id for q in posts[:i]}][:2]  # two units
    if len(posts) < 2:
        log("演示竞争上岗：没有足够的空缺副科职位，未生成。")
        return None, []
    people = people_.candidates(posts[:1], as_of, 3, set())
    people.update(people_.candidates(posts[1:], as_of, 2, {c.pk for cs in people.values() for c in cs},
                                     lateral=1, lateral_first=True))
    if any(len(people[p.pk]) < 2 for p in posts):
        log("演示竞争上岗：符合条件的人选不足，未生成。")
        return None, []
    # the intended winner of each post is its first candidate (strongest speech and 测评)
    order = {c.pk: i for cs in people.values() for i, c in enumerate(cs)}
    held = people_.held_posts(order)  # the posts a winner leaves are offered again (第二批)

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
                        data={"achievements": people_.achievements(cadre), "declaration": True, "accept_adjustment": True})
                else:
                    services.application_save(
                        actor=_own_user(cadre), campaign_post=cp, submit=True, today=applied_on,
                        data={"achievements": people_.achievements(cadre), "work_plan": "围绕中心工作，抓好队伍建设。",
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
    clock.on(dt.date(2026, 7, 17), lambda: services.speech_start(actor=staff, campaign=c, speech_date=dt.date(2026, 7, 20)))

    rng = random.Random(20260720)

    def speech():
        for cp in cps:
            services.speaking_order_draw(actor=staff, campaign_post=cp)
        apps = list(Application.objects.filter(campaign=c, status=AppStatus.SUBMITTED).order_by("id"))
        base = {a.pk: 90 - 5 * order[a.cadre_id] + rng.choice([-1, 0, 1]) for a in apps}
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
        strength = {t.pk: 1 - 0.45 * order.get(t.cadre_id, 1) for t in targets}
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
    vacated = [pid for a in Application.objects.filter(campaign=c, appointed_on__isnull=False)
               for pid in held.get(a.cadre_id, [])]
    return c, vacated
