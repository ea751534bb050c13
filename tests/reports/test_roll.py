"""The set-based roll (reports/roll.py, reports/tally.py) against the per-member reference: the
ledger's four correlated subqueries (``MemberQuerySet.as_of``) and ``compute_party_age``, on the
story's chapter on many days and on random histories written through the services."""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.dates import completed_months
from members import services
from members.models import Member, MemberEvent
from members.models.member import party_age_events
from members.models.party_age import compute as compute_party_age
from members.models.party_age import latest_start
from reports import queries, roll
from tests.members.factories import FOUNDED, UserFactory
from tests.members.test_ledger import _step, admit, register, steps
from tests.reports.story import AS_OF

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = MemberEvent.Kind


def set_based(scope, day) -> dict[int, tuple]:
    sql, params = roll.roll_sql(scope, day)
    columns = "r.id, r.status_on, r.cell_on_id, r.temporary_on, r.exemption_on"
    return {
        row[0]: tuple(row[1:])
        for row in roll.fetch(scope, f"SELECT {columns} FROM ({sql}) r", params)
    }


def reference(scope, day) -> dict[int, tuple]:
    """What ``as_of``'s correlated subqueries say, for those on the roll."""
    return {
        m.pk: (
            m.status_on,
            m.cell_on_id,
            int(m.temporary_kind_on == Kind.TEMPORARY_OUT),
            int(m.exemption_kind_on == Kind.EXEMPTED),
        )
        for m in scope.as_of(day)
        if m.status_on in Member.ACTIVE_STATUSES
    }


def bands_by_sql(scope, day) -> dict[int, str]:
    sql, params = queries._party_age_sql(scope, day)
    return dict(roll.fetch(scope, sql, params))


def bands_by_python(scope, day) -> dict[int, str]:
    found = {}
    for member in scope.filter(pk__in=reference(scope, day)):
        events = party_age_events().filter(member=member)
        age = compute_party_age(member, events, day)
        found[member.pk] = queries._party_age_band(age.months if age else None)
    return found


def agree(day) -> None:
    scope = Member.objects.all()
    assert set_based(scope, day) == reference(scope, day), day
    assert bands_by_sql(scope, day) == bands_by_python(scope, day), day


def test_the_story_on_many_days(story):
    day = D(2018, 5, 10)
    while day <= AS_OF + datetime.timedelta(days=40):
        agree(day)
        day += datetime.timedelta(days=23)
    for day in (D(2019, 1, 9), D(2019, 1, 10), D(2019, 8, 31), D(2019, 9, 1), D(2020, 3, 20)):
        agree(day)


def test_the_tally_equals_the_people_behind_each_figure(story):
    scope = Member.objects.all()
    snapshot = queries.as_of(scope, AS_OF)
    for figure in queries.ROLL_FIGURES:
        assert queries.people(scope, figure, day=AS_OF).count() == snapshot.counts[figure]
    for breakdown in snapshot.breakdowns:
        for row in breakdown.rows:
            listed = queries.people(scope, breakdown.figure, day=AS_OF, value=row.value)
            assert listed.count() == row.count, (breakdown.figure, row.value)


READMIT = "readmit"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start_probationary=st.booleans(),
    start_gap=st.integers(0, 2000),
    moves=steps,
    readmit_gap=st.one_of(st.none(), st.integers(0, 900)),
    offsets=st.lists(st.integers(0, 9000), min_size=1, max_size=6),
)
def test_random_histories(
    cell, other_cell, start_probationary, start_gap, moves, readmit_gap, offsets
):
    """Random movements through the services (tests/members/test_ledger.py's), perhaps a
    re-admission after an exit: the set-based roll and bands equal the references on any day,
    the member rows' state among them (the days after the last movement)."""
    actor = UserFactory(username="property")
    chapter, cells = cell.chapter, [cell, other_cell]
    today = timezone.localdate()
    day = min(FOUNDED + datetime.timedelta(days=start_gap), today)
    if start_probationary:
        member = admit(chapter, cell, "Hà", day, actor)
    else:
        member = register(chapter, cell, "Hà", actor)
        day = FOUNDED
    for name, gap, cell_index in moves:
        day = min(day + datetime.timedelta(days=gap), today)
        with contextlib.suppress(ValidationError):
            _step(name)(member, actor, day, None if cell_index is None else cells[cell_index])
        member.refresh_from_db()
    if readmit_gap is not None and member.status in Member.READMISSION_STATUSES:
        day = min(day + datetime.timedelta(days=readmit_gap), today)
        with contextlib.suppress(ValidationError):
            services.member_readmit(
                member_id=member.pk,
                chapter=chapter,
                details={},
                actor=actor,
                ceremony_date=day,
                decision=services.Document(number="9-QĐ", date=day),
                cell=cell,
            )
    for offset in offsets:
        agree(min(FOUNDED + datetime.timedelta(days=offset), today))
    agree(today)


@given(
    day=st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31)),
    months=st.sampled_from([120, 240, 360, 480, 1, 12, 13]),
)
def test_a_band_is_a_range_of_start_dates(day, months):
    """``latest_start``: the last start from which the party age on ``day`` reaches ``months``
    (the SQL compares the start with it for everyone counted from the start to the day)."""
    start = latest_start(day, months)
    assert completed_months(start, day) >= months
    assert completed_months(start + datetime.timedelta(days=1), day) < months
