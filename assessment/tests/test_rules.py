from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment import rules


@pytest.mark.parametrize(
    "text,choice,valid",
    [
        ("", "", True),
        ("优秀", "优秀", True),
        ("2", "称职", True),
        ("优秀,称职", "优秀", False),  # marked twice → invalid for that target
        ("1 4", "优秀", False),
        ("1，1", "优秀", True),  # the same option twice is still one option
        ("称职、基本称职", "称职", False),
    ],
)
def test_paper_cell_evaluation(text, choice, valid):
    mark = rules.parse_paper_cell("评价", text)
    assert (mark.choice, mark.valid) == (choice, valid)


def test_paper_cell_masses_reason():
    assert rules.parse_paper_cell("群众", "优 服务热情周到").valid is True
    assert rules.parse_paper_cell("群众", "优").valid is False
    assert rules.parse_paper_cell("群众", "差").problem.startswith("评“差”须写明理由")
    assert rules.parse_paper_cell("群众", "良").valid is True
    assert rules.parse_paper_cell("群众", "1 很好").valid is True  # 1 = 优, reason 很好


def test_paper_cell_unknown_option():
    with pytest.raises(ValueError, match="“很好”不是有效选项"):
        rules.parse_paper_cell("评价", "很好")
    with pytest.raises(ValueError):
        rules.parse_paper_cell("推荐", "4")


def test_weight_errors():
    assert rules.weight_errors([Decimal(30), Decimal(50), Decimal(20)]) == []
    assert rules.weight_errors([Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]) == []
    assert rules.weight_errors([Decimal(60), Decimal(60)]) == ["各测评人类别权重之和为 120%，应为 100%"]
    assert "须大于 0" in rules.weight_errors([Decimal(0), Decimal(100)])[0]


@pytest.mark.parametrize(
    "grades,allowed,exceeded",
    [
        (["优秀", "优秀"] + ["称职"] * 8, 2, False),  # 2 of 10 = 20 %: at the limit
        (["优秀"] * 3 + ["称职"] * 7, 2, True),  # 3 of 10
        (["优秀"] * 2 + ["称职"] * 7, 1, True),  # ⌊9 × 20 %⌋ = 1
        (["优秀"] + ["称职"] * 3, 0, True),  # 4 staff: no 优秀 place
        (["优秀"] + ["称职"] * 4, 1, False),
        (["优秀"] * 2 + ["称职"] * 8 + ["未定等次"], 2, False),  # 未定等次 counts as assessed
    ],
)
def test_excellent_quota(grades, allowed, exceeded):
    q = rules.excellent_quota(grades)
    assert (q.allowed, q.exceeded) == (allowed, exceeded)


def test_excellent_quota_percent_configurable():
    assert rules.excellent_quota(["优秀"] * 3 + ["称职"] * 7, Decimal(30)).exceeded is False


def test_sampling_reproducible_and_sensitive():
    people = rules.normalize_population([f"居民{i:03d}" for i in range(200)] + ["", " 居民001 "])
    assert len(people) == 200
    a = rules.draw_sample(people, 15, 20260601)
    assert a == rules.draw_sample(list(people), 15, 20260601)
    assert len(set(a)) == 15 and set(a) <= set(people)
    assert rules.draw_sample(people, 15, 20260602) != a
    # pinned: the draw must stay reproducible across releases for the audit
    assert rules.draw_sample([f"居民{i}" for i in range(10)], 3, 42) == ["居民1", "居民0", "居民4"]
    with pytest.raises(ValueError, match="超过名单人数"):
        rules.draw_sample(people, 201, 1)


@given(st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=40, unique=True), st.integers(0, 2**48))
def test_sampling_property(names, seed):
    people = rules.normalize_population(names)
    if not people:
        return
    k = max(1, len(people) // 2)
    sample = rules.draw_sample(people, k, seed)
    assert sample == rules.draw_sample(people, k, seed)
    assert len(set(sample)) == k and set(sample) <= set(people)


def test_content_hash_canonical():
    assert rules.content_hash({"b": 1, "a": "张"}) == rules.content_hash({"a": "张", "b": 1})
    assert rules.content_hash({"a": 1}) != rules.content_hash({"a": 2})


def test_judge_ballot_blank_and_missing():
    marks = rules.judge_ballot("评价", [1, 2, 3], {"1": "优秀", 2: {"choice": "", "reason": ""}})
    assert [(m.target_id, m.choice, m.valid) for m in marks] == [(1, "优秀", True), (2, "", True), (3, "", True)]
