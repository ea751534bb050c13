"""The register (7-HSĐV) of a whole province, written in the background (``reports.tasks``).

The same workbook as ``exports.register_workbook`` (the same sheets, rows and values: both call
``exports.register_values`` and ``exports.list_values``), through the streaming writer of
``chapter.xlsx_stream`` instead of openpyxl, and with the ledger's state on the day read from
each chunk's movements in Python instead of four correlated subqueries per member: a fixed
number of queries per chunk of ``exports.CHUNK`` members, memory flat whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from chapter import xlsx_stream as stream
from chapter.xlsx_stream import SheetSetup, StreamingWorkbook, Styled
from members.importing import COLUMNS as IMPORT_COLUMNS
from members.importing import TEMPLATE_SHEET
from members.models import Cell, Member, MemberEvent
from ratings.models import AnnualRating
from ratings.queries import register_rating_year
from reports import exports
from reports.exports import (
    REGISTER_KINDS,
    REGISTER_WIDTHS,
    book_note,
    list_headers,
    list_values,
    register_headers,
    register_values,
)


def register_stream(scope: QuerySet[Member], day: date, path, *, scope_label: str, progress=None):
    """The same workbook as ``register_workbook``, written to ``path`` by the streaming writer
    (``chapter.xlsx_stream``): the same rows and values (``register_values``, ``list_values``),
    about ten times faster, for a province's register in the background (``reports.tasks``)."""
    book = SheetSetup(
        _("Register"), REGISTER_WIDTHS, freeze=(2, 5), print_rows=(5, 5), landscape_a3=True
    )
    widths = [6] + [max(12, len(c.template_header) + 4) for c in IMPORT_COLUMNS] + [26, 16, 16]
    listing = SheetSetup(TEMPLATE_SHEET, widths, freeze=(2, 1))
    members = stream_members(scope, day)
    active = Member.ACTIVE_STATUSES
    with StreamingWorkbook(path, [book, listing]) as workbook:
        ws, listed_ws = workbook.sheets
        ws.append([Styled(_("Member register (7-HSĐV)"), stream.TITLE)])
        ws.append([Styled(scope_label, stream.BOLD)])
        ws.append([Styled(_("As of"), stream.BOLD), Styled(day, stream.BOLD_DATE)])
        ws.append([book_note()])
        ws.append([Styled(label, stream.HEADER) for label in register_headers(day)])
        listed_ws.append([Styled(label, stream.HEADER) for label in list_headers(day)])
        listed = number = 0
        for number, member in enumerate(members, start=1):
            ws.append(register_values(number, member, day))
            if member.status_on in active:
                listed += 1
                listed_ws.append(list_values(listed, member, day))
            if progress is not None and number % exports.CHUNK == 0:
                progress(number)
        if progress is not None:
            progress(number)
    return number


def stream_members(scope: QuerySet[Member], day: date) -> Iterator[Member]:
    """``register_members`` for a whole province: the same members, in the same order, with
    the same ``status_on``, ``cell_on_name``, ``rating_level`` and ``register_events``, but the
    ledger's state on the day is read from each chunk's movements in Python instead of four
    correlated subqueries per member. Three queries per chunk of ``CHUNK`` members: the members
    (a cursor), their movements, the names of their cells not seen yet."""
    year_start = date(day.year, 1, 1)
    rating = AnnualRating.objects.filter(
        member=OuterRef("pk"), year=register_rating_year(day)
    ).values("level")[:1]
    members = (
        scope.annotate(rating_level=Subquery(rating), chapter_name=F("chapter__name"))
        .defer("public_id", "search_key", "created_at", "updated_at")
        .order_by("chapter__name", "sort_key", "pk")
    )
    kept = Q(kind__in=REGISTER_KINDS) | Q(status__isnull=False)
    events = (
        MemberEvent.objects.standing()
        .filter(kept | Q(kind__in=MemberEvent.CELL_KINDS) | Q(kind__in=MemberEvent.LEAVING_KINDS))
        .filter(effective_date__lte=day)
        .order_by("member_id", "effective_date", "id")
    )
    register_kinds, cell_kinds = set(REGISTER_KINDS), set(MemberEvent.CELL_KINDS)
    leaving, active = set(MemberEvent.LEAVING_KINDS), set(Member.ACTIVE_STATUSES)
    cell_names: dict[int, str] = {}
    chunk: list[Member] = []
    for member in members.iterator(chunk_size=exports.CHUNK):
        chunk.append(member)
        if len(chunk) == exports.CHUNK:
            yield from _on_the_day(
                chunk,
                events,
                cell_names,
                year_start,
                sets=(register_kinds, cell_kinds, leaving, active),
            )
            chunk = []
    if chunk:
        yield from _on_the_day(
            chunk,
            events,
            cell_names,
            year_start,
            sets=(register_kinds, cell_kinds, leaving, active),
        )


class Entry(NamedTuple):
    """A movement as the register reads it: a tuple, ten times cheaper than a model instance."""

    pk: int
    member_id: int
    kind: str
    status: str | None
    effective_date: date
    document_date: date | None
    cell_id: int | None
    counterpart: str
    note: str


def _on_the_day(chunk, events, cell_names, year_start, *, sets) -> Iterator[Member]:
    register_kinds, cell_kinds, leaving, active = sets
    by_member: dict[int, list[MemberEvent]] = {}
    rows = events.filter(member_id__in=[member.pk for member in chunk]).values_list(*Entry._fields)
    for entry in map(Entry._make, rows):
        by_member.setdefault(entry.member_id, []).append(entry)
    found = []
    for member in chunk:
        status = cell_id = None
        left = False
        kept = []
        for event in by_member.get(member.pk, ()):
            kind = event.kind
            if event.status:
                status = event.status
            if kind in cell_kinds:
                cell_id = event.cell_id
            if kind in leaving and event.effective_date >= year_start:
                left = True
            if event.status or kind in register_kinds:
                kept.append(event)
        if status not in active and not left:
            continue
        member.status_on, member.cell_on_id, member.register_events = status, cell_id, kept
        found.append(member)
    missing = {m.cell_on_id for m in found if m.cell_on_id and m.cell_on_id not in cell_names}
    if missing:
        cell_names.update(Cell.objects.filter(pk__in=missing).values_list("pk", "name"))
    for member in found:
        member.cell_on_name = cell_names.get(member.cell_on_id) if member.cell_on_id else None
        yield member
