"""The register (7-HSĐV) of a whole province, written in the background (``reports.tasks``).

The same workbook as ``exports.register_workbook`` (the same sheets, rows, cells and column
order as ``exports.register_values`` and ``exports.list_values`` give the download), written for
speed: members are read as plain tuples (``values_list`` through a server-side cursor, never model
instances), the ledger's state on the day is read from each chunk's movements in Python instead
of four correlated subqueries per member, and each row goes to the streaming writer of
``chapter.xlsx_stream`` as one string, its cells made by the writer's own functions (text always
text, formula-like text quote-prefixed) and remembered for values that repeat (labels, places,
dates: ``xlsx_stream.Memo``). A fixed number of queries per chunk of ``exports.CHUNK`` members;
memory flat whatever the size (the records moved since the day come through a second cursor
merged in; only the year's members gone to another chapter of the system, a few, are held).
``tests/reports/test_export_fast.py`` holds it to the download's values, cell by cell.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from operator import call, itemgetter
from typing import NamedTuple

from django.db import connections
from django.db.models import BooleanField, F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chapter import xlsx_stream as stream
from chapter.xlsx_stream import (
    Memo,
    SheetSetup,
    StreamingWorkbook,
    Styled,
    date_xml,
    ident_xml,
    text_xml,
)
from members.importing import COLUMNS as IMPORT_COLUMNS
from members.importing import TEMPLATE_SHEET
from members.importing.columns import CODE, DATE, DIGITS, PHONE
from members.models import ALL_CHAPTERS, Chapter, Member, MemberEvent
from members.models.party_age import compute as compute_party_age
from members.models.scopes import departures
from ratings.models import AnnualRating
from ratings.queries import register_rating_year
from reports import exports
from reports.exports import (
    ENTRY_KINDS,
    GENDER_WORDS,
    LEAVING_KINDS,
    REGISTER_KINDS,
    REGISTER_WIDTHS,
    STATUS_WORDS,
    THEORY_WORDS,
    book_note,
    list_headers,
    register_headers,
)

Kind = MemberEvent.Kind
# What the book (``exports.register_values``) reads of a member, then the chapter and rating.
BOOK_FIELDS = (
    "pk", "full_name", "other_names", "gender", "ethnicity", "religion", "hometown",
    "general_education", "political_theory", "qualification", "foreign_language",
    "occupation_before", "occupation", "ceremony_date", "official_date", "card_number",
    "dossier_number", "badge_number", "service", "note", "first_admission_decision_date",
    "admission_decision_date", "earlier_interruption_months", "chapter_name", "rating_level",
)  # fmt: skip
BOOK = len(BOOK_FIELDS)
FIRST, DECISION, CEREMONY, ADJUSTMENT, CHAPTER, RATING = map(
    BOOK_FIELDS.index,
    ("first_admission_decision_date", "admission_decision_date", "ceremony_date",
     "earlier_interruption_months", "chapter_name", "rating_level"),
)  # fmt: skip
# The list's columns read from the ledger on the day, not from the member's row.
LEDGER_KEYS = ("status", "cell", "effective_date")
FIELDS = (
    BOOK_FIELDS
    + tuple(
        dict.fromkeys(
            c.key for c in IMPORT_COLUMNS if c.key not in LEDGER_KEYS and c.key not in BOOK_FIELDS
        )
    )
    + ("sort_key", "chapter_id")  # the chapter holding the record now (``held``), last
)
SORT_KEY, HOLDER = len(FIELDS) - 2, len(FIELDS) - 1
# Columns of the list whose values are mostly unique: made every time, not remembered.
UNIQUE_KEYS = frozenset(
    ("full_name", "other_names", "note", "citizen_id", "phone", "card_number", "dossier_number",
     "admission_decision_number", "badge_number")
)  # fmt: skip


def register_stream(scope: QuerySet[Member], day: date, path, *, scope_label: str, progress=None):
    """The same workbook as ``register_workbook``, written to ``path`` by the streaming writer
    (``chapter.xlsx_stream``): the same rows and cells, for a province's register in the
    background (``reports.tasks``). Returns the number of rows of the book."""
    book = SheetSetup(
        _("Register"), REGISTER_WIDTHS, freeze=(2, 5), print_rows=(5, 5), landscape_a3=True
    )
    widths = [6] + [max(12, len(c.template_header) + 4) for c in IMPORT_COLUMNS] + [26, 16, 16]
    listing = SheetSetup(TEMPLATE_SHEET, widths, freeze=(2, 1))
    rows = Rows(day)
    active = frozenset(Member.ACTIVE_STATUSES)
    chunk = exports.CHUNK
    with StreamingWorkbook(path, [book, listing]) as workbook:
        ws, listed_ws = workbook.sheets
        ws.append([Styled(_("Member register (7-HSĐV)"), stream.TITLE)])
        ws.append([Styled(scope_label, stream.BOLD)])
        ws.append([Styled(_("As of"), stream.BOLD), Styled(day, stream.BOLD_DATE)])
        ws.append([book_note()])
        ws.append([Styled(label, stream.HEADER) for label in register_headers(day)])
        listed_ws.append([Styled(label, stream.HEADER) for label in list_headers(day)])
        book_row, list_row = rows.book, rows.listing
        append, append_listed = ws.append_xml, listed_ws.append_xml
        listed = number = 0
        # Closed here, error or not: the read-ahead thread's connection goes with it.
        with contextlib.closing(stream_members(scope, day)) as members:
            for number, (member, ledger) in enumerate(members, start=1):
                append(book_row(number, member, ledger))
                if ledger.status in active:
                    listed += 1
                    append_listed(list_row(listed, member, ledger))
                if progress is not None and number % chunk == 0:
                    progress(number)
        if progress is not None:
            progress(number)
    return number


class Ledger(NamedTuple):
    """A member's state on the day, read from its movements (what ``register_members``
    annotates and prefetches for the download), and its party age (R16) in months."""

    status: str | None
    cell_name: str | None
    out: Entry | None
    came: Entry | None
    death: Entry | None
    leaving: Entry | None
    entry_date: date | None
    age_months: int | None
    was_official: bool  # the latest status on the roll was official (``exports.was_official``)


class Entry(NamedTuple):
    """A movement as the register reads it: a tuple, ten times cheaper than a model instance."""

    pk: int
    member_id: int
    kind: str
    status: str | None
    effective_date: date
    document_date: date | None
    cell_name: str | None  # the cell it set, if any (joined: no query for the names)
    counterpart: str
    note: str
    chapter_id: int  # whose ledger it is in: the member's chapter after it (``held``)


class AgeInput(NamedTuple):
    """What party age (``members.models.party_age.compute``) reads of a member."""

    first_admission_decision_date: date | None
    admission_decision_date: date | None
    ceremony_date: date | None
    earlier_interruption_months: int | None


class Rows:
    """The two sheets' rows as strings: ``exports.register_values`` and ``exports.list_values``
    cell by cell, each cell as ``xlsx_stream.cell`` writes that value."""

    def __init__(self, day: date) -> None:
        self.day = day
        labels = exports._labels(get_language())
        self.text, self.date = Memo(text_xml), Memo(date_xml)

        def label(table, value):
            return exports._label(table, value) if value else ""

        self.gender = Memo(lambda v: text_xml(exports._label(labels["gender"], v)))
        self.theory = Memo(lambda v: text_xml(label(labels["theory"], v)))
        self.service = Memo(lambda v: text_xml(label(labels["service"], v)))
        self.kind = Memo(lambda v: text_xml(label(labels["kind"], v)))
        self.status = Memo(lambda v: text_xml(labels["status"][v] if v else ""))
        self.level = Memo(lambda v: text_xml(labels["level"][v] if v else ""))
        self.age = Memo(lambda v: text_xml(exports._party_age(labels, v)))
        self._list_columns()

    def book(self, number: int, m: tuple, ledger: Ledger) -> str:
        """``row_xml(register_values(number, member, day))``."""
        (_pk, full_name, other_names, gender, ethnicity, religion, hometown, education,
         theory, qualification, language, occupation_before, occupation, ceremony, official,
         card, dossier, badge, service, note, _first, _decision, _months, chapter,
         rating) = m[:BOOK]  # fmt: skip
        status, cell_name, out, came, death, leaving, _entry, age, was_official = ledger
        if official and (official > self.day or not was_official):
            official = None  # in the book only once the member was official that day
        text, day = self.text, self.date
        return "".join((
            "<row><c><v>", str(number), "</v></c>",
            text_xml(full_name), text_xml(other_names), self.gender[gender], text[ethnicity],
            text[religion], text[hometown], text[education], self.theory[theory],
            text[qualification], text[language], text[occupation_before], text[occupation],
            day[ceremony], day[official], text_xml(card), text_xml(dossier), text_xml(badge),
            self.service[service],
            day[out.effective_date] if out else "<c/>", text[out.counterpart] if out else "<c/>",
            day[came.effective_date] if came else "<c/>",
            text[came.counterpart] if came else "<c/>",
            day[death.effective_date] if death else "<c/>",
            day[leaving.effective_date] if leaving else "<c/>",
            self.kind[leaving.kind if leaving else None],
            text_xml(leaving.note) if leaving else "<c/>",
            text_xml(note), self.status[status], text[cell_name], text[chapter], self.age[age],
            self.level[rating], "</row>",
        ))  # fmt: skip

    def _list_columns(self) -> None:
        """For each of the import's columns: where its value is (the member's tuple, else the
        ledger's) and the function that makes its cell, as ``list_values`` and ``cell`` do."""
        index = {name: position for position, name in enumerate(FIELDS)}
        words = {"gender": GENDER_WORDS, "political_theory": THEORY_WORDS}
        ledger = {"status": STATUS_WORDS}
        cells = []
        for column in IMPORT_COLUMNS:
            key = column.key
            if key in words:
                table = words[key]
                memo = Memo(lambda v, table=table: text_xml(table.get(v, "")))
            elif key in ledger:
                table = ledger[key]
                memo = Memo(lambda v, table=table: text_xml(table.get(v, "")))
            elif column.kind in (DIGITS, PHONE, CODE):
                memo = ident_xml if key in UNIQUE_KEYS else Memo(ident_xml)
            elif column.kind == DATE:
                memo = self.date
            else:
                memo = text_xml if key in UNIQUE_KEYS else self.text
            # A function of the value: the memo's lookup, or the cell's function itself.
            cells.append(memo.__getitem__ if isinstance(memo, Memo) else memo)
        self._cells = cells
        self._pick = itemgetter(*(index.get(c.key, 0) for c in IMPORT_COLUMNS))
        keys = [c.key for c in IMPORT_COLUMNS]
        self._at = {key: keys.index(key) for key in LEDGER_KEYS if key in keys}

    def listing(self, number: int, m: tuple, ledger: Ledger) -> str:
        """``row_xml(list_values(number, member, day))``."""
        values = list(self._pick(m))
        at = self._at
        if "status" in at:
            values[at["status"]] = ledger.status
        if "cell" in at:
            values[at["cell"]] = ledger.cell_name
        if "effective_date" in at:
            values[at["effective_date"]] = ledger.entry_date
        return "".join((
            "<row><c><v>", str(number), "</v></c>", *map(call, self._cells, values),
            self.text[m[CHAPTER]], self.age[ledger.age_months], self.level[m[RATING]], "</row>",
        ))  # fmt: skip


def stream_members(scope: QuerySet[Member], day: date) -> Iterator[tuple[tuple, Ledger]]:
    """``register_members`` for a whole province: the same members, in the same order, each as
    a tuple of ``FIELDS`` with its ``Ledger`` on the day (the download's ``status_on``,
    ``cell_on_name`` and ``register_events``, read from each chunk's movements in Python).
    One query per chunk of ``CHUNK`` members, their movements (with their cells' names), besides
    the members' one (a server-side cursor on PostgreSQL, read ``MEMBER_FETCH`` rows at a
    time). On PostgreSQL outside a transaction (the worker) the next chunk's movements are read
    on a connection of their own while this chunk's rows are written (``_read_ahead``).

    Every row is under the chapter whose ledger held the record that day: the records moved
    to another chapter since (``_moved_since``) are read by a second cursor in that order,
    and the year's members gone to another chapter of the system (``_gone_elsewhere``, a
    few) are read at the start; both are merged in (``exports.in_book_order``)."""
    year_start = date(day.year, 1, 1)
    rating = AnnualRating.objects.filter(
        member=OuterRef("pk"), year=register_rating_year(day)
    ).values("level")[:1]
    scope, held = _held_on(scope, day)
    members = (
        scope.annotate(rating_level=Subquery(rating), chapter_name=F("chapter__name"))
        .order_by("chapter__name", "sort_key", "pk")
        .values_list(*FIELDS)
    )
    # Every standing entry up to the day: the latest one's chapter is the member's that day
    # (``MemberQuerySet.as_of``); the kinds the book does not show are skipped in Python.
    events = (
        MemberEvent.objects.standing()
        .filter(effective_date__lte=day)
        .order_by("member_id", "effective_date", "id")
    )
    events = events.using(events.db)  # the database chosen here (a replica), in any thread
    with_entries = _read_ahead if _reads_aside(events.db) else _read_in_turn
    rows = _rows(with_entries, members, events, day, held, apart=False)
    if held is NOW:  # a scope that names no chapter: the records held now, where they are
        yield from rows
        return
    chapters = scope.chapters if isinstance(scope.chapters, QuerySet) else held
    gone = _gone_elsewhere(chapters, events, rating, year_start, day) if held else []
    moved = _rows(_read_in_turn, _moved_since(scope, rating, day), events, day, held, apart=True)
    yield from exports.in_book_order([rows, moved], gone, order=_order, chapters=chapters)


def _rows(with_entries, members: QuerySet, events, day: date, held, *, apart: bool):
    """``members`` (a ``values_list`` of ``FIELDS``) read ``MEMBER_FETCH`` at a time, each with
    its ``Ledger`` on the day (``_on_the_day``), those not in the book left out."""
    chunks = _chunks(members.iterator(chunk_size=max(exports.CHUNK, MEMBER_FETCH)))
    year_start = date(day.year, 1, 1)
    for chunk, entries in with_entries(chunks, events):
        yield from _on_the_day(chunk, entries, day, year_start, held, apart=apart)


def _order(row: tuple[tuple, Ledger]) -> tuple:
    member = row[0]
    return member[CHAPTER], member[SORT_KEY], member[0]


def _moved_since(scope: QuerySet[Member], rating, day: date) -> QuerySet:
    """The scope's records that another chapter's ledger held at the end of ``day`` than the
    one holding them now (moved since by a transfer or a reorganisation: an entry dated after
    the day), as a ``values_list`` of ``FIELDS`` whose chapter name is that day's, in the
    book's order. The day's chapter is read for those with an entry after the day only (the
    index on the date): none at all for today's register."""
    ledger = MemberEvent.objects.standing()
    latest = (
        ledger.filter(member=OuterRef("pk"), effective_date__lte=day)
        .exclude(kind__in=MemberEvent.UNPLACED_KINDS)
        .order_by("-effective_date", "-id")
    )
    return (
        scope.filter(pk__in=ledger.filter(effective_date__gt=day).values("member_id"))
        .annotate(
            chapter_on_id=Subquery(latest.values("chapter_id")[:1]),
            rating_level=Subquery(rating),
            chapter_name=Subquery(latest.values("chapter__name")[:1]),
        )
        .exclude(chapter_on_id=F("chapter_id"))
        .order_by("chapter_name", "sort_key", "pk")
        .values_list(*FIELDS)
    )


def _gone_elsewhere(chapters, events, rating, start: date, day: date) -> list:
    """``exports.gone_elsewhere`` for the stream: the members who left the roll of
    ``chapters`` this year for another chapter of the system, which has accepted them, each as
    a tuple of ``FIELDS`` under the chapter they left, with its ``Ledger`` from its movements
    up to that exit. A few (a year's transfers): one query, three more when there are some."""
    entries = events.values_list(*ENTRY_FIELDS)
    found = departures(entries, chapters, start, day, make=Entry._make)
    if not found:
        return []
    exits = {entries[-1].chapter_id for entries in found.values()}
    names = dict(Chapter.objects.filter(pk__in=exits).values_list("pk", "name"))
    members = (
        Member.objects.filter(pk__in=found)
        .annotate(rating_level=Subquery(rating), chapter_name=F("chapter__name"))
        .values_list(*FIELDS)
    )
    gone = []
    for member in members:
        entries = found[member[0]]
        member = (*member[:CHAPTER], names[entries[-1].chapter_id], *member[CHAPTER + 1 :])
        gone.extend(_on_the_day([member], entries, day, start, None, apart=True))
    return gone


NOW = "now"  # ``_held_on``: the chapter holding the record now


def _held_on(scope: QuerySet[Member], day: date) -> tuple[QuerySet[Member], frozenset | str | None]:
    """``MemberQuerySet.held_on`` for the stream: the members to read, and the chapters whose
    records the register keeps (the chapter of a member's latest entry up to the day, checked
    in ``_on_the_day``): ``None`` for every chapter, ``NOW`` (the chapter holding the record
    now) for a scope that names none.

    A scope that names its chapters also reads the records that have left them since the day
    (``MemberQuerySet.with_departed``: one query, added to the scope's own conditions by id,
    so the members' query keeps its plan). Two queries in all (the chapters' ids, those
    records), none per member."""
    chapters = getattr(scope, "chapters", None)
    if chapters is ALL_CHAPTERS:
        return scope, None
    if chapters is None:
        return scope, NOW
    if isinstance(chapters, QuerySet):
        ids = frozenset(chapters.using(scope.db).order_by().values_list("pk", flat=True))
    else:
        ids = frozenset(getattr(chapter, "pk", chapter) for chapter in chapters)
    scope = scope.with_departed(ids, day)
    return scope, ids


def _chunks(members: Iterator[tuple]) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    size = exports.CHUNK
    for member in members:
        chunk.append(member)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _entries(events: QuerySet[MemberEvent], chunk: list[tuple]) -> list[Entry]:
    """The movements of the chunk's members, in member and date order."""
    rows = _of_members(events, [member[0] for member in chunk]).values_list(*ENTRY_FIELDS)
    return list(map(Entry._make, rows))


def _read_in_turn(chunks, events):
    for chunk in chunks:
        yield chunk, _entries(events, chunk)


def _reads_aside(alias: str) -> bool:
    """A second connection sees what this one does: PostgreSQL, outside a transaction."""
    connection = connections[alias]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _read_ahead(chunks, events):
    """``_read_in_turn``, the next chunk's movements read by a thread (its own connection,
    closed at the end) while this chunk is written: the database's time overlaps Python's."""
    with ThreadPoolExecutor(1, thread_name_prefix="register-movements") as reader:
        try:
            ahead = None
            for chunk in chunks:
                coming = chunk, reader.submit(_entries, events, chunk)
                if ahead is not None:
                    yield ahead[0], ahead[1].result()
                ahead = coming
            if ahead is not None:
                yield ahead[0], ahead[1].result()
        finally:
            reader.submit(_close_connection, events.db)


def _close_connection(alias: str) -> None:
    connections[alias].close()  # this thread's own


MEMBER_FETCH = 2000  # rows per round trip of the members' cursor
ENTRY_FIELDS = tuple(name if name != "cell_name" else "cell__name" for name in Entry._fields)


def _of_members(events: QuerySet[MemberEvent], ids: list[int]) -> QuerySet[MemberEvent]:
    """``events`` of the members ``ids``. On PostgreSQL as one array parameter (``= ANY``): a
    list of 500 literals to parse and plan made each chunk's query three times slower."""
    if connections[events.db].vendor != "postgresql":
        return events.filter(member_id__in=ids)
    column = f'"{MemberEvent._meta.db_table}"."member_id"'
    return events.filter(RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField()))


REGISTER_SET, CELL_SET = frozenset(REGISTER_KINDS), frozenset(MemberEvent.CELL_KINDS)
EXIT_SET, BOOK_LEAVING = frozenset(MemberEvent.LEAVING_KINDS), frozenset(LEAVING_KINDS)
ENTRY_SET, ACTIVE = frozenset(ENTRY_KINDS), frozenset(Member.ACTIVE_STATUSES)
OUT, CAME, DEATH = Kind.TRANSFERRED_OUT.value, Kind.TRANSFERRED_IN.value, Kind.DECEASED.value
OFFICIAL = Member.Status.OFFICIAL.value
UNPLACED = frozenset(MemberEvent.UNPLACED_KINDS)


def _on_the_day(
    chunk, entries, day, year_start, held, *, apart: bool = False
) -> Iterator[tuple[tuple, Ledger]]:
    """Each member's ``Ledger`` on the day, for those in the book: on the roll that day or off
    it this year, in a chapter the register keeps (``held``: a set of chapter ids, ``NOW`` for
    the chapter holding the record now, ``None`` for every chapter). A record another chapter
    held that day than the one holding it now is read apart (``_moved_since``): left out
    here unless ``apart``."""
    by_member: dict[int, list[Entry]] = {}
    for entry in entries:
        by_member.setdefault(entry.member_id, []).append(entry)
    for member in chunk:
        status = cell_name = out = came = death = leaving = entry = chapter = active = None
        left = False
        status_events = []
        for event in by_member.get(member[0], ()):
            kind = event.kind
            if kind not in UNPLACED:
                chapter = event.chapter_id
            if kind in CELL_SET:
                cell_name = event.cell_name
            if kind in EXIT_SET and event.effective_date >= year_start:
                left = True
            if event.status:
                status = event.status
                status_events.append(event)  # what party age reads
                if status in ACTIVE:
                    active = status
            elif kind not in REGISTER_SET:
                continue  # not one of the book's movements
            # The latest of each kind the book shows (``exports._latest`` over its events).
            if kind == OUT:
                out = event
            elif kind == DEATH:
                death = event
            elif kind in BOOK_LEAVING:
                leaving = event
            if kind == CAME:
                came = event
            if kind in ENTRY_SET:
                entry = event
        if status not in ACTIVE and not left:
            continue  # off the roll on the day, and not this year's exit
        if (held is NOW or not apart) and chapter != member[HOLDER]:
            continue  # another chapter's ledger held it that day (read apart, or not ours)
        if isinstance(held, frozenset) and chapter not in held:
            continue  # in another chapter's ledger that day (arrived since, or left before)
        first, decision, ceremony = member[FIRST], member[DECISION], member[CEREMONY]
        months = None
        start = first or decision or ceremony  # party_age.start_date
        if start is not None and start <= day:  # else none
            facts = AgeInput(first, decision, ceremony, member[ADJUSTMENT])
            age = compute_party_age(facts, status_events, day)
            months = age.months if age else None
        yield (
            member,
            Ledger(
                status,
                cell_name,
                out,
                came,
                death,
                leaving,
                entry.effective_date if entry else None,
                months,
                active == OFFICIAL,
            ),
        )
