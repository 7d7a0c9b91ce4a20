import pytest

from assessment import services
from cadre.tests.factories import CadreFactory


@pytest.fixture
def cadres(db):
    return [CadreFactory(name="张三"), CadreFactory(name="李四")]


@pytest.fixture
def make_session(staff_user, cadres):
    """An evaluation session: 张三 and 李四 (cadres) by three groups 30/50/20."""

    def make(option_set="评价", groups=(("领导班子成员", 30), ("中层干部", 50), ("一般干部", 20)), targets=None, **kw):
        return services.ballot_session_create(
            actor=staff_user,
            title="2026年度中层干部民主测评",
            option_set=option_set,
            targets=targets if targets is not None else cadres,
            groups=[{"name": n, "weight": w} for n, w in groups],
            **kw,
        )

    return make


@pytest.fixture
def vote(staff_user):
    """vote(session, group_name, [{target_index: choice or (choice, reason)}...]) → issues codes and submits."""

    def _vote(session, group_name, ballots, extra_codes=0):
        group = session.groups.get(name=group_name)
        codes = services.codes_issue(actor=staff_user, session=session, group=group, count=len(ballots) + extra_codes)
        targets = list(session.targets.order_by("order"))
        for code, ballot in zip(codes, ballots):
            marks = {}
            for index, value in ballot.items():
                choice, reason = value if isinstance(value, tuple) else (value, "")
                marks[targets[index].pk] = {"choice": choice, "reason": reason}
            services.ballot_submit(session_id=session.public_id, code=code, marks=marks)
        return codes[len(ballots):]

    return _vote


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
