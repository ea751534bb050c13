"""F to H: the chapter vote, the grassroots committee, the admission decision, its extension, and
the exits before the ceremony (refusal, withdrawal)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from admissions import checks
from admissions.checks import Vote, refuse
from admissions.models import (
    BackgroundCheck,
    Candidate,
    Decision,
    Extension,
    Form,
    Resolution,
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
    record_decision,
    record_event,
    require_reason,
    wrote,
)
from chapter.dates import refuse_future
from chapter.documents import Document
from chapter.errors import field_error

St = Candidate.Stage


# F-H: votes and decisions ------------------------------------------------------------------------


def record_vote(
    candidate: Candidate, kind: str, vote: Vote, base: checks.VoteBase, actor
) -> Resolution:
    resolution = Resolution.objects.create(
        candidate=candidate,
        kind=kind,
        number=vote.number,
        date=vote.date,
        base=base.base,
        present=vote.present,
        votes_for=vote.votes_for,
        votes_against=vote.votes_against,
        passed=checks.vote_passes(vote.votes_for, base.base),
        note=vote.note,
        actor=actor_or_none(actor),
    )
    wrote(candidate, "resolutions", resolution.pk)
    return resolution


def record_failed_vote(
    candidate: Candidate, resolution: Resolution, actor, *, form: str, escalation: bool = True
) -> Candidate:
    """A vote short of two thirds: an entry that keeps the stage. A chapter's third failure
    flags the escalation to the superior committee (R8); the grassroots committee's does not."""
    failures = len(checks.failed_votes(candidate.resolutions.all(), resolution.kind))
    data = {"failed_vote": resolution.pk, "failures": failures}
    if escalation:
        data["escalate"] = checks.escalates(failures, resolution.date)
    record_event(
        candidate,
        to_stage=candidate.stage,
        day=resolution.date,
        actor=actor,
        form=form,
        number=resolution.number,
        note=_("The vote did not reach two thirds."),
        data=data,
    )
    return candidate


@case_write
def candidate_chapter_vote(
    *, candidate_id: int, actor, vote: Vote, stop_on_warnings: bool = False
) -> tuple[Candidate, Resolution]:
    """F: the chapter votes (6-KNĐ), one applicant at a time. Passed with for * 3 >= 2 * base
    (R8) → CHAPTER_APPROVED; a failed vote is recorded, and the third failure flags escalation.

    Every rule of the vote's date is checked once, under the lock, with the voting base read
    once (``checks.admission_vote_violations``); ``stop_on_warnings`` refuses a vote short of
    two thirds (or a skipped Youth Union path) until the secretary has confirmed it."""
    return hold_chapter_vote(
        candidate_id=candidate_id,
        actor=actor,
        vote=vote,
        to_stage=St.CHAPTER_APPROVED,
        stop_on_warnings=stop_on_warnings,
    )


@case_write
def candidate_supplementary_check(
    *,
    candidate_id: int,
    actor,
    person_name: str,
    requested_on: date,
    replied_on: date | None = None,
    result: str = "",
    relation: str = BackgroundCheck.Relation.SELF,
    check_id: int | None = None,
) -> BackgroundCheck:
    """R29: a dossier twelve months old without a chapter vote is renewed; its supplementary
    background check (thẩm tra lý lịch bổ sung) is requested after the last day the dossier
    was fresh. A later call with ``check_id`` adds the reply to that same request."""
    candidate = lock_case(candidate_id)
    if candidate.stage != St.INTRODUCED:
        raise StepNotAllowed(
            _("A supplementary background check is recorded while the case waits for the vote."),
            code="step_not_allowed",
        )
    for day, name in ((requested_on, "requested_on"), (replied_on, "replied_on")):
        if day:
            refuse_future(day, field=name)
    row = candidate.checks.get(pk=check_id) if check_id else BackgroundCheck(candidate=candidate)
    if row.pk:  # only a supplementary request's reply is added later
        asked = row.requested_on or row.replied_on or candidate.stage_since
        refuse(checks.check_renewal_paper(candidate, asked))
    refuse(checks.check_renewal_paper(candidate, requested_on, field="requested_on"))
    for name, value in {
        "relation": relation,
        "person_name": person_name,
        "requested_on": requested_on,
        "replied_on": replied_on,
        "result": result,
    }.items():
        setattr(row, name, value)
    row._history_user = actor_or_none(actor)
    row.full_clean(exclude=["candidate"])
    row.save()
    return row


# Each chapter vote: the rules of its date, the resolution's kind and its paper's form.
CHAPTER_VOTES = {
    St.CHAPTER_APPROVED: (
        checks.admission_vote_violations,
        Resolution.Kind.ADMISSION_CHAPTER,
        Form.CHAPTER_RESOLUTION,
    ),
    St.CONFIRMATION_VOTED: (
        checks.confirmation_vote_violations,
        Resolution.Kind.CONFIRMATION_CHAPTER,
        Form.CONFIRMATION_RESOLUTION,
    ),
}


def hold_chapter_vote(
    *, candidate_id: int, actor, vote: Vote, to_stage: str, stop_on_warnings: bool
) -> tuple[Candidate, Resolution]:
    """Lock, check every rule of the vote's date once (the voting base read once), refuse or
    record (``record_chapter_vote``)."""
    violations_of, kind, form = CHAPTER_VOTES[to_stage]
    candidate = lock_case(candidate_id)
    check_day(candidate, vote.date)
    check_step(candidate, to_stage)
    base, violations = violations_of(candidate, vote)
    refuse(violations, stop_on_warnings=stop_on_warnings)
    # The admission's event keeps the base and the votes for (the case page shows them).
    data = {"base": base.base, "for": vote.votes_for} if to_stage == St.CHAPTER_APPROVED else None
    return record_chapter_vote(
        candidate, vote, base, actor, kind=kind, form=form, to_stage=to_stage, data=data
    )


def record_chapter_vote(
    candidate: Candidate,
    vote: Vote,
    base: checks.VoteBase,
    actor,
    *,
    kind: str,
    form: str,
    to_stage: str,
    data: dict[str, Any] | None = None,
) -> tuple[Candidate, Resolution]:
    """A chapter vote that met the rules: its resolution; passed, its paper and the move to
    ``to_stage``; failed, an entry that keeps the stage (and counts toward escalation)."""
    resolution = record_vote(candidate, kind, vote, base, actor)
    if not resolution.passed:
        return record_failed_vote(candidate, resolution, actor, form=form), resolution
    paper = Document(number=vote.number, date=vote.date, issuing_body=candidate.chapter.name)
    add_document(candidate, form, paper)
    candidate = advance(
        candidate,
        to_stage,
        day=vote.date,
        actor=actor,
        form=form,
        number=vote.number,
        note=vote.note,
        data=data,
    )
    return candidate, resolution


@case_write
def candidate_grassroots_approve(
    *,
    candidate_id: int,
    actor,
    resolution: Document,
    committee_members: int,
    present: int,
    votes_for: int,
    votes_against: int,
    appraisal: Document | None = None,
    note: str = "",
    stop_on_warnings: bool = False,
) -> tuple[Candidate, Resolution]:
    """G: the grassroots committee votes on the chapter's resolution (8-KNĐ), after an
    appraisal (7-KNĐ) if any. Its vote is recorded like the chapter's (R10, Hướng dẫn 01-HD/TW,
    mục 3.6c): the committee's members, present, for, against, the resolution's number and date.
    Passed with for * 3 >= 2 * all its members → GRASSROOTS_APPROVED; a failed vote is recorded
    and the case stays (``stop_on_warnings``: refused until the secretary has confirmed it)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, resolution.date)
    check_step(candidate, St.GRASSROOTS_APPROVED)
    if not resolution.number:
        raise field_error({"number": _("Give the resolution's number.")}, code="required")
    violations = checks.grassroots_vote_violations(
        committee_members, present, votes_for, votes_against
    )
    refuse(violations, stop_on_warnings=stop_on_warnings)
    if appraisal:
        check_day(candidate, appraisal.date)
    vote = Vote(resolution.date, resolution.number, present, votes_for, votes_against, note=note)
    kind = Resolution.Kind.ADMISSION_GRASSROOTS
    row = record_vote(candidate, kind, vote, checks.committee_base(committee_members), actor)
    if not row.passed:
        failed = record_failed_vote(
            candidate, row, actor, form=Form.GRASSROOTS_RESOLUTION, escalation=False
        )
        return failed, row
    if appraisal:
        add_document(candidate, Form.APPRAISAL, appraisal)
    add_document(candidate, Form.GRASSROOTS_RESOLUTION, resolution)
    candidate = advance(
        candidate,
        St.GRASSROOTS_APPROVED,
        day=resolution.date,
        actor=actor,
        form=Form.GRASSROOTS_RESOLUTION,
        number=resolution.number,
        note=note,
        data={"base": committee_members, "for": votes_for},
    )
    return candidate, row


@case_write
def candidate_record_admission_decision(
    *,
    candidate_id: int,
    actor,
    decision: Document,
    received_on: date,
    note: str = "",
    stop_on_warnings: bool = False,
) -> Candidate:
    """H: the competent committee's admission decision (9-KNĐ), as received by the chapter
    (R13). Late against R11 is flagged, not refused (``stop_on_warnings``: until confirmed)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, decision.date)
    refuse(checks.check_received(decision.date, received_on))
    refuse_future(received_on, field="received_on")
    if candidate.stage == St.CHAPTER_APPROVED and checks.has_grassroots_step(candidate.chapter):
        raise StepNotAllowed(
            _("This chapter's resolutions go to the grassroots committee first."),
            code="step_not_allowed",
        )
    check_step(candidate, St.ADMISSION_DECIDED)
    late = checks.check_decision_deadline(candidate, Decision.Kind.ADMISSION, decision.date)
    refuse(late, stop_on_warnings=stop_on_warnings)
    record_decision(candidate, Decision.Kind.ADMISSION, decision, actor, received_on=received_on)
    add_document(candidate, Form.ADMISSION_DECISION, decision)
    return advance(
        candidate,
        St.ADMISSION_DECIDED,
        day=decision.date,
        actor=actor,
        form=Form.ADMISSION_DECISION,
        number=decision.number,
        note=note,
        data={"received_on": received_on.isoformat()},
    )


@case_write
def candidate_add_extension(*, candidate_id: int, actor, kind: str, paper: Document) -> Extension:
    """A recorded extension of a decision deadline, or the consent to a late ceremony."""
    candidate = lock_case(candidate_id)
    refuse_future(paper.date)
    if candidate.stage not in checks.extension_stages(kind):
        raise StepNotAllowed(
            _("This extension does not apply at this stage."), code="step_not_allowed"
        )
    if candidate.extensions.filter(kind=kind).exists():
        raise ValidationError(_("This deadline has already been extended once."), code="duplicate")
    return Extension.objects.create(
        candidate=candidate,
        kind=kind,
        number=paper.number,
        date=paper.date,
        issuing_body=paper.issuing_body,
    )


# Exits before the ceremony -----------------------------------------------------------------------


@case_write
def candidate_reject(*, candidate_id: int, actor, decision: Document, reason: str) -> Candidate:
    """The competent committee refuses to admit; the case ends with its reason."""
    candidate = lock_case(candidate_id)
    require_reason(reason)
    check_day(candidate, decision.date)
    check_step(candidate, St.REJECTED)
    record_decision(candidate, Decision.Kind.REJECTION, decision, actor, reason=reason)
    return advance(
        candidate, St.REJECTED, day=decision.date, actor=actor, number=decision.number, note=reason
    )


@case_write
def candidate_withdraw(
    *, candidate_id: int, actor, day: date, reason: str, stage: str = St.WITHDRAWN
) -> Candidate:
    """The applicant withdraws, or the chapter drops the case (documents expired), with a reason."""
    if stage not in (St.WITHDRAWN, St.DOCUMENTS_EXPIRED, St.REJECTED):
        raise ValueError(stage)
    candidate = lock_case(candidate_id)
    require_reason(reason)
    check_day(candidate, day)
    return advance(candidate, stage, day=day, actor=actor, note=reason)
