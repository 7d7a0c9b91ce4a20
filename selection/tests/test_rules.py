"""The pure arithmetic of a campaign, with hand-computed numbers and property tests."""
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection import rules

scores = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


class TestTrimmedMean:
    def test_five_judges_drop_highest_and_lowest(self):
        # 99 and 70 dropped: (90 + 85.5 + 88) / 3 = 87.8333… → 87.83
        assert rules.trimmed_mean([D("90"), D("85.5"), D("70"), D("88"), D("99")]) == D("87.83")

    def test_four_judges_plain_mean(self):
        # below the 5-judge threshold nothing is dropped: (90 + 80 + 70 + 61) / 4 = 75.25
        assert rules.trimmed_mean([D(90), D(80), D(70), D(61)]) == D("75.25")

    def test_threshold_is_configurable(self):
        assert rules.trimmed_mean([D(90), D(80), D(70), D(61)], trim_min_judges=4) == D("75.00")
        assert rules.trimmed_mean([D(90), D(80), D(70), D(60), D(50)], trim_min_judges=7) == D("70.00")

    def test_rounding_only_at_the_end_half_up(self):
        # (85.1 + 85.1 + 85.2) / 3 = 85.1333 → 85.13; (80.1 + 80.2 + 80.2 + 80.2 + 80.1 dropped hi/lo) = 80.1666 → 80.17
        assert rules.trimmed_mean([D("85.1"), D("85.1"), D("85.2")]) == D("85.13")
        assert rules.trimmed_mean([D("80.1"), D("80.2"), D("80.2"), D("80.1"), D("80.0")]) == D("80.13")
        assert rules.trimmed_mean([D("0.5"), D("0.5"), D("0.5"), D("0.5"), D("0.5"), D("0.5"), D("0.5"), D("0.6")]) == D("0.50")
        assert rules.trimmed_mean([D("80.125")], trim_min_judges=5) == D("80.13")

    def test_ties_at_the_extremes_drop_only_one_each(self):
        # 90, 90, 80, 70, 70 → drop one 90 and one 70: (90 + 80 + 70) / 3 = 80
        assert rules.trimmed_mean([D(90), D(90), D(80), D(70), D(70)]) == D("80.00")

    def test_no_scores(self):
        assert rules.trimmed_mean([]) is None

    @given(st.lists(scores, min_size=1, max_size=12))
    def test_between_min_and_max(self, values):
        mean = rules.trimmed_mean(values)
        assert min(values) - D("0.005") <= mean <= max(values) + D("0.005")

    @given(st.lists(scores, min_size=5, max_size=12), scores)
    def test_raising_one_score_never_lowers_the_mean(self, values, bump):
        higher = list(values)
        higher[0] = max(higher[0], bump)
        assert rules.trimmed_mean(higher) >= rules.trimmed_mean(values)


class TestScoreErrors:
    @pytest.mark.parametrize("value", ["0", "100", "88.5", D("60.0")])
    def test_valid(self, value):
        assert rules.score_errors(value) == []

    @pytest.mark.parametrize("value,fragment", [
        ("100.1", "超出 0–100 分范围"), ("-1", "超出 0–100 分范围"), ("88.55", "最多保留一位小数"),
        ("abc", "不是数字"), ("NaN", "不是数字"), ("", "不是数字"),
    ])
    def test_invalid(self, value, fragment):
        assert any(fragment in e for e in rules.score_errors(value))


class TestComposite:
    def test_default_weights(self):
        # 40% × 87.83 + 60% × 90 = 35.132 + 54 = 89.132 → 89.13
        assert rules.composite(speech=D("87.83"), evaluation=D("90")) == D("89.13")

    def test_with_written_part(self):
        # 30% × 80 + 50% × 90 + 20% × 75 = 24 + 45 + 15 = 84
        assert rules.composite(
            speech=D(80), evaluation=D(90), written=D(75),
            speech_weight=D(30), evaluation_weight=D(50), written_weight=D(20),
        ) == D("84.00")

    def test_half_up_at_the_end_only(self):
        # 40% × 80.01 + 60% × 80.02 = 32.004 + 48.012 = 80.016 → 80.02
        assert rules.composite(speech=D("80.01"), evaluation=D("80.02")) == D("80.02")

    def test_missing_weighted_part_gives_none(self):
        assert rules.composite(speech=None, evaluation=D(90)) is None
        # an unweighted part may be missing
        assert rules.composite(speech=D(90), evaluation=D(80), written=None) == D("84.00")

    def test_weights_must_sum_to_100(self):
        assert rules.weight_errors(D(40), D(60)) == []
        assert rules.weight_errors(D(40), D(50)) == ["演讲、民主测评、笔试权重合计应为 100%，现为 90%"]
        assert "各项权重不能为负数" in rules.weight_errors(D(-10), D(110))


class TestRanking:
    def test_tie_broken_by_evaluation_then_speech(self):
        rows = [
            ("甲", D("88.00"), D("85.00"), D("92.50")),
            ("乙", D("88.00"), D("90.00"), D("80.50")),  # same composite, better 民主测评 → ahead of 甲
            ("丙", D("88.00"), D("90.00"), D("81.00")),  # same composite and 民主测评, better speech → ahead of 乙
            ("丁", D("91.20"), D("80.00"), D("99.00")),
        ]
        ranked = rules.rank(rows)
        assert [(r.key, r.rank, r.tied) for r in ranked] == [("丁", 1, False), ("丙", 2, False), ("乙", 3, False), ("甲", 4, False)]

    def test_full_tie_shares_a_rank_and_skips_the_next(self):
        rows = [("A", D(90), D(80), D(70)), ("B", D(90), D(80), D(70)), ("C", D(85), D(80), D(70)), ("D", None, None, None)]
        ranked = rules.rank(rows)
        assert [(r.key, r.rank, r.tied) for r in ranked] == [("A", 1, True), ("B", 1, True), ("C", 3, False), ("D", None, False)]

    @given(st.lists(st.tuples(scores, scores, scores), min_size=1, max_size=10))
    def test_ranks_follow_the_composite(self, triples):
        rows = [(i, rules.composite(speech=s, evaluation=e), e, s) for i, (s, e, _w) in enumerate(triples)]
        ranked = rules.rank(rows)
        for a, b in zip(ranked, ranked[1:]):
            assert a.composite >= b.composite
            assert a.rank <= b.rank

    def test_inspection_targets_by_ratio(self):
        ranked = rules.rank([(k, D(100 - i), D(50), D(50)) for i, k in enumerate("ABCDE")])
        assert rules.inspection_quota(1, D(2)) == 2
        assert rules.inspection_quota(2, D("1.5")) == 3
        assert rules.inspection_quota(1, D(1)) == 1
        assert rules.inspection_targets(ranked, vacancies=1, ratio=D(2)) == (["A", "B"], [])
        assert rules.inspection_targets(ranked, vacancies=1, ratio=D(3)) == (["A", "B", "C"], [])

    def test_tie_at_the_cut_includes_and_flags_both(self):
        ranked = rules.rank([("A", D(95), D(90), D(90)), ("B", D(90), D(80), D(70)), ("C", D(90), D(80), D(70)), ("D", D(80), D(1), D(1))])
        assert rules.inspection_targets(ranked, vacancies=1, ratio=D(2)) == (["A", "B", "C"], ["B", "C"])


class TestMeeting:
    @pytest.mark.parametrize("present,expected,ok", [
        (6, 9, True),   # exactly 2/3
        (5, 9, False),
        (2, 3, True), (1, 3, False),
        (5, 7, True),   # 5/7 = 71%
        (4, 7, False),  # 4/7 = 57%
        (0, 0, False),
    ])
    def test_quorum(self, present, expected, ok):
        assert rules.quorum_met(present, expected) is ok

    @pytest.mark.parametrize("agree,expected,ok", [
        (4, 8, False),  # exactly half of 应到 fails
        (5, 8, True),
        (5, 9, True), (4, 9, False),
        (3, 5, True), (2, 5, False),
    ])
    def test_majority_of_expected_members(self, agree, expected, ok):
        assert rules.vote_passed(agree, expected) is ok

    def test_majority_counts_expected_not_present(self):
        # 9 应到, 6 present, 4 同意: a majority of those present but not of 应到
        assert rules.quorum_met(6, 9)
        assert not rules.vote_passed(4, 9)
        assert rules.vote_result(4, 1, 1, 9) == "未通过"

    def test_vote_result(self):
        assert rules.vote_result(5, 1, 0, 9) == "通过"
        assert rules.vote_result(2, 1, 3, 9) == "缓议"
        assert rules.vote_result(3, 3, 0, 9) == "未通过"

    @given(st.integers(0, 30), st.integers(1, 30))
    def test_quorum_monotonic(self, present, expected):
        if rules.quorum_met(present, expected):
            assert rules.quorum_met(min(present + 1, expected + 1), expected)


class TestLotAndScope:
    def test_draw_is_reproducible_from_the_seed(self):
        keys = [5, 3, 9, 1, 7]
        first = rules.draw_order(keys, "abc")
        assert sorted(first) == sorted(keys)
        assert rules.draw_order(list(reversed(keys)), "abc") == first
        assert any(rules.draw_order(keys, s) != first for s in ("x", "y", "z", "w"))

    def test_new_seed_is_hex(self):
        seed = rules.new_seed()
        assert len(seed) == 32 and int(seed, 16) >= 0

    def test_shortfall(self):
        assert rules.shortfall(3, 1, 2) == 0
        assert rules.shortfall(2, 1, 2) == 0
        assert rules.shortfall(1, 1, 2) == 1
        assert rules.shortfall(3, 2, 2) == 1

    def test_rotation_scope(self):
        assert rules.rotation_scope_errors(3, 10, D(30)) == []
        assert rules.rotation_scope_errors(2, 10, D(30)) == ["轮岗交流职位 2 个，占纳入范围职位 10 个的 20.00%，低于 30% 的要求"]
        assert rules.rotation_scope_errors(None, 10, D(30)) == ["未关联轮岗交流方案，也未填写计划交流的职位数"]
        assert rules.rotation_scope_errors(5, 0, D(30)) == ["未填写纳入轮岗范围的职位数"]

    def test_terms(self):
        assert rules.term_end(dt.date(2026, 12, 1), 2) == dt.date(2028, 11, 30)
        assert rules.term_end(dt.date(2026, 12, 1), 1) == dt.date(2027, 11, 30)
        assert rules.term_end(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 27)
