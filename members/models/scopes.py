"""Member scopes that remember their chapters, for the figures of a past day.

A record can change chapter (a transfer between chapters of the system, a reorganisation): each
ledger entry names the chapter whose ledger it is in (``MemberEvent.chapter``), and the chapter
of a member's latest entry up to a day is their chapter that day. A scope of members built for
some chapters (``in_chapters``) therefore also stands for the records those chapters held on a
day before and have since let go (``held_on``, ``reports.roll``); ``of_chapter_on`` asks it of
one chapter. Mixed into ``MemberQuerySet``.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import F

ALL_CHAPTERS = "all"  # in_chapters: every chapter (a superuser's scope)


def _member():
    return apps.get_model("members", "Member")


def _member_event():
    return apps.get_model("members", "MemberEvent")


class ChapterScopeMixin:
    #: The chapters a scope of members stands for (``in_chapters``): what the reports of a
    #: past day count, the records held there now and those that have left since.
    chapters = None

    def _clone(self):
        clone = super()._clone()
        clone.chapters = self.chapters
        return clone

    def in_chapters(self, chapters, *, filtered: bool = False) -> models.QuerySet:
        """The members held in ``chapters`` (a queryset of chapters, or ``ALL_CHAPTERS``),
        remembered as the scope's chapters for the reports of a past day (``reports.roll``).
        ``filtered``: the caller has filtered on the same chapters already. A narrower scope (a
        cell) names none: ``in_chapters(None)``."""
        narrow = filtered or chapters is None or chapters is ALL_CHAPTERS
        scope = self if narrow else self.filter(chapter__in=chapters)
        scope = scope._chain()
        scope.chapters = chapters
        return scope

    def held_on(self, day: date) -> models.QuerySet:
        """``as_of(day)`` of the records the scope's chapters held that day
        (``in_chapters``): those that have left since too, not those that arrived since. A
        scope without chapters keeps its own records, those held where they are now that day.
        """
        chapters = self.chapters
        if chapters is ALL_CHAPTERS:
            return self.as_of(day)
        if chapters is None:
            return self.as_of(day).filter(chapter_on_id=F("chapter_id"))
        return self.with_departed(chapters, day).as_of(day).filter(chapter_on_id__in=chapters)

    def of_chapter_on(self, chapter, day: date) -> models.QuerySet:
        """Those whose record was in ``chapter`` at the end of ``day`` — held there now, or
        moved on since (a transfer, a reorganisation) — annotated by ``as_of``; a record that
        came from elsewhere after the day is left out. Add ``on_roll_as_of`` for the roll."""
        pk = getattr(chapter, "pk", chapter)
        here = self.filter(chapter_id=pk)
        return here.with_departed([pk], day).as_of(day).filter(chapter_on_id=pk)

    def with_departed(self, chapters, day: date) -> models.QuerySet:
        """The scope and, by id, the records that ``chapters`` held at some time and have let
        go since ``day``: those now elsewhere with an entry in one of the chapters' ledgers and
        one dated after the day (a record with none after it is where its latest entry is).
        One query from the entries dated after the day (the index on the date); the scope's
        own conditions keep their plan (``scope | these ids``, not a subquery in an OR)."""
        ledger = _member_event().objects.using(self.db)
        later = ledger.filter(effective_date__gt=day).values("member_id")
        gone = (
            _member()
            .objects.using(self.db)
            .filter(pk__in=later)
            .exclude(chapter_id__in=chapters)
            .filter(
                models.Exists(ledger.filter(member=models.OuterRef("pk"), chapter_id__in=chapters))
            )
            .values_list("pk", flat=True)
        )
        ids = sorted(gone)
        if not ids:
            return self
        return self | _member().objects.using(self.db).filter(pk__in=ids)


def departures(
    events: models.QuerySet, chapters, start: date, day: date, *, make=None
) -> dict[int, list]:
    """The records that left the roll of ``chapters`` by an exit entry in their ledgers from
    ``start`` to ``day`` and that, at the end of ``day``, another chapter's ledger held (a
    transfer to a chapter of the system, accepted): ``{member id: their entries up to and
    including that exit}``, in date order, so a book of those chapters shows them as it shows a
    member who left for outside the system. A record whose exit is still its latest entry is
    where it left (``held_on`` reads it); one that came back and was moved on by a
    reorganisation left by no exit, and is not here.

    ``chapters``: ids, chapters, or a queryset of chapters (read as a subquery, and its ids
    once some are found). ``events``: standing entries in the form the caller reads (model
    instances or tuples with ``pk``, ``member_id``, ``kind``, ``effective_date``,
    ``chapter_id``; ``make`` turns a row of a ``values_list`` into one). One query, two when
    some are found from a queryset."""
    Event = _member_event()
    if not isinstance(chapters, models.QuerySet):
        chapters = frozenset(getattr(chapter, "pk", chapter) for chapter in chapters)
    ledger = Event.objects.using(events.db).standing()
    # Only exits followed, by the day, by an entry in another chapter's ledger (an exit for
    # outside the system, the most of them, is still the record's latest entry).
    elsewhere = (
        ledger.exclude(kind__in=Event.UNPLACED_KINDS)
        .filter(
            member=models.OuterRef("member_id"),
            effective_date__gte=models.OuterRef("effective_date"),
            effective_date__lte=day,
        )
        .exclude(chapter_id__in=chapters)
    )
    exits = (
        ledger.filter(
            chapter_id__in=chapters,
            kind__in=Event.LEAVING_KINDS,
            effective_date__range=(start, day),
        )
        .filter(models.Exists(elsewhere))
        .values("member_id")
    )
    found: dict[int, list] = {}
    rows = events.filter(member_id__in=exits, effective_date__lte=day).order_by(
        "member_id", "effective_date", "id"
    )
    by_member: dict[int, list] = {}
    for row in rows if make is None else map(make, rows):
        by_member.setdefault(row.member_id, []).append(row)
    if by_member and isinstance(chapters, models.QuerySet):  # its ids, once some are found
        chapters = frozenset(chapters.using(events.db).order_by().values_list("pk", flat=True))
    for member_id, entries in by_member.items():
        placing = [entry for entry in entries if entry.kind not in Event.UNPLACED_KINDS]
        if placing[-1].chapter_id in chapters:
            continue  # still where it left (or back): held there on the day
        last_exit = None
        for index, entry in enumerate(entries):
            if entry.chapter_id in chapters and entry.kind not in Event.UNPLACED_KINDS:
                last_exit = index if _is_exit(entry, start, day) else None
        if last_exit is not None:
            found[member_id] = entries[: last_exit + 1]
    return found


def as_they_left(
    events: models.QuerySet, chapters, start: date, day: date, *, members=None
) -> list:
    """The records ``departures`` finds, read from ``members`` (a queryset of members, with the
    caller's annotations), each with what ``ledger_state`` reads of its entries up to the exit
    set on it and those entries as ``left_entries``. One query, none when none left."""
    found = departures(events, chapters, start, day)
    if not found:
        return []
    members = list((members if members is not None else _member().objects).filter(pk__in=found))
    for member in members:
        member.left_entries = found[member.pk]
        for name, value in ledger_state(member.left_entries).items():
            setattr(member, name, value)
    return members


def _is_exit(entry, start: date, day: date) -> bool:
    return entry.kind in _member_event().LEAVING_KINDS and start <= entry.effective_date <= day


def ledger_state(entries: list) -> dict:
    """What ``MemberQuerySet.as_of`` annotates, read from a member's ``entries`` (model
    instances, in date order, none annulled): ``status_on``, ``cell_on_id``,
    ``chapter_on_id``, ``temporary_kind_on`` and ``exemption_kind_on`` after the last one."""
    Event = _member_event()
    state = dict.fromkeys(
        ("status_on", "cell_on_id", "chapter_on_id", "temporary_kind_on", "exemption_kind_on")
    )
    for entry in entries:
        if entry.kind not in Event.UNPLACED_KINDS:
            state["chapter_on_id"] = entry.chapter_id
        if entry.status:
            state["status_on"] = entry.status
        if entry.kind in Event.CELL_KINDS:
            state["cell_on_id"] = entry.cell_id
        if entry.kind in Event.TEMPORARY_KINDS:
            state["temporary_kind_on"] = entry.kind
        if entry.kind in Event.EXEMPTION_KINDS:
            state["exemption_kind_on"] = entry.kind
    return state


def was_official(entries: list) -> bool:
    """Whether the latest status on the roll among ``entries`` (in date order) was official:
    the book shows the official date of a member who left only if they were official then,
    not the date a probation would have ended, nor one set by another chapter since."""
    Member = _member()
    statuses = [e.status for e in entries if e.status in Member.ACTIVE_STATUSES]
    return bool(statuses) and statuses[-1] == Member.Status.OFFICIAL
