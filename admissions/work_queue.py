"""The committee's work queue (issue 15, item 2): what waits for the committee's decision across
the chapters it decides for (``members.access.Reach.decides_for``), most urgent first.

The queue is a small registry of item kinds (``KINDS``). Each kind names what the committee
decides, the form that records it, whose chapter it is (``chapter``: the path to the item's
chapter, which the scope and the filters read) and how far the officer's scope reaches
(``reach``: the chapters the committee decides for, or every chapter under it), and narrows
its source's rows to its items; a source (``CASES``, the admission cases; ``HANDOVERS``, the
transfers between chapters) knows its model's sort keys and how
to load a page of rows. The page costs a fixed number of queries whatever the number of items:

- one query per source to prepare its keys (the transfers' deadline dates, below; the cases
  need none);
- one COUNT and one page of sort keys, a UNION ALL of every kind's keys sorted by urgency
  (overdue first, then the soonest deadline, then the longest waiting), LIMIT 50;
- one query per source with rows on that page (their chapter and committee joined).

The cases' deadlines are the stored ones (``Candidate.due_on``, ``due_excused``). A transfer's
deadline is counted in working days from a date on the handover (R22: the change of job or
residence, the letter's date): the transfers' source reads the distinct dates of its items
first and gives SQL each date's deadline as a CASE. Nothing is recomputed per row beyond the
working days the deadline badge shows (the cached calendar, no query).

A source's ``keys`` select the same columns, in the same order (``KEY_COLUMNS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
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
from members import transfers
from members.access import Reach, in_subtrees
from members.models import Chapter, Committee, Handover

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
    subject: object  # the case or the transfer (Handover)
    person: str
    chapter: Chapter
    deadline: Deadline | None
    state: str  # "overdue", "soon", "ok" or "" (no deadline)
    days_left: int | None
    waiting_since: date
    url: str  # the form that records the decision (kind.step)
    detail_url: str


# Sources ---------------------------------------------------------------------------------------


def overseen_chapters(reach: Reach, prefix: str = "committee") -> Q:
    """``Reach.oversees`` as a query on Chapter: every chapter under the officer's committees,
    at any depth; everything for a superuser."""
    if reach.is_superuser:
        return Q()
    return in_subtrees(reach.committee_paths, f"{prefix}__path")


def in_scope(kind: ItemKind, reach: Reach) -> Q:
    """The kind's items whose chapter (``kind.chapter``) lies in the officer's scope."""
    reaches = decided_chapters if kind.reach == DECIDES else overseen_chapters
    return reaches(reach, f"{kind.chapter}__committee")


def narrow(items: QuerySet, kind: ItemKind, filters: Filters) -> QuerySet:
    """The filters, on the kind's chapter (a case's; a transfer's sending or receiving one)."""
    if filters.unit is not None:
        items = items.filter(in_subtrees((filters.unit.path,), f"{kind.chapter}__committee__path"))
    if filters.chapter is not None:
        items = items.filter(**{kind.chapter: filters.chapter})
    return items


class CaseSource:
    """Admission cases: the chapter is the case's, the deadline the stored one."""

    model = Candidate

    def prepare(self, parts: list[tuple[ItemKind, QuerySet]], today: date) -> list[QuerySet]:
        return [self.keys(items, kind, today) for kind, items in parts]

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


@dataclass(frozen=True)
class TransferDeadline(Deadline):
    """A transfer's deadline (R22), counted from a date on the handover, never stored."""

    regulation: str = ""

    @property
    def source(self) -> str:
        return self.regulation


@dataclass(frozen=True)
class TransferDue:
    """How a transfer kind's deadline is counted: from which date of the handover, by which
    rule (``members.transfers``), and which handovers have one."""

    anchor: str  # the Handover date field the deadline counts from
    due: Callable[[date], date]
    label: Promise
    regulation: str
    #: the kinds of handover the rule applies to (permanent transfers: R22)
    handover_kinds: tuple[str, ...] = (Handover.Kind.PERMANENT,)

    def applies(self, handover: Handover) -> bool:
        return handover.kind in self.handover_kinds and getattr(handover, self.anchor) is not None

    @property
    def dated(self) -> Q:
        """``applies`` as a query."""
        return Q(kind__in=self.handover_kinds, **{f"{self.anchor}__isnull": False})


class HandoverSource:
    """Transfers between chapters (``members.models.handover``): each kind's deadline counted
    from a date on the handover (``TransferDue``), the day waited since another."""

    model = Handover

    def prepare(self, parts: list[tuple[ItemKind, QuerySet]], today: date) -> list[QuerySet]:
        """One query for every kind of this source: the distinct anchor dates of its items that
        have a deadline; each date's deadline is counted here (the cached calendar) and given to
        SQL as a CASE, so the keys sort by the deadline itself."""
        dated = [
            items.filter(kind.due.dated)
            .order_by()
            .annotate(item_kind=Value(kind.slug, output_field=CharField()))
            .values_list("item_kind", kind.due.anchor)
            for kind, items in parts
        ]
        anchors: dict[str, set[date]] = defaultdict(set)
        for slug, day in dated[0].union(*dated[1:]) if len(dated) > 1 else dated[0]:
            anchors[slug].add(day)
        return [self.keys(items, kind, today, anchors[kind.slug]) for kind, items in parts]

    def keys(
        self, items: QuerySet[Handover], kind: ItemKind, today: date, anchors: Iterable[date]
    ) -> QuerySet:
        due = kind.due
        by_due: dict[date, list[date]] = defaultdict(list)
        for day in sorted(anchors):
            by_due[due.due(day)].append(day)
        late = [day for deadline, days in by_due.items() if deadline < today for day in days]
        dated = due.dated
        return (
            items.order_by()
            .annotate(
                item_late=Case(
                    When(dated & Q(**{f"{due.anchor}__in": late}), then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                item_undated=Case(
                    When(dated, then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
                item_due=Case(
                    *(
                        When(dated & Q(**{f"{due.anchor}__in": days}), then=Value(deadline))
                        for deadline, days in sorted(by_due.items())
                    ),
                    default=None,
                    output_field=DateField(),
                ),
                item_since=F(kind.since),
                item_kind=Value(kind.slug, output_field=CharField()),
                item_id=F("pk"),
            )
            .values(*KEY_COLUMNS)
        )

    def load(self, ids: list[int]) -> dict[int, Handover]:
        rows = Handover.objects.filter(pk__in=ids).select_related(
            "member", "from_chapter__committee", "to_chapter__committee"
        )
        return {handover.pk: handover for handover in rows}

    def row(self, kind: ItemKind, handover: Handover, today: date) -> QueueRow:
        due, deadline = kind.due, None
        if due.applies(handover):
            anchor = getattr(handover, due.anchor)
            deadline = TransferDeadline(
                "R22", due.label, due.due(anchor), regulation=due.regulation
            )
        state = deadline.state(today) if deadline else ""
        return QueueRow(
            kind=kind,
            subject=handover,
            person=handover.member.full_name,
            chapter=getattr(handover, kind.chapter),
            deadline=deadline,
            state=state,
            days_left=deadline.working_days_left(today) if state in DUE else None,
            waiting_since=getattr(handover, kind.since),
            url=reverse(kind.step, args=[handover.public_id]),
            detail_url=reverse("members:handover-detail", args=[handover.public_id]),
        )


HANDOVERS = HandoverSource()


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


def _letters_to_issue(handovers: QuerySet[Handover], today: date) -> QuerySet[Handover]:
    """R22: the sending chapter asked for a transfer; the committee issues the letter."""
    return handovers.filter(state=Handover.State.REQUESTED)


def _arrivals_not_accepted(handovers: QuerySet[Handover], today: date) -> QuerySet[Handover]:
    """R22: a permanent transfer's letter issued, the receiving chapter has not yet accepted
    the member (nor reported that they have not come)."""
    return handovers.filter(state=Handover.State.SENT, kind=Handover.Kind.PERMANENT)


#: ``ItemKind.reach``: the chapters the committee decides for (``Reach.decides_for``), or every
#: chapter under the officer's committees (``Reach.oversees``).
DECIDES, OVERSEES = "decides", "oversees"
RECORD_THE_DECISION = _("Record the decision")


@dataclass(frozen=True)
class ItemKind:
    slug: str
    #: what waits for the committee
    label: Promise
    #: the regulation that gives the committee the decision (shown as is: proper names)
    regulation: str
    #: the form that records it: a case's step (admissions.steps; a committee step,
    #: access.COMMITTEE_STEPS), or a transfer's URL name
    step: str
    source: CaseSource | HandoverSource
    select: Callable[[QuerySet, date], QuerySet]
    #: the path from the item to its chapter, which the scope and the filters read
    chapter: str = "chapter"
    #: how far the officer's scope reaches (DECIDES or OVERSEES)
    reach: str = DECIDES
    #: the button that opens the form
    action: Promise = RECORD_THE_DECISION
    #: the day the item waits since (transfers; a case's is its stage's)
    since: str = ""
    #: how a transfer's deadline is counted
    due: TransferDue | None = None


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
        ItemKind(
            "transfer-letter",
            _("Transfer letter to issue"),
            transfers.SOURCE,
            "members:handover-issue",
            HANDOVERS,
            _letters_to_issue,
            chapter="from_chapter",
            action=_("Issue the letter"),
            since="requested_on",
            due=TransferDue(
                "change_date",
                transfers.start_due,
                _("start of the transfer"),
                transfers.SOURCE,
            ),
        ),
        ItemKind(
            "arrival",
            _("Arrival not accepted"),
            "Quy định 294-QĐ/TW, mục 6.3.1",
            "members:handover-detail",
            HANDOVERS,
            _arrivals_not_accepted,
            chapter="to_chapter",
            reach=OVERSEES,
            action=_("Open the transfer"),
            since="letter_date",
            due=TransferDue(
                "letter_date",
                transfers.present_due,
                _("transfer letter to be presented"),
                "Quy định 294-QĐ/TW, mục 6.3.1",
            ),
        ),
    ]
}


# The queue -------------------------------------------------------------------------------------


def queue_keys(reach: Reach, filters: Filters, today: date) -> QuerySet:
    """Every item's sort keys, most urgent first: the UNION ALL of the kinds' keys (each source
    prepares its kinds' keys together: at most one query each)."""
    by_source: dict[CaseSource | HandoverSource, list[tuple[ItemKind, QuerySet]]] = {}
    for kind in KINDS.values():
        source = kind.source
        scoped = narrow(source.model.objects.filter(in_scope(kind, reach)), kind, filters)
        by_source.setdefault(source, []).append((kind, kind.select(scoped, today)))
    parts = [key for source, kinds in by_source.items() for key in source.prepare(kinds, today)]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by(*KEY_COLUMNS)


def queue_rows(keys: list[dict], today: date) -> list[QueueRow]:
    """The rows of one page of keys, in the keys' order: one query per source."""
    wanted: dict[CaseSource | HandoverSource, list[int]] = defaultdict(list)
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
