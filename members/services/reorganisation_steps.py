"""The steps of a reorganisation (``members.services.reorganisation``): the decision, the
checks (with the Charter's article where one applies) and the bulk writes of one run (``Run``),
in the caller's transaction. Internal to the reorganisation services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chapter.dates import format_date, refuse_future
from chapter.documents import Document
from members.access import reach_of
from members.models import (
    Cell,
    Chapter,
    Committee,
    Handover,
    Member,
    MemberEvent,
    Reorganisation,
    RoleAssignment,
)
from members.services.common import Movement, event_fields, history_reason

Kind = Reorganisation.Kind
CHARTER = "Điều lệ Đảng, Điều 10–11"  # noqa: RUF001 (the article range, as cited)
BATCH = 1000


@dataclass(frozen=True)
class Decision:
    """The committee's decision: who decided, its number, date and issuing body, a note."""

    committee: Committee
    number: str
    date: date
    issuing_body: str
    note: str = ""

    @property
    def document(self) -> Document:
        return Document(
            kind=MemberEvent.DocumentKind.DECISION,
            number=self.number,
            date=self.date,
            issuing_body=self.issuing_body,
        )


class _Preview(Exception):
    def __init__(self, summary: dict) -> None:
        super().__init__("preview")
        self.summary = summary


def refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def cite(message: str) -> str:
    return f"{message} ({CHARTER})"


# Checks -------------------------------------------------------------------------------------


def check_authority(actor, decision: Decision, chapters: Iterable[Chapter], committees=()) -> None:
    """The deciding committee is one of the officer's own (a superuser may record any), and
    every chapter and committee the decision touches lies under it."""
    reach = reach_of(actor)
    if not reach.is_superuser and decision.committee.pk not in reach.committee_ids:
        raise refuse(
            cite(_("Only an officer of the deciding committee records its decisions.")),
            "not_deciding_committee",
            "committee",
        )
    top = decision.committee.path
    outside = [c.name for c in chapters if not c.committee.path.startswith(top)]
    outside += [c.name for c in committees if not c.path.startswith(top)]
    if outside:
        raise refuse(
            cite(
                _("Outside the deciding committee's organisation: %(names)s.")
                % {"names": ", ".join(outside)}
            ),
            "outside_committee",
        )


def check_decision(decision: Decision) -> None:
    if not decision.number.strip():
        raise refuse(_("Enter the decision's number."), "required", "decision_number")
    if not decision.issuing_body.strip():
        raise refuse(_("Enter the body that issued the decision."), "required", "issuing_body")
    refuse_future(decision.date, field="decision_date")


def check_chapters(decision: Decision, chapters: Sequence[Chapter], *, role: str) -> None:
    """Not dissolved, founded on or before the decision date."""
    for chapter in chapters:
        if chapter.dissolved_on is not None:
            raise refuse(
                cite(
                    _("%(name)s was dissolved on %(day)s.")
                    % {"name": chapter.name, "day": format_date(chapter.dissolved_on)}
                ),
                "dissolved",
                role,
            )
        if decision.date < chapter.founded_on:
            raise refuse(
                _("The decision date is before %(name)s was founded (%(founded)s).")
                % {"name": chapter.name, "founded": format_date(chapter.founded_on)},
                "before_founding",
                "decision_date",
            )


def check_latest_movements(decision: Decision, members: Sequence[Member]) -> None:
    """``members.checks.check_day`` for every member at once: no member who moves has an entry
    dated after the decision (the ledger is read in date order). One query."""
    if not members:
        return
    latest = (
        MemberEvent.objects.standing()
        .exclude(kind=MemberEvent.Kind.CORRECTED)
        .filter(member__in=[m.pk for m in members], effective_date__gt=decision.date)
        .aggregate(last=Max("effective_date"))["last"]
    )
    if latest is not None:
        raise refuse(
            _("The decision date is before the latest movement of a member who moves (%(last)s).")
            % {"last": format_date(latest)},
            "before_latest_movement",
            "decision_date",
        )


def check_handovers(
    chapters: Sequence[Chapter], members: Sequence[Member], *, dissolved: Sequence[Chapter] = ()
) -> None:
    """A transfer under way (letter to issue, arrival awaiting acceptance) of a member who moves,
    or from or to a chapter dissolved, is refused, listed: the user settles it first."""
    query = Q(member__in=[m.pk for m in members])
    if dissolved:
        query |= Q(from_chapter__in=dissolved) | Q(to_chapter__in=dissolved)
    query &= Q(state__in=[Handover.State.REQUESTED, Handover.State.SENT])
    if dissolved:  # returned "not arrived": its chapter decides, so it must still be there
        query |= Q(from_chapter__in=dissolved, state=Handover.State.NOT_ARRIVED)
    pending = (
        Handover.objects.filter(query)
        .select_related("member", "from_chapter", "to_chapter")
        .order_by("pk")
    )
    if pending:
        listed = "; ".join(
            f"{h.member.full_name} ({h.from_chapter.name} → {h.to_chapter.name}, "
            f"{h.get_state_display()})"
            for h in pending
        )
        raise refuse(
            _(
                "Transfers under way must be settled first (issue or withdraw the letter, "
                "accept the arrival or report it has not arrived): %(list)s."
            )
            % {"list": listed},
            "transfers_under_way",
        )


# The writes -----------------------------------------------------------------------------------


class Run:
    """One reorganisation's writes, collected and then made in bulk."""

    def __init__(self, kind: str, decision: Decision, actor) -> None:
        self.decision, self.actor = decision, actor
        self.reason = history_reason(
            _("Decision %(number)s of %(day)s: %(kind)s")
            % {
                "number": decision.number,
                "day": format_date(decision.date),
                "kind": Kind(kind).label,
            }
        )
        self.record = Reorganisation.objects.create(
            kind=kind,
            committee=decision.committee,
            decision_number=decision.number.strip(),
            decision_date=decision.date,
            issuing_body=decision.issuing_body.strip(),
            note=decision.note,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        self.summary: dict = {
            "members": 0,
            "cells": [],
            "chapters": [],
            "dissolved": [],
            "founded": [],
            "roles_ended": 0,
            "cases_moved": 0,
            "stays_moved": 0,
            "moved_chapters": [],
            "chapter_ids": [],
        }

    def touch(self, *chapters: Chapter) -> None:
        for chapter in chapters:
            if chapter.pk not in self.summary["chapter_ids"]:
                self.summary["chapter_ids"].append(chapter.pk)

    # Cells -------------------------------------------------------------------------------

    def new_cells(
        self, moves: Sequence[tuple[Cell, Chapter]], going: dict[int, int]
    ) -> dict[int, Cell]:
        """For each (old cell, new chapter): a new cell of that chapter with the same name, or
        "name (old chapter)" when the name is taken there, led by the same leader and deputy
        when they go to that chapter too (``going``: member pk -> new chapter pk). The old
        cells are closed. Returns old cell pk -> new cell."""
        if not moves:
            return {}
        targets = {chapter.pk for _cell, chapter in moves}
        taken = {
            (chapter_id, name.casefold())
            for chapter_id, name in Cell.objects.filter(chapter__in=targets).values_list(
                "chapter_id", "name"
            )
        }
        made: list[Cell] = []
        for cell, chapter in moves:
            name = cell.name
            if (chapter.pk, name.casefold()) in taken:
                suffix = f" ({cell.chapter.name})"
                name = f"{cell.name[: 120 - len(suffix)]}{suffix}"
                number = 2
                while (chapter.pk, name.casefold()) in taken:
                    tail = f" ({cell.chapter.name}) {number}"
                    name, number = f"{cell.name[: 120 - len(tail)]}{tail}", number + 1
            taken.add((chapter.pk, name.casefold()))
            made.append(
                Cell(
                    chapter=chapter,
                    name=name,
                    leader_id=cell.leader_id if going.get(cell.leader_id) == chapter.pk else None,
                    deputy_leader_id=(
                        cell.deputy_leader_id
                        if going.get(cell.deputy_leader_id) == chapter.pk
                        else None
                    ),
                )
            )
            self.summary["cells"].append(
                {"from": cell.name, "from_chapter": cell.chapter.name, "to": name,
                 "to_chapter": chapter.name}
            )  # fmt: skip
        bulk_create_with_history(
            made, Cell, default_user=self.actor, default_change_reason=self.reason
        )
        if any(cell.pk is None for cell in made):  # a database without RETURNING
            by_name = {(c.chapter_id, c.name): c for c in Cell.objects.filter(chapter__in=targets)}
            made = [by_name[(c.chapter.pk, c.name)] for c in made]
        now = timezone.now()
        old = [cell for cell, _chapter in moves]
        for cell in old:
            cell.closed_on, cell.updated_at = self.decision.date, now
        bulk_update_with_history(
            old,
            Cell,
            ["closed_on", "updated_at"],
            default_user=self.actor,
            default_change_reason=self.reason,
        )
        return {cell.pk: new for (cell, _chapter), new in zip(moves, made, strict=True)}

    # Members -----------------------------------------------------------------------------

    def move_members(self, moves: Sequence[tuple[Member, Chapter, Cell | None]]) -> None:
        """Each (member, new chapter, new cell): the row moved, one MOVED_CHAPTER entry in the
        new chapter's ledger, both in bulk. The members of one old cell (or of none) all go to
        one new cell of one chapter, so the rows are moved by one UPDATE a batch whose CASE has
        one branch per cell (``bulk_update``'s branch per row cost seconds for thousands), and
        their history rows written by one INSERT a batch."""
        if not moves:
            return
        now = timezone.now()
        events, members, goes = [], [], {}
        for member, chapter, cell in moves:
            goes.setdefault(member.cell_id, (chapter.pk, getattr(cell, "pk", None)))
            if goes[member.cell_id] != (chapter.pk, getattr(cell, "pk", None)):
                raise ValueError("members of one cell moved to different places")
            left = member.chapter
            member.chapter, member.cell, member.updated_at = chapter, cell, now
            movement = Movement(
                kind=MemberEvent.Kind.MOVED_CHAPTER,
                effective_date=self.decision.date,
                cell=cell,
                sets_cell=True,
                document=self.decision.document,
                counterpart=left.name,
                note=self.decision.note,
                data={"reorganisation": str(self.record.public_id)},
            )
            fields = event_fields(member, movement, from_status=member.status, actor=self.actor)
            events.append(MemberEvent(**fields))
            members.append(member)
        number = IntegerField()

        def case(part: int) -> Case:
            whens = [
                When(cell_id__isnull=True, then=Value(to[part], output_field=number))
                if old is None
                else When(cell_id=old, then=Value(to[part], output_field=number))
                for old, to in goes.items()
            ]
            return Case(*whens, output_field=number)

        for start in range(0, len(members), BATCH):
            batch = [member.pk for member in members[start : start + BATCH]]
            Member.objects.filter(pk__in=batch).update(
                chapter_id=case(0), cell_id=case(1), updated_at=now
            )
        Member.history.bulk_history_create(
            members,
            batch_size=BATCH,
            update=True,
            default_user=self.actor,
            default_change_reason=self.reason,
            default_date=now,
        )
        MemberEvent.objects.bulk_create(events, batch_size=BATCH)
        self.summary["members"] += len(members)

    # Roles, cases, stays --------------------------------------------------------------------

    def end_roles(self, chapters: Sequence[Chapter] = (), cells: Sequence[Cell] = ()) -> None:
        """Every role of these chapters and cells still held after the decision date ends on
        it (a role that starts later ends the day it starts)."""
        roles = list(
            RoleAssignment.objects.select_for_update()
            .filter(Q(chapter__in=chapters) | Q(cell__in=cells))
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=self.decision.date))
        )
        if not roles:
            return
        now = timezone.now()
        for role in roles:
            role.end_date, role.updated_at = max(role.start_date, self.decision.date), now
        bulk_update_with_history(
            roles,
            RoleAssignment,
            ["end_date", "updated_at"],
            default_user=self.actor,
            default_change_reason=self.reason,
        )
        self.summary["roles_ended"] += len(roles)

    def move_cases(self, source: Chapter, target: Chapter, cells: dict[int, Cell], *, every: bool):
        """The open admission cases of ``source`` follow to ``target``: those in the moved cells
        (with the new cell), and with ``every`` those without a cell too. Through the reverse
        relation (members does not import admissions): one read, one update, one history
        insert."""
        relation = Chapter._meta.get_field("candidates")
        model = relation.related_model
        cases = model._default_manager.filter(chapter=source).open()
        query = Q(cell__in=list(cells))
        if every:
            query |= Q(cell__isnull=True)
        moved = list(cases.filter(query).select_for_update(of=("self",)))
        if not moved:
            return
        now = timezone.now()
        for case in moved:
            case.chapter, case.cell, case.updated_at = target, cells.get(case.cell_id), now
        bulk_update_with_history(
            moved,
            model,
            ["chapter", "cell", "updated_at"],
            default_user=self.actor,
            default_change_reason=self.reason,
        )
        self.summary["cases_moved"] += len(moved)

    def move_stays(self, homes: dict[int, Chapter], hosts: dict[int, Chapter]) -> None:
        """Temporary stays under way: the member's home follows the member (``homes``: member
        pk -> new chapter), a dissolved host hands its guests to its successor (``hosts``:
        chapter pk -> chapter). A stay that would be hosted by its own home is refused."""
        stays = list(
            Handover.objects.filter(
                Q(member__in=list(homes)) | Q(to_chapter__in=list(hosts)),
                kind=Handover.Kind.TEMPORARY,
                state=Handover.State.ACCEPTED,
            ).select_related("member")
        )
        if not stays:
            return
        now = timezone.now()
        for stay in stays:
            if stay.member_id in homes:
                stay.from_chapter = homes[stay.member_id]
            if stay.to_chapter_id in hosts:
                stay.to_chapter = hosts[stay.to_chapter_id]
            if stay.from_chapter_id == stay.to_chapter_id:
                raise refuse(
                    _(
                        "%(name)s's temporary stay would then be in their own chapter: record "
                        "the return first."
                    )
                    % {"name": stay.member.full_name},
                    "stay_in_own_chapter",
                )
            stay.updated_at = now
        bulk_update_with_history(
            stays,
            Handover,
            ["from_chapter", "to_chapter", "updated_at"],
            default_user=self.actor,
            default_change_reason=self.reason,
        )
        self.summary["stays_moved"] += len(stays)

    def dissolve(self, chapters: Sequence[Chapter]) -> None:
        if not chapters:
            return
        now = timezone.now()
        for chapter in chapters:
            chapter.dissolved_on, chapter.dissolved_by = self.decision.date, self.record
            chapter.updated_at = now
            self.summary["dissolved"].append(chapter.name)
        bulk_update_with_history(
            list(chapters),
            Chapter,
            ["dissolved_on", "dissolved_by", "updated_at"],
            default_user=self.actor,
            default_change_reason=self.reason,
        )
        closing = list(Cell.objects.filter(chapter__in=chapters, closed_on__isnull=True))
        for cell in closing:
            cell.closed_on, cell.updated_at = self.decision.date, now
        if closing:
            bulk_update_with_history(
                closing,
                Cell,
                ["closed_on", "updated_at"],
                default_user=self.actor,
                default_change_reason=self.reason,
            )

    def finish(self, preview: bool) -> Reorganisation:
        self.record.summary = self.summary
        self.record.save(update_fields=["summary", "updated_at"])
        if preview:
            raise _Preview(self.summary)
        return self.record


def run_once(operation, *args, preview: bool = False, **kwargs):
    """One transaction; with ``preview`` the summary of what would be written, nothing kept."""
    try:
        with transaction.atomic():
            return operation(*args, preview=preview, **kwargs)
    except _Preview as done:
        return done.summary


def locked_chapters(chapters: Iterable[Chapter]) -> list[Chapter]:
    pks = [c.pk for c in chapters]
    found = Chapter.objects.select_for_update(of=("self",)).select_related("committee")
    by_pk = found.in_bulk(pks)
    return [by_pk[pk] for pk in pks]


def active_members(query: Q) -> list[Member]:
    return list(
        Member.objects.select_for_update(of=("self",))
        .filter(query, status__in=Member.ACTIVE_STATUSES)
        .select_related("chapter")
        .order_by("pk")
    )


def open_cells(chapters: Sequence[Chapter]) -> list[Cell]:
    return list(
        Cell.objects.filter(chapter__in=chapters, closed_on__isnull=True)
        .select_related("chapter")
        .order_by("chapter_id", "name", "pk")
    )
