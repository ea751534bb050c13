"""Excel downloads: the report's figures and the member register (7-HSĐV, DOMAIN.md §7).

The register workbook has two sheets written in one pass over the members: the book in the
7-HSĐV columns, and the list of the members on the roll in the import's own columns and headings
(``members.importing``, sheet "Danh sách đảng viên"), which the import reads back unchanged:
uploading the downloaded file plans no change.

Workbooks are built with openpyxl in write-only mode into a temporary file (kept in memory up
to a few megabytes, then on disk) and streamed back with ``FileResponse``. The register reads
members ``.iterator(chunk_size=500)`` with their movements prefetched per chunk, so memory stays
bounded however many thousands of members a committee has. Headers are in the user's language;
dates are real dates shown dd/mm/yyyy. Text is always written as text, never as a formula
(``chapter.xlsx``): a name typed as ``=HYPERLINK(…)`` stays those characters.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from operator import attrgetter

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import FileResponse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chapter.xlsx import safe_value, text_cell
from chapter.xlsx_stream import TEXT_FORMAT as TEXT_FORMAT_STYLE
from chapter.xlsx_stream import Styled
from members.importing import COLUMNS as IMPORT_COLUMNS
from members.importing import TEMPLATE_SHEET
from members.importing.columns import (
    CHAPTER_HEADER,
    CODE,
    DIGITS,
    PARTY_AGE_HEADER,
    PHONE,
    RATING_HEADER,
)
from members.models import ALL_CHAPTERS, Cell, Chapter, Member, MemberEvent
from members.models.party_age import describe as describe_party_age
from members.models.scopes import as_they_left, was_official
from ratings.models import AnnualRating, Level
from ratings.queries import register_rating_year
from reports import queries
from reports.queries import Period, Snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
CHUNK = 500
IN_MEMORY = 8 * 1024 * 1024  # bytes kept in memory before the temporary file spills to disk

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
WRAP = Alignment(wrap_text=True, vertical="top")
INDENT = Alignment(indent=2)

Kind = MemberEvent.Kind
Status = Member.Status
LEAVING_KINDS = (Kind.REMOVED_FROM_PROBATIONARY_LIST, Kind.REMOVED, Kind.EXPELLED, Kind.LEFT)
REGISTER_KINDS = (Kind.TRANSFERRED_OUT, Kind.TRANSFERRED_IN, Kind.DECEASED, *LEAVING_KINDS)


# Cells and files ---------------------------------------------------------------------------


def _cell(ws: Worksheet, value, *, font: Font | None = None, fill=None, wrap: bool = False):
    cell = text_cell(ws, value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = WRAP
    return cell


def _header_row(ws: Worksheet, labels: Iterable[str]) -> list:
    return [_cell(ws, label, font=BOLD, fill=HEADER_FILL, wrap=True) for label in labels]


def _response(workbook: Workbook, filename: str) -> FileResponse:
    """Save into a temporary file and stream it; the file goes when the response is closed."""
    handle = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - closed by the response
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def _widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


# Figures -------------------------------------------------------------------------------------


def figures_response(
    *, scope_label: str, snapshot: Snapshot, period: Period, opening: int, closing: int
) -> FileResponse:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Figures"))
    _widths(ws, (46, 14, 12))
    for row in _figure_rows(ws, scope_label, snapshot, period, opening, closing):
        ws.append(row)
    return _response(workbook, f"so-lieu-dang-vien-{snapshot.day.isoformat()}.xlsx")


def _figure_rows(ws, scope_label, snapshot: Snapshot, period: Period, opening, closing):
    yield [_cell(ws, _("Party member figures"), font=TITLE)]
    yield [_cell(ws, scope_label, font=BOLD)]
    yield []
    yield [_cell(ws, _("On the roll as of"), font=BOLD), _cell(ws, snapshot.day, font=BOLD)]
    yield _header_row(ws, (_("Figure"), _("Members"), _("Share")))
    total = snapshot.on_roll
    for figure, (label, _condition) in queries.ROLL_FIGURES.items():
        yield [
            _cell(ws, str(label)),
            snapshot.counts[figure],
            _share(ws, snapshot.counts[figure], total),
        ]
    for breakdown in snapshot.breakdowns:
        yield []
        yield [_cell(ws, breakdown.title, font=BOLD)]
        for row in breakdown.rows:
            yield [_cell(ws, row.label), row.count, _share(ws, row.count, total)]
    yield []
    yield [
        _cell(ws, _("Movements in the period, from / to"), font=BOLD),
        _cell(ws, period.start, font=BOLD),
        _cell(ws, period.end, font=BOLD),
    ]
    yield _header_row(ws, (_("Figure"), _("People"), ""))
    yield [_cell(ws, _("On the roll at the start of the period")), opening]
    for figure, (label, kinds) in queries.PERIOD_FIGURES.items():
        cell = _cell(ws, str(label))
        if figure != "other_exits" and set(kinds) <= set(queries.EXIT_KINDS):
            cell.alignment = INDENT  # one kind of "other exits"
        yield [cell, period.counts[figure]]
    yield [_cell(ws, _("On the roll at the end of the period")), closing]


def _share(ws, count: int, total: int):
    cell = WriteOnlyCell(ws, value=count / total if total else 0)
    cell.number_format = PERCENT_FORMAT
    return cell


# The register (7-HSĐV) ------------------------------------------------------------------------


EVENTS = "register_events"


def register_members(scope: QuerySet[Member], day: date) -> Iterator[Member]:
    """On the roll on ``day``, and those who left the roll between 1 January of that year and
    ``day`` (so the year's exits are in the book), with their movements up to ``day``, in the
    book's order (chapter, then name), read ``CHUNK`` at a time. The year's exits include those
    another chapter of the system has accepted since (``gone_elsewhere``)."""
    year_start = date(day.year, 1, 1)
    left = (
        MemberEvent.objects.standing()
        .filter(
            effective_date__range=(year_start, day),
            kind__in=MemberEvent.LEAVING_KINDS,
        )
        .values("member")
    )
    held = scope.held_on(day)  # the records the scope's chapters held that day
    cell_name = Cell.objects.filter(pk=OuterRef("cell_on_id")).values("name")[:1]
    # Under the chapter whose ledger held the record that day, not the one holding it now.
    chapter_name = Chapter.objects.filter(pk=OuterRef("chapter_on_id")).values("name")[:1]
    members = (
        held.filter(Q(status_on__in=Member.ACTIVE_STATUSES) | Q(pk__in=left))
        .annotate(
            cell_on_name=Subquery(cell_name),
            chapter_name=Subquery(chapter_name),
            rating_level=Subquery(_rating(day)),
        )
        .prefetch_related(Prefetch("events", queryset=_register_events(day), to_attr=EVENTS))
        .order_by("chapter_name", "sort_key", "pk")
        .iterator(chunk_size=CHUNK)
    )
    chapters = scope.chapters  # none, or every chapter: no one leaves the scope for another
    named = chapters is not None and chapters is not ALL_CHAPTERS
    gone = gone_elsewhere(chapters, year_start, day) if named else []
    if not gone:
        return members
    order = attrgetter("chapter_name", "sort_key", "pk")
    return in_book_order([members], gone, order=order, chapters=chapters)


def _rating(day: date) -> QuerySet:
    return AnnualRating.objects.filter(
        member=OuterRef("pk"), year=register_rating_year(day)
    ).values("level")[:1]


def _register_events(day: date) -> QuerySet[MemberEvent]:
    """The register's movements, and every status change (party age reads them, R16)."""
    return (
        MemberEvent.objects.standing()
        .filter(Q(kind__in=REGISTER_KINDS) | Q(status__isnull=False), effective_date__lte=day)
        .order_by("effective_date", "id")
    )


def gone_elsewhere(chapters, start: date, day: date) -> list[Member]:
    """The members who left the roll of ``chapters`` from ``start`` to ``day`` for another
    chapter of the system, which has accepted them (``members.models.scopes.departures``), as
    those chapters' ledgers last had them: their state, cell and movements up to the exit (as
    for a member who left for outside the system), under the chapter they left
    (``chapter_name``). ``chapters``: as ``departures`` takes them. One query, one or two more
    when there are some."""
    members = as_they_left(
        MemberEvent.objects.standing().select_related("cell", "chapter"),
        chapters,
        start,
        day,
        members=Member.objects.annotate(rating_level=Subquery(_rating(day))),
    )
    for member in members:
        entries = member.left_entries
        cells = [entry for entry in entries if entry.kind in MemberEvent.CELL_KINDS]
        member.cell_on_name = cells[-1].cell.name if cells and cells[-1].cell else None
        member.chapter_name = entries[-1].chapter.name
        setattr(member, EVENTS, [e for e in entries if e.kind in REGISTER_KINDS or e.status])
    return members


def in_book_order(ordered: list[Iterable], loose: list, *, order, chapters=None) -> Iterator:
    """The rows of ``ordered`` (each in the book's order: ``order(row)`` gives the chapter's
    name, sorted as the database sorts it, then the sort key and pk) and of ``loose`` (a few,
    in any order) merged in that order, read lazily. The names of ``chapters`` (ids or a
    queryset; every chapter when None) are ranked by the database (its collation): one
    query."""
    names = Chapter.objects.order_by("name").values_list("name", flat=True)
    if chapters is not None:
        names = names.filter(pk__in=chapters)
    ranks: dict[str, int] = {}
    for name in names:
        ranks.setdefault(name, len(ranks))

    def keyed(row):
        name, *rest = order(row)
        return (ranks.get(name, -1), *rest), row

    streams = [map(keyed, rows) for rows in ordered]
    streams.append(sorted(map(keyed, loose), key=_first))
    return (row for _key, row in heapq.merge(*streams, key=_first))


def _first(pair: tuple):
    return pair[0]


def register_headers(day: date | None = None) -> list[str]:
    """The 7-HSĐV columns, one spreadsheet column per item, numbered as in the book; with
    ``day``, the party age on that day (R16), then the yearly rating of the year before it
    (``register_rating_year``) last."""
    columns = [
        (1, _("No.")),
        (2, _("Full name")),
        (2, _("Birth name / other names")),
        (3, _("Sex")),
        (3, _("Ethnicity")),
        (3, _("Religion")),
        (4, _("Home town")),
        (5, _("General education")),
        (5, _("Political theory")),
        (5, _("Profession")),
        (5, _("Foreign language")),
        (6, _("Occupation before joining")),
        (6, _("Occupation now")),
        (7, _("Date of joining")),
        (7, _("Official date")),
        (8, _("Party card number")),
        (8, _("Dossier number")),
        (8, _("Badge number")),
        (9, _("Army / police / retired")),
        (10, _("Transferred out on")),
        (10, _("Transferred out to")),
        (11, _("Transferred in on")),
        (11, _("Transferred in from")),
        (12, _("Date of death")),
        (13, _("Left the roll on")),
        (13, _("Form of leaving")),
        (13, _("Reason")),
        (14, _("Notes")),
    ]
    extra = [_("Status on the day"), _("Cell"), _("Chapter")]
    if day is not None:
        extra.append(_("Party age on the day"))
        extra.append(_("Rating for %(year)d") % {"year": register_rating_year(day)})
    return [f"({number}) {label}" for number, label in columns] + extra


REGISTER_WIDTHS = (
    6, 26, 18, 8, 10, 10, 18, 10, 14, 20, 12, 18, 18, 12, 12, 12, 12, 12, 12,
    12, 24, 12, 24, 12, 12, 22, 28, 28, 18, 18, 26, 24, 18,
)  # fmt: skip


def register_filename(day: date) -> str:
    return f"so-danh-sach-dang-vien-{day.isoformat()}.xlsx"


def register_response(scope: QuerySet[Member], day: date, *, scope_label: str) -> FileResponse:
    """The book (first sheet) and the list to import (second), filled in one pass."""
    return _response(register_workbook(scope, day, scope_label=scope_label), register_filename(day))


def register_workbook(
    scope: QuerySet[Member], day: date, *, scope_label: str, progress=None
) -> Workbook:
    """The register's workbook, written (not yet saved): members are read ``CHUNK`` at a time
    with their movements prefetched per chunk (a fixed number of queries per chunk), and
    ``progress(rows)`` is called after each chunk (``reports.tasks``: the job's progress)."""
    workbook = Workbook(write_only=True)
    ws = _book_sheet(workbook, day, scope_label)
    listing = _list_sheet(workbook, day)
    members = register_members(scope, day)
    listed = number = 0
    active = Member.ACTIVE_STATUSES
    for number, member in enumerate(members, start=1):
        ws.append(register_row(ws, number, member, day))
        if member.status_on in active:
            listed += 1
            listing.append(list_row(listing, listed, member, day))
        if progress is not None and number % CHUNK == 0:
            progress(number)
    if progress is not None:
        progress(number)
    return workbook


def book_note() -> str:
    return _(
        "Members on the roll on this day, and those who left the roll from 1 January "
        "of the same year to this day."
    )


def _book_sheet(workbook: Workbook, day: date, scope_label: str) -> Worksheet:
    ws = workbook.create_sheet(_("Register"))
    _widths(ws, REGISTER_WIDTHS)
    ws.freeze_panes = "C6"
    ws.print_title_rows = "5:5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3
    ws.append([_cell(ws, _("Member register (7-HSĐV)"), font=TITLE)])
    ws.append([_cell(ws, scope_label, font=BOLD)])
    ws.append([_cell(ws, _("As of"), font=BOLD), _cell(ws, day, font=BOLD)])
    ws.append([_cell(ws, book_note())])
    ws.append(_header_row(ws, register_headers(day)))
    return ws


def _latest(events, kinds) -> MemberEvent | None:
    found = [event for event in events if event.kind in kinds]
    return found[-1] if found else None


def register_values(number: int, member: Member, day: date) -> list:
    """One member's row of the book as plain values (dates, numbers, text; "" for empty)."""
    labels = _labels(get_language())
    events = member.register_events
    age = member.party_age(day, events=[event for event in events if event.status])
    out = _latest(events, (Kind.TRANSFERRED_OUT,))
    came = _latest(events, (Kind.TRANSFERRED_IN,))
    death = _latest(events, (Kind.DECEASED,))
    leaving = _latest(events, LEAVING_KINDS)
    # The official date belongs in the book only once the member was official that day (for
    # one who has left: official when they left).
    official = member.official_date
    if official and (official > day or not was_official(events)):
        official = None
    values = [
        number,
        member.full_name,
        member.other_names,
        _label(labels["gender"], member.gender),
        member.ethnicity,
        member.religion,
        member.hometown,
        member.general_education,
        _label(labels["theory"], member.political_theory) if member.political_theory else "",
        member.qualification,
        member.foreign_language,
        member.occupation_before,
        member.occupation,
        member.ceremony_date,
        official,
        member.card_number,
        member.dossier_number,
        member.badge_number,
        _label(labels["service"], member.service) if member.service else "",
        out.effective_date if out else None,
        out.counterpart if out else "",
        came.effective_date if came else None,
        came.counterpart if came else "",
        death.effective_date if death else None,
        leaving.effective_date if leaving else None,
        _label(labels["kind"], leaving.kind) if leaving else "",
        leaving.note if leaving else "",
        member.note,
        labels["status"][member.status_on] if member.status_on else "",
        member.cell_on_name or "",
        _chapter_name(member),
        # Party age (R16): the member's one answer, from the entries loaded above.
        _party_age(labels, age.months if age else None),
        labels["level"][member.rating_level] if member.rating_level else "",
    ]
    return values


@lru_cache(maxsize=4)
def _labels(language: str | None) -> dict:
    """The choices' labels in ``language``, capitalised as the book shows them (a dict lookup
    per cell instead of ``get_FOO_display``, which costs a third of a large register's time)."""

    def table(choices) -> dict:
        return {value: capfirst(str(label)) for value, label in choices}

    field = Member._meta.get_field
    return {
        "gender": table(field("gender").choices),
        "theory": table(field("political_theory").choices),
        "service": table(field("service").choices),
        "kind": table(Kind.choices),
        "status": table(Status.choices),
        "level": {value: str(label) for value, label in Level.choices},
        "party_age": {},  # months -> text, filled as met
    }


def _chapter_name(member: Member) -> str:
    name = getattr(member, "chapter_name", None)  # annotated: the chapter that held it that day
    return name if name is not None else member.chapter.name


def _label(table: dict, value) -> str:
    found = table.get(value)
    return found if found is not None else capfirst(str(value))


def _party_age(labels: dict, months: int | None) -> str:
    cache = labels["party_age"]
    if months not in cache:
        cache[months] = describe_party_age(months)
    return cache[months]


def register_row(ws, number: int, member: Member, day: date) -> list:
    # Empty values stay unwritten: a third fewer cells to serialise in a typical register.
    return [
        _cell(ws, value)
        if isinstance(value, date)
        else (None if value == "" else safe_value(ws, value))
        for value in register_values(number, member, day)
    ]


# The list to import (members.importing's columns) ----------------------------------------------

ENTRY_KINDS = (Kind.REGISTERED, Kind.IMPORTED, Kind.ADMITTED, Kind.READMITTED, Kind.TRANSFERRED_IN)
GENDER_WORDS = {Member.Gender.MALE: "Nam", Member.Gender.FEMALE: "Nữ"}
STATUS_WORDS = {Status.PROBATIONARY: "Dự bị", Status.OFFICIAL: "Chính thức"}
THEORY_WORDS = {
    Member.PoliticalTheory.ELEMENTARY: "Sơ cấp",
    Member.PoliticalTheory.INTERMEDIATE: "Trung cấp",
    Member.PoliticalTheory.ADVANCED: "Cao cấp",
    Member.PoliticalTheory.BACHELOR: "Cử nhân",
}
TEXT_FORMAT = "@"  # identifiers: Excel keeps their leading zeros when the cell is edited


def list_headers(day: date) -> list[str]:
    """The import template's headings (Vietnamese, as the template writes them), then what the
    import skips: the chapter, the party age and the yearly rating (``register_rating_year``)."""
    rating = RATING_HEADER % {"year": register_rating_year(day)}
    return ["STT", *(column.template_header for column in IMPORT_COLUMNS),
            CHAPTER_HEADER, PARTY_AGE_HEADER, rating]  # fmt: skip


def _list_sheet(workbook: Workbook, day: date) -> Worksheet:
    """The members on the roll on ``day`` under the import's headers, the header in row 1."""
    ws = workbook.create_sheet(TEMPLATE_SHEET)
    widths = [6] + [max(12, len(c.template_header) + 4) for c in IMPORT_COLUMNS] + [26, 16, 16]
    _widths(ws, widths)
    ws.freeze_panes = "C2"
    ws.append(_header_row(ws, list_headers(day)))
    return ws


def _entry_date(events) -> date | None:
    """The day the member came on this chapter's roll, as "Ngày vào chi bộ" asks."""
    entry = _latest(events, ENTRY_KINDS)
    return entry.effective_date if entry else None


def list_values(number: int, member: Member, day: date) -> list:
    """One member in the import's columns: what the import reads back as this very member.
    Status and cell are the ledger's on the day (``as_of``); the rest is the register's.
    Identifiers are ``Styled(text, TEXT_FORMAT)``: text cells that stay text when edited."""
    labels = _labels(get_language())
    events = member.register_events
    ledger = ("status", "cell", "effective_date")  # as on the day, not the row's (no query)
    values = {
        **{c.key: getattr(member, c.key) for c in IMPORT_COLUMNS if c.key not in ledger},
        "gender": GENDER_WORDS.get(member.gender, ""),
        "political_theory": THEORY_WORDS.get(member.political_theory, ""),
        "status": STATUS_WORDS.get(member.status_on, ""),
        "cell": member.cell_on_name or "",
        "effective_date": _entry_date(events),
    }
    row: list = [number]
    for column in IMPORT_COLUMNS:
        value = values[column.key]
        if value in (None, ""):
            row.append(None)
        elif column.kind in (DIGITS, PHONE, CODE):
            row.append(Styled(str(value), TEXT_FORMAT_STYLE))
        else:
            row.append(value)
    age = member.party_age(day, events=[event for event in events if event.status])
    row += [
        _chapter_name(member),
        _party_age(labels, age.months if age else None) or None,
        labels["level"][member.rating_level] if member.rating_level else None,
    ]
    return row


def list_row(ws, number: int, member: Member, day: date) -> list:
    """``list_values`` as openpyxl cells (dates shown dd/mm/yyyy, identifiers as text)."""
    row = []
    for value in list_values(number, member, day):
        if type(value) is Styled:
            cell = text_cell(ws, value.value)
            cell.number_format = TEXT_FORMAT
            row.append(cell)
        elif isinstance(value, date):
            row.append(_cell(ws, value))
        else:
            row.append(safe_value(ws, value))
    return row
