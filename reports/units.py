"""Committee unit pages (issue 14): a committee's child units with today's figures.

The child units of a committee are the committees directly under it and the chapters hanging
directly on it; each unit's figures cover its whole subtree. Everything is set-based and the
page runs a fixed number of queries whatever the size of the tree:

- the child committees and the chapters, counted and sliced for the page (four queries);
- the figures of the units listed and of the whole subtree: today's stored figures
  (``reports.figures``), the roll and the admission cases of each unit, read from a few stored
  rows and current to the last write (a chapter changed since is counted again, alone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from admissions.models import Candidate
from members.access import Reach
from members.models import Chapter, Committee, Member
from members.pickers import Folded, matching
from members.units import Units
from reports.figures import Counts, Tree, key, resolve

St = Candidate.Stage
PER_PAGE = 50

# The open cases in four groups, in the order of the pipeline.
CANDIDATE_GROUPS = {
    "pool": (_("Pool and awareness course"), (St.POOL, St.SYMPATHISER, St.COURSE_DONE)),
    "dossier": (
        _("Dossier and chapter vote"),
        (St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED, St.INTRODUCED),
    ),
    "committee": (
        _("Awaiting the committee's decision"),
        (St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED, St.CONFIRMATION_VOTED),
    ),
    "probation": (_("Admitted, on probation"), (St.ADMISSION_DECIDED, St.ADMITTED)),
}
OPEN_STAGES = tuple(stage for _label, stages in CANDIDATE_GROUPS.values() for stage in stages)
FIGURES = ("roll", "official", "probationary", *CANDIDATE_GROUPS, "overdue")


@dataclass
class Figures:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, row: dict) -> None:
        for name in FIGURES:
            self.values[name] += row.get(name, 0)

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    @property
    def by_group(self) -> list[int]:
        """The open cases of each group of CANDIDATE_GROUPS, in order."""
        return [self.values[name] for name in CANDIDATE_GROUPS]


@dataclass
class Unit:
    """A row of the table: a committee (its whole subtree) or a chapter."""

    obj: Committee | Chapter
    figures: Figures = field(default_factory=Figures)

    @property
    def is_committee(self) -> bool:
        return isinstance(self.obj, Committee)


# The units a committee page lists (members/units.py).
ChildUnits = Units


def child_units(node: Committee, search: str = "") -> ChildUnits:
    """The units directly under ``node``; with ``search``, the committees and chapters of its
    whole subtree whose name contains it."""
    committees = Committee.objects.filter(path__startswith=node.path, depth__gt=node.depth)
    chapters = Chapter.objects.select_related("committee")
    if search:
        # Without diacritics, as the register and the pickers match ("hung thinh" finds
        # "Hưng Thịnh").
        committees = matching(committees, Folded("name"), search)
        chapters = matching(
            chapters.filter(committee__path__startswith=node.path), Folded("name"), search
        )
    else:
        committees = committees.filter(depth=node.depth + 1)
        chapters = chapters.filter(committee=node)
    return ChildUnits(committees, chapters)


def top_units(reach: Reach) -> ChildUnits:
    """The officer's own committees (none inside another), or every root for a superuser."""
    if reach.is_superuser:
        committees = Committee.objects.filter(depth=1)
    else:
        committees = Committee.objects.filter(path__in=reach.committee_paths)
    return ChildUnits(committees, Chapter.objects.none())


def _figures(roll: Counts, cases: Counts) -> dict[str, int]:
    """A unit's figures from its stored ``roll`` and ``cases`` counts (``reports.measures``)."""
    status = Member.Status
    found = {
        "roll": roll.get(key("n"), 0),
        "official": roll.get(key("f", "status_on", status.OFFICIAL.value), 0),
        "probationary": roll.get(key("f", "status_on", status.PROBATIONARY.value), 0),
    }
    for name, (_label, stages) in CANDIDATE_GROUPS.items():
        found[name] = sum(cases.get(key("s", str(stage)), 0) for stage in stages)
    # The stored next deadline has passed (``CandidateQuerySet.overdue``), open cases only.
    found["overdue"] = sum(cases.get(key("o", str(stage)), 0) for stage in OPEN_STAGES)
    return found


def figures_for(
    units: Iterable[Committee | Chapter], tops: Sequence[Committee], today: date
) -> tuple[list[Unit], Figures]:
    """Each unit with its figures, and the total of the subtrees of ``tops``: today's stored
    figures (``reports.figures``: the roll and the cases of each unit, current to the last
    write), two measures over one read of the tree's stamps."""
    rows = [Unit(obj) for obj in units]
    keys = [f"k:{unit.obj.path}" if unit.is_committee else f"c:{unit.obj.pk}" for unit in rows]
    top_keys = [f"k:{top.path}" for top in tops]
    tree = Tree()
    day = today.isoformat()
    roll = resolve(tree, [*top_keys, *keys], "roll", day)
    cases = resolve(tree, [*top_keys, *keys], "cases", day)
    total = Figures()
    for top in top_keys:
        total.add(_figures(roll[top], cases[top]))
    for unit, unit_key in zip(rows, keys, strict=True):
        unit.figures.add(_figures(roll[unit_key], cases[unit_key]))
    return rows, total
