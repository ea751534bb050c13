"""Movements of a member: leaving the roll, moving cell, temporary transfer and exemption."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from chapter.dates import refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members import checks
from members.checks import TransitionNotAllowed
from members.models import Cell, Member, MemberEvent
from members.services.common import (
    Movement,
    leave_roll,
    lock_active,
    record,
)

Kind = MemberEvent.Kind
Status = Member.Status


# Leaving the roll -------------------------------------------------------------------------


@transaction.atomic
def member_transfer_out(
    *,
    member_id: int,
    actor,
    effective_date: date,
    to_organisation: str,
    letter: Document,
    note: str = "",
    change_date: date | None = None,
) -> Member:
    """Permanent transfer out (R22): the member leaves this chapter's roll for another.

    ``change_date`` is the effective job change, retirement or move of residence the transfer
    follows: kept on the entry, the 60-working-day deadline is read from it
    (``members.transfers``, a flag, never a refusal)."""
    if not to_organisation:
        raise field_error({"to_organisation": _("Say where the member goes.")}, code="required")
    checks.require_document(letter)  # the transfer letter's number and date, as the form asks
    data = {}
    if change_date is not None:
        refuse_future(change_date, field="change_date")
        if change_date > effective_date:
            raise field_error(
                {"change_date": _("The change of job or residence comes before the transfer.")},
                code="dates_order",
            )
        data["change_date"] = change_date.isoformat()
    return leave_roll(
        member_id,
        to_status=Status.TRANSFERRED_OUT,
        kind=Kind.TRANSFERRED_OUT,
        actor=actor,
        effective_date=effective_date,
        document=letter,
        counterpart=to_organisation,
        note=note,
        data=data,
    )


def _leave_by_decision(name: str, status: str, kind: str, doc: str):
    """A departure the competent committee decides on, with its reason: removal, expulsion,
    leaving. Same parameters, same checks; only the status (and ledger kind) differ."""

    @transaction.atomic
    def leave(*, member_id: int, actor, effective_date: date, decision: Document, reason: str):
        checks.require_reason(reason)
        checks.require_document(decision)  # the decision's number and date, as the form asks
        return leave_roll(
            member_id,
            to_status=status,
            kind=kind,
            actor=actor,
            effective_date=effective_date,
            document=decision,
            note=reason,
        )

    leave.__name__ = leave.__qualname__ = name
    leave.__doc__ = doc
    return leave


member_remove = _leave_by_decision(
    "member_remove",
    Status.REMOVED,
    Kind.REMOVED,
    "Removal from the roll (xóa tên, R24): administrative, decided by the competent committee.",
)
member_expel = _leave_by_decision(
    "member_expel", Status.EXPELLED, Kind.EXPELLED, "Expulsion (khai trừ): a disciplinary sanction."
)
member_leave = _leave_by_decision(
    "member_leave",
    Status.LEFT,
    Kind.LEFT,
    "Leaving the Party (ra khỏi Đảng) at the member's request.",
)


@transaction.atomic
def member_record_death(*, member_id: int, actor, effective_date: date, note: str = "") -> Member:
    """Death (từ trần), dated."""
    return leave_roll(
        member_id,
        to_status=Status.DECEASED,
        kind=Kind.DECEASED,
        actor=actor,
        effective_date=effective_date,
        document=Document(),
        note=note,
    )


# While on the roll ------------------------------------------------------------------------


@transaction.atomic
def member_move_cell(
    *, member_id: int, actor, cell: Cell | None, effective_date: date, note: str = ""
) -> Member:
    """Move a member to another cell of the chapter (or out of any cell)."""
    member = lock_active(member_id, effective_date)
    checks.check_cell(member.chapter, cell)
    if cell == member.cell:
        raise field_error({"cell": _("The member is already in this cell.")}, code="same_cell")
    data = {"from_cell": str(member.cell) if member.cell else ""}
    movement = Movement(
        kind=Kind.MOVED_CELL,
        effective_date=effective_date,
        cell=cell,
        sets_cell=True,
        note=note,
        data=data,
    )
    record(member, movement, actor=actor)
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
    member = lock_active(member_id, effective_date)
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
    event = record(member, movement, actor=actor, fields=(flag,))
    from members.services.handover import after_movement  # it records through this module

    after_movement(event)
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
    temporary_kind: str = "",
) -> Member:
    """Temporary transfer out (R23): still on this roll, out of the vote base until return.

    ``temporary_kind`` (residence or work; full-time domestic study) and the planned end
    ``until`` are kept on the entry: a plan outside the limits and an overstay are flagged
    (``members.transfers``), never refused."""
    if not to_organisation:
        raise field_error({"to_organisation": _("Say where the member goes.")}, code="required")
    if until and until <= effective_date:
        raise field_error({"until": _("The end must be after the start.")}, code="dates_order")
    data = {"until": until.isoformat()} if until else {}
    if temporary_kind:
        data["temporary_kind"] = temporary_kind
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
    checks.require_reason(reason)
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
