"""Codes, anonymity, refusals, lifecycle and paper ballots."""
import logging
import threading
import uuid

import pytest
from django.db import connection, models

from assessment import selectors, services
from assessment.services import voting
from assessment.codes import code_digest, normalize_code
from assessment.models import Ballot, BallotCode, BallotMark, CodeStatus, PendingBallot, SessionStatus
from core.exceptions import ApplicationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_session(make_session, staff_user):
    s = make_session()
    return services.session_open(actor=staff_user, session=s)


def _marks(session, choice="称职"):
    return {t.pk: {"choice": choice} for t in session.targets.all()}


def test_codes_stored_only_as_hmac(open_session, staff_user):
    group = open_session.groups.first()
    codes = services.codes_issue(actor=staff_user, session=open_session, group=group, count=5)
    assert len(set(codes)) == 5 and all(len(c) == 10 for c in codes)
    stored = list(BallotCode.objects.values_list("digest", flat=True))
    assert sorted(stored) == sorted(code_digest(c) for c in codes)
    dump = repr(list(BallotCode.objects.values())) + repr(list(AuditEvent.objects.values()))
    assert not any(c in dump for c in codes)


def test_hmac_key_from_setting(settings):
    settings.ASSESSMENT_BALLOT_HMAC_KEY = "k1"
    a = code_digest("ABCDEFGHJK")
    settings.ASSESSMENT_BALLOT_HMAC_KEY = "k2"
    assert code_digest("ABCDEFGHJK") != a
    assert code_digest("abcd-efgh-jk") == code_digest("ABCDEFGHJK")


def test_ballot_table_has_no_linking_column():
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "session", "group", "is_paper"}
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].primary_key
    assert not any(isinstance(f, (models.DateField, models.DateTimeField, models.GenericIPAddressField)) for f in fields.values())
    mark_fields = {f.name for f in BallotMark._meta.get_fields() if f.concrete}
    assert mark_fields == {"id", "ballot", "target", "choice", "valid"}
    assert isinstance(BallotMark._meta.pk, models.UUIDField)
    # and the code table has no way to reach a ballot
    assert not [f for f in BallotCode._meta.get_fields() if f.is_relation and f.related_model in (Ballot, BallotMark)]


def test_submission_logs_no_code(open_session, staff_user, caplog, client):
    group = open_session.groups.first()
    code1, code2, code3 = services.codes_issue(actor=staff_user, session=open_session, group=group, count=3)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    services.ballot_submit(session_id=open_session.public_id, code=code1, marks=_marks(open_session))
    with pytest.raises(ApplicationError):
        services.ballot_submit(session_id=open_session.public_id, code=code1, marks=_marks(open_session))
    # through the API, with DEBUG SQL logging on
    from django.conf import settings as dj_settings

    old_debug = dj_settings.DEBUG
    dj_settings.DEBUG = True
    try:
        resp = client.post(
            "/api/ballots/",
            {"session": str(open_session.public_id), "code": code2, "marks": {str(k): v for k, v in _marks(open_session).items()}},
            content_type="application/json",
        )
    finally:
        dj_settings.DEBUG = old_debug
    assert resp.status_code == 201, resp.content
    # and through the ballot page, every step
    url = f"/assessment/vote/{open_session.public_id}/"
    marks = {f"m_{t.pk}": "称职" for t in open_session.targets.all()}
    for step in ("code", "review", "submit", "submit"):
        client.post(url, {"step": step, "code": code3, **marks})
    assert caplog.records, "DEBUG logging captured nothing"
    assert "Bad Request" not in caplog.text  # not even the refused second submit has a log line (issue #18)
    for code in (code1, code2, code3):
        assert code not in caplog.text
        assert code.lower() not in caplog.text.lower()
    assert PendingBallot.objects.count() == 3  # pooled, sealed, until close


def test_one_code_one_ballot(open_session, staff_user):
    group = open_session.groups.first()
    (code,) = services.codes_issue(actor=staff_user, session=open_session, group=group, count=1)
    services.ballot_submit(session_id=open_session.public_id, code=code, marks=_marks(open_session))
    assert BallotCode.objects.get().status == CodeStatus.USED
    with pytest.raises(ApplicationError, match="已使用"):
        services.ballot_submit(session_id=open_session.public_id, code=code, marks=_marks(open_session, "优秀"))
    assert PendingBallot.objects.count() == 1 and Ballot.objects.count() == 0
    services.session_close(actor=staff_user, session=open_session)
    assert Ballot.objects.count() == 1 and BallotMark.objects.filter(choice="优秀").count() == 0
    assert BallotMark.objects.filter(choice="称职").count() == 2


def _refused(session, code, message):
    def state():
        return (PendingBallot.objects.count(), Ballot.objects.count(), BallotMark.objects.count(),
                list(BallotCode.objects.order_by("pk").values_list("status", flat=True)))

    before = state()
    with pytest.raises(ApplicationError) as exc:
        services.ballot_submit(session_id=session.public_id, code=code, marks=_marks(session))
    assert message in exc.value.message
    after = state()
    assert before == after


def test_revoked_unknown_foreign_codes_refused(open_session, make_session, staff_user):
    group = open_session.groups.first()
    lost, kept = services.codes_issue(actor=staff_user, session=open_session, group=group, count=2)
    services.code_revoke(actor=staff_user, session=open_session, code=lost)
    _refused(open_session, lost, "测评码已作废")
    _refused(open_session, "ABCDEFGHJK", "测评码无效")
    _refused(open_session, "abc", "测评码格式不正确")
    other = services.session_open(actor=staff_user, session=make_session())
    (foreign,) = services.codes_issue(actor=staff_user, session=other, group=other.groups.first(), count=1)
    _refused(open_session, foreign, "不属于本次测评")
    assert BallotCode.objects.get(digest=code_digest(foreign)).status == CodeStatus.UNUSED
    services.ballot_submit(session_id=open_session.public_id, code=kept.lower(), marks=_marks(open_session))


def test_revoke_by_serial_and_not_after_use(open_session, staff_user):
    group = open_session.groups.first()
    a, b = services.codes_issue(actor=staff_user, session=open_session, group=group, count=2)
    services.ballot_submit(session_id=open_session.public_id, code=a, marks=_marks(open_session))
    with pytest.raises(ApplicationError, match="已使用，不能作废"):
        services.code_revoke(actor=staff_user, session=open_session, code=a)
    row = services.code_revoke(actor=staff_user, session=open_session, serial=2)
    assert row.status == CodeStatus.REVOKED and row.digest == code_digest(b)
    with pytest.raises(ApplicationError, match="已作废"):
        services.code_revoke(actor=staff_user, session=open_session, serial=2)


def test_unknown_target_or_option_refused_and_nothing_written(open_session, staff_user):
    (code,) = services.codes_issue(actor=staff_user, session=open_session, group=open_session.groups.first(), count=1)
    with pytest.raises(ApplicationError, match="不属于本次测评"):
        services.ballot_submit(session_id=open_session.public_id, code=code, marks={999999: "优秀"})
    with pytest.raises(ApplicationError, match="选项“很好”无效"):
        services.ballot_submit(session_id=open_session.public_id, code=code, marks={open_session.targets.first().pk: "很好"})
    assert Ballot.objects.count() == 0 and BallotCode.objects.get().status == CodeStatus.UNUSED


def test_lifecycle(make_session, staff_user):
    s = make_session()
    (code,) = services.codes_issue(actor=staff_user, session=s, group=s.groups.first(), count=1)
    with pytest.raises(ApplicationError, match="未开始或已结束"):
        services.ballot_submit(session_id=s.public_id, code=code, marks={})
    with pytest.raises(ApplicationError, match="只有测评中的场次可以结束"):
        services.session_close(actor=staff_user, session=s)
    services.session_open(actor=staff_user, session=s)
    with pytest.raises(ApplicationError, match="只有草稿可以开始"):
        services.session_open(actor=staff_user, session=s)
    services.session_close(actor=staff_user, session=s)
    with pytest.raises(ApplicationError, match="未开始或已结束"):
        services.ballot_submit(session_id=s.public_id, code=code, marks={})
    with pytest.raises(ApplicationError, match="不能再发放"):
        services.codes_issue(actor=staff_user, session=s, group=s.groups.first(), count=1)
    with pytest.raises(ApplicationError, match="须填写原因"):
        services.session_void(actor=staff_user, session=s, reason=" ")
    s = services.session_void(actor=staff_user, session=s, reason="发现组织程序不规范")
    assert s.status == SessionStatus.VOID
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "ballot_session.create", "ballot_code.issue", "ballot_session.open", "ballot_session.close", "ballot_session.void",
    ]


def test_session_create_validation(staff_user, cadres, leader_user):
    def create(**kw):
        args = dict(actor=staff_user, title="测评", option_set="评价", targets=cadres, groups=[("全体", 100)])
        args.update(kw)
        return services.ballot_session_create(**args)

    with pytest.raises(ApplicationError, match="权重之和为 90%，应为 100%"):
        create(groups=[("领导", 40), ("干部", 50)])
    with pytest.raises(ApplicationError, match="测评人类别重复：领导"):
        create(groups=[("领导", 50), ("领导", 50)])
    with pytest.raises(ApplicationError, match="至少需要一名测评对象"):
        create(targets=[])
    with pytest.raises(ApplicationError, match="“张三”重复"):
        create(targets=[cadres[0], cadres[0]])
    with pytest.raises(ApplicationError, match="选项类型“投票”无效"):
        create(option_set="投票")
    with pytest.raises(ApplicationError, match="不属于评价选项"):
        create(score_map={"同意": 100})
    with pytest.raises(ApplicationError, match="只有组织部工作人员"):
        create(actor=leader_user)
    s = create(targets=[cadres[0], {"name": "王五", "description": "外单位报名人员"}])
    assert [(t.name, t.cadre_id) for t in s.targets.order_by("order")] == [("张三", cadres[0].pk), ("王五", None)]
    assert s.score_map == {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}


def test_paper_ballots_invalid_marks(open_session, staff_user):
    group = open_session.groups.get(name="领导班子成员")
    services.paper_issued_set(actor=staff_user, session=open_session, group=group, count=5)
    result = services.paper_ballots_enter(
        actor=staff_user, session=open_session, group=group,
        rows=[["优秀", "称职"], ["优秀 称职", "2"], ["1,1", ""]], blank_ballots=1,
    )
    assert (result.entered, result.invalid_marks, result.voided) == (4, 1, False)
    assert PendingBallot.objects.filter(is_paper=True).count() == 4 and Ballot.objects.count() == 0
    r = selectors.tally(services.session_close(actor=staff_user, session=open_session))
    zhang = r["targets"][0]["overall"]
    assert zhang["counts"]["优秀"] == 2 and zhang["invalid"] == 1 and zhang["blank"] == 1  # "1,1" = one option
    li = r["targets"][1]["overall"]
    assert li["counts"]["称职"] == 2 and li["blank"] == 2


def test_paper_entry_errors_write_nothing(open_session, staff_user):
    group = open_session.groups.first()
    services.paper_issued_set(actor=staff_user, session=open_session, group=group, count=5)
    with pytest.raises(ApplicationError) as exc:
        services.paper_ballots_enter(actor=staff_user, session=open_session, group=group, rows=[["优秀"], ["很好"]])
    assert exc.value.errors[0]["message"].startswith("第 2 张“张三”：“很好”不是有效选项")
    assert Ballot.objects.count() == 0 and PendingBallot.objects.count() == 0


def test_more_paper_returned_than_issued_voids_session(open_session, staff_user):
    group = open_session.groups.first()
    services.paper_issued_set(actor=staff_user, session=open_session, group=group, count=2)
    result = services.paper_ballots_enter(actor=staff_user, session=open_session, group=group, rows=[["优秀"]] * 3)
    assert result.voided and "收回纸质票 3 张，多于发出的 2 张" in result.message
    open_session.refresh_from_db()
    assert open_session.status == SessionStatus.VOID and "废票处理" in open_session.void_reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_submissions_store_one_ballot(make_session, staff_user):
    from django.db import connections

    s = services.session_open(actor=staff_user, session=make_session())
    (code,) = services.codes_issue(actor=staff_user, session=s, group=s.groups.first(), count=1)
    marks = _marks(s)
    threads_n, rounds = 20, 6  # 120 attempts over 20 connections (the server's connection limit is shared)
    attempts = threads_n * rounds
    barrier = threading.Barrier(threads_n)
    outcomes = []
    lock = threading.Lock()

    def attempt():
        try:
            for _ in range(rounds):
                barrier.wait()  # every round starts all threads at the same moment
                try:
                    services.ballot_submit(session_id=s.public_id, code=code, marks=marks)
                    result = "ok"
                except ApplicationError as exc:
                    result = exc.message
                with lock:
                    outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == attempts
    assert outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", services.MSG_USED}
    assert PendingBallot.objects.filter(session=s).count() == 1


def test_public_id_lookup(open_session, staff_user):
    with pytest.raises(ApplicationError, match="测评场次不存在"):
        services.ballot_submit(session_id=uuid.uuid4(), code="ABCDEFGHJK", marks={})
    assert normalize_code(" abcd-efgh-jk ") == "ABCDEFGHJK"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is a PostgreSQL system column")
def test_close_unlinks_ballots_from_codes_and_order(make_session, staff_user, vote):
    s = services.session_open(actor=staff_user, session=make_session(groups=(("全体", 100),)))
    vote(s, "全体", [{0: "优秀", 1: "称职"}, {0: "称职"}, {1: "不称职"}])
    before = selectors.turnout(s)
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM assessment_ballotcode WHERE session_id = %s", [s.pk])
        code_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM assessment_pendingballot WHERE session_id = %s", [s.pk])
        # the pool shares the code rows' transactions (one ballot per code needs that) but holds only ciphertext
        assert {r[0] for r in cursor.fetchall()} <= code_xmins
    assert Ballot.objects.filter(session=s).count() == 0
    closed = services.session_close(actor=staff_user, session=s)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_ballot WHERE session_id = %s", [s.pk])
        ballot_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT m.xmin::text FROM assessment_ballotmark m JOIN assessment_ballot b"
                       " ON b.id = m.ballot_id WHERE b.session_id = %s", [s.pk])
        mark_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_ballotcode WHERE session_id = %s", [s.pk])
        new_code_xmins = {r[0] for r in cursor.fetchall()}
    # every ballot, mark and code row carries the closing transaction, and none a voting one
    assert len(ballot_xmins) == 1 and ballot_xmins == mark_xmins == new_code_xmins
    assert not ballot_xmins & code_xmins
    assert PendingBallot.objects.filter(session=s).count() == 0
    assert BallotMark.objects.filter(ballot__session=s).count() == 6
    assert closed.result["returned"] == before["total"]["returned"] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL advisory locks")
@pytest.mark.django_db(transaction=True)
def test_close_waits_for_ballot_in_flight(make_session, staff_user):
    """A ballot whose transaction started before close is counted in the frozen result; none slips in after."""
    import time

    from django.db import connections, transaction

    s = services.session_open(actor=staff_user, session=make_session(groups=(("全体", 100),)))
    code, late = services.codes_issue(actor=staff_user, session=s, group=s.groups.get(), count=2)
    marks = {t.pk: "优秀" for t in s.targets.all()}
    in_flight, release, closed_at = threading.Event(), threading.Event(), []

    original = voting._session_for_vote

    def slow_session_for_vote(*args, **kwargs):
        result = original(*args, **kwargs)
        if kwargs.get("lock"):
            in_flight.set()
            release.wait(10)
        return result

    def submit():
        try:
            services.ballot_submit(session_id=s.public_id, code=code, marks=marks)
        finally:
            connections.close_all()

    def close():
        try:
            services.session_close(actor=staff_user, session=s)
            closed_at.append(time.monotonic())
        finally:
            connections.close_all()

    voting._session_for_vote = slow_session_for_vote
    try:
        voter = threading.Thread(target=submit)
        voter.start()
        assert in_flight.wait(10)
        closer = threading.Thread(target=close)
        closer.start()
        time.sleep(0.5)
        assert not closed_at  # close is waiting for the ballot in flight
        released_at = time.monotonic()
        release.set()
        voter.join(10)
        closer.join(10)
    finally:
        voting._session_for_vote = original
    assert closed_at and closed_at[0] >= released_at
    s.refresh_from_db()
    assert s.status == SessionStatus.CLOSED and s.result["returned"] == 1
    with pytest.raises(ApplicationError, match="未开始或已结束"):
        services.ballot_submit(session_id=s.public_id, code=late, marks=marks)
    assert Ballot.objects.filter(session=s).count() == 1
    assert transaction.get_autocommit()
