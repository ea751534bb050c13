"""Figures from the movement ledger: the one place reports, exports and the dashboard count.

Every function takes a ``scope`` — a ``Member`` queryset that starts from
``members.access.members_visible_to(user)``, perhaps narrowed to a chapter or a cell — and reads
the ledger (``MemberEvent``) through ``MemberQuerySet.as_of``, so a past day gives the figures as
they stood that day, not as the rows stand now.

Each figure has a name (``FIGURES``) and ``people()`` returns the members behind it, built from
the same condition the count uses: the list always equals the number.

Cost: ``as_of`` runs a fixed number of queries (one aggregate for the counts, sex and age, one
GROUP BY per other dimension, one for the cells' names, two for party age: ten in all);
``in_period`` one GROUP BY on the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from uuid import UUID

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.filters import AGE_BAND_CHOICES, AGE_BANDS, latest_birth_date
from members.models import Cell, Member, MemberEvent
from members.models.member import party_age_events
from members.models.party_age import compute as compute_party_age

Status = Member.Status
Kind = MemberEvent.Kind
NO_VALUE = "none"  # the drill-down value of "no cell" / "not recorded"
# The drill-down value of the cells a member was in that lie outside the user's scope (a cell
# leader's member who came from another cell): counted, never named.
OTHER_VALUE = "other"

# Figures as of a day -------------------------------------------------------------------------

# Single numbers as of a day, each a condition on ``Member.objects.as_of(day)`` rows on the roll.
ROLL_FIGURES: dict[str, tuple[Promise, Q]] = {
    "on_roll": (_("On the roll"), Q()),
    "official": (_("Official members"), Q(status_on=Status.OFFICIAL)),
    "probationary": (_("Probationary members"), Q(status_on=Status.PROBATIONARY)),
    "temporarily_out": (
        _("Temporarily transferred out"),
        Q(temporary_kind_on=Kind.TEMPORARY_OUT),
    ),
    "exempted": (_("Exempted from party work and meetings"), Q(exemption_kind_on=Kind.EXEMPTED)),
}

# Breakdowns of those on the roll: figure name -> (title, the field grouped on).
DIMENSIONS: dict[str, tuple[Promise, str]] = {
    "sex": (_("Sex"), "gender"),
    "age": (_("Age"), ""),  # date ranges, see _age_condition
    "party_age": (_("Party age"), ""),  # computed per member, see party_age_bands
    "ethnicity": (_("Ethnicity"), "ethnicity"),
    "religion": (_("Religion"), "religion"),
    "education": (_("General education"), "general_education"),
    "theory": (_("Political theory"), "political_theory"),
    "by_cell": (_("Cell"), "cell_on_id"),
    "by_chapter": (_("Chapter"), "chapter_id"),  # a member row never changes chapter
}
GROUPED = ("ethnicity", "religion", "education", "theory")

# Movements in a period ---------------------------------------------------------------------

EXIT_KINDS = (Kind.REMOVED, Kind.EXPELLED, Kind.LEFT, Kind.DECEASED)
ADMISSION_KINDS = (Kind.ADMITTED, Kind.READMITTED)
ENTRY_KINDS = (Kind.REGISTERED, Kind.IMPORTED)
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
    # Not a movement of the Party's books: rows entered when the register was first loaded.
    "registered": (_("Entered in this register (first load or import)"), ENTRY_KINDS),
}
PERIOD_KINDS = tuple(sorted({kind for _label, kinds in PERIOD_FIGURES.values() for kind in kinds}))

FIGURES = (*ROLL_FIGURES, *DIMENSIONS, *PERIOD_FIGURES)


def is_period_figure(figure: str) -> bool:
    return figure in PERIOD_FIGURES


def needs_value(figure: str) -> bool:
    return figure in DIMENSIONS


def figure_title(figure: str) -> Promise:
    for table in (ROLL_FIGURES, DIMENSIONS, PERIOD_FIGURES):
        if figure in table:
            return table[figure][0]
    raise KeyError(figure)


# Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: the drill-down ``value``, its label and the count."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    figure: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Snapshot:
    """The roll as of ``day``: single figures (``counts``) and the breakdowns of those on it."""

    day: date
    counts: dict[str, int]
    breakdowns: list[Breakdown]

    def __getattr__(self, name: str) -> int:
        # Only called for names that are not attributes: the figures, e.g. ``snapshot.official``.
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def breakdown(self, figure: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.figure == figure)


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


# Conditions ----------------------------------------------------------------------------------


def _age_condition(day: date, band: str) -> Q:
    """Age in completed years on ``day`` (Member.age's month count), as date ranges."""
    low, high = AGE_BANDS[band]
    condition = Q()
    if low is not None:
        condition &= Q(date_of_birth__lte=latest_birth_date(day, low))
    if high is not None:
        condition &= Q(date_of_birth__gt=latest_birth_date(day, high))
    return condition


def _dimension_condition(
    figure: str, day: date, value: str, cells: QuerySet[Cell] | None = None
) -> Q:
    if figure == "age":
        if value not in AGE_BANDS:
            raise ValueError(value)
        return _age_condition(day, value)
    field = DIMENSIONS[figure][1]
    if figure == "by_chapter":
        return Q(chapter__public_id=UUID(str(value)))
    if figure == "by_cell":
        cells = Cell.objects.all() if cells is None else cells
        if value == NO_VALUE:
            return Q(cell_on_id__isnull=True)
        if value == OTHER_VALUE:
            return Q(cell_on_id__isnull=False) & ~Q(cell_on_id__in=cells.values("pk"))
        return Q(cell_on_id__in=cells.filter(public_id=UUID(str(value))).values("pk"))
    return Q(**{field: "" if value == NO_VALUE else value})


# Party age (R16) as of a day -----------------------------------------------------------------

# Bands of whole years of party age; a probationary member has none (Charter Art. 5(4)).
PARTY_AGE_BAND_CHOICES = (
    (NO_VALUE, _("None (probationary)")),
    ("lt10", _("Under 10 years")),
    ("10", _("10 to under 20 years")),
    ("20", _("20 to under 30 years")),
    ("30", _("30 to under 40 years")),
    ("40", _("40 years and more")),
)


def _party_age_band(months: int | None) -> str:
    if months is None:
        return NO_VALUE
    years = months // 12
    if years < 10:
        return "lt10"
    return str(min(years // 10 * 10, 40))


def party_age_bands(scope: QuerySet[Member], day: date) -> dict[str, list[int]]:
    """The pks of those on the roll on ``day`` by party-age band: two queries (the members, the
    ledger entries that changed their status), then the members' one computation
    (``members.models.party_age.compute``, what ``Member.party_age_months`` runs) in Python."""
    roll = on_roll(scope, day)
    entries = defaultdict(list)
    rows = (
        party_age_events()
        .filter(member__in=roll.values("pk"), effective_date__lte=day)
        .values_list("member_id", "pk", "kind", "effective_date", "status", "document_date")
    )
    for member_id, pk, kind, effective, status, decided in rows:
        entry = SimpleNamespace(
            pk=pk, kind=kind, effective_date=effective, status=status, document_date=decided
        )
        entries[member_id].append(entry)
    fields = (
        "first_admission_decision_date",
        "admission_decision_date",
        "ceremony_date",
        "earlier_interruption_months",
    )
    bands: dict[str, list[int]] = {value: [] for value, _label in PARTY_AGE_BAND_CHOICES}
    for pk, *values in roll.values_list("pk", *fields):
        member = SimpleNamespace(**dict(zip(fields, values, strict=True)))
        age = compute_party_age(member, entries[pk], day)
        bands[_party_age_band(age.months if age else None)].append(pk)
    return bands


def by_party_age(scope: QuerySet[Member], day: date) -> Breakdown:
    bands = party_age_bands(scope, day)
    rows = [
        Row(value, capfirst(str(label)), len(bands[value]))
        for value, label in PARTY_AGE_BAND_CHOICES
    ]
    return Breakdown("party_age", str(DIMENSIONS["party_age"][0]), rows)


def on_roll(scope: QuerySet[Member], day: date) -> QuerySet[Member]:
    """Members of the scope on the roll at the end of ``day``, annotated by ``as_of``."""
    return scope.as_of(day).filter(status_on__in=Member.ACTIVE_STATUSES)


# As of a day ---------------------------------------------------------------------------------


def roll_counts(scope: QuerySet[Member], day: date) -> dict[str, int]:
    """The single figures, sex and age bands: one aggregate query."""
    aggregates = {
        name: Count("pk", filter=condition) for name, (_l, condition) in ROLL_FIGURES.items()
    }
    for value, _label in Member.Gender.choices:
        aggregates[f"sex:{value}"] = Count("pk", filter=Q(gender=value))
    for band, _label in AGE_BAND_CHOICES:
        aggregates[f"age:{band}"] = Count("pk", filter=_age_condition(day, band))
    return on_roll(scope, day).aggregate(**aggregates)


def by_cell(scope: QuerySet[Member], day: date, cells: QuerySet[Cell] | None = None) -> Breakdown:
    """Those on the roll by their cell on ``day``: one GROUP BY and one query for the names.

    Names come from ``cells`` (the user's ``cells_visible_to``): a cell outside it — where a
    member of the scope was on that day — is counted under "another cell", never named."""
    grouped = on_roll(scope, day).order_by().values("cell_on_id").annotate(n=Count("pk"))
    counts = {row["cell_on_id"]: row["n"] for row in grouped}
    cells = Cell.objects.all() if cells is None else cells
    named = cells.filter(pk__in=[pk for pk in counts if pk is not None]).select_related("chapter")
    named = sorted(named, key=lambda c: (c.chapter.name, c.name, c.pk))
    several_chapters = len({cell.chapter_id for cell in named}) > 1
    rows = [
        Row(
            str(cell.public_id),
            f"{cell.name} · {cell.chapter.name}" if several_chapters else cell.name,
            counts[cell.pk],
        )
        for cell in named
    ]
    unnamed = sum(n for pk, n in counts.items() if pk is not None) - sum(r.count for r in rows)
    if unnamed:
        rows.append(Row(OTHER_VALUE, str(_("Another cell")), unnamed))
    if None in counts:
        rows.append(Row(NO_VALUE, str(_("No cell")), counts[None]))
    return Breakdown("by_cell", str(DIMENSIONS["by_cell"][0]), rows)


def by_chapter(scope: QuerySet[Member], day: date) -> Breakdown:
    """Those on the roll by chapter: one GROUP BY (names included)."""
    grouped = (
        on_roll(scope, day)
        .order_by()
        .values("chapter__public_id", "chapter__name")
        .annotate(n=Count("pk"))
        .order_by("chapter__name")
    )
    rows = [Row(str(row["chapter__public_id"]), row["chapter__name"], row["n"]) for row in grouped]
    return Breakdown("by_chapter", str(DIMENSIONS["by_chapter"][0]), rows)


def _grouped(scope: QuerySet[Member], day: date, figure: str) -> Breakdown:
    field = DIMENSIONS[figure][1]
    grouped = on_roll(scope, day).order_by().values(field).annotate(n=Count("pk"))
    counts = sorted(((row[field] or "", row["n"]) for row in grouped), key=lambda r: (-r[1], r[0]))
    labels = dict(Member.PoliticalTheory.choices) if figure == "theory" else {}
    empty = _("None") if figure == "theory" else _("Not recorded")
    rows = [
        Row(value or NO_VALUE, capfirst(str(labels.get(value, value) or empty)), n)
        for value, n in counts
    ]
    return Breakdown(figure, str(DIMENSIONS[figure][0]), rows)


def as_of(scope: QuerySet[Member], day: date, cells: QuerySet[Cell] | None = None) -> Snapshot:
    """Everything the report shows about the roll on ``day``; cells' names from ``cells``."""
    result = roll_counts(scope, day)
    counts = {name: result[name] for name in ROLL_FIGURES}
    sex = Breakdown(
        "sex",
        str(DIMENSIONS["sex"][0]),
        [Row(v, capfirst(str(label)), result[f"sex:{v}"]) for v, label in Member.Gender.choices],
    )
    age = Breakdown(
        "age",
        str(DIMENSIONS["age"][0]),
        [
            Row(band, capfirst(str(label)), result[f"age:{band}"])
            for band, label in AGE_BAND_CHOICES
        ],
    )
    breakdowns = [sex, age, by_party_age(scope, day)]
    breakdowns += [_grouped(scope, day, figure) for figure in GROUPED]
    breakdowns += [by_chapter(scope, day), by_cell(scope, day, cells)]
    return Snapshot(day, counts, breakdowns)


# In a period ---------------------------------------------------------------------------------


def _events(scope: QuerySet[Member], start: date, end: date, kinds) -> QuerySet[MemberEvent]:
    return MemberEvent.objects.standing().filter(
        member__in=scope.values("pk"), effective_date__range=(start, end), kind__in=kinds
    )


def in_period(scope: QuerySet[Member], start: date, end: date) -> Period:
    """People with each kind of movement dated in [start, end]: one GROUP BY query.

    A person with two movements of one kind in the period (out and back, twice) counts once,
    so each figure is the number of people its drill-down lists.
    """
    rows = (
        _events(scope, start, end, PERIOD_KINDS)
        .order_by()
        .values("kind")
        .annotate(n=Count("member", distinct=True))
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    # Each exit kind ends membership on this row, so the people of the kinds add up.
    counts = {
        figure: sum(by_kind.get(kind, 0) for kind in kinds)
        for figure, (_label, kinds) in PERIOD_FIGURES.items()
    }
    return Period(start, end, counts)


def admissions_by_quarter(scope: QuerySet[Member], today: date, quarters: int = 8):
    """(first day, last day, people admitted) for the last ``quarters`` quarters up to the one
    containing ``today``, oldest first: one aggregate query."""
    spans = []
    start = quarter_start(today)
    for _i in range(quarters):
        spans.append((start, quarter_end(start)))
        start = quarter_start(start - timedelta(days=1))
    spans.reverse()
    events = _events(scope, spans[0][0], spans[-1][1], ADMISSION_KINDS)
    result = events.aggregate(
        **{
            f"q{i}": Count("member", distinct=True, filter=Q(effective_date__range=span))
            for i, span in enumerate(spans)
        }
    )
    return [(first, last, result[f"q{i}"]) for i, (first, last) in enumerate(spans)]


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    start = quarter_start(day)
    following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return following - timedelta(days=1)


# Drill-down ----------------------------------------------------------------------------------


def people(
    scope: QuerySet[Member],
    figure: str,
    day: date | None = None,
    start: date | None = None,
    end: date | None = None,
    value: str | None = None,
    cells: QuerySet[Cell] | None = None,
) -> QuerySet[Member]:
    """The members behind a figure, annotated by ``as_of`` (on ``day``, or the period's end)
    with the cell's name that day (``cell_on_name``, only for a cell in ``cells``, the user's
    ``cells_visible_to``) and, for a movement, its date (``movement_date``, the latest in the
    period). Raises KeyError / ValueError on an unknown figure or value."""
    cells = Cell.objects.all() if cells is None else cells
    if is_period_figure(figure):
        if start is None or end is None:
            raise ValueError("a period figure needs start and end")
        kinds = PERIOD_FIGURES[figure][1]
        events = _events(scope, start, end, kinds)
        latest = events.filter(member=OuterRef("pk")).order_by("-effective_date", "-id")
        members = (
            scope.filter(pk__in=events.values("member"))
            .as_of(end)
            .annotate(movement_date=Subquery(latest.values("effective_date")[:1]))
        )
    else:
        if day is None:
            raise ValueError("a figure as of a day needs the day")
        if figure in ROLL_FIGURES:
            condition = ROLL_FIGURES[figure][1]
        elif figure == "party_age":
            value = value or NO_VALUE
            if value not in dict(PARTY_AGE_BAND_CHOICES):
                raise ValueError(value)
            condition = Q(pk__in=party_age_bands(scope, day)[value])
        elif figure in DIMENSIONS:
            condition = _dimension_condition(figure, day, value or NO_VALUE, cells)
        else:
            raise KeyError(figure)
        members = on_roll(scope, day).filter(condition)
    cell_name = cells.filter(pk=OuterRef("cell_on_id")).values("name")[:1]
    return members.annotate(cell_on_name=Subquery(cell_name)).select_related("chapter")


def value_label(figure: str, value: str) -> str:
    """The label of a breakdown value other than a chapter or a cell (those are named from the
    user's scope by the caller), for the drill-down page's heading."""
    if figure == "sex":
        return str(Member.Gender(value).label)
    if figure == "age":
        return str(dict(AGE_BAND_CHOICES)[value])
    if figure == "party_age":
        return str(dict(PARTY_AGE_BAND_CHOICES)[value])
    if figure == "theory":
        return str(
            dict(Member.PoliticalTheory.choices).get("" if value == NO_VALUE else value, value)
        )
    if figure == "by_cell":
        return str(_("No cell") if value == NO_VALUE else _("Another cell"))
    return str(_("Not recorded")) if value == NO_VALUE else value
