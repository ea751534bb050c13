"""The demo story shows a rated year and a badge list with someone on it."""

import datetime

import pytest
from django.core.management import call_command

from members.models import Chapter
from ratings.badges import badge_list
from ratings.models import AnnualRating, Level
from ratings.queries import counts_by_year, roll_at_year_end

pytestmark = pytest.mark.freeze_time("2026-03-15")


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return Chapter.objects.get()


def test_the_year_just_ended_is_rated_for_the_whole_roll(demo):
    roll = roll_at_year_end(demo.members.all(), 2025)
    rated = AnnualRating.objects.filter(year=2025)
    assert rated.count() == roll.count() > 30
    (year,) = counts_by_year(demo.members.all())
    assert year.year == 2025
    assert all(year.counts.get(level) for level in Level.values)
    assert year.counts[Level.GOOD] > year.total / 2
    assert not year.over_cap


def test_next_years_badge_list_has_someone_and_someone_early(demo):
    lists = badge_list(demo.members.all(), 2027)
    (due,) = lists.due
    assert (due.level, due.day) == (30, datetime.date(2027, 4, 2))
    (early,) = lists.early
    assert (early.level, early.day) == (30, datetime.date(2028, 4, 2))
