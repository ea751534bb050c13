"""The suite's clock (tests/conftest.py): `freeze_time` sets the day before any fixture is
created, and TEST_TODAY=YYYY-MM-DD moves every other test to that day, the clock still ticking.
CI runs the SQLite pass with TEST_TODAY=2028-02-29 and the PostgreSQL pass at the real date, so
both branches below run there."""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import CHAPTER_TZ, clock_moment, env_today

D = datetime.date


@pytest.fixture
def seen(chapter, member):
    """What a fixture that writes rows sees: the day, and the stamps on the rows it made."""
    return {
        "today": timezone.localdate(),
        "chapter_created": timezone.localtime(chapter.created_at),
        "member_created": timezone.localtime(member.created_at),
        "member_history": timezone.localtime(member.history.earliest("history_date").history_date),
    }


@pytest.mark.freeze_time("2026-03-15")
def test_freeze_time_is_set_before_the_fixtures(seen):
    nine = datetime.datetime(2026, 3, 15, 9, 0, tzinfo=CHAPTER_TZ)
    assert seen == {
        "today": D(2026, 3, 15),
        "chapter_created": nine,
        "member_created": nine,
        "member_history": nine,
    }
    assert timezone.now() == nine  # frozen: the clock does not run
    time.sleep(0.01)
    assert timezone.now() == nine


@pytest.mark.freeze_time("2024-02-29 23:30")
def test_freeze_time_takes_a_time_of_day_in_the_chapters_zone(seen):
    assert seen["today"] == D(2024, 2, 29)
    assert timezone.now() == datetime.datetime(2024, 2, 29, 16, 30, tzinfo=datetime.UTC)


@pytest.mark.freeze_time(D(2031, 1, 2), tick=True)
def test_freeze_time_can_let_the_clock_run(seen):
    assert seen["today"] == D(2031, 1, 2)
    before = timezone.now()
    time.sleep(0.01)
    assert timezone.now() > before


@pytest.mark.freeze_time("2026-03-15")
class TestOnAClass:
    def test_the_class_marker_counts(self, seen):
        assert seen["today"] == D(2026, 3, 15)

    @pytest.mark.freeze_time("2027-07-01")
    def test_the_nearest_marker_wins(self, seen):
        assert seen["today"] == D(2027, 7, 1)


def test_without_a_marker_the_day_is_test_today_or_the_real_one(seen):
    day = env_today()
    if day is None:
        assert not time_machine.escape_hatch.is_travelling()
        real = datetime.datetime.now(tz=CHAPTER_TZ).date()
        assert seen["today"] in (real, real - datetime.timedelta(days=1))  # around midnight
    else:
        assert seen["today"] == day
        assert seen["member_created"].date() == day
        # From 09:00, ticking: the rows were made a moment before now, on that day.
        start = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=CHAPTER_TZ)
        assert start <= seen["chapter_created"] <= seen["member_created"] <= timezone.now()
        assert timezone.now() - start < datetime.timedelta(minutes=5)


def test_clock_moment():
    assert clock_moment("2028-02-29") == datetime.datetime(2028, 2, 29, 9, tzinfo=CHAPTER_TZ)
    assert clock_moment(D(2028, 2, 29)) == datetime.datetime(2028, 2, 29, 9, tzinfo=CHAPTER_TZ)
    assert clock_moment("2019-12-31 10:00") == datetime.datetime(
        2019, 12, 31, 10, tzinfo=CHAPTER_TZ
    )
    aware = datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)
    assert clock_moment(aware) == aware
    with pytest.raises(TypeError):
        clock_moment(20280229)


def test_env_today(monkeypatch):
    monkeypatch.delenv("TEST_TODAY", raising=False)
    assert env_today() is None
    monkeypatch.setenv("TEST_TODAY", "")
    assert env_today() is None
    monkeypatch.setenv("TEST_TODAY", "2028-02-29")
    assert env_today() == D(2028, 2, 29)
    for bad in ("29/02/2028", "2027-02-29", "tomorrow"):
        monkeypatch.setenv("TEST_TODAY", bad)
        with pytest.raises(pytest.UsageError, match="TEST_TODAY"):
            env_today()
