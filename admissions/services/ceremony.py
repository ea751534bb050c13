"""I and J: the ceremony (the member is created) and probation (mentors, papers, observations)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from admissions import checks
from admissions.checks import refuse
from admissions.models import (
    Candidate,
    CandidateDocument,
    MentorAssignment,
    Observation,
)
from admissions.services.common import (
    StepNotAllowed,
    actor_or_none,
    add_document,
    advance,
    case_write,
    check_day,
    check_step,
    lock_case,
    wrote,
)
from chapter.dates import refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members import services as member_services
from members.models import Member

St = Candidate.Stage


# I: the ceremony ---------------------------------------------------------------------------------


# What the member record takes over from the candidate at the ceremony.
MEMBER_FIELDS = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion",
    "hometown", "citizen_id", "phone", "occupation", "workplace", "qualification",
)  # fmt: skip


@case_write
def candidate_hold_ceremony(
    *,
    candidate_id: int,
    actor,
    day: date,
    mentor: Member | None,
    mentor_resolution: str = "",
    note: str = "",
    stop_on_warnings: bool = False,
) -> Candidate:
    """I: the ceremony. Creates the probationary member through ``members.services.member_admit``
    (official date = ceremony + 12 months, R15) and assigns the one mentor (R13). A late
    ceremony (R12) is flagged, not refused (``stop_on_warnings``: until confirmed).

    A re-admission case with the former member's record (``former_member``) brings that record
    back on the roll instead (``members.services.member_readmit``: one person, one record, party
    age from the first decision, R16, R20), in the same transaction."""
    candidate = lock_case(candidate_id)
    check_day(candidate, day)
    check_step(candidate, St.ADMITTED)
    refuse(checks.ceremony_violations(candidate, day, mentor), stop_on_warnings=stop_on_warnings)
    decision = checks.admission_decision(candidate)
    admission = {
        "chapter": candidate.chapter,
        "cell": candidate.cell,
        "actor": actor_or_none(actor),
        "details": {name: getattr(candidate, name) for name in MEMBER_FIELDS},
        "decision": Document(
            kind="DECISION",
            number=decision.number,
            date=decision.date,
            issuing_body=decision.issuing_body,
        ),
        "ceremony_date": day,
        "note": note,
    }
    if candidate.former_member_id:
        member = member_services.member_readmit(member_id=candidate.former_member_id, **admission)
    else:
        member = member_services.member_admit(**admission)
    assignment = MentorAssignment.objects.create(
        candidate=candidate, mentor=mentor, start_date=day, resolution=mentor_resolution
    )
    wrote(candidate, "mentors", assignment.pk)
    candidate.member = member
    return advance(
        candidate,
        St.ADMITTED,
        day=day,
        actor=actor,
        note=note,
        data={"mentor": mentor.pk, "official_date": member.official_date.isoformat()},
        fields=("member",),
    )


# J: probation ------------------------------------------------------------------------------------


@case_write
def candidate_reassign_mentor(
    *, candidate_id: int, actor, mentor: Member, day: date, resolution: str
) -> MentorAssignment:
    """A new mentor from a dated chapter resolution; the current one's assignment ends that day."""
    candidate = lock_case(candidate_id)
    if candidate.stage not in (St.ADMITTED, St.CONFIRMATION_VOTED):
        raise StepNotAllowed(_("Mentors are reassigned during probation."), code="step_not_allowed")
    if not resolution:
        raise field_error({"resolution": _("Give the chapter's resolution.")}, code="required")
    refuse_future(day)
    refuse(checks.check_official_member(candidate.chapter, mentor, day, role=_("mentor")))
    current = candidate.mentors.select_for_update().filter(end_date__isnull=True).first()
    if current and current.mentor_id == mentor.pk:
        raise field_error({"mentor": _("This member is already the mentor.")}, code="same_mentor")
    if current:
        if day < current.start_date:
            raise ValidationError(
                _("The date is before the current mentor's assignment."), code="dates_order"
            )
        current.end_date = day
        current.save(update_fields=["end_date", "updated_at"])
    return MentorAssignment.objects.create(
        candidate=candidate, mentor=mentor, start_date=day, resolution=resolution
    )


@case_write
def candidate_add_document(
    *, candidate_id: int, actor, form: str, paper: Document, note: str = "", scan=None
) -> CandidateDocument:
    """Add a paper to the dossier (self-review, mentor's assessment, course certificate, …)."""
    candidate = lock_case(candidate_id)
    refuse_future(paper.date)
    document = add_document(candidate, form, paper, note)
    if scan:
        document.scan = scan
        document.save(update_fields=["scan"])
    return document


@case_write
def candidate_add_observation(
    *, candidate_id: int, actor, day: date, text: str, kind: str = Observation.Kind.OBSERVATION
) -> Observation:
    """A cell leader's, helper's or mentor's dated note; no stage change."""
    candidate = Candidate.objects.get(pk=candidate_id)
    if not text.strip():
        raise field_error({"text": _("Write the observation.")}, code="required")
    refuse_future(day)
    return Observation.objects.create(
        candidate=candidate, kind=kind, date=day, text=text.strip(), author=actor_or_none(actor)
    )
