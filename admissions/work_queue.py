"""The committee's work queue (issue 15, item 2): what waits for the committee's decision across
the chapters it decides for (``members.access.Reach.decides_for``), most urgent first.

The queue is a small registry of item kinds (``KINDS``). Each kind names what the committee
decides, the step form that records it, and narrows its source's scope to its items; a source
(today only ``CASES``, the admission cases) knows its model's scope, filters, sort keys and how
to load a page of rows. The page costs a fixed number of queries whatever the number of items:

- one COUNT and one page of sort keys, a UNION ALL of every kind's keys sorted by urgency
  (overdue first, then the soonest stored deadline, then the longest waiting), LIMIT 50;
- one query per source for the rows of that page (their chapter and committee joined).

Deadlines are the stored ones (``Candidate.due_on``, ``due_excused``); nothing is recomputed
per row beyond the working days the deadline badge shows (the cached calendar, no query).

A later kind (a transfer letter to issue, an arrival not accepted) adds a source whose ``keys``
select the same columns, in the same order, as ``CaseSource.keys``, and its entries in ``KINDS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from admissions.checks.base import SOURCES
from admissions.deadlines import Deadline, stored_deadline
from admissions.models import Candidate, Resolution
from admissions.rules import rule
from members.access import Reach, in_subtrees
from members.models import Chapter, Committee

St = Candidate.Stage
PER_PAGE = 50
DUE = ("overdue", "soon")
#: The sort keys every source selects, in this order (a UNION ALL needs the same columns).
KEY_COLUMNS = ("item_late", "item_undated", "item_due", "item_since", "item_kind", "item_id")


def decided_chapters(reach: Reach, prefix: str = "committee") -> Q:
    """``Reach.decides_for`` as a query on Chapter (``prefix`` is the path to the chapter's
    committee): chapters hanging on one of the officer's committees or on a committee directly
    under one; everything for a superuser; nothing for anyone else."""
    if reach.is_superuser:
        return Q()
    query = Q(**{f"{prefix}_id__in": sorted(reach.committee_ids)})
    for path in sorted(reach.own_committee_paths):
        depth = len(path) // Committee.steplen + 1
        query |= Q(**{f"{prefix}__path__startswith": path, f"{prefix}__depth": depth})
    return query


@dataclass(frozen=True)
class Filters:
    """The queue's filters, already checked against the user's reach (the view's job)."""

    unit: Committee | None = None
    chapter: Chapter | None = None


@dataclass(frozen=True)
class QueueRow:
    """One item of the queue, what the template shows."""

    kind: ItemKind
    subject: object  # the case (later: a transfer)
    person: str
    chapter: Chapter
    deadline: Deadline | None
    state: str  # "overdue", "soon", "ok" or "" (no deadline)
    days_left: int | None
    waiting_since: date
    url: str  # the step form that records the decision
    detail_url: str


# Sources ---------------------------------------------------------------------------------------


class CaseSource:
    """Admission cases: the chapter is the case's, the deadline the stored one."""

    model = Candidate

    def scope(self, reach: Reach) -> QuerySet[Candidate]:
        return Candidate.objects.filter(decided_chapters(reach, "chapter__committee"))

    def narrow(self, cases: QuerySet[Candidate], filters: Filters) -> QuerySet[Candidate]:
        if filters.unit is not None:
            cases = cases.filter(in_subtrees((filters.unit.path,), "chapter__committee__path"))
        if filters.chapter is not None:
            cases = cases.filter(chapter=filters.chapter)
        return cases

    def keys(self, cases: QuerySet[Candidate], kind: ItemKind, today: date) -> QuerySet:
        late = When(due_on__lt=today, due_excused=False, then=Value(0))
        return (
            cases.order_by()
            .annotate(
                item_late=Case(late, default=Value(1), output_field=IntegerField()),
                item_undated=Case(
                    When(due_on__isnull=True, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                item_due=F("due_on"),
                item_since=F("stage_since"),
                item_kind=Value(kind.slug, output_field=CharField()),
                item_id=F("pk"),
            )
            .values(*KEY_COLUMNS)
        )

    def load(self, ids: list[int]) -> dict[int, Candidate]:
        rows = Candidate.objects.filter(pk__in=ids).select_related("chapter__committee", "cell")
        return {candidate.pk: candidate for candidate in rows}

    def row(self, kind: ItemKind, candidate: Candidate, today: date) -> QueueRow:
        deadline = stored_deadline(candidate)
        state = deadline.state(today) if deadline else ""
        return QueueRow(
            kind=kind,
            subject=candidate,
            person=candidate.full_name,
            chapter=candidate.chapter,
            deadline=deadline,
            state=state,
            days_left=deadline.working_days_left(today) if state in DUE else None,
            waiting_since=candidate.stage_since,
            url=reverse("admissions:candidate-step", args=[candidate.public_id, kind.step]),
            detail_url=candidate.get_absolute_url(),
        )


CASES = CaseSource()


# Item kinds ------------------------------------------------------------------------------------


def _admission_decisions(cases: QuerySet[Candidate], today: date) -> QuerySet[Candidate]:
    """R11: approved by the chapter (where no grassroots committee votes first) or by the
    grassroots committee: the competent committee decides (admissions.steps ``decide``)."""
    grassroots_first = Q(chapter__admission_settings__grassroots_step=True)
    return cases.filter(
        Q(stage=St.GRASSROOTS_APPROVED) | (Q(stage=St.CHAPTER_APPROVED) & ~grassroots_first)
    )


def _confirmation_decisions(cases: QuerySet[Candidate], today: date) -> QuerySet[Candidate]:
    """R14, R11: the chapter proposed confirmation; the committee decides (16-KNĐ)."""
    return cases.filter(stage=St.CONFIRMATION_VOTED)


def _removals(cases: QuerySet[Candidate], today: date) -> QuerySet[Candidate]:
    """R8, R14: probation served, the chapter's confirmation vote failed as often as the rule
    allows: the superior committee decides, removal from the probationary list."""
    failed = (
        Resolution.objects.filter(
            candidate=OuterRef("pk"),
            kind=Resolution.Kind.CONFIRMATION_CHAPTER,
            passed=False,
        )
        .order_by()
        .values("candidate")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        cases.filter(stage=St.ADMITTED)
        .alias(failed_votes=Subquery(failed))
        .filter(failed_votes__gte=rule("FAILED_VOTES_ESCALATE", today))
    )


@dataclass(frozen=True)
class ItemKind:
    slug: str
    #: what the committee decides
    label: Promise
    #: the regulation that gives the committee the decision (shown as is: proper names)
    regulation: str
    #: the step form that records it (admissions.steps; a committee step, access.COMMITTEE_STEPS)
    step: str
    source: CaseSource
    select: Callable[[QuerySet, date], QuerySet]


KINDS: dict[str, ItemKind] = {
    kind.slug: kind
    for kind in [
        ItemKind(
            "admission-decision",
            _("Admission decision"),
            f"Điều lệ Đảng, Điều 4; {SOURCES['R11']}",
            "decide",
            CASES,
            _admission_decisions,
        ),
        ItemKind(
            "confirmation-decision",
            _("Confirmation as an official member"),
            f"Điều lệ Đảng, Điều 5; {SOURCES['R11']}",
            "confirm",
            CASES,
            _confirmation_decisions,
        ),
        ItemKind(
            "removal",
            _("Removal from the probationary list (the chapter's votes failed)"),
            SOURCES["R14"],
            "not-confirm",
            CASES,
            _removals,
        ),
    ]
}


# The queue -------------------------------------------------------------------------------------


def queue_keys(reach: Reach, filters: Filters, today: date) -> QuerySet:
    """Every item's sort keys, most urgent first: the UNION ALL of the kinds' keys."""
    parts = []
    for kind in KINDS.values():
        source = kind.source
        scoped = source.narrow(source.scope(reach), filters)
        parts.append(source.keys(kind.select(scoped, today), kind, today))
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by(*KEY_COLUMNS)


def queue_rows(keys: list[dict], today: date) -> list[QueueRow]:
    """The rows of one page of keys, in the keys' order: one query per source."""
    wanted: dict[CaseSource, list[int]] = defaultdict(list)
    for key in keys:
        wanted[KINDS[key["item_kind"]].source].append(key["item_id"])
    loaded = {source: source.load(ids) for source, ids in wanted.items()}
    rows = []
    for key in keys:
        kind = KINDS[key["item_kind"]]
        subject = loaded[kind.source].get(key["item_id"])
        if subject is not None:  # gone between the two queries
            rows.append(kind.source.row(kind, subject, today))
    return rows


def unit_choices(reach: Reach) -> list[Committee]:
    """The committees the filter offers: the officer's own and those directly under them (whose
    chapters the committee decides for); a superuser: the top two levels. Own committees first,
    each followed by its children by name."""
    if reach.is_superuser:
        committees = Committee.objects.filter(depth__lte=2)
    else:
        committees = Committee.objects.filter(
            Q(pk__in=sorted(reach.committee_ids)) | decided_children(reach)
        )
    found = list(committees.order_by("path"))
    by_path = {c.path: c for c in found}

    def order(committee: Committee) -> tuple:
        parent = by_path.get(committee.path[: -Committee.steplen])
        head = parent if parent is not None else committee
        return (head.name, head.path, parent is not None, committee.name)

    return sorted(found, key=order)


def decided_children(reach: Reach) -> Q:
    """The committees directly under the officer's committees."""
    query = Q(pk__in=[])
    for path in sorted(reach.own_committee_paths):
        depth = len(path) // Committee.steplen + 1
        query |= Q(path__startswith=path, depth=depth)
    return query
