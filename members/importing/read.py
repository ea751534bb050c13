"""Reading an import file: .xlsx through openpyxl or .csv in any of the encodings exports use,
every value normalised to NFC; the columns found by their headers; each cell parsed into the
register's value. A problem with the file as a whole raises ``ImportFileError``; the limits
(size, rows, unzipped size) are here."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from chapter.dates import format_date
from chapter.forms import DateKind, check_date
from chapter.text import fold
from members.importing.columns import (
    CELL,
    CHAPTER_HEADER,
    CODE,
    COLUMN_BY_KEY,
    COLUMNS,
    DATE,
    DIGITS,
    GENDER,
    GENDERS,
    GUIDE_SHEET,
    HEADER_INDEX,
    NO_THEORY,
    NOTE,
    PHONE,
    STATUS,
    STATUSES,
    THEORIES,
    THEORY,
    Column,
    _header_key,
    is_skipped,
)
from members.models import Cell, Member

CHAPTER_KEY = _header_key(CHAPTER_HEADER)

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100  # cells read per row: the register has 26 columns, exports a few more
MAX_UNZIPPED = 100 * 1024 * 1024  # an .xlsx is a zip: refuse one that would unpack to more
HEADER_SEARCH_ROWS = 20  # exports often carry a title above the header row
# A sheet whose header row has these problems is passed over for a later sheet that has none.
INCOMPLETE_HEADER = ("missing_column", "duplicate_column")


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported (type, size, encoding, columns)."""


# Reading the file ---------------------------------------------------------------------------


@dataclass
class SourceRow:
    number: int  # as the spreadsheet numbers it
    cells: dict[str, Any]  # column key → raw value (text, number, date); empty cells left out
    chapter: str = ""  # the register export's "Chi bộ" cell: the chapter the row comes from


@dataclass
class Table:
    filename: str
    columns: list[Column]
    rows: list[SourceRow]
    ignored: list[str] = field(default_factory=list)  # headers not recognised


def read_table(filename: str, content: bytes) -> Table:
    """The rows of an .xlsx or .csv file under recognised columns; ``ImportFileError`` if the
    file cannot be imported at all."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not content.strip():
        raise ImportFileError(_("The file is empty."), code="empty")
    kind = _file_kind(filename, content)
    grids = _xlsx_grids(content) if kind == "xlsx" else [_csv_grid(content)]
    incomplete: ImportFileError | None = None
    for grid in grids:
        try:
            table = _table_from_grid(filename, grid)
        except ImportFileError as error:
            # A sheet with a name column but not the import's columns (the 7-HSĐV book sheet
            # of the register's export): the next sheet may be the list to import.
            if error.code not in INCOMPLETE_HEADER:
                raise
            incomplete = incomplete or error
            continue
        if table is not None:
            return table
    if incomplete is not None:
        raise incomplete
    raise ImportFileError(
        _("No header row with a “%(column)s” column was found. Use the template's headers.")
        % {"column": COLUMN_BY_KEY["full_name"].header},
        code="no_header",
    )


def _file_kind(filename: str, content: bytes) -> str:
    name = (filename or "").lower()
    if content.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise ImportFileError(
            _("This is the old Excel format (.xls): open it in Excel and save it as .xlsx."),
            code="old_excel",
        )
    if name.endswith((".xlsx", ".xlsm")):
        if not content.startswith(b"PK"):
            raise ImportFileError(_("This file is not a valid Excel file."), code="bad_excel")
        return "xlsx"
    if name.endswith((".csv", ".txt", ".tsv")) and not content.startswith(b"PK"):
        return "csv"
    raise ImportFileError(
        _("Only Excel (.xlsx) and CSV (.csv) files can be imported."), code="file_type"
    )


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula. Never imported: its cached result may say anything, and the
    formula itself must not reach the register (``_parse`` refuses it with a message)."""

    text: str

    def __str__(self) -> str:
        return self.text


def _cell_values(cells: tuple) -> tuple:
    return tuple(
        Formula(str(getattr(cell.value, "text", cell.value)))
        if cell.data_type == "f"
        else cell.value
        for cell in cells
    )


def _xlsx_grids(content: bytes) -> Iterator[Iterator[tuple[int, tuple]]]:
    """Each worksheet's rows as (row number, values); a formula cell is a ``Formula``."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(entry.file_size for entry in archive.infolist())
        if unzipped > MAX_UNZIPPED:
            raise ImportFileError(
                _("This Excel file is too large once unpacked: split it into several files."),
                code="too_large",
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("This Excel file cannot be read: open it in Excel and save it again as .xlsx."),
            code="bad_excel",
        ) from error
    try:
        for sheet in workbook.worksheets:
            if sheet.title == GUIDE_SHEET:
                continue  # the template's explanations, with an example row
            rows = sheet.iter_rows(max_col=MAX_COLUMNS)
            yield enumerate((_cell_values(row) for row in rows), start=1)
    finally:
        workbook.close()


def _csv_grid(content: bytes) -> Iterator[tuple[int, tuple]]:
    text = _decode(content)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate((tuple(row[:MAX_COLUMNS]) for row in reader), start=1)
    except csv.Error as error:
        raise ImportFileError(
            _("This CSV file cannot be read: %(error)s") % {"error": error}, code="bad_csv"
        ) from error


def _decode(content: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM, or tell-tale zero bytes), else Windows-1258; NFC."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif content[1::2].count(0) > len(content) // 4:  # "Hồng" → H\0 \xd3\x1e n\0 g\0
        encodings = ["utf-16-le"]
    elif content[0::2].count(0) > len(content) // 4:
        encodings = ["utf-16-be"]
    else:
        encodings = ["utf-8", "cp1258"]
    for encoding in encodings:
        try:
            return unicodedata.normalize("NFC", content.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The file's characters cannot be read: save it as “CSV UTF-8” and upload it again."),
        code="encoding",
    )


def _table_from_grid(filename: str, grid: Iterable[tuple[int, tuple]]) -> Table | None:
    """The table under the first row that names the full-name column, or None."""
    grid = iter(grid)
    for number, values in grid:
        if number > HEADER_SEARCH_ROWS:
            return None
        keys = [_header_key(value) for value in values]
        if any(HEADER_INDEX.get(key) is COLUMN_BY_KEY["full_name"] for key in keys):
            positions, columns, ignored = _columns(values, keys)
            chapter_at = keys.index(CHAPTER_KEY) if CHAPTER_KEY in keys else None
            rows = _rows(grid, positions, chapter_at)
            return Table(filename=filename, columns=columns, rows=rows, ignored=ignored)
    return None


def _columns(values: tuple, keys: list[str]) -> tuple[dict[int, str], list[Column], list[str]]:
    positions: dict[int, str] = {}
    columns: list[Column] = []
    ignored: list[str] = []
    for index, key in enumerate(keys):
        column = HEADER_INDEX.get(key)
        if column is None:
            if key and not is_skipped(key):
                ignored.append(_text(values[index]))
            continue
        if column in columns:
            raise ImportFileError(
                _("The column “%(column)s” appears twice.") % {"column": column.header},
                code="duplicate_column",
            )
        positions[index] = column.key
        columns.append(column)
    missing = [c.header for c in COLUMNS if c.required and c not in columns]
    if missing:
        raise ImportFileError(
            _("These required columns are missing: %(columns)s. Download the template to see them.")
            % {"columns": ", ".join(missing)},
            code="missing_column",
        )
    return positions, columns, ignored


def _rows(
    grid: Iterable[tuple[int, tuple]], positions: dict[int, str], chapter_at: int | None = None
) -> list[SourceRow]:
    rows = []
    for number, values in grid:
        cells = {}
        for index, key in positions.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str):
                value = unicodedata.normalize("NFC", value).strip()
            if value not in (None, ""):
                cells[key] = value
        if not cells:
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(count)s rows: split it into several files.")
                % {"count": formats.number_format(MAX_ROWS, force_grouping=True)},
                code="too_many_rows",
            )
        chapter = None
        if chapter_at is not None and chapter_at < len(values):
            chapter = values[chapter_at]
        rows.append(SourceRow(number, cells, _text(chapter) if chapter else ""))
    if not rows:
        raise ImportFileError(_("The file has no rows to import."), code="no_rows")
    return rows


# Cell values --------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _text(value: Any) -> str:
    """A cell as single-line text: whole numbers without ".0", spaces collapsed, NFC."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    match = None if parts else _ISO.match(text)
    if match:
        parts = match.groups()[:3]
    if parts:
        try:
            return date(*(int(part) for part in parts))
        except ValueError:
            raise _Bad(
                _("There is no such day: %(value)s.") % {"value": text}, "bad_date"
            ) from None
    raise _Bad(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 14/05/2018.") % {"value": text},
        "bad_date",
    )


def _bounded(column: Column, day: date) -> date:
    """The forms' date bounds (chapter.forms.check_date): 1930 onwards, births from 1900,
    nothing absurdly far ahead."""
    if column.key == "date_of_birth":
        kind = DateKind.BIRTH
    else:
        kind = DateKind.PLANNED if column.key == "official_date" else DateKind.EVENT
    try:
        check_date(day, kind)
    except ValidationError as error:
        raise _Bad(" ".join(error.messages), error.code or "bad_date") from None
    return day


def _parse_number(value: Any, *, pad_to: int = 0) -> str:
    """Identifiers: an Excel number cell lost its leading zeros (all CCCDs start with 0)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _text(value).zfill(pad_to)
    text = _text(value)
    if _SCIENTIFIC.match(text):
        raise _Bad(
            _("Excel shortened this number (%(value)s): format the column as Text, type the "
              "number again and save.") % {"value": text},
            "shortened_number",
        )  # fmt: skip
    return text


def _parse_choice(value: Any, choices: dict[str, str], message: str) -> str:
    key = fold(_text(value))
    if key in choices:
        return choices[key]
    raise _Bad(message % {"value": _text(value)}, "bad_choice")


def _parse_theory(value: Any) -> str:
    key = fold(_text(value))
    if key in NO_THEORY:
        return Member.PoliticalTheory.NONE
    for prefix, theory in THEORIES.items():
        if key == prefix or key.startswith(prefix + " "):
            return theory
    raise _Bad(
        _("“%(value)s”: write Sơ cấp, Trung cấp, Cao cấp or Cử nhân, or leave it empty.")
        % {"value": _text(value)},
        "bad_choice",
    )


def _parse(column: Column, value: Any, cells: dict[str, Cell]) -> Any:
    if isinstance(value, Formula):
        raise _Bad(
            _("This cell holds a formula (%(formula)s): type or paste the value itself.")
            % {"formula": value.text},
            "formula",
        )
    kind = column.kind
    if kind == DATE:
        return _bounded(column, _parse_date(value))
    if kind == DIGITS:
        return _parse_number(value, pad_to=12).replace(" ", "").replace(".", "")
    if kind == PHONE:
        text = _parse_number(value)
        return f"0{text}" if isinstance(value, int | float) and len(text) == 9 else text
    if kind == CODE:
        return _parse_number(value)
    if column.key == "general_education" and isinstance(value, date):
        return f"{value.day}/{value.month}"  # Excel turned "12/12" into 12 December
    if kind == NOTE and isinstance(value, str):
        return unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if kind == GENDER:
        return _parse_choice(value, GENDERS, _("“%(value)s”: write Nam or Nữ."))
    if kind == STATUS:
        return _parse_choice(value, STATUSES, _("“%(value)s”: write Dự bị or Chính thức."))
    if kind == THEORY:
        return _parse_theory(value)
    if kind == CELL:
        return _parse_cell(value, cells)
    return _text(value)


def _parse_cell(value: Any, cells: dict[str, Cell]) -> Cell:
    cell = cells.get(fold(_text(value)))
    if cell is not None:
        return cell
    if not cells:
        raise _Bad(_("The chapter has no cells: leave this column empty."), "unknown_cell")
    names = ", ".join(sorted(c.name for c in cells.values()))
    raise _Bad(
        _("The chapter has no cell “%(value)s”. Its cells: %(cells)s.")
        % {"value": _text(value), "cells": names},
        "unknown_cell",
    )
