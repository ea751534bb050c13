"""Movements in a period: the figures, counted in people, each in the ledger of its chapter.

A scope that names its chapters (``MemberQuerySet.in_chapters``) reads their own ledgers: a
transfer's exit counts in the chapter it left, its arrival in the one it joined; a
reorganisation's move (one entry, in the new chapter's ledger) counts as moved in there and as
moved out (``MOVED_OUT``) in the chapter it left. ``reports.queries`` re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import ALL_CHAPTERS, Member, MemberEvent
from reports.quarters import quarter_spans

Kind = MemberEvent.Kind

# Movements in a period ---------------------------------------------------------------------

EXIT_KINDS = (Kind.REMOVED, Kind.EXPELLED, Kind.LEFT, Kind.DECEASED)
ADMISSION_KINDS = (Kind.ADMITTED, Kind.READMITTED)
ENTRY_KINDS = (Kind.REGISTERED, Kind.IMPORTED)
# Not a ledger kind: a MOVED_CHAPTER entry counted in the chapter it moved the member from.
MOVED_OUT = "MOVED_OUT"
PERIOD_FIGURES: dict[str, tuple[Promise, tuple[str, ...]]] = {
    # A re-admission (R20) brings the former record back on the roll: an admission too.
    "admitted": (_("Admitted"), ADMISSION_KINDS),
    "confirmed": (_("Confirmed as official"), (Kind.CONFIRMED,)),
    "removed_from_probationary_list": (
        _("Removed from the probationary list"),
        (Kind.REMOVED_FROM_PROBATIONARY_LIST,),
    ),
    "transferred_in": (_("Transferred in"), (Kind.TRANSFERRED_IN,)),
    "transferred_out": (_("Transferred out"), (Kind.TRANSFERRED_OUT,)),
    "other_exits": (_("Other exits"), EXIT_KINDS),
    "removed": (_("Removed from the roll"), (Kind.REMOVED,)),
    "expelled": (_("Expelled"), (Kind.EXPELLED,)),
    "left": (_("Left the Party"), (Kind.LEFT,)),
    "deceased": (_("Deceased"), (Kind.DECEASED,)),
    # A reorganisation decision (members.services.reorganisation): one entry, in the ledger of
    # the chapter it moves the member to; read from the chapter it left as MOVED_OUT.
    "moved_in": (_("Moved in by a reorganisation decision"), (Kind.MOVED_CHAPTER,)),
    "moved_out": (_("Moved out by a reorganisation decision"), (MOVED_OUT,)),
    # Not a movement of the Party's books: rows entered when the register was first loaded.
    "registered": (_("Entered in this register (first load or import)"), ENTRY_KINDS),
}
PERIOD_KINDS = tuple(sorted({kind for _label, kinds in PERIOD_FIGURES.values() for kind in kinds}))


@dataclass(frozen=True)
class Period:
    """Movements with an effective date in [start, end], counted in people per figure."""

    start: date
    end: date
    counts: dict[str, int]

    def __getattr__(self, name: str) -> int:
        # Only called for names that are not attributes: the figures, e.g. ``snapshot.official``.
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)


# In a period ---------------------------------------------------------------------------------


def events(scope: QuerySet[Member], start: date, end: date, kinds) -> QuerySet[MemberEvent]:
    """The scope's movements of these kinds in [start, end]: in its chapters' own ledgers when
    it names them (``MemberQuerySet.in_chapters``: a transfer's exit counts in the chapter it
    left, its arrival in the one it joined), else its members' entries in the chapter that
    holds their record."""
    if tuple(kinds) == (MOVED_OUT,):
        return moved_out(scope, start, end)
    kinds = [kind for kind in kinds if kind != MOVED_OUT]  # counted by ``moved_out``
    events = MemberEvent.objects.standing().filter(
        effective_date__range=(start, end), kind__in=kinds
    )
    chapters = getattr(scope, "chapters", None)
    if chapters is ALL_CHAPTERS:
        return events
    if chapters is not None:
        return events.filter(chapter__in=chapters)
    return events.filter(member__in=scope.values("pk"), chapter=F("member__chapter"))


def moved_out(scope: QuerySet[Member], start: date, end: date) -> QuerySet[MemberEvent]:
    """The reorganisation moves in [start, end] that took members out of the scope's chapters
    (``MOVED_OUT``): entries of the chapters they went to, read by the chapter they left
    (``left_chapter``). A scope that names no chapters (a cell) has none."""
    moves = left_chapter(
        MemberEvent.objects.standing().filter(
            kind=Kind.MOVED_CHAPTER, effective_date__range=(start, end)
        )
    )
    chapters = getattr(scope, "chapters", None)
    if chapters is ALL_CHAPTERS:
        return moves
    if chapters is None:
        return moves.none()
    return moves.filter(left__in=chapters)


def left_chapter(events: QuerySet[MemberEvent]) -> QuerySet[MemberEvent]:
    """``events`` annotated with ``left``: the chapter of each one's member's standing entry just
    before it (the chapter a reorganisation's move took the member from)."""
    before = (
        MemberEvent.objects.standing()
        .filter(member=OuterRef("member"))
        .filter(
            Q(effective_date__lt=OuterRef("effective_date"))
            | Q(effective_date=OuterRef("effective_date"), pk__lt=OuterRef("pk"))
        )
        .order_by("-effective_date", "-pk")
        .values("chapter")[:1]
    )
    return events.annotate(left=Subquery(before))


def in_period(scope: QuerySet[Member], start: date, end: date) -> Period:
    """People with each kind of movement dated in [start, end], in each chapter of the scope,
    added up: one GROUP BY query.

    A person with two movements of one kind in a chapter in the period (out and back, twice)
    counts once there, so a chapter's figure is the number of people its drill-down lists; a
    person who left two chapters of a committee in the period counts in each, as the chapters'
    own reports (and the stored figures, summed up the tree) do.
    """
    rows = (
        events(scope, start, end, PERIOD_KINDS)
        .order_by()
        .values_list("kind", "chapter_id")
        .annotate(n=Count("member", distinct=True))
    )
    out = (
        moved_out(scope, start, end)
        .order_by()
        .annotate(out=Value(MOVED_OUT, output_field=CharField()))
        .values_list("out", "left")
        .annotate(n=Count("member", distinct=True))
    )
    by_kind: dict[str, int] = {}
    for kind, _chapter, n in rows.union(out, all=True):
        by_kind[kind] = by_kind.get(kind, 0) + n
    # Each exit kind ends membership on this row, so the people of the kinds add up.
    counts = {
        figure: sum(by_kind.get(kind, 0) for kind in kinds)
        for figure, (_label, kinds) in PERIOD_FIGURES.items()
    }
    return Period(start, end, counts)


def admissions_by_quarter(scope: QuerySet[Member], today: date, quarters: int = 8):
    """(first day, last day, people admitted) for the last ``quarters`` quarters up to the one
    containing ``today``, oldest first: one aggregate query."""
    spans = quarter_spans(today, quarters)
    found = events(scope, spans[0][0], spans[-1][1], ADMISSION_KINDS)
    result = found.aggregate(
        **{
            f"q{i}": Count("member", distinct=True, filter=Q(effective_date__range=span))
            for i, span in enumerate(spans)
        }
    )
    return [(first, last, result[f"q{i}"]) for i, (first, last) in enumerate(spans)]
