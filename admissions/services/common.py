"""What every step of the pipeline does the same way (STYLE.md section 2): lock the case, check
the move against ``STAGE_TRANSITIONS``, record the papers, the decision and the event, move the
stage. The phase modules of this package call these; nothing else does."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from admissions.due import IN_SERVICE, refresh_case
from admissions.models import (
    CLOSED_STAGES,
    STAGE_TRANSITIONS,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
)
from chapter.dates import format_date, refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members import services as member_services

St = Candidate.Stage
CANDIDATE_FIELDS = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion", "hometown",
    "citizen_id", "phone", "occupation", "workplace", "education", "qualification",
    "is_youth_union_member", "education_exception", "education_exception_approval",
    "education_exception_approval_date",
    "over_age_approval", "former_member", "former_exit_date", "former_exit_reason",
    "readmission_consent", "hardship_document", "hardship_number", "hardship_date",
    "conviction", "conviction_expunged_on", "note",
)  # fmt: skip


class StepNotAllowed(ValidationError):
    """The candidate's stage does not allow this step (STAGE_TRANSITIONS)."""


def case_write(service: Callable) -> Callable:
    """Every service of the pipeline: one transaction, and at its end, inside it, the case's
    stored next deadline (``admissions.due.refresh_case``) — the one place a step, a paper, a
    vote, a decision, an extension, a mentor or an annulment moves ``Candidate.due_on``. The
    case is the service's ``candidate_id`` (or the candidate it created); a Candidate the
    service returns (alone or first of a tuple) gets the stored values too."""

    @functools.wraps(service)
    def step(*args, **kwargs):
        token = IN_SERVICE.set(True)
        try:
            with transaction.atomic():
                result = service(*args, **kwargs)
                returned = result[0] if isinstance(result, tuple) else result
                case_id = kwargs.get("candidate_id") or getattr(returned, "pk", None)
                if case_id is not None:
                    values = refresh_case(case_id)
                    if isinstance(returned, Candidate) and returned.pk == case_id and values:
                        for name, value in values.items():
                            setattr(returned, name, value)
        finally:
            IN_SERVICE.reset(token)
        return result

    step.writes_case = True  # tests/admissions/test_due_dates.py: every service is one
    return step


def lock_case(candidate_id: int) -> Candidate:
    # The chapter's admission settings come with it (the grassroots step, the Youth Union).
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("chapter", "chapter__admission_settings", "member")
        .get(pk=candidate_id)
    )


def check_step(candidate: Candidate, to_stage: str) -> None:
    if to_stage not in STAGE_TRANSITIONS.get(candidate.stage or None, set()):
        raise StepNotAllowed(
            _("A candidate at the stage “%(current)s” cannot move to “%(target)s”.")
            % {"current": candidate.get_stage_display(), "target": St(to_stage).label},
            code="step_not_allowed",
        )


def check_day(candidate: Candidate, day: date) -> None:
    """Not in the future, and not before the step that led to the current stage."""
    refuse_future(day)
    if candidate.stage_since and day < candidate.stage_since:
        raise ValidationError(
            _("The date is before the previous step (%(date)s).")
            % {"date": format_date(candidate.stage_since)},
            code="before_previous_step",
        )


def refuse_open_case(former_member_id: int | None) -> None:
    """One open case per former member at a time."""
    if former_member_id is None:
        return
    open_cases = Candidate.objects.exclude(stage__in=CLOSED_STAGES).filter(
        former_member=former_member_id, member__isnull=True
    )
    if open_cases.exists():
        raise field_error(
            {"former_member": _("This former member already has an open case.")},
            code="duplicate",
        )


def require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise field_error({"reason": _("Give the reason.")}, code="required")


def actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def wrote(candidate: Candidate, kind: str, pk: int) -> None:
    """Remember a row this step wrote (or a mentorship it ended): its event lists them."""
    candidate.__dict__.setdefault("_written", {}).setdefault(kind, []).append(pk)


def record_event(
    candidate: Candidate,
    *,
    to_stage: str,
    day: date,
    actor,
    form: str = "",
    number: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CandidateEvent:
    data = dict(data or {})
    written = candidate.__dict__.pop("_written", None)
    if written:
        data["rows"] = written  # what annulling this step removes (candidate_annul_latest)
    return CandidateEvent.objects.create(
        candidate=candidate,
        from_stage=candidate.stage if candidate.pk else "",
        to_stage=to_stage,
        date=day,
        form=form,
        document_number=number,
        note=note,
        data=data,
        actor=actor_or_none(actor),
    )


def advance(
    candidate: Candidate,
    to_stage: str,
    *,
    day: date,
    actor,
    form: str = "",
    number: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
) -> Candidate:
    """Steps 3 and 4: move the stage, save with history, append the event."""
    check_step(candidate, to_stage)
    event = record_event(
        candidate,
        to_stage=to_stage,
        day=day,
        actor=actor,
        form=form,
        number=number,
        note=note,
        data=data,
    )
    candidate.stage, candidate.stage_since = to_stage, day
    candidate._history_user = actor_or_none(actor)
    candidate._change_reason = member_services.history_reason(note or event.get_to_stage_display())
    candidate.save(update_fields=["stage", "stage_since", *fields, "updated_at"])
    return candidate


def end_mentorship(candidate: Candidate, day: date) -> None:
    """Probation is over: the current mentor's assignment ends (saved, so history sees it)."""
    for assignment in candidate.mentors.filter(end_date__isnull=True):
        assignment.end_date = day
        assignment.save(update_fields=["end_date", "updated_at"])
        wrote(candidate, "mentors_ended", assignment.pk)


def add_document(
    candidate: Candidate, form: str, paper: Document, note: str = ""
) -> CandidateDocument:
    document = CandidateDocument.objects.create(
        candidate=candidate,
        form=form,
        number=paper.number,
        date=paper.date,
        issuing_body=paper.issuing_body,
        note=note,
    )
    wrote(candidate, "documents", document.pk)
    return document


def record_decision(
    candidate: Candidate, kind: str, paper: Document, actor, *, reason: str = "", received_on=None
) -> Decision:
    """The competent committee's decision as the chapter records it."""
    decision = Decision.objects.create(
        candidate=candidate, kind=kind, number=paper.number, date=paper.date,
        issuing_body=paper.issuing_body, reason=reason, received_on=received_on,
        actor=actor_or_none(actor),
    )  # fmt: skip
    wrote(candidate, "decisions", decision.pk)
    return decision


def as_member_decision(paper: Document) -> Document:
    """A committee decision as the members ledger records it on the member's movement."""
    return Document(
        kind="DECISION", number=paper.number, date=paper.date, issuing_body=paper.issuing_body
    )
