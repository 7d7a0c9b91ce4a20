"""Codes for several evaluator groups in one step, printable slips, the count check and unused codes at close
(issue #17), and the demo session."""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from assessment import demo, selectors, services
from assessment.audit import AuditAction
from assessment.codes import code_digest
from assessment.models import BallotCode, BallotSession, CodeStatus, PendingBallot, SessionStatus
from cadre.tests.factories import CadreFactory, OrgUnitFactory
from core.exceptions import ApplicationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(make_session):
    return make_session()


def _groups(session):
    return {g.name: g for g in session.groups.all()}


def test_issue_for_several_groups_in_one_step(session, staff_user):
    g = _groups(session)
    issued = services.codes_issue_groups(
        actor=staff_user, session=session, counts={g["一般干部"].pk: 4, g["领导班子成员"]: 2, g["中层干部"].pk: 0}
    )
    assert [(grp.name, len(codes)) for grp, codes in issued] == [("领导班子成员", 2), ("一般干部", 4)]  # group order
    serials = {grp.name: sorted(BallotCode.objects.filter(group=grp).values_list("serial", flat=True)) for grp, _c in issued}
    assert serials == {"领导班子成员": [1, 2], "一般干部": [3, 4, 5, 6]}
    assert all(BallotCode.objects.filter(digest=code_digest(c)).exists() for _g, codes in issued for c in codes)
    events = AuditEvent.objects.filter(action=AuditAction.BALLOT_CODE_ISSUE).order_by("id")
    assert [e.summary for e in events] == ["为“领导班子成员”发放测评码 2 个（票号 1–2）", "为“一般干部”发放测评码 4 个（票号 3–6）"]


def test_issue_refusals_write_nothing(session, staff_user, leader_user, make_session):
    g = _groups(session)
    other = make_session()
    with pytest.raises(ApplicationError, match="至少为一个"):
        services.codes_issue_groups(actor=staff_user, session=session, counts={g["中层干部"].pk: 0})
    with pytest.raises(ApplicationError, match="不属于本次测评"):
        services.codes_issue_groups(actor=staff_user, session=session, counts={g["中层干部"].pk: 2, other.groups.first().pk: 2})
    with pytest.raises(ApplicationError, match="合计不能超过"):
        services.codes_issue_groups(actor=staff_user, session=session, counts={g["中层干部"].pk: 1500, g["一般干部"].pk: 600})
    with pytest.raises(ApplicationError, match="工作人员"):
        services.codes_issue_groups(actor=leader_user, session=session, counts={g["中层干部"].pk: 2})
    assert not BallotCode.objects.exists()


def test_print_page_for_several_groups(client, staff_user, session):
    client.force_login(staff_user)
    g = _groups(session)
    resp = client.post(reverse("assessment:codes-issue", args=[session.pk]),
                       {f"count_{g['领导班子成员'].pk}": 2, f"count_{g['一般干部'].pk}": 3, "format": "html"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]
    assert body.count('class="slip"') == 5 and "data-print" in body and "打印" in body
    assert body.count("测评人类别：领导班子成员") == 2 and body.count("测评人类别：一般干部") == 3
    assert "1–2" in body and "3–5" in body and "只显示这一次" in body
    assert BallotCode.objects.count() == 5
    # the codes are shown once: nothing on the session page afterwards
    detail = client.get(reverse("assessment:session-detail", args=[session.pk])).content.decode()
    assert "测评人类别：" not in detail and "票数核对" in detail


def test_print_page_pdf_names_each_group(client, staff_user, session):
    client.force_login(staff_user)
    g = _groups(session)
    resp = client.post(reverse("assessment:codes-issue", args=[session.pk]),
                       {f"count_{g['中层干部'].pk}": 1, f"count_{g['一般干部'].pk}": 1, "format": "pdf"})
    assert resp.status_code == 200 and resp.content[:4] == b"%PDF"


@pytest.mark.parametrize("role", ["leader_user", "observer_user", "judge_user"])
def test_others_cannot_issue_or_void(client, request, role, session, staff_user):
    services.session_open(actor=staff_user, session=session)
    client.force_login(request.getfixturevalue(role))
    g = _groups(session)
    assert client.post(reverse("assessment:codes-issue", args=[session.pk]), {f"count_{g['中层干部'].pk}": 2}).status_code == 403
    assert client.post(reverse("assessment:codes-void-unused", args=[session.pk])).status_code == 403
    resp = client.post(f"/api/ballot-sessions/{session.pk}/codes/", {"groups": [{"group": g["中层干部"].pk, "count": 2}]},
                       content_type="application/json")
    assert resp.status_code == 403 and not BallotCode.objects.exists()


def test_api_issues_several_groups(client, staff_user, session):
    client.force_login(staff_user)
    g = _groups(session)
    resp = client.post(f"/api/ballot-sessions/{session.pk}/codes/",
                       {"groups": [{"group": g["中层干部"].pk, "count": 2}, {"group": g["一般干部"].pk, "count": 1}]},
                       content_type="application/json")
    data = resp.json()
    assert resp.status_code == 201 and [(x["group"], len(x["codes"])) for x in data["groups"]] == [("中层干部", 2), ("一般干部", 1)]
    assert data["group"] == "中层干部" and "no-store" in resp["Cache-Control"]
    single = client.post(f"/api/ballot-sessions/{session.pk}/codes/", {"group": g["中层干部"].pk, "count": 1},
                         content_type="application/json").json()
    assert len(single["codes"]) == 1 and BallotCode.objects.count() == 4


def test_count_check_through_the_session(session, staff_user, vote):
    g = _groups(session)
    services.session_open(actor=staff_user, session=session)
    spare = vote(session, "领导班子成员", [{0: "优秀"}] * 3, extra_codes=3)
    services.code_revoke(actor=staff_user, session=session, code=spare[0])  # a lost slip
    services.paper_issued_set(actor=staff_user, session=session, group=g["一般干部"], count=4)
    services.paper_ballots_enter(actor=staff_user, session=session, group=g["一般干部"], rows=[["优秀"], ["称职"]])
    t = selectors.turnout(session)
    lead = t["groups"][0]
    assert (lead["codes_issued"], lead["codes_used"], lead["codes_unused"], lead["codes_revoked"]) == (6, 3, 2, 1)
    assert (lead["issued"], lead["returned"], lead["void"], lead["remaining"], lead["balanced"]) == (6, 3, 1, 2, True)
    general = t["groups"][2]
    assert (general["issued"], general["returned"], general["unaccounted"], general["balanced"]) == (4, 2, 2, True)
    assert (t["total"]["issued"], t["total"]["returned"], t["total"]["participation_issued"]) == (10, 5, 9)
    for row in [*t["groups"], t["total"]]:  # issued = returned + void + unused + not returned
        assert row["issued"] == row["returned"] + row["void"] + row["remaining"] + row["unaccounted"]

    closed = services.session_close(actor=staff_user, session=session)
    t = selectors.turnout(closed)
    assert (t["total"]["remaining"], t["total"]["codes_expired"], t["total"]["void"]) == (0, 2, 3)
    assert BallotCode.objects.filter(status=CodeStatus.UNUSED).count() == 0
    # the expired codes still count as issued: 5 returned of 9 (6 codes - 1 lost + 4 paper)
    assert (closed.result["issued"], closed.result["returned"]) == (9, 5)
    assert "未使用的测评码 2 个作废" in AuditEvent.objects.filter(action=AuditAction.BALLOT_SESSION_CLOSE).get().summary


def test_unbalanced_count_is_flagged(session, staff_user, vote):
    services.session_open(actor=staff_user, session=session)
    vote(session, "中层干部", [{0: "优秀"}] * 2)
    PendingBallot.objects.filter(session=session).first().delete()  # a ballot lost behind the application's back
    row = selectors.turnout(session)["groups"][1]
    assert row["codes_used"] == 2 and row["electronic_returned"] == 1 and row["balanced"] is False


def test_void_unused_codes_while_open(client, session, staff_user, vote):
    services.session_open(actor=staff_user, session=session)
    spare = vote(session, "中层干部", [{0: "优秀"}], extra_codes=2)
    client.force_login(staff_user)
    resp = client.post(reverse("assessment:codes-void-unused", args=[session.pk]), follow=True)
    assert "已作废未使用的测评码 2 个" in resp.content.decode()
    with pytest.raises(ApplicationError, match="已作废"):
        services.ballot_submit(session_id=session.public_id, code=spare[0], marks={})
    with pytest.raises(ApplicationError, match="已作废"):
        services.code_revoke(actor=staff_user, session=session, code=spare[1])
    closed = services.session_close(actor=staff_user, session=session)
    assert (closed.result["issued"], closed.result["returned"]) == (3, 1)


def test_void_unused_refused_after_close(session, staff_user):
    services.session_open(actor=staff_user, session=session)
    services.session_close(actor=staff_user, session=session)
    with pytest.raises(ApplicationError, match="不能再作废"):
        services.codes_void_unused(actor=staff_user, session=session)


# ------------------------------------------------------------------------------------- demo


def test_demo_session_is_open_with_codes_for_three_groups(staff_user, settings, tmp_path):
    unit = OrgUnitFactory(name="演示局")
    for name in ("赵一", "钱二", "孙三", "李四"):
        CadreFactory(unit=unit, name=name)
    settings.MEDIA_ROOT = tmp_path
    User.objects.filter(pk=staff_user.pk).update(username="staff")
    lines = []
    s = demo.seed(dt.date(2026, 12, 3), log=lines.append)
    assert s.status == SessionStatus.OPEN and s.groups.count() == 3
    t = selectors.turnout(s)
    assert (t["total"]["codes_issued"], t["total"]["returned"], t["total"]["remaining"]) == (28, 4, 24)
    text = (tmp_path / "demo" / "ballot-codes.txt").read_text(encoding="utf-8")
    assert text.count("未使用") == 24 and f"/assessment/vote/{s.public_id}/" in text
    assert "测评中" in lines[0] and "ballot-codes.txt" in lines[0]
    unused = next(line.split("\t")[2] for line in text.splitlines() if line.endswith("未使用"))
    services.ballot_submit(session_id=s.public_id, code=unused, marks={})  # a code from the file works
    again = demo.seed(dt.date(2026, 12, 3), log=lines.append)
    assert again.pk == s.pk and BallotSession.objects.count() == 1 and "已存在" in lines[-1]
