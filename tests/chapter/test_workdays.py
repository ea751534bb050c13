"""Working days (WD) for the R11, R12, R14 and R22 deadlines: concrete dates, then properties.

Hypothesis tests use a ``Calendar`` built directly, never the database.
"""

from datetime import date, timedelta

import holidays
import pytest
from django.db import IntegrityError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from chapter import workdays
from chapter.models import CalendarOverride
from chapter.workdays import Calendar

Kind = CalendarOverride.Kind
PROPERTIES = settings(max_examples=200, deadline=None)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
# tests/conftest.py clears the cached calendar before and after every test (fresh_caches).

# The national calendar, as the holidays package gives it.


def test_a_friday_plus_one_working_day_is_the_next_monday():
    assert Calendar().add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_tet_2026_is_monday_16_to_friday_20_february():
    calendar = Calendar()
    tet = [date(2026, 2, 16) + timedelta(days=i) for i in range(5)]
    assert [calendar.is_working_day(day) for day in tet] == [False] * 5
    assert calendar.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert calendar.is_working_day(date(2026, 2, 13))
    assert calendar.is_working_day(date(2026, 2, 23))


def test_a_30_wd_deadline_across_tet_2026_moves_a_week_later():
    # 3 WD before Tết, 16-20/02 off, then 27 more: 31/03 (24/03 without Tết). R12.
    calendar = Calendar()
    assert calendar.add_working_days(date(2026, 2, 10), 30) == date(2026, 3, 31)
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert calendar.working_days_between(date(2026, 2, 10), date(2026, 3, 31)) == 30


def test_national_day_2025_is_not_a_working_day():
    calendar = Calendar()
    assert calendar.holiday_name(date(2025, 9, 2)) == "Quốc khánh"
    assert calendar.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)


def test_national_day_2026_swap_counts_saturday_22_august_and_not_monday_31():
    # The package files 31/08/2026 as a day off in exchange for working Saturday 22/08.
    calendar = Calendar()
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert calendar.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_holiday_years_are_computed_for_any_year():
    calendar = Calendar()
    assert calendar.holiday_name(date(2045, 2, 17)) == "Tết Nguyên Đán"
    assert calendar.add_working_days(date(2045, 2, 14), 1) == date(2045, 2, 22)


def test_a_plain_weekend_has_no_holiday_name():
    assert Calendar().holiday_name(date(2026, 3, 14)) is None
    assert not Calendar().is_working_day(date(2026, 3, 14))


# The anchor and the overrides.


def test_the_anchor_itself_never_counts():
    calendar = Calendar()
    monday = date(2026, 3, 16)
    assert calendar.add_working_days(monday, 0) == monday
    assert calendar.add_working_days(monday, 1) == date(2026, 3, 17)
    assert calendar.working_days_between(monday, monday) == 0
    assert calendar.add_working_days(date(2026, 3, 15), 1) == monday  # from a Sunday


def test_a_declared_make_up_saturday_counts():
    calendar = Calendar(working_days={date(2027, 1, 9): "Làm bù"})
    assert calendar.is_working_day(date(2027, 1, 9))
    assert calendar.add_working_days(date(2027, 1, 8), 1) == date(2027, 1, 9)
    assert calendar.holiday_name(date(2027, 1, 9)) is None


def test_a_declared_extra_day_off_does_not_count():
    calendar = Calendar(days_off={date(2026, 3, 16): "Nghỉ bù"})
    assert not calendar.is_working_day(date(2026, 3, 16))
    assert calendar.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 17)
    assert calendar.holiday_name(date(2026, 3, 16)) == "Nghỉ bù"


def test_a_declared_working_day_wins_over_a_public_holiday():
    calendar = Calendar(working_days={date(2026, 2, 20): "Làm việc"})
    assert calendar.is_working_day(date(2026, 2, 20))
    assert calendar.holiday_name(date(2026, 2, 20)) is None


def test_a_day_cannot_be_both_off_and_worked():
    with pytest.raises(ValueError, match="Both"):
        Calendar(days_off={date(2027, 1, 9): "a"}, working_days={date(2027, 1, 9): "b"})


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        Calendar().add_working_days(date(2026, 3, 16), -1)


def test_working_days_between_is_negative_backwards():
    calendar = Calendar()
    assert calendar.working_days_between(date(2026, 3, 20), date(2026, 3, 13)) == -5


# The cached calendar and the CalendarOverride table.


def _override(day: date, kind: str, name: str = "Nghỉ bù") -> CalendarOverride:
    return CalendarOverride.objects.create(day=day, kind=kind, name=name)


@pytest.mark.django_db
def test_get_calendar_reads_the_overrides_in_one_query_then_caches(django_assert_num_queries):
    _override(date(2026, 3, 16), Kind.DAY_OFF)
    with django_assert_num_queries(1):
        calendar = workdays.get_calendar()
    with django_assert_num_queries(0):
        assert workdays.get_calendar() is calendar
        assert not workdays.is_working_day(date(2026, 3, 16))


@pytest.mark.django_db
def test_adding_changing_or_deleting_an_override_invalidates_the_cache():
    saturday = date(2027, 1, 9)
    assert workdays.add_working_days(date(2027, 1, 8), 1) == date(2027, 1, 11)
    override = _override(saturday, Kind.WORKING_DAY, "Làm bù")
    assert workdays.add_working_days(date(2027, 1, 8), 1) == saturday
    override.kind = Kind.DAY_OFF
    override.save()
    assert not workdays.is_working_day(saturday)
    override.delete()
    assert workdays.working_days_between(date(2027, 1, 8), date(2027, 1, 11)) == 1


@pytest.mark.django_db
def test_a_queryset_delete_invalidates_the_cache_too():
    _override(date(2026, 3, 16), Kind.DAY_OFF)
    assert not workdays.is_working_day(date(2026, 3, 16))
    CalendarOverride.objects.all().delete()  # what the admin's bulk delete action does
    assert workdays.is_working_day(date(2026, 3, 16))


@pytest.mark.django_db
def test_one_override_per_day():
    _override(date(2026, 3, 16), Kind.DAY_OFF)
    with pytest.raises(IntegrityError):
        _override(date(2026, 3, 16), Kind.WORKING_DAY)


def test_override_str():
    override = CalendarOverride(day=date(2026, 2, 21), kind=Kind.WORKING_DAY, name="Làm bù Tết")
    with translation.override("en"):
        assert str(override) == "21/02/2026 make-up working day: Làm bù Tết"


@pytest.mark.django_db
def test_admin_changelist_searches_and_filters(admin_client):
    _override(date(2026, 3, 16), Kind.DAY_OFF, "Nghỉ bù Tết")
    url = "/admin/chapter/calendaroverride/"
    response = admin_client.get(url, {"q": "Tết", "kind__exact": "DAY_OFF", "day__year": "2026"})
    assert response.status_code == 200
    assert "Nghỉ bù Tết" in response.text


# Properties, on calendars with random overrides near the anchor.


@st.composite
def calendars_and_anchors(draw: st.DrawFn) -> tuple[Calendar, date]:
    anchor = draw(days)
    offsets = draw(st.dictionaries(st.integers(-10, 200), st.booleans(), max_size=15))
    worked = {anchor + timedelta(days=o): "Làm bù" for o, is_worked in offsets.items() if is_worked}
    off = {anchor + timedelta(days=o): "Nghỉ" for o, is_worked in offsets.items() if not is_worked}
    return Calendar(days_off=off, working_days=worked), anchor


@PROPERTIES
@given(calendars_and_anchors(), st.integers(1, 120))
def test_the_result_is_a_working_day(calendar_and_anchor, n):
    calendar, anchor = calendar_and_anchor
    assert calendar.is_working_day(calendar.add_working_days(anchor, n))


@PROPERTIES
@given(calendars_and_anchors(), st.integers(0, 120))
def test_the_result_strictly_increases_with_n(calendar_and_anchor, n):
    calendar, anchor = calendar_and_anchor
    assert calendar.add_working_days(anchor, n) < calendar.add_working_days(anchor, n + 1)


@PROPERTIES
@given(calendars_and_anchors(), st.integers(0, 120))
def test_counting_back_gives_n(calendar_and_anchor, n):
    calendar, anchor = calendar_and_anchor
    end = calendar.add_working_days(anchor, n)
    assert calendar.working_days_between(anchor, end) == n
    assert calendar.working_days_between(end, anchor) == -n


@PROPERTIES
@given(calendars_and_anchors(), st.integers(0, 120))
def test_no_working_day_is_skipped(calendar_and_anchor, n):
    calendar, anchor = calendar_and_anchor
    day, following = calendar.add_working_days(anchor, n), calendar.add_working_days(anchor, n + 1)
    gap = [day + timedelta(days=i) for i in range(1, (following - day).days)]
    assert not any(calendar.is_working_day(d) for d in gap)


# An independent count: the package's own working-day counter, with no overrides.
vietnam = holidays.country_holidays("VN", years=range(1999, 2062))


@PROPERTIES
@given(days, st.integers(0, 400))
def test_the_count_agrees_with_the_holidays_package(start, length):
    end = start + timedelta(days=length)
    expected = vietnam.get_working_days_count(start + timedelta(days=1), end) if length else 0
    assert Calendar().working_days_between(start, end) == expected


@pytest.mark.django_db
def test_another_process_change_is_seen_after_the_cache_expires(
    monkeypatch, django_assert_num_queries
):
    """Signals reach only the saving process; others reload after CACHE_SECONDS."""
    clock = [1000.0]
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock[0])
    workdays.get_calendar()
    with django_assert_num_queries(0):
        workdays.get_calendar()
    clock[0] += workdays.CACHE_SECONDS
    with django_assert_num_queries(1):
        workdays.get_calendar()
