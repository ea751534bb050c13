"""Every change of a member's status, cell or flags, and every other multi-row write.

Each public function follows STYLE.md section 2: in one transaction it locks the member row,
checks the move against ``MEMBER_TRANSITIONS`` and DOMAIN.md's rules, saves the row (with the
actor and reason handed to django-simple-history) and appends one ``MemberEvent``. A refused
move raises ``TransitionNotAllowed`` or ``ValidationError`` with a translated message and
writes nothing. Cost: a handful of queries each, whatever the size of the chapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chapter.dates import completed_years
from chapter.documents import Document  # the one value type; re-exported for older imports
from members.models import (
    MEMBER_TRANSITIONS,
    Cell,
    Chapter,
    Committee,
    Member,
    MemberEvent,
    RoleAssignment,
)

Kind = MemberEvent.Kind
Status = Member.Status
MIN_AGE_AT_ADMISSION = 18  # DOMAIN.md R1

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
    "confirmation_decision_number", "interruption_months", "note",
)  # fmt: skip


def history_reason(text: str) -> str:
    """simple-history keeps 100 characters of a change reason; the full note stays on the event."""
    text = str(text)
    return text if len(text) <= 100 else text[:99] + "…"


class TransitionNotAllowed(ValidationError):
    """The member's current status does not allow this movement (MEMBER_TRANSITIONS)."""


def _field_error(errors: dict[str, Any], *, code: str) -> ValidationError:
    """Errors keyed by field, each keeping ``code``: Django drops a code given beside a dict."""
    return ValidationError({name: ValidationError(msg, code=code) for name, msg in errors.items()})


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


# Shared steps -----------------------------------------------------------------------------


def _lock(member_id: int) -> Member:
    return (
        Member.objects.select_for_update(of=("self",)).select_related("chapter").get(pk=member_id)
    )


def _check_transition(member: Member, to_status: str) -> None:
    if to_status not in MEMBER_TRANSITIONS.get(member.status or None, set()):
        raise TransitionNotAllowed(
            _("A member who is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": member.get_status_display() if member.status else _("new"),
                "target": Status(to_status).label,
            },
            code="transition_not_allowed",
        )


def _check_day(chapter: Chapter, day: date, *, member: Member | None = None) -> None:
    """A movement is dated: not in the future, not before the chapter existed, and not before
    the member's latest movement (the ledger is read in date order)."""
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    if day < chapter.founded_on:
        raise ValidationError(
            _("The date is before the chapter was founded (%(founded)s).")
            % {"founded": chapter.founded_on.strftime("%d/%m/%Y")},
            code="before_founding",
        )
    if member is not None and member.pk:
        # A correction is dated the day it is recorded and moves nothing: it does not count.
        movements = member.events.standing().exclude(kind=Kind.CORRECTED)
        latest = movements.order_by("-effective_date").values_list("effective_date", flat=True)
        last = latest.first()
        if last and day < last:
            raise ValidationError(
                _("The date is before the member's latest movement (%(last)s).")
                % {"last": last.strftime("%d/%m/%Y")},
                code="before_latest_movement",
            )


def _check_cell(chapter: Chapter, cell: Cell | None) -> None:
    if cell is not None and cell.chapter_id != chapter.pk:
        raise _field_error(
            {"cell": _("This cell belongs to another chapter.")}, code="cell_chapter"
        )


def _check_unique_identifiers(member: Member) -> None:
    """One active member per citizen ID and per party card (the database checks it too)."""
    others = Member.objects.active().exclude(pk=member.pk)
    errors = {}
    if member.citizen_id and others.filter(citizen_id=member.citizen_id).exists():
        errors["citizen_id"] = _("Another member on the roll already has this citizen ID.")
    if member.card_number and others.filter(card_number=member.card_number).exists():
        errors["card_number"] = _("Another member on the roll already has this party card number.")
    if errors:
        raise _field_error(errors, code="duplicate_identifier")


def _check_key_dates(member: Member) -> None:
    """Dates in order (DOMAIN.md R13-R15, R21) for a member about to be saved as it is."""
    errors: dict[str, str] = {}
    born, decided = member.date_of_birth, member.admission_decision_date
    ceremony, official = member.ceremony_date, member.official_date
    joined = decided or ceremony
    if joined and born and completed_years(born, joined) < MIN_AGE_AT_ADMISSION:
        errors["date_of_birth"] = _("A member must have been at least 18 when admitted.")
    if decided and ceremony and ceremony < decided:
        errors["ceremony_date"] = _("The ceremony cannot be before the admission decision.")
    if ceremony and official and official != Member.official_date_for(ceremony):
        errors["official_date"] = _(
            "The official date must be the ceremony date plus 12 months (%(expected)s)."
        ) % {"expected": Member.official_date_for(ceremony).strftime("%d/%m/%Y")}
    confirmed = member.confirmation_decision_date
    if confirmed and ceremony and confirmed < ceremony:
        errors["confirmation_decision_date"] = _("The confirmation cannot be before the ceremony.")
    if member.status == Status.OFFICIAL and not official:
        errors["official_date"] = _("An official member needs the official date.")
    if member.status == Status.PROBATIONARY and member.card_number:
        errors["card_number"] = _("Only official members hold a party card.")
    if member.status == Status.PROBATIONARY and confirmed:
        errors["confirmation_decision_date"] = _(
            "A probationary member has no confirmation decision yet."
        )
    if errors:
        raise _field_error(errors, code="key_dates")


def _validate_fields(member: Member) -> None:
    """Field validators (citizen ID format, choices, e-mail) without the status fields."""
    member.full_clean(
        exclude=["chapter", "cell", "status"], validate_unique=False, validate_constraints=False
    )


def _record(
    member: Member, movement: Movement, *, actor, reason: str = "", fields=()
) -> MemberEvent:
    """Steps 3 and 4: save the locked row and append its event, in the caller's transaction."""
    from_status = member.status
    changed = set(fields)
    if movement.status is not None:
        _check_transition(member, movement.status)
        member.status = movement.status
        changed.add("status")
    if movement.sets_cell:
        member.cell = movement.cell
        changed.add("cell")
    member._history_user = actor
    member._change_reason = history_reason(reason or movement.note or Kind(movement.kind).label)
    if member.pk:
        member.save(update_fields=[*changed, "updated_at"])
    else:
        member.save()
    return MemberEvent.objects.create(
        member=member,
        kind=movement.kind,
        effective_date=movement.effective_date,
        from_status=from_status or "",
        status=movement.status,
        cell=member.cell if movement.sets_cell else None,
        document_kind=movement.document.kind,
        document_number=movement.document.number,
        document_date=movement.document.date,
        issuing_body=movement.document.issuing_body,
        counterpart=movement.counterpart,
        note=movement.note,
        data=movement.data,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _new_member(
    *,
    chapter: Chapter,
    cell: Cell | None,
    status: str,
    details: dict[str, Any],
    movement: Movement,
    actor,
) -> Member:
    unknown = set(details) - set(DETAIL_FIELDS) - set(KEY_DATE_FIELDS)
    if unknown:
        raise ValueError(f"not member fields: {sorted(unknown)}")
    _check_cell(chapter, cell)
    _check_day(chapter, movement.effective_date)
    member = Member(chapter=chapter, cell=cell, **details)
    if member.ceremony_date and not member.official_date:
        member.official_date = Member.official_date_for(member.ceremony_date)
    member.status = status
    _validate_fields(member)
    _check_key_dates(member)
    _check_on_the_roll_date(member, status, movement.effective_date)
    _check_unique_identifiers(member)
    member.status = ""  # set by _record, through the transition table
    movement.status, movement.cell, movement.sets_cell = status, cell, True
    _record(member, movement, actor=actor)
    return member


def _check_on_the_roll_date(member: Member, status: str, day: date) -> None:
    official = member.official_date
    if status == Status.OFFICIAL and official and official > day:
        raise _field_error(
            {
                "official_date": _(
                    "On this date the member was not official yet (official date %(date)s)."
                )
                % {"date": official.strftime("%d/%m/%Y")}
            },
            code="not_official_yet",
        )
    if status == Status.PROBATIONARY:
        if not member.ceremony_date:
            raise _field_error(
                {"ceremony_date": _("A probationary member needs the date of the ceremony.")},
                code="ceremony_missing",
            )
        if official and official <= day:
            raise _field_error(
                {
                    "official_date": _(
                        "By this date the 12 months of probation had ended: record the "
                        "member as official, or confirm them after registering."
                    )
                },
                code="probation_over",
            )
        if member.ceremony_date > day:
            raise _field_error(
                {
                    "ceremony_date": _(
                        "The ceremony is after the date the member joins the chapter."
                    )
                },
                code="ceremony_after_joining",
            )


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
    return _new_member(
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
    return _new_member(
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
) -> Member:
    """Receive a member by permanent transfer (R22), with the transfer letter.

    A member who once transferred out of this chapter comes back on the same row
    (``member_id``); anyone else is a new row. One TRANSFERRED_IN event.
    """
    if not from_organisation:
        raise _field_error(
            {"from_organisation": _("Say where the member comes from.")}, code="required"
        )
    movement = Movement(
        kind=Kind.TRANSFERRED_IN,
        effective_date=effective_date,
        document=letter,
        counterpart=from_organisation,
        note=note,
    )
    if member_id is None:
        return _new_member(
            chapter=chapter,
            cell=cell,
            status=status,
            details=details or {},
            movement=movement,
            actor=actor,
        )
    member = _lock(member_id)
    if member.chapter_id != chapter.pk:
        raise ValidationError(_("This member belongs to another chapter."), code="other_chapter")
    _check_transition(member, status)
    case = case_of(member)
    if status == Status.OFFICIAL and case is not None and case.stage != "OFFICIAL":
        # Their probation ends on the case: they come back probationary, or are confirmed there.
        _refuse_outside_case(member, through_case=False)
    _check_cell(chapter, cell)
    _check_day(chapter, effective_date, member=member)
    target = Member(
        **{f: getattr(member, f) for f in KEY_DATE_FIELDS},
        status=status,
        card_number=member.card_number,
        date_of_birth=member.date_of_birth,
    )
    _check_key_dates(target)
    _check_on_the_roll_date(target, status, effective_date)
    _check_unique_identifiers(member)
    movement.status, movement.cell, movement.sets_cell = status, cell, True
    _record(member, movement, actor=actor)
    return member


# Leaving the roll -------------------------------------------------------------------------


def _leave(
    member_id: int,
    *,
    to_status: str,
    kind: str,
    actor,
    effective_date: date,
    document: Document,
    counterpart: str = "",
    note: str = "",
) -> Member:
    member = _lock(member_id)
    _check_transition(member, to_status)
    _check_day(member.chapter, effective_date, member=member)
    member.is_exempted = member.is_temporarily_out = False
    movement = Movement(
        kind=kind,
        effective_date=effective_date,
        status=to_status,
        document=document,
        counterpart=counterpart,
        note=note,
    )
    _record(member, movement, actor=actor, fields=("is_exempted", "is_temporarily_out"))
    return member


@transaction.atomic
def member_transfer_out(
    *,
    member_id: int,
    actor,
    effective_date: date,
    to_organisation: str,
    letter: Document,
    note: str = "",
) -> Member:
    """Permanent transfer out (R22): the member leaves this chapter's roll for another."""
    if not to_organisation:
        raise _field_error({"to_organisation": _("Say where the member goes.")}, code="required")
    return _leave(
        member_id,
        to_status=Status.TRANSFERRED_OUT,
        kind=Kind.TRANSFERRED_OUT,
        actor=actor,
        effective_date=effective_date,
        document=letter,
        counterpart=to_organisation,
        note=note,
    )


@transaction.atomic
def member_remove(
    *, member_id: int, actor, effective_date: date, decision: Document, reason: str
) -> Member:
    """Removal from the roll (xóa tên, R24): administrative, decided by the competent committee."""
    _require_reason(reason)
    return _leave(
        member_id,
        to_status=Status.REMOVED,
        kind=Kind.REMOVED,
        actor=actor,
        effective_date=effective_date,
        document=decision,
        note=reason,
    )


@transaction.atomic
def member_expel(
    *, member_id: int, actor, effective_date: date, decision: Document, reason: str
) -> Member:
    """Expulsion (khai trừ): a disciplinary sanction."""
    _require_reason(reason)
    return _leave(
        member_id,
        to_status=Status.EXPELLED,
        kind=Kind.EXPELLED,
        actor=actor,
        effective_date=effective_date,
        document=decision,
        note=reason,
    )


@transaction.atomic
def member_leave(
    *, member_id: int, actor, effective_date: date, decision: Document, reason: str
) -> Member:
    """Leaving the Party (ra khỏi Đảng) at the member's request."""
    _require_reason(reason)
    return _leave(
        member_id,
        to_status=Status.LEFT,
        kind=Kind.LEFT,
        actor=actor,
        effective_date=effective_date,
        document=decision,
        note=reason,
    )


@transaction.atomic
def member_record_death(*, member_id: int, actor, effective_date: date, note: str = "") -> Member:
    """Death (từ trần), dated."""
    return _leave(
        member_id,
        to_status=Status.DECEASED,
        kind=Kind.DECEASED,
        actor=actor,
        effective_date=effective_date,
        document=Document(),
        note=note,
    )


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise _field_error({"reason": _("Give the reason.")}, code="required")


# Probation ends ---------------------------------------------------------------------------


# One path to each truth: a member admitted through an admission case ends probation only
# through that case's steps, which call these services with ``through_case=True``.
CASE_KINDS = (Kind.ADMITTED, Kind.CONFIRMED, Kind.REMOVED_FROM_PROBATIONARY_LIST)
# What the case's papers say for such a member: changed only by annulling and redoing the step.
CASE_FIELDS = (*KEY_DATE_FIELDS, "admission_decision_number", "confirmation_decision_number")


def case_of(member: Member):
    """The admission case that admitted this member, or None (imported, received by transfer).
    One query, then cached on the member."""
    return getattr(member, "candidate", None)


def _refuse_case_fields(member: Member, names) -> None:
    """The dates and numbers of a member admitted through a case are the case's papers."""
    fields = [name for name in names if name in CASE_FIELDS]
    if fields and case_of(member) is not None:
        raise _field_error(
            {
                name: _(
                    "This comes from a paper of the admission case: annul the case's step and "
                    "record it again."
                )
                for name in fields
            },
            code="through_case_only",
        )


def _refuse_outside_case(member: Member, through_case: bool) -> None:
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


@transaction.atomic
def member_confirm_official(
    *, member_id: int, actor, decision: Document, note: str = "", through_case: bool = False
) -> Member:
    """Confirmation as an official member (R14, R15): the official date stays ceremony + 12
    months whatever the decision date, and the event is dated on it.

    Refused for a member admitted through a case unless ``through_case`` (the case's step)."""
    member = _lock(member_id)
    _check_transition(member, Status.OFFICIAL)
    _refuse_outside_case(member, through_case)
    if not member.is_probationary:
        # The table lets a transferred-out member become official again, but by transfer in only.
        raise TransitionNotAllowed(
            _("Only a probationary member can be confirmed as official."),
            code="transition_not_allowed",
        )
    if not member.official_date:
        raise ValidationError(_("The member's ceremony date is missing."), code="ceremony_missing")
    if not decision.date or not decision.number:
        raise ValidationError(
            _("Give the number and date of the confirmation decision."), code="required"
        )
    if decision.date < member.official_date:
        raise ValidationError(
            _("The 12 months of probation end on %(date)s: no confirmation before then.")
            % {"date": member.official_date.strftime("%d/%m/%Y")},
            code="probation_not_served",
        )
    if decision.date > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    member.confirmation_decision_date = decision.date
    member.confirmation_decision_number = decision.number
    movement = Movement(
        kind=Kind.CONFIRMED,
        effective_date=member.official_date,
        status=Status.OFFICIAL,
        document=decision,
        note=note,
    )
    _record(
        member,
        movement,
        actor=actor,
        fields=("confirmation_decision_date", "confirmation_decision_number"),
    )
    return member


@transaction.atomic
def member_remove_from_probationary_list(
    *, member_id: int, actor, decision: Document, reason: str, through_case: bool = False
) -> Member:
    """Not qualified at the end of probation (R19): never an extension.

    Refused for a member admitted through a case unless ``through_case`` (the case's step)."""
    _require_reason(reason)
    if not decision.date:
        raise ValidationError(_("Give the date of the decision."), code="required")
    if not through_case:
        _refuse_outside_case(_lock(member_id), through_case)
    return _leave(
        member_id,
        to_status=Status.REMOVED_FROM_PROBATIONARY_LIST,
        kind=Kind.REMOVED_FROM_PROBATIONARY_LIST,
        actor=actor,
        effective_date=decision.date,
        document=decision,
        note=reason,
    )


# While on the roll ------------------------------------------------------------------------


def _lock_active(member_id: int, day: date) -> Member:
    member = _lock(member_id)
    if not member.is_active:
        raise TransitionNotAllowed(
            _("%(name)s is no longer on the roll (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
            code="not_on_roll",
        )
    _check_day(member.chapter, day, member=member)
    return member


@transaction.atomic
def member_move_cell(
    *, member_id: int, actor, cell: Cell | None, effective_date: date, note: str = ""
) -> Member:
    """Move a member to another cell of the chapter (or out of any cell)."""
    member = _lock_active(member_id, effective_date)
    _check_cell(member.chapter, cell)
    if cell == member.cell:
        raise _field_error({"cell": _("The member is already in this cell.")}, code="same_cell")
    data = {"from_cell": str(member.cell) if member.cell else ""}
    movement = Movement(
        kind=Kind.MOVED_CELL,
        effective_date=effective_date,
        cell=cell,
        sets_cell=True,
        note=note,
        data=data,
    )
    _record(member, movement, actor=actor)
    return member


def _flag(
    member_id: int,
    *,
    flag: str,
    value: bool,
    kind: str,
    actor,
    effective_date: date,
    document: Document = Document(),
    counterpart: str = "",
    note: str = "",
    data=None,
) -> Member:
    member = _lock_active(member_id, effective_date)
    if getattr(member, flag) == value:
        messages = {
            ("is_temporarily_out", True): _("The member is already temporarily transferred out."),
            ("is_temporarily_out", False): _("The member is not temporarily transferred out."),
            ("is_exempted", True): _("The member is already exempted."),
            ("is_exempted", False): _("The member is not exempted."),
        }
        raise TransitionNotAllowed(messages[(flag, value)], code="flag_unchanged")
    setattr(member, flag, value)
    movement = Movement(
        kind=kind,
        effective_date=effective_date,
        document=document,
        counterpart=counterpart,
        note=note,
        data=data or {},
    )
    _record(member, movement, actor=actor, fields=(flag,))
    return member


@transaction.atomic
def member_temporary_out(
    *,
    member_id: int,
    actor,
    effective_date: date,
    to_organisation: str,
    until: date | None = None,
    letter: Document = Document(),
    note: str = "",
) -> Member:
    """Temporary transfer out (R23): still on this roll, out of the vote base until return."""
    if not to_organisation:
        raise _field_error({"to_organisation": _("Say where the member goes.")}, code="required")
    if until and until <= effective_date:
        raise _field_error({"until": _("The end must be after the start.")}, code="dates_order")
    data = {"until": until.isoformat()} if until else {}
    return _flag(
        member_id,
        flag="is_temporarily_out",
        value=True,
        kind=Kind.TEMPORARY_OUT,
        actor=actor,
        effective_date=effective_date,
        document=letter,
        counterpart=to_organisation,
        note=note,
        data=data,
    )


@transaction.atomic
def member_temporary_return(
    *, member_id: int, actor, effective_date: date, note: str = ""
) -> Member:
    return _flag(
        member_id,
        flag="is_temporarily_out",
        value=False,
        kind=Kind.TEMPORARY_RETURN,
        actor=actor,
        effective_date=effective_date,
        note=note,
    )


@transaction.atomic
def member_exempt(
    *, member_id: int, actor, effective_date: date, reason: str, decision: Document = Document()
) -> Member:
    """Exemption from party work and meetings: the chapter decides, on a written request."""
    _require_reason(reason)
    return _flag(
        member_id,
        flag="is_exempted",
        value=True,
        kind=Kind.EXEMPTED,
        actor=actor,
        effective_date=effective_date,
        document=decision,
        note=reason,
    )


@transaction.atomic
def member_end_exemption(*, member_id: int, actor, effective_date: date, note: str = "") -> Member:
    return _flag(
        member_id,
        flag="is_exempted",
        value=False,
        kind=Kind.EXEMPTION_ENDED,
        actor=actor,
        effective_date=effective_date,
        note=note,
    )


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
    _require_reason(reason)
    member = _lock(member_id)
    _refuse_case_fields(member, [field_name])
    old = {f: getattr(member, f) for f in KEY_DATE_FIELDS}
    setattr(member, field_name, value)
    if field_name == "ceremony_date" and value:
        member.official_date = Member.official_date_for(value)
    _check_key_dates(member)
    changed = [f for f in KEY_DATE_FIELDS if getattr(member, f) != old[f]]
    if not changed:
        raise _field_error({field_name: _("This is the date already recorded.")}, code="unchanged")
    data = {f: [_iso(old[f]), _iso(getattr(member, f))] for f in changed}
    movement = Movement(
        kind=Kind.CORRECTED, effective_date=timezone.localdate(), note=reason, data=data
    )
    _record(member, movement, actor=actor, reason=reason, fields=changed)
    return member


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# Annulment --------------------------------------------------------------------------------


def latest_entry(member: Member) -> MemberEvent | None:
    """The entry an annulment would cancel now: the most recently recorded one still standing
    (annulling goes back one entry at a time, in the order they were recorded)."""
    return member.events.standing().order_by("-id").first()


def annul_refusal(member: Member, event: MemberEvent, *, through_case: bool = False) -> str:
    """Why this entry cannot be annulled from the register ("" if it can). Pure except for
    ``case_of``'s one query; the detail page and the service share it."""
    if event.kind in CASE_KINDS and not through_case and case_of(member) is not None:
        return _(
            "“%(entry)s” was recorded by a step of the admission case: annul that step on the "
            "case, which annuls this entry with it."
        ) % {"entry": event.get_kind_display()}
    return ""


@transaction.atomic
def member_annul_latest(
    *, member_id: int, actor, event_id: int, reason: str, through_case: bool = False
) -> MemberEvent:
    """Annul the member's latest entry, recorded by mistake, with a reason.

    The ledger stays append-only: one ANNULLED entry pointing at the mistaken one. Status,
    cell and flags are derived again from the entries still standing, so they, and every as-of
    figure, are what they would be without it; an annulled confirmation also clears the
    confirmation decision, an annulled correction restores the dates it changed. Annulling the
    entry that put the member on the register leaves the record ANNULLED (never on the roll),
    refused while other rows (cells, roles, cases) name the member. Only the latest standing
    entry (``latest_entry``) can be annulled, never an annulment; entries written by an
    admission case's step are annulled through the case (``through_case``).
    Locks the member row; writes the member (history with the reason) and one event.
    """
    _require_reason(reason)
    member = _lock(member_id)
    event = member.events.filter(pk=event_id).first()
    if event is None:
        raise ValidationError(_("This entry is not in the member's ledger."), code="not_found")
    _check_annullable(member, event)
    refusal = annul_refusal(member, event, through_case=through_case)
    if refusal:
        raise TransitionNotAllowed(refusal, code="through_case_only")
    return _annul(member, event, actor=actor, reason=reason)


def _check_annullable(member: Member, event: MemberEvent) -> None:
    if event.kind == Kind.ANNULLED:
        raise ValidationError(_("An annulment cannot itself be annulled."), code="annulment")
    if MemberEvent.objects.filter(annuls=event).exists():
        raise ValidationError(_("This entry has already been annulled."), code="annulled")
    latest = latest_entry(member)
    if latest is None or latest.pk != event.pk:
        raise ValidationError(
            _(
                "Only the latest entry can be annulled (now “%(latest)s”): annul it first to go "
                "further back."
            )
            % {"latest": latest},
            code="not_latest",
        )


def _annul(member: Member, event: MemberEvent, *, actor, reason: str) -> MemberEvent:
    before = member.status
    changed = {"status", "cell", "is_exempted", "is_temporarily_out"}
    if event.kind == Kind.CONFIRMED:
        member.confirmation_decision_date, member.confirmation_decision_number = None, ""
        changed |= {"confirmation_decision_date", "confirmation_decision_number"}
    if event.kind == Kind.CORRECTED:
        for name, (old, _new) in event.data.items():
            setattr(member, name, date.fromisoformat(old) if old else None)
            changed.add(name)
    annulment = MemberEvent.objects.create(
        member=member,
        kind=Kind.ANNULLED,
        annuls=event,
        effective_date=timezone.localdate(),
        from_status=before or "",
        note=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    _derive_from_ledger(member)
    if member.status == Status.ANNULLED:
        _check_not_referenced(member)
    else:
        _check_key_dates(member)
        if member.is_active:
            _check_unique_identifiers(member)
    member._history_user = actor
    member._change_reason = history_reason(
        _("Annulled “%(entry)s”: %(reason)s")
        % {"entry": event.get_kind_display(), "reason": reason}
    )
    member.save(update_fields=[*sorted(changed), "updated_at"])
    return annulment


def _derive_from_ledger(member: Member) -> None:
    """Status, cell and flags as the standing entries have them at the end of time."""
    state = (
        Member.objects.filter(pk=member.pk)
        .as_of(date.max)
        .values("status_on", "cell_on_id", "temporary_kind_on", "exemption_kind_on")
        .get()
    )
    if state["status_on"] is None:  # the entry that put the member on the register is gone
        member.status, member.is_temporarily_out, member.is_exempted = Status.ANNULLED, False, False
        return
    member.status = state["status_on"]
    member.cell_id = state["cell_on_id"]
    member.is_temporarily_out = state["temporary_kind_on"] == Kind.TEMPORARY_OUT
    member.is_exempted = state["exemption_kind_on"] == Kind.EXEMPTED


def _check_not_referenced(member: Member) -> None:
    """A record annulled as a whole must not leave a cell, a role or a case pointing at it."""
    uses = [
        (
            Cell.objects.filter(models.Q(leader=member) | models.Q(deputy_leader=member)),
            _("leads a cell"),
        ),
        (RoleAssignment.objects.filter(member=member), _("holds a role")),
        (member.helped_candidates.all(), _("helps a candidate")),
        (member.introductions.all(), _("introduced a candidate")),
        (member.mentorships.all(), _("mentors a probationary member")),
        (member.readmission_candidates.all(), _("is the former record of a re-admission case")),
    ]
    found = [str(label) for rows, label in uses if rows.exists()]
    if found:
        raise ValidationError(
            _(
                "The entry that put %(name)s on the register cannot be annulled while the record "
                "is in use: %(uses)s."
            )
            % {"name": member.full_name, "uses": ", ".join(found)},
            code="in_use",
        )


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
    refused = set(changes) - set(allowed)
    if refused:
        raise ValidationError(
            _("You may not change these fields: %(fields)s")
            % {"fields": ", ".join(sorted(refused))},
            code="field_not_allowed",
        )
    member = _lock(member_id)
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    if not changed:
        return member
    _refuse_case_fields(member, changed)
    for name in changed:
        setattr(member, name, changes[name])
    _validate_fields(member)
    _check_key_dates(member)
    if member.is_active:
        _check_unique_identifiers(member)
    member._history_user = actor
    member._change_reason = history_reason(reason or _("Details updated"))
    member.save(update_fields=[*changed, "updated_at"])
    return member


# Organisation -----------------------------------------------------------------------------


@transaction.atomic
def chapter_create(
    *, committee: Committee, name: str, founded_on: date, actor, **extra: Any
) -> Chapter:
    chapter = Chapter(committee=committee, name=name, founded_on=founded_on, **extra)
    chapter.full_clean()
    chapter._history_user = actor
    chapter.save()
    return chapter


@transaction.atomic
def cell_save(
    *,
    chapter: Chapter,
    name: str,
    actor,
    cell: Cell | None = None,
    leader: Member | None = None,
    deputy_leader: Member | None = None,
) -> Cell:
    """Create or rename a cell and set its leader and deputy (members of its chapter)."""
    for role, person in (("leader", leader), ("deputy_leader", deputy_leader)):
        if person is not None and (person.chapter_id != chapter.pk or not person.is_active):
            raise _field_error(
                {role: _("The cell leader must be a member on this chapter's roll.")},
                code="leader_not_member",
            )
    if leader is not None and leader == deputy_leader:
        raise _field_error(
            {"deputy_leader": _("The deputy cannot be the leader too.")}, code="same_person"
        )
    if cell is None:
        cell = Cell(chapter=chapter)
    elif cell.chapter_id != chapter.pk:
        raise ValidationError(_("This cell belongs to another chapter."), code="cell_chapter")
    cell.name, cell.leader, cell.deputy_leader = name.strip(), leader, deputy_leader
    if Cell.objects.filter(chapter=chapter, name__iexact=cell.name).exclude(pk=cell.pk).exists():
        raise _field_error(
            {"name": _("The chapter already has a cell with this name.")}, code="duplicate"
        )
    cell._history_user = actor
    cell.save()
    return cell


@transaction.atomic
def role_assign(
    *,
    user,
    role: str,
    start_date: date,
    actor,
    chapter: Chapter | None = None,
    cell: Cell | None = None,
    committee: Committee | None = None,
    member: Member | None = None,
) -> RoleAssignment:
    """Give a user a role in one unit from a date. A cell leader role also makes the member the
    cell's leader."""
    assignment = RoleAssignment(
        user=user,
        role=role,
        start_date=start_date,
        chapter=chapter,
        cell=cell,
        committee=committee,
        member=member,
    )
    assignment.full_clean()
    current = RoleAssignment.objects.filter(
        user=user, role=role, chapter=chapter, cell=cell, committee=committee, end_date__isnull=True
    )
    if current.exists():
        raise ValidationError(_("This user already holds this role here."), code="duplicate")
    assignment._history_user = actor
    assignment.save()
    if (
        role == RoleAssignment.Role.CELL_LEADER
        and member is not None
        and cell.leader_id != member.pk
    ):
        cell_save(
            chapter=cell.chapter,
            cell=cell,
            name=cell.name,
            actor=actor,
            leader=member,
            deputy_leader=None if cell.deputy_leader_id == member.pk else cell.deputy_leader,
        )
    return assignment


@transaction.atomic
def role_end(*, assignment_id: int, end_date: date, actor) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.end_date is not None:
        raise ValidationError(_("This role has already ended."), code="already_ended")
    if end_date < assignment.start_date:
        raise _field_error({"end_date": _("The end must be after the start.")}, code="dates_order")
    assignment.end_date = end_date
    assignment._history_user = actor
    assignment.save(update_fields=["end_date", "updated_at"])
    return assignment
