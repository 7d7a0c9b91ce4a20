"""Every tally rule against hand-computed numbers (evaluation.md)."""
from decimal import Decimal

import pytest

from assessment import rules, selectors, services
from assessment.models import SessionStatus
from core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def _target(result, name):
    return next(t for t in result["targets"] if t["name"] == name)


def _group(target, name):
    return next(g for g in target["groups"] if g["name"] == name)


def _closed(session, staff_user):
    """Close the session and read its frozen result (there is no result before close)."""
    return selectors.tally(services.session_close(actor=staff_user, session=session))


@pytest.fixture
def evaluated(make_session, vote, staff_user):
    """16 codes issued (6/6/4), 13 ballots returned (5/5/3), closed. See the numbers in the tests."""
    s = make_session()
    services.session_open(actor=staff_user, session=s)
    vote(s, "领导班子成员", [{0: "优秀", 1: "称职"}] * 3 + [{0: "称职", 1: "称职"}, {0: "称职"}], extra_codes=1)
    vote(
        s,
        "中层干部",
        [{0: "优秀", 1: "不称职"}, {0: "优秀", 1: "称职"}, {0: "称职", 1: "称职"}, {0: "称职", 1: "称职"},
         {0: "基本称职", 1: "称职"}],
        extra_codes=1,
    )
    vote(s, "一般干部", [{0: "称职", 1: "优秀"}, {0: "称职", 1: "基本称职"}, {0: "称职"}], extra_codes=1)
    return services.session_close(actor=staff_user, session=s)


def test_participation_counts_and_threshold(evaluated):
    r = selectors.tally(evaluated)
    assert (r["issued"], r["returned"]) == (16, 13)
    assert r["participation"] == "0.8125"  # 13/16
    assert r["participation_ok"] is True
    by_group = {g["name"]: (g["issued"], g["returned"], g["participation"]) for g in r["participation_by_group"]}
    assert by_group == {"领导班子成员": (6, 5, "0.8333"), "中层干部": (6, 5, "0.8333"), "一般干部": (4, 3, "0.7500")}


def test_rates_and_weighted_score_target_a(evaluated):
    a = _target(selectors.tally(evaluated), "张三")
    # overall: 优秀 3+2, 称职 2+2+3, 基本称职 1 → valid 13
    assert a["overall"]["counts"] == {"优秀": 5, "称职": 7, "基本称职": 1, "不称职": 0}
    assert a["overall"]["valid"] == 13
    assert a["overall"]["excellent_rate"] == "0.3846"  # 5/13
    assert a["overall"]["competent_rate"] == "0.9231"  # 12/13
    # 中层 (200+160+60)/5 = 84; 领导 and 一般 are shown only as 其他 (see the next tests), which is scored as one
    # group: (300+160 + 240)/8 = 87.5 with weight 30+20 → .5*84 + .5*87.5 = 85.75
    assert _group(a, "中层干部")["mean_score"] == "84.00"
    assert _group(a, "其他")["mean_score"] == "87.50"
    assert a["score"] == "85.75"


def test_blank_marks_and_score_target_b(evaluated):
    b = _target(selectors.tally(evaluated), "李四")
    assert b["overall"]["counts"] == {"优秀": 1, "称职": 8, "基本称职": 1, "不称职": 1}
    assert (b["overall"]["valid"], b["overall"]["blank"], b["overall"]["invalid"]) == (11, 2, 0)
    assert b["overall"]["excellent_rate"] == "0.0909"  # 1/11
    assert b["overall"]["competent_rate"] == "0.8182"  # 9/11
    # 中层 (0+320)/5 = 64; 其他 = 领导 320/4 (1 blank) + 一般 (100+60)/2 → 480/6 = 80 → .5*64 + .5*80 = 72.00
    assert b["score"] == "72.00"


def test_small_group_merged_into_other(evaluated):
    r = selectors.tally(evaluated)
    # 一般干部 (3 < 5) goes to 其他; 其他 of 3 would still be under the minimum, so the smallest shown group
    # (领导班子成员, 5; the first by order on a tie) joins it: 其他 = 8 ballots
    assert [g["name"] for g in r["groups"]] == ["中层干部", "其他"]
    other = r["groups"][-1]
    assert other["merged"] == ["领导班子成员", "一般干部"] and other["ballots"] == 8 and other["weight"] == "50.00"
    a = _target(r, "张三")
    assert [g["name"] for g in a["groups"]] == ["中层干部", "其他"]
    assert _group(a, "其他")["counts"] == {"优秀": 3, "称职": 5, "基本称职": 0, "不称职": 0}
    assert not any(g["name"] in ("一般干部", "领导班子成员") for g in a["groups"])


def test_min_group_ballots_is_configurable(make_session, vote, staff_user):
    s = make_session(min_group_ballots=3)
    services.session_open(actor=staff_user, session=s)
    vote(s, "一般干部", [{0: "优秀"}] * 3)
    r = _closed(s, staff_user)
    assert [g["name"] for g in r["groups"]] == ["一般干部", "其他"]  # 领导/中层 (0 ballots) pooled
    assert r["groups"][1]["merged"] == ["领导班子成员", "中层干部"]


def test_participation_below_threshold_flagged(make_session, vote, staff_user):
    s = make_session(groups=(("全体干部", 100),))
    services.session_open(actor=staff_user, session=s)
    vote(s, "全体干部", [{0: "称职"}] * 7, extra_codes=3)  # 7/10 = 70% < 80%
    r = _closed(s, staff_user)
    assert r["participation"] == "0.7000" and r["participation_ok"] is False
    at_threshold = make_session(groups=(("全体干部", 100),), participation_threshold=Decimal(70))
    services.session_open(actor=staff_user, session=at_threshold)
    vote(at_threshold, "全体干部", [{0: "称职"}] * 7, extra_codes=3)
    assert _closed(at_threshold, staff_user)["participation_ok"] is True  # exactly at the threshold counts


def test_revoked_codes_not_issued_but_paper_counts(make_session, vote, staff_user):
    s = make_session(groups=(("全体干部", 100),))
    services.session_open(actor=staff_user, session=s)
    group = s.groups.get()
    spare = vote(s, "全体干部", [{0: "称职"}] * 4, extra_codes=2)
    services.code_revoke(actor=staff_user, session=s, code=spare[0])
    services.paper_issued_set(actor=staff_user, session=s, group=group, count=3)
    services.paper_ballots_enter(actor=staff_user, session=s, group=group, rows=[["优秀"], ["1"]])
    r = _closed(s, staff_user)
    assert (r["issued"], r["returned"]) == (5 + 3, 6)  # 6 codes - 1 revoked + 3 paper; 4 + 2 returned


def test_weight_rescaled_when_group_has_no_valid_mark(make_session, vote, staff_user):
    s = make_session(groups=(("领导班子成员", 40), ("一般干部", 60)), min_group_ballots=1)
    services.session_open(actor=staff_user, session=s)
    vote(s, "领导班子成员", [{0: "优秀"}, {0: "称职"}])  # mean 90; 一般干部 none
    assert _target(_closed(s, staff_user), "张三")["score"] == "90.00"
    both = make_session(groups=(("领导班子成员", 40), ("一般干部", 60)), min_group_ballots=1)
    services.session_open(actor=staff_user, session=both)
    vote(both, "领导班子成员", [{0: "优秀"}, {0: "称职"}])
    vote(both, "一般干部", [{0: "基本称职"}])  # 60 → .4*90 + .6*60 = 72
    assert _target(_closed(both, staff_user), "张三")["score"] == "72.00"


def test_custom_score_map(make_session, vote, staff_user):
    s = make_session(groups=(("全体", 100),), score_map={"优秀": 95, "称职": 85, "基本称职": 70, "不称职": 50})
    services.session_open(actor=staff_user, session=s)
    vote(s, "全体", [{0: "优秀"}, {0: "不称职"}, {0: "称职"}])  # (95+50+85)/3 = 76.666… → 76.67
    assert _target(_closed(s, staff_user), "张三")["score"] == "76.67"


def test_recommendation_approval_rate(make_session, vote, staff_user):
    s = make_session(option_set="推荐", groups=(("全体", 100),))
    services.session_open(actor=staff_user, session=s)
    vote(s, "全体", [{0: "同意"}] * 6 + [{0: "不同意"}] * 2 + [{0: "弃权"}] * 2 + [{}])
    a = _target(_closed(s, staff_user), "张三")
    assert a["overall"]["counts"] == {"同意": 6, "不同意": 2, "弃权": 2}
    assert a["overall"]["valid"] == 10 and a["overall"]["blank"] == 1
    assert a["overall"]["approval_rate"] == "0.7500"  # 6/(6+2); 弃权 excluded
    assert a["score"] == "75.00"  # 同意 100, 不同意 0, 弃权 unscored


def test_masses_reason_required(make_session, vote, staff_user):
    s = make_session(option_set="群众", groups=(("群众代表", 100),))
    services.session_open(actor=staff_user, session=s)
    vote(s, "群众代表", [{0: ("优", "服务热情，办事快")}, {0: "优"}, {0: ("差", "")}, {0: "良"}, {0: ("差", "推诿")}])
    a = _target(_closed(s, staff_user), "张三")
    assert a["overall"]["counts"] == {"优": 1, "良": 1, "中": 0, "差": 1}
    assert a["overall"]["invalid"] == 2
    assert a["overall"]["valid"] == 3
    assert a["overall"]["good_rate"] == "0.6667"  # (1+1)/3
    assert a["score"] == "60.00"  # (100+80+0)/3


def test_close_freezes_results_with_hash(evaluated, staff_user, vote):
    closed = evaluated
    assert closed.status == SessionStatus.CLOSED
    assert closed.result_hash == rules.content_hash(closed.result) and len(closed.result_hash) == 64
    frozen = selectors.tally(closed)
    assert _target(frozen, "张三")["score"] == "85.75"
    # tampering with the stored result is detected
    closed.result["targets"][0]["score"] = "99.00"
    closed.save(update_fields=["result"])
    with pytest.raises(ApplicationError, match="摘要不符"):
        selectors.tally(closed)


def test_score_does_not_reveal_how_the_pooled_groups_split():
    """Two sessions whose 其他 holds the same pooled marks, split differently between its groups, publish the same
    result (except the turnout per group): no small group's mean can be solved from the score."""

    def result(split):
        groups = [rules.GroupInput(1, "甲", Decimal(50), 9, 9), rules.GroupInput(2, "乙", Decimal(30), 6, 6),
                  rules.GroupInput(3, "丙", Decimal(20), 2, 2)]
        marks = {(1, 1, "称职", True): 9}
        for group_id, counts in split.items():
            for option, n in counts.items():
                marks[(1, group_id, option, True)] = n
        return rules.compute_tally(option_set="评价", score_map={}, targets=[rules.TargetInput(1, "甲")], groups=groups,
                                   mark_counts=marks, threshold_percent=Decimal(80), min_group_ballots=5)

    a = result({2: {"优秀": 6}, 3: {"不称职": 2}})
    b = result({2: {"优秀": 4, "不称职": 2}, 3: {"优秀": 2}})
    assert [g["name"] for g in a["groups"]] == ["甲", "其他"]  # 丙 (2) pooled, and 乙 (6) with it to reach 5
    assert a["targets"] == b["targets"] and a["groups"] == b["groups"]
    assert a["targets"][0]["score"] == "77.50"  # .5*80 + .5*(600/8)


def test_compute_tally_pure_empty_session():
    r = rules.compute_tally(
        option_set="评价", score_map={}, targets=[rules.TargetInput(1, "甲")],
        groups=[rules.GroupInput(1, "全体", Decimal(100), 0, 0)], mark_counts={},
        threshold_percent=Decimal(80), min_group_ballots=5,
    )
    assert r["participation"] is None and r["participation_ok"] is False
    assert r["targets"][0]["score"] is None and r["targets"][0]["overall"]["excellent_rate"] is None
