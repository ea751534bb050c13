"""Figures from the movement ledger: the one place reports, exports and the dashboard count.

Every function takes a ``scope`` — a ``Member`` queryset that starts from
``members.access.members_visible_to(user)``, perhaps narrowed to a chapter or a cell — and reads
the roll on a day set-based (``reports.roll``: the rows' stored state, the ledger ``MemberEvent``
for those who moved after the day), so a past day gives the figures as they stood that day.

Each figure has a name (``FIGURES``) and ``people()`` returns the members behind it, built from
the same condition the count uses: the list always equals the number.

Cost: ``as_of`` runs one grouped query for every figure and breakdown (``reports.tally``) and one
or two for the names of the cells, chapters or units it shows: three in all, whatever the size;
``in_period`` one GROUP BY on the ledger. A scope of many chapters is broken down by child unit
of the committee tree (``by_unit``), never chapter by chapter or cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.filters import AGE_BAND_CHOICES, AGE_BANDS, latest_birth_date
from members.models import Cell, Chapter, Committee, Member, MemberEvent
from reports import roll, tally
from reports.period import (  # noqa: F401 (re-exported: the reports read them from here)
    ADMISSION_KINDS,
    ENTRY_KINDS,
    EXIT_KINDS,
    MOVED_OUT,
    PERIOD_FIGURES,
    PERIOD_KINDS,
    Period,
    admissions_by_quarter,
    in_period,
    moved_out,
)
from reports.period import events as _events

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
    "by_chapter": (_("Chapter"), "chapter_id"),  # the chapter holding the record that day
    # A committee's child units (the committee tree): a committee under it, or a chapter.
    "by_unit": (_("Unit"), ""),
}
GROUPED = ("ethnicity", "religion", "education", "theory")

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
    url: str = ""  # the unit's own page (a breakdown by unit)


@dataclass(frozen=True)
class Breakdown:
    figure: str
    title: str
    rows: list[Row]
    #: units not listed (the largest ``MAX_UNIT_ROWS`` are), each on the tree's unit pages
    more: int = 0


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


def _dimension_condition(figure: str, day: date, value: str) -> Q:
    """A breakdown's condition on the member row (sex, age, categories, chapter, unit)."""
    if figure == "age":
        if value not in AGE_BANDS:
            raise ValueError(value)
        return _age_condition(day, value)
    if figure == "by_chapter":
        return Q(chapter__public_id=UUID(str(value)))
    if figure == "by_unit":
        public_id = UUID(str(value))
        paths = list(Committee.objects.filter(public_id=public_id).values_list("path", flat=True))
        if paths:
            return Q(chapter__committee__path__startswith=paths[0])
        return Q(chapter__public_id=public_id)
    field = DIMENSIONS[figure][1]
    return Q(**{field: "" if value == NO_VALUE else value})


# Conditions on the roll's ledger columns (``reports.roll``): figure -> SQL on ``r``.
ROLL_CONDITIONS = {
    "on_roll": "1 = 1",
    "official": "r.status_on = 'OFFICIAL'",
    "probationary": "r.status_on = 'PROBATIONARY'",
    "temporarily_out": "r.temporary_on = 1",
    "exempted": "r.exemption_on = 1",
}


def _cell_condition(value: str, cells: QuerySet[Cell]) -> tuple[str, tuple]:
    """The cell on the day (``r.cell_on_id``): none, one outside ``cells``, or one of them."""
    if value == NO_VALUE:
        return "r.cell_on_id IS NULL", ()
    if value == OTHER_VALUE:
        sql, params = roll.scope_sql(cells)
        return f"r.cell_on_id IS NOT NULL AND r.cell_on_id NOT IN ({sql})", params
    sql, params = roll.scope_sql(cells.filter(public_id=UUID(str(value))))
    return f"r.cell_on_id IN ({sql})", params


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
    """The band of a party age in months (``compute_party_age``'s), as the SQL gives it."""
    if months is None:
        return NO_VALUE
    years = months // 12
    if years < 10:
        return "lt10"
    return str(min(years // 10 * 10, 40))


def _party_age_sql(scope: QuerySet[Member], day: date) -> tuple[str, list]:
    """``SELECT id, band`` of those on the roll on ``day`` (``party_age.band_sql``)."""
    rolled, params = roll.roll_sql(scope, day)
    bands, band_params = roll.bands_sql(scope, day)
    return f"WITH roll AS ({rolled}) {bands}", [*params, *band_params]


def on_roll(scope: QuerySet[Member], day: date) -> QuerySet[Member]:
    """Members of the scope on the roll at the end of ``day`` (``reports.roll``), annotated by
    ``as_of`` for display (evaluated only for the rows shown)."""
    sql, params = roll.roll_sql(scope, day)
    return _members(scope).filter(pk__in=RawSQL(f"SELECT r.id FROM ({sql}) r", params)).as_of(day)


def _members(scope: QuerySet[Member]) -> QuerySet[Member]:
    """The rows to pick a figure's people from: the scope, and when it names its chapters
    (``MemberQuerySet.in_chapters``) any record, as the figure's SQL has restricted the ids to
    those chapters already (a member who has left since is in the figures of a day before)."""
    if getattr(scope, "chapters", None) is None:
        return scope
    return Member.objects.using(scope.db)


def roll_count(scope: QuerySet[Member], day: date) -> int:
    """How many of the scope were on the roll at the end of ``day``: one query."""
    sql, params = roll.roll_sql(scope, day)
    return roll.fetch(scope, f"SELECT COUNT(*) FROM ({sql}) r", params)[0][0]


# As of a day: one grouped query ---------------------------------------------------------------

# Chapters listed one by one up to this many; above, the scope's child units of the tree.
MAX_LISTED_CHAPTERS = 30
# Child units listed at most (the largest): a flat tree may hang hundreds under one committee.
MAX_UNIT_ROWS = 50
# Cells listed only for a scope of at most this many chapters.
MAX_CELL_CHAPTERS = 3


def _counts(found: tally.Tally, day: date) -> dict[str, int]:
    """``roll_counts``' dict from a tally: the single figures, sex and age bands."""
    counts = {
        "on_roll": found.count(),
        "official": found.count(status_on=Status.OFFICIAL),
        "probationary": found.count(status_on=Status.PROBATIONARY),
        "temporarily_out": found.count(temporary_on=1),
        "exempted": found.count(exemption_on=1),
    }
    for value, _label in Member.Gender.choices:
        counts[f"sex:{value}"] = found.count(gender=value)
    for band, _label in AGE_BAND_CHOICES:
        counts[f"age:{band}"] = found.count(age_band=band)
    return counts


def roll_counts(scope: QuerySet[Member], day: date) -> dict[str, int]:
    """The single figures, sex and age bands: one query."""
    found = tally.tally(scope, day, cells=False, chapters=False, party_age=False)
    return _counts(found, day)


def _cell_breakdown(counts: dict, cells: QuerySet[Cell] | None) -> Breakdown:
    """Those on the roll by their cell on the day, from the tally, and one query for the names.

    Names come from ``cells`` (the user's ``cells_visible_to``): a cell outside it — where a
    member of the scope was on that day — is counted under "another cell", never named."""
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


def by_cell(scope: QuerySet[Member], day: date, cells: QuerySet[Cell] | None = None) -> Breakdown:
    """Those on the roll by their cell on ``day``: the tally and the cells' names."""
    found = tally.tally(scope, day, chapters=False, party_age=False)
    return _cell_breakdown(found.cells, cells)


def _chapter_breakdown(counts: dict) -> Breakdown:
    names = Chapter.objects.filter(pk__in=list(counts)).order_by("name", "pk")
    rows = [Row(str(c.public_id), c.name, counts[c.pk]) for c in names.only("public_id", "name")]
    return Breakdown("by_chapter", str(DIMENSIONS["by_chapter"][0]), rows)


def by_chapter(scope: QuerySet[Member], day: date) -> Breakdown:
    """Those on the roll by chapter: the tally and the chapters' names."""
    found = tally.tally(scope, day, cells=False, party_age=False)
    return _chapter_breakdown(found.chapters)


unit_tops = tally.unit_tops  # the tree paths whose child units a user's report shows


def _unit_breakdown(counts: dict) -> Breakdown:
    """By child unit of the scope's committees: each committee under a top with everything
    below it, each chapter directly under a top; two queries for the names."""
    more = max(len(counts) - MAX_UNIT_ROWS, 0)
    if more:  # a flat tree: a committee with hundreds of chapters directly under it
        largest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_UNIT_ROWS]
        counts = dict(largest)
    paths = [key for key in counts if not key.startswith("ch:")]
    chapter_ids = [int(key[3:]) for key in counts if key.startswith("ch:")]
    rows = []
    for committee in Committee.objects.filter(path__in=paths).only("public_id", "name", "path"):
        rows.append(
            Row(
                str(committee.public_id),
                committee.name,
                counts[committee.path],
                _unit_url(committee),
            )
        )
    for chapter in Chapter.objects.filter(pk__in=chapter_ids).only("public_id", "name"):
        url = f"{reverse('reports:report')}?{urlencode({'chapter': chapter.public_id})}"
        rows.append(Row(str(chapter.public_id), chapter.name, counts[f"ch:{chapter.pk}"], url))
    rows.sort(key=lambda row: (row.label, row.value))
    return Breakdown("by_unit", str(DIMENSIONS["by_unit"][0]), rows, more)


def _unit_url(committee) -> str:
    try:
        return reverse("reports:unit", args=[committee.public_id])
    except NoReverseMatch:  # the unit page is the committee tree's (TREE)
        return ""


def _category_breakdown(found: tally.Tally, figure: str) -> Breakdown:
    counts = found.by(DIMENSIONS[figure][1])
    ordered = sorted(((v or "", n) for v, n in counts.items()), key=lambda r: (-r[1], r[0]))
    labels = dict(Member.PoliticalTheory.choices) if figure == "theory" else {}
    empty = _("None") if figure == "theory" else _("Not recorded")
    rows = [
        Row(value or NO_VALUE, capfirst(str(labels.get(value, value) or empty)), n)
        for value, n in ordered
    ]
    return Breakdown(figure, str(DIMENSIONS[figure][0]), rows)


def roll_and_units(
    scope: QuerySet[Member],
    day: date,
    *,
    chapter_count: int,
    units: tuple[str, ...] = (),
    cells: QuerySet[Cell] | None = None,
    stored=False,
) -> tuple[dict[str, int], Breakdown]:
    """``roll_counts``' figures and the roll by unit (a scope of more than
    ``MAX_LISTED_CHAPTERS`` chapters under ``units``), by chapter (several) or by cell (one
    chapter): the one grouped query and the names (the dashboard). ``stored``: the scope is
    exactly the subtrees of ``units``: their stored figures answer (the page's
    ``reports.stored.Subtrees``)."""
    if chapter_count > MAX_LISTED_CHAPTERS and units:
        if stored:
            found = stored.marginals(day)
        else:
            found = tally.tally(
                scope, day, cells=False, chapters=False, units=units, party_age=False
            )
        return _counts(found, day), _unit_breakdown(found.units)
    if chapter_count > 1:
        found = tally.tally(scope, day, cells=False, party_age=False)
        return _counts(found, day), _chapter_breakdown(found.chapters)
    found = tally.tally(scope, day, chapters=False, party_age=False)
    return _counts(found, day), _cell_breakdown(found.cells, cells)


def as_of(
    scope: QuerySet[Member],
    day: date,
    cells: QuerySet[Cell] | None = None,
    *,
    units: tuple[str, ...] | None = None,
    with_cells: bool = True,
    stored=False,
) -> Snapshot:
    """Everything the report shows about the roll on ``day``: one grouped query, and the names
    of the cells (from ``cells``) and chapters, or of the child units of ``units`` (the tree
    paths of the scope's committees: by unit instead of by chapter) — three or four queries.
    ``stored``: as for ``roll_and_units``."""
    if stored and units and not with_cells:
        found = stored.marginals(day)
    else:
        found = tally.tally(scope, day, cells=with_cells, chapters=units is None, units=units)
    counts = _counts(found, day)
    sex = Breakdown(
        "sex",
        str(DIMENSIONS["sex"][0]),
        [Row(v, capfirst(str(label)), counts[f"sex:{v}"]) for v, label in Member.Gender.choices],
    )
    age = Breakdown(
        "age",
        str(DIMENSIONS["age"][0]),
        [
            Row(band, capfirst(str(label)), counts[f"age:{band}"])
            for band, label in AGE_BAND_CHOICES
        ],
    )
    party_age = Breakdown(
        "party_age",
        str(DIMENSIONS["party_age"][0]),
        [
            Row(value, capfirst(str(label)), found.party_age.get(value, 0))
            for value, label in PARTY_AGE_BAND_CHOICES
        ],
    )
    breakdowns = [sex, age, party_age]
    breakdowns += [_category_breakdown(found, figure) for figure in GROUPED]
    if units is None:
        breakdowns.append(_chapter_breakdown(found.chapters))
    else:
        breakdowns.append(_unit_breakdown(found.units))
    if with_cells:
        breakdowns.append(_cell_breakdown(found.cells, cells))
    return Snapshot(day, {name: counts[name] for name in ROLL_FIGURES}, breakdowns)


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
            _members(scope)
            .filter(pk__in=events.values("member"))
            .as_of(end)
            .annotate(movement_date=Subquery(latest.values("effective_date")[:1]))
        )
    else:
        if day is None:
            raise ValueError("a figure as of a day needs the day")
        members = _people_on(scope, figure, day, value, cells)
    cell_name = cells.filter(pk=OuterRef("cell_on_id")).values("name")[:1]
    return members.annotate(cell_on_name=Subquery(cell_name)).select_related("chapter")


def _people_on(
    scope: QuerySet[Member], figure: str, day: date, value: str | None, cells: QuerySet[Cell]
) -> QuerySet[Member]:
    """Those on the roll on ``day`` behind a figure as of a day: the same SQL the tally groups
    (``reports.roll``) with the figure's condition, and the member's own fields as a Q."""
    rolled, params = roll.roll_sql(scope, day)
    condition, member_q, extra = "1 = 1", Q(), ()
    if figure in ROLL_CONDITIONS:
        condition = ROLL_CONDITIONS[figure]
    elif figure == "party_age":
        value = value or NO_VALUE
        if value not in dict(PARTY_AGE_BAND_CHOICES):
            raise ValueError(value)
        bands, band_params = roll.bands_sql(scope, day)
        sql = f"WITH roll AS ({rolled}) SELECT pa.id FROM ({bands}) pa WHERE pa.band = %s"
        ids = RawSQL(sql, (*params, *band_params, value))
        return _members(scope).filter(pk__in=ids).as_of(day)
    elif figure == "by_cell":
        condition, extra = _cell_condition(value or NO_VALUE, cells)
    elif figure in DIMENSIONS:
        member_q = _dimension_condition(figure, day, value or NO_VALUE)
    else:
        raise KeyError(figure)
    ids = RawSQL(f"SELECT r.id FROM ({rolled}) r WHERE {condition}", (*params, *extra))
    return _members(scope).filter(member_q, pk__in=ids).as_of(day)


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
