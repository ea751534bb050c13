"""The register (7-HSĐV) of a record that changed chapter (issue 15): the background file's fast
path (reports/export_stream.py) gives the download's answer (reports.exports.register_members)
on every day of a transfer between two chapters of the system — a member is in the book of
the chapter whose ledger held the record that day (``MemberEvent.chapter``), under that chapter,
and in the sending chapter's book for the rest of the year once accepted, whether the scope
names its chapters (those who have left since included), names none (the chapter holding the
record now) or is every chapter.

The story: a member of chapter A asks for a transfer to chapter B on 02/03/2026, the letter is
dated 04/03, B accepts the member on 10/03."""

import datetime
import re

import pytest

from chapter.collation import name_sort_key
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
    transfer(member, b1, requested_on=D(2026, 3, 2), letter=LETTER, accepted=ACCEPTED)
    member.refresh_from_db()
    assert member.chapter == b
    return a, b


def transfer(member, cell, *, requested_on, letter, accepted) -> None:
    """A permanent transfer to ``cell``'s chapter, its letter issued, accepted into ``cell``."""
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=cell.chapter,
        requested_on=requested_on,
        letter=letter,
    )
    services.handover_accept(handover_id=handover.pk, actor=None, presented_on=accepted, cell=cell)


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
    # date, and still once B has accepted the record: as A's ledger last had it (A's cell, under
    # A), not as B holds it now.
    assert listed(fast(named(a), day)[0])
    assert listed(fast(named(b), day)[0]) is after
    row = row_of(fast(named(a), day)[0])
    assert cell_text("Tổ 1") in row and cell_text("Tổ 2") not in row
    assert row.count(cell_text("Chi bộ thôn 1")) == 1  # the chapter's column
    if day >= LETTER.date:
        assert cell_text("Chi bộ thôn 2") in row  # where it went (column 10)
    if after:
        assert cell_text("Tổ 2") in row_of(fast(named(b), day)[0])


def row_of(rows) -> str:
    (row,) = [row for row in rows if NAME in row]
    return row


def cell_text(text: str) -> str:
    return f'<t xml:space="preserve">{text}</t>'


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


def texts(row: str) -> list[str]:
    return re.findall(r'<t xml:space="preserve">([^<]*)</t>', row)


@pytest.mark.parametrize("day", list(DAYS), ids=list(DAYS.values()))
def test_each_row_is_in_its_place_under_the_chapter_that_held_it(moved, day):
    """The chapter column and the book's order are the chapter whose ledger held the record that
    day, not the one holding it now: every chapter's book (a superuser's, read before B
    accepted the record) and A's own (the member gone to B, in A's name order)."""
    a, _b = moved
    everyone = Member.objects.in_chapters(ALL_CHAPTERS)
    for scope in (everyone, named(a)):
        book, _listing = fast(scope, day)
        assert (book, _listing) == reference(scope, day)
        chapters = [texts(row)[-2] for row in book]  # the chapter's column, before party age
        names = [texts(row)[0] for row in book]
        assert chapters == sorted(chapters)  # "Chi bộ thôn 1" before "Chi bộ thôn 2"
        for chapter_name in set(chapters):
            pairs = zip(names, chapters, strict=True)
            in_it = [name for name, held in pairs if held == chapter_name]
            assert in_it == sorted(in_it, key=name_sort_key), chapter_name
        held_by = "Chi bộ thôn 2" if (day >= ACCEPTED and scope is everyone) else "Chi bộ thôn 1"
        assert texts(row_of(book))[-2] == held_by


def test_a_member_who_came_back_is_in_the_book_once(moved):
    """Out to B and back to A in the same year: on A's roll, one row, as A holds it now."""
    a, b = moved
    member = Member.objects.get(full_name=NAME)
    letter = Document(number="130-GGT/ĐU", date=D(2026, 3, 13), issuing_body="Đảng ủy xã")
    transfer(
        member, a.cells.get(), requested_on=D(2026, 3, 12), letter=letter, accepted=D(2026, 3, 16)
    )
    day = D(2026, 3, 20)
    book, listing = fast(named(a), day)
    assert (book, listing) == reference(named(a), day)
    assert listed(listing)
    assert sum(NAME in row for row in book) == 1
    # B's book of the same day: the member left B this year for A, which has accepted them.
    b_book, b_listing = fast(named(b), day)
    assert (b_book, b_listing) == reference(named(b), day)
    assert not listed(b_listing)
    row = row_of(b_book)
    assert texts(row)[-2] == "Chi bộ thôn 2" and cell_text("Tổ 2") in row
