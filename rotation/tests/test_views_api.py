"""Pages and API: who may read, write and decide; exports; suggestions end to end; set-based due list."""
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from documents.models import GeneratedDocument, Notification
from rotation import selectors, services
from rotation.models import Secondment
from rotation.tasks import remind_secondments

from .conftest import AS_OF


@pytest.fixture
def setup(world, staff_user):
    head = world.post(world.finance, "局长", level="正科级")
    dep = world.post(world.finance, "副局长")
    a_dep = world.post(world.audit, "副局长")
    t_dep = world.post(world.town, "副镇长")
    world.post(world.town, "宣传委员")  # vacant
    world.place("王局长", head, start=dt.date(2019, 3, 1))
    world.place("李副局", dep, start=dt.date(2014, 1, 1))
    world.place("赵审计", a_dep, start=dt.date(2015, 6, 1), gender="女", birth=dt.date(1988, 1, 1))
    world.place("钱镇长", t_dep, start=dt.date(2022, 1, 1))
    plan = services.plan_create(actor=staff_user, name="2026年轮岗交流", as_of=AS_OF, effective_date=dt.date(2026, 4, 1),
                                units=[world.finance, world.audit, world.town])
    return world, plan


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who,code", [("staff_user", 200), ("leader_user", 200), ("observer_user", 200),
                                      ("judge_user", 403), ("candidate_user", 403)])
def test_pages_by_role(client, request, setup, who, code):
    _world, plan = setup
    _login(client, request.getfixturevalue(who))
    for name, args in (("rotation:due", []), ("rotation:plans", []), ("rotation:plan", [plan.pk]),
                       ("rotation:secondments", []), ("rotation:structure", [])):
        assert client.get(reverse(name, args=args)).status_code == code, name


def test_due_list_page_and_export(client, staff_user, setup):
    _login(client, staff_user)
    r = client.get(reverse("rotation:due"), {"as_of": "2026-03-01"})
    html = r.content.decode()
    assert "任财政局局长 2019.03 起已满 5 年（重要岗位满一届）" in html
    assert "王局长" in html and "重要岗位满一届" in html and "李副局" in html and "同一职位满10年" in html
    r = client.get(reverse("rotation:due-export"), {"as_of": "2026-03-01"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[2]][:4] == ["序号", "单位", "姓名", "现任职务"]
    assert {ws.cell(row=i, column=3).value for i in range(3, ws.max_row + 1)} >= {"王局长", "李副局", "赵审计"}


def test_due_list_is_set_based(setup, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        groups = selectors.due_list(AS_OF)
    assert sum(len(rows) for _u, rows in groups) == 3


def test_execution_issues_rotation_notice(setup, staff_user, leader_user, django_capture_on_commit_callbacks):
    world, plan = setup
    a, b = world.posts["财政局副局长"], world.posts["审计局副局长"]
    c1, c2 = a.holdings.get().cadre, b.holdings.get().cadre
    services.move_add(actor=staff_user, plan=plan, cadre=c1, to_post=b, kind="任职期满交流")
    services.move_add(actor=staff_user, plan=plan, cadre=c2, to_post=a, kind="任职期满交流")
    services.plan_update(actor=staff_user, plan=plan, data={"posts": [a, b]})
    services.plan_submit(actor=staff_user, plan=plan)
    services.plan_approve(actor=leader_user, plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_execute(actor=staff_user, plan=plan)
    doc = GeneratedDocument.objects.get(kind="rotation_notice")
    assert plan.name in doc.title or "交流" in doc.title


def test_suggest_accept_and_namelist(client, staff_user, setup):
    world, plan = setup
    _login(client, staff_user)
    client.post(reverse("rotation:suggest", args=[plan.pk]))
    suggestions = list(selectors.plan_suggestions(plan))
    assert len(suggestions) == 3
    moved = [s for s in suggestions if s.to_post_id]
    assert moved and all(s.explanation["parts"] for s in moved)
    page = client.get(reverse("rotation:plan", args=[plan.pk])).content.decode()
    assert "采纳所选" in page and "详情" in page
    detail = client.get(reverse("rotation:suggestion", args=[plan.pk, moved[0].pk])).content.decode()
    assert "须交流" in detail and "匹配分构成" in detail
    for s in moved:
        client.post(reverse("rotation:suggestion-accept", args=[plan.pk, s.pk]))  # a chain is adopted at its first
    assert plan.moves.count() == len(moved)
    r = client.get(reverse("rotation:plan-namelist", args=[plan.pk]))
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[2]] == ["序号", "姓名", "原单位及职务", "拟交流单位及职务", "交流类型", "任原职时间"]
    assert ws.max_row == 2 + len(moved)


def test_api_permissions(client, request, setup, staff_user, leader_user, observer_user, judge_user, candidate_user):
    world, plan = setup
    url = reverse("rotation-plan-list")
    for user, code in ((observer_user, 200), (leader_user, 200), (judge_user, 403), (candidate_user, 403)):
        _login(client, user)
        assert client.get(url).status_code == code
        assert client.get(reverse("rotation-due")).status_code == code
    body = {"name": "API方案", "as_of": "2026-03-01", "units": [world.finance.pk]}
    for user in (observer_user, leader_user, judge_user):
        _login(client, user)
        assert client.post(url, body, content_type="application/json").status_code == 403
    _login(client, staff_user)
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 201
    pk = r.json()["id"]
    a, b = world.posts["财政局副局长"], world.posts["审计局副局长"]
    c1, c2 = a.holdings.get().cadre, b.holdings.get().cadre
    for cadre, post in ((c1, b), (c2, a)):
        r = client.post(reverse("rotation-plan-moves", args=[pk]), {"cadre": cadre.pk, "to_post": post.pk, "kind": "任职期满交流"},
                        content_type="application/json")
        assert r.status_code == 201, r.json()
    assert client.get(reverse("rotation-plan-check", args=[pk])).json() == {"errors": []}
    _login(client, observer_user)
    assert client.post(reverse("rotation-plan-submit", args=[pk])).status_code == 403
    _login(client, staff_user)
    r = client.post(reverse("rotation-plan-submit", args=[pk]))
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert client.post(reverse("rotation-plan-approve", args=[pk])).status_code == 403  # staff may not approve
    _login(client, leader_user)
    assert client.post(reverse("rotation-plan-return", args=[pk]), {"reason": ""}).status_code == 400
    assert client.post(reverse("rotation-plan-approve", args=[pk])).json()["status"] == "approved"
    assert client.post(reverse("rotation-plan-execute", args=[pk])).status_code == 403  # leaders do not execute
    _login(client, staff_user)
    assert client.post(reverse("rotation-plan-execute", args=[pk])).json()["status"] == "executed"
    c1.refresh_from_db()
    assert c1.unit == world.audit


def test_api_secondments_and_due_soon(client, staff_user, observer_user, setup):
    world, _plan = setup
    cadre = world.posts["东林镇副镇长"].holdings.get().cadre
    _login(client, staff_user)
    body = {"cadre": cadre.pk, "host_unit": world.finance.pk, "host_title": "局长助理", "start": "2025-06-01",
            "planned_end": "2025-05-01"}
    r = client.post(reverse("rotation-secondment-list"), body, content_type="application/json")
    assert r.status_code == 400 and "计划结束时间不能早于" in r.json()["detail"]
    today = selectors.today()
    body.update(start=str(today - dt.timedelta(days=300)), planned_end=str(today + dt.timedelta(days=10)))
    r = client.post(reverse("rotation-secondment-list"), body, content_type="application/json")
    assert r.status_code == 201 and r.json()["home_job"] == "东林镇副镇长"
    _login(client, observer_user)
    assert client.post(reverse("rotation-secondment-list"), body, content_type="application/json").status_code == 403
    assert [x["cadre_name"] for x in client.get(reverse("rotation-secondment-due-soon")).json()] == [cadre.name]


def test_secondment_reminder_task(setup, staff_user):
    world, _plan = setup
    cadre = world.posts["东林镇副镇长"].holdings.get().cadre
    today = selectors.today()
    s = services.secondment_create(actor=staff_user, data={
        "cadre": cadre, "host_unit": world.finance, "host_title": "局长助理", "start": today - dt.timedelta(days=300),
        "planned_end": today + dt.timedelta(days=20)})
    services.secondment_create(actor=staff_user, data={
        "cadre": cadre, "host_unit": world.audit, "host_title": "局长助理", "start": today - dt.timedelta(days=30),
        "planned_end": today + dt.timedelta(days=200)})
    assert remind_secondments(days=30) == [s.pk]
    assert remind_secondments(days=30) == [s.pk]  # a rerun the same day adds no notification
    notes = Notification.objects.filter(source="secondment_end", user=staff_user)
    assert [n.title for n in notes] == [f"{cadre.name}挂职将于{s.planned_end:%Y.%m.%d}期满"]
    assert Secondment.objects.get(pk=s.pk).reminded_on == today
