"""Pure must-rotate and avoidance rules at their boundaries."""
import datetime as dt

import pytest

from rotation import rules
from rotation.rules import Policy, PersonFacts, kinship_of

AS_OF = dt.date(2026, 3, 15)


def person(**kw):
    base = dict(
        cadre_id=1, name="张三", gender="男", birth_date=dt.date(1980, 5, 1), unit_id=10, unit_name="财政局",
        post_id=100, post_title="副局长", post_level="副科级", post_kind="领导职务", position_start=dt.date(2020, 1, 1),
    )
    base.update(kw)
    return PersonFacts(**base)


def test_same_post_ten_years_boundary():
    p = person(position_start=dt.date(2016, 3, 15))
    f = rules.rule_same_post(p, Policy(), AS_OF)
    assert f and f.rule == "same_post" and "2016.03 起已满 10 年" in f.reason
    assert rules.rule_same_post(person(position_start=dt.date(2016, 3, 16)), Policy(), AS_OF) is None
    assert rules.rule_same_post(person(position_start=dt.date(2019, 3, 15)), Policy(same_post_years=7), AS_OF)


def test_key_post_head_five_years():
    head = dict(post_title="局长", post_level="正科级", unit_is_key=True, unit_key_area="财政")
    f = rules.rule_key_post(person(position_start=dt.date(2021, 3, 15), **head), Policy(), AS_OF)
    assert f.reason == "任财政局局长 2021.03 起已满 5 年（重要岗位满一届）"
    assert rules.rule_key_post(person(position_start=dt.date(2021, 3, 16), **head), Policy(), AS_OF) is None
    # a deputy of a key unit is not a key-post 正职
    assert rules.rule_key_post(person(position_start=dt.date(2015, 1, 1), unit_is_key=True), Policy(), AS_OF) is None
    # an explicitly flagged key post in an ordinary unit
    assert rules.rule_key_post(
        person(position_start=dt.date(2020, 1, 1), post_title="主任", post_level="正科级", is_key_post=True), Policy(), AS_OF
    )


def test_local_avoidance():
    p = person(post_title="局长", post_level="正科级", unit_is_key=True, unit_locality="东林镇",
               grew_up_place="浙江省湖州市东林镇", native_place="江苏南京")
    f = rules.rule_local(p, Policy(), AS_OF)
    assert f and "成长地“浙江省湖州市东林镇”" in f.reason and "东林镇" in f.reason
    assert rules.rule_local(person(unit_locality="东林镇", grew_up_place="东林镇"), Policy(), AS_OF) is None  # not key
    assert rules.rule_local(person(unit_locality="东林镇", native_place="东林镇", needs_local_avoidance=True), Policy(), AS_OF)
    assert rules.rule_local(p, Policy(local_avoidance=False), AS_OF) is None
    assert rules.rule_local(person(unit_locality="东林镇", grew_up_place="西林镇", needs_local_avoidance=True), Policy(), AS_OF) is None


@pytest.mark.parametrize(
    "word,category",
    [
        ("配偶", "配偶"), ("妻子", "配偶"), ("父亲", "直系血亲"), ("外孙女", "直系血亲"), ("祖父", "直系血亲"),
        ("哥哥", "三代以内旁系血亲"), ("二姐", "三代以内旁系血亲"), ("堂兄弟", "三代以内旁系血亲"), ("表姐妹", "三代以内旁系血亲"),
        ("舅父", "三代以内旁系血亲"), ("外甥女", "三代以内旁系血亲"), ("父亲的哥哥", "三代以内旁系血亲"),
        ("配偶的兄弟姐妹", "近姻亲"), ("岳父", "近姻亲"), ("儿媳", "近姻亲"), ("嫂子", "近姻亲"), ("小姨子", "近姻亲"),
        ("兄弟姐妹的配偶", "近姻亲"), ("配偶的兄弟姐妹的配偶", "近姻亲"), ("亲家", "近姻亲"), ("姑父", "近姻亲"),
        ("配偶的父亲", "近姻亲"),
    ],
)
def test_kinship_inside_circle(word, category):
    assert kinship_of(word).category == category


@pytest.mark.parametrize("word", ["其他", "配偶的堂兄弟", "配偶的祖父", "同学", "", "配偶的表姐的配偶"])
def test_kinship_outside_circle(word):
    assert kinship_of(word) is None


def _pair(a_kw, b_kw, relation="配偶"):
    a = person(cadre_id=1, name="甲", **a_kw)
    b = person(cadre_id=2, name="乙", **b_kw)
    links = [rules.KinLink(1, 2, relation)]
    return rules.must_rotate({1: a, 2: b}, links, Policy(), AS_OF)


def test_kinship_situations():
    head = dict(post_title="局长", post_level="正科级")
    # (a) direct superior–subordinate in one unit
    out = _pair(head, dict(post_title="科员", post_level="一级科员", post_kind="职级", post_id=101))
    assert "同一单位直接上下级" in out[1][0].reason and out[2][0].related_cadre_id == 1
    # (b) both in the leadership
    out = _pair(head, dict(post_id=101))
    assert "同在单位领导班子" in out[1][0].reason
    # (c) 财务 work in the unit the relative leads
    out = _pair(dict(post_title="副局长"), dict(post_title="财务股科员", post_level="一级科员", post_kind="职级", post_id=101),
                relation="配偶的兄弟姐妹")
    assert "从事组织、人事、纪检、监察、审计、财务工作" in out[2][0].reason and "近姻亲" in out[2][0].reason
    # different units: no conflict; relation outside the circle: none
    assert _pair(head, dict(unit_id=11, unit_name="审计局", post_id=200)) == {}
    assert _pair(head, dict(post_id=101), relation="配偶的堂兄弟") == {}


def test_exemptions_boundaries():
    base = dict(post_title="局长", post_level="正科级", unit_is_key=True)
    # less than 2 years in post → exempt; exactly 2 years → due (here: same post rule lowered to 2)
    pol = Policy(same_post_years=1)  # lowered so the rule fires inside the first two years
    f = rules.must_rotate({1: person(position_start=dt.date(2024, 3, 16), **base)}, [], pol, AS_OF)[1][0]
    assert f.exempt and "不满 2 年" in f.exempt_reason
    f = rules.must_rotate({1: person(position_start=dt.date(2024, 3, 15), **base)}, [], pol, AS_OF)[1][0]
    assert not f.exempt
    # within two years of the statutory retirement (the 2024 table): a man born 1967-07-15 retires at 60 岁 8 个月
    # on 2028-03-15 → exempt on 2026-03-15 (inclusive); born a day later → due
    old = person(position_start=dt.date(2010, 1, 1), birth_date=dt.date(1967, 7, 15))
    f = rules.must_rotate({1: old}, [], Policy(), AS_OF)[1][0]
    assert f.exempt_reason == "1967.07 出生，法定退休年龄 60 岁 8 个月（2028年3月到龄退休），距退休不足 2 年"
    young = person(position_start=dt.date(2010, 1, 1), birth_date=dt.date(1967, 7, 16))
    assert not rules.must_rotate({1: young}, [], Policy(), AS_OF)[1][0].exempt
    # the old fixed 60 would have exempted a man born 1968-03-15 (retires 2029.01 at 60 岁 10 个月): not any more
    assert not rules.must_rotate({1: person(position_start=dt.date(2010, 1, 1), birth_date=dt.date(1968, 3, 15))},
                                 [], Policy(), AS_OF)[1][0].exempt
    # women cadres: original 55 → born 1972-07-15 retires at 55 岁 8 个月 on 2028-03-15: exempt
    woman = person(position_start=dt.date(2010, 1, 1), gender="女", birth_date=dt.date(1972, 7, 15))
    f = rules.must_rotate({1: woman}, [], Policy(), AS_OF)[1][0]
    assert f.exempt and "55 岁 8 个月（2028年3月到龄退休）" in f.exempt_reason
    assert not rules.must_rotate({1: woman}, [], Policy(retirement_age_female=60), AS_OF)[1][0].exempt
    # someone born before the start keeps the original age: born 1964-06 → 60 on 2024.06, long exempt
    f = rules.must_rotate({1: person(position_start=dt.date(2010, 1, 1), birth_date=dt.date(1964, 6, 1))}, [], Policy(), AS_OF)[1][0]
    assert "法定退休年龄 60 岁（2024年6月到龄退休）" in f.exempt_reason
    # avoidance can be made never exempt
    p = person(position_start=dt.date(2025, 1, 1), needs_local_avoidance=True, unit_locality="东林镇", grew_up_place="东林镇")
    assert rules.must_rotate({1: p}, [], Policy(), AS_OF)[1][0].exempt
    assert not rules.must_rotate({1: p}, [], Policy(exempt_avoidance=False), AS_OF)[1][0].exempt


def test_move_type():
    assert rules.move_type("副科级", "正科级") == "提拔"
    assert rules.move_type("正科级", "副科级") == "降职"
    assert rules.move_type("副科级", "三级主任科员") == "平级"
