"""The register book (7-HSĐV) of records that changed chapter more than once, or whose moves
were annulled, or that a reorganisation moved after the day (issue 15; review of the sending
chapter's book): the background file's fast path gives the download's answer for every scope
(one chapter, two, the committee, every chapter), the chapter's document agrees with the
download, a record is in each book once, and a member's official date is in a sending
chapter's book only if they were official when they left."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapter.documents import Document
from documents import chapter_gather
from members import services
from members.models import ALL_CHAPTERS, Chapter, Handover, Member, MemberEvent
from members.services.reorganisation import Decision, reorganise_merge
from reports import export_stream, exports, queries
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    register_member,
)
from tests.reports.test_export_fast import fast, reference
from tests.reports.test_export_moves import transfer

pytestmark = pytest.mark.django_db
D = datetime.date
NAME = "Lê Văn Chuyển"


def letter(number: int, day: datetime.date) -> Document:
    return Document(number=f"{number}-GGT/ĐU", date=day, issuing_body="Đảng ủy xã An Phú")


@pytest.fixture
def abc():
    committee = CommitteeFactory(name="Đảng ủy xã An Phú")
    chapters = [ChapterFactory(committee=committee, name=f"Chi bộ thôn {n}") for n in (1, 2, 3)]
    cells = [CellFactory(chapter=c, name=f"Tổ {n}") for n, c in enumerate(chapters, 1)]
    member = register_member(cell=cells[0], full_name=NAME)
    for cell in cells:
        register_member(cell=cell, full_name="Zô Văn Z")
        register_member(cell=cell, full_name="An Văn A")
    return chapters, cells, member


def scopes(a, b, c) -> dict:
    def named(*chapters):
        return Member.objects.in_chapters(Chapter.objects.filter(pk__in=[x.pk for x in chapters]))

    return {
        "A": named(a),
        "B": named(b),
        "C": named(c),
        "AB": named(a, b),
        "ABC": named(a, b, c),
        "ALL": Member.objects.in_chapters(ALL_CHAPTERS),
    }


def rows_named(scope, day) -> dict[str, int]:
    """How many rows of the book name the member, per scope; fast path == download checked."""
    book, listing = fast(scope, day)
    assert (book, listing) == reference(scope, day)
    return sum(NAME in row for row in book)


def in_document(chapter, day) -> int:
    rows = chapter_gather.register_book(chapter, day).context["members"]
    return sum(row["name"][0] == NAME for row in rows)


@pytest.mark.freeze_time("2026-06-15")
def test_out_back_and_away_again_in_one_year(abc):
    """A to B, back to A, then to C: each chapter's book has the member once; a book of A and B
    has them once as A's exit to C (the record left A and B for C, under A, its last exit)."""
    (a, b, c), cells, member = abc
    transfer(member, cells[1], requested_on=D(2026, 3, 2), letter=letter(1, D(2026, 3, 4)),
             accepted=D(2026, 3, 10))  # fmt: skip
    transfer(member, cells[0], requested_on=D(2026, 4, 2), letter=letter(2, D(2026, 4, 4)),
             accepted=D(2026, 4, 10))  # fmt: skip
    transfer(member, cells[2], requested_on=D(2026, 5, 2), letter=letter(3, D(2026, 5, 4)),
             accepted=D(2026, 5, 10))  # fmt: skip
    day = D(2026, 6, 1)
    found = {key: rows_named(scope, day) for key, scope in scopes(a, b, c).items()}
    assert found == {"A": 1, "B": 1, "C": 1, "AB": 1, "ABC": 1, "ALL": 1}
    assert [in_document(chapter, day) for chapter in (a, b, c)] == [1, 1, 1]


@pytest.mark.freeze_time("2026-09-15")
def test_gone_before_the_day_and_back_after_it(abc):
    """Out to B in March, back to A in August: A's book of 1 June has the exit, B's the member."""
    (a, b, c), cells, member = abc
    transfer(member, cells[1], requested_on=D(2026, 3, 2), letter=letter(1, D(2026, 3, 4)),
             accepted=D(2026, 3, 10))  # fmt: skip
    transfer(member, cells[0], requested_on=D(2026, 8, 2), letter=letter(2, D(2026, 8, 4)),
             accepted=D(2026, 8, 10))  # fmt: skip
    day = D(2026, 6, 1)
    found = {key: rows_named(scope, day) for key, scope in scopes(a, b, c).items()}
    assert found == {"A": 1, "B": 1, "C": 0, "AB": 1, "ABC": 1, "ALL": 1}
    assert [in_document(chapter, day) for chapter in (a, b, c)] == [1, 1, 0]
    _list, listing = fast(scopes(a, b, c)["B"], day)
    assert any(NAME in row for row in listing)  # on B's roll that day


@pytest.mark.freeze_time("2026-09-15")
def test_exit_and_acceptance_on_the_same_day(abc):
    (a, b, c), cells, member = abc
    transfer(member, cells[1], requested_on=D(2026, 3, 2), letter=letter(1, D(2026, 3, 4)),
             accepted=D(2026, 3, 4))  # fmt: skip
    for day in (D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 5)):
        found = {key: rows_named(scope, day) for key, scope in scopes(a, b, c).items()}
        assert found["A"] == 1 and found["ALL"] == 1, day
        assert in_document(a, day) == 1


@pytest.mark.freeze_time("2026-09-15")
def test_an_annulled_acceptance_then_an_annulled_exit(abc):
    (a, b, c), cells, member = abc
    transfer(member, cells[1], requested_on=D(2026, 3, 2), letter=letter(1, D(2026, 3, 4)),
             accepted=D(2026, 3, 10))  # fmt: skip
    arrival = MemberEvent.objects.filter(member=member, kind="TRANSFERRED_IN").latest("id")
    services.member_annul_latest(member_id=member.pk, actor=None, event_id=arrival.pk, reason="x")
    day = D(2026, 6, 1)
    # The exit stands: in A's book (where the record is), not in B's.
    assert rows_named(scopes(a, b, c)["A"], day) == 1
    assert rows_named(scopes(a, b, c)["B"], day) == 0
    assert (in_document(a, day), in_document(b, day)) == (1, 0)
    exit_ = MemberEvent.objects.standing().filter(member=member).latest("id")
    assert exit_.kind == "TRANSFERRED_OUT"
    services.member_annul_latest(member_id=member.pk, actor=None, event_id=exit_.pk, reason="x")
    # Back on A's roll as if it had never been recorded.
    _book, listing = fast(scopes(a, b, c)["A"], day)
    assert rows_named(scopes(a, b, c)["A"], day) == 1 and any(NAME in row for row in listing)
    assert rows_named(scopes(a, b, c)["B"], day) == 0


@pytest.mark.freeze_time("2026-06-15")
def test_a_probationary_member_s_exit_shows_no_official_date(abc):
    """Confirmed by B after the transfer: A's book (Excel and document) shows the ceremony but
    not the official date — they were probationary when they left A; B's shows both."""
    (a, b, c), cells, _member = abc
    name = "Đỗ Thị Dự"
    member = register_member(
        cell=cells[0],
        full_name=name,
        status=Member.Status.PROBATIONARY,
        effective_date=D(2025, 6, 1),
        ceremony_date=D(2025, 6, 1),
    )
    transfer(member, cells[1], requested_on=D(2026, 3, 2), letter=letter(9, D(2026, 3, 4)),
             accepted=D(2026, 3, 10))  # fmt: skip
    decision = Document(kind="DECISION", number="5-QĐ/ĐU", date=D(2026, 6, 2))
    services.member_confirm_official(member_id=member.pk, actor=None, decision=decision)
    member.refresh_from_db()
    official = member.official_date
    assert official == D(2026, 6, 1)
    day = D(2026, 6, 10)
    for chapter, shown in ((a, None), (b, official)):
        scope = scopes(a, b, c)["A" if chapter == a else "B"]
        assert fast(scope, day) == reference(scope, day)
        (row,) = [m for m in exports.register_members(scope, day) if m.pk == member.pk]
        values = exports.register_values(1, row, day)
        assert values[13] == D(2025, 6, 1) and (values[14] or None) == shown, chapter
        (doc,) = [
            r
            for r in chapter_gather.register_book(chapter, day).context["members"]
            if r["name"][0] == name
        ]
        assert doc["dates"] == (["01/06/2025", "01/06/2026"] if shown else ["01/06/2025"])


@pytest.mark.freeze_time("2026-09-15")
def test_a_merge_after_the_day_puts_each_row_under_the_chapter_of_the_day(abc):
    """A and B merged into C in August: the books of 1 June (a committee's, every chapter's)
    list A's and B's members under A and B, in the chapters' then the names' order, read by
    the stream's second cursor (``_moved_since``) in a fixed number of queries."""
    (a, b, c), _cells, _member = abc
    merge = Decision(committee=a.committee, number="15-QĐ/ĐU", date=D(2026, 8, 1),
                     issuing_body="Đảng ủy xã An Phú")  # fmt: skip
    reorganise_merge(merge, sources=[a, b], target=c, actor=UserFactory(is_superuser=True))
    day = D(2026, 6, 1)
    for key in ("ABC", "ALL", "A"):
        scope = scopes(a, b, c)[key]
        book, _listing = fast(scope, day)
        assert (book, _listing) == reference(scope, day), key
        cells = [re.findall(r'<t xml:space="preserve">([^<]*)</t>', row) for row in book]
        chapters = [texts[-2] for texts in cells]
        expected = {"A": ["Chi bộ thôn 1"] * 3}.get(
            key, ["Chi bộ thôn 1"] * 3 + ["Chi bộ thôn 2"] * 2 + ["Chi bộ thôn 3"] * 2
        )
        assert chapters == expected, key
    scope = scopes(a, b, c)["ABC"]
    with CaptureQueriesContext(connection) as queries:
        rows = list(export_stream.stream_members(scope, day))
    assert len(rows) == 7
    # The scope's chapters and the records let go since; those gone elsewhere this year; the
    # names ranked; each cursor (the members', the moved records') and its chunk's movements.
    assert len(queries) == 8


@pytest.mark.freeze_time("2026-06-15")
def test_a_correction_typed_before_a_backdated_acceptance_places_nothing(abc):
    """A corrects a key date today (its entry dated today) while the letter is on its way; B
    then accepts the member as presented on 10 May. The record is on B's roll today — in B's
    figures, B's book, every chapter's — and A's book has the exit: a correction places no
    one (``MemberEvent.UNPLACED_KINDS``), in ``as_of``, the reports' SQL and the stream."""
    (a, b, c), cells, member = abc
    handover = services.handover_request(
        member_id=member.pk,
        actor=None,
        kind=Handover.Kind.PERMANENT,
        to_chapter=b,
        requested_on=D(2026, 5, 2),
        letter=letter(1, D(2026, 5, 4)),
    )
    member.refresh_from_db()
    services.member_correct_key_date(
        member_id=member.pk,
        actor=None,
        field_name="ceremony_date",
        value=member.ceremony_date - datetime.timedelta(days=1),
        reason="Nhập sai ngày",
    )
    services.handover_accept(
        handover_id=handover.pk, actor=None, presented_on=D(2026, 5, 10), cell=cells[1]
    )
    day = D(2026, 6, 15)
    found = {key: rows_named(scope, day) for key, scope in scopes(a, b, c).items()}
    assert found == {"A": 1, "B": 1, "C": 0, "AB": 1, "ABC": 1, "ALL": 1}
    assert [in_document(chapter, day) for chapter in (a, b, c)] == [1, 1, 0]
    # The figures: on B's roll, not A's, live and as the reports count them.
    on_b = Member.objects.of_chapter_on(b, day).filter(pk=member.pk)
    assert on_b.get().status_on == Member.Status.OFFICIAL
    counts = {
        chapter: queries.roll_counts(Member.objects.in_chapters(
            Chapter.objects.filter(pk=chapter.pk)), day)["on_roll"]
        for chapter in (a, b)
    }  # fmt: skip
    assert counts == {a: 2, b: 3}


@pytest.mark.freeze_time("2026-06-15")
def test_a_correction_typed_before_a_backdated_merge_places_nothing(abc):
    (a, b, c), _cells, member = abc
    services.member_correct_key_date(
        member_id=member.pk,
        actor=None,
        field_name="ceremony_date",
        value=member.ceremony_date - datetime.timedelta(days=1),
        reason="Nhập sai ngày",
    )
    merge = Decision(committee=a.committee, number="15-QĐ/ĐU", date=D(2026, 6, 1),
                     issuing_body="Đảng ủy xã An Phú")  # fmt: skip
    reorganise_merge(merge, sources=[a], target=b, actor=UserFactory(is_superuser=True))
    day = D(2026, 6, 15)
    found = {key: rows_named(scope, day) for key, scope in scopes(a, b, c).items()}
    assert found == {"A": 0, "B": 1, "C": 0, "AB": 1, "ABC": 1, "ALL": 1}
    assert in_document(b, day) == 1


@pytest.mark.freeze_time("2026-06-15")
def test_no_official_date_of_a_later_admission(abc):
    """Removed in February, readmitted in May (official date 01/05/2027): the book of 1 March
    shows the removal, not that future official date — in the document as in the download."""
    (a, b, c), cells, member = abc
    services.member_remove(member_id=member.pk, actor=None, effective_date=D(2026, 2, 1),
                           decision=letter(7, D(2026, 2, 1)), reason="Vi phạm")  # fmt: skip
    services.member_readmit(
        member_id=member.pk,
        chapter=a,
        actor=None,
        cell=cells[0],
        details={},
        decision=Document(number="10-QĐ/ĐU", date=D(2026, 4, 20), issuing_body="Đảng ủy xã"),
        ceremony_date=D(2026, 5, 1),
    )
    member.refresh_from_db()
    assert member.official_date == D(2027, 5, 1)
    day = D(2026, 3, 1)
    assert rows_named(scopes(a, b, c)["A"], day) == 1
    (row,) = [m for m in exports.register_members(scopes(a, b, c)["A"], day) if m.pk == member.pk]
    assert exports.register_values(1, row, day)[14] in (None, "")
    (doc,) = [
        r for r in chapter_gather.register_book(a, day).context["members"] if r["name"][0] == NAME
    ]
    assert "01/05/2027" not in doc["dates"]
