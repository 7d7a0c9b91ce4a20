"""Pure 任职资格 rules at their boundaries (no database)."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadre.eligibility import dates
from cadre.eligibility import rules as R

D = dt.date
AS_OF = D(2026, 6, 30)


def age(birth, gender="男", as_of=AS_OF, male=45, female=40, **kw):
    return R.check_age(birth_date=birth, gender=gender, as_of=as_of, male=male, female=female, label="新提任正科", **kw)


# ---------------------------------------------------------------- date arithmetic

class TestDates:
    def test_age_on_birthday_and_day_before(self):
        assert dates.age_on(D(1981, 6, 15), D(2026, 6, 14)) == 44
        assert dates.age_on(D(1981, 6, 15), D(2026, 6, 15)) == 45

    def test_leap_day_birthday(self):
        assert dates.age_on(D(2000, 2, 29), D(2025, 2, 28)) == 24
        assert dates.age_on(D(2000, 2, 29), D(2025, 3, 1)) == 25
        assert dates.add_years(D(2024, 2, 29), 1) == D(2025, 3, 1)
        assert dates.add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)

    def test_default_cutoff_is_january_first_of_year_minus_limit(self):
        assert dates.birth_cutoff(D(2004, 5, 1), 45) == D(1959, 1, 1)
        assert dates.birth_cutoff(D(2026, 12, 31), 40) == D(1986, 1, 1)

    def test_tenure_exact_years_and_one_day_short(self):
        assert dates.tenure(D(2024, 3, 15), D(2026, 3, 15)) == (2, 0)
        assert dates.tenure(D(2024, 3, 15), D(2026, 3, 14)) == (1, 364)
        assert dates.has_years(D(2024, 3, 15), D(2026, 3, 15), 2)
        assert not dates.has_years(D(2024, 3, 15), D(2026, 3, 14), 2)
        assert dates.tenure(D(2026, 3, 15), D(2026, 3, 1)) == (0, 0)

    def test_year_month_dates_count_from_the_first(self):
        assert dates.parse_date("2024.03") == D(2024, 3, 1)
        assert dates.parse_date("2024-03-15") == D(2024, 3, 15)
        assert dates.parse_date("2024/3") == D(2024, 3, 1)
        assert dates.parse_date("") is None
        with pytest.raises(ValueError):
            dates.parse_date("2024")
        start = dates.parse_date("2024.03")
        assert dates.has_years(start, D(2026, 3, 1), 2)
        assert not dates.has_years(start, D(2026, 2, 28), 2)

    def test_add_months_rolls_to_next_month(self):
        assert dates.add_months(D(2024, 1, 31), 1) == D(2024, 3, 1)
        assert dates.add_months(D(2024, 3, 15), 18) == D(2025, 9, 15)
        assert dates.add_months(D(2024, 12, 1), 1) == D(2025, 1, 1)

    def test_formatting(self):
        assert dates.fmt_month(D(1957, 3, 1)) == "1957年3月"
        assert dates.fmt_month(D(1957, 3, 5)) == "1957年3月5日"
        assert dates.fmt_date(D(1959, 1, 1)) == "1959年1月1日"


class TestConsecutiveService:
    def test_move_between_two_fuke_posts_does_not_restart(self):
        rows = [("副科级", D(2018, 1, 1), D(2020, 5, 31)), ("副科级", D(2020, 6, 1), None)]
        assert dates.consecutive_start(rows, as_of=AS_OF, min_grade=1) == D(2018, 1, 1)

    def test_level_or_above_counts(self):
        rows = [("副科级", D(2018, 1, 1), D(2020, 5, 31)), ("正科级", D(2020, 6, 1), None)]
        assert dates.consecutive_start(rows, as_of=AS_OF, min_grade=1) == D(2018, 1, 1)
        assert dates.consecutive_start(rows, as_of=AS_OF, min_grade=2) == D(2020, 6, 1)

    def test_gap_or_lower_level_restarts(self):
        rows = [("副科级", D(2015, 1, 1), D(2018, 12, 31)), ("一级科员", D(2019, 1, 1), D(2019, 12, 31)), ("副科级", D(2020, 1, 1), None)]
        assert dates.consecutive_start(rows, as_of=AS_OF, min_grade=1) == D(2020, 1, 1)
        gap = [("副科级", D(2015, 1, 1), D(2018, 12, 30)), ("副科级", D(2019, 1, 1), None)]
        assert dates.consecutive_start(gap, as_of=AS_OF, min_grade=1) == D(2019, 1, 1)
        adjacent = [("副科级", D(2015, 1, 1), D(2018, 12, 31)), ("副科级", D(2019, 1, 1), None)]
        assert dates.consecutive_start(adjacent, as_of=AS_OF, min_grade=1) == D(2015, 1, 1)

    def test_leadership_only_excludes_equivalent_ranks(self):
        rows = [("四级主任科员", D(2016, 1, 1), D(2019, 12, 31)), ("副科级", D(2020, 1, 1), None)]
        assert dates.consecutive_start(rows, as_of=AS_OF, min_grade=1) == D(2016, 1, 1)
        assert dates.consecutive_start(rows, as_of=AS_OF, min_grade=1, levels={"副科级", "正科级"}) == D(2020, 1, 1)

    def test_not_holding_on_the_as_of_date(self):
        ended = [("副科级", D(2015, 1, 1), D(2025, 12, 31))]
        assert dates.consecutive_start(ended, as_of=AS_OF, min_grade=1) is None
        future = [("副科级", D(2026, 7, 1), None)]
        assert dates.consecutive_start(future, as_of=AS_OF, min_grade=1) is None
        assert dates.consecutive_start([], as_of=AS_OF, min_grade=1) is None

    def test_rank_on(self):
        rows = [("副科级", D(2018, 1, 1), D(2022, 5, 31)), ("正科级", D(2022, 6, 1), None)]
        assert dates.rank_on(rows, D(2022, 5, 31)) == "副科级"
        assert dates.rank_on(rows, D(2022, 6, 1)) == "正科级"
        assert dates.rank_on(rows, D(2017, 1, 1)) == ""
        assert dates.rank_on([], AS_OF, "副科级") == "副科级"


# ---------------------------------------------------------------- age

class TestAge:
    def test_born_on_the_cutoff_passes_day_before_fails(self):
        # as-of 2026 → male 45 cutoff 1981-01-01
        assert age(D(1981, 1, 1)).status == R.PASS
        r = age(D(1980, 12, 31))
        assert r.status == R.FAIL
        # 45 years old on the as-of date, but born before the cutoff: the cutoff wording
        assert r.reason == "1980年12月31日出生，早于1981年1月1日（男45周岁）"

    def test_older_than_limit_quotes_the_age(self):
        r = age(D(1980, 6, 1))
        assert r.reason == "年龄46岁，超过新提任正科男性45岁上限（1980年6月出生，早于1981年1月1日）"
        assert r.value == "46岁（1980年6月出生）"
        assert r.limit == "男45周岁以下（1981年1月1日以后出生）"

    def test_seed_plan_wording_with_explicit_cutoff(self):
        r = R.check_age(
            birth_date=D(1957, 3, 1), gender="男", as_of=D(2004, 1, 1), male=45, female=40,
            male_cutoff=D(1959, 1, 1), label="新提任正科",
        )
        assert r.status == R.FAIL
        assert r.reason == "1957年3月出生，早于1959年1月1日（男45周岁）"

    def test_explicit_cutoff_overrides_default(self):
        assert age(D(1980, 7, 1), male_cutoff=D(1980, 7, 1)).status == R.PASS
        assert age(D(1980, 6, 30), male_cutoff=D(1980, 7, 1)).status == R.FAIL

    def test_female_limit_and_cutoff(self):
        # female 40 → cutoff 1986-01-01
        assert age(D(1986, 1, 1), gender="女").status == R.PASS
        r = age(D(1985, 12, 31), gender="女")
        assert r.status == R.FAIL and "女40周岁" in r.reason
        assert age(D(1985, 12, 31), gender="女", female_cutoff=D(1985, 12, 1)).status == R.PASS

    def test_year_month_birth_counts_from_first(self):
        r = age(D(1981, 1, 1))
        assert r.reason == "1981年1月出生，不早于1981年1月1日（新提任正科男性45周岁以下）"

    def test_waivable_flag_carried(self):
        assert age(D(1970, 1, 1), waivable=True).waivable
        assert not age(D(1970, 1, 1)).waivable

    @settings(max_examples=300, deadline=None)
    @given(
        birth=st.dates(min_value=D(1950, 1, 1), max_value=D(2000, 12, 31)),
        as_of=st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)),
        gender=st.sampled_from(["男", "女"]),
        limit=st.integers(min_value=30, max_value=60),
    )
    def test_one_day_older_never_becomes_eligible(self, birth, as_of, gender, limit):
        younger = R.check_age(birth_date=birth, gender=gender, as_of=as_of, male=limit, female=limit)
        older = R.check_age(birth_date=birth - dt.timedelta(days=1), gender=gender, as_of=as_of, male=limit, female=limit)
        if younger.status == R.FAIL:
            assert older.status == R.FAIL

    @settings(max_examples=200, deadline=None)
    @given(
        birth=st.dates(min_value=D(1950, 1, 1), max_value=D(2000, 12, 31)),
        as_of=st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)),
        limit=st.integers(min_value=30, max_value=60),
    )
    def test_default_cutoff_admits_everyone_within_the_limit_at_year_end(self, birth, as_of, limit):
        r = R.check_age(birth_date=birth, gender="男", as_of=as_of, male=limit, female=limit)
        year_end = D(as_of.year, 12, 31)
        assert (r.status == R.PASS) == (dates.age_on(birth, year_end) <= limit)


# ---------------------------------------------------------------- tenure

class TestTenure:
    def tenure(self, start, as_of=AS_OF, years=2):
        return R.check_tenure(run_start=start, as_of=as_of, min_years=years, level_label="副科级及以上领导职务", waivable=True)

    def test_exactly_two_years_passes(self):
        r = self.tenure(D(2024, 6, 30))
        assert r.status == R.PASS
        assert r.reason == "自2024年6月30日起任副科级及以上领导职务2年0天，满2年"

    def test_one_day_short_fails(self):
        r = self.tenure(D(2024, 7, 1))
        assert r.status == R.FAIL
        assert r.reason == "自2024年7月起任副科级及以上领导职务1年364天，不满2年（2026年7月1日满2年）"
        assert r.waivable

    def test_year_month_start_counts_from_first(self):
        assert self.tenure(D(2024, 6, 1), as_of=D(2026, 6, 1)).status == R.PASS
        assert self.tenure(D(2024, 6, 1), as_of=D(2026, 5, 31)).status == R.FAIL

    def test_not_holding_the_level(self):
        r = self.tenure(None)
        assert r.status == R.FAIL and r.reason == "未任副科级及以上领导职务，不满2年"

    @settings(max_examples=300, deadline=None)
    @given(
        start=st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)),
        as_of=st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31)),
        extra=st.integers(min_value=1, max_value=2000),
        years=st.integers(min_value=0, max_value=6),
    )
    def test_more_tenure_never_turns_pass_into_fail(self, start, as_of, extra, years):
        shorter = R.check_tenure(run_start=start, as_of=as_of, min_years=years)
        longer = R.check_tenure(run_start=start - dt.timedelta(days=extra), as_of=as_of, min_years=years)
        if shorter.status == R.PASS:
            assert longer.status == R.PASS


# ---------------------------------------------------------------- education

EDU = ["高中及以下", "中专", "大学专科", "大学本科", "研究生", ""]


class TestEducation:
    def test_part_time_degree_lifts_secondary_full_time(self):
        r = R.check_education(full_time="中专", part_time="大学本科")
        assert r.status == R.PASS
        assert r.value == "大学本科（在职）"
        assert r.reason == "最高学历大学本科（在职），达到大学专科及以上"

    def test_full_time_required_ignores_part_time(self):
        r = R.check_education(full_time="中专", part_time="大学本科", full_time_only=True, waivable=True)
        assert r.status == R.FAIL
        assert r.reason == "全日制学历中专，本职位要求全日制大学专科及以上（在职大学本科不计）"
        assert r.limit == "全日制大学专科及以上学历"

    def test_minimum_itself_passes(self):
        assert R.check_education(full_time="大学专科", part_time="").status == R.PASS
        r = R.check_education(full_time="中专", part_time="")
        assert r.status == R.FAIL and r.reason == "最高学历中专（全日制），低于大学专科"

    def test_no_record(self):
        assert R.check_education(full_time="", part_time="").reason == "无学历记录，要求大学专科及以上学历"
        r = R.check_education(full_time="", part_time="大学本科", full_time_only=True)
        assert r.status == R.FAIL and r.reason.startswith("无全日制学历记录")

    def test_highest_education(self):
        assert dates.highest_education({"全日制": "大学本科", "在职": "研究生"}) == ("研究生", "在职")
        assert dates.highest_education({"全日制": "大学本科", "在职": "研究生"}, full_time_only=True) == ("大学本科", "全日制")
        assert dates.highest_education({"全日制": "研究生", "在职": "大学本科"}) == ("研究生", "全日制")
        assert dates.highest_education({}) == ("", "")

    @settings(max_examples=300, deadline=None)
    @given(
        ft=st.sampled_from(EDU), pt=st.sampled_from(EDU), up=st.integers(min_value=1, max_value=4),
        which=st.sampled_from(["全日制", "在职"]), minimum=st.sampled_from(EDU[:-1]), ft_only=st.booleans(),
    )
    def test_higher_education_never_turns_pass_into_fail(self, ft, pt, up, which, minimum, ft_only):
        before = R.check_education(full_time=ft, part_time=pt, minimum=minimum, full_time_only=ft_only)
        current = ft if which == "全日制" else pt
        index = EDU.index(current) if current else -1
        raised = EDU[min(index + up, 4)]
        after = R.check_education(
            full_time=raised if which == "全日制" else ft, part_time=raised if which == "在职" else pt,
            minimum=minimum, full_time_only=ft_only,
        )
        if before.status == R.PASS:
            assert after.status == R.PASS


# ---------------------------------------------------------------- basic conditions

class TestAssessments:
    def check(self, grades, **kw):
        return R.check_assessments(grades=grades, as_of=D(2026, 3, 1), **kw)

    def test_three_competent_years_pass(self):
        r = self.check({2023: ("称职", ""), 2024: ("优秀", ""), 2025: ("称职", ""), 2022: ("不称职", "")})
        assert r.status == R.PASS
        assert r.value == "2023称职、2024优秀、2025称职"
        assert r.limit == "2023、2024、2025年度考核均为优秀或称职"

    def test_missing_year_fails_with_clerk_wording(self):
        r = self.check({2023: ("称职", ""), 2025: ("称职", "")})
        assert r.status == R.FAIL and r.reason == "缺少2024年度考核结果"

    def test_undetermined_counts_as_missing(self):
        r = self.check({2023: ("称职", ""), 2024: ("未定等次", "新录用不足半年"), 2025: ("称职", "")})
        assert r.status == R.FAIL
        assert r.reason == "缺少2024年度考核结果（未定等次：新录用不足半年）"

    def test_basic_competent_fails(self):
        r = self.check({2023: ("基本称职", ""), 2024: ("称职", ""), 2025: ("不称职", "")})
        assert r.status == R.FAIL
        assert r.reason == "2023年度考核为基本称职；2025年度考核为不称职"

    def test_configurable_years_and_grades(self):
        grades = {2024: ("基本称职", ""), 2025: ("称职", "")}
        assert self.check(grades, years=1).status == R.PASS
        assert self.check(grades, years=2).status == R.FAIL
        assert self.check(grades, years=2, accepted=("优秀", "称职", "基本称职")).status == R.PASS

    def test_as_of_year_itself_is_not_required(self):
        r = R.check_assessments(grades={2023: ("称职", ""), 2024: ("称职", ""), 2025: ("称职", "")}, as_of=D(2026, 12, 31))
        assert r.status == R.PASS


class TestPool:
    def test_civil_servant_in_organ_township_subdistrict(self):
        for kind in ("机关", "乡镇", "街道"):
            assert R.check_pool(staffing_type="公务员", works_in_organ=False, unit_kind=kind).status == R.PASS
        assert R.check_pool(staffing_type="参公", works_in_organ=False, unit_kind="机关").status == R.PASS

    def test_institution_staff_only_when_working_in_organ(self):
        assert R.check_pool(staffing_type="事业", works_in_organ=True, unit_kind="事业单位").status == R.PASS
        r = R.check_pool(staffing_type="事业", works_in_organ=False, unit_kind="事业单位", unit_name="区档案馆")
        assert r.status == R.FAIL
        assert r.reason.startswith("编制类型/工作单位不在本次报名范围")
        assert "区档案馆" in r.reason

    def test_civil_servant_in_enterprise_outside_pool(self):
        assert R.check_pool(staffing_type="公务员", works_in_organ=False, unit_kind="企业").status == R.FAIL
        assert R.check_pool(staffing_type="公务员", works_in_organ=False, unit_kind="").status == R.FAIL

    def test_configurable(self):
        r = R.check_pool(staffing_type="事业", works_in_organ=True, unit_kind="机关", organ_staffing_types=())
        assert r.status == R.FAIL


class TestHealth:
    def test_markers(self):
        assert R.check_health(health="健康").status == R.PASS
        assert R.check_health(health="").status == R.PASS
        assert R.check_health(health="一般").status == R.PASS
        r = R.check_health(health="长期病休")
        assert r.status == R.FAIL and r.reason == "健康状况为「长期病休」，不能坚持正常工作"
        assert R.check_health(health="不能坚持正常工作").status == R.FAIL
        assert R.check_health(health="长期病休", unfit_markers=()).status == R.PASS


class TestSanctions:
    S = R.Sanction("党纪处分", "党内警告", D(2025, 3, 1), D(2025, 3, 1), D(2026, 2, 28))

    def test_in_effect_on_the_last_day(self):
        r = R.check_sanctions(sanctions=[self.S], as_of=D(2026, 2, 28))
        assert r.status == R.FAIL
        assert r.reason == "2025年3月1日受党内警告（党纪处分），影响期至2026年2月28日，2026年2月28日仍在影响期内"

    def test_day_after_it_ends(self):
        assert R.check_sanctions(sanctions=[self.S], as_of=D(2026, 3, 1)).status == R.PASS

    def test_before_it_starts(self):
        assert R.check_sanctions(sanctions=[self.S], as_of=D(2025, 2, 28)).status == R.PASS
        assert R.check_sanctions(sanctions=[self.S], as_of=D(2025, 3, 1)).status == R.FAIL

    def test_start_defaults_to_decision_and_open_end(self):
        s = R.Sanction("政务处分", "记过", D(2025, 6, 1))
        assert R.check_sanctions(sanctions=[s], as_of=D(2025, 5, 31)).status == R.PASS
        r = R.check_sanctions(sanctions=[s], as_of=D(2030, 1, 1))
        assert r.status == R.FAIL and "影响期未结束" in r.reason

    def test_other_kinds_ignored_unless_configured(self):
        s = R.Sanction("组织处理", "诫勉", D(2025, 6, 1), None, D(2026, 5, 31))
        assert R.check_sanctions(sanctions=[s], as_of=D(2026, 1, 1)).status == R.PASS
        assert R.check_sanctions(sanctions=[s], as_of=D(2026, 1, 1), kinds=("组织处理",)).status == R.FAIL


class TestManualAndOverall:
    def test_manual_never_passes(self):
        r = R.check_manual()
        assert r.status == R.MANUAL
        assert r.reason.startswith("待人工审核：坚持四项基本原则")

    def test_overall(self):
        ok = R.check_health(health="健康")
        fail = R.check_education(full_time="中专", part_time="", waivable=True)
        manual = R.check_manual()
        waived = fail.waived("工作需要，经领导小组研究同意")
        assert waived.status == R.WAIVED
        assert waived.reason == "经批准放宽：工作需要，经领导小组研究同意"
        assert waived.note == "最高学历中专（全日制），低于大学专科"
        assert R.overall([ok, manual]) == R.RESULT_OK
        assert R.overall([ok, manual], strict_manual=True) == R.RESULT_MANUAL
        assert R.overall([ok, waived, manual]) == R.RESULT_OK_WAIVED
        assert R.overall([ok, waived, manual], strict_manual=True) == R.RESULT_MANUAL
        assert R.overall([ok, fail, manual], strict_manual=True) == R.RESULT_FAIL
        assert R.overall([ok, fail]) == R.RESULT_FAIL

    def test_only_failing_waivable_rules_can_be_waived(self):
        ok = R.check_education(full_time="大学本科", part_time="", waivable=True)
        assert ok.waived("x") is ok
        not_waivable = R.check_health(health="长期病休")
        assert not_waivable.waived("x") is not_waivable


class TestAppointment:
    def test_holding_the_level(self):
        assert R.detect_appointment(current_rank="正科级", title_level="", post_grade=2) == (R.TRANSFER, "现任正科级")
        assert R.detect_appointment(current_rank="副科级", title_level="", post_grade=2) == (R.NEW, "")
        # a 正科 on a 副科 post is a 降职, never a candidate (spec/selection.md)
        assert R.detect_appointment(current_rank="正科级", title_level="", post_grade=1)[0] == R.DEMOTION

    def test_equivalent_rank(self):
        assert R.detect_appointment(current_rank="二级主任科员", title_level="", post_grade=2) == (R.TRANSFER, "现任二级主任科员（相当于正科级）")
        assert R.detect_appointment(current_rank="四级主任科员", title_level="", post_grade=1)[0] == R.TRANSFER
        assert R.detect_appointment(current_rank="三级主任科员", title_level="", post_grade=2)[0] == R.NEW
        assert R.detect_appointment(current_rank="二级主任科员", title_level="", post_grade=2, equivalent_ranks=False)[0] == R.NEW

    def test_intermediate_title(self):
        assert R.detect_appointment(current_rank="一级科员", title_level="中级", post_grade=2) == (R.TRANSFER, "具有中级职称")
        assert R.detect_appointment(current_rank="一级科员", title_level="副高级", post_grade=1)[0] == R.TRANSFER
        assert R.detect_appointment(current_rank="一级科员", title_level="初级", post_grade=1)[0] == R.NEW
        assert R.detect_appointment(current_rank="一级科员", title_level="中级", post_grade=1, title_min=None)[0] == R.NEW


class TestLadderAndCounty:
    def test_ladder_minimum_years_and_excellent_shortening(self):
        kw = dict(target_rank="三级主任科员", current_rank="四级主任科员", as_of=D(2026, 6, 30))
        assert R.check_ladder(lower_start=D(2024, 6, 30), **kw).status == R.PASS
        assert R.check_ladder(lower_start=D(2024, 7, 1), **kw).status == R.FAIL
        # one 优秀 year: a year and a half
        assert R.check_ladder(lower_start=D(2024, 12, 30), excellent_years=1, **kw).status == R.PASS
        r = R.check_ladder(lower_start=D(2024, 12, 31), excellent_years=1, **kw)
        assert r.status == R.FAIL and r.reason.endswith("不满1年半")
        assert R.check_ladder(lower_start=D(2024, 12, 30), excellent_years=1, excellent_shortens=False, **kw).status == R.FAIL

    def test_ladder_not_applicable_or_missing(self):
        assert R.check_ladder(target_rank="副科级", current_rank="", lower_start=None, as_of=AS_OF).reason == "本职位不是职级晋升，不适用"
        r = R.check_ladder(target_rank="三级主任科员", current_rank="一级科员", lower_start=None, as_of=AS_OF)
        assert r.status == R.FAIL and "未任四级主任科员" in r.reason
        assert R.check_ladder(target_rank="一级调研员", current_rank="二级调研员", lower_start=D(2024, 1, 1), as_of=AS_OF).status == R.FAIL
        assert R.check_ladder(target_rank="三级主任科员", current_rank="二级主任科员", lower_start=None, as_of=AS_OF).status == R.PASS

    def test_county(self):
        kw = dict(as_of=D(2026, 6, 30), chief_start=None)
        assert R.check_county(work_start=D(2021, 6, 30), grassroots_days=730, **kw).status == R.PASS
        r = R.check_county(work_start=D(2021, 7, 1), grassroots_days=729, **kw)
        assert r.status == R.FAIL
        assert r.reason == "工作4年364天，不满5年；基层工作经历1年364天，不满2年"
        r = R.check_county(work_start=D(2010, 1, 1), grassroots_days=1000, from_chief=True, **kw)
        assert r.status == R.FAIL and "未任正职" in r.reason
        assert R.check_county(
            work_start=D(2010, 1, 1), grassroots_days=1000, from_chief=True, as_of=D(2026, 6, 30), chief_start=D(2023, 6, 30)
        ).status == R.PASS

    def test_grassroots_days_merges_overlaps_and_clips(self):
        rows = [("乡镇", D(2020, 1, 1), D(2020, 12, 31)), ("街道", D(2020, 6, 1), D(2021, 1, 10)), ("机关", D(2021, 2, 1), None)]
        assert dates.grassroots_days(rows, as_of=D(2026, 1, 1)) == 366 + 10
        assert dates.grassroots_days([("乡镇", D(2025, 12, 1), None)], as_of=D(2025, 12, 31)) == 31
