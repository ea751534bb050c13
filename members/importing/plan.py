"""Planning an import: writes nothing. Each row becomes a create, an update (the detail fields
that differ) or unchanged, with its errors by column; the rules are ``members.checks``, the
services' own, run on unsaved rows."""

from __future__ import annotations

import copy
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from chapter.dates import OLDEST_BIRTH, add_months, format_date
from chapter.text import fold
from members import checks, services
from members.importing.columns import (
    CHAPTER_HEADER,
    COLUMN_BY_KEY,
    COLUMNS,
    CREATE,
    KEY_FIELDS,
    NOTE,
    UNCHANGED,
    UPDATE,
)
from members.importing.read import MAX_ROWS, SourceRow, Table, _Bad, _parse
from members.models import Cell, Chapter, Member

Status = Member.Status

LOOKUP_CHUNK = MAX_ROWS  # identifiers per IN (...) query: SQLite ≥ 3.32 takes 32,766


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
        self.errors.append(Issue(self.number, column_label(key), message, code))

    def note(self, key: str | None, message: str, code: str) -> None:
        self.notes.append(Issue(self.number, column_label(key), message, code))

    def change_list(self) -> list[tuple[str, str, str]]:
        """(column, before, after) of an update, as the preview shows it."""
        member = self.member
        return [
            (column_label(name), show(name, getattr(member, name)), show(name, value))
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


def column_label(key: str | None) -> str | None:
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
        return format_date(value)
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
    for source, row in zip(table.rows, rows, strict=True):
        _check_chapter(source, row, chapter)
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
    if born and not OLDEST_BIRTH <= born <= add_months(
        timezone.localdate(), -checks.min_age_months(timezone.localdate())
    ):
        row.error(
            "date_of_birth", _("This date of birth is not plausible for a party member."),
            "implausible",
        )  # fmt: skip
    return row


def _chapter_key(name: str) -> str:
    key = fold(name)
    return key.removeprefix("chi bo ").strip()


def _check_chapter(source: SourceRow, row: RowPlan, chapter: Chapter) -> None:
    """A row of the register's export names its chapter: one exported from another chapter
    (a committee's register holds several) is not imported into this one."""
    if source.chapter and _chapter_key(source.chapter) != _chapter_key(chapter.name):
        row.error(
            None,
            _("This row is a member of “%(other)s”, not of “%(chapter)s”: import it into its "
              "own chapter, or empty the “%(column)s” column.")
            % {"other": source.chapter, "chapter": chapter.name, "column": CHAPTER_HEADER},
            "other_chapter",
        )  # fmt: skip


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
        if key in services.DETAIL_FIELDS and not _same(key, getattr(member, key), value)
    }
    row.action = UPDATE if row.changes else UNCHANGED
    _note_key_differences(row, member)
    if row.changes:
        changed = copy.copy(member)
        for key, value in row.changes.items():
            setattr(changed, key, value)
        _run(lambda: checks.validate_fields(changed), row)
        _run(lambda: checks.check_key_dates(changed), row)


def _same(key: str, stored: Any, value: Any) -> bool:
    """Whether the file's value is what the register holds, once the register's text is read
    the way the import reads a cell: a note typed in the browser (CRLF line ends) or a stray
    double space is not a change, so the register's own export goes back unchanged."""
    if stored == value:
        return True
    if not isinstance(stored, str) or not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFC", stored)
    if COLUMN_BY_KEY[key].kind == NOTE:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip() == value
    return " ".join(text.split()) == value


def _check_same_person(row: RowPlan, member: Member) -> None:
    """Another name and another birth date behind the same identifier: a mistyped number far
    more often than one member's new identity; refused rather than overwriting that member."""
    name, born = row.values.get("full_name"), row.values.get("date_of_birth")
    if name and born and fold(name) != fold(member.full_name) and born != member.date_of_birth:
        row.error(
            row.matched_on,
            _("On the register this number belongs to %(name)s, born %(born)s: check it.")
            % {"name": member.full_name, "born": format_date(member.date_of_birth)},
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
        for key, message, code in service_errors(error):
            if key is None or column_label(key) not in failed:
                row.error(key, message, code)


def service_errors(error: ValidationError) -> Iterator[tuple[str | None, str, str]]:
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
