"""Roster search (filters, age bands, sorting), education display, change log and unit tree."""
import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from cadre import selectors
from cadre.filters import birth_range_for_ages, unit_with_descendants, years_before
from cadre.idnumber import make_id_number
from cadre.models import Cadre, EducationRecord, PostHistory
from cadre.services import cadre_create, cadre_update
from cadre.tests.factories import CadreFactory, EducationFactory, FamilyMemberFactory, OrgUnitFactory, PostFactory

pytestmark = pytest.mark.django_db


def names(qs):
    return [c.name for c in qs]


def search(user, **params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    return selectors.roster_search(user=user, params=query)[1]


# ---------------------------------------------------------------- ages
def test_years_before_handles_leap_day():
    assert years_before(dt.date(2026, 6, 15), 45) == dt.date(1981, 6, 15)
    assert years_before(dt.date(2028, 2, 29), 31) == dt.date(1997, 2, 28)
    assert years_before(dt.date(2028, 2, 29), 32) == dt.date(1996, 2, 29)


def test_birth_range_for_ages_matches_cadre_age():
    on = dt.date(2026, 6, 15)
    after, on_or_before = birth_range_for_ages(on, 31, 35)
    assert after == dt.date(1990, 6, 15) and on_or_before == dt.date(1995, 6, 15)
    # every birth date in the range has an age in the band, and the edges just outside do not
    for birth in [after + dt.timedelta(days=1), on_or_before]:
        assert 31 <= Cadre(birth_date=birth).age_on(on) <= 35
    assert Cadre(birth_date=after).age_on(on) == 36
    assert Cadre(birth_date=on_or_before + dt.timedelta(days=1)).age_on(on) == 30


@time_machine.travel(dt.datetime(2026, 6, 15, 1, 0, tzinfo=dt.timezone.utc), tick=False)
def test_age_band_filter_uses_shanghai_today(staff_user):
    # 2026-06-15 01:00 UTC is 09:00 in Shanghai: a person born 1995-06-15 turns 31 today
    CadreFactory(name="刚满三十一", birth_date=dt.date(1995, 6, 15))
    CadreFactory(name="还是三十", birth_date=dt.date(1995, 6, 16))
    CadreFactory(name="五十六", birth_date=dt.date(1970, 6, 15))
    CadreFactory(name="五十五", birth_date=dt.date(1970, 6, 16))
    assert names(search(staff_user, age_band="31-35")) == ["刚满三十一"]
    assert names(search(staff_user, age_band="-30")) == ["还是三十"]
    assert names(search(staff_user, age_band="56-")) == ["五十六"]
    assert names(search(staff_user, age_band="51-55")) == ["五十五"]


# ---------------------------------------------------------------- filters
def test_status_defaults_to_active_only_when_absent(staff_user):
    CadreFactory(name="在职者")
    CadreFactory(name="退休者", status="退休")
    assert names(search(staff_user)) == ["在职者"]
    assert set(names(search(staff_user, status=""))) == {"在职者", "退休者"}
    assert names(search(staff_user, status="退休")) == ["退休者"]


def test_education_filter_matches_either_record(staff_user):
    a = CadreFactory(name="全日制研究生")
    EducationFactory(cadre=a, mode="全日制", level="研究生")
    b = CadreFactory(name="在职研究生")
    EducationFactory(cadre=b, mode="全日制", level="大学专科")
    EducationFactory(cadre=b, mode="在职", level="研究生")
    c = CadreFactory(name="本科")
    EducationFactory(cadre=c, mode="全日制", level="大学本科")
    assert set(names(search(staff_user, education="研究生"))) == {"全日制研究生", "在职研究生"}
    assert names(search(staff_user, education="大学专科")) == ["在职研究生"]


def test_unit_filter_with_sub_units(staff_user):
    root = OrgUnitFactory(name="东林镇")
    child = OrgUnitFactory(name="东林镇社会事务办", parent=root)
    grandchild = OrgUnitFactory(name="东林镇文化站", parent=child)
    CadreFactory(name="镇里", unit=root)
    CadreFactory(name="办里", unit=child)
    CadreFactory(name="站里", unit=grandchild)
    CadreFactory(name="外单位")
    assert names(search(staff_user, unit=root.pk)) == ["镇里"]
    assert set(names(search(staff_user, unit=root.pk, include_sub="on"))) == {"镇里", "办里", "站里"}
    assert set(unit_with_descendants(child.pk)) == {child.pk, grandchild.pk}


def test_simple_choice_filters(staff_user):
    CadreFactory(name="甲", gender="女", political_status="群众", staffing_type="事业", rank_level="副科级")
    CadreFactory(name="乙", gender="男", political_status="中共党员", staffing_type="公务员", rank_level="一级科员")
    assert names(search(staff_user, gender="女")) == ["甲"]
    assert names(search(staff_user, political_status="中共党员")) == ["乙"]
    assert names(search(staff_user, staffing_type="事业")) == ["甲"]
    assert names(search(staff_user, rank_level="副科级")) == ["甲"]


def test_text_search(staff_user, leader_user):
    unit = OrgUnitFactory(name="审计局")
    c = CadreFactory(name="张三丰", unit=unit, position_title="副局长")
    CadreFactory(name="李四")
    assert names(search(staff_user, q="三丰")) == ["张三丰"]
    assert names(search(staff_user, q="张 三")) == ["张三丰"]  # spaces inside a name are ignored
    assert names(search(staff_user, q="zhang")) == ["张三丰"]
    assert names(search(staff_user, q="Zhang San")) == ["张三丰"]
    assert names(search(staff_user, q="审计局副局长"[:3])) == ["张三丰"]
    assert names(search(staff_user, q="副局长")) == ["张三丰"]
    assert names(search(staff_user, q=c.id_number)) == ["张三丰"]
    assert names(search(leader_user, q=c.id_number)) == []
    assert names(search(AnonymousUser(), q=c.id_number)) == []


def test_invalid_parameters_are_ignored_not_fatal(staff_user):
    CadreFactory(name="某人")
    filterset, qs = selectors.roster_search(user=staff_user, params={"unit": "999999", "age_band": "x", "sort": "nope"})
    assert names(qs) == ["某人"]
    assert filterset.sort_key == "position"


# ---------------------------------------------------------------- sorting
def test_sort_orders(staff_user):
    first_unit = OrgUnitFactory(name="甲单位", order=1)
    second_unit = OrgUnitFactory(name="乙单位", order=2)
    CadreFactory(name="王五", unit=second_unit, rank_level="正科级", birth_date=dt.date(1980, 1, 1))
    CadreFactory(name="丁一", unit=second_unit, rank_level="副科级", birth_date=dt.date(1990, 1, 1))
    CadreFactory(name="赵六", unit=first_unit, rank_level="副科级", birth_date=dt.date(1975, 1, 1))
    CadreFactory(name="艾青", unit=first_unit, rank_level="一级科员", birth_date=dt.date(1995, 1, 1))
    # 职务 order: 正科 before 副科; within a level, the unit's 排序
    assert names(search(staff_user)) == ["王五", "赵六", "丁一", "艾青"]
    assert names(search(staff_user, sort="position")) == ["王五", "赵六", "丁一", "艾青"]
    assert names(search(staff_user, sort="pinyin")) == ["艾青", "丁一", "王五", "赵六"]
    # strokes: 丁(2) 王(4) 艾(5) 赵(9)
    assert names(search(staff_user, sort="strokes")) == ["丁一", "王五", "艾青", "赵六"]
    assert names(search(staff_user, sort="age")) == ["艾青", "丁一", "王五", "赵六"]
    assert names(search(staff_user, sort="birth")) == ["赵六", "王五", "丁一", "艾青"]


def test_roster_queryset_iterates_without_per_row_queries(staff_user, django_assert_num_queries):
    for i in range(30):
        c = CadreFactory(birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i))
        EducationFactory(cadre=c, mode="全日制", level="大学本科")
        EducationFactory(cadre=c, mode="在职", level="研究生")
    _, qs = selectors.roster_search(user=staff_user, params={})
    with django_assert_num_queries(2):  # rows with their units, then the education records
        texts = [(c.current_job, selectors.education_text(c.educations.all())) for c in qs]
    assert len(texts) == 30 and texts[0][1] == "研究生（在职）"


# ---------------------------------------------------------------- education display
def test_highest_education():
    full = EducationRecord(mode="全日制", level="大学本科")
    part = EducationRecord(mode="在职", level="研究生")
    same = EducationRecord(mode="在职", level="大学本科")
    empty = EducationRecord(mode="在职", level="", degree="硕士")
    assert selectors.highest_education([full, part]) is part
    assert selectors.highest_education([same, full]) is full  # 全日制 wins a tie
    assert selectors.highest_education([empty]) is None
    assert selectors.education_text([full, part]) == "研究生（在职）"
    assert selectors.education_text([full]) == "大学本科"
    assert selectors.education_text([]) == ""


# ---------------------------------------------------------------- change log
def test_change_log_lists_field_changes_with_user_and_related_rows(staff_user):
    unit_a = OrgUnitFactory(name="商务局")
    unit_b = OrgUnitFactory(name="发改局")
    cadre = cadre_create(
        actor=staff_user,
        data={
            "name": "钱伟",
            "gender": "男",
            "id_number": make_id_number("330502", dt.date(1985, 1, 2), 9, "男"),
            "unit": unit_a,
            "position_title": "科员",
            "rank_level": "一级科员",
            "position_start": dt.date(2010, 1, 1),
        },
    )
    cadre_update(actor=staff_user, cadre=cadre, data={"unit": unit_b, "position_start": dt.date(2020, 3, 1), "health": "良好"})
    member = FamilyMemberFactory(cadre=cadre, relation="母亲", name="孙梅", id_number=make_id_number("330502", dt.date(1960, 1, 1), 4, "女"))
    member.delete()

    log = selectors.cadre_change_log(cadre, mask_ids=False)
    update = next(e for e in log if e.section == "基本信息" and e.action == "修改")
    changes = {c.label: (c.old, c.new) for c in update.changes}
    assert changes["工作单位"] == ("商务局", "发改局")
    assert changes["任现职时间"] == ("2010.01", "2020.03")
    assert changes["健康状况"] == ("健康", "良好")
    assert update.who == "组织部小王"
    created = next(e for e in log if e.section == "基本信息" and e.action == "新增")
    assert ("身份证号", cadre.id_number) in {(c.label, c.new) for c in created.changes}
    closed = next(e for e in log if e.section == "任职经历" and e.action == "修改")
    assert {c.label for c in closed.changes} == {"终止时间"}
    assert [e.action for e in log if e.section == "家庭成员"] == ["删除", "新增"]
    assert log == sorted(log, key=lambda e: e.when, reverse=True)

    masked = selectors.cadre_change_log(cadre)
    texts = " ".join(c.new for e in masked for c in e.changes)
    assert cadre.id_number not in texts and "330502********" in texts


# ---------------------------------------------------------------- units
def test_unit_tree_order_and_totals():
    root = OrgUnitFactory(name="管委会", order=1)
    bureau = OrgUnitFactory(name="财政局", parent=root, order=20, is_key_unit=True, key_area="财政")
    office = OrgUnitFactory(name="党政办", parent=root, order=10)
    town = OrgUnitFactory(name="西山镇", order=2, kind="乡镇")
    head = PostFactory(unit=bureau, title="局长", level="正科级", headcount=1)
    deputy = PostFactory(unit=bureau, title="副局长", headcount=2)
    PostFactory(unit=bureau, title="停用岗", headcount=3, is_active=False)
    for i, post in enumerate([head, deputy]):
        c = CadreFactory(unit=bureau)
        PostHistory.objects.create(cadre=c, unit=bureau, post=post, seat=1, title=post.title, start=dt.date(2020, 1, 1))
    old = CadreFactory(unit=bureau, status="退休")
    PostHistory.objects.create(cadre=old, unit=bureau, post=deputy, seat=2, title="副局长", start=dt.date(2010, 1, 1), end=dt.date(2019, 1, 1))

    tree = selectors.unit_tree()
    assert [(s.unit.name, s.depth) for s in tree] == [("管委会", 0), ("党政办", 1), ("财政局", 1), ("西山镇", 0)]
    fin = next(s for s in tree if s.unit == bureau)
    assert (fin.post_count, fin.headcount, fin.holders, fin.vacancies, fin.cadre_count) == (2, 3, 2, 1, 2)
    assert next(s for s in tree if s.unit == office).post_count == 0
    assert town in [s.unit for s in tree]

    posts = selectors.unit_posts(bureau)
    by_title = {p.title: p for p in posts}
    assert by_title["副局长"].vacancy == 1 and len(by_title["副局长"].open_holdings) == 1
    assert by_title["局长"].vacancy == 0
    assert posts[-1].title == "停用岗"  # inactive posts last
    assert selectors.unit_totals(posts) == {"post_count": 3, "headcount": 3, "holders": 2, "vacancies": 1}
