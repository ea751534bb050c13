"""A and B: the candidate pool (a new case, the sympathiser resolution) and the awareness course."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from admissions import checks
from admissions.checks import refuse
from admissions.models import (
    Candidate,
    CandidateEvent,
    Form,
)
from admissions.services.common import (
    CANDIDATE_FIELDS,
    StepNotAllowed,
    actor_or_none,
    add_document,
    advance,
    case_write,
    check_day,
    check_step,
    lock_case,
    record_event,
    refuse_open_case,
)
from chapter.dates import refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members.models import Cell, Chapter, Member

St = Candidate.Stage


# A: the candidate pool ---------------------------------------------------------------------------


@case_write
def candidate_create(
    *,
    chapter: Chapter,
    actor,
    day: date,
    details: dict[str, Any],
    cell: Cell | None = None,
    source: str = Candidate.Source.CHAPTER,
    helper: Member | None = None,
    note: str = "",
) -> Candidate:
    """Add an outstanding non-member to the pool (stage A), with the member assigned to help.

    A former member is checked against the re-admission rules (R20) at once.
    """
    unknown = set(details) - set(CANDIDATE_FIELDS)
    if unknown:
        raise ValueError(f"not candidate fields: {sorted(unknown)}")
    if cell is not None and cell.chapter_id != chapter.pk:
        raise field_error({"cell": _("This cell belongs to another chapter.")}, code="cell_chapter")
    candidate = Candidate(
        chapter=chapter, cell=cell, source=source, helper=helper, stage_since=day, **details
    )
    candidate.full_clean(exclude=["stage", "stage_since", "chapter", "cell", "helper"])
    refuse_future(day)
    violations = checks.check_education_category(candidate)  # R2; the consent at the vote
    if helper is not None:
        violations += checks.check_official_member(
            chapter, helper, day, role=_("member assigned to help"), rule_number="A"
        )
    if checks.is_readmission(candidate):
        refuse_open_case(candidate.former_member_id)
        again = checks.readmitted_before(candidate.former_member_id)
        violations += checks.check_readmission(candidate, day, already_readmitted=again)
    refuse(violations)
    candidate.stage = ""
    candidate._history_user = actor_or_none(actor)
    check_step(candidate, St.POOL)
    candidate.stage = St.POOL
    candidate.save()
    CandidateEvent.objects.create(
        candidate=candidate, to_stage=St.POOL, date=day, note=note, actor=actor_or_none(actor)
    )
    return candidate


@case_write
def candidate_mark_sympathiser(
    *, candidate_id: int, actor, day: date, resolution_number: str = "", note: str = ""
) -> Candidate:
    """The chapter's resolution counts the candidate as a sympathiser (cảm tình Đảng)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, day)
    return advance(
        candidate, St.SYMPATHISER, day=day, actor=actor, number=resolution_number, note=note
    )


@case_write
def candidate_record_course(
    *, candidate_id: int, actor, certificate: Document, note: str = ""
) -> Candidate:
    """B: the awareness-course certificate (CN-NTVĐ). Later in the pipeline this renews an
    expired certificate without moving the stage (R3)."""
    candidate = lock_case(candidate_id)
    refuse_future(certificate.date)
    if not certificate.number:
        raise field_error({"number": _("Give the certificate number.")}, code="required")
    if not candidate.is_open or candidate.stage in (
        St.ADMISSION_DECIDED,
        St.ADMITTED,
        St.CONFIRMATION_VOTED,
    ):
        raise StepNotAllowed(
            _("The awareness course is no longer recorded at this stage."), code="step_not_allowed"
        )
    add_document(candidate, Form.AWARENESS, certificate, note)
    if candidate.stage in (St.POOL, St.SYMPATHISER):
        check_day(candidate, certificate.date)
        return advance(
            candidate,
            St.COURSE_DONE,
            day=certificate.date,
            actor=actor,
            form=Form.AWARENESS,
            number=certificate.number,
            note=note,
        )
    record_event(
        candidate,
        to_stage=candidate.stage,
        day=certificate.date,
        actor=actor,
        form=Form.AWARENESS,
        number=certificate.number,
        note=note or _("Certificate renewed"),
        data={"renewal": True},
    )
    return candidate
