"""Kinship avoidance through family links (issue 15 part 3): every 称谓 seen from the other side, links constrain
both people, and each finding names the relative as the person it is about calls them."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.models import FamilyMember
from cadre.services import cadre_records_save
from rotation import rules, selectors, services
from rotation.rules import KinLink, Policy, kinship_of, relation_from_other_side
from rotation.rules.kinship import _BASE

from .conftest import AS_OF
from .test_plans import _plan
from .test_rules import person

EVERY_WORD = sorted(set(_BASE) | set(rules.known_relations()))

# (称谓 on the owner's record, owner's gender) → what the owner is to that relative
EXPECTED = [
    ("父亲", "男", "儿子"), ("父亲", "女", "女儿"), ("母亲", "男", "儿子"), ("母亲", "女", "女儿"),
    ("儿子", "男", "父亲"), ("儿子", "女", "母亲"), ("女儿", "男", "父亲"), ("女儿", "女", "母亲"),
    ("配偶", "男", "配偶"), ("妻子", "男", "丈夫"), ("丈夫", "女", "妻子"), ("爱人", "女", "配偶"),
    ("兄弟姐妹", "男", "兄弟"), ("兄弟姐妹", "女", "姐妹"), ("哥哥", "男", "弟弟"), ("哥哥", "女", "妹妹"),
    ("妹妹", "男", "哥哥"), ("姐姐", "女", "妹妹"), ("大哥", "男", "弟弟"), ("二姐", "女", "妹妹"),
    ("岳父", "男", "女婿"), ("岳母", "男", "女婿"), ("公公", "女", "儿媳"), ("婆婆", "女", "儿媳"),
    ("女婿", "男", "岳父"), ("女婿", "女", "岳母"), ("儿媳", "男", "公公"), ("儿媳", "女", "婆婆"),
    ("祖父", "男", "孙子"), ("外婆", "女", "外孙女"), ("孙女", "女", "祖母"), ("外孙", "男", "外祖父"),
    ("叔叔", "男", "侄子"), ("姑姑", "女", "侄女"), ("舅舅", "男", "外甥"), ("姨妈", "女", "外甥女"),
    ("侄子", "男", "伯父或叔父"), ("侄女", "女", "姑母"), ("外甥", "男", "舅父"), ("外甥女", "女", "姨母"),
    ("堂兄", "男", "堂弟"), ("表妹", "女", "表姐"), ("嫂子", "男", "小叔子"), ("弟媳", "女", "大姑子"),
    ("姐夫", "男", "小舅子"), ("妹夫", "女", "大姨子"), ("小舅子", "男", "姐夫"), ("大姨子", "男", "妹夫"),
    ("连襟", "男", "连襟"), ("妯娌", "女", "妯娌"), ("亲家", "男", "亲家"), ("亲家母", "女", "亲家母"),
    ("伯母", "男", "丈夫的侄子"), ("姑父", "女", "妻子的侄女"), ("侄媳", "男", "丈夫的伯父或叔父"),
    ("养父", "女", "养女"), ("继子", "男", "继父"), ("二女儿", "女", "母亲"), ("三叔", "男", "侄子"),
    ("配偶的兄弟姐妹", "女", "兄弟姐妹的配偶"), ("父亲的哥哥", "男", "弟弟的儿子"), ("配偶的父亲", "男", "女婿"),
    ("配偶的母亲", "女", "儿媳"), ("子女的配偶的父母", "男", "子女的配偶的父亲"),
]


@pytest.mark.parametrize("word,gender,expected", EXPECTED)
def test_relation_from_other_side(word, gender, expected):
    assert relation_from_other_side(word, gender) == expected


@pytest.mark.parametrize("word", EVERY_WORD)
def test_every_word_is_understood_from_the_other_side(word):
    for gender in ("男", "女", ""):
        other = relation_from_other_side(word, gender)
        assert other and not other.endswith("的亲属"), (word, gender, other)
        # the other side stays in the same avoidance category wherever the kinship rules read the inverse word
        if kinship_of(word) and kinship_of(other):
            assert kinship_of(other).category == kinship_of(word).category, (word, other)


STANDARD = ("父亲 母亲 儿子 女儿 妻子 丈夫 配偶 祖父 祖母 外祖父 外祖母 孙子 孙女 外孙 外孙女 哥哥 姐姐 弟弟 妹妹 兄弟 姐妹 "
            "姑母 舅父 姨母 外甥 外甥女 侄子 侄女 岳父 岳母 公公 婆婆 儿媳 女婿 嫂子 弟媳 姐夫 妹夫 大舅子 小舅子 大姨子 "
            "小姨子 大伯子 小叔子 大姑子 小姑子 连襟 妯娌 堂兄 堂姐 堂弟 堂妹 表兄 表姐 表弟 表妹 亲家公 亲家母 继父 继母 "
            "养父 养母 养子 养女 继子 继女").split()


@given(st.sampled_from(STANDARD), st.sampled_from(["男", "女"]))
def test_seen_from_the_other_side_twice_is_the_word_again(word, gender):
    other = relation_from_other_side(word, gender)
    assert relation_from_other_side(other, rules.gender_of_word(word)) == word


def test_unknown_word_never_names_the_wrong_side():
    assert relation_from_other_side("同学", "男") == "同学的亲属"
    assert relation_from_other_side("", "男") == ""


# ---------------------------------------------------------------------------------------------- pure findings
def _father_and_son(son_gender="男", relation="父亲"):
    father = person(cadre_id=1, name="王建国", post_title="局长", post_level="正科级")
    son = person(cadre_id=2, name="王小明", gender=son_gender, post_title="科员", post_level="一级科员", post_kind="职级",
                 post_id=101)
    return father, son, [KinLink(2, 1, relation, son_gender)]  # recorded on the son's record only


def test_link_on_the_sons_record_constrains_both_and_each_finding_speaks_for_its_person():
    father, son, links = _father_and_son()
    out = rules.must_rotate({1: father, 2: son}, links, Policy(), AS_OF)
    f_father = next(f for f in out[1] if f.rule == rules.RULE_KINSHIP)
    f_son = next(f for f in out[2] if f.rule == rules.RULE_KINSHIP)
    assert "与王小明（财政局科员）系直系血亲（儿子）" in f_father.reason and "父亲" not in f_father.reason
    assert "与王建国（财政局局长）系直系血亲（父亲）" in f_son.reason
    assert f_father.facts["relation"] == "儿子" and f_father.related_cadre_id == 2
    assert f_son.facts["relation"] == "父亲" and f_son.related_cadre_id == 1


def test_daughter_and_spouse_wording():
    father, daughter, links = _father_and_son(son_gender="女")
    out = rules.must_rotate({1: father, 2: daughter}, links, Policy(), AS_OF)
    assert "（女儿）" in next(f for f in out[1] if f.rule == rules.RULE_KINSHIP).reason
    husband, wife, _ = _father_and_son()
    out = rules.must_rotate({1: husband, 2: wife}, [KinLink(2, 1, "丈夫", "女")], Policy(), AS_OF)
    assert "配偶（妻子）" in next(f for f in out[1] if f.rule == rules.RULE_KINSHIP).reason
    assert "配偶（丈夫）" in next(f for f in out[2] if f.rule == rules.RULE_KINSHIP).reason


def test_conflict_check_speaks_for_the_placed_person():
    father, son, links = _father_and_son(relation="父亲")
    pairs = rules.kin_pairs(links)
    assert "系直系血亲（儿子）" in rules.kin_conflicts_with(father, [son], pairs)[0]
    assert "系直系血亲（父亲）" in rules.kin_conflicts_with(son, [father], pairs)[0]


def test_direction_unknown_keeps_the_recorded_word():
    kin = rules.Kinship("配偶", "配偶")
    assert kin.label_for(1) == kin.label_for(2) == "配偶（配偶）"


# ---------------------------------------------------------------------------------------------- with the roster
@pytest.mark.django_db
def test_family_row_linked_by_the_records_service_drives_the_due_list(world, staff_user):
    head = world.post(world.finance, "局长", level="正科级")
    clerk = world.post(world.finance, "科员", level="一级科员", kind="职级")
    father = world.place("王建国", head, birth=dt.date(1968, 3, 9))
    son = world.place("王小明", clerk, birth=dt.date(1992, 5, 1))
    cadre_records_save(actor=staff_user, cadre=son, family=[{
        "relation": "父亲", "name": "王建国", "birth_date": dt.date(1968, 3, 9), "id_number": father.id_number,
        "work_unit_and_post": "财政局局长",
    }])
    assert FamilyMember.objects.get(cadre=son).relative_cadre_id == father.pk
    assert [(k.cadre_id, k.relative_id, k.relation, k.cadre_gender) for k in selectors.kin_links()] == [
        (son.pk, father.pk, "父亲", "男")
    ]
    _people, _extras, findings = selectors.scan(AS_OF)
    mine = [f for f in findings.get(father.pk, []) if f.rule == rules.RULE_KINSHIP]
    assert mine and "与王小明" in mine[0].reason and "（儿子）" in mine[0].reason


@pytest.mark.django_db
def test_plan_check_names_the_relative_from_the_movers_side(world, staff_user):
    head = world.post(world.audit, "局长", level="正科级")
    dep = world.post(world.audit, "副局长")
    src = world.post(world.finance, "副局长")
    world.post(world.town, "副镇长")
    son = world.place("审计局长之子", head, birth=dt.date(1990, 1, 1))
    father = world.place("交流人", src, birth=dt.date(1966, 2, 1))
    FamilyMember.objects.create(cadre=son, relation="父亲", name="交流人", relative_cadre=father)
    plan = _plan(staff_user, world, [world.finance, world.audit, world.town])
    services.move_add(actor=staff_user, plan=plan, cadre=father, to_post=dep, kind="任职期满交流")
    errors = services.plan_check(plan)
    assert any("第1项（交流人" in e and "（儿子）" in e and "任职回避" in e for e in errors), errors
