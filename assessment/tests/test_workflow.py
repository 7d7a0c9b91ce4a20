"""The ballot session's one transition table: every illegal move refused in Chinese, every legal one only for
its role, and every move (by the service, the page and the API) through ballot_session_transition."""
import pytest
from django.contrib.auth.models import AnonymousUser

from assessment import services, workflow
from assessment.models import SessionStatus
from core.exceptions import ApplicationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

S = SessionStatus
STATUSES = [S.DRAFT, S.OPEN, S.CLOSED, S.VOID]
LEGAL = {(t.action, t.source): t.target for t in workflow.TRANSITIONS}
MOVES = [(action, status) for action in workflow.ACTIONS for status in STATUSES]


@pytest.fixture
def session_in(make_session, staff_user):
    def make(status):
        session = make_session()
        if status in (S.OPEN, S.CLOSED):
            session = services.session_open(actor=staff_user, session=session)
        if status == S.CLOSED:
            session = services.session_close(actor=staff_user, session=session)
        if status == S.VOID:
            session = services.session_void(actor=staff_user, session=session, reason="程序不规范")
        assert session.status == status
        return session

    return make


def _move(actor, session, action):
    return services.ballot_session_transition(actor=actor, session=session, action=action, note="理由")


def test_table_shape():
    assert workflow.ACTIONS == ["close", "open", "void"]
    for t in workflow.TRANSITIONS:
        assert t.kind in workflow.KINDS and t.roles == (workflow.STAFF,) and not t.gated and t.inputs == ()
        assert t.reason_required == (t.action == "void")
        assert workflow.refusal(t.action, title="x", status=t.source)  # every action has a Chinese refusal
    assert {t.source for t in workflow.TRANSITIONS if t.action == "void"} == {S.DRAFT, S.OPEN, S.CLOSED}
    assert not workflow.available(S.VOID)


@pytest.mark.parametrize("action,status", [m for m in MOVES if m in LEGAL])
def test_legal_move_for_staff(session_in, staff_user, action, status):
    session = session_in(status)
    moved = _move(staff_user, session, action)
    session.refresh_from_db()
    assert moved.status == session.status == LEGAL[(action, status)]
    assert AuditEvent.objects.filter(action=f"ballot_session.{action}", object_id=str(session.pk)).exists()


@pytest.mark.parametrize("action,status", [m for m in MOVES if m in LEGAL])
@pytest.mark.parametrize("who", ["leader_user", "observer_user", "judge_user", "candidate_user", "anonymous"])
def test_legal_move_refused_for_other_roles(request, session_in, action, status, who):
    session = session_in(status)
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(ApplicationError, match="^只有组织部工作人员可以进行此操作。$"):
        _move(actor, session, action)
    session.refresh_from_db()
    assert session.status == status


EXPECTED_REFUSAL = {
    "open": "只有草稿可以开始",
    "close": "只有测评中的场次可以结束",
    "void": "已作废",
}


@pytest.mark.parametrize("action,status", [m for m in MOVES if m not in LEGAL])
def test_illegal_move_refused_in_chinese(session_in, staff_user, action, status):
    session = session_in(status)
    with pytest.raises(ApplicationError) as caught:
        _move(staff_user, session, action)
    assert EXPECTED_REFUSAL[action] in caught.value.message
    assert f"测评“{session.title}”" in caught.value.message
    session.refresh_from_db()
    assert session.status == status


def test_void_needs_a_reason(session_in, staff_user):
    session = session_in(S.OPEN)
    with pytest.raises(ApplicationError, match="^作废测评须填写原因。$") as caught:
        services.ballot_session_transition(actor=staff_user, session=session, action="void", note="  ")
    assert caught.value.field == "reason"


def test_unknown_action_and_inputs(session_in, staff_user):
    session = session_in(S.DRAFT)
    with pytest.raises(ApplicationError, match="未知的操作“publish”"):
        services.ballot_session_transition(actor=staff_user, session=session, action="publish")
    with pytest.raises(TypeError):
        services.ballot_session_transition(actor=staff_user, session=session, action="open", start_date="2026-01-01")


def test_transition_errors_lists_every_reason(leader_user):
    errors = workflow.transition_errors(leader_user, "void", S.VOID, title="测评")
    assert errors == ["只有组织部工作人员可以进行此操作。", "作废测评须填写原因。", "测评“测评”已作废。"]
    assert workflow.can(leader_user, "open", S.DRAFT) is False


def test_work_inside_a_status():
    assert workflow.work_error("issue_codes", title="t", status=S.OPEN) is None
    assert workflow.work_error("issue_codes", title="t", status=S.CLOSED) == "测评“t”已结束，不能再发放测评码。"
    assert workflow.work_error("enter_paper", title="t", status=S.DRAFT) == "测评“t”草稿，不能录入纸质票。"
    assert workflow.work_allowed("vote", S.OPEN) and not workflow.work_allowed("vote", None)


def test_pages_and_api_move_through_the_table(session_in, staff_client, staff_user):
    session = session_in(S.DRAFT)
    resp = staff_client.post(f"/assessment/sessions/{session.pk}/close/", follow=True)
    assert "只有测评中的场次可以结束" in resp.content.decode()
    staff_client.post(f"/assessment/sessions/{session.pk}/open/")
    session.refresh_from_db()
    assert session.status == S.OPEN
    resp = staff_client.post(f"/api/ballot-sessions/{session.pk}/void/", {"reason": "重新组织"}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == S.VOID
