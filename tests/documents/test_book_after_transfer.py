"""The chapter's register book (7-HSĐV, ``documents.chapter_gather.register_book``) of a member
transferred to another chapter of the system (issue 15): the sending chapter's book keeps the
member for the rest of the year once the receiving chapter has accepted them, as its own ledger
last had them (the transfer out in column 10, no official date from elsewhere), and its totals
are the roll's; the receiving chapter's book lists them from the acceptance."""

import pytest

from documents import chapter_gather
from tests.reports.test_export_moves import ACCEPTED, DAYS, LETTER, NAME, D, moved  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-20")]


def row_of(context) -> dict | None:
    rows = [row for row in context["members"] if row["name"][0] == NAME]
    assert len(rows) <= 1
    return rows[0] if rows else None


@pytest.mark.parametrize("day", list(DAYS), ids=list(DAYS.values()))
def test_both_books_on_each_day_of_the_transfer(moved, day):  # noqa: F811
    a, b = moved
    sending = chapter_gather.register_book(a, day).context
    receiving = chapter_gather.register_book(b, day).context
    # The sending book lists the member every day of the year: on the roll, then as an exit.
    row = row_of(sending)
    assert row is not None
    if day >= LETTER.date:
        assert row["transferred_out"] == ["04/03/2026", row["transferred_out"][1]]
        assert "Chi bộ thôn 2" in row["transferred_out"][1]
        assert row["transferred_in"] == []  # B's arrival is in B's book, not here
    else:
        assert row["transferred_out"] == []
    # Totals count the roll only: three, then two once the letter is dated; always three rows.
    on_roll = 3 if day < LETTER.date else 2
    assert sending["total"] == on_roll and len(sending["members"]) == 3
    # The receiving book: from the acceptance, on the roll, with its arrival.
    row = row_of(receiving)
    if day >= ACCEPTED:
        assert row is not None and row["transferred_in"][0] == "10/03/2026"
        assert receiving["total"] == 3
    else:
        assert row is None and receiving["total"] == 2


def test_a_year_later_the_sending_book_no_longer_lists_the_member(moved):  # noqa: F811
    a, _b = moved
    context = chapter_gather.register_book(a, D(2027, 1, 1)).context
    assert row_of(context) is None


def test_the_exit_reads_the_same_before_and_after_the_acceptance(moved):  # noqa: F811
    """What B does with the record after accepting it (its cell, its status) is not A's."""
    a, _b = moved
    before = row_of(chapter_gather.register_book(a, D(2026, 3, 9)).context)
    after = row_of(chapter_gather.register_book(a, D(2026, 3, 20)).context)
    assert after == before
