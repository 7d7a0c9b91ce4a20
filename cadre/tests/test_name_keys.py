"""Names as official lists use them (issue 17, deliverable 5): 姓氏笔画 order, pinyin search, the person lookup."""
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from rest_framework.test import APIClient

from cadre import sortkeys as K
from cadre.filters import CadreFilter
from cadre.models import Cadre
from cadre.tests.factories import CadreFactory

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ANY_NAME_CHAR = st.one_of(
    CJK,
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),  # Extension A (㛃)
    st.characters(min_codepoint=0x20000, max_codepoint=0x323AF),  # Extensions B-H (𬌗)
    st.sampled_from("·ABCxyz "),
)
NAMES = st.text(ANY_NAME_CHAR, min_size=1, max_size=8)


def by_strokes(names):
    return sorted(names, key=K.stroke_key)


# ---------------------------------------------------------------- the stroke key (pure)


def test_official_order_keeps_each_surname_together():
    # the example: 王 and 方 both have 4 strokes; 王 starts with 横, 方 with 点 → all 王 first
    assert by_strokes(["王一阳", "方子宁", "王文飞", "王文俊", "毛文鹏"]) == ["王一阳", "王文飞", "王文俊", "毛文鹏", "方子宁"]


def test_stroke_count_then_first_stroke_then_following_strokes():
    assert by_strokes(["赵六", "丁一", "艾青", "王五"]) == ["丁一", "王五", "艾青", "赵六"]  # 2, 4, 5, 9 strokes
    # 5 strokes: 艾 (横) 白 (撇) 冯 (点) 司 (折)
    assert by_strokes(["司马光", "冯玉", "白云", "艾青"]) == ["艾青", "白云", "冯玉", "司马光"]
    # same first stroke 横: 王 一一丨一 vs 井 一一丿丨 → the third stroke (丨 before 丿) decides
    assert by_strokes(["井冈", "王冈"]) == ["王冈", "井冈"]


def test_compound_surname_is_one_surname_after_the_single_one():
    names = ["欧阳修", "欧明", "欧阳明", "欧小", "罗一"]
    # 欧 (8) then 罗 (8)? 欧 starts with 横, 罗 with 竖
    assert by_strokes(names) == ["欧小", "欧明", "欧阳明", "欧阳修", "罗一"]
    assert K.split_name("司马光") == ("司马", "光") and K.split_name("马光") == ("马", "光")
    assert K.split_name("欧阳") == ("欧", "阳")  # two characters only: surname 欧


def test_given_name_by_the_same_rule_shorter_first():
    assert by_strokes(["王一阳", "王一", "王二"]) == ["王一", "王一阳", "王二"]


def test_rare_characters_use_unihan_and_unknown_sort_last():
    assert K.strokes("㛃") == 9 and K.strokes("𬌗") == 10  # Unihan kTotalStrokes, Extension A and E
    assert K.stroke_order("王") == "1121" and K.stroke_order("方") == "4153"
    names = ["Tom", "李𬌗", "张㛃", "李明"]
    ordered = by_strokes(names)
    assert ordered[-1] == "Tom"  # no stroke data at all: after every character
    assert ordered.index("李明") < ordered.index("李𬌗")  # 李 group together; 明 (8) before 𬌗 (10)
    assert K.stroke_key("") == "00"


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_key_is_digits_only_and_never_fails(name):
    key = K.stroke_key(name)
    assert key.isdigit() and len(key) <= K.STROKE_KEY_LENGTH


@settings(max_examples=300, deadline=None)
@given(st.text(CJK, min_size=1, max_size=1), st.text(CJK, min_size=1, max_size=1), st.text(CJK, min_size=1, max_size=3),
       st.text(CJK, min_size=1, max_size=3))
def test_key_orders_by_surname_first(s1, s2, g1, g2):
    """Names of different one-character surnames order by the surname alone, whatever the given names."""
    n1, n2 = s1 + g1, s2 + g2
    if K.split_name(n1)[0] != s1 or K.split_name(n2)[0] != s2 or s1 == s2:
        return  # a compound surname took two characters
    t1, t2 = K.char_token(s1), K.char_token(s2)
    assert (K.stroke_key(n1) < K.stroke_key(n2)) == (t1 < t2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(CJK, min_size=2, max_size=4), min_size=2, max_size=12))
def test_same_surname_stays_together(names):
    ordered = by_strokes(names)
    surnames = [K.split_name(n)[0] for n in ordered]
    seen, last = set(), None
    for s in surnames:
        assert s == last or s not in seen, f"{s} split in {ordered}"
        seen.add(s)
        last = s


@settings(max_examples=200, deadline=None)
@given(CJK, CJK)
def test_token_compares_strokes_then_order(a, b):
    ta, tb = K.char_token(a), K.char_token(b)
    ca, cb = K.strokes(a) or 99, K.strokes(b) or 99
    if ca != cb:
        assert (ta < tb) == (ca < cb)


def test_bulk_keys_match_single_keys():
    names = ["余建军", "单雄信", "余建军", "尉迟恭"]
    assert K.stroke_keys_bulk(names) == [K.name_keys(n) for n in names]


# ---------------------------------------------------------------- pinyin keys


@pytest.mark.parametrize("name, search", [
    ("余建军", "yujianjun yjj"), ("单雄信", "shanxiongxin sxx"), ("曾国藩", "zengguofan zgf"), ("解缙", "xiejin xj"),
    ("区永", "ouyong oy"), ("仇英", "qiuying qy"), ("查良", "zhaliang zl"), ("朴正", "piaozheng pz"),
    ("尉迟恭", "yuchigong ycg"), ("万俟卨", "moqixie mqx"), ("秘书", "bishu bs"), ("缪斯", "miaosi ms"),
    ("盖伦", "gelun gl"), ("翟强", "zhaiqiang zq"), ("乐进", "yuejin yj"), ("覃林", "qinlin ql"),
])
def test_search_key_reads_the_surname_as_a_surname(name, search):
    assert K.search_key(name) == search


def test_normalize_query():
    assert K.normalize_query(" yu jian jun ") == ("yujianjun", "yujianjun")
    assert K.normalize_query("YJJ") == ("YJJ", "yjj")
    assert K.normalize_query("余 建军") == ("余建军", "")
    assert K.normalize_query("") == ("", "") and K.normalize_query(None) == ("", "")


# ---------------------------------------------------------------- search and lookup


@pytest.fixture
def yu(db):
    return CadreFactory(name="余建军")


@pytest.mark.parametrize("q", ["yu jian jun", "yujianjun", "yjj", "YJJ", "YuJianJun", "余建军", "jianjun"])
def test_roster_search_by_pinyin(staff_client, yu, q):
    CadreFactory(name="王五")
    page = staff_client.get(reverse("cadre:roster"), {"q": q}).content.decode()
    assert "余建军" in page and "王五" not in page


@pytest.mark.parametrize("q", ["yu jian jun", "yujianjun", "yjj", "YJJ"])
def test_api_search_by_pinyin(staff_user, yu, q):
    api = APIClient()
    api.force_authenticate(staff_user)
    names = [r["name"] for r in api.get(reverse("cadre-list"), {"q": q}).json()["results"]]
    assert names == ["余建军"]


def test_empty_and_too_long_searches(staff_client, yu):
    assert staff_client.get(reverse("cadre:roster"), {"q": "   "}).status_code == 200
    response = staff_client.get(reverse("cadre:roster"), {"q": "余" * 51})
    assert response.status_code == 200 and "关键字最多50个字" in response.content.decode()
    lookup = staff_client.get(reverse("cadre:lookup"), {"q": "y" * 51})
    assert lookup.status_code == 400 and lookup.json()["error"] == K.QUERY_TOO_LONG
    assert staff_client.get(reverse("cadre:lookup"), {"q": ""}).json() == {"results": [], "error": ""}


def test_lookup_for_staff_shows_full_numbers(staff_client, yu, django_assert_num_queries):
    CadreFactory(name="余建")
    with django_assert_num_queries(3):  # user (the session comes from the cache), their groups, the people (one query whatever the count)
        data = staff_client.get(reverse("cadre:lookup"), {"q": "yjj"}).json()
    assert [r["name"] for r in data["results"]] == ["余建军"]
    assert data["results"][0]["id_number"] == yu.id_number and data["results"][0]["birth"] == "1985.06"
    exact = staff_client.get(reverse("cadre:lookup"), {"q": "余建"}).json()["results"]
    assert [r["name"] for r in exact] == ["余建", "余建军"]  # the exact name first
    by_number = staff_client.get(reverse("cadre:lookup"), {"q": yu.id_number[:10]}).json()["results"]
    assert yu.pk in [r["id"] for r in by_number]


@pytest.mark.parametrize("role", ["leader_user", "observer_user"])
def test_lookup_masks_for_readers(client, request, yu, role):
    client.force_login(request.getfixturevalue(role))
    data = client.get(reverse("cadre:lookup"), {"q": "余建军"}).json()
    text = json.dumps(data, ensure_ascii=False)
    assert data["results"][0]["name"] == "余建军" and yu.id_number not in text and "19850615" not in text
    assert client.get(reverse("cadre:lookup"), {"q": yu.id_number[:10]}).json()["results"] == []


@pytest.mark.parametrize("role", ["judge_user", "candidate_user"])
def test_lookup_refused(client, request, yu, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("cadre:lookup"), {"q": "余建军"}).status_code == 403


def test_lookup_needs_login(client, yu):
    assert client.get(reverse("cadre:lookup"), {"q": "余建军"}).status_code == 302


def test_rekey_migration_function(db):
    """Existing rows are re-keyed by the data migration 0009 (its function run over stale keys)."""
    c = CadreFactory(name="单雄信")
    Cadre.objects.filter(pk=c.pk).update(stroke_key="0000|old", search_key="", pinyin_key="dan xiong xin")
    migration = importlib.import_module("cadre.migrations.0009_name_keys")
    migration.rekey(apps, None)  # the live registry stands in for the historical one
    c.refresh_from_db()
    assert (c.pinyin_key, c.stroke_key, c.search_key) == K.name_keys("单雄信")


def test_migrate_leaves_nothing_to_make(db):
    call_command("makemigrations", "cadre", "--check", "--dry-run", verbosity=0)


KEYWORD_PEOPLE = [("王伟", "副局长"), ("王丽丽", "科员"), ("李伟王", "局长"), ("欧阳娜", "王牌办主任"), ("张100%", "科_员")]


@pytest.mark.parametrize("q", ["王", "伟", "王伟", "丽丽", "丽丽丽", "局长", "王牌", "阳娜", "%", "_", "0%", "科_", "伟王", "无此人"])
def test_keyword_search_finds_exactly_the_people_whose_text_contains_it(staff_user, q):
    """On PostgreSQL the keyword also goes through the character indexes (migration 0012): the rows found are
    exactly those a plain `contains` finds, for one, two or repeated characters and LIKE's own % and _."""
    people = [CadreFactory(name=name, position_title=title) for name, title in KEYWORD_PEOPLE]
    filterset = CadreFilter({"q": q, "status": "在职"}, queryset=Cadre.objects.all(), request=type("R", (), {"user": staff_user}))
    found = set(filterset.qs.values_list("pk", flat=True))
    expected = {c.pk for c in people if q in c.name or q in c.position_title or q in (c.unit.name if c.unit_id else "")}
    assert found == expected


def test_two_character_given_names_read_as_pypinyin_reads_them():
    """The character-by-character shortcut for given names that are no phrase gives pypinyin's own answer."""
    pool = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌长乐朝重行曾单解觉藏率"
    for a in pool:
        for b in pool:
            given = a + b
            assert K._given_syllables(given) == tuple(lazy_pinyin(given, style=Style.NORMAL, errors="default")), given
