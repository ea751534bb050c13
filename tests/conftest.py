import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from faker import Faker
from hypothesis import settings as hypothesis_settings

from admissions.rules import forget_rules
from chapter.workdays import clear_calendar_cache
from members.models import RoleAssignment
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    UserFactory,
    give_role,
    register_member,
)

Role = RoleAssignment.Role

# Speed is measured in bench/, not in tests: Hypothesis's 200 ms deadline per example made the
# database-backed properties fail on a loaded CI machine. A test may still set its own.
hypothesis_settings.register_profile("chapter", deadline=None)
hypothesis_settings.load_profile("chapter")


# The suite's clock. A test that depends on the date says which day it is with
# `@pytest.mark.freeze_time("2026-03-15")` (on the test, its class or the module's pytestmark);
# the day starts at 09:00 in the chapter's time zone and the clock stands still. Every other test
# runs at today's real date, or, when TEST_TODAY=YYYY-MM-DD is set, on that day from 09:00 with the
# clock ticking, so a date that only works "now" fails the day it is written (.ci/run).

CHAPTER_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")  # settings.TIME_ZONE
START_OF_DAY = datetime.time(9, 0)


def clock_moment(when) -> datetime.datetime:
    """The aware moment a test's clock is set to: a day (a date or "YYYY-MM-DD") at 09:00 in the
    chapter's time zone; a datetime or "YYYY-MM-DD HH:MM" as given, naive read as chapter time."""
    if isinstance(when, str):
        when = (
            datetime.datetime.fromisoformat(when)
            if len(when) > 10
            else datetime.date.fromisoformat(when)
        )
    if not isinstance(when, datetime.datetime):
        if not isinstance(when, datetime.date):
            raise TypeError(f"freeze_time needs a date or a datetime, not {when!r}")
        when = datetime.datetime.combine(when, START_OF_DAY)
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHAPTER_TZ)
    return when


def env_today() -> datetime.date | None:
    """The day of TEST_TODAY=YYYY-MM-DD, or None when it is not set."""
    value = os.environ.get("TEST_TODAY", "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"TEST_TODAY must be a day as YYYY-MM-DD, not {value!r}") from None


def pytest_configure(config):
    env_today()  # a malformed TEST_TODAY stops the run before any test


def pytest_report_header(config):
    day = env_today()
    return (
        f"TEST_TODAY: {day.isoformat()} (clock moved there for tests without freeze_time)"
        if day
        else None
    )


@pytest.fixture(autouse=True)
def suite_clock(request):
    """Sets the clock before any other function fixture of ours runs (an autouse fixture of the
    root conftest comes before the fixtures a test asks for: `chapter`, `member`, `db`...), so the
    rows a fixture creates are stamped on the test's day, not the machine's."""
    marker = request.node.get_closest_marker("freeze_time")
    if marker is not None:
        when, *rest = marker.args
        if rest:
            raise TypeError("freeze_time takes one day; pass tick=True to let the clock run")
        with time_machine.travel(clock_moment(when), tick=marker.kwargs.get("tick", False)):
            yield
        return
    day = env_today()
    if day is not None and request.node.get_closest_marker("time_machine") is None:
        with time_machine.travel(clock_moment(day), tick=True):
            yield
        return
    yield


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Build the .mo files so a bare `pytest` sees the Vietnamese catalogue too. In a fresh
    clone the catalogue was looked up (and found missing) while the test modules were imported:
    Django's own signal makes it forget that, as when LOCALE_PATHS changes in a test."""
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import setting_changed

    call_command("compiletranslations", verbosity=0)
    setting_changed.send(
        sender=type(settings._wrapped),
        setting="LOCALE_PATHS",
        value=settings.LOCALE_PATHS,
        enter=False,
    )


@pytest.fixture(autouse=True)
def fresh_caches():
    """The working-day calendar and the rule book are cached per process, but a test's
    CalendarOverride and RuleValue rows roll back with its transaction: no cache may outlive it."""
    clear_calendar_cache()
    forget_rules()
    yield
    clear_calendar_cache()
    forget_rules()


@pytest.fixture(autouse=True)
def seeded_faker():
    """Vietnamese names, the same on every run."""
    Faker.seed(20180514)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="someone", password="correct-horse")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


# The chapter every access test uses: two cells, a member in each, and one actor per role.


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="Chi bộ Ban Quản lý An toàn thực phẩm tỉnh")


@pytest.fixture
def cell(chapter):
    return CellFactory(chapter=chapter, name="Tổ 1")


@pytest.fixture
def other_cell(chapter):
    return CellFactory(chapter=chapter, name="Tổ 2")


@pytest.fixture
def member(cell):
    return register_member(cell=cell, full_name="Nguyễn Thị Hồng", gender="F")


@pytest.fixture
def other_member(other_cell):
    return register_member(cell=other_cell, full_name="Trần Văn Bình", gender="M")


@pytest.fixture
def secretary(chapter):
    user = UserFactory(username="bithu")
    give_role(user, Role.SECRETARY, chapter=chapter)
    return user


@pytest.fixture
def cell_leader(cell):
    user = UserFactory(username="totruong1")
    give_role(user, Role.CELL_LEADER, cell=cell)
    return user


@pytest.fixture
def other_cell_leader(other_cell):
    user = UserFactory(username="totruong2")
    give_role(user, Role.CELL_LEADER, cell=other_cell)
    return user


@pytest.fixture
def committee_officer(chapter):
    user = UserFactory(username="capuy")
    give_role(user, Role.COMMITTEE_OFFICER, committee=chapter.committee)
    return user


@pytest.fixture
def outsider(db):
    """A secretary of another chapter: logged in, but nothing here is theirs."""
    user = UserFactory(username="bithu_khac")
    give_role(user, Role.SECRETARY, chapter=ChapterFactory())
    return user


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("admin", password="pw")
