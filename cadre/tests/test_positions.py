"""positions_assign: the one owner of who holds which post (swaps, chains, full seats, rank) and the batch
年度考核 writer."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from cadre.models import AnnualAssessment, Cadre, PostHistory, RankHistory
from cadre.services import PositionMove, annual_assessments_record, cadre_create, positions_assign
from cadre.tests.factories import AssessmentFactory, CadreFactory, OrgUnitFactory, PostFactory
from core.exceptions import ApplicationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

START = dt.date(2020, 3, 1)
DAY = dt.date(2026, 5, 1)


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("positions-staff", password="x")


def holder(post, name, *, rank="副科级", rank_start=dt.date(2019, 1, 1)):
    """A cadre holding ``post`` since START (open post- and rank-history rows through the records service)."""
    template = CadreFactory.build(name=name)
    data = {f: getattr(template, f) for f in ("name", "gender", "id_number", "birth_date")}
    data.update(unit=post.unit, position_title=post.title, position_start=START, rank_level=rank, rank_start=rank_start)
    return cadre_create(actor=None, data=data)


def open_post(cadre):
    return PostHistory.objects.get(cadre=cadre, end__isnull=True, is_secondment=False)


def snapshot():
    return (
        list(PostHistory.objects.order_by("id").values_list("id", "cadre_id", "post_id", "seat", "start", "end", "method")),
        list(RankHistory.objects.order_by("id").values_list("id", "cadre_id", "level", "start", "end")),
        list(Cadre.objects.order_by("id").values_list("id", "unit_id", "position_title", "position_start", "rank_level", "rank_start")),
        AuditEvent.objects.count(),
    )


def test_swap(staff):
    p1, p2 = PostFactory(title="局长甲"), PostFactory(title="局长乙")
    a, b = holder(p1, "甲某"), holder(p2, "乙某")
    rows = positions_assign(
        actor=staff, moves=[PositionMove(a, p2), PositionMove(b, p1)], effective=DAY, method="平级交流", document_no="开委〔2026〕1号"
    )
    assert [(r.cadre_id, r.post_id, r.seat, r.start, r.method, r.document_no) for r in rows] == [
        (a.pk, p2.pk, 1, DAY, "平级交流", "开委〔2026〕1号"), (b.pk, p1.pk, 1, DAY, "平级交流", "开委〔2026〕1号")]
    for cadre, old, new in ((a, p1, p2), (b, p2, p1)):
        closed = PostHistory.objects.get(cadre=cadre, post=old)
        assert closed.end == DAY - dt.timedelta(days=1)
        assert open_post(cadre).post == new
        cadre.refresh_from_db()
        assert (cadre.unit_id, cadre.position_title, cadre.position_start) == (new.unit_id, new.title, DAY)
        # same level: the rank is left alone
        assert (cadre.rank_level, cadre.rank_start) == ("副科级", dt.date(2019, 1, 1))
        assert cadre.history.first().history_user == staff
    events = AuditEvent.objects.filter(action="cadre.update", actor=staff)
    assert events.count() == 2
    assert all("平级交流" in e.summary for e in events)


def test_chain(staff):
    """A moves to B's post, B to C's post, C to a vacant post: every seat is free when it is taken."""
    pa, pb, pc, vacant = (PostFactory(title=t) for t in ("职位A", "职位B", "职位C", "职位D"))
    a, b, c = holder(pa, "甲链"), holder(pb, "乙链"), holder(pc, "丙链")
    positions_assign(
        actor=staff, moves=[PositionMove(a, pb), PositionMove(b, pc), PositionMove(c, vacant)], effective=DAY, method="平级交流"
    )
    assert [open_post(x).post for x in (a, b, c)] == [pb, pc, vacant]
    assert not PostHistory.objects.filter(post=pa, end__isnull=True).exists()
    assert PostHistory.objects.filter(end=DAY - dt.timedelta(days=1)).count() == 3


def test_full_seat_refused_and_nothing_written(staff):
    p1, full = PostFactory(title="局长丙"), PostFactory(title="副局长丙", headcount=1)
    a = holder(p1, "甲满")
    holder(full, "乙满")
    before = snapshot()
    with pytest.raises(ApplicationError, match="甲满：.*没有空余职数"):
        positions_assign(actor=staff, moves=[PositionMove(a, full)], effective=DAY, method="平级交流")
    assert snapshot() == before


def test_leave_post_id_closes_only_that_holding_first(staff):
    """A mover vacates the named holding in the first pass; the new holding opens on the same day."""
    p1, p2 = PostFactory(title="局长丁"), PostFactory(title="副局长丁", headcount=2)
    a = holder(p1, "甲离")
    row = positions_assign(actor=staff, moves=[PositionMove(a, p2, leave_post_id=p1.pk)], effective=DAY, method="平级交流")[0]
    assert (row.post, row.seat) == (p2, 1)
    assert PostHistory.objects.get(cadre=a, post=p1).end == DAY - dt.timedelta(days=1)


def test_rank_set_when_asked(staff):
    target = PostFactory(title="局长戊", level="正科级")
    a = holder(PostFactory(title="副局长戊"), "甲升")
    positions_assign(actor=staff, moves=[PositionMove(a, target, set_rank=True)], effective=DAY, method="提拔")
    a.refresh_from_db()
    assert (a.rank_level, a.rank_start) == ("正科级", DAY)
    assert list(RankHistory.objects.filter(cadre=a).order_by("start").values_list("level", "end")) == [
        ("副科级", DAY - dt.timedelta(days=1)), ("正科级", None)]
    assert open_post(a).level == "正科级"


def test_rank_not_set_unless_asked_or_missing(staff):
    target = PostFactory(title="局长己", level="正科级")
    a = holder(PostFactory(title="副局长己"), "甲平")
    positions_assign(actor=staff, moves=[PositionMove(a, target)], effective=DAY, method="平级交流")
    a.refresh_from_db()
    assert (a.rank_level, a.rank_start) == ("副科级", dt.date(2019, 1, 1))
    assert RankHistory.objects.filter(cadre=a).count() == 1

    # a cadre without a level takes the post's level
    b = CadreFactory(name="乙无", unit=OrgUnitFactory(), position_title="", rank_level="")
    other = PostFactory(title="副局长庚", level="副科级")
    positions_assign(actor=staff, moves=[PositionMove(b, other)], effective=DAY, method="调任")
    b.refresh_from_db()
    assert (b.rank_level, b.rank_start, b.position_title) == ("副科级", DAY, "副局长庚")
    assert RankHistory.objects.get(cadre=b, end__isnull=True).level == "副科级"


def test_annual_assessments_record(staff):
    a, b = CadreFactory(), CadreFactory()
    AssessmentFactory(cadre=a, year=2025, grade="称职")
    assert annual_assessments_record(actor=staff, year=2025, grades={a.pk: ("优秀", ""), b.pk: ("未定等次", "病假")}) == 2
    assert dict(AnnualAssessment.objects.filter(year=2025).values_list("cadre_id", "grade")) == {a.pk: "优秀", b.pk: "未定等次"}
    assert AnnualAssessment.objects.get(cadre=a, year=2025).history.first().history_user == staff
    # unchanged rows are not rewritten
    assert annual_assessments_record(actor=staff, year=2025, grades={a.pk: ("优秀", "")}) == 0
    with pytest.raises(ApplicationError, match="无效"):
        annual_assessments_record(actor=staff, year=2025, grades={a.pk: ("很好", "")})
