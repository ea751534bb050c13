"""A fast streaming .xlsx writer for very large sheets (a province's register in the background).

openpyxl's write-only mode builds an object per cell and writes about a thousand register rows a
second on the reference machine; a million rows would take a quarter of an hour. This writer
emits SpreadsheetML text directly: rows are strings joined per chunk, deflated straight into the
zip (the first sheet) or into a compressed temporary file copied in at the end (the others), so
memory stays flat whatever the row count.

Text is always text: every string is an inline string (``t="inlineStr"``), which a spreadsheet
never evaluates; text a spreadsheet could read as a formula once edited (``chapter.xlsx.is_risky``)
gets the quote-prefix style, as ``chapter.xlsx.text_cell`` does. Characters XML cannot hold are
dropped. A cell is a value (str, int, float, date, None) or ``Styled(value, style)``.
"""

from __future__ import annotations

import contextlib
import datetime
import queue
import re
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from chapter.xlsx import ERROR_CODES, FORMULA_STARTS

# Style indexes (``STYLES`` below): the cellXfs of the workbook's one stylesheet.
PLAIN, DATE, QUOTED, HEADER, TITLE, BOLD, BOLD_DATE, TEXT_FORMAT = range(8)
EPOCH = datetime.date(1899, 12, 30).toordinal()  # spreadsheet day 0 (1900 date system)
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NEEDS_WORK = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RISKY_FIRST = frozenset(FORMULA_STARTS)
OPEN, CLOSE = '<is><t xml:space="preserve">', "</t></is></c>"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FLUSH_ROWS = 500
SPOOL_READ = 1 << 16  # compressed bytes read back at a time (XML deflates about fifteen-fold)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PAPER_A3 = 8


@dataclass(frozen=True, slots=True)
class Styled:
    value: object
    style: int


def _text(value: str) -> str:
    """``value`` without the characters XML cannot hold, escaped (a string whose risk was
    judged after those characters were dropped: see ``_clean``)."""
    if NEEDS_WORK.search(value) is None:
        return value
    return escape(value)


def _clean(value: str) -> str:
    """The text a spreadsheet will hold: without the characters XML cannot carry. Its first
    character decides whether it is risky ("\x01=HYPERLINK(…)" arrives as "=HYPERLINK(…)")."""
    return ILLEGAL.sub("", value) if NEEDS_WORK.search(value) is not None else value


def _risky(value: str) -> bool:  # chapter.xlsx.is_risky, on the cleaned text
    return value[0] in RISKY_FIRST or value in ERROR_CODES


def cell(value) -> str:
    """One ``<c>`` element (no reference: cells follow each other from column A)."""
    kind = type(value)
    if kind is str:
        value = _clean(value)
        if not value:
            return "<c/>"
        if _risky(value):
            return f'<c t="inlineStr" s="{QUOTED}">{OPEN}{_text(value)}{CLOSE}'
        return f'<c t="inlineStr">{OPEN}{_text(value)}{CLOSE}'
    if value is None:
        return "<c/>"
    if kind is int or kind is float:
        return f"<c><v>{value}</v></c>"
    if kind is datetime.date:
        return f'<c s="{DATE}"><v>{value.toordinal() - EPOCH}</v></c>'
    if kind is Styled:
        return _styled(value.value, value.style)
    if isinstance(value, datetime.datetime):
        return cell(value.date())
    return cell(str(value))


def _styled(value, style: int) -> str:
    if value is None or value == "":
        return f'<c s="{style}"/>'
    if isinstance(value, str):
        value = _clean(value)
        if not value:
            return f'<c s="{style}"/>'
        if _risky(value):
            style = QUOTED  # text, never a formula, rather than bold
        return (
            f'<c t="inlineStr" s="{style}"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
        )
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f'<c s="{style}"><v>{value.toordinal() - EPOCH}</v></c>'
    if isinstance(value, int | float):
        return f'<c s="{style}"><v>{value}</v></c>'
    return _styled(str(value), style)


def row_xml(values: Iterable) -> str:
    return "<row>" + "".join(map(cell, values)) + "</row>"


# The fast path of very large sheets (reports.export_stream): a row is written as the one string
# these functions make, each cell exactly as ``cell`` writes it, the same rule for text included.
EMPTY = "<c/>"
ERRORS = frozenset(ERROR_CODES)
TEXT_OPEN, QUOTED_OPEN = f'<c t="inlineStr">{OPEN}', f'<c t="inlineStr" s="{QUOTED}">{OPEN}'
IDENT_OPEN = f'<c t="inlineStr" s="{TEXT_FORMAT}">{OPEN}'
MEMO_LIMIT = 50_000


def text_xml(value: str | None) -> str:
    """``cell(value)`` for text (or None): an inline string, quote-prefixed when a spreadsheet
    could read it as a formula or an error value (``chapter.xlsx.is_risky``, judged on the text
    left once the characters XML cannot hold are dropped)."""
    if not value:
        return EMPTY
    if NEEDS_WORK.search(value) is not None:
        return cell(value)
    if value[0] in RISKY_FIRST or value in ERRORS:
        return QUOTED_OPEN + value + CLOSE
    return TEXT_OPEN + value + CLOSE


def ident_xml(value) -> str:
    """``cell(Styled(str(value), TEXT_FORMAT))`` (an identifier kept as text when edited), or
    an empty cell for None or "": the same rule for text."""
    if value is None or value == "":
        return EMPTY
    if type(value) is not str:
        value = str(value)
    if value.isalnum():  # digits and letters only (most numbers): nothing to escape or quote
        return IDENT_OPEN + value + CLOSE
    if NEEDS_WORK.search(value) is not None:
        return _styled(value, TEXT_FORMAT)
    if value[0] in RISKY_FIRST or value in ERRORS:
        return QUOTED_OPEN + value + CLOSE
    return IDENT_OPEN + value + CLOSE


def date_xml(value: datetime.date | None) -> str:
    """``cell(value)`` for a date (or None)."""
    if value is None:
        return EMPTY
    return f'<c s="{DATE}"><v>{value.toordinal() - EPOCH}</v></c>'


def number_xml(value: int) -> str:
    return f"<c><v>{value}</v></c>"


class Memo(dict):
    """``memo[value]``: the XML of ``value``'s cell, made by ``make`` the first time only (for
    columns whose values repeat: labels, places, dates). Bounded: emptied when full."""

    def __init__(self, make, limit: int = MEMO_LIMIT) -> None:
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, value) -> str:
        if len(self) >= self.limit:
            self.clear()
        made = self[value] = self.make(value)
        return made


@dataclass
class SheetSetup:
    title: str
    widths: Sequence[float] = ()
    freeze: tuple[int, int] | None = None  # (columns, rows) kept in view
    print_rows: tuple[int, int] | None = None  # rows repeated on each printed page
    landscape_a3: bool = False


class _Sheet:
    def __init__(self, setup: SheetSetup, index: int, sink) -> None:
        self.setup, self.index, self._sink = setup, index, sink
        self._rows: list[str] = []
        self._write(self._head())

    def _write(self, text: str) -> None:
        self._sink(text.encode())

    def append(self, values: Iterable) -> None:
        self._rows.append(row_xml(values))
        if len(self._rows) >= FLUSH_ROWS:
            self.flush()

    def append_xml(self, row: str) -> None:
        """A row already written as ``<row>…</row>`` (its cells by ``text_xml``, ``date_xml``,
        ``ident_xml``, ``number_xml`` or ``cell``)."""
        self._rows.append(row)
        if len(self._rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._write("".join(self._rows))
            self._rows = []

    def close(self) -> None:
        self.flush()
        self._write(self._tail())

    def _head(self) -> str:
        setup = self.setup
        parts = [f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
        if setup.landscape_a3:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        view = '<sheetView workbookViewId="0"'
        if self.index == 0:
            view += ' tabSelected="1"'
        if setup.freeze:
            columns, rows = setup.freeze
            top_left = f"{_column(columns + 1)}{rows + 1}"
            pane = f'<pane topLeftCell="{top_left}" activePane="bottomRight" state="frozen"'
            pane += f' xSplit="{columns}"' if columns else ""
            pane += f' ySplit="{rows}"' if rows else ""
            view += f">{pane}/></sheetView>"
        else:
            view += "/>"
        parts.append(f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if setup.widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(setup.widths, start=1)
            )
            parts.append(f"<cols>{cols}</cols>")
        parts.append("<sheetData>")
        return "".join(parts)

    def _tail(self) -> str:
        tail = '</sheetData><pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75"'
        tail += ' header="0.3" footer="0.3"/>'
        if self.setup.landscape_a3:
            tail += f'<pageSetup paperSize="{PAPER_A3}" orientation="landscape"'
            tail += ' fitToWidth="1" fitToHeight="0"/>'
        return tail + "</worksheet>"


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class StreamingWorkbook:
    """``with StreamingWorkbook(path, [SheetSetup(...), ...]) as book: book.sheets[0].append(...)``.

    The first sheet is deflated straight into the zip; the others into compressed temporary files
    (level 1: speed over size) copied into the zip when the book is closed. The deflating runs
    in a thread of its own (``_Pipe``), beside the Python that makes the rows."""

    def __init__(self, path: Path | str, setups: Sequence[SheetSetup]) -> None:
        self.path = Path(path)
        self.setups = list(setups)
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._first = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._spools = []
        self._pipe = _Pipe()
        self.sheets = [_Sheet(self.setups[0], 0, self._pipe.into(self._first.write))]
        for index, setup in enumerate(self.setups[1:], start=1):
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
            compressor = zlib.compressobj(1)
            self._spools.append((spool, compressor))
            sink = self._pipe.into(_compressing(spool, compressor))
            self.sheets.append(_Sheet(setup, index, sink))

    def __enter__(self) -> StreamingWorkbook:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:  # the caller's error stands: the file is left incomplete (and then removed)
            self._abandon()

    def _abandon(self) -> None:
        """Stop the deflating thread and close every file: nothing left open or running."""
        self._pipe.stop()
        for spool, _compressor in self._spools:
            with contextlib.suppress(Exception):
                spool.close()
        with contextlib.suppress(Exception):
            self._first.close()
        with contextlib.suppress(Exception):
            self._zip.close()

    def close(self) -> None:
        try:
            self._finish()
        except BaseException:
            self._abandon()  # a full disk, say: no thread or open file kept by the failure
            raise

    def _finish(self) -> None:
        for sheet in self.sheets:
            sheet.close()
        self._pipe.close()  # every row written (or the writer's error raised here)
        self._first.close()
        for number, (spool, compressor) in enumerate(self._spools, start=2):
            spool.write(compressor.flush())
            spool.seek(0)
            inflate = zlib.decompressobj()
            with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as out:
                pipe = _Pipe()  # inflating here, deflating into the zip there
                try:
                    while chunk := spool.read(SPOOL_READ):  # about a megabyte inflated
                        pipe.write(out.write, inflate.decompress(chunk))
                    pipe.write(out.write, inflate.flush())
                finally:
                    pipe.close()
            spool.close()
        for name, text in self._parts().items():
            self._zip.writestr(name, text)
        self._zip.close()

    def _parts(self) -> dict[str, str]:
        count = len(self.setups)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        sheets = "".join(
            f'<sheet name="{escape(setup.title[:31])}" sheetId="{n}" r:id="rId{n}"/>'
            for n, setup in enumerate(self.setups, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
            f"'{escape(setup.title[:31])}'!${setup.print_rows[0]}:${setup.print_rows[1]}"
            "</definedName>"
            for n, setup in enumerate(self.setups)
            if setup.print_rows
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        head = XML_HEAD
        package = "http://schemas.openxmlformats.org/package/2006"
        return {
            "[Content_Types].xml": f'{head}<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
            "_rels/.rels": f'{head}<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
            "xl/workbook.xml": f'{head}<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>",
            "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{package}/relationships">'
            f'{rels}<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
            "xl/styles.xml": head + STYLES,
        }


class _Pipe:
    """Writes done in order by one thread: zlib and the file let go of the interpreter lock
    while they work, so deflating runs beside the Python that makes the rows. At most ``DEPTH``
    writes wait (memory stays flat); the thread's error is raised in the caller."""

    DEPTH = 8

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(self.DEPTH)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:  # after an error, only drained
                try:
                    item[0](item[1])
                except BaseException as error:  # raised in the caller's thread
                    self._error = error
            del item  # no reference to a file kept while waiting

    def write(self, sink, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((sink, data))

    def into(self, sink):
        """A sink that hands its writes to this pipe's thread."""
        return lambda data: self.write(sink, data)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def close(self) -> None:
        self.stop()
        if self._error is not None:
            raise self._error


def _compressing(spool, compressor):
    def write(data: bytes) -> None:
        spool.write(compressor.compress(data))

    return write


# PLAIN, DATE, QUOTED, HEADER, TITLE, BOLD, BOLD_DATE, TEXT_FORMAT
STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00F2DCDB"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"'
    ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"'
    ' applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
