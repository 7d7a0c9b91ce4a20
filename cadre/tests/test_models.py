"""Database constraints and the current-position bookkeeping of the records."""
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadre import services
from cadre.models import Cadre, Post, PostHistory, RankHistory, month_text
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
from core.exceptions import ApplicationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_id_number_is_unique():
    c = CadreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CadreFactory(id_number=c.id_number)


def test_id_number_format_checked_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CadreFactory(id_number="33050219790401311x")


def test_gender_checked_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CadreFactory(gender="M")


def test_post_headcount_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(headcount=0)


def test_post_title_unique_within_unit():
    p = PostFactory(title="局长")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(unit=p.unit, title="局长")
    PostFactory(title="局长")  # same title in another unit is fine


def test_key_unit_needs_area():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnitFactory(is_key_unit=True, key_area="")


def test_one_open_post_history_row_per_seat():
    post = PostFactory(headcount=1)
    a, b = CadreFactory(), CadreFactory()
    PostHistory.objects.create(cadre=a, post=post, seat=1, title=post.title, start=dt.date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PostHistory.objects.create(cadre=b, post=post, seat=1, title=post.title, start=dt.date(2021, 1, 1))
    # a closed row on the same seat is history, not a clash
    PostHistory.objects.create(
        cadre=b, post=post, seat=1, title=post.title, start=dt.date(2010, 1, 1), end=dt.date(2019, 12, 31)
    )


def test_post_history_end_not_before_start():
    c = CadreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostHistory.objects.create(cadre=c, title="科员", start=dt.date(2020, 1, 1), end=dt.date(2019, 1, 1))


def test_one_open_rank_row_per_cadre():
    c = CadreFactory()
    RankHistory.objects.create(cadre=c, level="副科级", start=dt.date(2018, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RankHistory.objects.create(cadre=c, level="正科级", start=dt.date(2022, 1, 1))


def test_month_text_and_resume_line():
    assert month_text(dt.date(2016, 3, 1)) == "2016.03"
    assert month_text(dt.date(2016, 3, 15)) == "2016.03.15"
    assert month_text(None) == ""
    row = PostHistory(unit_name="东林镇", title="副镇长", start=dt.date(2008, 7, 1), end=dt.date(2012, 5, 31))
    assert row.resume_line == "2008.07--2012.05  东林镇副镇长"


def test_age_is_whole_years_completed():
    c = Cadre(birth_date=dt.date(1981, 6, 15))
    assert c.age_on(dt.date(2026, 6, 14)) == 44
    assert c.age_on(dt.date(2026, 6, 15)) == 45


def test_sort_keys_filled_on_save():
    c = CadreFactory(name="王五", rank_level="正科级")
    assert c.stroke_key.startswith("04")  # 王: 4 strokes (the full key: cadre/tests/test_name_keys.py)
    assert c.pinyin_key == "wang wu" and c.search_key == "wangwu ww"
    assert c.rank_order == 0


def test_infer_unit_kind():
    assert services.infer_unit_kind("东林镇") == "乡镇"
    assert services.infer_unit_kind("西山乡") == "乡镇"
    assert services.infer_unit_kind("凤凰街道") == "街道"
    assert services.infer_unit_kind("区财政局") == "机关"


def _data(**over):
    data = {
        "name": "张  三",
        "gender": "男",
        "id_number": "330502197904013110",
        "birth_date": dt.date(1979, 4, 1),
        "position_title": "副局长",
        "rank_level": "副科级",
        "position_start": dt.date(2020, 6, 1),
        "rank_start": dt.date(2020, 6, 1),
    }
    data.update(over)
    return data


def test_cadre_create_validates_and_opens_history(staff_user):
    unit = OrgUnitFactory(name="区财政局")
    post = Post.objects.create(unit=unit, title="副局长", level="副科级", headcount=2)
    cadre = services.cadre_create(actor=staff_user, data=_data(unit=unit))
    assert cadre.name == "张三"
    open_post = PostHistory.objects.get(cadre=cadre, end__isnull=True)
    assert open_post.post == post and open_post.seat == 1 and open_post.unit_name == "区财政局"
    assert RankHistory.objects.get(cadre=cadre, end__isnull=True).level == "副科级"
    assert AuditEvent.objects.filter(action="cadre.create", object_id=str(cadre.pk)).exists()
    assert cadre.history.count() == 1 and cadre.history.first().history_user == staff_user


@pytest.mark.parametrize(
    "over, message",
    [
        ({"gender": "女"}, "与性别「女」不符"),
        ({"birth_date": dt.date(1979, 5, 1)}, "与出生年月1979.05不符"),
        ({"id_number": "330502197904013111"}, "校验位错误"),
        ({"name": "  "}, "姓名不能为空"),
    ],
)
def test_cadre_create_refuses_bad_input(staff_user, over, message):
    with pytest.raises(ApplicationError, match=message):
        services.cadre_create(actor=staff_user, data=_data(**over))
    assert Cadre.objects.count() == 0


def test_cadre_create_refuses_duplicate(staff_user):
    services.cadre_create(actor=staff_user, data=_data())
    with pytest.raises(ApplicationError, match="已存在"):
        services.cadre_create(actor=staff_user, data=_data(name="李四"))


def test_position_change_closes_old_row_and_opens_new(staff_user):
    unit = OrgUnitFactory(name="区审计局")
    cadre = services.cadre_create(actor=staff_user, data=_data(unit=unit))
    services.cadre_update(
        actor=staff_user,
        cadre=cadre,
        data={"position_title": "局长", "rank_level": "正科级", "position_start": dt.date(2024, 3, 1), "rank_start": dt.date(2024, 3, 1)},
    )
    rows = list(PostHistory.objects.filter(cadre=cadre).order_by("start"))
    assert [(r.title, r.end) for r in rows] == [("副局长", dt.date(2024, 2, 29)), ("局长", None)]
    ranks = list(RankHistory.objects.filter(cadre=cadre).order_by("start"))
    assert [(r.level, r.end) for r in ranks] == [("副科级", dt.date(2024, 2, 29)), ("正科级", None)]
    assert cadre.history.count() == 2
    assert AuditEvent.objects.filter(action="cadre.update").count() == 1


def test_update_without_change_writes_nothing(staff_user):
    cadre = services.cadre_create(actor=staff_user, data=_data())
    services.cadre_update(actor=staff_user, cadre=cadre, data={"name": "张三"})
    assert cadre.history.count() == 1
    assert not AuditEvent.objects.filter(action="cadre.update").exists()


def test_full_post_is_not_overfilled(staff_user):
    unit = OrgUnitFactory(name="区发改局")
    Post.objects.create(unit=unit, title="副局长", level="副科级", headcount=1)
    services.cadre_create(actor=staff_user, data=_data(unit=unit))
    second = services.cadre_create(
        actor=staff_user, data=_data(unit=unit, id_number="330502198311013312", name="郑强", birth_date=dt.date(1983, 11, 1))
    )
    row = PostHistory.objects.get(cadre=second, end__isnull=True)
    assert row.post is None and row.seat is None
