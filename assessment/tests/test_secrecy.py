"""Ballot secrecy (issue #18): tallies only after close, the sealed pool, random stored order, vacuum, no logs."""
import logging
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import given, settings as hsettings, strategies as st

from assessment import rules, sealing, selectors, services
from assessment.models import Ballot, BallotMark, PendingBallot, SessionStatus
from core import jobs
from core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

READERS = ["staff_user", "leader_user", "observer_user"]
OUTSIDERS = ["judge_user", "candidate_user"]


@pytest.fixture
def voted(make_session, staff_user, vote):
    """An open session: 6 ballots in one group of 100 % (张三 优秀 ×5 + 称职; 李四 称职 ×5 + 基本称职), 2 unused codes."""
    s = services.session_open(actor=staff_user, session=make_session(groups=(("全体", 100),)))
    vote(s, "全体", [{0: "优秀", 1: "称职"}] * 5 + [{0: "称职", 1: "基本称职"}], extra_codes=2)
    return s


def _urls(s):
    return {
        "page": reverse("assessment:results", args=[s.pk]),
        "xlsx": reverse("assessment:results-xlsx", args=[s.pk]),
        "api": f"/api/ballot-sessions/{s.pk}/tally/",
    }


# ------------------------------------------------------------------------------------- tallies after close


@pytest.mark.parametrize("role", READERS)
def test_open_session_shows_turnout_only(client, request, role, voted):
    client.force_login(request.getfixturevalue(role))
    urls = _urls(voted)
    page = client.get(urls["page"])
    body = page.content.decode()
    assert page.status_code == 200 and "只显示参评情况" in body
    assert 'id="tally-data"' not in body and "加权得分" not in body and "张三" not in body  # no target, no count
    assert "票数核对" in body or "参评情况" in body
    data = client.get(urls["api"]).json()
    assert "targets" not in data and "options" not in data and data["result_hash"] == ""
    total = data["turnout"]["total"]
    assert (total["issued"], total["returned"], total["remaining"]) == (8, 6, 2)
    assert client.get(urls["xlsx"]).status_code == 403


@pytest.mark.parametrize("role", READERS)
def test_closed_session_shows_results(client, request, role, voted, staff_user):
    services.session_close(actor=staff_user, session=voted)
    client.force_login(request.getfixturevalue(role))
    urls = _urls(voted)
    body = client.get(urls["page"]).content.decode()
    assert 'id="tally-data"' in body and "张三" in body and "加权得分" in body
    data = client.get(urls["api"]).json()
    assert data["targets"][0]["overall"]["counts"]["优秀"] == 5 and data["turnout"]["total"]["codes_expired"] == 2
    resp = client.get(urls["xlsx"])
    assert resp.status_code == 200 and resp.content[:2] == b"PK"


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("closed", [False, True])
def test_outsiders_see_no_tally_before_or_after(client, request, role, closed, voted, staff_user):
    if closed:
        services.session_close(actor=staff_user, session=voted)
    client.force_login(request.getfixturevalue(role))
    for url in _urls(voted).values():
        assert client.get(url).status_code == 403, url


def test_tally_refused_before_close_even_for_the_service_layer(voted, staff_user):
    with pytest.raises(ApplicationError, match="尚未结束"):
        selectors.tally(voted)
    voided = services.session_void(actor=staff_user, session=voted, reason="会场秩序混乱")
    with pytest.raises(ApplicationError, match="尚未结束"):
        selectors.tally(voided)  # voided while open: the ballots are written out, no result exists
    assert Ballot.objects.filter(session=voted).count() == 6 and not PendingBallot.objects.exists()


def test_each_vote_leaves_the_staff_view_unchanged_but_the_counts(voted, staff_user, client):
    """Reading before and after one vote tells only that one more ballot came in (the probe of #18)."""
    client.force_login(staff_user)
    before = client.get(_urls(voted)["api"]).json()
    (code,) = services.codes_issue(actor=staff_user, session=voted, group=voted.groups.get(), count=1)
    services.ballot_submit(session_id=voted.public_id, code=code, marks={t.pk: "不称职" for t in voted.targets.all()})
    after = client.get(_urls(voted)["api"]).json()
    assert after["turnout"]["total"]["returned"] == before["turnout"]["total"]["returned"] + 1
    assert "不称职" not in repr(after)


def test_turnout_query_count_is_constant(voted, django_assert_num_queries):
    with django_assert_num_queries(4):
        selectors.turnout(voted)


# ------------------------------------------------------------------------------------- minimum group size


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5), st.integers(min_value=1, max_value=6))
@hsettings(max_examples=200, deadline=None)
def test_no_displayed_group_below_the_minimum(sizes, minimum):
    groups = [rules.GroupInput(i, f"类别{i}", Decimal(1), n, n) for i, n in enumerate(sizes, 1)]
    marks = {(1, g.id, "优秀", True): g.returned for g in groups}
    r = rules.compute_tally(
        option_set="评价", score_map={}, targets=[rules.TargetInput(1, "甲")], groups=groups, mark_counts=marks,
        threshold_percent=Decimal(80), min_group_ballots=minimum,
    )
    shown = [g for g in r["groups"] if not g.get("merged")]
    other = [g for g in r["groups"] if g.get("merged")]
    assert all(g["ballots"] >= minimum for g in shown)
    for g in other:
        # 其他 is under the minimum only when nothing else is shown (then it is the whole session) or it is empty
        assert g["ballots"] >= minimum or g["ballots"] == 0 or not shown
    assert sum(g["ballots"] for g in r["groups"]) == sum(sizes)


# ------------------------------------------------------------------------------------- the sealed pool


def test_pool_rows_are_sealed_and_of_one_length(voted, staff_user, settings):
    rows = list(PendingBallot.objects.filter(session=voted).values_list("sealed", "is_paper"))
    assert len(rows) == 6 and {len(bytes(r[0])) for r in rows} == {12 + 2 + 16}  # nonce + 1 byte/target + tag
    assert not any(b"\xe4\xbc\x98" in bytes(r[0]) for r in rows)  # no UTF-8 "优" in the clear
    target_ids = sorted(voted.targets.values_list("id", flat=True))
    opened = sealing.unseal(rows[0][0], public_id=voted.public_id, is_paper=False,
                            options=rules.options_for("评价"), target_ids=target_ids)
    assert {m.choice for m in opened} <= {"优秀", "称职", "基本称职"}
    with pytest.raises(sealing.SealError):  # another session's key does not open it
        sealing.unseal(rows[0][0], public_id=uuid.uuid4(), is_paper=False, options=rules.options_for("评价"),
                       target_ids=target_ids)
    settings.ASSESSMENT_BALLOT_HMAC_KEY = "another-install"
    with pytest.raises(ApplicationError, match="无法解封"):
        services.session_close(actor=staff_user, session=voted)
    voted.refresh_from_db()
    assert voted.status == SessionStatus.OPEN and PendingBallot.objects.filter(session=voted).count() == 6


def test_pending_ballot_has_no_time_no_order_no_code():
    names = {f.name for f in PendingBallot._meta.get_fields() if f.concrete}
    assert names == {"id", "session", "group", "is_paper", "sealed"}
    assert PendingBallot._meta.pk.get_internal_type() == "UUIDField"


def _stored_order(session) -> list:
    """The session's ballots in physical order (SQLite rowid / PostgreSQL ctid), each as its tuple of choices."""
    order_by = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM assessment_ballot WHERE session_id = %s ORDER BY {order_by}", [session.pk])
        ids = [uuid.UUID(str(r[0])) for r in cursor.fetchall()]
    targets = list(session.targets.order_by("order").values_list("id", flat=True))
    choice = {(b, t): c for b, t, c in BallotMark.objects.filter(ballot__session=session).values_list("ballot_id", "target_id", "choice")}
    return [tuple(choice[(b, t)] for t in targets) for b in ids]


def test_stored_order_after_close_is_a_random_permutation(make_session, staff_user):
    """30 ballots, each with its own combination of marks, submitted in a known order: after close the rows are
    the same ballots in another order (a fixed order would come back with probability 1/30!)."""
    s = make_session(groups=(("全体", 100),), targets=[{"name": n} for n in ("甲", "乙", "丙")])
    services.session_open(actor=staff_user, session=s)
    targets = list(s.targets.order_by("order"))
    options = ["", "优秀", "称职", "基本称职", "不称职"]
    submitted = [(options[i % 5], options[(i // 5) % 5], options[(i // 25) % 5 + 1]) for i in range(30)]
    assert len(set(submitted)) == 30
    codes = services.codes_issue(actor=staff_user, session=s, group=s.groups.get(), count=30)
    for code, ballot in zip(codes, submitted):
        services.ballot_submit(session_id=s.public_id, code=code, marks={t.pk: c for t, c in zip(targets, ballot)})
    services.session_close(actor=staff_user, session=s)
    stored = _stored_order(s)
    assert sorted(stored) == sorted(submitted)  # a permutation: nothing lost, nothing added
    assert stored != submitted and stored != submitted[::-1]


def test_close_enqueues_the_vacuum(voted, staff_user, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "enqueue", lambda name, *a, **kw: sent.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(actor=staff_user, session=voted)
    assert sent == ["assessment.vacuum_ballot_tables"]


@pytest.mark.django_db(transaction=True)
def test_vacuum_runs_outside_a_transaction_only(make_session, staff_user, vote):
    s = services.session_open(actor=staff_user, session=make_session(groups=(("全体", 100),)))
    vote(s, "全体", [{0: "优秀"}] * 3)
    services.session_close(actor=staff_user, session=s)
    assert services.ballot_tables_vacuum() is True
    with transaction.atomic():
        assert services.ballot_tables_vacuum() is False
    assert Ballot.objects.filter(session=s).count() == 3 and not PendingBallot.objects.exists()


# ------------------------------------------------------------------------------------- logs


def test_a_vote_writes_no_log_line(voted, staff_user, caplog, client):
    (code, code2) = services.codes_issue(actor=staff_user, session=voted, group=voted.groups.get(), count=2)
    caplog.set_level(logging.DEBUG)
    services.ballot_submit(session_id=voted.public_id, code=code, marks={})
    client.post("/api/ballots/", {"session": str(voted.public_id), "code": code2, "marks": {}},
                content_type="application/json")
    ours = [r for r in caplog.records if r.name.startswith(("assessment", "django.request", "django.server"))]
    assert ours == []


def test_a_refused_vote_writes_no_log_line_either(voted, caplog, client):
    caplog.set_level(logging.DEBUG)
    api = client.post("/api/ballots/", {"session": str(voted.public_id), "code": "ABCDEFGHJK", "marks": {}},
                      content_type="application/json")
    page = client.post(reverse("assessment:ballot", args=[voted.public_id]), {"step": "submit", "code": "ABCDEFGHJK"})
    assert api.status_code == 400 and page.status_code == 400
    assert [r for r in caplog.records if r.name.startswith(("assessment", "django.request", "django.server"))] == []
