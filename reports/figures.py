"""Stored figures (issue 14): a committee's figures summed from stored per-unit rows.

A province's dashboard, report, unit page and board show figures of hundreds of thousands of
members. Counting them takes seconds, so each *measure* (``reports.measures``: the roll on a
day, a period's movements, the admissions by quarter, the admission cases) is computed once per
chapter and summed up the committee tree, and the sums are stored (``StoredFigures``):

- a **chapter's** row carries the chapter's ``ChapterStamp`` version it was computed at; the
  database's triggers raise that version in the transaction of any write to the chapter's
  members, ledger or cases, so a row is current exactly while the versions are equal;
- a **committee's** row carries ``stamp`` = the sums over the chapters of its subtree of two
  checksums of (chapter id, version), and their number: any write under it, a chapter or a
  committee moved in or out, changes them (a move within it changes its children's, which the
  units' figures are read from).

A read (``resolve``) costs one query for the subtree's chapters and their versions, then the
stored rows of the units asked for; only where a row is stale does it go down a level, and only
the chapters that changed are counted again (one query per measure for all of them), summed
back up and stored. At the top of a province that is two or three queries and a few
milliseconds when nothing changed, a few tens of milliseconds after a secretary's change, and
the full count (seconds) only the first time a day or a period is asked for — ``manage.py
warm_figures`` (nightly) does that before anyone asks.

Never stale: the versions and the stamps are read *before* the counts they vouch for, so a
write committed in between makes the stored row look older than it is, never newer.
``settings.FIGURES_VERIFY`` (tests) recomputes every answer from scratch and fails on any
difference.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from members.models import Chapter, Committee, Member
from reports.models import ChapterStamp, StoredFigures

STEP = Committee.steplen
MODULUS = 2**63
CHUNK = 2000
# Above this many chapters to count again, count the whole subtree in one pass instead.
WHOLE_SUBTREE = 2000

Counts = Counter  # key (a JSON list, ``key()``) -> count

# name -> compute(chapters, key) -> {chapter id: Counts}, registered by ``reports.measures``.
MEASURES: dict[str, Callable[[QuerySet[Chapter], str], dict[int, Counts]]] = {}


def measure(name: str):
    def register(compute):
        MEASURES[name] = compute
        return compute

    return register


def key(*parts) -> str:
    """The key of one count inside a measure's counts: ``["f", "gender", "FEMALE"]``."""
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def parts(counts_key: str) -> list:
    return json.loads(counts_key)


# Two checksums of a chapter's (id, version), summed over a subtree: a write under it raises a
# version, a chapter moved in or out adds or takes its terms; either changes the sums. Each term
# is squared modulo a prime (a sum of linear terms would only see the count and the sums of the
# ids and versions: two chapters swapped for two others of the same id sum would go unseen).
# ``%%``: the query has parameters.
_TERMS = (
    ("(c.id * 1103515245 + COALESCE(s.version, 0) * 12345 + 7)", 2147483647),
    ("(c.id * 69069 + COALESCE(s.version, 0) * 1664525 + 1013904223)", 2147483629),
)
CHECKSUMS = tuple(f"((({term}) %% {p}) * (({term}) %% {p})) %% {p}" for term, p in _TERMS)
PRIMES = (2147483647, 2147483629)


def fold(sums: tuple[int, int, int]) -> int:
    """A committee's stamp from its subtree's (chapters, checksum, checksum)."""
    count, first, second = sums
    return ((first % PRIMES[0]) << 31 | (second % PRIMES[1])) ^ (count % 2**30) << 32


class Tree:
    """The stamps of units of the committee tree, read as needed — one query for the children
    of any number of committees at one depth — and shared by the measures of one page.

    A chapter's stamp is its version; a committee's is ``fold`` of its subtree's sums."""

    def __init__(self, using: str | None = None):
        self.using = using or router.db_for_read(Member)
        self.sums: dict[str, tuple[int, int, int]] = {}
        self.versions: dict[str, int] = {}
        self.kids: dict[str, list[str]] = {}

    def stamp(self, unit: str) -> int | None:
        if unit.startswith("c:"):
            return self.versions.get(unit)
        sums = self.sums.get(unit)
        return None if sums is None else fold(sums)

    def children(self, unit: str) -> list[str]:
        return self.kids.get(unit, [])

    def expand(self, units: Iterable[str]) -> None:
        """Read the children of committee units (``k:<path>``) with their sums (and so the
        committees' own): one query per depth."""
        todo = sorted(
            {unit[2:] for unit in units if unit.startswith("k:")} - {unit[2:] for unit in self.kids}
        )
        by_length: dict[int, list[str]] = defaultdict(list)
        for path in todo:
            by_length[len(path)].append(path)
        for length, paths in sorted(by_length.items()):
            for start in range(0, len(paths), CHUNK):
                self._expand(length, paths[start : start + CHUNK])

    def _expand(self, length: int, paths: list[str]) -> None:
        chapter = Chapter._meta.db_table
        committee = Committee._meta.db_table
        stamp = ChapterStamp._meta.db_table
        like = " OR ".join(["k.path LIKE %s"] * len(paths))
        sql = f"""
            SELECT SUBSTR(k.path, 1, {length}) AS parent,
              CASE WHEN LENGTH(k.path) = {length} THEN 'c:' || CAST(c.id AS VARCHAR(20))
                ELSE 'k:' || SUBSTR(k.path, 1, {length + STEP}) END AS unit,
              COUNT(*), SUM({CHECKSUMS[0]}), SUM({CHECKSUMS[1]}), MAX(COALESCE(s.version, 0))
            FROM {chapter} c JOIN {committee} k ON k.id = c.committee_id
              LEFT JOIN {stamp} s ON s.chapter_id = c.id
            WHERE {like}
            GROUP BY 1, 2
        """
        for path in paths:
            self.kids[f"k:{path}"] = []
            self.sums[f"k:{path}"] = (0, 0, 0)
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [f"{path}%" for path in paths])
            rows = cursor.fetchall()
        for parent, unit, count, first, second, version in sorted(rows):
            parent = f"k:{parent}"
            # A unit whose stamp was read before (a search lists a unit and one under it) keeps
            # it: its counts may already have been judged by it, and the parent's stamp must
            # be made of the stamps of what is summed into it.
            sums = self.sums.setdefault(unit, (int(count), int(first), int(second)))
            self.kids[parent].append(unit)
            if unit.startswith("c:"):
                self.versions.setdefault(unit, int(version))
            total = self.sums[parent]
            self.sums[parent] = tuple(a + b for a, b in zip(total, sums, strict=True))

    def read_stamps(self, units: Iterable[str]) -> None:
        """Make the stamps of ``units`` known: committees expanded shallowest first (a parent
        expanded gives its children's sums), chapters' versions read."""
        units = list(units)
        committees = sorted({unit for unit in units if unit.startswith("k:")}, key=len)
        for length in sorted({len(unit) for unit in committees}):
            self.expand(u for u in committees if len(u) == length and u not in self.sums)
        self.read_versions(units)

    def read_versions(self, units: Iterable[str]) -> None:
        """The versions of chapter units not read with their committee's children."""
        ids = [int(unit[2:]) for unit in units if unit.startswith("c:")]
        ids = [pk for pk in ids if f"c:{pk}" not in self.versions]
        if not ids:
            return
        rows = ChapterStamp.objects.using(self.using).filter(chapter_id__in=ids)
        found = dict(rows.values_list("chapter_id", "version"))
        for pk in ids:
            self.versions[f"c:{pk}"] = found.get(pk, 0)


def _stored(units: Iterable[str], name: str, counts_key: str) -> dict[str, tuple[int, Counts]]:
    units = list(units)
    found = {}
    rows = StoredFigures.objects.filter(measure=name, key=counts_key)
    for start in range(0, len(units), CHUNK):
        chunk = units[start : start + CHUNK]
        for unit, stamp, counts in rows.filter(unit__in=chunk).values_list(
            "unit", "stamp", "counts"
        ):
            found[unit] = (stamp, Counter(counts))
    return found


def _compute(
    chapter_ids: list[int], roots: list[str], name: str, counts_key: str, using: str
) -> dict[int, Counts]:
    """Count measure ``name`` for these chapters; for many, in one pass over the subtrees of
    ``roots`` (the stale committees they lie under)."""
    compute = MEASURES[name]
    chapters = Chapter.objects.using(using)
    found: dict[int, Counts] = {}
    rest = chapter_ids
    if len(chapter_ids) > WHOLE_SUBTREE and roots:
        condition = Q(pk__in=[])
        for root in roots:
            condition |= Q(committee__path__startswith=root[2:])
        counted = compute(chapters.filter(condition), counts_key)
        found.update(counted)
        # A chapter moved out of those subtrees since the stamps were read is counted alone,
        # never stored as empty.
        under = set(chapters.filter(condition).values_list("pk", flat=True))
        rest = [pk for pk in chapter_ids if pk not in under]
    for start in range(0, len(rest), CHUNK):
        chunk = rest[start : start + CHUNK]
        found.update(compute(chapters.filter(pk__in=chunk), counts_key))
    return {pk: Counter(found.get(pk, {})) for pk in chapter_ids}


def _store(rows: dict[str, tuple[int, Counts]], name: str, counts_key: str) -> None:
    if not rows:
        return
    objects = [
        StoredFigures(
            unit=unit,
            measure=name,
            key=counts_key,
            stamp=stamp,
            counts={k: n for k, n in counts.items() if n},
        )
        for unit, (stamp, counts) in sorted(rows.items())
    ]
    using = router.db_for_write(StoredFigures)
    with transaction.atomic(using=using):
        StoredFigures.objects.using(using).bulk_create(
            objects,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["measure", "key", "unit"],
            update_fields=["stamp", "counts", "computed_at"],
        )


def resolve(tree: Tree, units: Iterable[str], name: str, counts_key: str) -> dict[str, Counts]:
    """The counts of measure ``name`` for ``counts_key`` of each of ``units`` (``k:<path>`` of a
    committee, ``c:<id>`` of a chapter): the stored rows where current; the rest summed from
    the level below, going down only where a row is stale, the stale chapters counted again
    (one query for all of them); what was computed is stored."""
    wanted = list(dict.fromkeys(units))
    tree.read_stamps(wanted)
    known: dict[str, Counts] = {}
    fresh: dict[str, tuple[int, Counts]] = {}
    stale: list[str] = []  # committees whose stored row is missing or stale
    stale_chapters: list[int] = []
    examined: set[str] = set()
    level = wanted
    while level:
        examined.update(level)
        stored = _stored(level, name, counts_key)
        below = []
        stale_here = []
        for unit in level:
            row = stored.get(unit)
            if row is not None and row[0] == tree.stamp(unit):
                known[unit] = row[1]
            elif unit.startswith("c:"):
                stale_chapters.append(int(unit[2:]))
            else:
                stale_here.append(unit)
        stale += stale_here
        tree.expand(stale_here)
        for unit in stale_here:
            below += tree.children(unit)
        level = [unit for unit in dict.fromkeys(below) if unit not in examined]
    if stale_chapters:
        marked = set(stale)
        roots = [
            unit
            for unit in stale
            if not any(unit[:end] in marked for end in range(2 + STEP, len(unit), STEP))
        ]
        computed = _compute(stale_chapters, roots, name, counts_key, tree.using)
        for pk, counts in computed.items():
            known[f"c:{pk}"] = counts
            fresh[f"c:{pk}"] = (tree.stamp(f"c:{pk}"), counts)
    # Deepest first: a committee's children are known before it is summed.
    for unit in sorted(stale, key=len, reverse=True):
        total: Counts = Counter()
        for child in tree.children(unit):
            total.update(known[child])
        known[unit] = total
        fresh[unit] = (tree.stamp(unit), total)
    _store(fresh, name, counts_key)
    result = {unit: known.get(unit, Counter()) for unit in wanted}
    if getattr(settings, "FIGURES_VERIFY", False):
        _verify(result, name, counts_key, tree.using)
    return result


def _verify(result: dict[str, Counts], name: str, counts_key: str, using: str) -> None:
    """Count every answer again from the members and cases (tests: ``FIGURES_VERIFY``)."""
    compute = MEASURES[name]
    for unit, counts in result.items():
        if unit.startswith("c:"):
            chapters = Chapter.objects.using(using).filter(pk=int(unit[2:]))
        else:
            chapters = Chapter.objects.using(using).filter(committee__path__startswith=unit[2:])
        expected: Counts = Counter()
        for chapter_counts in compute(chapters, counts_key).values():
            expected.update(chapter_counts)
        got = {k: n for k, n in counts.items() if n}
        want = {k: n for k, n in expected.items() if n}
        if got != want:
            raise AssertionError(f"stored figures of {unit} {name} {counts_key}: {got} != {want}")


@dataclass(frozen=True)
class Rollup:
    """A measure over the subtrees of ``tops``: the total, and each child unit's counts
    (``units``: a child committee's path, or ``ch:<id>`` of a chapter on a top)."""

    total: Counts
    units: dict[str, Counts]


def subtrees(
    tops: Sequence[str], name: str, counts_key: str, *, units: bool = True, tree: Tree | None = None
) -> Rollup:
    """Measure ``name`` over the subtrees of the committee paths ``tops`` (none under
    another), with the counts of their child units (``units``). ``tree``: the page's, shared
    by its measures."""
    tree = tree or Tree()
    asked = [f"k:{top}" for top in tops]
    tree.expand(asked)
    children = [child for top in asked for child in tree.children(top)] if units else []
    found = resolve(tree, [*asked, *children], name, counts_key)
    total: Counts = Counter()
    for unit in asked:
        total.update(found[unit])
    by_unit = {
        (child[2:] if child.startswith("k:") else f"ch:{child[2:]}"): found[child]
        for child in children
    }
    return Rollup(total, by_unit)


def applies(reach) -> bool:
    """Whether a user's scope is exactly the subtrees of their committees (an officer with no
    chapter or cell role besides), so that stored figures answer for it."""
    return bool(
        reach.committee_paths
        and not reach.is_superuser
        and not reach.chapter_ids
        and not reach.cell_ids
    )


# Stored figures of a past day are kept this many days (``forget_past``, ``warm_figures``).
KEEP_DAYS = 7


def forget_past(before: date, today: date, keep: Iterable[str] = ()) -> int:
    """Delete the stored figures no page will ask for again soon: today's only measures
    (cases, quarters) of an earlier day, and the roll and movements of days (periods ending)
    before ``before``, but for the days in ``keep`` (the reports' opening days)."""
    old = Q(measure__in=["cases", "quarters"], key__lt=today.isoformat())
    old |= Q(measure="roll", key__lt=before.isoformat()) & ~Q(key__in=list(keep))
    # A period's key is "YYYY-MM-DD..YYYY-MM-DD": its last day from the 13th character.
    old |= Q(measure="period", period_end__lt=before.isoformat())
    rows = StoredFigures.objects.annotate(period_end=Substr("key", 13, 10))
    return rows.filter(old).delete()[0]


def forget(before=None) -> int:
    """Delete stored figures computed before ``before`` (all of them without): the nightly
    clean-up, and after a change of what a measure counts (a new release)."""
    rows = StoredFigures.objects.all()
    if before is not None:
        rows = rows.filter(computed_at__lt=before)
    return rows.delete()[0]
