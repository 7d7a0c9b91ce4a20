"""Pages and API: permissions both ways per role, the ballot flow, slips, exports, throttling."""
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from openpyxl import load_workbook

from assessment import services
from assessment.models import Ballot, BallotCode, BallotSession, CodeStatus, PendingBallot, SessionStatus

pytestmark = pytest.mark.django_db

ROLES = ["staff_user", "leader_user", "observer_user", "judge_user", "candidate_user"]


@pytest.fixture
def session(make_session, staff_user):
    return make_session()


@pytest.fixture
def closed_session(make_session, staff_user, vote):
    s = services.session_open(actor=staff_user, session=make_session(groups=(("全体", 100),)))
    vote(s, "全体", [{0: "优秀", 1: "称职"}] * 5 + [{0: "称职", 1: "基本称职"}])
    return services.session_close(actor=staff_user, session=s)


def _login(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


# ------------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("role,allowed", [("staff_user", True), ("leader_user", True), ("observer_user", True),
                                          ("judge_user", False), ("candidate_user", False)])
def test_results_and_list_by_role(client, request, role, allowed, closed_session):
    _login(client, request, role)
    for url in (reverse("assessment:session-list"), reverse("assessment:results", args=[closed_session.pk]),
                reverse("assessment:results-xlsx", args=[closed_session.pk]),
                f"/api/ballot-sessions/{closed_session.pk}/tally/", "/api/ballot-sessions/"):
        resp = client.get(url)
        assert resp.status_code == (200 if allowed else 403), (role, url, resp.status_code)


@pytest.mark.parametrize("role,allowed", [("staff_user", True), ("leader_user", False), ("observer_user", False),
                                          ("judge_user", False), ("candidate_user", False)])
def test_management_by_role(client, request, role, allowed, session):
    _login(client, request, role)
    for url in (reverse("assessment:session-detail", args=[session.pk]), reverse("assessment:session-create"),
                reverse("assessment:paper-entry", args=[session.pk]), reverse("assessment:annual"),
                reverse("assessment:periodic"), reverse("assessment:resident"), reverse("assessment:term-reviews")):
        assert client.get(url).status_code == (200 if allowed else 403), (role, url)
    group = session.groups.first()
    resp = client.post(f"/api/ballot-sessions/{session.pk}/codes/", {"group": group.pk, "count": 2}, content_type="application/json")
    assert resp.status_code == (201 if allowed else 403)
    resp = client.post(reverse("assessment:session-open", args=[session.pk]))
    session.refresh_from_db()
    assert (session.status == SessionStatus.OPEN) == allowed
    assert BallotCode.objects.count() == (2 if allowed else 0)


def test_anonymous_redirected_to_login(client, session):
    for url in (reverse("assessment:session-list"), reverse("assessment:results", args=[session.pk]),
                reverse("assessment:session-detail", args=[session.pk])):
        assert client.get(url).status_code == 302
    assert client.get("/api/ballot-sessions/").status_code == 403


def test_session_list_query_count(client, staff_user, make_session, django_assert_num_queries):
    for _ in range(3):
        make_session()
    client.force_login(staff_user)
    with django_assert_num_queries(4):  # user (the session from the cache), roles, user.cadre (nav), session list — constant
        resp = client.get(reverse("assessment:session-list"))
    assert resp.content.decode().count("2026年度中层干部民主测评") == 3


# --------------------------------------------------------------------------------------------- pages


def test_create_session_page(client, staff_user, cadres):
    client.force_login(staff_user)
    resp = client.post(reverse("assessment:session-create"), {
        "title": "科级干部民主推荐", "option_set": "推荐", "targets_text": "张三|拟任财政局副局长\n*王五|外单位",
        "groups_text": "领导班子成员 40\n一般干部 60", "participation_threshold": "80", "min_group_ballots": "5",
    })
    assert resp.status_code == 302
    s = BallotSession.objects.get(title="科级干部民主推荐")
    assert [(t.name, t.cadre_id is not None) for t in s.targets.order_by("order")] == [("张三", True), ("王五", False)]
    resp = client.post(reverse("assessment:session-create"), {
        "title": "x", "option_set": "评价", "targets_text": "张三", "groups_text": "领导 40\n一般 50",
        "participation_threshold": "80", "min_group_ballots": "5",
    })
    assert "权重之和为 90%，应为 100%" in resp.content.decode()


def test_issue_slips_pdf_and_xlsx(client, staff_user, session):
    client.force_login(staff_user)
    group = session.groups.first()
    resp = client.post(reverse("assessment:codes-issue", args=[session.pk]), {f"count_{group.pk}": 3, "format": "pdf"})
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and resp.content[:4] == b"%PDF"
    assert "no-store" in resp["Cache-Control"]
    resp = client.post(reverse("assessment:codes-issue", args=[session.pk]), {f"count_{group.pk}": 2, "format": "xlsx"})
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [4, 5]  # serials continue after the PDF batch
    code = rows[0][2].replace("-", "")
    assert rows[0][3].endswith(f"/assessment/vote/{session.public_id}/#c={code}")  # code only in the fragment
    assert BallotCode.objects.count() == 5 and not BallotCode.objects.filter(digest__contains=code).exists()
    services.session_open(actor=staff_user, session=session)
    services.ballot_submit(session_id=session.public_id, code=code, marks={})


def test_ballot_flow(client, staff_user, session):
    services.session_open(actor=staff_user, session=session)
    (code,) = services.codes_issue(actor=staff_user, session=session, group=session.groups.first(), count=1)
    url = reverse("assessment:ballot", args=[session.public_id])
    t1, t2 = session.targets.order_by("order")
    page = client.get(url)
    assert page.status_code == 200 and "data-code-from-hash" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert code not in client.get(url + "?code=" + code).content.decode()  # a query string is never used
    resp = client.post(url, {"step": "code", "code": code.lower()})
    body = resp.content.decode()
    assert resp.status_code == 200 and "张三" in body and "李四" in body and "下一步：核对" in body
    resp = client.post(url, {"step": "review", "code": code, f"m_{t1.pk}": "优秀", f"m_{t2.pk}": ""})
    body = resp.content.decode()
    assert "确认提交" in body and "有 1 名对象未填" in body and Ballot.objects.count() == 0
    resp = client.post(url, {"step": "submit", "code": code, f"m_{t1.pk}": "优秀", f"m_{t2.pk}": ""})
    assert "投票成功" in resp.content.decode() and resp["Referrer-Policy"] == "same-origin"
    assert PendingBallot.objects.count() == 1 and BallotCode.objects.get().status == CodeStatus.USED
    resp = client.post(url, {"step": "submit", "code": code, f"m_{t1.pk}": "不称职"})
    assert resp.status_code == 400 and "该测评码已使用" in resp.content.decode()
    assert PendingBallot.objects.count() == 1 and Ballot.objects.count() == 0


def test_ballot_page_refusals(client, staff_user, session, make_session):
    url = reverse("assessment:ballot", args=[session.public_id])
    assert "尚未开始" in client.get(url).content.decode()
    services.session_open(actor=staff_user, session=session)
    assert "测评码无效" in client.post(url, {"step": "code", "code": "ABCDEFGHJK"}).content.decode()
    other = services.session_open(actor=staff_user, session=make_session())
    (foreign,) = services.codes_issue(actor=staff_user, session=other, group=other.groups.first(), count=1)
    assert "不属于本次测评" in client.post(url, {"step": "submit", "code": foreign}).content.decode()
    assert Ballot.objects.count() == 0 and PendingBallot.objects.count() == 0


def test_paper_entry_page(client, staff_user, session):
    client.force_login(staff_user)
    services.session_open(actor=staff_user, session=session)
    group = session.groups.first()
    services.paper_issued_set(actor=staff_user, session=session, group=group, count=3)
    url = reverse("assessment:paper-entry", args=[session.pk])
    resp = client.post(url, {"group": group.pk, "c_0_0": "优秀", "c_0_1": "2", "c_1_0": "1,2", "blank_ballots": "0"}, follow=True)
    assert "已录入“领导班子成员”纸质票 2 张，其中无效标记 1 处" in resp.content.decode()
    resp = client.post(url, {"group": group.pk, "c_0_0": "好"}, follow=True)
    assert "“好”不是有效选项" in resp.content.decode()
    resp = client.post(url, {"group": group.pk, "c_0_0": "1", "c_1_0": "1"}, follow=True)
    assert "多于发出的 3 张" in resp.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.VOID


def test_results_page_chart_and_xlsx(client, leader_user, closed_session):
    client.force_login(leader_user)
    body = client.get(reverse("assessment:results", args=[closed_session.pk])).content.decode()
    assert 'id="tally-data"' in body and "tally-chart.js" in body and "echarts.min.js" in body
    assert closed_session.result_hash in body
    assert "<script>" not in body  # no inline script
    data = json.loads(body.split('id="tally-data" type="application/json">')[1].split("</script>")[0])
    assert data["names"] == ["张三", "李四"] and data["counts"]["优秀"] == [5, 0]
    assert data["scores"] == [96.67, 76.67]  # (5×100+80)/6 ; (5×80+60)/6
    wb = load_workbook(io.BytesIO(client.get(reverse("assessment:results-xlsx", args=[closed_session.pk])).content))
    ws = wb["测评结果汇总表"]
    assert ws["A1"].value == "2026年度中层干部民主测评 测评结果汇总表"
    assert [c.value for c in ws[4]][:12] == [1, "张三", ws["C4"].value, 5, 1, 0, 0, 6, 0, 0, "83.33%", "100.00%"]
    assert ws.cell(4, 13).value == 96.67
    assert "分类别统计" in wb.sheetnames


def test_annual_page_warns(client, staff_user):
    from cadre.tests.factories import CadreFactory, OrgUnitFactory

    unit = OrgUnitFactory(name="审计局")
    cadres = [CadreFactory(unit=unit) for _ in range(5)]
    client.force_login(staff_user)
    url = f"{reverse('assessment:annual')}?unit={unit.pk}&year=2025"
    data = {f"grade_{c.pk}": "优秀" if i < 2 else "称职" for i, c in enumerate(cadres)}
    body = client.post(url, data, follow=True).content.decode()
    assert "优秀 2 人，超过参加考核人数 5 人的 20%（最多 1 人）" in body
    assert "已保存 5 人的2025年度考核结果" in body


def test_resident_and_term_pages(client, staff_user, cadres):
    client.force_login(staff_user)
    resp = client.post(reverse("assessment:resident"), {
        "title": "群众评价", "cadre_text": "张三", "population_text": "\n".join(f"居民{i}" for i in range(30)),
        "sample_size": "5", "seed": "123",
    }, follow=True)
    body = resp.content.decode()
    assert "结果一致" in body and "<code>123</code>" in body
    resp = client.post(reverse("assessment:term-reviews"), {
        "subject_kind": "大学生村官", "cadre_text": "李四", "panel_text": "甲\n乙", "methods": ["民意测评", "个别访谈"],
        "result": "合格", "opinion": "同意合格。", "reviewed_on": "2026-08-01",
    }, follow=True)
    assert "已录入李四的期满考核" in resp.content.decode()


# ------------------------------------------------------------------------------------------------ API


def test_api_create_open_codes_vote_close_tally(client, staff_user, cadres):
    client.force_login(staff_user)
    resp = client.post("/api/ballot-sessions/", {
        "title": "API 测评", "option_set": "推荐",
        "targets": [{"cadre": cadres[0].pk}, {"name": "外部人员"}],
        "groups": [{"name": "全体", "weight": "100"}],
    }, content_type="application/json")
    assert resp.status_code == 201, resp.content
    sid = resp.json()["id"]
    public_id = resp.json()["public_id"]
    targets = [t["id"] for t in resp.json()["targets"]]
    group = resp.json()["groups"][0]["id"]
    assert client.post(f"/api/ballot-sessions/{sid}/open/").json()["status"] == "open"
    codes = client.post(f"/api/ballot-sessions/{sid}/codes/", {"group": group, "count": 3}, content_type="application/json").json()
    assert len(codes["codes"]) == 3 and codes["ballot_url"].endswith(f"/assessment/vote/{public_id}/")
    client.logout()
    for code, choice in zip(codes["codes"], ["同意", "同意", "不同意"]):
        resp = client.post("/api/ballots/", {"session": public_id, "code": code,
                                             "marks": {str(targets[0]): {"choice": choice}}}, content_type="application/json")
        assert resp.status_code == 201 and resp.json() == {"detail": "投票成功，感谢您的参与。"}
    resp = client.post("/api/ballots/", {"session": public_id, "code": codes["codes"][0], "marks": {}}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["detail"] == services.MSG_USED
    client.force_login(staff_user)
    resp = client.post(f"/api/ballot-sessions/{sid}/codes/revoke/", {"serial": 3}, content_type="application/json")
    assert resp.status_code == 400 and "已使用" in resp.json()["detail"]
    assert client.post(f"/api/ballot-sessions/{sid}/close/").json()["status"] == "closed"
    tally = client.get(f"/api/ballot-sessions/{sid}/tally/").json()
    assert tally["targets"][0]["overall"]["approval_rate"] == "0.6667" and tally["result_hash"]


def test_api_leader_cannot_write(client, leader_user, session):
    client.force_login(leader_user)
    assert client.get(f"/api/ballot-sessions/{session.pk}/").status_code == 200
    assert client.post(f"/api/ballot-sessions/{session.pk}/open/").status_code == 403
    assert client.post("/api/ballot-sessions/", {}, content_type="application/json").status_code == 403


def test_api_ballot_throttled_without_storing_ip(client, staff_user, session, settings):
    from django.core.cache import cache

    settings.ASSESSMENT_BALLOT_RATE = "3/min"
    services.session_open(actor=staff_user, session=session)
    statuses = [
        client.post("/api/ballots/", {"session": str(session.public_id), "code": "ABCDEFGHJK", "marks": {}},
                    content_type="application/json", REMOTE_ADDR="10.1.2.3").status_code
        for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]
    keys = list(cache._cache.keys())
    assert keys and not any("10.1.2.3" in k for k in keys)
    # another address is not affected
    assert client.post("/api/ballots/", {"session": str(session.public_id), "code": "ABCDEFGHJK", "marks": {}},
                       content_type="application/json", REMOTE_ADDR="10.9.9.9").status_code == 400


def test_no_single_ballot_anywhere(client, staff_user, closed_session):
    from django.contrib import admin

    from assessment.models import Ballot as B, BallotMark, PendingBallot as P

    from assessment.models import BallotCode as C

    assert not {B, BallotMark, C, P} & set(admin.site._registry)
    staff_user.is_staff = staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    admin_page = client.get(f"/admin/assessment/ballotsession/{closed_session.pk}/change/")
    assert admin_page.status_code == 200
    ballot_id = str(B.objects.first().pk)
    for url in (f"/admin/assessment/ballotsession/{closed_session.pk}/change/", "/admin/","/api/ballot-sessions/", f"/api/ballot-sessions/{closed_session.pk}/",
                f"/api/ballot-sessions/{closed_session.pk}/tally/", reverse("assessment:results", args=[closed_session.pk])):
        assert ballot_id not in client.get(url).content.decode()
    schema = client.get("/api/schema/").content.decode()
    assert "/api/ballots/{" not in schema


def test_schema_has_chinese_descriptions(client, staff_user):
    client.force_login(staff_user)
    schema = client.get("/api/schema/").content.decode()
    assert "提交选票（匿名）" in schema and "发放测评码" in schema


def test_anonymous_user_cannot_manage():
    from assessment.permissions import can_manage, can_read_tallies

    assert not can_manage(AnonymousUser()) and not can_read_tallies(AnonymousUser())
