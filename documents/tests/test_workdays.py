import datetime as dt

import pytest

from documents.workdays import (
    LAST_YEAR,
    WorkdayError,
    add_working_days,
    count_working_days,
    is_working_day,
    next_working_day,
    working_day_period,
)

pytestmark = pytest.mark.django_db  # the public functions read the stored 节假日安排 (none stored here)

D = dt.date


def test_adjusted_weekend_days_are_working_days():
    assert is_working_day(D(2026, 2, 14))  # Saturday, 调休 before 春节
    assert is_working_day(D(2026, 9, 20))  # Sunday, 调休 before 中秋/国庆
    assert is_working_day(D(2026, 10, 10))  # Saturday, 调休 after 国庆
    assert not is_working_day(D(2026, 10, 1))  # 国庆
    assert not is_working_day(D(2026, 2, 17))  # 春节
    assert not is_working_day(D(2026, 11, 28))  # ordinary Saturday


def test_five_working_days_across_national_day():
    # from Wednesday 2026-09-30: 10-01..07 are holidays, then 10-08, 09, 10 (调休 Sat), 12, 13
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    # 公示 from Tuesday 2026-09-29: 29, 30, 10-08, 10-09 and the 调休 Saturday 10-10
    first, last = working_day_period(D(2026, 9, 29), 5)
    assert (first, last) == (D(2026, 9, 29), D(2026, 10, 10))
    assert count_working_days(first, last) == 5


def test_adjusted_sunday_counts_before_mid_autumn():
    assert add_working_days(D(2026, 9, 18), 5) == D(2026, 9, 24)


def test_spring_festival():
    # Thursday 2026-02-12: Fri 13, 调休 Sat 14, holidays 15..23, then 24, 25, 26
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert next_working_day(D(2026, 2, 16)) == D(2026, 2, 24)


def test_ordinary_week_and_backwards():
    assert add_working_days(D(2026, 11, 23), 5) == D(2026, 11, 30)
    assert add_working_days(D(2026, 11, 30), -5) == D(2026, 11, 23)
    assert add_working_days(D(2026, 11, 23), 0) == D(2026, 11, 23)
    assert working_day_period(D(2026, 11, 28), 5) == (D(2026, 11, 30), D(2026, 12, 4))


def test_year_outside_calendar_gives_chinese_error():
    with pytest.raises(WorkdayError) as exc:
        is_working_day(D(LAST_YEAR + 1, 3, 2))
    message = exc.value.message
    assert "无法判断" in message and f"{LAST_YEAR + 1}年" in message and "系统 → 节假日安排" in message
    with pytest.raises(WorkdayError):
        add_working_days(D(LAST_YEAR, 12, 29), 5)
