"""The streaming .xlsx writer (chapter/xlsx_stream.py): text stays text, XML stays valid, and
openpyxl reads back what was written."""

import datetime

import pytest
from openpyxl import load_workbook

from chapter.xlsx_stream import HEADER, TEXT_FORMAT, SheetSetup, StreamingWorkbook, Styled


def test_values_read_back_as_written(tmp_path):
    path = tmp_path / "book.xlsx"
    setups = [SheetSetup("Sổ", (6, 20), freeze=(2, 1), print_rows=(1, 1), landscape_a3=True),
              SheetSetup("Danh sách")]  # fmt: skip
    with StreamingWorkbook(path, setups) as book:
        first, second = book.sheets
        first.append([Styled("STT", HEADER), Styled("Họ và tên", HEADER)])
        first.append([1, "Nguyễn Thị A & <B>", datetime.date(2010, 1, 20), None, 2.5])
        first.append([2, '=HYPERLINK("http://x","y")', "#N/A", "-1", "tab\x00\x07bell"])
        second.append([Styled("012345", TEXT_FORMAT), "", None, "x"])
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Sổ", "Danh sách"]
    sheet = workbook["Sổ"]
    rows = list(sheet.values)
    assert rows[1][:3] == (1, "Nguyễn Thị A & <B>", datetime.datetime(2010, 1, 20))
    assert rows[1][4] == 2.5
    assert rows[2][1:] == ('=HYPERLINK("http://x","y")', "#N/A", "-1", "tabbell")
    formula, error, minus = sheet["B3"], sheet["C3"], sheet["D3"]
    assert formula.data_type == "s" and formula.quotePrefix  # text, and stays text when edited
    assert error.data_type == "s" and error.quotePrefix and minus.quotePrefix
    assert sheet["C2"].number_format == "DD/MM/YYYY" and sheet["A1"].font.b
    assert sheet.freeze_panes == "C2" and sheet.print_title_rows == "$1:$1"
    assert sheet.column_dimensions["B"].width == 20
    listing = workbook["Danh sách"]
    assert listing["A1"].value == "012345" and listing["A1"].number_format == "@"
    assert listing["D1"].value == "x"


def test_a_large_sheet_streams(tmp_path):
    path = tmp_path / "big.xlsx"
    with StreamingWorkbook(path, [SheetSetup("a"), SheetSetup("b")]) as book:
        for number in range(3000):
            book.sheets[0].append([number, f"tên {number}"])
            book.sheets[1].append([number])
    workbook = load_workbook(path, read_only=True)
    assert sum(1 for _row in workbook["a"].values) == 3000
    assert sum(1 for _row in workbook["b"].values) == 3000


def test_text_that_becomes_a_formula_once_cleaned_is_still_quoted(tmp_path):
    """A control character XML cannot hold is dropped: what is left decides the quote prefix;
    a styled (bold, header) text that could be read as a formula is quoted too."""
    path = tmp_path / "risky.xlsx"
    with StreamingWorkbook(path, [SheetSetup("Sổ")]) as book:
        (sheet,) = book.sheets
        sheet.append(['\x01=HYPERLINK("http://x","y")', Styled("=1+1", HEADER), "\x02"])
    cells = load_workbook(path)["Sổ"]
    hidden, styled = cells["A1"], cells["B1"]
    assert hidden.value == '=HYPERLINK("http://x","y")'
    assert hidden.data_type == "s" and hidden.quotePrefix
    assert styled.value == "=1+1" and styled.data_type == "s" and styled.quotePrefix
    assert cells["C1"].value is None  # nothing left: an empty cell


def test_an_error_while_deflating_reaches_the_writer(tmp_path):
    """Deflating runs in a thread (``_Pipe``): its error is raised in the writer's thread, and
    the thread is gone once the book is left."""
    from chapter import xlsx_stream

    def full(data):
        raise OSError("disk full")

    book = StreamingWorkbook(tmp_path / "x.xlsx", [SheetSetup("a")])
    pipe = book._pipe
    book.sheets[0]._sink = pipe.into(full)
    rows = xlsx_stream.FLUSH_ROWS * (xlsx_stream._Pipe.DEPTH + 3)
    with pytest.raises(OSError, match="disk full"), book:
        for number in range(rows):
            book.sheets[0].append([number])
    assert not pipe._thread.is_alive()


def test_an_error_raised_by_close_leaves_no_thread_or_file_open(tmp_path):
    """The disk fills as the last rows are flushed by ``close()`` (no error before it): the
    deflating thread stops and the files are closed all the same (a failed export keeps no
    descriptor on the file it removes)."""
    from chapter import xlsx_stream

    def full(data):
        raise OSError("disk full")

    book = StreamingWorkbook(tmp_path / "x.xlsx", [SheetSetup("a"), SheetSetup("b")])
    pipe = book._pipe
    book.sheets[0]._sink = pipe.into(full)
    book.sheets[0].append([1])  # buffered: written by close()
    with pytest.raises(OSError, match="disk full"), book:
        pass
    assert not pipe._thread.is_alive()
    assert book._first.closed
    assert all(spool.closed for spool, _compressor in book._spools)
    assert xlsx_stream.FLUSH_ROWS > 1
