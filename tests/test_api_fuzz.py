"""Schemathesis against the live OpenAPI schema: every GET operation and a few POSTs that are safe to repeat,
with bounded generated examples, logged in as staff (HTTP Basic) against a live server — 0 server errors.

Bounds: MAX_EXAMPLES per operation (explicit examples + generated), no shrinking, a per-request timeout; the
run takes well under three minutes on the 2-core CI machine.
"""
from __future__ import annotations

import base64
import datetime as dt
import time

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings

MAX_EXAMPLES = 5
# POST operations that only validate, are refused for staff, or create plain rows in the test database
SAFE_POSTS = {
    "/api/ballots/",                   # anonymous ballot: a made-up code is always refused (400)
    "/api/eligibility/waivers/",       # leaders only: staff get 403 whatever the body
    "/api/rotation/plans/",            # creates draft plans or answers 400
    "/api/units/",                     # creates units or answers 400
}
PASSWORD = "pass12345"


def _seed(staff):
    from assessment import services as ballots
    from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
    from rotation import services as rotation

    unit = OrgUnitFactory(name="财政局")
    post = PostFactory(unit=unit, title="副局长", level="副科级", is_open_for_competition=True)
    people = [CadreFactory(name=n, unit=unit) for n in ("陈晓东", "李秀英", "王建国")]
    rotation.plan_create(actor=staff, name="2026年轮岗方案", as_of=dt.date(2026, 3, 1), units=[unit])
    session = ballots.ballot_session_create(actor=staff, title="测评", option_set="评价", targets=people,
                                            groups=[{"name": "中层干部", "weight": 100}])
    return unit, post, people, session


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error(live_server, client, staff_user):
    _seed(staff_user)
    client.force_login(staff_user)
    raw = client.get(reverse("schema"), {"format": "json"})
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    auth = {"Authorization": "Basic " + base64.b64encode(f"{staff_user.username}:{PASSWORD}".encode()).decode()}

    operations, examples, errors, statuses = 0, 0, [], {}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" and not (operation.method.upper() == "POST" and operation.path in SAFE_POSTS):
            continue
        operations += 1
        seen = []

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(base_url=live_server.url, headers=auth, timeout=30)
            seen.append(response.status_code)
            if response.status_code >= 500:
                errors.append(f"{operation.method.upper()} {operation.path} → {response.status_code}: "
                              f"{case.path_parameters} {case.query} {str(case.body)[:200]}")

        run()
        examples += len(seen)
        for code in seen:
            statuses[code] = statuses.get(code, 0) + 1
    elapsed = time.monotonic() - started
    print(f"schemathesis: {operations} operations, {examples} examples, {len(errors)} server errors, "
          f"statuses {dict(sorted(statuses.items()))}, {elapsed:.0f} s")
    assert operations >= 20 and examples >= operations
    assert not errors, "server errors:\n" + "\n".join(errors)
