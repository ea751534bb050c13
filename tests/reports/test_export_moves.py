"""The register (7-HSĐV) of a record that changed chapter (issue 15): the background file's fast
path (reports/export_stream.py) gives the download's answer (reports.exports.register_members)
on every day of a transfer between two chapters of the system — a member is in the book of
the chapter whose ledger held the record that day (``MemberEvent.chapter``), whether the scope
names its chapters (those who have left since included), names none (the chapter holding the
record now) or is every chapter.

The story: a member of chapter A asks for a transfer to chapter B on 02/03/2026, the letter is
dated 04/03, B accepts the member on 10/03."""

import datetime

import pytest

from chapter.documents import Document
from members import services
from members.access import members_visible_to
from members.models import ALL_CHAPTERS, Chapter, Handover, Member, RoleAssignment
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)
from tests.reports.test_export_fast import fast, reference

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-20")]

D = datetime.date
NAME = "Lê Văn Chuyển"
LETTER = Document(number="125-GGT/ĐU", date=D(2026, 3, 4), issuing_body="Đảng ủy xã An Phú")
ACCEPTED = D(2026, 3, 10)
DAYS = {
    D(2026, 3, 1): "before the request",
    D(2026, 3, 3): "the day before the letter",
    D(2026, 3, 4): "the letter's day",
    D(2026, 3, 9): "the day before the acceptance",
    D(2026, 3, 10): "the acceptance",
    D(2026, 3, 20): "after",
}


@pytest.fixture
def moved():
    committee = CommitteeFactory(name="Đảng ủy xã An Phú")
    a = ChapterFactory(committee=committee, name="Chi bộ thôn 1")
    b = ChapterFactory(committee=committee, name="Chi bộ thôn 2")
    a1, b1 = CellFactory(chapter=a, name="Tổ 1"), CellFactory(chapter=b, name="Tổ 2")
    member = register_member(cell=a1, full_name=NAME)
    for cell in (a1, a1, b1, b1):
        register_member(cell=cell)
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=b,
        requested_on=D(2026, 3, 2),
        letter=LETTER,
    )
    services.handover_accept(handover_id=handover.pk, actor=None, presented_on=ACCEPTED, cell=b1)
    member.refresh_from_db()
    assert member.chapter == b
    return a, b


def named(chapter):
    """A scope that names its chapter (a secretary's, a report's chapter)."""
    return Member.objects.in_chapters(Chapter.objects.filter(pk=chapter.pk))


def listed(rows) -> bool:
    return any(NAME in row for row in rows)


@pytest.mark.parametrize("day", list(DAYS), ids=list(DAYS.values()))
def test_each_chapters_register_on_each_day_of_the_transfer(moved, day):
    a, b = moved
    for scope in (named(a), named(b)):
        book, listing = fast(scope, day)
        assert (book, listing) == reference(scope, day), day
    # The roll (the list's sheet): A until the letter's date, neither while the letter is on its
    # way, B from the acceptance.
    before, after = day < LETTER.date, day >= ACCEPTED
    assert listed(fast(named(a), day)[1]) is before
    assert listed(fast(named(b), day)[1]) is after
    # The book also holds the year's exits: A's book shows the transfer out from the letter's
    # date, while its ledger holds the record (until B's acceptance is its latest entry).
    assert listed(fast(named(a), day)[0]) is (not after)
    assert listed(fast(named(b), day)[0]) is after


@pytest.mark.parametrize("day", list(DAYS), ids=list(DAYS.values()))
def test_a_scope_naming_no_chapter_and_every_chapter(moved, day):
    a, b = moved
    everyone = Member.objects.in_chapters(ALL_CHAPTERS)
    # Naming none: the records held now, on the days the chapter holding them held them.
    for scope in (Member.objects.filter(chapter=a), Member.objects.filter(chapter=b), everyone):
        assert fast(scope, day) == reference(scope, day), day
    assert not listed(fast(Member.objects.filter(chapter=a), day)[0])
    assert listed(fast(Member.objects.filter(chapter=b), day)[1]) is (day >= ACCEPTED)
    # Every chapter: on the roll but for the days the letter is on its way.
    book, listing = fast(everyone, day)
    assert listed(book)
    assert listed(listing) is not (LETTER.date <= day < ACCEPTED)


def test_the_secretaries_scopes(moved):
    """``members_visible_to`` names the secretary's chapter: the sending secretary's register of
    a day before the letter lists the member who has left since; the receiving one's does not."""
    a, b = moved
    scopes = {}
    for chapter in (a, b):
        secretary = UserFactory()
        give_role(secretary, RoleAssignment.Role.SECRETARY, chapter=chapter)
        scopes[chapter] = members_visible_to(secretary)
    day = D(2026, 3, 3)
    for scope in scopes.values():
        assert fast(scope, day) == reference(scope, day)
    assert listed(fast(scopes[a], day)[1]) and not listed(fast(scopes[b], day)[1])
    assert listed(fast(scopes[b], ACCEPTED)[1]) and not listed(fast(scopes[a], ACCEPTED)[1])
