"""Committee unit pages (issue 14): a committee's child units with today's figures.

The child units of a committee are the committees directly under it and the chapters hanging
directly on it; each unit's figures cover its whole subtree. Everything is set-based and the
page runs a fixed number of queries whatever the size of the tree:

- the child committees and the chapters, counted and sliced for the page (four queries);
- the members on the roll of the whole subtree, one GROUP BY on the chapter's committee path; a
  committee's figures are the sum of the rows whose committee path starts with its own path;
- the open admission cases, the same GROUP BY (these two are kept a minute: ``subtree_rows``);
- the chapters listed on the page, the same two counts grouped by chapter.

Today's figures come from ``Member.status`` and ``Candidate.stage``: the services keep them equal
to the ledger for today (figures as of a past date are the report's, ``reports.queries``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from admissions.models import Candidate
from members.access import Reach
from members.models import Chapter, Committee, Member
from members.pickers import Folded, matching
from members.units import Units

St = Candidate.Stage
PER_PAGE = 50
FIGURES_SECONDS = getattr(settings, "UNIT_FIGURES_SECONDS", 60)

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


def _member_counts() -> dict:
    return {
        "roll": Count("pk"),
        "official": Count("pk", filter=Q(status=Member.Status.OFFICIAL)),
        "probationary": Count("pk", filter=Q(status=Member.Status.PROBATIONARY)),
    }


def _case_counts(today: date) -> dict:
    counts = {
        name: Count("pk", filter=Q(stage__in=stages))
        for name, (_label, stages) in CANDIDATE_GROUPS.items()
    }
    # The stored next deadline has passed (``CandidateQuerySet.overdue``).
    counts["overdue"] = Count("pk", filter=Q(due_on__lt=today, due_excused=False))
    return counts


def _on_roll() -> QuerySet[Member]:
    return Member.objects.filter(status__in=Member.ACTIVE_STATUSES).order_by()


def _open_cases() -> QuerySet[Candidate]:
    return Candidate.objects.filter(stage__in=OPEN_STAGES).order_by()


def _kinds(today: date) -> tuple:
    """What is counted: the members on the roll, and the open cases."""
    return ((_on_roll(), _member_counts()), (_open_cases(), _case_counts(today)))


def _tables() -> dict[str, str]:
    return {
        "member": Member._meta.db_table,
        "case": Candidate._meta.db_table,
        "chapter": Chapter._meta.db_table,
        "committee": Committee._meta.db_table,
    }


def _in(values) -> tuple[str, list]:
    return ", ".join(["%s"] * len(values)), list(values)


def _by_committee_path(inner: str, inner_params: list, names, subtrees) -> list[dict]:
    """Sum ``inner``'s per-chapter rows by the chapter's committee path, inside ``subtrees``.

    Counting chapter by chapter first lets PostgreSQL read the members from the register index
    alone (an index-only scan) and join 20,000 rows, not 1,000,000, to the tree.
    """
    t = _tables()
    like = " OR ".join(["k.path LIKE %s"] * len(subtrees)) or "1 = 0"
    chapters = (
        f"SELECT c2.id FROM {t['chapter']} c2 JOIN {t['committee']} k ON k.id = c2.committee_id "
        f"WHERE {like}"
    )
    sums = ", ".join(f"SUM(m.{name}) AS {name}" for name in names)
    sql = (
        f"SELECT k.path AS unit_path, {sums} FROM ({inner} AND chapter_id IN ({chapters}) "
        "GROUP BY chapter_id) m "
        f"JOIN {t['chapter']} c ON c.id = m.chapter_id "
        f"JOIN {t['committee']} k ON k.id = c.committee_id GROUP BY k.path"
    )
    patterns = [f"{path}%" for path in subtrees]
    with connections[router.db_for_read(Member)].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *patterns])
        return [
            {"unit_path": path, **{n: int(v or 0) for n, v in zip(names, rest, strict=True)}}
            for path, *rest in cursor.fetchall()
        ]


def _count_when(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _subtree_members(subtrees: tuple[str, ...]) -> list[dict]:
    active, params = _in(Member.ACTIVE_STATUSES)
    inner = (
        f"SELECT chapter_id, COUNT(*) AS roll, {_count_when('status = %s')} AS official, "
        f"{_count_when('status = %s')} AS probationary "
        f"FROM {_tables()['member']} WHERE status IN ({active})"
    )
    status = Member.Status
    inner_params = [status.OFFICIAL.value, status.PROBATIONARY.value, *map(str, params)]
    names = ("roll", "official", "probationary")
    return _by_committee_path(inner, inner_params, names, subtrees)


def _subtree_cases(subtrees: tuple[str, ...], today: date) -> list[dict]:
    columns, params = [], []
    for name, (_label, stages) in CANDIDATE_GROUPS.items():
        marks, values = _in(stages)
        columns.append(f"{_count_when(f'stage IN ({marks})')} AS {name}")
        params += [str(v) for v in values]
    # The stored next deadline has passed (``CandidateQuerySet.overdue``).
    columns.append(f"{_count_when('due_on < %s AND due_excused = %s')} AS overdue")
    params += [today.isoformat(), False]
    open_marks, open_values = _in(OPEN_STAGES)
    inner = (
        f"SELECT chapter_id, {', '.join(columns)} FROM {_tables()['case']} "
        f"WHERE stage IN ({open_marks})"
    )
    names = (*CANDIDATE_GROUPS, "overdue")
    return _by_committee_path(inner, [*params, *map(str, open_values)], names, subtrees)


def subtree_rows(tops: Sequence[Committee], today: date) -> list[dict]:
    """The figures of ``subtrees`` by committee path (``unit_path``): one query over the members
    on the roll, one over the open cases, each counting chapter by chapter then summing by the
    chapter's committee path. At the top of a province they read every member, so they are
    kept for ``FIGURES_SECONDS`` (the page may be that much behind, as a replica may be;
    ``settings.UNIT_FIGURES_SECONDS``, 0 to compute on every request)."""
    subtrees = tuple(top.path for top in tops)
    # Keyed by the committees themselves, not only their paths: a path freed by a move can be
    # given to a new committee within the minute, which must not get the old one's figures.
    identity = ",".join(f"{top.pk}:{top.path}" for top in tops)
    digest = hashlib.sha256(identity.encode()).hexdigest()
    key = f"reports.units:{today.isoformat()}:{digest}"
    rows = cache.get(key) if FIGURES_SECONDS else None
    if rows is None:
        rows = [*_subtree_members(subtrees), *_subtree_cases(subtrees, today)]
        if FIGURES_SECONDS:
            cache.set(key, rows, FIGURES_SECONDS)
    return rows


def chapter_rows(chapter_ids: list[int], today: date) -> list[dict]:
    """The figures of a few chapters, by ``chapter_id`` (two small queries, none without any)."""
    if not chapter_ids:
        return []
    rows = []
    for queryset, counts in _kinds(today):
        rows += list(
            queryset.filter(chapter_id__in=chapter_ids).values("chapter_id").annotate(**counts)
        )
    return rows


def figures_for(
    units: Iterable[Committee | Chapter], tops: Sequence[Committee], today: date
) -> tuple[list[Unit], Figures]:
    """Each unit with its figures, and the total of the subtrees of ``tops``: a committee's from
    ``subtree_rows`` (the rows whose committee path starts with its own), a chapter's from
    ``chapter_rows``."""
    rows = [Unit(obj) for obj in units]
    by_path: dict[str, list[Unit]] = defaultdict(list)
    by_chapter: dict[int, Unit] = {}
    for unit in rows:
        if unit.is_committee:
            by_path[unit.obj.path].append(unit)
        else:
            by_chapter[unit.obj.pk] = unit
    lengths = sorted({len(path) for path in by_path})
    total = Figures()
    for row in subtree_rows(tops, today):
        total.add(row)
        for length in lengths:
            for unit in by_path.get(row["unit_path"][:length], ()):
                unit.figures.add(row)
    for row in chapter_rows(list(by_chapter), today):
        by_chapter[row["chapter_id"]].figures.add(row)
    return rows, total
