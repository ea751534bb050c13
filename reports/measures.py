"""What ``reports.figures`` stores, chapter by chapter: each measure counts the same rows as the
query it stands for, grouped by the member's (or the case's) chapter, in one query for any
number of chapters. Every count is of people in one chapter, so chapters add up.

- ``roll`` (key: the day): those on the roll at the end of the day by each of the report's
  columns (``tally.GROUP_COLUMNS``: ``["f", column, value]``), by party-age band
  (``["p", band]``) and in all (``["n"]``) — ``reports.tally.tally``'s figures;
- ``period`` (key: ``first..last``): the people with a movement of each kind in the period
  (``["k", kind]``) — ``reports.queries.in_period``;
- ``quarters`` (key: today): the people admitted in each of the eight quarters up to today's
  (``["q", i]``, oldest first) — ``reports.queries.admissions_by_quarter``;
- ``cases`` (key: today): the admission cases by stage (``["s", stage]``), those of them
  without a member record yet (``["b", stage]``: before the ceremony) and those past their
  stored deadline (``["o", stage]``) — the dashboard's pipeline, the unit page, the board.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from admissions.models import Candidate
from members.models import Chapter, Member, MemberEvent
from reports import roll, tally
from reports.figures import Counts, key, measure
from reports.period import ADMISSION_KINDS, MOVED_OUT, PERIOD_KINDS, left_chapter
from reports.quarters import quarter_spans


def _members(chapters: QuerySet[Chapter]) -> QuerySet[Member]:
    return Member.objects.using(chapters.db).in_chapters(chapters.values("pk"))


def _add(found: dict[int, Counts], chapter_id: int, counts_key: str, n: int) -> None:
    found.setdefault(chapter_id, Counter())[counts_key] += n


@measure("roll")
def roll_on(chapters: QuerySet[Chapter], day_key: str) -> dict[int, Counts]:
    day = date.fromisoformat(day_key)
    scope = _members(chapters)
    rolled, params = roll.roll_sql(scope, day)
    age, age_params = tally.age_band_sql(scope, day)
    columns = tally.GROUP_COLUMNS
    if roll.vendor(scope) == "postgresql":
        # One pass over the roll for every column's counts (grouping sets).
        sets = ", ".join(f"(chapter_id, {column})" for column in columns)
        listed = ", ".join(columns)
        grouped = (
            f"SELECT chapter_id, GROUPING({listed}) AS g, "
            + ", ".join(f"CAST({column} AS VARCHAR(300))" for column in columns)
            + f", COUNT(*) FROM roll GROUP BY GROUPING SETS ({sets}, (chapter_id))"
        )
    else:
        empty = ", ".join("NULL" for _column in columns)
        grouped = " UNION ALL ".join(
            f"SELECT chapter_id, {bit}, "
            + ", ".join(
                f"CAST({other} AS VARCHAR(300))" if other == column else "NULL" for other in columns
            )
            + f", COUNT(*) FROM roll GROUP BY chapter_id, {column}"
            for column, bit in _bits(columns)
        )
        grouped += f" UNION ALL SELECT chapter_id, {2 ** len(columns) - 1}, {empty}, COUNT(*) "
        grouped += "FROM roll GROUP BY chapter_id"
    bands, band_params = roll.bands_sql(scope, day, carry=("chapter_id",))
    rest = "".join(", NULL" for _column in columns[1:])
    sql = (
        f"WITH roll AS (SELECT r.*, {age} AS age_band FROM ({rolled}) r) {grouped} "
        f"UNION ALL SELECT pa.chapter_id, -1, pa.band{rest}, COUNT(*) FROM ({bands}) pa "
        "GROUP BY pa.chapter_id, pa.band"
    )
    found: dict[int, Counts] = {}
    everything = 2 ** len(columns) - 1
    bits = dict(_bits(columns))
    by_bit = {bit: (index, column) for index, (column, bit) in enumerate(bits.items())}
    rows = roll.fetch(scope, sql, [*age_params, *params, *band_params])
    for chapter_id, g, *values, n in rows:
        if g == -1:
            counts_key = key("p", values[0])
        elif g == everything:
            counts_key = key("n")
        else:
            index, column = by_bit[g]
            counts_key = key("f", column, values[index])
        _add(found, chapter_id, counts_key, n)
    return found


def _bits(columns) -> list[tuple[str, int]]:
    """Each column with its ``GROUPING(...)`` value when grouped alone: every bit set but its
    own (the first column is the highest bit)."""
    everything = 2 ** len(columns) - 1
    return [
        (column, everything ^ (1 << (len(columns) - 1 - index)))
        for index, column in enumerate(columns)
    ]


def _events(chapters: QuerySet[Chapter], first: date, last: date, kinds):
    return (
        MemberEvent.objects.using(chapters.db)
        .standing()
        .filter(
            # In the chapter's own ledger: a transfer's exit in the sending chapter, its
            # arrival in the receiving one.
            chapter__in=chapters.values("pk"),
            effective_date__range=(first, last),
            kind__in=kinds,
        )
        .order_by()
    )


@measure("period")
def period(chapters: QuerySet[Chapter], span_key: str) -> dict[int, Counts]:
    first, last = (date.fromisoformat(day) for day in span_key.split(".."))
    rows = (
        _events(chapters, first, last, PERIOD_KINDS)
        .values("chapter_id", event_kind=F("kind"))
        .annotate(n=Count("member", distinct=True))
    )
    found: dict[int, Counts] = {}
    for row in rows:
        _add(found, row["chapter_id"], key("k", row["event_kind"]), row["n"])
    # A reorganisation's move, in the chapter it took the member from (``period.moved_out``).
    moves = MemberEvent.objects.using(chapters.db).standing()
    moves = moves.filter(kind=MemberEvent.Kind.MOVED_CHAPTER, effective_date__range=(first, last))
    out = (
        left_chapter(moves)
        .filter(left__in=chapters.values("pk"))
        .order_by()
        .values("left")
        .annotate(n=Count("member", distinct=True))
    )
    for row in out:
        _add(found, row["left"], key("k", MOVED_OUT), row["n"])
    return found


def period_key(first: date, last: date) -> str:
    return f"{first.isoformat()}..{last.isoformat()}"


@measure("quarters")
def quarters(chapters: QuerySet[Chapter], day_key: str) -> dict[int, Counts]:
    spans = quarter_spans(date.fromisoformat(day_key))
    rows = (
        _events(chapters, spans[0][0], spans[-1][1], ADMISSION_KINDS)
        .values("chapter_id")
        .annotate(
            **{
                f"q{i}": Count("member", distinct=True, filter=Q(effective_date__range=span))
                for i, span in enumerate(spans)
            }
        )
    )
    found: dict[int, Counts] = {}
    for row in rows:
        for i in range(len(spans)):
            _add(found, row["chapter_id"], key("q", i), row[f"q{i}"])
    return found


@measure("cases")
def cases(chapters: QuerySet[Chapter], day_key: str) -> dict[int, Counts]:
    today = date.fromisoformat(day_key)
    rows = (
        Candidate.objects.using(chapters.db)
        .filter(chapter__in=chapters.values("pk"))
        .order_by()
        .values("chapter_id", "stage")
        .annotate(
            n=Count("pk"),
            before=Count("pk", filter=Q(member__isnull=True)),
            late=Count("pk", filter=Q(due_on__lt=today, due_excused=False)),
        )
    )
    found: dict[int, Counts] = {}
    for row in rows:
        for part, n in (("s", row["n"]), ("b", row["before"]), ("o", row["late"])):
            _add(found, row["chapter_id"], key(part, row["stage"]), n)
    return found
