"""Import of an existing register from a spreadsheet (.xlsx or .csv), independent of HTTP.

The official database stays the system of record (DOMAIN.md §9): chapters bring its exports in
here. Three steps, shared by the pages (members/import_views.py) and ``manage.py import_members``:

1. ``read_table(filename, content)`` reads the file: Excel through openpyxl, CSV in UTF-8 (with
   or without BOM), UTF-16 or Windows-1258, every value normalised to NFC. Columns are found by
   their Vietnamese headers (``COLUMNS``; case, diacritics and "*" ignored). A problem with the
   file as a whole raises ``ImportFileError``.
2. ``plan_import(table, chapter)`` writes nothing. Each row becomes a create, an update (the
   detail fields that differ) or unchanged, with errors by row and column. Rows are matched on
   citizen ID, then party card number, among the chapter's members on the roll; the rules are
   the services' own checks run on unsaved rows. A fixed number of queries for up to
   ``LOOKUP_CHUNK`` identifiers.
3. ``apply_plan(plan, actor=...)`` writes every row through ``members.services`` in ONE
   transaction: ``member_register(imported=True)`` for a create, ``member_update_details`` for an
   update. A plan with any error, or any error while writing, imports nothing.

An empty cell never erases what the register holds, so importing the same file twice changes
nothing the second time. Status, cell and key dates of a member already on the roll are not
changed by an import: a difference is shown as a note pointing to the movement pages.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chapter.dates import add_months
from chapter.forms import DateKind, check_date
from chapter.text import fold
from members import checks, services
from members.models import Cell, Chapter, ImportBatch, Member

Status = Member.Status

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100  # cells read per row: the register has 26 columns, exports a few more
MAX_UNZIPPED = 100 * 1024 * 1024  # an .xlsx is a zip: refuse one that would unpack to more
HEADER_SEARCH_ROWS = 20  # exports often carry a title above the header row
LOOKUP_CHUNK = MAX_ROWS  # identifiers per IN (...) query: SQLite ≥ 3.32 takes 32,766
STALE_AFTER = timedelta(days=7)  # unconfirmed uploads are dropped after this
OLDEST_BIRTH = date(1900, 1, 1)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Column kinds: how a cell's text becomes a value.
TEXT, NOTE, CODE, DIGITS, PHONE, DATE, GENDER, STATUS, THEORY, CELL = (
    "text", "note", "code", "digits", "phone", "date", "gender", "status", "theory", "cell",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of the import file. ``header`` and ``guide`` are the Vietnamese of the template
    (data, like the official forms' headings), not interface text."""

    key: str  # a Member field, or "cell", "status", "effective_date"
    header: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    guide: str = ""
    example: str = ""

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header


COLUMNS: tuple[Column, ...] = (
    Column("full_name", "Họ và tên", TEXT, True,
           ("Họ tên", "Họ và tên khai sinh", "Họ và tên đảng viên", "Họ tên đảng viên"),
           "Họ và tên khai sinh, viết có dấu.", "Nguyễn Thị Hồng"),
    Column("other_names", "Tên gọi khác", TEXT, False, ("Bí danh", "Tên khác"),
           "Tên thường gọi hoặc bí danh, nếu có.", ""),
    Column("gender", "Giới tính", GENDER, True, ("Giới",), "Nam hoặc Nữ.", "Nữ"),
    Column("date_of_birth", "Ngày sinh", DATE, True,
           ("Ngày tháng năm sinh", "Sinh ngày", "Ngày, tháng, năm sinh"),
           "Ngày/tháng/năm, ví dụ 05/09/1985 (hoặc ô kiểu ngày của Excel).", "05/09/1985"),
    Column("ethnicity", "Dân tộc", TEXT, False, (), "Để trống: Kinh.", "Kinh"),
    Column("religion", "Tôn giáo", TEXT, False, (), "Để trống: Không.", "Không"),
    Column("hometown", "Quê quán", TEXT, False, (), "", "Xã Tân Lập, tỉnh Thái Nguyên"),
    Column("birthplace", "Nơi sinh", TEXT, False, ("Nơi đăng ký khai sinh",), "",
           "Thành phố Thái Nguyên"),
    Column("citizen_id", "Số CCCD", DIGITS, False,
           ("CCCD", "Căn cước công dân", "Số căn cước công dân", "Số căn cước",
            "Số định danh cá nhân", "Số CCCD/CMND", "CCCD/CMND", "Số CMND/CCCD"),
           "12 chữ số. Định dạng cột là Văn bản (Text) để Excel giữ số 0 ở đầu. "
           "Dùng để nhận ra đảng viên đã có trong sổ.", "019185001234"),
    Column("phone", "Điện thoại", PHONE, False,
           ("Số điện thoại", "SĐT", "Điện thoại di động", "Di động"), "", "0912345678"),
    Column("general_education", "Trình độ phổ thông", TEXT, False,
           ("Giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa"), "", "12/12"),
    Column("qualification", "Chuyên môn", TEXT, False,
           ("Trình độ chuyên môn", "Chuyên môn nghiệp vụ", "Trình độ chuyên môn nghiệp vụ"),
           "", "Cử nhân Kinh tế"),
    Column("political_theory", "Lý luận chính trị", THEORY, False,
           ("Trình độ lý luận chính trị", "LLCT", "Lý luận"),
           "Sơ cấp, Trung cấp, Cao cấp hoặc Cử nhân; để trống nếu chưa có.", "Trung cấp"),
    Column("foreign_language", "Ngoại ngữ", TEXT, False, ("Trình độ ngoại ngữ",), "",
           "Tiếng Anh B1"),
    Column("occupation", "Nghề nghiệp", TEXT, False,
           ("Nghề nghiệp hiện nay", "Nghề nghiệp hiện tại"), "", "Chuyên viên"),
    Column("workplace", "Nơi làm việc", TEXT, False,
           ("Cơ quan", "Đơn vị công tác", "Cơ quan, đơn vị công tác", "Nơi công tác"),
           "", "Ban Quản lý An toàn thực phẩm tỉnh"),
    Column("cell", "Tổ đảng", CELL, False, ("Tổ",),
           "Tên tổ đảng đúng như trong chi bộ; để trống nếu chi bộ không chia tổ.", "Tổ 1"),
    Column("status", "Trạng thái", STATUS, True,
           ("Loại đảng viên", "Tình trạng", "Đảng viên dự bị/chính thức"),
           "Dự bị hoặc Chính thức.", "Chính thức"),
    Column("ceremony_date", "Ngày vào Đảng", DATE, False,
           ("Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày vào đảng"),
           "Ngày lễ kết nạp. Bắt buộc với đảng viên dự bị.", "14/05/2012"),
    Column("official_date", "Ngày chính thức", DATE, False,
           ("Ngày công nhận chính thức", "Ngày chuyển chính thức"),
           "Đúng 12 tháng sau ngày vào Đảng; để trống thì tự tính.", "14/05/2013"),
    Column("admission_decision_number", "Số QĐ kết nạp", CODE, False,
           ("Số quyết định kết nạp",), "", "125-QĐ/ĐUK"),
    Column("admission_decision_date", "Ngày QĐ kết nạp", DATE, False,
           ("Ngày quyết định kết nạp",), "Không sau ngày vào Đảng.", "02/05/2012"),
    Column("card_number", "Số thẻ đảng viên", CODE, False,
           ("Số thẻ Đảng", "Số thẻ", "Số thẻ ĐV"),
           "Chỉ đảng viên chính thức có thẻ. Định dạng cột là Văn bản (Text).", "01234567"),
    Column("dossier_number", "Số lý lịch", CODE, False,
           ("Số lý lịch đảng viên", "Số LLĐV", "Số hồ sơ"), "", "LL-0456"),
    Column("effective_date", "Ngày vào chi bộ", DATE, False,
           ("Ngày sinh hoạt tại chi bộ", "Ngày chuyển đến", "Ngày chuyển đến chi bộ"),
           "Ngày bắt đầu có tên trong sổ của chi bộ này. Để trống: ngày thành lập chi bộ, "
           "hoặc ngày vào Đảng (dự bị) hay ngày chính thức (chính thức) nếu muộn hơn. "
           "Không dùng khi đảng viên đã có trong sổ.", ""),
    Column("note", "Ghi chú", NOTE, False, (), "", ""),
)  # fmt: skip
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
# Headers an export carries that mean nothing to the register: skipped without a notice.
SKIPPED_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")
# Differences the import reports but never writes: they are movements or corrections.
KEY_FIELDS = ("status", "cell", "admission_decision_date", "ceremony_date", "official_date")

GENDERS = {"nam": Member.Gender.MALE, "nu": Member.Gender.FEMALE}
STATUSES = {
    "du bi": Status.PROBATIONARY,
    "dang vien du bi": Status.PROBATIONARY,
    "chinh thuc": Status.OFFICIAL,
    "dang vien chinh thuc": Status.OFFICIAL,
}
THEORIES = {
    "so cap": Member.PoliticalTheory.ELEMENTARY,
    "trung cap": Member.PoliticalTheory.INTERMEDIATE,
    "cao cap": Member.PoliticalTheory.ADVANCED,
    "cu nhan": Member.PoliticalTheory.BACHELOR,
}
NO_THEORY = {"khong", "chua", "chua co", "-"}

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def _header_key(text: Any) -> str:
    """Header to lookup key: "Giới tính* (Nam/Nữ)" and "GIOI TINH" both → "gioi tinh"."""
    text = re.sub(r"\(.*?\)", " ", str(text or ""))
    return fold(text.replace("*", " ").replace(":", " ")).strip(" .")


HEADER_INDEX: dict[str, Column] = {
    _header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)
}
SKIPPED_KEYS = {_header_key(name) for name in SKIPPED_HEADERS}


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported (type, size, encoding, columns)."""


class ImportFailed(Exception):
    """Nothing was imported: the plan has errors, or a service refused a row while writing."""

    def __init__(self, plan: Plan, issues: list[Issue]) -> None:
        super().__init__("; ".join(str(issue) for issue in issues))
        self.plan = plan
        self.issues = issues


# Reading the file ---------------------------------------------------------------------------


@dataclass
class SourceRow:
    number: int  # as the spreadsheet numbers it
    cells: dict[str, Any]  # column key → raw value (text, number, date); empty cells left out


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
    for grid in grids:
        table = _table_from_grid(filename, grid)
        if table is not None:
            return table
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
            rows = _rows(grid, positions)
            return Table(filename=filename, columns=columns, rows=rows, ignored=ignored)
    return None


def _columns(values: tuple, keys: list[str]) -> tuple[dict[int, str], list[Column], list[str]]:
    positions: dict[int, str] = {}
    columns: list[Column] = []
    ignored: list[str] = []
    for index, key in enumerate(keys):
        column = HEADER_INDEX.get(key)
        if column is None:
            if key and key not in SKIPPED_KEYS:
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


def _rows(grid: Iterable[tuple[int, tuple]], positions: dict[int, str]) -> list[SourceRow]:
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
        rows.append(SourceRow(number, cells))
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
        return value.strftime("%d/%m/%Y")
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


# Planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """An error (nothing is imported) or a note (shown, imported anyway) on a row and column."""

    row: int
    column: str | None  # the column's Vietnamese header; None for the whole row
    message: str
    code: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row}
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class RowPlan:
    number: int
    values: dict[str, Any]  # column key → parsed value, empty cells left out
    action: str = CREATE
    member: Member | None = None  # the member on the roll this row matches
    matched_on: str | None = None  # "citizen_id", "card_number" or "full_name"
    effective_date: date | None = None  # create: on the chapter's roll from
    details: dict[str, Any] = field(default_factory=dict)  # create: member_register details
    changes: dict[str, Any] = field(default_factory=dict)  # update: field → new value
    errors: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get("full_name") or (self.member.full_name if self.member else "")

    @property
    def status(self) -> str | None:
        return self.values.get("status")

    @property
    def cell(self) -> Cell | None:
        return self.values.get("cell")

    @property
    def status_label(self) -> str:
        return show("status", self.status) if self.status else ""

    def error(self, key: str | None, message: str, code: str) -> None:
        self.errors.append(Issue(self.number, _column_label(key), message, code))

    def note(self, key: str | None, message: str, code: str) -> None:
        self.notes.append(Issue(self.number, _column_label(key), message, code))

    def change_list(self) -> list[tuple[str, str, str]]:
        """(column, before, after) of an update, as the preview shows it."""
        member = self.member
        return [
            (_column_label(name), show(name, getattr(member, name)), show(name, value))
            for name, value in self.changes.items()
        ]


@dataclass
class Plan:
    chapter: Chapter
    filename: str
    rows: list[RowPlan]
    ignored: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.errors]

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, "errors": 0, "total": len(self.rows)}
        for row in self.rows:
            counts["errors" if row.errors else row.action] += 1
        return counts

    @property
    def to_write(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action in (CREATE, UPDATE)]


def _column_label(key: str | None) -> str | None:
    if key is None:
        return None
    if key in COLUMN_BY_KEY:
        return COLUMN_BY_KEY[key].header
    try:
        return str(Member._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:  # a service may key an error by a form's field name
        return None


def show(name: str, value: Any) -> str:
    """A value as the preview shows it: dd/mm/yyyy, choice labels, "—" for empty."""
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    choices = {"gender": Member.Gender, "political_theory": Member.PoliticalTheory}
    if name in choices:
        return str(choices[name](value).label)
    if name == "status":
        return str(Status(value).label)
    return str(value)


def plan_import(table: Table, chapter: Chapter) -> Plan:
    """What importing ``table`` into ``chapter`` would do, row by row. Writes nothing."""
    cells = {fold(cell.name): cell for cell in Cell.objects.filter(chapter=chapter)}
    rows = [_parse_row(source, cells) for source in table.rows]
    roll = _Roll(chapter, rows)
    _mark_duplicates(rows, "citizen_id", _("The same citizen ID is also on row %(rows)s."))
    _mark_duplicates(rows, "card_number", _("The same party card number is also on row %(rows)s."))
    _mark_duplicates(rows, "person", _("The same name and date of birth are also on row %(rows)s."))
    for row in rows:
        roll.match(row)
        if row.member is None:
            _plan_create(row, chapter, roll)
        else:
            _plan_update(row)
    _mark_same_member(rows)
    return Plan(chapter=chapter, filename=table.filename, rows=rows, ignored=table.ignored)


def _parse_row(source: SourceRow, cells: dict[str, Cell]) -> RowPlan:
    row = RowPlan(number=source.number, values={})
    for key, raw in source.cells.items():
        column = COLUMN_BY_KEY[key]
        try:
            value = _parse(column, raw, cells)
        except _Bad as bad:
            row.error(key, bad.message, bad.code)
            continue
        if value not in (None, ""):
            row.values[key] = value
    for column in COLUMNS:
        failed = any(issue.column == column.header for issue in row.errors)
        if column.required and column.key not in row.values and not failed:
            row.error(column.key, _("This column must be filled in."), "required")
    born = row.values.get("date_of_birth")
    if born and not OLDEST_BIRTH <= born <= add_months(timezone.localdate(), -12 * 18):
        row.error(
            "date_of_birth", _("This date of birth is not plausible for a party member."),
            "implausible",
        )  # fmt: skip
    return row


class _Roll:
    """Members already on record with the file's identifiers, and the chapter's members with
    the file's birth dates (the last-resort match by name): 3 queries."""

    def __init__(self, chapter: Chapter, rows: list[RowPlan]) -> None:
        self.chapter = chapter
        self.by_citizen_id: dict[str, Member] = {}
        self.by_card: dict[str, Member] = {}
        self.by_name: dict[tuple[str, date], list[Member]] = defaultdict(list)
        self.former_citizen_ids: set[str] = set()
        seen: dict[int, Member] = {}  # one object per member, whichever lookup found it
        active = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
        lookups = (
            ("citizen_id", Member.objects.all()),
            ("card_number", active),
            ("date_of_birth", active.filter(chapter=chapter)),
        )
        for name, queryset in lookups:
            wanted = sorted({row.values[name] for row in rows if name in row.values})
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK]
                for member in queryset.filter(**{f"{name}__in": chunk}).select_related("cell"):
                    self._add(seen.setdefault(member.pk, member), name)

    def _add(self, member: Member, name: str) -> None:
        if name == "date_of_birth":
            self.by_name[(fold(member.full_name), member.date_of_birth)].append(member)
        elif not member.is_active:
            if member.chapter_id == self.chapter.pk:
                self.former_citizen_ids.add(member.citizen_id)
        elif name == "citizen_id":
            self.by_citizen_id[member.citizen_id] = member
        else:
            self.by_card[member.card_number] = member

    def match(self, row: RowPlan) -> None:
        """Citizen ID first, then card number, among this chapter's members on the roll; an
        identifier held by any other member on the roll is an error (one active member each).
        A row neither finds is matched on name and date of birth to a member with no other
        citizen ID or card on record, so a register typed in by hand is not doubled."""
        values = row.values
        by_id = self.by_citizen_id.get(values.get("citizen_id"))
        by_card = self.by_card.get(values.get("card_number"))
        here = [
            (name, m)
            for name, m in (("citizen_id", by_id), ("card_number", by_card))
            if m is not None and m.chapter_id == self.chapter.pk
        ]
        row.matched_on, row.member = here[0] if here else (None, None)
        if by_id is not None and by_id != row.member:
            row.error(
                "citizen_id", _("Another member on the roll already has this citizen ID."),
                "duplicate_on_roll",
            )  # fmt: skip
        if by_card is not None and by_card != row.member:
            row.error(
                "card_number", _("Another member on the roll already has this party card number."),
                "duplicate_on_roll",
            )  # fmt: skip
        if row.member is None and by_id is None and by_card is None:
            row.member = self._by_name(row)
            row.matched_on = "full_name" if row.member else None

    def _by_name(self, row: RowPlan) -> Member | None:
        key = (fold(row.values.get("full_name", "")), row.values.get("date_of_birth"))
        candidates = [
            member
            for member in self.by_name.get(key, ())
            if all(
                not getattr(member, name) or name not in row.values
                for name in ("citizen_id", "card_number")
            )
        ]
        if len(candidates) > 1:
            row.error(
                None,
                _("Several members on the register have this name and date of birth: add the "
                  "citizen ID to tell them apart."),
                "ambiguous",
            )  # fmt: skip
        return candidates[0] if len(candidates) == 1 else None


def _mark_duplicates(rows: list[RowPlan], name: str, message: str) -> None:
    """Rows sharing a value of ``name``; "person" is name and date of birth, for the rows
    without a citizen ID or card number (nothing else tells two such rows apart)."""
    groups: dict[Any, list[RowPlan]] = defaultdict(list)
    for row in rows:
        key = _person(row) if name == "person" else row.values.get(name)
        if key is not None:
            groups[key].append(row)
    for group in groups.values():
        for row in group if len(group) > 1 else ():
            others = ", ".join(str(other.number) for other in group if other is not row)
            column = "full_name" if name == "person" else name
            row.error(column, message % {"rows": others}, "duplicate_in_file")


def _person(row: RowPlan) -> tuple[str, date] | None:
    values = row.values
    if "citizen_id" in values or "card_number" in values or "date_of_birth" not in values:
        return None
    return fold(values.get("full_name", "")), values["date_of_birth"]


def _mark_same_member(rows: list[RowPlan]) -> None:
    first: dict[int, RowPlan] = {}
    for row in rows:
        if row.member is None:
            continue
        earlier = first.setdefault(row.member.pk, row)
        if earlier is not row:
            row.error(
                None,
                _("This row and row %(row)d are the same member on the register.")
                % {"row": earlier.number},
                "same_member",
            )


def _plan_create(row: RowPlan, chapter: Chapter, roll: _Roll) -> None:
    """A new member on the roll: the checks ``member_register`` makes, on an unsaved row."""
    row.action = CREATE
    if row.values.get("citizen_id") in roll.former_citizen_ids:
        row.note(
            "citizen_id",
            _("A former member of this chapter has this citizen ID: someone coming back is "
              "received with “Transfer in” instead."),
            "former_member",
        )  # fmt: skip
    if any(column.required and column.key not in row.values for column in COLUMNS):
        return  # the rules below need a name, sex, birth date and status
    names = set(services.DETAIL_FIELDS) | set(services.KEY_DATE_FIELDS)
    row.details = {key: value for key, value in row.values.items() if key in names}
    member = Member(chapter=chapter, cell=row.cell, **row.details)
    if member.ceremony_date and not member.official_date:
        member.official_date = Member.official_date_for(member.ceremony_date)
    member.status = row.status
    row.effective_date = row.values.get("effective_date") or _default_day(chapter, member)
    # The services' own checks (members.checks), run before anything is written.
    row_checks = (
        lambda: checks.check_day(chapter, row.effective_date),
        lambda: checks.validate_fields(member),
        lambda: checks.check_key_dates(member),
        lambda: checks.check_on_the_roll_date(member, member.status, row.effective_date),
    )
    for check in row_checks:
        _run(check, row)


def _default_day(chapter: Chapter, member: Member) -> date:
    """On the roll from the founding, or from the day the member had this status if later."""
    since = member.ceremony_date if member.status == Status.PROBATIONARY else member.official_date
    return max(chapter.founded_on, since) if since else chapter.founded_on


def _plan_update(row: RowPlan) -> None:
    """A member already on the roll: the detail fields that differ, through the checks
    ``member_update_details`` makes; status, cell and key dates only reported."""
    member = row.member
    _check_same_person(row, member)
    row.changes = {
        key: value
        for key, value in row.values.items()
        if key in services.DETAIL_FIELDS and getattr(member, key) != value
    }
    row.action = UPDATE if row.changes else UNCHANGED
    _note_key_differences(row, member)
    if row.changes:
        changed = copy.copy(member)
        for key, value in row.changes.items():
            setattr(changed, key, value)
        _run(lambda: checks.validate_fields(changed), row)
        _run(lambda: checks.check_key_dates(changed), row)


def _check_same_person(row: RowPlan, member: Member) -> None:
    """Another name and another birth date behind the same identifier: a mistyped number far
    more often than one member's new identity; refused rather than overwriting that member."""
    name, born = row.values.get("full_name"), row.values.get("date_of_birth")
    if name and born and fold(name) != fold(member.full_name) and born != member.date_of_birth:
        row.error(
            row.matched_on,
            _("On the register this number belongs to %(name)s, born %(born)s: check it.")
            % {"name": member.full_name, "born": member.date_of_birth.strftime("%d/%m/%Y")},
            "other_person",
        )


def _note_key_differences(row: RowPlan, member: Member) -> None:
    for key in KEY_FIELDS:
        if key not in row.values or row.values[key] == getattr(member, key):
            continue
        current = show(key, getattr(member, key))
        if key == "status":
            message = _("The register says “%(current)s”: an import does not change the "
                        "status; record the movement on the member's page.")  # fmt: skip
        elif key == "cell" and member.cell is None:
            message = _("The member is in no cell: an import does not move members; use "
                        "“Move to another cell” on the member's page.")  # fmt: skip
        elif key == "cell":
            message = _("The member is in “%(current)s”: an import does not move members; use "
                        "“Move to another cell” on the member's page.")  # fmt: skip
        elif getattr(member, key) is None:
            message = _("The register has no date here: an import does not add key dates; "
                        "use “Correct a key date” on the member's page.")  # fmt: skip
        else:
            message = _("The register has %(current)s: an import does not change key dates; "
                        "use “Correct a key date” on the member's page.")  # fmt: skip
        row.note(key, message % {"current": current}, "not_changed_by_import")


# Codes of the services' errors that have no field but belong to the joining date.
_DAY_CODES = {"future_date", "before_founding"}


def _run(check, row: RowPlan) -> None:
    """Run one of the services' checks; a column already in error keeps its first error (a bad
    ceremony date is not also reported as a missing one)."""
    try:
        check()
    except ValidationError as error:
        failed = {issue.column for issue in row.errors}
        for key, message, code in _service_errors(error):
            if key is None or _column_label(key) not in failed:
                row.error(key, message, code)


def _service_errors(error: ValidationError) -> Iterator[tuple[str | None, str, str]]:
    """(field, message, code) of a service's ValidationError, dict or list."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                key = None if name == "__all__" else name
                yield key, " ".join(item.messages), item.code or "invalid"
        return
    for item in error.error_list:
        code = item.code or "invalid"
        yield ("effective_date" if code in _DAY_CODES else None), " ".join(item.messages), code


# Writing ------------------------------------------------------------------------------------


def apply_plan(plan: Plan, *, actor) -> dict[str, int]:
    """Write every create and update of a plan without errors, in one transaction, through the
    services; ``ImportFailed`` (and nothing written) otherwise. Returns the plan's counts.

    Cost: the services' own queries per written row (about 7 for a create, 4 for an update);
    unchanged rows cost nothing."""
    if not plan.ok:
        raise ImportFailed(plan, plan.errors)
    with transaction.atomic():
        for row in plan.to_write:
            try:
                _write(row, plan, actor)
            except ValidationError as error:
                issues = [
                    Issue(row.number, _column_label(key), message, code)
                    for key, message, code in _service_errors(error)
                ]
                raise ImportFailed(plan, issues) from error
    return plan.counts()


def _write(row: RowPlan, plan: Plan, actor) -> None:
    source = _("Imported from %(file)s, row %(row)d") % {"file": plan.filename, "row": row.number}
    if row.action == CREATE:
        services.member_register(
            chapter=plan.chapter,
            cell=row.cell,
            actor=actor,
            effective_date=row.effective_date,
            status=row.status,
            details=row.details,
            note=source,
            imported=True,
        )
    else:
        services.member_update_details(
            member_id=row.member.pk,
            actor=actor,
            changes=row.changes,
            reason=services.history_reason(source),
        )


def import_table(table: Table, *, chapter: Chapter, actor) -> Plan:
    """Plan and apply in one transaction, so the plan is the register's state when writing."""
    with transaction.atomic():
        plan = plan_import(table, chapter)
        apply_plan(plan, actor=actor)
    return plan


# Uploaded files kept between preview and confirmation ------------------------------------------


def batch_create(*, chapter: Chapter, actor, filename: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file for its preview (the caller has checked ``read_table`` accepts
    it); drops the unconfirmed uploads older than ``STALE_AFTER``."""
    stale = timezone.now() - STALE_AFTER
    ImportBatch.objects.filter(status=ImportBatch.Status.PENDING, created_at__lt=stale).delete()
    return ImportBatch.objects.create(
        chapter=chapter,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        filename=filename[:255],
        content=content,
    )


def batch_plan(batch: ImportBatch) -> Plan:
    return plan_import(read_table(batch.filename, bytes(batch.content)), batch.chapter)


def batch_import(*, batch_id: int, actor) -> Plan | None:
    """Import a kept file (locked: a second click finds it imported and returns None). Marks the
    batch imported and drops its content; ``ImportFailed`` rolls everything back."""
    with transaction.atomic():
        batches = ImportBatch.objects.select_for_update(of=("self",)).select_related("chapter")
        batch = batches.get(pk=batch_id)
        if batch.status != ImportBatch.Status.PENDING:
            return None
        table = read_table(batch.filename, bytes(batch.content))
        plan = import_table(table, chapter=batch.chapter, actor=actor)
        batch.status = ImportBatch.Status.IMPORTED
        batch.summary = plan.counts()
        batch.content = b""
        batch.imported_at = timezone.now()
        batch.save(update_fields=["status", "summary", "content", "imported_at", "updated_at"])
    return plan


def summary_text(counts: dict[str, int]) -> str:
    """The counts as "3 created, 1 updated, 10 unchanged" (messages, the command's output)."""
    return ", ".join(
        (
            ngettext("%(n)d created", "%(n)d created", counts[CREATE]) % {"n": counts[CREATE]},
            ngettext("%(n)d updated", "%(n)d updated", counts[UPDATE]) % {"n": counts[UPDATE]},
            ngettext("%(n)d unchanged", "%(n)d unchanged", counts[UNCHANGED])
            % {"n": counts[UNCHANGED]},
        )
    )


# The template -------------------------------------------------------------------------------

TEMPLATE_SHEET = "Danh sách đảng viên"
GUIDE_SHEET = "Hướng dẫn"


def template_workbook() -> bytes:
    """The .xlsx to fill in: the headers (dates as dates, identifiers as text), and a guide
    sheet explaining each column with one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from chapter.xlsx import append_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    append_row(sheet, [column.template_header for column in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FDE68A")
    lists = {GENDER: '"Nam,Nữ"', STATUS: '"Dự bị,Chính thức"',
             THEORY: '"Sơ cấp,Trung cấp,Cao cấp,Cử nhân"'}  # fmt: skip
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font, header.fill = bold, fill
        header.alignment = Alignment(wrap_text=True, vertical="top")
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, len(column.template_header) + 4)
        dimension.number_format = "DD/MM/YYYY" if column.kind == DATE else "@"
        if column.kind in lists:
            validation = DataValidation(type="list", formula1=lists[column.kind], allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.freeze_panes = "B2"
    _guide_sheet(workbook.create_sheet(GUIDE_SHEET), bold, fill)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guide_sheet(sheet, bold, fill) -> None:
    from openpyxl.styles import Alignment

    from chapter.xlsx import append_row

    append_row(sheet, ["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for column in COLUMNS:
        append_row(
            sheet, [column.header, "Có" if column.required else "", column.guide, column.example]
        )
    append_row(sheet, [])
    append_row(sheet,
        ["Ngày ghi dd/mm/yyyy. Ô để trống không xóa dữ liệu đã có. Đảng viên đã có trong sổ "
         "được nhận ra theo số CCCD, rồi theo số thẻ đảng viên: chỉ cập nhật thông tin cá nhân; "
         "trạng thái, tổ đảng và các ngày vào Đảng thay đổi bằng biến động trên trang đảng viên."]
    )  # fmt: skip
    append_row(sheet, [])
    append_row(sheet, ["Dòng ví dụ (trang “Danh sách đảng viên” dùng đúng các cột này):"])
    append_row(sheet, [column.template_header for column in COLUMNS])
    append_row(sheet, [column.example for column in COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for row in sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 10, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width
