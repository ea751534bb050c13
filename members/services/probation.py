"""The end of probation: confirmation as an official member, or removal from the probationary
list (R14, R15, R19). A member admitted through a case ends probation only on the case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapter.dates import format_date, refuse_future
from chapter.documents import Document
from members import checks
from members.checks import TransitionNotAllowed
from members.models import Member, MemberEvent
from members.services.common import (
    Movement,
    leave_roll,
    lock,
    record,
    refuse_outside_case,
)

Kind = MemberEvent.Kind
Status = Member.Status


@transaction.atomic
def member_confirm_official(
    *, member_id: int, actor, decision: Document, note: str = "", through_case: bool = False
) -> Member:
    """Confirmation as an official member (R14, R15): the official date stays ceremony + 12
    months whatever the decision date, and the event is dated on it.

    Refused for a member admitted through a case unless ``through_case`` (the case's step)."""
    member = lock(member_id)
    checks.check_transition(member, Status.OFFICIAL)
    refuse_outside_case(member, through_case)
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
            % {"date": format_date(member.official_date)},
            code="probation_not_served",
        )
    refuse_future(decision.date)
    member.confirmation_decision_date = decision.date
    member.confirmation_decision_number = decision.number
    movement = Movement(
        kind=Kind.CONFIRMED,
        effective_date=member.official_date,
        status=Status.OFFICIAL,
        document=decision,
        note=note,
    )
    record(
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
    checks.require_reason(reason)
    if not decision.date:
        raise ValidationError(_("Give the date of the decision."), code="required")
    if not through_case:
        refuse_outside_case(lock(member_id), through_case)
    return leave_roll(
        member_id,
        to_status=Status.REMOVED_FROM_PROBATIONARY_LIST,
        kind=Kind.REMOVED_FROM_PROBATIONARY_LIST,
        actor=actor,
        effective_date=decision.date,
        document=decision,
        note=reason,
    )
