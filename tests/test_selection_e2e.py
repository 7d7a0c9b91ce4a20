"""End to end: one 竞争上岗 of two posts through all 11 stages, in Debian chromium, by the people who do each step.

Staff (组织部) drafts the plan, lists the posts and judges, publishes the announcement, enters a 群众举荐,
reviews, draws the speaking order, runs the 民主测评 (issues one-time codes as an Excel download), records
the inspection, the superior approval, starts the 任前公示 and appoints. Leader 1 approves the plan and confirms
the 考察对象 from the inbox; leader 2 approves the review list and records the 党委会. Six candidates file their own
申请表 (one accepts a 群众举荐), five judges score on their sheets, anonymous evaluators vote with the codes in
fresh browser contexts, and the 纪检 observer reads the event log. Only 报名截止 and 任前公示期满 run without a
click: the beat task ``selection.auto_transitions`` moves them.

Each role signs in through the login form once; the other people of that role, and later sessions, get their
session as a cookie (the login form itself is tested for every role in tests/test_security.py).

The clock is moved with time-machine between phases (process-wide, so the live server thread sees it too). The
dates are a few weeks after the real today: the browser keeps its own clock, and a session cookie that expired
by the real clock would be dropped. Screenshots of each role's main page go to docs/screenshots/e2e-*.png.
"""
from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from cadre.models import PostHistory
from cadre.tests.factories import OrgUnitFactory, PostFactory
from core import roles
from documents import workdays
from documents.models import CalendarDay, DocumentKind, GeneratedDocument
from selection.models import Application, AppStatus, Campaign, CampaignPost, StageEvent
from selection.tasks import auto_transitions
from selection.tests import factories as F
from selection.workflow import ORDER, Stage
from tests.browser import DOWNLOAD_TIMEOUT_MS, click_and_wait, login_by_cookie
from tests.browser import login as sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
TITLE = "青溪经济开发区中层干部竞争上岗（端到端）"
# the forward moves in order: (action, stage entered)
FORWARD = [
    ("submit_plan", Stage.PLAN_APPROVAL), ("approve_plan", Stage.POSTING), ("publish_posts", Stage.REGISTRATION),
    ("close_registration", Stage.REVIEW), ("start_speech", Stage.SPEECH), ("close_speech", Stage.EVALUATION),
    ("close_evaluation", Stage.INSPECTION), ("finish_inspection", Stage.DECISION), ("start_publicity", Stage.PUBLICITY),
    ("end_publicity", Stage.APPOINTMENT), ("appoint", Stage.COMPLETED),
]
CANDIDATES = [  # username, name, post index; the last one is nominated by 群众举荐 and accepts
    ("e2e_c1", "陈晓东", 0), ("e2e_c2", "李秀英", 0), ("e2e_c3", "王建国", 0),
    ("e2e_c4", "张丽华", 1), ("e2e_c5", "周婷", 1), ("e2e_c6", "吴海峰", 1),
]


def _monday_after(day: dt.date, days: int) -> dt.date:
    d = day + dt.timedelta(days=days)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


class Clock:
    """Process-wide time travel, one phase at a time (tick=True: the clock runs within a phase)."""

    def __init__(self):
        self._traveller = None
        self.day = None

    def go(self, day: dt.date, hour: int = 9):
        self.stop()
        self._traveller = time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ), tick=True)
        self._traveller.start()
        self.day = day

    def stop(self):
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None


def _roster(as_of: dt.date):
    """Two units with a vacant 副局长 post each, six qualifying cadres with accounts, and the other users."""
    people = {
        "staff": F.user("e2e_staff", roles.STAFF, first_name="组织部小王"),
        "leader1": F.user("e2e_leader1", roles.LEADER, first_name="张书记"),
        "leader2": F.user("e2e_leader2", roles.LEADER, first_name="李主任"),
        "observer": F.user("e2e_observer", roles.OBSERVER, first_name="纪工委老周"),
        "judges": [F.user(f"e2e_judge{i}", roles.JUDGE, first_name=f"评委{n}") for i, n in enumerate("赵钱孙李周", 1)],
    }
    posts = []
    for name in ("青溪经济开发区经济发展局", "青溪经济开发区财政局"):
        unit = OrgUnitFactory(name=name, kind="机关")
        posts.append(PostFactory(unit=unit, title="副局长", level="副科级", headcount=2, is_open_for_competition=True))
    grades = {as_of.year - 3: "称职", as_of.year - 2: "优秀", as_of.year - 1: "称职"}
    cands = []
    for i, (username, name, post_index) in enumerate(CANDIDATES):
        user = F.user(username, roles.CANDIDATE, first_name=name)
        cadre = F.qualified_cadre(user=user, name=name, birth=dt.date(as_of.year - 33 - i, 3, 1), grades=grades)
        cands.append((user, cadre, post_index))
    people["candidates"] = cands
    return people, posts


def _calendar(first: dt.date, last: dt.date):
    """Years the bundled holiday calendar does not cover need the arrangement entered (here: 元旦 only)."""
    for year in range(first.year, last.year + 1):
        if not workdays.is_bundled_year(year):
            CalendarDay.objects.get_or_create(date=dt.date(year, 1, 1), defaults={"is_working_day": False, "name": "元旦"})


def test_one_campaign_through_all_stages_by_every_role(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    real_today = dt.date.today()
    d0 = _monday_after(real_today, 14)  # Monday: the plan
    as_of = d0 - dt.timedelta(days=1)
    reg_start, reg_end = d0 + dt.timedelta(days=2), d0 + dt.timedelta(days=4)  # Wednesday to Friday
    review_day = d0 + dt.timedelta(days=7)
    _calendar(d0, d0 + dt.timedelta(days=60))
    people, posts = _roster(as_of)
    staff, leader1, leader2 = people["staff"], people["leader1"], people["leader2"]
    base = live_server.url
    clock = Clock()
    contexts = []
    problems: list[str] = []
    signed_in: set[frozenset] = set()  # the roles that signed in through the login form once

    def login(user, *, expect_404=False):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(30_000)  # generous under CPU load (xdist, WeasyPrint renders in the request)
        page.on("pageerror", lambda e: problems.append(f"JS error: {e}"))
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") and not (expect_404 and r.status == 404) else None)
        if user is None:
            return page
        role = frozenset(roles.role_names(user))
        if role in signed_in:
            login_by_cookie(ctx, base, user)  # the form was used for this role already: skip its two page loads
        else:
            sign_in(page, base, user.username)
            signed_in.add(role)
        return page

    def done(page):
        page.context.close()
        contexts.remove(page.context)

    def errors_on(page) -> list[str]:
        return [t.strip() for t in page.locator(".alert-danger").all_inner_texts()]

    def submit(page, selector):
        """Click a submit button, wait for the answer page, fail with the page's error messages if any."""
        click_and_wait(page, selector)
        assert not errors_on(page), f"{selector} on {page.url}: {errors_on(page)}"

    def campaign() -> Campaign:
        return Campaign.objects.get(title=TITLE)

    def transition(page, action, **fields):
        """The staff/leader transition panel: open the modal, fill its inputs, confirm."""
        c = campaign()
        page.goto(f"{base}{reverse('selection:campaign', args=[c.pk])}")
        page.click(f"[data-bs-target='#transition-{action}']")
        modal = f"#transition-{action}"
        page.locator(f"{modal}.show").wait_for()
        for name, value in fields.items():
            page.fill(f"{modal} [name={name}]", value)
        submit(page, f"{modal} button[type=submit]")
        assert page.locator(".alert-success").first.inner_text().startswith("已"), page.url
        assert_stage_moved(action)

    def assert_stage_moved(action):
        """The stage moved, and the server stamped the event with the travelled date (it sees the clock)."""
        target = dict(FORWARD)[action]
        c = campaign()
        assert c.stage == target, (action, c.stage)
        event = StageEvent.objects.filter(campaign=c, action=action).latest("id")
        assert event.created_at.astimezone(TZ).date() == clock.day, (action, event.created_at, clock.day)

    def section(page, name):
        page.goto(f"{base}{reverse('selection:section', args=[campaign().pk, name])}")

    try:
        # ------------------------------------------------------------ 1 准备动员 (staff)
        clock.go(d0, 9)
        page = login(staff)
        page.goto(f"{base}{reverse('selection:campaign-create')}")
        for name, value in {
            "title": TITLE, "as_of": as_of.isoformat(), "registration_start": reg_start.isoformat(),
            "registration_end": reg_end.isoformat(), "scope_post_count": "20", "declared_rotation_count": "7",
            "contact_person": "王老师", "contact_phone": "0572-8123456", "contact_address": "青溪大道88号组织人事局",
            "contact_mail": "qxzzb@example.gov.cn",
        }.items():
            page.fill(f"#id_{name}", value)
        submit(page, "button:has-text('建立方案')")
        c = campaign()
        assert c.stage == Stage.PREPARATION and c.registration_end == reg_end
        # 领导小组 and 工作班子: two formset rows are there, two more by the add-row button
        page.click("[data-formset-add='m']")
        page.click("[data-formset-add='m']")
        members = [("张书记", "党工委书记", "组长", leader1), ("李主任", "管委会主任", "副组长", leader2),
                   ("王副书记", "党工委副书记", "成员", None), ("组织部小王", "组织人事局干部科", "工作班子", None)]
        for i, (name, duty, role, user) in enumerate(members):
            page.fill(f"[name=m-{i}-name]", name)
            page.fill(f"[name=m-{i}-duty]", duty)
            page.select_option(f"[name=m-{i}-role]", role)
            if user is not None:
                page.select_option(f"[name=m-{i}-user]", str(user.pk))
        submit(page, "button:has-text('保存成员')")
        for post in posts:
            page.select_option("#id_post", str(post.pk))
            page.fill("#id_vacancies", "1")
            submit(page, "button:has-text('列入竞争职位')")
        for j in people["judges"]:
            page.check(f"input[name=users][value='{j.pk}']")
        submit(page, "button:has-text('保存评委')")
        c = campaign()
        assert c.members.count() == 4 and c.posts.count() == 2 and c.judges.count() == 5
        transition(page, "submit_plan", note="方案经工作班子研究")
        done(page)

        # ------------------------------------------------------------ 2 方案报批 (leader 1, from the inbox)
        clock.go(d0, 15)
        page = login(leader1)
        page.goto(f"{base}{reverse('selection:leader-inbox')}")
        assert "方案待审批" in page.content()
        page.fill("input[name=document_no]", "青开组〔2026〕21号")
        submit(page, "button:has-text('批准方案')")
        assert_stage_moved("approve_plan")
        done(page)

        # ------------------------------------------------------------ 3 公布职位 (staff)
        clock.go(d0 + dt.timedelta(days=1), 9)
        page = login(staff)
        section(page, "registration")
        submit(page, "button:has-text('生成职位公告')")
        assert GeneratedDocument.objects.filter(kind=DocumentKind.POST_ANNOUNCEMENT, subject_key=campaign().scope).exists()
        transition(page, "publish_posts")
        done(page)

        # ------------------------------------------------------------ 4 公开报名 (candidates; staff enters a 群众举荐)
        clock.go(reg_start, 10)
        cps = list(CampaignPost.objects.filter(campaign=campaign()).order_by("order", "id"))
        nominee_user, nominee, nominee_post = people["candidates"][-1]
        page = login(staff)
        section(page, "registration")
        form = "form[action$='/nominations/']"
        page.select_option(f"{form} [name=campaign_post]", str(cps[nominee_post].pk))
        page.fill(f"{form} [name=id_number]", nominee.id_number)
        page.select_option(f"{form} [name=source]", "mass")
        page.fill(f"{form} [name=recommenders]", "赵一、钱二、孙三、李四、周五、吴六")
        page.fill(f"{form} [name=recommender_count]", "6")
        submit(page, f"{form} button[type=submit]")
        assert Application.objects.get(cadre=nominee).status == AppStatus.PENDING
        done(page)

        for n, (user, cadre, post_index) in enumerate(people["candidates"][:-1]):
            page = login(user)
            page.goto(f"{base}{reverse('selection:my-applications')}")
            assert TITLE in page.content()
            page.goto(f"{base}{reverse('selection:apply', args=[campaign().pk])}?post={cps[post_index].pk}")
            page.locator("#eligibility-check table").wait_for()
            page.fill("#id_achievements", f"{cadre.name}同志长期从事经济运行分析工作，牵头完成多项重点项目，年度考核均为称职以上。")
            page.fill("#id_work_plan", "围绕中心工作，抓好队伍建设，推动重点项目落地。")
            page.check("#id_declaration")
            if n == 0:
                page.screenshot(path=str(SHOTS / "e2e-candidate.png"), full_page=True)
            submit(page, "button[value=submit]")
            assert "/my/applications/" in page.url
            done(page)

        page = login(nominee_user)
        page.goto(f"{base}{reverse('selection:my-applications')}")
        assert "待您确认的推荐" in page.content()
        nomination = Application.objects.get(cadre=nominee)
        page.goto(f"{base}{reverse('selection:my-application', args=[nomination.pk])}")
        page.fill("#id_achievements", f"{nominee.name}同志熟悉财政预算管理，牵头完成预算绩效改革。")
        page.check("#id_declaration")
        submit(page, "button[name=accept][value='1']")
        done(page)
        submitted = Application.objects.filter(campaign=campaign(), status=AppStatus.SUBMITTED)
        assert submitted.count() == 6 and submitted.filter(source="mass").count() == 1

        # ------------------------------------------------------------ 报名截止: the beat task, after the window
        clock.go(reg_end + dt.timedelta(days=1), 1)
        moved = auto_transitions.apply().get()
        assert moved["registration_closed"] == [campaign().pk]
        assert_stage_moved("close_registration")
        assert StageEvent.objects.get(campaign=campaign(), action="close_registration").actor is None

        # ------------------------------------------------------------ 5 资格审查 (staff decides, leader 2 approves)
        clock.go(review_day, 9)
        page = login(staff)
        section(page, "review")
        for app in Application.objects.filter(campaign=campaign(), status=AppStatus.SUBMITTED).order_by("id"):
            form = f"form[action$='/review/{app.pk}/']"
            page.select_option(f"{form} [name=decision]", "通过")
            page.fill(f"{form} [name=reason]", "经工作班子逐项审核，符合报名条件")
            submit(page, f"{form} button[type=submit]")
        submit(page, "button:has-text('初审完毕，报党委审定')")
        done(page)

        clock.go(review_day, 14)
        page = login(leader2)
        page.goto(f"{base}{reverse('selection:leader-inbox')}")
        assert "资格审查名单待审定" in page.content()
        page.screenshot(path=str(SHOTS / "e2e-leader.png"), full_page=True)
        submit(page, ".inbox-item button:has-text('审定名单')")
        assert campaign().review_approved_by_id == leader2.pk
        done(page)

        clock.go(review_day, 16)
        page = login(staff)
        section(page, "review")
        submit(page, "button:has-text('张榜公布')")
        transition(page, "start_speech", note="资格审查结果已张榜公布")
        done(page)

        # ------------------------------------------------------------ 6 演讲 (staff draws; five judges score)
        speech_day = review_day + dt.timedelta(days=2)
        clock.go(speech_day, 9)
        page = login(staff)
        section(page, "speech")
        for cp in cps:
            submit(page, f"form[action$='/posts/{cp.pk}/draw/'] button[type=submit]")
        done(page)
        apps = list(Application.objects.filter(campaign=campaign(), status=AppStatus.SUBMITTED).order_by("id"))
        assert all(a.speaking_order for a in apps)
        for j_index, judge in enumerate(people["judges"]):
            page = login(judge)
            page.goto(f"{base}{reverse('selection:judge-home')}")
            click_and_wait(page, f"a[href='{reverse('selection:judge-scores', args=[campaign().pk])}']")
            for a_index, a in enumerate(apps):
                page.fill(f"input[name=score_{a.pk}]", f"{80 + (a_index * 3 + j_index) % 12}.{j_index}")
            if j_index == 0:
                page.screenshot(path=str(SHOTS / "e2e-judge.png"), full_page=True)
            submit(page, "button:has-text('保存评分')")
            done(page)
        page = login(staff)
        transition(page, "close_speech")
        assert all(a.speech_score is not None for a in Application.objects.filter(pk__in=[a.pk for a in apps]))

        # ------------------------------------------------------------ 7 民主测评 (staff; anonymous evaluators)
        clock.go(speech_day + dt.timedelta(days=1), 9)
        page = login(staff)
        section(page, "evaluation")
        submit(page, "button:has-text('建立民主测评场次')")
        session = campaign().ballot_session
        assert session is not None
        click_and_wait(page, "a:has-text('发放测评码、开启/结束测评')")
        submit(page, "button:has-text('开始测评')")
        # codes for every evaluator group in one step, as an Excel list
        for group in session.groups.order_by("order", "id"):
            page.fill(f"input[name=count_{group.pk}]", "2")
        page.select_option("select[name=format]", "xlsx")
        with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download:
            page.click("button:has-text('生成测评票')")
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        codes = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[2]]
        assert len(codes) == 2 * session.groups.count() == 6

        # marks follow the person, not the ballot position (targets are listed in the speaking order drawn by lot,
        # which differs between runs): the ranking below is then the same in every run
        targets = sorted(session.targets.all(), key=lambda t: t.cadre_id)
        assert len(targets) == 6
        for n, code in enumerate(codes):
            voter = login(None)
            voter.goto(f"{base}{reverse('assessment:ballot', args=[session.public_id])}")
            voter.fill("#ballot-code", code)
            voter.click("button:has-text('开始测评')")
            voter.locator(".ballot-target").first.wait_for()
            for t_index, t in enumerate(targets):
                option = 1 if (t_index + n) % 3 else 2  # 优秀 or 称职
                voter.click(f"label[for=m_{t.pk}_{option}]")
            if n == 0:
                voter.screenshot(path=str(SHOTS / "e2e-evaluator.png"), full_page=True)
            voter.click("button:has-text('下一步：核对')")
            voter.click("button[name=step][value=submit]")
            expect(voter.locator("body")).to_contain_text("投票成功")
            done(voter)
        page.goto(f"{base}{reverse('assessment:session-detail', args=[session.pk])}")
        submit(page, "button:has-text('结束测评并冻结结果')")
        session.refresh_from_db()
        assert session.status == "closed" and session.ballots.count() == len(codes)
        transition(page, "close_evaluation")
        done(page)

        # ------------------------------------------------------------ 8 组织考察 (leader 1 confirms; staff records)
        inspection_day = speech_day + dt.timedelta(days=2)
        clock.go(inspection_day, 9)
        page = login(leader1)
        page.goto(f"{base}{reverse('selection:leader-inbox')}")
        submit(page, ".inbox-item button:has-text('确认建议名单')")
        assert campaign().inspection_confirmed_by_id == leader1.pk
        done(page)
        clock.go(inspection_day + dt.timedelta(days=1), 9)
        page = login(staff)
        section(page, "inspection")
        targets = list(Application.objects.filter(campaign=campaign(), is_inspection_target=True).order_by("rank", "id"))
        # 1 : 2 for one vacancy on each post, a tie at the cut-off included (rules.inspection_targets)
        assert len(targets) >= 4 and all(sum(a.campaign_post_id == cp for a in targets) >= 2
                                         for cp in {a.campaign_post_id for a in targets})
        for a in targets:
            form = f"form[action$='/inspection/{a.pk}/']"
            page.fill(f"{form} [name=a{a.pk}-talks_count]", "18")
            page.fill(f"{form} [name=a{a.pk}-opinion]", "政治立场坚定，工作作风扎实，群众基础较好。")
            page.select_option(f"{form} [name=a{a.pk}-conclusion]", "建议任用" if a.rank == 1 else "暂缓任用")
            submit(page, f"{form} button[type=submit]")
        transition(page, "finish_inspection")
        done(page)

        # ------------------------------------------------------------ 9 讨论决定 (leader 2 records; staff approval)
        decision_day = inspection_day + dt.timedelta(days=3)
        clock.go(decision_day, 15)
        page = login(leader2)
        page.goto(f"{base}{reverse('selection:leader-inbox')}")
        click_and_wait(page, "a:has-text('记录党委会表决')")
        page.fill("#id_held_on", decision_day.isoformat())
        page.fill("#id_title", "党工委第15次会议")
        for button in page.locator("[data-fill-votes]").all():
            button.click()
        submit(page, "button:has-text('保存表决结果')")
        assert Application.objects.filter(campaign=campaign(), meeting_result="通过").count() == 2
        done(page)

        clock.go(decision_day + dt.timedelta(days=1), 9)
        page = login(staff)
        section(page, "decision")
        form = "form[action$='/superior-approval/']"
        page.fill(f"{form} [name=document_no]", "湖组干〔2026〕88号")
        page.fill(f"{form} [name=approved_on]", clock.day.isoformat())
        submit(page, f"{form} button[type=submit]")
        transition(page, "start_publicity", start_date=clock.day.isoformat())
        c = campaign()
        assert (c.publicity_start, c.publicity_end) == workdays.working_day_period(clock.day, c.publicity_working_days)
        done(page)

        # ------------------------------------------------------------ 10 任前公示: an objection, then 期满 by the beat task
        clock.go(clock.day + dt.timedelta(days=1), 10)
        page = login(staff)
        section(page, "publicity")
        form = "form[action$='/objections/']"
        first = Application.objects.filter(campaign=campaign(), superior_approved=True).order_by("id").first()
        page.select_option(f"{form} [name=application]", str(first.pk))
        page.fill(f"{form} [name=channel]", "来信")
        page.fill(f"{form} [name=content]", "反映其考勤不严。")
        submit(page, f"{form} button[type=submit]")
        form = "form[action*='/resolve/']"
        page.select_option(f"{form} [name=substantiated]", "0")
        page.fill(f"{form} [name=resolution]", "经核查考勤记录，反映问题不属实。")
        submit(page, f"{form} button[type=submit]")
        done(page)
        publicity_end = campaign().publicity_end
        clock.go(publicity_end, 12)
        assert auto_transitions.apply().get()["publicity_ended"] == []  # not over on its last day
        clock.go(publicity_end + dt.timedelta(days=1), 1)
        assert auto_transitions.apply().get()["publicity_ended"] == [campaign().pk]
        assert_stage_moved("end_publicity")

        # ------------------------------------------------------------ 11 任职 (staff)
        appoint_day = publicity_end + dt.timedelta(days=3)
        clock.go(appoint_day, 9)
        page = login(staff)
        section(page, "appointment")
        form = "form.row[action$='/transition/appoint/']"
        page.fill(f"{form} [name=appointed_on]", appoint_day.isoformat())
        page.fill(f"{form} [name=document_no]", "青开组〔2026〕35号")
        submit(page, f"{form} button[type=submit]")
        assert_stage_moved("appoint")
        page.goto(f"{base}{reverse('selection:campaign', args=[campaign().pk])}")
        assert "本次竞争上岗工作已完成" in page.content()
        page.screenshot(path=str(SHOTS / "e2e-staff.png"), full_page=True)
        done(page)

        # ------------------------------------------------------------ the observer reads the event log
        page = login(people["observer"])
        section(page, "events")
        text = page.locator("body").inner_text()
        for _action, stage in FORWARD:
            assert stage.label in text, stage.label
        page.screenshot(path=str(SHOTS / "e2e-observer.png"), full_page=True)
        done(page)

        # ------------------------------------------------------------ a candidate never reaches another's application
        (user1, cadre1, _), (_u2, cadre2, _) = people["candidates"][:2]
        page = login(user1, expect_404=True)
        own = Application.objects.get(cadre=cadre1)
        other = Application.objects.get(cadre=cadre2)
        assert page.goto(f"{base}{reverse('selection:my-application', args=[own.pk])}").status == 200
        assert page.goto(f"{base}{reverse('selection:my-application', args=[other.pk])}").status == 404
        done(page)
    finally:
        for ctx in list(contexts):
            ctx.close()
        clock.stop()

    # ---------------------------------------------------------------- the records
    c = campaign()
    assert c.stage == Stage.COMPLETED and c.appointment_document_no == "青开组〔2026〕35号"
    appointed = list(Application.objects.filter(campaign=c, appointed_on__isnull=False).select_related("campaign_post"))
    assert len(appointed) == 2
    assert {a.campaign_post_id for a in appointed} == {cp.pk for cp in cps}
    for a in appointed:
        row = PostHistory.objects.get(cadre=a.cadre, post=a.campaign_post.post)
        assert row.method == "竞争上岗" and row.start == appoint_day, (row.method, row.start)
    events = list(StageEvent.objects.filter(campaign=c).exclude(action="create").order_by("created_at", "id")
                  .values_list("action", "to_stage"))
    assert events == [(action, stage.value) for action, stage in FORWARD]
    assert [s for _a, s in FORWARD][:-1] == ORDER[1:]
    kinds = set(GeneratedDocument.objects.filter(subject_key=c.scope).values_list("kind", flat=True))
    assert {DocumentKind.POST_ANNOUNCEMENT, DocumentKind.QUALIFICATION_NOTICE, DocumentKind.PRE_APPOINTMENT_NOTICE,
            DocumentKind.APPOINTMENT_NOTICE} <= kinds
    assert not problems, problems
