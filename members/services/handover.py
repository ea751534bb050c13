"""A transfer between two chapters of this system as one handover (``members.models.handover``).

Each function is one transaction: the handover row, the member's row and its ledger entry are
written together or not at all. The sending chapter writes the exit (or the temporary
absence) in its own ledger on the letter's date; the receiving chapter writes the arrival in its
own on the day it accepts, on the same record (``MemberEvent.chapter``), so each side's reports
of every day of the handover are right (``reports.roll``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chapter.dates import format_date, refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members import checks
from members.checks import TransitionNotAllowed
from members.models import Cell, Chapter, Handover, Member, MemberEvent
from members.services.common import Movement, history_reason, lock, record
from members.services.movements import member_temporary_out, member_transfer_out

Kind = MemberEvent.Kind
State = Handover.State
Status = Member.Status
LETTER = MemberEvent.DocumentKind.TRANSFER_LETTER


def _lock_handover(handover_id: int, *states: str) -> Handover:
    """The handover, locked after its member's row (the order every movement locks in, so a
    step here and a movement recorded at once on the same member never wait on each other)."""
    member_id = Handover.objects.values_list("member_id", flat=True).get(pk=handover_id)
    lock(member_id)
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("from_chapter", "to_chapter", "member")
        .get(pk=handover_id)
    )
    if states and handover.state not in states:
        raise TransitionNotAllowed(
            _("This transfer is “%(state)s”: it cannot be changed that way.")
            % {"state": handover.get_state_display()},
            code="handover_state",
        )
    return handover


def _letter(letter: Document, issuing_body: str) -> Document:
    checks.require_document(letter)
    refuse_future(letter.date, field="document_date")
    return Document(
        kind=LETTER,
        number=letter.number.strip(),
        date=letter.date,
        issuing_body=(letter.issuing_body or issuing_body).strip(),
    )


@transaction.atomic
def handover_request(
    *,
    member_id: int,
    actor,
    kind: str,
    to_chapter: Chapter,
    requested_on: date,
    reason: str = "",
    change_date: date | None = None,
    temporary_kind: str = "",
    until: date | None = None,
    letter: Document | None = None,
    note: str = "",
) -> Handover:
    """The sending chapter asks for a transfer of one of its members to a chapter of this
    system: with the letter already issued (its number and date), the member leaves at once
    (``handover_issue_letter``); without, the committee has a letter to issue (its work
    queue). Refused: a member off the roll, a chapter the member is in or that was dissolved,
    a second transfer under way, dates in the future or out of order."""
    member = lock(member_id)
    if not member.is_active:
        raise TransitionNotAllowed(
            _("%(name)s is no longer on the roll (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
            code="not_on_roll",
        )
    if to_chapter.pk == member.chapter_id:
        raise field_error(
            {"to_chapter": _("The member is already in this chapter.")}, code="same_chapter"
        )
    if to_chapter.dissolved_on is not None:
        raise field_error(
            {
                "to_chapter": _("This chapter was dissolved on %(day)s.")
                % {"day": format_date(to_chapter.dissolved_on)}
            },
            code="dissolved",
        )
    if Handover.objects.open().filter(member=member).exists():
        raise TransitionNotAllowed(
            _("A transfer of %(name)s is already under way.") % {"name": member.full_name},
            code="handover_open",
        )
    refuse_future(requested_on, field="requested_on")
    if kind == Handover.Kind.TEMPORARY and member.is_temporarily_out:
        raise TransitionNotAllowed(
            _("The member is already temporarily transferred out."), code="flag_unchanged"
        )
    if change_date is not None and change_date > requested_on:
        raise field_error(
            {"change_date": _("The change of job or residence comes before the transfer.")},
            code="dates_order",
        )
    if kind == Handover.Kind.TEMPORARY and until is None:
        raise field_error(
            {"until": _("Give the planned end of the temporary transfer.")}, code="required"
        )
    if until is not None and until <= requested_on:
        raise field_error({"until": _("The end must be after the start.")}, code="dates_order")
    handover = Handover.objects.create(
        member=member,
        kind=kind,
        state=State.REQUESTED,
        from_chapter_id=member.chapter_id,
        to_chapter=to_chapter,
        requested_on=requested_on,
        reason=reason,
        change_date=change_date,
        temporary_kind=temporary_kind,
        until=until,
        note=note,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    if letter is not None and (letter.number or letter.date):
        return handover_issue_letter(handover_id=handover.pk, actor=actor, letter=letter)
    return handover


@transaction.atomic
def handover_issue_letter(*, handover_id: int, actor, letter: Document) -> Handover:
    """The transfer letter is issued (by the committee, or entered by the sending secretary):
    from its date the member is off the sending roll — permanently, an exit in the sending
    chapter's ledger — or temporarily away from it, and the receiving chapter sees the arrival
    (R22, R23; Quy định 294-QĐ/TW, mục 6)."""
    handover = _lock_handover(handover_id, State.REQUESTED)
    committee = handover.from_chapter.committee.name
    letter = _letter(letter, committee)
    if letter.date < handover.requested_on:
        raise field_error(
            {
                "document_date": _("The letter cannot be dated before the request (%(day)s).")
                % {"day": format_date(handover.requested_on)}
            },
            code="dates_order",
        )
    destination = handover.to_chapter.name
    handover.letter_number, handover.letter_date = letter.number, letter.date
    handover.issuing_body = letter.issuing_body
    handover.state = State.SENT  # before the exit: ``after_movement`` closes requests only
    handover.save(update_fields=["letter_number", "letter_date", "issuing_body", "state"])
    if handover.kind == Handover.Kind.PERMANENT:
        member_transfer_out(
            member_id=handover.member_id,
            actor=actor,
            effective_date=letter.date,
            to_organisation=destination,
            letter=letter,
            change_date=handover.change_date,
        )
    else:
        member_temporary_out(
            member_id=handover.member_id,
            actor=actor,
            effective_date=letter.date,
            to_organisation=destination,
            until=handover.until,
            letter=letter,
            temporary_kind=handover.temporary_kind,
        )
    handover.out_event = handover.member.events.order_by("-id").first()
    handover._history_user = actor
    handover.save()
    return handover


@transaction.atomic
def handover_accept(
    *, handover_id: int, actor, presented_on: date, cell: Cell | None = None, note: str = ""
) -> Handover:
    """The receiving chapter accepts the member who presented the letter on ``presented_on``.

    Permanent: the same record joins this chapter's roll and ``cell`` on that day, with the
    status it left with — one arrival in this chapter's ledger. Temporary: the member is listed
    here apart from the roll (not in the headcount or the vote base) until the return, and
    nothing is written in either ledger. Late presentation is flagged, never refused
    (``members.transfers``)."""
    handover = _lock_handover(handover_id, State.SENT)
    refuse_future(presented_on, field="presented_on")
    if presented_on < handover.letter_date:
        raise field_error(
            {
                "presented_on": _("The letter cannot be presented before its date (%(day)s).")
                % {"day": format_date(handover.letter_date)}
            },
            code="dates_order",
        )
    chapter = handover.to_chapter
    if cell is not None and (cell.chapter_id != chapter.pk or cell.closed_on is not None):
        raise field_error({"cell": _("Choose one of this chapter's cells.")}, code="cell_chapter")
    handover.presented_on = presented_on
    handover.state = State.ACCEPTED
    if handover.kind == Handover.Kind.PERMANENT:
        handover.in_event = _arrive(handover, actor=actor, cell=cell, note=note)
        handover.cell = cell
        handover.closed_on = presented_on
    handover._history_user = actor
    handover.save()
    return handover


def _arrive(handover: Handover, *, actor, cell: Cell | None, note: str) -> MemberEvent:
    member = lock(handover.member_id)
    out = handover.out_event
    if member.status != Status.TRANSFERRED_OUT or member.chapter_id != handover.from_chapter_id:
        raise TransitionNotAllowed(
            _("%(name)s's record has changed since the letter was issued.")
            % {"name": member.full_name},
            code="handover_stale",
        )
    checks.check_day(handover.to_chapter, handover.presented_on, member=member)
    member.chapter = handover.to_chapter
    movement = Movement(
        kind=Kind.TRANSFERRED_IN,
        effective_date=handover.presented_on,
        status=out.from_status,
        cell=cell,
        sets_cell=True,
        document=Document(
            kind=LETTER,
            number=handover.letter_number,
            date=handover.letter_date,
            issuing_body=handover.issuing_body,
        ),
        counterpart=handover.from_chapter.name,
        note=note,
        data={"presented_date": handover.presented_on.isoformat(), "handover": True},
    )
    event = record(member, movement, actor=actor, fields=("chapter",))
    checks.check_unique_identifiers(member)
    _move_open_case(member, cell, actor)
    return event


def _move_open_case(member: Member, cell: Cell | None, actor) -> None:
    """A probationary member's admission case follows them: the receiving chapter records the
    confirmation vote (R14; its mentor may be in the chapter left — the case page says so).
    Through the reverse relation (members does not import admissions); the stamp triggers
    count it in the new chapter's figures."""
    for case in member.admission_cases.open().select_for_update(of=("self",)):
        case.chapter_id, case.cell = member.chapter_id, cell
        case._history_user = actor
        case._change_reason = history_reason(_("Transferred with the member"))
        case.save(update_fields=["chapter", "cell", "updated_at"])


@transaction.atomic
def handover_not_arrived(*, handover_id: int, actor, on: date, note: str = "") -> Handover:
    """The receiving chapter reports that the member has not come: the handover goes back to
    the sending chapter, which decides (the member stays off its roll, or, the transfer being
    abandoned, it annuls the exit). Nothing is written in the receiving chapter's ledger."""
    handover = _lock_handover(handover_id, State.SENT)
    refuse_future(on, field="on")
    if on < handover.letter_date:
        raise field_error(
            {
                "on": _("The date cannot be before the letter's (%(day)s).")
                % {"day": format_date(handover.letter_date)}
            },
            code="dates_order",
        )
    handover.state, handover.closed_on = State.NOT_ARRIVED, on
    if note:
        handover.note = f"{handover.note}\n{note}".strip()
    handover._history_user = actor
    handover.save()
    return handover


@transaction.atomic
def handover_cancel(*, handover_id: int, actor, reason: str) -> Handover:
    """The sending chapter withdraws a transfer not yet accepted. A letter not yet issued is
    simply dropped; an issued one is undone by annulling the exit (or the temporary absence)
    in its own ledger, so the member is back on its roll as if it had never been recorded."""
    from members.services.annulment import member_annul_latest

    checks.require_reason(reason)
    handover = _lock_handover(handover_id, State.REQUESTED, State.SENT, State.NOT_ARRIVED)
    if handover.out_event_id is not None:
        member_annul_latest(
            member_id=handover.member_id,
            actor=actor,
            event_id=handover.out_event_id,
            reason=reason,
        )
        handover.refresh_from_db(fields=["state"])
    handover.state, handover.closed_on = State.CANCELLED, timezone.localdate()
    handover.note = f"{handover.note}\n{reason}".strip()
    handover._history_user = actor
    handover.save()
    return handover


def after_movement(event: MemberEvent) -> None:
    """Keep an open handover in step with a movement recorded on the member's record another
    way (called by ``record``'s callers in the caller's transaction): a temporary return ends
    a temporary stay; an exit of a member with an open transfer closes it."""
    open_handovers = Handover.objects.open().filter(member_id=event.member_id)
    if event.kind == Kind.TEMPORARY_RETURN:
        for handover in open_handovers.filter(kind=Handover.Kind.TEMPORARY):
            handover.state, handover.closed_on = State.ENDED, event.effective_date
            handover.in_event = event
            handover._history_user = event.actor
            handover.save()
    elif event.kind in MemberEvent.LEAVING_KINDS:
        # Off the roll another way (death, removal, a transfer outside the system): a letter
        # still to issue is dropped, a temporary stay ends. An issued permanent transfer is
        # never open here (its member is already off the roll).
        for handover in open_handovers.exclude(kind=Handover.Kind.PERMANENT, state=State.SENT):
            ended = handover.kind == Handover.Kind.TEMPORARY and handover.state != State.REQUESTED
            handover.state = State.ENDED if ended else State.CANCELLED
            handover.closed_on = event.effective_date
            handover._history_user = event.actor
            handover.save()


def after_annulment(event: MemberEvent) -> None:
    """An annulled entry that a handover wrote puts the handover back a step: an annulled
    arrival makes it an arrival awaiting acceptance again; an annulled exit (or absence) ends
    it (the member is back on the sending roll); an annulled return reopens the stay."""
    for handover in Handover.objects.filter(in_event=event):
        newer = Handover.objects.open().filter(member_id=handover.member_id).exclude(pk=handover.pk)
        if newer.exists():
            raise TransitionNotAllowed(
                _(
                    "Another transfer of this member is under way: withdraw it first, then "
                    "annul this entry."
                ),
                code="handover_open",
            )
        handover.state = State.SENT if handover.kind == Handover.Kind.PERMANENT else State.ACCEPTED
        handover.in_event, handover.closed_on, handover.cell = None, None, None
        if handover.kind == Handover.Kind.PERMANENT:
            handover.presented_on = None
        handover.save()
    for handover in Handover.objects.filter(out_event=event).exclude(state=State.CANCELLED):
        handover.state, handover.closed_on = State.CANCELLED, event.effective_date
        handover.save()
