"""Figures from the ledger (reports/queries.py) against the hand-counted story in conftest.py."""

import datetime

import pytest
from django.utils.translation import gettext as _

from members.models import Member
from reports import quarters, queries
from tests.members.factories import register_member
from tests.querycount import with_reporting
from tests.reports.story import AS_OF

pytestmark = pytest.mark.django_db

D = datetime.date


def scope():
    return Member.objects.all()


def rows(snapshot, figure):
    return {row.value: row.count for row in snapshot.breakdown(figure).rows}


# As of a day ---------------------------------------------------------------------------------


def test_roll_as_of_the_day(story):
    snapshot = queries.as_of(scope(), AS_OF)
    assert snapshot.counts == {
        "on_roll": 7,  # all but m6 (died in 2019)
        "official": 6,
        "probationary": 1,  # m4
        "temporarily_out": 1,  # m7
        "exempted": 1,  # m2
    }


def test_a_past_day_gives_the_past_truth(story):
    snapshot = queries.as_of(scope(), D(2019, 5, 1))
    # m5 was transferred out, m8 not yet in; m6 alive; m3 official since 14/04/2019; no flags yet.
    assert snapshot.counts == {
        "on_roll": 6,
        "official": 5,
        "probationary": 1,
        "temporarily_out": 0,
        "exempted": 0,
    }
    before = queries.as_of(scope(), D(2019, 4, 13))
    assert (before.official, before.probationary) == (4, 2)  # m3 still probationary


def test_a_day_before_anyone_joined(story):
    assert queries.as_of(scope(), D(2018, 5, 13)).on_roll == 0
    assert queries.as_of(scope(), D(2018, 5, 14)).on_roll == 6  # m1, m2, m3, m5, m6, m7


def test_structure_of_those_on_the_roll(story):
    snapshot = queries.as_of(scope(), AS_OF)
    assert rows(snapshot, "sex") == {"M": 4, "F": 3}
    # m5 turns 50 that very day; m7 turns 30 the day after.
    assert rows(snapshot, "age") == {
        "under-30": 3,
        "30-39": 1,
        "40-49": 1,
        "50-59": 1,
        "60-plus": 1,
    }
    assert rows(snapshot, "ethnicity") == {"Kinh": 6, "Tày": 1}
    assert rows(snapshot, "religion") == {"Không": 6, "Phật giáo": 1}
    assert rows(snapshot, "education") == {queries.NO_VALUE: 6, "12/12": 1}
    assert rows(snapshot, "theory") == {queries.NO_VALUE: 5, "INTERMEDIATE": 1, "ADVANCED": 1}
    assert rows(snapshot, "by_chapter") == {str(story.chapter.public_id): 7}


def test_by_cell_reads_the_cell_on_that_day(story):
    a, b = str(story.cell.public_id), str(story.other_cell.public_id)
    assert rows(queries.as_of(scope(), AS_OF), "by_cell") == {a: 3, b: 3, queries.NO_VALUE: 1}
    # Before m5 left cell A (and came back into B), with m6 still alive: A m1 m3 m5 m6, B m2 m7.
    assert rows(queries.as_of(scope(), D(2018, 12, 31)), "by_cell") == {a: 4, b: 2}


def test_as_of_runs_a_fixed_number_of_queries(story, django_assert_num_queries):
    # one grouped query (counts, sex, age, categories, cells, chapters, party age); the cells'
    # names; the chapters' names
    with django_assert_num_queries(with_reporting(3, 1)):
        queries.as_of(scope(), AS_OF)


# In a period ---------------------------------------------------------------------------------


def test_movements_in_2019(story):
    period = queries.in_period(scope(), D(2019, 1, 1), D(2019, 12, 31))
    assert period.counts == {
        "admitted": 1,  # m4
        "confirmed": 1,  # m3, on the official date
        "removed_from_probationary_list": 0,
        "transferred_in": 2,  # m5 back, m8 new
        "transferred_out": 1,  # m5
        "other_exits": 1,
        "removed": 0,
        "expelled": 0,
        "left": 0,
        "deceased": 1,  # m6
        "moved_in": 0,
        "moved_out": 0,
        "registered": 0,
    }


def test_the_period_reconciles_the_roll(story):
    start, end = D(2019, 1, 1), D(2019, 12, 31)
    p = queries.in_period(scope(), start, end)
    opening = queries.on_roll(scope(), start - datetime.timedelta(days=1)).count()
    closing = queries.on_roll(scope(), end).count()
    entries = p.admitted + p.transferred_in + p.moved_in + p.registered
    exits = p.transferred_out + p.moved_out + p.removed_from_probationary_list + p.other_exits
    assert (opening, closing) == (6, 7)
    assert opening + entries - exits == closing


def test_period_bounds_are_inclusive(story):
    assert (
        queries.in_period(scope(), D(2020, 3, 20), D(2020, 3, 20)).counts[
            "removed_from_probationary_list"
        ]
        == 1
    )
    assert (
        queries.in_period(scope(), D(2020, 3, 21), D(2020, 12, 31)).counts[
            "removed_from_probationary_list"
        ]
        == 0
    )


def test_in_period_is_one_query(story, django_assert_num_queries):
    with django_assert_num_queries(1):
        queries.in_period(scope(), D(2018, 1, 1), D(2020, 12, 31))


def test_scope_narrows_every_figure(story, other_member):
    cell_a = Member.objects.filter(cell=story.cell)  # now in A: m1, m3, m4, m6
    snapshot = queries.as_of(cell_a, AS_OF)
    assert (snapshot.on_roll, snapshot.official, snapshot.probationary) == (3, 2, 1)
    period = queries.in_period(cell_a, D(2019, 1, 1), D(2019, 12, 31))
    assert (period.admitted, period.transferred_in, period.deceased) == (1, 0, 1)
    other_chapter = register_member(full_name="Người chi bộ khác")
    assert queries.as_of(Member.objects.filter(pk=other_chapter.pk), AS_OF).on_roll == 1
    assert not queries.people(cell_a, "on_roll", day=AS_OF).filter(pk=other_chapter.pk).exists()


def test_admissions_by_quarter(story):
    quarters = queries.admissions_by_quarter(scope(), D(2020, 2, 5))
    assert len(quarters) == 8
    assert quarters[0][:2] == (D(2018, 4, 1), D(2018, 6, 30))
    assert quarters[-1][:2] == (D(2020, 1, 1), D(2020, 3, 31))
    assert [count for _first, _last, count in quarters] == [0, 0, 0, 1, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (D(2020, 2, 5), D(2020, 1, 1), D(2020, 3, 31)),
        (D(2019, 12, 31), D(2019, 10, 1), D(2019, 12, 31)),
        (D(2019, 11, 15), D(2019, 10, 1), D(2019, 12, 31)),
        (D(2019, 3, 31), D(2019, 1, 1), D(2019, 3, 31)),
    ],
)
def test_quarters(day, start, end):
    assert (quarters.quarter_start(day), quarters.quarter_end(day)) == (start, end)


# Drill-down: the list always equals the figure -----------------------------------------------


@pytest.mark.parametrize("day", [AS_OF, D(2019, 5, 1), D(2020, 6, 30)])
def test_people_equal_every_figure_as_of_a_day(story, day):
    snapshot = queries.as_of(scope(), day)
    for figure, count in snapshot.counts.items():
        assert queries.people(scope(), figure, day=day).count() == count, figure
    for breakdown in snapshot.breakdowns:
        for row in breakdown.rows:
            listed = queries.people(scope(), breakdown.figure, day=day, value=row.value)
            assert listed.count() == row.count, (breakdown.figure, row.value)
        assert sum(row.count for row in breakdown.rows) == snapshot.on_roll, breakdown.figure


@pytest.mark.parametrize(
    ("start", "end"), [(D(2019, 1, 1), D(2019, 12, 31)), (D(2018, 5, 14), D(2020, 6, 30))]
)
def test_people_equal_every_figure_in_a_period(story, start, end):
    period = queries.in_period(scope(), start, end)
    for figure, count in period.counts.items():
        listed = queries.people(scope(), figure, start=start, end=end)
        assert listed.count() == count, figure


def test_people_carry_the_day_they_are_asked_about(story):
    (m5,) = queries.people(scope(), "transferred_in", start=D(2019, 8, 1), end=D(2019, 12, 31))
    assert m5 == story.m5
    assert m5.movement_date == D(2019, 9, 1)
    assert m5.status_on == Member.Status.OFFICIAL
    assert m5.cell_on_name == story.other_cell.name
    (m7,) = queries.people(scope(), "temporarily_out", day=AS_OF)
    assert m7 == story.m7
    out = queries.people(scope(), "transferred_out", start=D(2019, 1, 1), end=D(2019, 3, 31))
    assert out.get().status_on == Member.Status.TRANSFERRED_OUT


def test_a_person_moving_twice_in_a_period_counts_once(story):
    period = queries.in_period(scope(), D(2018, 5, 14), D(2020, 6, 30))
    assert period.transferred_in == 2  # m5's return and m8
    assert period.registered == 6  # m1, m2, m3, m5, m6, m7


def test_unknown_figure_or_value_is_refused(story):
    with pytest.raises(KeyError):
        queries.people(scope(), "nonsense", day=AS_OF)
    with pytest.raises(ValueError):
        queries.people(scope(), "age", day=AS_OF, value="90-99")
    with pytest.raises(ValueError):
        queries.people(scope(), "admitted", day=AS_OF)  # a period figure needs the period


def test_a_cell_is_named_by_its_public_id(story):
    found = queries.people(scope(), "by_cell", day=AS_OF, value=str(story.other_cell.public_id))
    assert set(found) == {story.m2, story.m5, story.m7}
    assert queries.value_label("by_cell", queries.NO_VALUE) == str(_("No cell"))
