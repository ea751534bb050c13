"""The figures of an officer's committees read from stored figures (``reports.figures``), in the
shapes the live queries give: the dashboard's and the report's roll (a ``tally.Marginals``), a
period's movements, the admissions by quarter, the open cases by stage.

Used only where the scope is exactly whole subtrees of the committee tree
(``figures.applies``: an officer with no chapter or cell role besides, no chapter or cell
chosen); everything else is counted live, and is small. One ``Subtrees`` per page: its
measures share the tree's stamps (read once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from django.core.cache import cache
from django.db.models import Q

from admissions import board
from admissions.models import CLOSED_STAGES
from reports import figures, measures, tally
from reports.figures import Counts, Rollup, Tree, key, parts, resolve, subtrees
from reports.models import StoredFigures
from reports.quarters import quarter_spans
from reports.queries import PERIOD_FIGURES, Period


def _roll(counts: Counts) -> tuple[dict[str, dict], int, dict]:
    columns: dict[str, dict] = {}
    party_age: dict = {}
    total = 0
    for counts_key, n in counts.items():
        part = parts(counts_key)
        if part[0] == "n":
            total += n
        elif part[0] == "p":
            party_age[part[1]] = party_age.get(part[1], 0) + n
        else:
            column = columns.setdefault(part[1], {})
            column[part[2]] = column.get(part[2], 0) + n
    return columns, total, party_age


class Subtrees:
    """The measures of the subtrees of the committee paths ``tops`` (none under another)."""

    def __init__(self, tops: Sequence[str]):
        self.tops = tuple(tops)
        self.tree = Tree()

    def _rollup(self, name: str, counts_key: str, *, units: bool = False) -> Rollup:
        return subtrees(self.tops, name, counts_key, units=units, tree=self.tree)

    def marginals(self, day: date) -> tally.Marginals:
        """The roll on ``day``: by column, party-age band and child unit (``tally.tally``)."""
        rollup = self._rollup("roll", day.isoformat(), units=True)
        columns, total, party_age = _roll(rollup.total)
        units = {unit: _roll(counts)[1] for unit, counts in rollup.units.items()}
        return tally.Marginals(columns, total, {u: n for u, n in units.items() if n}, party_age)

    def roll_total(self, day: date) -> int:
        """How many were on the roll at the end of ``day`` (``queries.roll_count``)."""
        return _roll(self._rollup("roll", day.isoformat()).total)[1]

    def in_period(self, first: date, last: date) -> Period:
        """``queries.in_period``."""
        rollup = self._rollup("period", measures.period_key(first, last))
        by_kind = {parts(k)[1]: n for k, n in rollup.total.items()}
        counts = {
            figure: sum(by_kind.get(kind, 0) for kind in kinds)
            for figure, (_label, kinds) in PERIOD_FIGURES.items()
        }
        return Period(first, last, counts)

    def admissions_by_quarter(self, today: date) -> list[tuple[date, date, int]]:
        """``queries.admissions_by_quarter``."""
        total = self._rollup("quarters", today.isoformat()).total
        spans = quarter_spans(today)
        return [(first, last, total.get(key("q", i), 0)) for i, (first, last) in enumerate(spans)]

    def cases(self, today: date, *, units: bool = False) -> Rollup:
        """The admission cases (``measures.cases``), with each child unit's if ``units``."""
        return self._rollup("cases", today.isoformat(), units=units)


def by_stage(counts: Counts, part: str = "s", *, open_only: bool = True) -> dict[str, int]:
    """Stage -> count of one part of the ``cases`` measure (``s`` all cases, ``b`` before the
    ceremony, ``o`` past the deadline), open cases only unless told."""
    found: Counter = Counter()
    for counts_key, n in counts.items():
        which, stage = parts(counts_key)
        if which == part and not (open_only and stage in CLOSED_STAGES):
            found[stage] += n
    return dict(found)


def board_tally(reach, node, units, today: date):
    """The admissions board's counts of an officer's unit (``admissions.board.tally``) from the
    stored ``cases``: None unless the scope is whole subtrees (``figures.applies``)."""
    if not figures.applies(reach):
        return None
    tops = [node.path] if node is not None else list(reach.committee_paths)
    rows = [board.Unit(obj) for obj in units]
    keys = [f"k:{row.obj.path}" if row.is_committee else f"c:{row.obj.pk}" for row in rows]
    top_keys = [f"k:{top}" for top in tops]
    found = resolve(Tree(), [*top_keys, *keys], "cases", today.isoformat())
    totals: Counter = Counter()
    closed: Counter = Counter()
    for top in top_keys:
        totals.update(by_stage(found[top]))
        every = by_stage(found[top], open_only=False)
        closed.update({stage: n for stage, n in every.items() if stage in CLOSED_STAGES})
    for row, unit in zip(rows, keys, strict=True):
        row.by_stage = by_stage(found[unit])
        row.open = sum(row.by_stage.values())
        row.overdue = sum(by_stage(found[unit], "o").values())
    return dict(totals), rows, dict(closed)


def cold(subtrees: Subtrees, wanted: list[tuple[str, str]]) -> bool:
    """Whether any of the ``wanted`` (measure, key) was never stored for these subtrees: the
    first report of a past day or period at this scope."""
    tops = [f"k:{top}" for top in subtrees.tops]
    stored = StoredFigures.objects.filter(unit__in=tops)
    condition = Q(pk__in=[])
    for name, counts_key in wanted:
        condition |= Q(measure=name, key=counts_key)
    found = set(stored.filter(condition).values_list("unit", "measure", "key"))
    return any((top, name, k) not in found for top in tops for name, k in wanted)


def store_later(subtrees: Subtrees, wanted: list[tuple[str, str]]) -> None:
    """Count and store them in the background (``reports.tasks.store_figures``), once."""
    from reports.tasks import store_figures

    for name, counts_key in wanted:
        once = f"reports.figures:{name}:{counts_key}:{','.join(subtrees.tops)}"
        if cache.add(once, True, STORE_LATER_SECONDS):
            store_figures.enqueue(list(subtrees.tops), name, counts_key)


# A figure asked for again within this time is not queued a second time.
STORE_LATER_SECONDS = 600
