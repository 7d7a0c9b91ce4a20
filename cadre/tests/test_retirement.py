"""The statutory retirement-age table (2024 NPC Standing Committee decision, in force 2025-01-01)."""
import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cadre.retirement import TABLE, retirement_of
from cadre.tests.factories import CadreFactory
from cadre.rules.retirement import add_months, parse_table, retirement_for

# rows of the official 对照表 (出生时间 → 改革后法定退休年龄, 改革后退休时间)
KNOWN = [
    ("男", "1964-12-10", 60, 0, "2024.12"),
    ("男", "1965-01-01", 60, 1, "2025.02"),
    ("男", "1965-04-30", 60, 1, "2025.05"),
    ("男", "1965-05-01", 60, 2, "2025.07"),
    ("男", "1967-10-03", 60, 9, "2028.07"),
    ("男", "1970-01-01", 61, 4, "2031.05"),
    ("男", "1976-08-01", 62, 11, "2039.07"),
    ("男", "1976-09-01", 63, 0, "2039.09"),
    ("男", "1990-06-01", 63, 0, "2053.06"),
    ("女", "1969-12-31", 55, 0, "2024.12"),
    ("女", "1970-01-01", 55, 1, "2025.02"),
    ("女", "1971-12-01", 55, 6, "2027.06"),
    ("女", "1975-01-01", 56, 4, "2031.05"),
    ("女", "1981-08-01", 57, 11, "2039.07"),
    ("女", "1981-09-01", 58, 0, "2039.09"),
]


@pytest.mark.parametrize(("gender", "birth", "years", "months", "month"), KNOWN)
def test_known_rows_of_the_official_table(gender, birth, years, months, month):
    r = retirement_of(dt.date.fromisoformat(birth), gender)
    assert (r.years, r.months, r.month) == (years, months, month)


@pytest.mark.parametrize(("birth", "years", "months", "month"), [
    ("1974-12-01", 50, 0, "2024.12"), ("1975-01-01", 50, 1, "2025.02"), ("1975-03-01", 50, 2, "2025.05"),
    ("1984-10-01", 54, 11, "2039.09"), ("1984-11-01", 55, 0, "2039.11"),
])
def test_women_workers_with_original_age_50(birth, years, months, month):
    r = retirement_of(dt.date.fromisoformat(birth), "女", original_years=50)
    assert (r.years, r.months, r.month) == (years, months, month)


def test_a_policy_age_outside_the_table_is_a_fixed_age():
    r = retirement_of(dt.date(1980, 5, 1), "男", original_years=58)
    assert (r.years, r.months, r.on) == (58, 0, dt.date(2038, 5, 1))


def test_the_labels_name_the_age_and_the_month():
    r = retirement_of(dt.date(1967, 10, 3), "男")
    assert r.age_label == "60 岁 9 个月" and r.month_cn == "2028年7月"
    assert retirement_of(dt.date(1960, 1, 1), "男").age_label == "60 岁"


def test_overlapping_bands_are_refused():
    bad = {"categories": {"x": {"label": "x", "original_years": 60, "final_years": 63, "bands": [
        {"from": "1965-01", "to": "1965-04", "years": 60, "months": 1},
        {"from": "1965-03", "to": "1965-06", "years": 60, "months": 2}]}}}
    with pytest.raises(ValueError, match="重叠"):
        parse_table(bad)


births = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31))


@given(births, st.sampled_from(["男", "女"]))
def test_the_age_steps_one_month_per_four_months_of_birth(birth, gender):
    start, original, final = (1965, 60, 63) if gender == "男" else (1970, 55, 58)
    k = (birth.year - start) * 12 + birth.month - 1
    extra = 0 if k < 0 else min(k // 4 + 1, 36)
    r = retirement_of(birth, gender)
    assert r.years * 12 + r.months == original * 12 + extra
    assert original <= r.years <= final
    assert r.on == add_months(birth, r.years * 12 + r.months)


@given(births, births, st.sampled_from(["男", "女"]))
def test_later_birth_never_retires_earlier_nor_at_a_lower_age(a, b, gender):
    a, b = sorted((a, b))
    ra, rb = retirement_of(a, gender), retirement_of(b, gender)
    assert (ra.years, ra.months) <= (rb.years, rb.months)
    assert ra.on <= rb.on


@given(births)
def test_each_category_is_a_step_function_of_the_birth_month(birth):
    for category in TABLE.values():
        first = retirement_for(birth.replace(day=1), category)
        assert (retirement_for(birth, category).years, retirement_for(birth, category).months) == (first.years, first.months)


@pytest.mark.django_db
def test_the_record_page_shows_the_retirement_month(staff_client):
    cadre = CadreFactory(gender="男", birth_date=dt.date(1970, 1, 9))
    html = staff_client.get(reverse("cadre:cadre-detail", args=[cadre.pk])).content.decode()
    assert "法定退休年龄 61 岁 4 个月，2031年5月到龄退休" in html
