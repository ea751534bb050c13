"""The roll on a day grouped every way the report shows it, in ONE query (``tally``): a CTE of
those on the roll (``reports.roll``) and a UNION ALL of its GROUP BYs — the single figures, sex,
age and the categories together (``GROUP_COLUMNS``), by cell, by chapter, by child unit of the
committee tree, by party-age band (``members.models.party_age.band_sql``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from members import access
from members.filters import AGE_BANDS, latest_birth_date
from members.models import Chapter, Committee, Member
from reports import roll

GROUP_COLUMNS = (
    "status_on",
    "temporary_on",
    "exemption_on",
    "gender",
    "age_band",
    "ethnicity",
    "religion",
    "general_education",
    "political_theory",
)


@dataclass(frozen=True)
class Tally:
    """What the one grouped query returns: the roll by ``GROUP_COLUMNS`` (``combos``: values,
    count), and by cell, chapter, unit key and party-age band."""

    combos: list[tuple]
    cells: dict
    chapters: dict
    units: dict
    party_age: dict

    def count(self, **wanted) -> int:
        index = {name: GROUP_COLUMNS.index(name) for name in wanted}
        return sum(
            row[-1]
            for row in self.combos
            if all(row[index[name]] == value for name, value in wanted.items())
        )

    def by(self, column: str) -> dict:
        found: dict = defaultdict(int)
        for row in self.combos:
            found[row[GROUP_COLUMNS.index(column)]] += row[-1]
        return found


class Marginals:
    """A ``Tally`` read from stored figures (``reports.stored``): each column's counts on their
    own (what ``count`` with one condition and ``by`` read), by unit and party-age band; no
    cells or chapters (a scope of many chapters is shown by unit)."""

    def __init__(self, columns: dict[str, dict], total: int, units: dict, party_age: dict):
        self.columns = columns
        self.total = total
        self.units = units
        self.party_age = party_age
        self.cells: dict = {}
        self.chapters: dict = {}

    def count(self, **wanted) -> int:
        if not wanted:
            return self.total
        if len(wanted) > 1:
            raise ValueError("stored figures count one column at a time")
        ((column, value),) = wanted.items()
        return self.columns.get(column, {}).get(None if value is None else str(value), 0)

    def by(self, column: str) -> dict:
        found = self.columns.get(column, {})
        if column in INTEGER_COLUMNS:
            return {None if v is None else int(v): n for v, n in found.items()}
        return dict(found)


# The columns that are numbers (0 or 1) in a ``Tally``; stored figures keep every value as text.
INTEGER_COLUMNS = ("temporary_on", "exemption_on")


def age_band_sql(scope: QuerySet[Member], day: date) -> tuple[str, list]:
    """The age band of ``r.date_of_birth`` on ``day`` (``_age_condition``'s date ranges)."""
    whens, params = [], []
    for band, (_low, high) in AGE_BANDS.items():
        if high is not None:
            whens.append(f"WHEN r.date_of_birth > %s THEN '{band}'")
            params.append(roll.adapt_date(scope, latest_birth_date(day, high)))
    last = next(band for band, (_low, high) in AGE_BANDS.items() if high is None)
    return f"CASE {' '.join(whens)} ELSE '{last}' END", params


def _unit_sql(tops: tuple[str, ...]) -> tuple[str, list]:
    """The unit key of a member's chapter: the path of the child committee of a top (one of the
    scope's committees) the chapter lies under, or "ch:<id>" for a chapter directly under a top
    (or under none of them): ``X.path[: len(top) + 4]``."""
    whens, params = [], []
    for top in tops:
        if not top.isalnum():
            raise ValueError(top)
        whens.append(
            f"WHEN k.path = %s THEN NULL WHEN k.path LIKE %s THEN SUBSTR(k.path, 1, {len(top) + 4})"
        )
        params += [top, f"{top}%"]
    return f"CASE {' '.join(whens)} ELSE NULL END", params


def tally(
    scope: QuerySet[Member],
    day: date,
    *,
    cells: bool = True,
    chapters: bool = True,
    units: tuple[str, ...] | None = None,
    party_age: bool = True,
) -> Tally:
    """The roll on ``day`` grouped every way the report shows it: ONE query (a CTE of those on
    the roll, ``reports.roll``, then a UNION ALL of its GROUP BYs)."""
    rolled, params = roll.roll_sql(scope, day)
    age, age_params = age_band_sql(scope, day)
    columns = ", ".join(GROUP_COLUMNS)
    empty = ", ".join("NULL" for _c in GROUP_COLUMNS)
    parts = [
        f"SELECT 'f' AS part, {columns}, CAST(NULL AS BIGINT) AS n_key, "
        f"CAST(NULL AS VARCHAR(300)) AS s_key, COUNT(*) AS n FROM roll GROUP BY {columns}"
    ]
    part_params: list = []
    if cells:
        parts.append(
            f"SELECT 'c', {empty}, cell_on_id, NULL, COUNT(*) FROM roll GROUP BY cell_on_id"
        )
    if chapters:
        parts.append(
            f"SELECT 'h', {empty}, chapter_id, NULL, COUNT(*) FROM roll GROUP BY chapter_id"
        )
    if units is not None:
        unit, unit_params = _unit_sql(units)
        chapter_table = Chapter._meta.db_table
        committee_table = Chapter._meta.get_field("committee").related_model._meta.db_table
        parts.append(
            f"SELECT 'u', {empty}, u.chapter_key, u.unit, COUNT(*) FROM ("
            f"SELECT CASE WHEN ({unit}) IS NULL THEN roll.chapter_id END AS chapter_key, "
            f"({unit}) AS unit FROM roll JOIN {chapter_table} ch ON ch.id = roll.chapter_id "
            f"LEFT JOIN {committee_table} k ON k.id = ch.committee_id) u "
            "GROUP BY u.chapter_key, u.unit"
        )
        part_params += unit_params * 2
    if party_age:
        bands, band_params = roll.bands_sql(scope, day)
        parts.append(
            f"SELECT 'p', {empty}, NULL, pa.band, COUNT(*) FROM ({bands}) pa GROUP BY pa.band"
        )
        part_params += band_params
    sql = f"WITH roll AS (SELECT r.*, {age} AS age_band FROM ({rolled}) r) " + " UNION ALL ".join(
        parts
    )
    found = Tally([], {}, {}, {}, {})
    for part, *row in roll.fetch(scope, sql, [*age_params, *params, *part_params]):
        if part == "f":
            found.combos.append((*row[: len(GROUP_COLUMNS)], row[-1]))
        elif part == "c":
            found.cells[row[-3]] = row[-1]
        elif part == "h":
            found.chapters[row[-3]] = row[-1]
        elif part == "u":
            found.units[row[-2] or f"ch:{row[-3]}"] = row[-1]
        else:
            found.party_age[row[-2]] = row[-1]
    return found


def unit_tops(user) -> tuple[str, ...]:
    """The tree paths whose child units a user's report shows: the officer's committees (the
    tops of their subtrees), every root for a superuser; none for anyone else."""
    reach = access.reach_of(user)
    if reach.is_superuser:
        roots = Committee.objects.filter(depth=1).order_by("path")
        return tuple(roots.values_list("path", flat=True))
    return tuple(reach.committee_paths)
