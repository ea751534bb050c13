"""What every member service shares: the field lists, the locked row, the one way a movement
is recorded (row, history, ledger entry), and the admission-case guard (one path to each truth).
Internal to ``members.services``; the rules themselves are ``members.checks``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from chapter.documents import Document
from chapter.errors import field_error
from members import checks
from members.checks import TransitionNotAllowed
from members.models import Cell, Chapter, Member, MemberEvent

Kind = MemberEvent.Kind
Status = Member.Status

# Dates that define membership; changed only through member_correct_key_date, with a reason.
KEY_DATE_FIELDS = (
    "admission_decision_date",
    "ceremony_date",
    "official_date",
    "confirmation_decision_date",
)
# Everything else on the register a secretary may edit directly (row history keeps the change).
DETAIL_FIELDS = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion", "hometown",
    "birthplace", "permanent_address", "citizen_id", "phone", "email", "current_address",
    "general_education", "qualification", "political_theory", "foreign_language",
    "occupation_before", "occupation", "workplace", "job_title", "service", "card_number",
    "dossier_number", "badge_number", "youth_union_date", "admission_decision_number",
    "confirmation_decision_number", "first_admission_decision_date",
    "earlier_interruption_months", "note",
)  # fmt: skip


def history_reason(text: str) -> str:
    """simple-history keeps 100 characters of a change reason; the full note stays on the event."""
    text = str(text)
    return text if len(text) <= 100 else text[:99] + "…"


@dataclass
class Movement:
    """What one service call records; internal to this module."""

    kind: str
    effective_date: date
    status: str | None = None
    cell: Cell | None = None
    sets_cell: bool = False
    document: Document = field(default_factory=Document)
    counterpart: str = ""
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# Shared steps ---------------------------------------------------------------------------


def lock(member_id: int) -> Member:
    return (
        Member.objects.select_for_update(of=("self",)).select_related("chapter").get(pk=member_id)
    )


def record(
    member: Member, movement: Movement, *, actor, reason: str = "", fields=()
) -> MemberEvent:
    """Steps 3 and 4: save the locked row and append its event, in the caller's transaction.

    The import writes its new members in bulk through the same two halves (``start_record``,
    ``event_fields``; ``members.importing.write``): a step added here is added there too."""
    from_status = member.status
    changed = start_record(member, movement, actor=actor, reason=reason, fields=fields)
    if member.pk:
        member.save(update_fields=[*changed, "updated_at"])
    else:
        member.save()
    return MemberEvent.objects.create(
        **event_fields(member, movement, from_status=from_status, actor=actor)
    )


def start_record(
    member: Member, movement: Movement, *, actor, reason: str = "", fields=()
) -> set[str]:
    """Step 3 before the save: the move checked against the transition table, status and cell
    set, the actor and reason handed to django-simple-history. Returns the fields to save."""
    changed = set(fields)
    if movement.status is not None:
        checks.check_transition(member, movement.status)
        member.status = movement.status
        changed.add("status")
    if movement.sets_cell:
        member.cell = movement.cell
        changed.add("cell")
    member._history_user = actor
    member._change_reason = history_reason(reason or movement.note or Kind(movement.kind).label)
    return changed


def event_fields(member: Member, movement: Movement, *, from_status: str, actor) -> dict:
    """Step 4: the fields of the movement's ledger entry for ``member`` (saved)."""
    return {
        "member": member,
        "chapter_id": member.chapter_id,
        "kind": movement.kind,
        "effective_date": movement.effective_date,
        "from_status": from_status or "",
        "status": movement.status,
        "cell": member.cell if movement.sets_cell else None,
        "document_kind": movement.document.kind,
        "document_number": movement.document.number,
        "document_date": movement.document.date,
        "issuing_body": movement.document.issuing_body,
        "counterpart": movement.counterpart,
        "note": movement.note,
        "data": movement.data,
        "actor": actor if getattr(actor, "pk", None) else None,
    }


def new_member(
    *,
    chapter: Chapter,
    cell: Cell | None,
    status: str,
    details: dict[str, Any],
    movement: Movement,
    actor,
) -> Member:
    member = unsaved_member(
        chapter=chapter, cell=cell, status=status, details=details, movement=movement
    )
    checks.check_unique_identifiers(member)
    record(member, movement, actor=actor)
    return member


def unsaved_member(
    *,
    chapter: Chapter,
    cell: Cell | None,
    status: str,
    details: dict[str, Any],
    movement: Movement,
) -> Member:
    """A new member's row, checked and not saved: every check of ``new_member`` but the
    uniqueness of the identifiers, which the caller makes (one row, or a whole batch with
    ``checks.identifier_conflicts``). ``movement`` gets the status and cell ``record`` sets."""
    unknown = set(details) - set(DETAIL_FIELDS) - set(KEY_DATE_FIELDS)
    if unknown:
        raise ValueError(f"not member fields: {sorted(unknown)}")
    checks.check_cell(chapter, cell)
    checks.check_day(chapter, movement.effective_date)
    member = Member(chapter=chapter, cell=cell, **details)
    if member.ceremony_date and not member.official_date:
        member.official_date = Member.official_date_for(member.ceremony_date)
    member.status = status
    checks.validate_fields(member)
    checks.check_key_dates(member)
    checks.check_on_the_roll_date(member, status, movement.effective_date)
    member.status = ""  # set by record, through the transition table
    movement.status, movement.cell, movement.sets_cell = status, cell, True
    return member


def lock_active(member_id: int, day: date) -> Member:
    member = lock(member_id)
    if not member.is_active:
        raise TransitionNotAllowed(
            _("%(name)s is no longer on the roll (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
            code="not_on_roll",
        )
    checks.check_day(member.chapter, day, member=member)
    return member


def leave_roll(
    member_id: int,
    *,
    to_status: str,
    kind: str,
    actor,
    effective_date: date,
    document: Document,
    counterpart: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Member:
    member = lock(member_id)
    checks.check_transition(member, to_status)
    checks.check_day(member.chapter, effective_date, member=member)
    member.is_exempted = member.is_temporarily_out = False
    movement = Movement(
        kind=kind,
        effective_date=effective_date,
        status=to_status,
        document=document,
        counterpart=counterpart,
        note=note,
        data=data or {},
    )
    event = record(member, movement, actor=actor, fields=("is_exempted", "is_temporarily_out"))
    from members.services.handover import after_movement  # it records through this module

    after_movement(event)
    return member


# The admission case -----------------------------------------------------------------------


# One path to each truth: a member admitted through an admission case ends probation only
# through that case's steps, which call these services with ``through_case=True``.
CASE_KINDS = (Kind.ADMITTED, Kind.READMITTED, Kind.CONFIRMED, Kind.REMOVED_FROM_PROBATIONARY_LIST)
# What the case's papers say for such a member: changed only by annulling and redoing the step.
CASE_FIELDS = (*KEY_DATE_FIELDS, "admission_decision_number", "confirmation_decision_number")


def case_of(member: Member):
    """The admission case that last admitted this member (a re-admission's, if any), or None
    (imported, received by transfer). One query, then cached on the member."""
    if not hasattr(member, "_case_of"):
        member._case_of = member.admission_cases.order_by("-pk").first()
    return member._case_of


def prefetch_cases(members) -> None:
    """``case_of`` for many members at once (the import's batches): one query."""
    members = [member for member in members if not hasattr(member, "_case_of")]
    if not members:
        return
    relation = Member._meta.get_field("admission_cases")
    link = relation.field.attname
    latest = {}
    cases = relation.related_model._default_manager.filter(
        **{f"{link}__in": [member.pk for member in members]}
    )
    for case in cases.order_by("pk"):
        latest[getattr(case, link)] = case
    for member in members:
        member._case_of = latest.get(member.pk)


def refuse_case_fields(member: Member, names) -> None:
    """The dates and numbers of a member admitted through a case are the case's papers."""
    fields = [name for name in names if name in CASE_FIELDS]
    if fields and case_of(member) is not None:
        raise field_error(
            {
                name: _(
                    "This comes from a paper of the admission case: annul the case's step and "
                    "record it again."
                )
                for name in fields
            },
            code="through_case_only",
        )


def refuse_outside_case(member: Member, through_case: bool) -> None:
    if not through_case and case_of(member) is not None:
        raise TransitionNotAllowed(
            _(
                "%(name)s was admitted through an admission case: probation ends only through "
                "the case's steps (confirmation vote, committee decision, papers). Record it "
                "on the case."
            )
            % {"name": member.full_name},
            code="through_case_only",
        )
