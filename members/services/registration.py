"""Joining the roll (registration, admission, transfer in) and the register's details and key-date
corrections."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chapter.dates import format_date, refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members import checks
from members.checks import TransitionNotAllowed
from members.models import Cell, Chapter, Member, MemberEvent
from members.services.common import (
    DETAIL_FIELDS,
    KEY_DATE_FIELDS,
    Movement,
    case_of,
    history_reason,
    lock,
    new_member,
    record,
    refuse_case_fields,
    refuse_outside_case,
)

Kind = MemberEvent.Kind
Status = Member.Status


# Joining the roll -------------------------------------------------------------------------


@transaction.atomic
def member_register(
    *,
    chapter: Chapter,
    actor,
    effective_date: date,
    status: str,
    cell: Cell | None = None,
    details: dict[str, Any],
    note: str = "",
    imported: bool = False,
) -> Member:
    """Put an existing member on the chapter's roll (initial load or import).

    ``status`` is probationary or official on ``effective_date``. Writes the member and one
    REGISTERED (or IMPORTED) event. Raises ValidationError on bad details or dates.
    """
    movement = Movement(
        kind=Kind.IMPORTED if imported else Kind.REGISTERED,
        effective_date=effective_date,
        note=note,
    )
    return new_member(
        chapter=chapter, cell=cell, status=status, details=details, movement=movement, actor=actor
    )


@transaction.atomic
def member_admit(
    *,
    chapter: Chapter,
    actor,
    cell: Cell | None,
    details: dict[str, Any],
    decision: Document,
    ceremony_date: date,
    note: str = "",
) -> Member:
    """A new member from the admissions pipeline: probationary from the ceremony date, official
    date = ceremony + 12 months (R15). Writes the member and one ADMITTED event."""
    details = {
        **details,
        "admission_decision_date": decision.date,
        "admission_decision_number": decision.number,
        "ceremony_date": ceremony_date,
    }
    movement = Movement(
        kind=Kind.ADMITTED, effective_date=ceremony_date, document=decision, note=note
    )
    return new_member(
        chapter=chapter,
        cell=cell,
        status=Status.PROBATIONARY,
        details=details,
        movement=movement,
        actor=actor,
    )


@transaction.atomic
def member_transfer_in(
    *,
    chapter: Chapter,
    actor,
    effective_date: date,
    status: str,
    from_organisation: str,
    letter: Document,
    cell: Cell | None = None,
    details: dict[str, Any] | None = None,
    member_id: int | None = None,
    note: str = "",
    presented_date: date | None = None,
) -> Member:
    """Receive a member by permanent transfer (R22), with the transfer letter.

    A member who once transferred out of this chapter comes back on the same row
    (``member_id``); anyone else is a new row. One TRANSFERRED_IN event. ``presented_date``, the
    day the letter was presented here (default: the day received), is kept on the entry: the
    30-working-day deadline from the letter's date is read from it (``members.transfers``, a
    flag, never a refusal).
    """
    if not from_organisation:
        raise field_error(
            {"from_organisation": _("Say where the member comes from.")}, code="required"
        )
    data = {}
    if presented_date is not None:
        refuse_future(presented_date, field="presented_date")
        if letter.date and presented_date < letter.date:
            raise field_error(
                {"presented_date": _("The letter cannot be presented before its date.")},
                code="dates_order",
            )
        data["presented_date"] = presented_date.isoformat()
    movement = Movement(
        kind=Kind.TRANSFERRED_IN,
        effective_date=effective_date,
        document=letter,
        counterpart=from_organisation,
        note=note,
        data=data,
    )
    if member_id is None:
        return new_member(
            chapter=chapter,
            cell=cell,
            status=status,
            details=details or {},
            movement=movement,
            actor=actor,
        )
    member = lock(member_id)
    if member.chapter_id != chapter.pk:
        raise ValidationError(_("This member belongs to another chapter."), code="other_chapter")
    if member.status in Member.READMISSION_STATUSES:
        # Back from these exits only by re-admission (member_readmit), never by a transfer.
        _refuse_transition(member, status)
    checks.check_transition(member, status)
    case = case_of(member)
    if status == Status.OFFICIAL and case is not None and case.stage != "OFFICIAL":
        # Their probation ends on the case: they come back probationary, or are confirmed there.
        refuse_outside_case(member, through_case=False)
    checks.check_cell(chapter, cell)
    checks.check_day(chapter, effective_date, member=member)
    target = Member(
        **{f: getattr(member, f) for f in KEY_DATE_FIELDS},
        status=status,
        card_number=member.card_number,
        date_of_birth=member.date_of_birth,
    )
    checks.check_key_dates(target)
    checks.check_on_the_roll_date(target, status, effective_date)
    checks.check_unique_identifiers(member)
    movement.status, movement.cell, movement.sets_cell = status, cell, True
    record(member, movement, actor=actor)
    return member


def _refuse_transition(member: Member, status: str) -> None:
    raise TransitionNotAllowed(
        _("A member who is “%(current)s” cannot become “%(target)s” this way.")
        % {"current": member.get_status_display(), "target": Status(status).label},
        code="transition_not_allowed",
    )


# What the re-admission keeps of the earlier admission, in its ledger entry (and gives back if
# the entry is annulled).
EARLIER_ADMISSION_FIELDS = (
    *KEY_DATE_FIELDS,
    "admission_decision_number",
    "confirmation_decision_number",
    "first_admission_decision_date",
    "card_number",  # a probationary member holds no card (R21); a new one comes when official
)


@transaction.atomic
def member_readmit(
    *,
    member_id: int,
    chapter: Chapter,
    actor,
    cell: Cell | None,
    details: dict[str, Any],
    decision: Document,
    ceremony_date: date,
    note: str = "",
) -> Member:
    """Re-admission (kết nạp lại, R20) at the ceremony of a re-admission case: the person comes
    back on their one record, probationary again (R14, R15), with this admission's decision
    and ceremony as the record's key dates.

    Party age keeps counting from the first admission decision (R16): the first time the record
    comes back after having been official, that decision's date is kept in
    ``first_admission_decision_date``; the time off the roll is read from the ledger. The
    earlier key dates are kept in the READMITTED entry (an annulment gives them back).
    ``details`` (identity, contact, work from the case) replace the record's where given.
    Whether the person may be re-admitted at all is the case's check (admissions). Locks the
    member; writes it (history) and one READMITTED entry.
    """
    member = lock(member_id)
    if member.status not in Member.READMISSION_STATUSES:
        checks.check_transition(member, Status.PROBATIONARY)  # the table's refusal, if any
        _refuse_transition(member, Status.PROBATIONARY)
    if member.chapter_id != chapter.pk:
        raise ValidationError(
            _("The former record is in another chapter (%(chapter)s).")
            % {"chapter": member.chapter},
            code="other_chapter",
        )
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not member fields: {sorted(unknown)}")
    checks.check_cell(chapter, cell)
    checks.check_day(chapter, ceremony_date, member=member)
    earlier = {name: _plain(getattr(member, name)) for name in EARLIER_ADMISSION_FIELDS}
    changed = {name for name, value in details.items() if value not in (None, "")}
    for name in changed:
        setattr(member, name, details[name])
    if member.first_admission_decision_date is None and member.party_age() is not None:
        member.first_admission_decision_date = member.admission_decision_date or (
            member.ceremony_date
        )
    member.admission_decision_date = decision.date
    member.admission_decision_number = decision.number
    member.ceremony_date = ceremony_date
    member.official_date = Member.official_date_for(ceremony_date)
    member.confirmation_decision_date, member.confirmation_decision_number = None, ""
    member.card_number = ""
    check_first_decision(member)
    checks.validate_fields(member)
    checks.check_key_dates(member)
    checks.check_on_the_roll_date(member, Status.PROBATIONARY, ceremony_date)
    checks.check_unique_identifiers(member)
    member.is_exempted = member.is_temporarily_out = False
    movement = Movement(
        kind=Kind.READMITTED,
        effective_date=ceremony_date,
        status=Status.PROBATIONARY,
        cell=cell,
        sets_cell=True,
        document=decision,
        note=note,
        data={"earlier_admission": earlier},
    )
    fields = {*changed, *EARLIER_ADMISSION_FIELDS, "is_exempted", "is_temporarily_out"}
    record(member, movement, actor=actor, fields=sorted(fields))
    return member


def check_first_decision(member: Member) -> None:
    """The first admission decision (a re-admitted member's) comes before this admission's."""
    first, decided = member.first_admission_decision_date, member.admission_decision_date
    if first and decided and first > decided:
        raise field_error(
            {
                "first_admission_decision_date": _(
                    "The first admission decision cannot be after this admission's decision "
                    "(%(date)s)."
                )
                % {"date": format_date(decided)}
            },
            code="dates_order",
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# Corrections and details ------------------------------------------------------------------


@transaction.atomic
def member_correct_key_date(
    *, member_id: int, actor, field_name: str, value: date | None, reason: str
) -> Member:
    """Correct a key date (admission decision, ceremony, official, confirmation) with a reason.

    Changing the ceremony date moves the official date with it (R15). Writes the member, its
    history row with the reason, and one CORRECTED event dated today.
    """
    if field_name not in KEY_DATE_FIELDS:
        raise ValueError(f"not a key date: {field_name}")
    checks.require_reason(reason)
    member = lock(member_id)
    refuse_case_fields(member, [field_name])
    old = {f: getattr(member, f) for f in KEY_DATE_FIELDS}
    setattr(member, field_name, value)
    if field_name == "ceremony_date" and value:
        member.official_date = Member.official_date_for(value)
    checks.check_key_dates(member)
    changed = [f for f in KEY_DATE_FIELDS if getattr(member, f) != old[f]]
    if not changed:
        raise field_error({field_name: _("This is the date already recorded.")}, code="unchanged")
    data = {f: [_iso(old[f]), _iso(getattr(member, f))] for f in changed}
    movement = Movement(
        kind=Kind.CORRECTED, effective_date=timezone.localdate(), note=reason, data=data
    )
    record(member, movement, actor=actor, reason=reason, fields=changed)
    return member


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@transaction.atomic
def member_update_details(
    *,
    member_id: int,
    actor,
    changes: dict[str, Any],
    allowed: tuple[str, ...] = DETAIL_FIELDS,
    reason: str = "",
) -> Member:
    """Edit register details (not status, cell or key dates). ``allowed`` narrows the fields,
    e.g. to ``Member.CELL_LEADER_FIELDS`` for a cell leader. Row history keeps the change."""
    refuse_fields(changes, allowed)
    member = lock(member_id)
    changed = change_details(member, changes, actor=actor, reason=reason)
    if not changed:
        return member
    if member.is_active:
        checks.check_unique_identifiers(member)
    member.save(update_fields=[*changed, "updated_at"])
    return member


def refuse_fields(changes: dict[str, Any], allowed: tuple[str, ...] = DETAIL_FIELDS) -> None:
    refused = set(changes) - set(allowed)
    if refused:
        raise ValidationError(
            _("You may not change these fields: %(fields)s")
            % {"fields": ", ".join(sorted(refused))},
            code="field_not_allowed",
        )


def change_details(member: Member, changes: dict[str, Any], *, actor, reason: str = "") -> list:
    """``member_update_details`` on a locked row, not saved: the fields that differ set and
    checked, the actor and reason handed to django-simple-history; every check but the
    uniqueness of the identifiers, which the caller makes (one row, or a batch at once with
    ``checks.identifier_conflicts``). Returns the changed fields ([] when nothing differs)."""
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    if not changed:
        return []
    refuse_case_fields(member, changed)
    for name in changed:
        setattr(member, name, changes[name])
    check_first_decision(member)
    checks.validate_fields(member)
    checks.check_key_dates(member)
    member._history_user = actor
    member._change_reason = history_reason(reason or _("Details updated"))
    return changed
