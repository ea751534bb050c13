"""The admissions board for any scope (issue 14): a chapter's secretary or a province's officer.

The page costs the same whatever the number of cases in the scope:

- the count of open cases of each stage, and for a scope of several chapters the counts of each
  of its units (the child committees and the chapters under the unit looked at), come from ONE
  GROUP BY (``tally``);
- each column shows its CARDS_PER_COLUMN cases longest in that stage, all columns' ids read by
  ONE query (a UNION ALL of one ``LIMIT`` per stage, each served by the index
  ``admissions_candidate_column`` on (stage, stage_since, id)) and their cards by the board's
  fixed prefetches (``Candidate.objects.for_board``);
- "more" asks for the next cards of one column only (``column_page``, htmx).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connections
from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from admissions.models import BOARD_STAGES, Candidate
from admissions.queries import CaseRow, case_row
from members.access import Reach, in_subtrees
from members.models import Chapter, Committee
from members.units import Units

St = Candidate.Stage
CARDS_PER_COLUMN = 20
# A board of several chapters (an officer's unit) opens with fewer cards a column: the longest
# waiting of the whole unit; "more" brings CARDS_PER_COLUMN at a time.
CARDS_WIDE = 6
UNITS_PER_PAGE = 50
COLUMN_ORDER = ("stage_since", "pk")


@dataclass(frozen=True)
class Column:
    stage: str
    label: str
    rows: list[CaseRow]
    total: int = 0
    #: how many cards of this column come before these (a "more" page)
    offset: int = 0

    @property
    def hidden(self) -> int:
        """Cases of this stage after these cards."""
        return max(self.total - self.offset - len(self.rows), 0)

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.rows)


# The cards ---------------------------------------------------------------------------------------


def _ordered(candidates: QuerySet[Candidate], stage: str) -> QuerySet[Candidate]:
    return candidates.filter(stage=stage).order_by(*COLUMN_ORDER)


def column_heads(candidates: QuerySet[Candidate], stages, limit: int) -> list[int]:
    """The ids of the first ``limit`` cases of each stage (longest in it first): one query, a
    UNION ALL of one LIMIT per stage. The ORM slices a compound query's parts on PostgreSQL
    only; wrapped as derived tables, SQLite runs the same statement."""
    parts, params = [], []
    for number, stage in enumerate(stages):
        query = _ordered(candidates, stage).values("pk")[:limit].query
        sql, part_params = query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS column_{number}")
        params.extend(part_params)
    if not parts:
        return []
    with connections[candidates.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [row[0] for row in cursor.fetchall()]


def _cards(candidates: QuerySet[Candidate], ids: list[int], today: date) -> list[CaseRow]:
    if not ids:
        return []
    loaded = candidates.model.objects.filter(pk__in=ids).for_board().order_by(*COLUMN_ORDER)
    return [case_row(candidate, today) for candidate in loaded]


def board_columns(
    candidates: QuerySet[Candidate],
    today: date,
    totals: dict[str, int] | None = None,
    cards: int = CARDS_PER_COLUMN,
) -> list[Column]:
    """One column per forward stage (models.BOARD_STAGES): its count (``totals``, or one GROUP
    BY) and the cards of its ``cards`` cases longest in that stage."""
    if totals is None:
        totals = stage_counts(candidates)
    stages = [stage for stage in BOARD_STAGES if totals.get(stage)]
    by_stage: dict[str, list[CaseRow]] = {stage: [] for stage in BOARD_STAGES}
    for row in _cards(candidates, column_heads(candidates, stages, cards), today):
        by_stage[row.candidate.stage].append(row)
    return [
        Column(stage, St(stage).label, rows, totals.get(stage, 0))
        for stage, rows in by_stage.items()
    ]


def column_page(candidates: QuerySet[Candidate], stage: str, offset: int, today: date) -> Column:
    """The next cards of one column, after ``offset`` of them: a count and one page."""
    ordered = _ordered(candidates, stage)
    total = ordered.count()
    page = ordered.for_board()[offset : offset + CARDS_PER_COLUMN] if offset < total else []
    rows = [case_row(candidate, today) for candidate in page]
    return Column(stage, St(stage).label, rows, total, offset)


def stage_counts(candidates: QuerySet[Candidate]) -> dict[str, int]:
    """Open cases by stage: one GROUP BY."""
    return dict(candidates.order_by().values_list("stage").annotate(n=Count("pk")))


# A scope of several chapters: its units and their counts ----------------------------------------


@dataclass
class Unit:
    """A row of the board's units: a committee (its whole subtree) or a chapter."""

    obj: Committee | Chapter
    open: int = 0
    overdue: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)

    @property
    def is_committee(self) -> bool:
        return isinstance(self.obj, Committee)

    @property
    def awaiting_decision(self) -> int:
        """Cases at the superior committee: its decision is what an officer answers for."""
        stages = (St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED, St.CONFIRMATION_VOTED)
        return sum(self.by_stage.get(stage, 0) for stage in stages)


def units_under(node: Committee | None, reach: Reach, chapters: QuerySet[Chapter]) -> Units:
    """The units of the board of ``node``: the committees directly under it and the chapters
    hanging on it. Without a node: the officer's own committees (a superuser: every root), or
    the ``chapters`` of someone who reads several without a committee."""
    if node is not None:
        committees = Committee.objects.filter(path__startswith=node.path, depth=node.depth + 1)
        return Units(committees, Chapter.objects.filter(committee=node))
    if reach.is_superuser:
        return Units(Committee.objects.filter(depth=1), Chapter.objects.none())
    if reach.committee_paths:
        tops = Committee.objects.filter(path__in=reach.committee_paths)
        return Units(tops, Chapter.objects.none())
    return Units(Committee.objects.none(), chapters)


def tally(
    candidates: QuerySet[Candidate], units: Sequence[Committee | Chapter], today: date
) -> tuple[dict[str, int], list[Unit]]:
    """Open cases by stage, and each unit's open and overdue cases by stage: ONE GROUP BY on
    (the chapter's committee path, the chapter when it is a listed unit, the stage)."""
    rows = [Unit(obj) for obj in units]
    chapters = {u.obj.pk: u for u in rows if not u.is_committee}
    committees: dict[str, list[Unit]] = defaultdict(list)
    for unit in rows:
        if unit.is_committee:
            committees[unit.obj.path].append(unit)
    listed = Case(
        When(chapter_id__in=list(chapters), then=F("chapter_id")),
        default=None,
        output_field=IntegerField(),
    )
    # Grouped by the units' own path prefix (one length for the children of a committee): a row
    # per unit and stage, not per committee of the subtree.
    lengths = sorted({len(path) for path in committees})
    path = F("chapter__committee__path")
    if not lengths:  # chapters only: no committee to group by
        unit_path = Value("", output_field=CharField())
    elif len(lengths) == 1:
        unit_path = Substr(path, 1, lengths[0])
    else:
        unit_path = path
    groups = (
        candidates.annotate(unit_path=unit_path, unit_chapter=listed)
        .order_by()
        .values("unit_path", "unit_chapter", "stage")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today, due_excused=False)))
    )
    totals: dict[str, int] = defaultdict(int)
    for group in groups:
        totals[group["stage"]] += group["n"]
        found = [chapters[group["unit_chapter"]]] if group["unit_chapter"] in chapters else []
        path = group["unit_path"] or ""
        found += [u for length in lengths for u in committees.get(path[:length], ())]
        for unit in found:
            unit.open += group["n"]
            unit.overdue += group["late"]
            unit.by_stage[group["stage"]] = unit.by_stage.get(group["stage"], 0) + group["n"]
    return dict(totals), rows


def in_unit(candidates: QuerySet[Candidate], node: Committee | None) -> QuerySet[Candidate]:
    """The cases of the chapters anywhere under ``node`` (all of them without one)."""
    if node is None:
        return candidates
    return candidates.filter(in_subtrees((node.path,), "chapter__committee__path"))


# Counts kept elsewhere -------------------------------------------------------------------------

# The stored figures of whole subtrees (``reports.figures``) answer the units' counts of an
# officer's unfiltered board without counting the cases; the reports app registers the function
# (it reads this app, not the other way round): (reach, node, units, today) -> the ``tally``'s
# answer with the number of closed cases of each closed stage, or None where they do not apply.
_stored_tally: list[Callable] = []


def register_stored_tally(function: Callable) -> None:
    _stored_tally[:] = [function]


def stored_tally(
    reach: Reach, node: Committee | None, units: Sequence[Committee | Chapter], today: date
) -> tuple[dict[str, int], list[Unit], dict[str, int]] | None:
    """The units' counts (and the closed cases by stage) from stored figures, or None (then
    ``tally`` counts them)."""
    return _stored_tally[0](reach, node, units, today) if _stored_tally else None
