"""The eligibility engine on records: rule sets, transfer detection, waivers, set-based screening."""
import datetime as dt
import io
import json
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre import eligibility as E
from cadre import services
from cadre.eligibility import facts as F
from cadre.eligibility import rules as R
from cadre.models import (
    AnnualAssessment,
    EducationRecord,
    EligibilityRuleSet,
    EligibilityWaiver,
    PostHistory,
    RankHistory,
    RewardPunishment,
)
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
from core.exceptions import ApplicationError
from core.models import AuditEvent

D = dt.date
AS_OF = D(2026, 6, 30)


def person(
    *, birth=D(1985, 6, 15), gender="男", rank="副科级", rank_start=D(2020, 1, 1), rank_rows=None, staffing="公务员",
    unit_kind="机关", works_in_organ=False, title_level="", health="健康", grades=None, ft="大学本科", pt="",
    sanctions=(), posts=(), status="在职", **extra,
):
    unit = OrgUnitFactory(name=f"{unit_kind}测试单位", kind=unit_kind)
    cadre = CadreFactory(
        birth_date=birth, gender=gender, rank_level=rank, staffing_type=staffing, works_in_organ=works_in_organ,
        title_level=title_level, health=health, unit=unit, status=status, **extra,
    )
    for level, start, end in (rank_rows if rank_rows is not None else [(rank, rank_start, None)]):
        RankHistory.objects.create(cadre=cadre, level=level, start=start, end=end)
    for year, grade in (grades if grades is not None else {2023: "称职", 2024: "称职", 2025: "优秀"}).items():
        AnnualAssessment.objects.create(cadre=cadre, year=year, grade=grade)
    if ft:
        EducationRecord.objects.create(cadre=cadre, mode="全日制", level=ft)
    if pt:
        EducationRecord.objects.create(cadre=cadre, mode="在职", level=pt)
    for kind, name, decided, start, end in sanctions:
        RewardPunishment.objects.create(cadre=cadre, kind=kind, name=name, decided_on=decided, effect_start=start, effect_end=end)
    for kind, start, end in posts:
        u = OrgUnitFactory(name=f"{kind}任职单位", kind=kind)
        PostHistory.objects.create(cadre=cadre, unit=u, unit_name=u.name, title="干部", start=start, end=end)
    return cadre


@pytest.fixture
def zhengke(db):
    return PostFactory(level="正科级", title="局长")


@pytest.fixture
def fuke(db):
    return PostFactory(level="副科级", title="副局长")


def rule(x, code):
    return next(r for r in x.rules if r.code == code)


# ---------------------------------------------------------------- defaults per level

@pytest.mark.django_db
class TestDefaults:
    def test_zhengke_new_all_pass_with_manual_line(self, zhengke):
        x = E.explain(person(rank_start=D(2020, 1, 1)), zhengke, AS_OF)
        assert x.appointment == R.NEW
        assert [r.code for r in x.rules] == ["pool", "assessment", "health", "sanction", "age", "tenure", "education", "manual"]
        assert x.result == R.RESULT_OK
        assert rule(x, "manual").status == R.MANUAL
        assert all(r.status == R.PASS for r in x.rules if r.code != "manual")

    def test_zhengke_new_age_boundary(self, zhengke):
        assert rule(E.explain(person(birth=D(1981, 1, 1)), zhengke, AS_OF), "age").status == R.PASS
        x = E.explain(person(birth=D(1980, 12, 31)), zhengke, AS_OF)
        assert x.result == R.RESULT_FAIL
        assert rule(x, "age").reason == "1980年12月31日出生，早于1981年1月1日（男45周岁）"
        assert rule(E.explain(person(birth=D(1986, 1, 1), gender="女"), zhengke, AS_OF), "age").status == R.PASS
        assert rule(E.explain(person(birth=D(1985, 12, 31), gender="女"), zhengke, AS_OF), "age").status == R.FAIL

    def test_zhengke_new_tenure_exact_and_one_day_short(self, zhengke):
        assert rule(E.explain(person(rank_start=D(2024, 6, 30)), zhengke, AS_OF), "tenure").status == R.PASS
        x = E.explain(person(rank_start=D(2024, 7, 1)), zhengke, AS_OF)
        assert rule(x, "tenure").status == R.FAIL
        assert rule(x, "tenure").reason == "自2024年7月起任副科级及以上领导职务1年364天，不满2年（2026年7月1日满2年）"

    def test_tenure_year_month_start_counts_from_first(self, zhengke):
        c = person(rank_start=D(2024, 7, 1))
        assert rule(E.explain(c, zhengke, D(2026, 7, 1)), "tenure").status == R.PASS
        assert rule(E.explain(c, zhengke, D(2026, 6, 30)), "tenure").status == R.FAIL

    def test_tenure_counts_consecutive_service_across_fuke_posts(self, zhengke):
        rows = [("副科级", D(2019, 3, 1), D(2023, 2, 28)), ("副科级", D(2023, 3, 1), None)]
        assert rule(E.explain(person(rank_rows=rows), zhengke, AS_OF), "tenure").status == R.PASS

    def test_tenure_counts_only_leadership_posts(self, zhengke):
        rows = [("三级主任科员", D(2018, 1, 1), D(2025, 12, 31)), ("副科级", D(2026, 1, 1), None)]
        x = E.explain(person(rank_rows=rows), zhengke, AS_OF)
        assert rule(x, "tenure").status == R.FAIL

    def test_non_leader_without_rank_history_uses_record_fields(self, zhengke):
        c = person(rank="一级科员", rank_rows=[])
        x = E.explain(c, zhengke, AS_OF)
        assert x.appointment == R.NEW
        assert rule(x, "tenure").reason == "未任副科级及以上领导职务，不满2年"

    def test_fuke_new_and_transfer_limits(self, fuke):
        x = E.explain(person(rank="一级科员", birth=D(1986, 1, 1)), fuke, AS_OF)
        assert x.appointment == R.NEW and rule(x, "age").status == R.PASS
        assert "tenure" not in [r.code for r in x.rules]
        assert rule(E.explain(person(rank="一级科员", birth=D(1985, 12, 31)), fuke, AS_OF), "age").status == R.FAIL
        # 副科 转任: 50 / 45
        x = E.explain(person(rank="副科级", birth=D(1976, 1, 1)), fuke, AS_OF)
        assert x.appointment == R.TRANSFER and rule(x, "age").status == R.PASS
        assert rule(E.explain(person(rank="副科级", birth=D(1975, 12, 31)), fuke, AS_OF), "age").status == R.FAIL
        x = E.explain(person(rank="副科级", gender="女", birth=D(1980, 12, 31)), fuke, AS_OF)
        assert rule(x, "age").status == R.FAIL and rule(x, "age").waivable


@pytest.mark.django_db
class TestTransfer:
    def test_transfer_by_intermediate_title(self, zhengke):
        c = person(rank="副科级", title_level="中级", birth=D(1973, 1, 1), rank_start=D(2025, 1, 1))
        x = E.explain(c, zhengke, AS_OF)
        assert (x.appointment, x.appointment_basis) == (R.TRANSFER, "具有中级职称")
        assert rule(x, "age").limit == "男53周岁以下（1973年1月1日以后出生）"
        assert rule(x, "age").status == R.PASS
        assert "tenure" not in [r.code for r in x.rules]
        assert x.result == R.RESULT_OK

    def test_transfer_by_equivalent_rank(self, zhengke):
        c = person(rank="二级主任科员", birth=D(1974, 5, 1))
        x = E.explain(c, zhengke, AS_OF)
        assert x.appointment == R.TRANSFER
        assert x.appointment_basis == "现任二级主任科员（相当于正科级）"
        assert x.result == R.RESULT_OK

    def test_holding_the_level(self, zhengke):
        x = E.explain(person(rank="正科级", birth=D(1973, 1, 1)), zhengke, AS_OF)
        assert (x.appointment, x.appointment_basis) == (R.TRANSFER, "现任正科级")
        assert rule(E.explain(person(rank="正科级", birth=D(1972, 12, 31)), zhengke, AS_OF), "age").status == R.FAIL

    def test_rank_held_on_the_as_of_date(self, zhengke):
        rows = [("副科级", D(2018, 1, 1), D(2026, 5, 31)), ("正科级", D(2026, 6, 1), None)]
        c = person(rank="正科级", rank_rows=rows)
        assert E.explain(c, zhengke, D(2026, 5, 31)).appointment == R.NEW
        assert E.explain(c, zhengke, D(2026, 6, 1)).appointment == R.TRANSFER


@pytest.mark.django_db
class TestBasicConditions:
    def test_assessment_missing_undetermined_basic(self, fuke):
        x = E.explain(person(grades={2023: "称职", 2025: "称职"}), fuke, AS_OF)
        assert rule(x, "assessment").reason == "缺少2024年度考核结果" and x.result == R.RESULT_FAIL
        x = E.explain(person(grades={2023: "称职", 2024: "未定等次", 2025: "称职"}), fuke, AS_OF)
        assert rule(x, "assessment").reason.startswith("缺少2024年度考核结果")
        x = E.explain(person(grades={2023: "基本称职", 2024: "称职", 2025: "称职"}), fuke, AS_OF)
        assert rule(x, "assessment").reason == "2023年度考核为基本称职"

    def test_education_part_time_lifts_and_full_time_required(self, fuke):
        c = person(ft="中专", pt="大学本科")
        assert rule(E.explain(c, fuke, AS_OF), "education").status == R.PASS
        strict_post = PostFactory(level="副科级", title="副主任", requires_full_time_education=True)
        x = E.explain(c, strict_post, AS_OF)
        assert rule(x, "education").status == R.FAIL
        assert rule(x, "education").reason == "全日制学历中专，本职位要求全日制大学专科及以上（在职大学本科不计）"

    def test_sanction_in_effect_on_the_day_and_the_day_after(self, fuke):
        c = person(sanctions=[("政务处分", "警告", D(2025, 7, 1), D(2025, 7, 1), D(2026, 6, 30))])
        x = E.explain(c, fuke, D(2026, 6, 30))
        assert rule(x, "sanction").status == R.FAIL and "仍在影响期内" in rule(x, "sanction").reason
        assert rule(E.explain(c, fuke, D(2026, 7, 1)), "sanction").status == R.PASS
        rewarded = person(sanctions=[("奖励", "记三等功", D(2025, 7, 1), None, None)])
        assert rule(E.explain(rewarded, fuke, AS_OF), "sanction").status == R.PASS

    def test_pool(self, fuke):
        assert rule(E.explain(person(staffing="事业", unit_kind="事业单位", works_in_organ=True), fuke, AS_OF), "pool").status == R.PASS
        x = E.explain(person(staffing="事业", unit_kind="事业单位"), fuke, AS_OF)
        assert rule(x, "pool").reason.startswith("编制类型/工作单位不在本次报名范围")
        assert rule(E.explain(person(unit_kind="乡镇"), fuke, AS_OF), "pool").status == R.PASS

    def test_health(self, fuke):
        assert rule(E.explain(person(health="长期病休"), fuke, AS_OF), "health").status == R.FAIL


# ---------------------------------------------------------------- rule sets as data

@pytest.mark.django_db
class TestRuleSets:
    def full(self, level, **changes):
        params = E.resolve_rule_set(level).params
        for path, value in changes.items():
            target = params
            keys = path.split("__")
            for k in keys[:-1]:
                target = target[k]
            target[keys[-1]] = value
        return params

    def test_level_post_scope_layers(self, staff_user, zhengke):
        other = PostFactory(level="正科级", title="主任")
        c = person(birth=D(1980, 3, 1))
        assert rule(E.explain(c, zhengke, AS_OF), "age").status == R.FAIL
        services.rule_set_save(actor=staff_user, level="正科", params=self.full("正科", 新任__age__male=46))
        row = EligibilityRuleSet.objects.get(post__isnull=True, scope="", level="正科")
        assert row.params == {"新任": {"age": {"male": 46}}}
        assert rule(E.explain(c, zhengke, AS_OF), "age").status == R.PASS
        # a post override on top
        params = E.resolve_rule_set("正科", post=zhengke).params
        params["新任"]["age"]["male_cutoff"] = "1980-06-01"
        services.rule_set_save(actor=staff_user, level="正科", post=zhengke, params=params)
        x = E.explain(c, zhengke, AS_OF)
        assert rule(x, "age").reason == "1980年3月出生，早于1980年6月1日（男46周岁）"
        assert rule(E.explain(c, other, AS_OF), "age").status == R.PASS
        assert E.resolve_rule_set("正科", post=zhengke).sources == ("正科默认规则", "正科规则（已调整）", "职位规则")
        # a campaign scope on top of everything
        EligibilityRuleSet.objects.create(level="正科", scope="campaign:7", params={"新任": {"age": {"on": False}}})
        assert "age" not in [r.code for r in E.explain(c, zhengke, AS_OF, scope="campaign:7").rules]
        assert AuditEvent.objects.filter(action="eligibility.ruleset.save").count() == 2

    def test_saving_the_parent_values_removes_the_row(self, staff_user, zhengke):
        services.rule_set_save(actor=staff_user, level="正科", post=zhengke, params=self.full("正科", common__health__on=False))
        assert EligibilityRuleSet.objects.filter(post=zhengke).exists()
        assert services.rule_set_save(actor=staff_user, level="正科", post=zhengke, params=self.full("正科")) is None
        assert not EligibilityRuleSet.objects.filter(post=zhengke).exists()

    def test_turn_rule_off_and_strict_manual(self, staff_user, fuke):
        c = person(health="长期病休")
        services.rule_set_save(actor=staff_user, level="副科", params=self.full("副科", common__health__on=False, strict_manual=True))
        x = E.explain(c, fuke, AS_OF)
        assert "health" not in [r.code for r in x.rules]
        assert x.result == R.RESULT_MANUAL
        assert E.explain(c, fuke, AS_OF, strict_manual=False).result == R.RESULT_OK

    def test_validation(self, staff_user, leader_user):
        with pytest.raises(ApplicationError, match="年龄上限"):
            services.rule_set_save(actor=staff_user, level="正科", params=self.full("正科", 新任__age__male=90))
        with pytest.raises(ApplicationError, match="最低学历"):
            services.rule_set_save(actor=staff_user, level="正科", params=self.full("正科", 转任__education__minimum="博士"))
        with pytest.raises(ApplicationError, match="格式不正确"):
            services.rule_set_save(actor=staff_user, level="正科", params=self.full("正科", 新任__age__female_cutoff="1980年"))
        with pytest.raises(ApplicationError, match="组织部工作人员"):
            services.rule_set_save(actor=leader_user, level="正科", params=self.full("正科"))
        with pytest.raises(ApplicationError, match="正科或副科"):
            services.rule_set_save(actor=staff_user, level="处级", params={})

    def test_optional_ladder_and_county_rules(self, staff_user):
        post = PostFactory(level="三级主任科员", kind="职级", title="三级主任科员")
        rows = [("四级主任科员", D(2025, 1, 1), None)]
        c = person(rank="四级主任科员", rank_rows=rows, grades={2023: "称职", 2024: "称职", 2025: "优秀"},
                   work_start_date=D(2010, 7, 1), posts=[("乡镇", D(2010, 7, 1), D(2013, 6, 30))])
        assert "ladder" not in [r.code for r in E.explain(c, post, AS_OF).rules]
        services.rule_set_save(actor=staff_user, level="副科", params=self.full("副科", common__ladder__on=True, common__county__on=True))
        x = E.explain(c, post, AS_OF)
        # one 优秀 year (2025) during the rung: 1.5 years from 2025-01-01 → reached 2026-07-01
        assert rule(x, "ladder").status == R.FAIL
        assert rule(E.explain(c, post, D(2026, 7, 1)), "ladder").status == R.PASS
        assert rule(x, "county").status == R.PASS


# ---------------------------------------------------------------- waivers

@pytest.mark.django_db
class TestWaivers:
    def test_waiver_turns_fail_into_waived(self, leader_user, zhengke):
        c = person(birth=D(1979, 5, 1))
        assert E.explain(c, zhengke, AS_OF).result == R.RESULT_FAIL
        w = services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="age", reason="工作表现突出，经领导小组研究同意")
        x = E.explain(c, zhengke, AS_OF)
        assert rule(x, "age").status == R.WAIVED
        assert rule(x, "age").reason == "经批准放宽：工作表现突出，经领导小组研究同意"
        assert rule(x, "age").note.startswith("年龄47岁")
        assert x.result == R.RESULT_OK_WAIVED
        assert AuditEvent.objects.filter(action="eligibility.waiver.grant", object_id=str(w.pk)).exists()
        # only for that post
        other = PostFactory(level="正科级", title="主任")
        assert E.explain(c, other, AS_OF).result == R.RESULT_FAIL
        services.waiver_revoke(actor=leader_user, waiver=w, reason="情况变化")
        assert E.explain(c, zhengke, AS_OF).result == R.RESULT_FAIL
        assert AuditEvent.objects.filter(action="eligibility.waiver.revoke").exists()
        with pytest.raises(ApplicationError, match="已撤销"):
            services.waiver_revoke(actor=leader_user, waiver=w, reason="再次")

    def test_waiver_does_not_lift_other_failures(self, leader_user, zhengke):
        c = person(birth=D(1979, 5, 1), grades={2025: "称职"})
        services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="age", reason="工作需要")
        assert E.explain(c, zhengke, AS_OF).result == R.RESULT_FAIL

    def test_scope_waiver(self, leader_user, zhengke):
        c = person(ft="中专")
        services.waiver_grant(actor=leader_user, cadre=c, scope_key="campaign:3", rule="education", reason="基层一线急需")
        assert E.explain(c, zhengke, AS_OF).result == R.RESULT_FAIL
        x = E.explain(c, zhengke, AS_OF, scope="campaign:3")
        assert x.result == R.RESULT_OK_WAIVED
        screened = E.screen(E.active_cadres().filter(pk=c.pk), [zhengke], AS_OF, scope="campaign:3")[zhengke.pk][0]
        assert screened == x

    def test_only_leaders_and_only_waivable_rules(self, staff_user, leader_user, zhengke):
        c = person(birth=D(1979, 5, 1))
        with pytest.raises(ApplicationError, match="领导小组成员"):
            services.waiver_grant(actor=staff_user, cadre=c, post=zhengke, rule="age", reason="x")
        with pytest.raises(ApplicationError, match="不能放宽"):
            services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="assessment", reason="x")
        with pytest.raises(ApplicationError, match="放宽理由"):
            services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="age", reason="  ")
        with pytest.raises(ApplicationError, match="二选一"):
            services.waiver_grant(actor=leader_user, cadre=c, rule="age", reason="x")
        with pytest.raises(ApplicationError, match="未启用"):
            services.waiver_grant(actor=leader_user, cadre=c, post=PostFactory(level="副科级"), rule="tenure", reason="x")
        services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="age", reason="x")
        with pytest.raises(ApplicationError, match="已有有效"):
            services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="age", reason="y")
        assert EligibilityWaiver.objects.count() == 1

    def test_rule_set_can_make_a_rule_not_waivable(self, staff_user, leader_user, zhengke):
        params = E.resolve_rule_set("正科").params
        params["新任"]["age"]["waivable"] = False
        services.rule_set_save(actor=staff_user, level="正科", params=params)
        c = person(birth=D(1979, 5, 1))
        with pytest.raises(ApplicationError, match="不可放宽"):
            services.waiver_grant(actor=leader_user, cadre=c, post=zhengke, rule="age", reason="x")


# ---------------------------------------------------------------- set-based screening

def random_roster(n, seed=7):
    rnd = random.Random(seed)
    people = []
    for i in range(n):
        rank = rnd.choice(["一级科员", "四级主任科员", "二级主任科员", "副科级", "副科级", "正科级"])
        start = D(2015, 1, 1) + dt.timedelta(days=rnd.randint(0, 4000))
        years = [2023, 2024, 2025]
        grades = {y: rnd.choice(["称职", "称职", "优秀", "基本称职", "未定等次"]) for y in years if rnd.random() > 0.05}
        people.append(person(
            birth=D(1966, 1, 1) + dt.timedelta(days=rnd.randint(0, 9000)), gender=rnd.choice("男女"), rank=rank,
            rank_start=start, staffing=rnd.choice(["公务员", "公务员", "参公", "事业"]),
            unit_kind=rnd.choice(["机关", "乡镇", "街道", "事业单位"]), works_in_organ=rnd.random() < 0.3,
            title_level=rnd.choice(["", "", "初级", "中级"]), health=rnd.choice(["健康", "健康", "长期病休"]),
            grades=grades, ft=rnd.choice(["中专", "大学专科", "大学本科", ""]), pt=rnd.choice(["", "大学本科"]),
            sanctions=[("党纪处分", "警告", D(2025, 1, 1), None, D(2026, 1, 1) + dt.timedelta(days=rnd.randint(0, 365)))]
            if rnd.random() < 0.1 else [],
        ))
    return people


@pytest.mark.django_db
def test_screen_matches_explain_per_person(leader_user):
    people = random_roster(40)
    posts = [
        PostFactory(level="正科级", title="局长"), PostFactory(level="副科级", title="副局长"),
        PostFactory(level="副科级", title="副主任", requires_full_time_education=True),
        PostFactory(level="二级主任科员", kind="职级", title="二级主任科员"),
    ]
    granted = 0
    for c in people:
        for post in posts[:2]:
            x = E.explain(c, post, AS_OF)
            if x.failed and all(r.waivable for r in x.failed) and granted < 10:
                for r in x.failed:
                    services.waiver_grant(actor=leader_user, cadre=c, post=post, rule=r.code, reason="工作需要")
                granted += 1
    assert granted
    screened = E.screen(E.active_cadres(), posts, AS_OF)
    seen = set()
    for post in posts:
        assert len(screened[post.pk]) == 40
        for x in screened[post.pk]:
            assert x == E.explain(next(c for c in people if c.pk == x.cadre.id), post, AS_OF)
            seen.add(x.result)
    assert {R.RESULT_OK, R.RESULT_FAIL, R.RESULT_OK_WAIVED} <= seen


@pytest.mark.django_db
def test_screen_query_count_is_constant(django_assert_num_queries):
    posts = [PostFactory(level="正科级", title="局长"), PostFactory(level="副科级", title="副局长")]
    random_roster(5, seed=1)
    with CaptureQueriesContext(connection) as small:
        E.screen(E.active_cadres(), posts, AS_OF)
    random_roster(45, seed=2)
    with django_assert_num_queries(len(small.captured_queries)):
        result = E.screen(E.active_cadres(), posts, AS_OF)
    assert len(result[posts[0].pk]) == 50
    # rule sets, cadres, rank history, assessments, education, sanctions, waivers, manual checks
    assert len(small.captured_queries) == 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_fact_fetch_outside_a_transaction_gives_the_same_screen(monkeypatch):
    """Autocommit on PostgreSQL: the fact queries run together on worker connections; same result as in turn."""
    posts = [PostFactory(level="正科级", title="局长"), PostFactory(level="副科级", title="副局长")]
    random_roster(30, seed=3)
    monkeypatch.setattr(F, "CONCURRENT_FETCH_MIN_ROWS", 10**9)
    in_turn = E.screen(E.active_cadres(), posts, AS_OF)
    monkeypatch.setattr(F, "CONCURRENT_FETCH_MIN_ROWS", 1)
    threads = []
    real = F._fetch_rows
    monkeypatch.setattr(F, "_fetch_rows", lambda sql, params, alias: threads.append(sql) or real(sql, params, alias))
    together = E.screen(E.active_cadres(), posts, AS_OF)
    assert together == in_turn and len(together[posts[0].pk]) == 30
    if connection.vendor == "postgresql":
        assert len(threads) == 5  # cadres, ranks, assessments, education, sanctions
    else:
        assert not threads  # SQLite: always in turn on this connection


@pytest.mark.django_db
def test_inactive_cadres_are_not_screened(fuke):
    person(status="退休")
    active = person()
    rows = E.screen(E.active_cadres(), [fuke], AS_OF)[fuke.pk]
    assert [x.cadre.id for x in rows] == [active.pk]


# ---------------------------------------------------------------- command

@pytest.mark.django_db
def test_command_json_shape():
    person(birth=D(1985, 6, 15), rank_start=D(2020, 1, 1))
    person(birth=D(1970, 1, 1))
    out = io.StringIO()
    call_command("eligibility", "--level", "正科", "--as-of", "2026-06-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data) == 2
    for row in data:
        assert set(row) == {"id_number", "name", "appointment", "result", "rules"}
        assert row["appointment"] in ("新任", "转任")
        assert row["result"] in R.RESULTS
        for line in row["rules"]:
            assert set(line) == {"code", "name", "status", "reason"}
            assert line["status"] in ("pass", "fail", "waived", "manual")
    assert sorted(r["result"] for r in data) == ["不符合", "符合"]
    manual = [line for line in data[0]["rules"] if line["code"] == "manual"]
    assert manual and manual[0]["status"] == "manual"

    out = io.StringIO()
    call_command("eligibility", "--level", "正科级", "--as-of", "2026-06-30", "--json", "--strict", stdout=out)
    assert sorted(r["result"] for r in json.loads(out.getvalue())) == ["不符合", "待人工审核"]

    out = io.StringIO()
    call_command("eligibility", "--level", "副科", "--as-of", "2026-06-30", stdout=out)
    assert "共2人" in out.getvalue()


@pytest.mark.django_db
def test_command_errors():
    with pytest.raises(CommandError, match="正科 或 副科"):
        call_command("eligibility", "--level", "处级", "--json")
    with pytest.raises(CommandError, match="日期格式"):
        call_command("eligibility", "--level", "正科", "--as-of", "2026/06/30")
