"""Whole months and years (DOMAIN.md R1 age, R3 certificate age, R14 probation end)."""

import calendar
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chapter.dates import add_months, completed_months, completed_years

PROPERTIES = settings(max_examples=200, deadline=None)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
years = st.integers(2000, 2060)
months = st.integers(-600, 600)


def test_add_months_concrete():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


def test_eighteen_years_are_complete_on_the_birthday():
    # DOMAIN.md R1: born 15/03/2008, 216 months on 15/03/2026, not the day before.
    assert completed_months(date(2008, 3, 15), date(2026, 3, 15)) == 216
    assert completed_months(date(2008, 3, 15), date(2026, 3, 14)) == 215
    assert completed_years(date(2008, 3, 15), date(2026, 3, 15)) == 18
    assert completed_years(date(2008, 3, 15), date(2026, 3, 14)) == 17


def test_born_on_29_february_turns_18_on_28_february():
    assert completed_years(date(2008, 2, 29), date(2026, 2, 28)) == 18
    assert completed_years(date(2008, 2, 29), date(2026, 2, 27)) == 17


def test_completed_months_is_negative_backwards():
    assert completed_months(date(2026, 3, 15), date(2025, 3, 15)) == -12
    assert completed_months(date(2026, 3, 15), date(2026, 3, 15)) == 0


@PROPERTIES
@given(years)
def test_31_january_plus_a_month_is_the_last_day_of_february(year):
    last = calendar.monthrange(year, 2)[1]
    assert last in (28, 29)
    assert add_months(date(year, 1, 31), 1) == date(year, 2, last)


@PROPERTIES
@given(years.filter(calendar.isleap))
def test_29_february_plus_12_months_is_28_february(year):
    # DOMAIN.md R14: a probation that starts on 29/02 ends on 28/02.
    assert add_months(date(year, 2, 29), 12) == date(year + 1, 2, 28)


@PROPERTIES
@given(days, months, months)
def test_adding_months_in_two_steps_is_one_step_without_clamping(day, a, b):
    assume(add_months(day, a).day == day.day)
    assert add_months(add_months(day, a), b) == add_months(day, a + b)


@PROPERTIES
@given(days, months)
def test_add_months_only_ever_clamps_down_to_the_month_end(day, n):
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    assert result.day == day.day or result.day == calendar.monthrange(result.year, result.month)[1]


@PROPERTIES
@given(days.filter(lambda d: d.day <= 28), st.integers(0, 600))
def test_completed_months_undoes_add_months(day, n):
    assert completed_months(day, add_months(day, n)) == n
    if n:
        assert completed_months(day, add_months(day, n) - timedelta(days=1)) == n - 1


@PROPERTIES
@given(days, days, days)
def test_completed_months_is_monotone_in_the_end_date(start, end, other_end):
    early, late = sorted((end, other_end))
    assert completed_months(start, early) <= completed_months(start, late)


@PROPERTIES
@given(days, days)
def test_completed_years_is_whole_months_over_twelve(start, end):
    assume(start <= end)
    assert completed_years(start, end) == completed_months(start, end) // 12
