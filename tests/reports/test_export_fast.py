"""The background register's fast path (reports/export_stream.py: members as tuples, each row one
string of cells made by chapter/xlsx_stream.py) writes exactly what the download's values give:
the same rows, the same cells in the same columns, byte for byte in the sheet's XML, and text a
spreadsheet could read as a formula stays text."""

import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from chapter.xlsx_stream import (
    EMPTY,
    TEXT_FORMAT,
    Memo,
    SheetSetup,
    StreamingWorkbook,
    Styled,
    cell,
    date_xml,
    ident_xml,
    number_xml,
    text_xml,
)
from members import services
from members.models import Member
from ratings.models import AnnualRating, Level
from reports import export_stream, exports
from tests.members.factories import register_member
from tests.reports.story import AS_OF, build_story

pytestmark = pytest.mark.django_db

D = datetime.date
RISKY = ("=1+1", '=HYPERLINK("http://x","y")', "+84 nhầm", "-5", "@x", "\tx", "\r=x", "#N/A",
         "#REF!", "\x01=HYPERLINK(1)", "\x02")  # fmt: skip
PLAIN = ("Nguyễn Thị Hồng", "A & <B>", "x\x0by", "#1", "1 = 1", " =x", "Tày", "012345678901",
         "LL0456", "Đ1", "²")  # fmt: skip


@pytest.fixture
def province(chapter, cell, other_cell):
    """The hand-counted chapter of tests/reports/story.py (transfers out and in, a death, a
    removal from the probationary list, a temporary transfer), a cell move, ratings, a member
    expelled this year with a reason, and a member whose every text looks like a formula."""
    story = build_story(chapter, cell, other_cell)
    services.member_move_cell(
        member_id=story.m1.pk, actor=None, cell=other_cell, effective_date=D(2019, 12, 1)
    )
    for member, level in ((story.m1, Level.EXCELLENT), (story.m2, Level.COMPLETED)):
        AnnualRating.objects.create(member=member, year=2019, level=level)
    expelled = register_member(cell=cell, full_name="Trần Văn Khai")
    services.member_expel(
        member_id=expelled.pk,
        actor=None,
        effective_date=D(2020, 1, 20),
        decision=services.Document(kind="DECISION", number="3-QĐ/ĐUK", date=D(2020, 1, 18)),
        reason="=SUM(A1) vi phạm",
    )
    register_member(
        cell=cell,
        full_name="=1+1",
        other_names="A & <B>",
        hometown="+84 Hà Nội",
        qualification="#N/A",
        occupation='=HYPERLINK("x")',  # (the download's openpyxl refuses control characters)
        card_number="-123",
        dossier_number="@LL",
        note="@ghi chú",
    )
    return Member.objects.filter(chapter=chapter)


def reference(scope, day) -> tuple[list[str], list[str]]:
    """Both sheets' rows as the generic writer writes the download's values (``register_members``
    with its SQL state on the day, ``register_values``, ``list_values``)."""
    book, listing = [], []
    listed = 0
    for number, member in enumerate(exports.register_members(scope, day), start=1):
        book.append(_row(exports.register_values(number, member, day)))
        if member.status_on in Member.ACTIVE_STATUSES:
            listed += 1
            listing.append(_row(exports.list_values(listed, member, day)))
    return book, listing


def _row(values) -> str:
    from chapter.xlsx_stream import row_xml

    return row_xml(values)


def fast(scope, day) -> tuple[list[str], list[str]]:
    rows = export_stream.Rows(day)
    book, listing = [], []
    listed = 0
    for number, (member, ledger) in enumerate(export_stream.stream_members(scope, day), start=1):
        book.append(rows.book(number, member, ledger))
        if ledger.status in Member.ACTIVE_STATUSES:
            listed += 1
            listing.append(rows.listing(listed, member, ledger))
    return book, listing


@pytest.mark.parametrize(
    "day",
    [
        AS_OF,
        D(2019, 11, 10),  # the day before m6's death, and the day of it
        D(2019, 11, 11),
        D(2019, 12, 31),  # the year's own rating on 31 December, the year before's the day before
        D(2019, 12, 30),
        D(2020, 3, 19),  # the day before m4's removal, and the day of it
        D(2020, 3, 20),
        D(2021, 1, 1),  # a new year: last year's exits are out of the book
    ],
)
def test_the_fast_rows_are_the_download_values_cell_for_cell(province, day):
    expected_book, expected_list = reference(province, day)
    book, listing = fast(province, day)
    assert len(book) == len(expected_book) and len(listing) == len(expected_list)
    assert book == expected_book
    assert listing == expected_list


def test_the_province_fixture_has_what_the_comparison_needs(province):
    """The comparison above meets each column kind: left this year, cells, ratings, risky text."""
    book, listing = fast(province, AS_OF)
    text = "".join(book)
    assert "Chi bộ Sở Y tế" in text and "=SUM(A1) vi phạm" in text and "A &amp; &lt;B&gt;" in text
    assert f's="{TEXT_FORMAT}"' in "".join(listing)  # identifiers as text
    assert text.count('s="2"') >= 5  # the risky texts, quote-prefixed


@pytest.mark.freeze_time("2026-03-15")
def test_the_background_workbook_equals_the_download_workbook(province, tmp_path):
    """The whole file, read back by openpyxl: the same sheets, rows and cells (value, type,
    number format, quote prefix) as the download's openpyxl workbook."""
    path = tmp_path / "register.xlsx"
    rows = export_stream.register_stream(province, AS_OF, path, scope_label="=Đảng ủy")
    download = io.BytesIO()
    exports.register_workbook(province, AS_OF, scope_label="=Đảng ủy").save(download)
    mine, theirs = load_workbook(path), load_workbook(download)
    assert rows == len(reference(province, AS_OF)[0])
    assert mine.sheetnames == theirs.sheetnames
    for sheet, other in zip(mine.worksheets, theirs.worksheets, strict=True):
        assert sheet.max_row == other.max_row and sheet.max_column == other.max_column
        for row, other_row in zip(sheet.iter_rows(), other.iter_rows(), strict=True):
            for a, b in zip(row, other_row, strict=True):
                assert a.value == b.value, a.coordinate
                if a.value is not None:
                    assert a.data_type == b.data_type, a.coordinate
                    assert a.quotePrefix == b.quotePrefix, a.coordinate
                    if a.is_date or a.number_format == "@":
                        assert a.number_format == b.number_format, a.coordinate


@pytest.mark.parametrize("value", RISKY + PLAIN)
def test_the_fast_cells_are_the_writers_cells(value):
    assert text_xml(value) == cell(value)
    assert ident_xml(value) == cell(Styled(value, TEXT_FORMAT))
    assert Memo(text_xml)[value] == cell(value)


def test_empty_values_dates_and_numbers():
    assert text_xml("") == text_xml(None) == ident_xml("") == ident_xml(None) == EMPTY == cell("")
    assert date_xml(D(2020, 2, 29)) == cell(D(2020, 2, 29)) and date_xml(None) == EMPTY
    assert number_xml(12) == cell(12)
    assert ident_xml(12) == cell(Styled("12", TEXT_FORMAT))


def test_fast_text_that_looks_like_a_formula_stays_text(tmp_path):
    """Read back: every risky text of the fast path is a text cell with the quote prefix, the
    plain ones text without it; identifiers keep their text format unless quoted."""
    path = tmp_path / "fast.xlsx"
    with StreamingWorkbook(path, [SheetSetup("Sổ")]) as book:
        (sheet,) = book.sheets
        for value in RISKY + PLAIN:
            sheet.append_xml(f"<row>{text_xml(value)}{ident_xml(value)}</row>")
    ws = load_workbook(path)["Sổ"]
    for number, value in enumerate(RISKY + PLAIN, start=1):
        text, ident = ws.cell(number, 1), ws.cell(number, 2)
        if value == "\x02":  # nothing left once XML's illegal characters are dropped
            assert text.value is None and ident.value is None
            continue
        # XML's illegal characters dropped; a parser reads a carriage return as a line feed
        expected = value.replace("\x01", "").replace("\x0b", "").replace("\r", "\n")
        assert text.value == ident.value == expected
        assert text.data_type == ident.data_type == "s"
        risky = value in RISKY
        assert bool(text.quotePrefix) is risky and bool(ident.quotePrefix) is risky, value
        assert risky or ident.number_format == "@"


def test_memo_stays_bounded():
    memo = Memo(text_xml, limit=3)
    for number in range(10):
        assert memo[f"x{number}"] == cell(f"x{number}")
        assert len(memo) <= 3


def test_zip_parts_are_the_writers(province, tmp_path):
    """The file is a valid package whose sheets hold one row per member plus the headings."""
    path = tmp_path / "register.xlsx"
    rows = export_stream.register_stream(province, AS_OF, path, scope_label="x")
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        first = package.read("xl/worksheets/sheet1.xml").decode()
    assert first.count("<row>") == rows + 5


@pytest.mark.django_db(transaction=True)
def test_the_movements_read_ahead_by_a_thread_give_the_same_rows(province, monkeypatch):
    """In the worker (PostgreSQL, no transaction) the next chunk's movements are read by a
    thread on its own connection: the same rows, chunk after chunk, and its connection closed."""
    monkeypatch.setattr(export_stream, "_reads_aside", lambda alias: True)
    monkeypatch.setattr(exports, "CHUNK", 3)
    closed = []
    close = export_stream._close_connection
    monkeypatch.setattr(export_stream, "_close_connection", lambda a: [closed.append(a), close(a)])
    assert fast(province, AS_OF) == reference(province, AS_OF)
    assert closed == ["default"]
