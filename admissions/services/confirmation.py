"""K: the chapter's confirmation vote and the committee's confirmation or removal."""

from __future__ import annotations

from admissions import checks
from admissions.checks import Vote, refuse
from admissions.models import (
    Candidate,
    Decision,
    Form,
    Resolution,
)
from admissions.services.common import (
    actor_or_none,
    add_document,
    advance,
    as_member_decision,
    case_write,
    check_day,
    check_step,
    end_mentorship,
    lock_case,
    record_decision,
    require_reason,
)
from admissions.services.votes import hold_chapter_vote
from chapter.documents import Document
from members import services as member_services

St = Candidate.Stage


# K: confirmation ---------------------------------------------------------------------------------


@case_write
def candidate_confirmation_vote(
    *, candidate_id: int, actor, vote: Vote, stop_on_warnings: bool = False
) -> tuple[Candidate, Resolution]:
    """K: the chapter proposes confirmation (13-KNĐ) on or after the end of probation (R14),
    with the dossier complete (R18); R8 and R9 as for the admission vote, the voting base read
    once. ``stop_on_warnings`` refuses a vote short of two thirds until confirmed."""
    return hold_chapter_vote(
        candidate_id=candidate_id,
        actor=actor,
        vote=vote,
        to_stage=St.CONFIRMATION_VOTED,
        stop_on_warnings=stop_on_warnings,
    )


@case_write
def candidate_confirm(
    *, candidate_id: int, actor, decision: Document, note: str = "", stop_on_warnings: bool = False
) -> Candidate:
    """K: the competent committee's decision (16-KNĐ): the member becomes official with the
    official date = ceremony + 12 months exactly, whatever the decision date (R15). A late
    decision (R11) is flagged, not refused (``stop_on_warnings``: until confirmed)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, decision.date)
    check_step(candidate, St.OFFICIAL)
    # R18: the dossier (10- to 13-KNĐ, the new-member certificate) dated on or before it.
    papers = list(candidate.documents.all())
    refuse(checks.check_confirmation_dossier(papers, decision.date, resolution=True))
    late = checks.check_decision_deadline(candidate, Decision.Kind.CONFIRMATION, decision.date)
    refuse(late, stop_on_warnings=stop_on_warnings)
    member_services.member_confirm_official(
        member_id=candidate.member_id,
        actor=actor_or_none(actor),
        note=note,
        decision=as_member_decision(decision),
        through_case=True,
    )
    record_decision(candidate, Decision.Kind.CONFIRMATION, decision, actor)
    add_document(candidate, Form.CONFIRMATION_DECISION, decision)
    end_mentorship(candidate, decision.date)
    return advance(
        candidate,
        St.OFFICIAL,
        day=decision.date,
        actor=actor,
        form=Form.CONFIRMATION_DECISION,
        number=decision.number,
        note=note,
    )


@case_write
def candidate_not_confirm(
    *, candidate_id: int, actor, decision: Document, reason: str
) -> Candidate:
    """K: not qualified → removal from the probationary list (R19); probation is never extended."""
    candidate = lock_case(candidate_id)
    require_reason(reason)
    check_day(candidate, decision.date)
    check_step(candidate, St.NOT_CONFIRMED)
    member_services.member_remove_from_probationary_list(
        member_id=candidate.member_id,
        actor=actor_or_none(actor),
        reason=reason,
        decision=as_member_decision(decision),
        through_case=True,
    )
    record_decision(candidate, Decision.Kind.REMOVAL, decision, actor, reason=reason)
    add_document(candidate, Form.REMOVAL_DECISION, decision)
    end_mentorship(candidate, decision.date)
    return advance(
        candidate,
        St.NOT_CONFIRMED,
        day=decision.date,
        actor=actor,
        number=decision.number,
        note=reason,
    )
