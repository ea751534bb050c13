"""A reorganisation's move is one entry, in the ledger of the chapter it moves the member to:
the period counts it as moved in there and as moved out of the chapter it left, so each
chapter's period reads as a reconciliation (start + entries - exits = end), live and stored."""

import datetime

import pytest
from django.db import transaction

from members.models import Chapter, Member, MemberEvent
from members.services.common import Movement, lock, record
from reports import measures, queries
from reports.figures import key
from tests.members.factories import CellFactory, ChapterFactory, CommitteeFactory, register_member

D = datetime.date
DECIDED = D(2026, 2, 1)
QUARTER = (D(2026, 1, 1), D(2026, 3, 31))

pytestmark = pytest.mark.freeze_time("2026-03-20")


@pytest.fixture
def moved(db):
    committee = CommitteeFactory()
    a = ChapterFactory(committee=committee, name="Chi bộ cũ")
    c = ChapterFactory(committee=committee, name="Chi bộ mới")
    a1, c1 = CellFactory(chapter=a), CellFactory(chapter=c)
    members = [register_member(cell=a1) for _ in range(2)]
    register_member(cell=c1)
    with transaction.atomic():
        member = lock(members[0].pk)
        member.chapter = c
        movement = Movement(
            kind=MemberEvent.Kind.MOVED_CHAPTER, effective_date=DECIDED, cell=c1, sets_cell=True
        )
        record(member, movement, actor=None, fields=("chapter",))
    return a, c, member


def of(*chapters):
    return Member.objects.in_chapters(Chapter.objects.filter(pk__in=[c.pk for c in chapters]))


def test_the_move_is_in_on_one_side_and_out_on_the_other(moved):
    a, c, member = moved
    counts_a = queries.in_period(of(a), *QUARTER).counts
    counts_c = queries.in_period(of(c), *QUARTER).counts
    assert (counts_a["moved_out"], counts_a["moved_in"]) == (1, 0)
    assert (counts_c["moved_out"], counts_c["moved_in"]) == (0, 1)
    both = queries.in_period(of(a, c), *QUARTER).counts
    assert (both["moved_out"], both["moved_in"]) == (1, 1)
    # start + entries - exits = end, on each side
    opening, closing = D(2025, 12, 31), QUARTER[1]
    assert queries.roll_count(of(a), opening) - 1 == queries.roll_count(of(a), closing) == 1
    assert queries.roll_count(of(c), opening) + 1 == queries.roll_count(of(c), closing) == 2
    assert [m.pk for m in queries.people(of(a), "moved_out", start=QUARTER[0], end=QUARTER[1])] == [
        member.pk
    ]
    assert not queries.people(of(c), "moved_out", start=QUARTER[0], end=QUARTER[1]).exists()


def test_the_stored_period_counts_the_same(moved):
    a, c, _member = moved
    stored = measures.period(
        Chapter.objects.filter(pk__in=[a.pk, c.pk]), measures.period_key(*QUARTER)
    )
    assert stored[a.pk][key("k", queries.MOVED_OUT)] == 1
    assert stored[c.pk][key("k", MemberEvent.Kind.MOVED_CHAPTER)] == 1
    assert key("k", MemberEvent.Kind.MOVED_CHAPTER) not in stored[a.pk]
