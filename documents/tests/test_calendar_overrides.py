"""节假日安排 entered by staff: stored days win, years beyond the bundled calendar, one query per call, the page."""
import datetime as dt

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents import services, workdays
from documents.campaign_docs import build_context
from documents.models import CalendarDay, DocumentKind
from documents.tests import samples
from documents.workdays import (
    LAST_YEAR,
    StoredCalendar,
    WorkdayError,
    add_working_days,
    add_working_days_pure,
    count_working_days,
    is_working_day,
    is_working_day_pure,
    next_working_day,
    parse_arrangement,
    working_day_period,
)

D = dt.date
NEW_YEAR = LAST_YEAR + 1  # 2027 with the installed chinesecalendar: the first year nobody ships


def enter(*lines, actor=None):
    return services.calendar_days_bulk(actor=actor, text="\n".join(lines))


# --- pure layer (no database) --------------------------------------------------------------------------------------
def test_pure_unknown_year_names_the_year_and_the_menu():
    with pytest.raises(WorkdayError) as exc:
        is_working_day_pure(D(NEW_YEAR, 3, 2), {})
    message = exc.value.message
    assert f"{NEW_YEAR}年" in message and "系统 → 节假日安排" in message and "放假安排" in message


def test_pure_entered_year_uses_weekdays_and_stored_days():
    overrides = {D(NEW_YEAR, 1, 1): False, D(NEW_YEAR, 2, 20): True}
    assert not is_working_day_pure(D(NEW_YEAR, 1, 1), overrides)  # stored holiday (a weekday)
    assert is_working_day_pure(D(NEW_YEAR, 2, 20), overrides)  # stored 调休上班 Saturday
    assert D(NEW_YEAR, 3, 6).weekday() == 5
    assert not is_working_day_pure(D(NEW_YEAR, 3, 6), overrides)  # ordinary Saturday
    assert is_working_day_pure(D(NEW_YEAR, 3, 8), overrides)  # ordinary Monday
    # the entered years can be given separately (the dict may hold only part of a year)
    assert is_working_day_pure(D(NEW_YEAR, 3, 8), {}, entered_years={NEW_YEAR})
    with pytest.raises(WorkdayError):
        is_working_day_pure(D(NEW_YEAR + 1, 3, 8), overrides)


def test_pure_stored_day_wins_inside_bundled_year():
    assert is_working_day_pure(D(2026, 10, 1), {}) is False  # 国庆 from chinesecalendar
    assert is_working_day_pure(D(2026, 10, 1), {D(2026, 10, 1): True}) is True
    assert is_working_day_pure(D(2026, 11, 23), {D(2026, 11, 23): False}) is False


def test_pure_arithmetic_takes_any_lookup():
    weekdays_only = lambda d: d.weekday() < 5  # noqa: E731
    assert add_working_days_pure(D(NEW_YEAR, 1, 1), 1, weekdays_only) == D(NEW_YEAR, 1, 4)
    assert add_working_days_pure(D(NEW_YEAR, 1, 4), -1, weekdays_only) == D(NEW_YEAR, 1, 1)


def test_stored_calendar_reads_whole_years_and_extends_once():
    calls = []

    def loader(first_year, last_year):
        calls.append((first_year, last_year))
        return {D(NEW_YEAR, 1, 1): False} if first_year <= NEW_YEAR <= last_year else {D(NEW_YEAR + 1, 5, 3): False}

    cal = StoredCalendar(D(NEW_YEAR, 12, 1), D(NEW_YEAR, 12, 31), loader=loader)
    assert calls == [(NEW_YEAR, NEW_YEAR)]
    assert cal(D(NEW_YEAR, 1, 4)) and not cal(D(NEW_YEAR, 1, 1))
    assert cal(D(NEW_YEAR + 1, 5, 4)) and not cal(D(NEW_YEAR + 1, 5, 3))
    assert cal(D(NEW_YEAR + 1, 5, 5))
    assert calls == [(NEW_YEAR, NEW_YEAR), (NEW_YEAR + 1, NEW_YEAR + 1)]


def test_parse_arrangement_formats():
    entries, issues = parse_arrangement(
        "# 2027年放假安排\n"
        "2027-01-01 放假 元旦\n"
        "\n"
        "2027/2/7，上班，调休\n"
        "2027年2月6日 放假 春节 除夕前一天\n"
        "2027-02-20 上班\n"
    )
    assert issues == []
    assert [(e.line, e.date, e.is_working_day, e.name, e.note) for e in entries] == [
        (2, D(2027, 1, 1), False, "元旦", ""),
        (4, D(2027, 2, 7), True, "调休", ""),
        (5, D(2027, 2, 6), False, "春节", "除夕前一天"),
        (6, D(2027, 2, 20), True, "调休上班", ""),
    ]


def test_parse_arrangement_names_each_bad_line():
    entries, issues = parse_arrangement(
        "2027-01-01 放假 元旦\n2027-02-30 放假 春节\n2027-02-07 调休\n2027-03-01\n2027-01-01 上班 重复\n"
        f"2027-04-05 放假 {'清' * 51}\n"
    )
    messages = [i.message for i in issues]
    assert [i.row for i in issues] == [2, 3, 4, 5, 6]
    assert messages[0] == "第2行的日期“2027-02-30”无效，应写作2027-01-01"
    assert messages[1] == "第3行的类别“调休”无效，应为“放假”或“上班”"
    assert messages[2].startswith("第4行应为“日期 放假/上班 名称”")
    assert messages[3] == "第5行的日期2027-01-01与第1行重复"
    assert messages[4] == "第6行的名称超过50个字"
    assert parse_arrangement("  \n# 只有注释\n")[1][0].message.startswith("请至少填写一行")


# --- public API over stored days ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_year_without_entries_raises_naming_the_year():
    with pytest.raises(WorkdayError) as exc:
        is_working_day(D(NEW_YEAR, 3, 2))
    assert f"{NEW_YEAR}年" in exc.value.message and "系统 → 节假日安排" in exc.value.message
    with pytest.raises(WorkdayError) as exc:
        add_working_days(D(LAST_YEAR, 12, 28), 5)
    assert f"{NEW_YEAR}年" in exc.value.message


@pytest.mark.django_db
def test_pre_appointment_period_into_next_year_once_arrangement_is_entered():
    data = samples.pre_appointment()
    data.start_date = D(2026, 12, 28)
    with pytest.raises(ApplicationError, match="2027年"):
        build_context(DocumentKind.PRE_APPOINTMENT_NOTICE, data)
    enter("2027-01-01 放假 元旦")
    ctx = build_context(DocumentKind.PRE_APPOINTMENT_NOTICE, data)
    # Mon 28, 29, 30, 31 Dec; 元旦 Fri 1 Jan; weekend 2-3 Jan; Mon 4 Jan is the fifth working day
    assert (ctx["period_start"], ctx["period_end"]) == (D(2026, 12, 28), D(2027, 1, 4))
    assert ctx["period_text"] == "2026年12月28日至2027年1月4日（5个工作日）"


@pytest.mark.django_db
def test_entered_year_weekends_weekdays_and_stored_days():
    enter("2027-01-01 放假 元旦")
    assert not is_working_day(D(2027, 1, 1))
    assert not is_working_day(D(2027, 1, 2)) and not is_working_day(D(2027, 1, 3))  # Sat, Sun
    assert is_working_day(D(2027, 1, 4)) and is_working_day(D(2027, 7, 15))  # unlisted weekdays
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert add_working_days(D(2027, 1, 4), -1) == D(2026, 12, 31)
    assert count_working_days(D(2026, 12, 28), D(2027, 1, 8)) == 9
    assert next_working_day(D(2027, 1, 1)) == D(2027, 1, 4)
    with pytest.raises(WorkdayError, match="2028年"):  # entering 2027 says nothing about 2028
        is_working_day(D(2028, 1, 3))


@pytest.mark.django_db
def test_stored_adjusted_saturday_counts():
    enter("2027-02-08 放假 春节", "2027-02-20 上班 调休")
    assert D(2027, 2, 20).weekday() == 5
    assert is_working_day(D(2027, 2, 20))
    # Fri 19 Feb → the 调休 Saturday 20 Feb is the next working day
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)
    assert count_working_days(D(2027, 2, 15), D(2027, 2, 21)) == 6
    assert working_day_period(D(2027, 2, 6), 5) == (D(2027, 2, 9), D(2027, 2, 15))


@pytest.mark.django_db
def test_stored_day_overrides_bundled_calendar():
    assert is_working_day(D(2026, 11, 23)) and not is_working_day(D(2026, 10, 1))
    services.calendar_day_set(actor=None, date=D(2026, 11, 23), is_working_day=False, name="临时放假")
    services.calendar_day_set(actor=None, date=D(2026, 10, 1), is_working_day=True, name="测试")
    assert not is_working_day(D(2026, 11, 23)) and is_working_day(D(2026, 10, 1))
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 24)
    # deleting the row brings back the bundled calendar
    services.calendar_day_delete(actor=None, calendar_day_id=CalendarDay.objects.get(date=D(2026, 11, 23)).pk)
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(D(2026, 12, 28), 5),
        lambda: add_working_days(D(2026, 11, 2), 60),
        lambda: add_working_days(D(2027, 3, 1), -90),
        lambda: working_day_period(D(2026, 12, 26), 20),
        lambda: count_working_days(D(2026, 1, 1), D(2027, 12, 31)),
        lambda: next_working_day(D(2027, 1, 1)),
        lambda: is_working_day(D(2027, 1, 1)),
    ],
)
def test_one_query_per_call(django_assert_num_queries, call):
    enter(*(f"2027-{m:02d}-01 放假 测试" for m in range(1, 13)), "2026-12-31 放假 测试")
    with django_assert_num_queries(1):
        call()


# --- services ------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_bulk_saves_overwrites_and_audits(staff_user):
    services.calendar_day_set(actor=staff_user, date=D(2027, 2, 7), is_working_day=False, name="错录")
    saved = enter("2027-01-01 放假 元旦", "2027-02-07 上班 调休", actor=staff_user)
    assert len(saved) == 2 and CalendarDay.objects.count() == 2
    fixed = CalendarDay.objects.get(date=D(2027, 2, 7))
    assert fixed.is_working_day and fixed.name == "调休" and fixed.created_by == staff_user
    event = AuditEvent.objects.get(action="documents.calendar_days_bulk")
    assert event.actor == staff_user and event.data["created"] == 1 and event.data["updated"] == 1
    assert "2027年" in event.summary
    assert AuditEvent.objects.filter(action="documents.calendar_day_set").count() == 1


@pytest.mark.django_db
def test_bulk_with_a_bad_line_saves_nothing():
    with pytest.raises(ApplicationError) as exc:
        enter("2027-01-01 放假 元旦", "2027-13-01 放假 春节")
    assert exc.value.message == "第2行的日期“2027-13-01”无效，应写作2027-01-01"
    assert [e.row for e in exc.value.errors] == [2]
    assert not CalendarDay.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_single_day_validation():
    with pytest.raises(ApplicationError, match="名称不能超过50个字"):
        services.calendar_day_set(actor=None, date=D(2027, 1, 1), is_working_day=False, name="元" * 51)
    day = services.calendar_day_set(actor=None, date=D(2027, 2, 20), is_working_day=True)
    assert day.name == "调休上班"
    with pytest.raises(ApplicationError, match="已不存在"):
        services.calendar_day_delete(actor=None, calendar_day_id=day.pk + 1000)


# --- the staff page ------------------------------------------------------------------------------------------------
@pytest.fixture
def url():
    return reverse("documents:calendar")


@pytest.mark.django_db
def test_staff_page_lists_by_year_and_warns_about_missing_year(staff_client, url):
    next_year = dt.date.today().year + 1
    response = staff_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "节假日安排" in page
    if not workdays.is_bundled_year(next_year):
        assert f"尚未录入{next_year}年的放假安排" in page
    enter("2027-01-01 放假 元旦", "2027-02-20 上班 调休", "2026-11-23 放假 测试")
    page = staff_client.get(url).content.decode()
    assert "2027年" in page and "放假1天，调休上班1天" in page and "元旦" in page and "2027-02-20" in page
    assert "覆盖系统内置安排" in page  # 2026 is a bundled year
    assert page.index('id="year-2027"') < page.index('id="year-2026"')


@pytest.mark.django_db
def test_staff_page_constant_queries(staff_client, url, django_assert_max_num_queries):
    enter(*(f"2027-{m:02d}-01 放假 测试" for m in range(1, 13)))
    staff_client.get(url)
    with django_assert_max_num_queries(8) as few:
        staff_client.get(url)
    enter(*(f"2028-{m:02d}-02 放假 测试" for m in range(1, 13)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(url)


@pytest.mark.django_db
def test_staff_adds_and_deletes_a_day(staff_client, staff_user, url):
    response = staff_client.post(url, {"action": "add", "date": "2027-02-20", "kind": "上班", "name": "", "note": "春节调休"})
    assert response.status_code == 302 and response["Location"] == url
    day = CalendarDay.objects.get()
    assert (day.date, day.is_working_day, day.name, day.note, day.created_by) == (
        D(2027, 2, 20), True, "调休上班", "春节调休", staff_user
    )
    response = staff_client.post(url, {"action": "add", "date": "2027-02-31", "kind": "放假"})
    assert response.status_code == 400 and "日期“2027-02-31”无效" in response.content.decode()
    response = staff_client.post(reverse("documents:calendar-delete", args=[day.pk]))
    assert response.status_code == 302 and not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(action="documents.calendar_day_delete", actor=staff_user).exists()


@pytest.mark.django_db
def test_staff_bulk_form_shows_line_errors_and_saves_nothing(staff_client, url):
    text = "2027-01-01 放假 元旦\n2027-02-07 休假 调休\n2027-02-30 上班"
    response = staff_client.post(url, {"action": "bulk", "text": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert "有2行错误，未保存任何日期" in page
    assert "第2行的类别“休假”无效" in page and "第3行的日期“2027-02-30”无效" in page
    assert "2027-01-01 放假 元旦" in page  # the text is kept for correction
    assert not CalendarDay.objects.exists()
    response = staff_client.post(url, {"action": "bulk", "text": "2027-01-01 放假 元旦\n2027-02-07 上班 调休"})
    assert response.status_code == 302 and CalendarDay.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader_user", "observer_user", "candidate_user", "judge_user"])
def test_other_roles_refused(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    day = services.calendar_day_set(actor=None, date=D(2027, 1, 1), is_working_day=False, name="元旦")
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "bulk", "text": "2027-01-02 放假 元旦"}).status_code == 403
    assert client.post(url, {"action": "add", "date": "2027-01-02", "kind": "放假"}).status_code == 403
    assert client.post(reverse("documents:calendar-delete", args=[day.pk])).status_code == 403
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]


@pytest.mark.django_db
def test_anonymous_redirected_to_login(client, url):
    for response in (client.get(url), client.post(url, {"action": "bulk", "text": "2027-01-02 放假 元旦"})):
        assert response.status_code == 302 and "login" in response["Location"]
    assert not CalendarDay.objects.exists()
