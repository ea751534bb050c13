"""Annulling the latest step of a case recorded by mistake, with what it wrote."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions import checks
from admissions.models import (
    CLOSED_STAGES,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
    Extension,
    Form,
    MentorAssignment,
    Resolution,
)
from admissions.services.common import (
    actor_or_none,
    case_write,
    lock_case,
    refuse_open_case,
    require_reason,
)
from members import services as member_services

St = Candidate.Stage


# Annulment ---------------------------------------------------------------------------------------

# For steps recorded before their events listed their rows: the papers each step writes.
STEP_FORMS = {
    St.COURSE_DONE: (Form.AWARENESS,),
    St.DOSSIER_OPEN: (Form.APPLICATION, Form.BACKGROUND),
    St.INTRODUCED: (Form.OPINIONS,),
    St.CHAPTER_APPROVED: (Form.CHAPTER_RESOLUTION,),
    St.GRASSROOTS_APPROVED: (Form.APPRAISAL, Form.GRASSROOTS_RESOLUTION),
    St.ADMISSION_DECIDED: (Form.ADMISSION_DECISION,),
    St.CONFIRMATION_VOTED: (Form.CONFIRMATION_RESOLUTION,),
    St.OFFICIAL: (Form.CONFIRMATION_DECISION,),
    St.NOT_CONFIRMED: (Form.REMOVAL_DECISION,),
}
STEP_RESOLUTIONS = {
    St.CHAPTER_APPROVED: Resolution.Kind.ADMISSION_CHAPTER,
    St.CONFIRMATION_VOTED: Resolution.Kind.CONFIRMATION_CHAPTER,
}
STEP_DECISIONS = {
    St.ADMISSION_DECIDED: Decision.Kind.ADMISSION,
    St.REJECTED: Decision.Kind.REJECTION,
    St.OFFICIAL: Decision.Kind.CONFIRMATION,
    St.NOT_CONFIRMED: Decision.Kind.REMOVAL,
}
# The member's entry each step wrote on the register, annulled with the step.
MEMBER_ENTRY = {
    St.ADMITTED: member_services.Kind.ADMITTED,
    St.OFFICIAL: member_services.Kind.CONFIRMED,
    St.NOT_CONFIRMED: member_services.Kind.REMOVED_FROM_PROBATIONARY_LIST,
}


def latest_step(candidate: Candidate) -> CandidateEvent | None:
    """The step an annulment would cancel now: the most recently recorded one still standing."""
    return candidate.events.standing().order_by("-id").first()


@case_write
def candidate_annul_latest(*, candidate_id: int, actor, event_id: int, reason: str) -> Candidate:
    """Annul the case's latest step, recorded by mistake, with a reason.

    The ledger stays append-only: one entry whose ``annuls`` points at the mistaken step; the
    stage and its date go back to what they were. The rows the step wrote go with it (its
    papers, its vote, its decision, the mentor it assigned, and the deadline extensions that
    only apply at the stage it led to; history keeps them with the reason) and a mentorship it
    ended runs again. Annulling the ceremony annuls the member's ADMITTED
    entry (the record becomes ANNULLED and leaves the case); annulling the confirmation or the
    removal annuls the member's matching entry, so case and member never disagree. Refused when
    the step is not the latest standing one, is an annulment or opened the case; when the
    member has later entries on the register; or when the mentor was changed after the ceremony.
    Locks the case, then the member; one transaction.
    """
    require_reason(reason)
    candidate = lock_case(candidate_id)
    event = candidate.events.filter(pk=event_id).first()
    if event is None:
        raise ValidationError(_("This step is not in the case's ledger."), code="not_found")
    _check_annullable(candidate, event)
    stage = event.from_stage if event.moves_stage else candidate.stage
    if event.moves_stage:
        _check_nothing_left_behind(candidate, event)
        if event.to_stage in CLOSED_STAGES and not candidate.member_id:
            refuse_open_case(candidate.former_member_id)
    if event.moves_stage and event.to_stage in MEMBER_ENTRY:
        member_services.member_annul_latest(
            member_id=candidate.member_id,
            actor=actor_or_none(actor),
            event_id=_member_entry(candidate, MEMBER_ENTRY[event.to_stage]).pk,
            reason=reason,
            through_case=True,
        )
    _discard_rows(candidate, event, actor, reason)
    fields = ["stage", "stage_since"]
    if event.moves_stage and event.to_stage == St.ADMITTED:
        candidate.member = None
        fields.append("member")
    CandidateEvent.objects.create(
        candidate=candidate,
        from_stage=candidate.stage,
        to_stage=stage,
        date=timezone.localdate(),
        note=reason,
        annuls=event,
        actor=actor_or_none(actor),
    )
    candidate.stage = stage
    entered = (
        candidate.events.standing()
        .filter(to_stage=stage)
        .exclude(from_stage=stage)
        .order_by("-id")
        .first()
    )
    candidate.stage_since = entered.date if entered else candidate.stage_since
    candidate._history_user = actor_or_none(actor)
    candidate._change_reason = member_services.history_reason(
        _("Annulled “%(step)s”: %(reason)s") % {"step": event, "reason": reason}
    )
    candidate.save(update_fields=[*fields, "updated_at"])
    return candidate


def _check_annullable(candidate: Candidate, event: CandidateEvent) -> None:
    if event.is_annulment:
        raise ValidationError(_("An annulment cannot itself be annulled."), code="annulment")
    if CandidateEvent.objects.filter(annuls=event).exists():
        raise ValidationError(_("This step has already been annulled."), code="annulled")
    latest = latest_step(candidate)
    if latest is None or latest.pk != event.pk:
        raise ValidationError(
            _(
                "Only the latest step can be annulled (now “%(latest)s”): annul it first to go "
                "further back."
            )
            % {"latest": latest},
            code="not_latest",
        )
    if not event.from_stage:
        raise ValidationError(
            _(
                "The entry that opened the case cannot be annulled: close the case instead "
                "(withdrawn), with the reason."
            ),
            code="first_entry",
        )


def _stage_extensions(candidate: Candidate, event: CandidateEvent) -> list[int]:
    """Extensions that apply at the stage the step led to and not at the one before it (the
    row history keeps them)."""
    return [
        extension.pk
        for extension in candidate.extensions.all()
        if event.to_stage in checks.extension_stages(extension.kind)
        and event.from_stage not in checks.extension_stages(extension.kind)
    ]


def _check_nothing_left_behind(candidate: Candidate, event: CandidateEvent) -> None:
    if event.to_stage == St.ADMITTED and candidate.mentors.count() > 1:
        raise ValidationError(
            _("The mentor was changed after the ceremony: the ceremony can no longer be annulled."),
            code="mentor_changed",
        )


def _member_entry(candidate: Candidate, kind: str):
    """The member's entry this step wrote; it must still be the member's latest."""
    entry = member_services.latest_entry(candidate.member)
    # A re-admission's ceremony wrote READMITTED on the former record (member_readmit).
    kinds = (
        {kind, member_services.Kind.READMITTED} if kind == member_services.Kind.ADMITTED else {kind}
    )
    if entry is None or entry.kind not in kinds:
        raise ValidationError(
            _(
                "%(name)s has later entries on the register (latest: “%(latest)s”): annul them "
                "on the member's page first."
            )
            % {"name": candidate.member, "latest": entry},
            code="member_moved_since",
        )
    return entry


def _discard_rows(candidate: Candidate, event: CandidateEvent, actor, reason: str) -> None:
    """Delete the rows the step wrote (history keeps them, with the reason) and run again the
    mentorship it ended."""
    rows = dict(event.data.get("rows") or _rows_by_match(candidate, event))
    if event.moves_stage:
        rows["extensions"] = _stage_extensions(candidate, event)
    for model, key in (
        (CandidateDocument, "documents"),
        (Resolution, "resolutions"),
        (Decision, "decisions"),
        (MentorAssignment, "mentors"),
        (Extension, "extensions"),
    ):
        for row in model.objects.filter(candidate=candidate, pk__in=rows.get(key, [])):
            row._history_user = actor_or_none(actor)
            row._change_reason = member_services.history_reason(reason)
            row.delete()
    ended = MentorAssignment.objects.filter(
        candidate=candidate, pk__in=rows.get("mentors_ended", [])
    )
    for assignment in ended:
        assignment.end_date = None
        assignment._history_user = actor_or_none(actor)
        assignment._change_reason = member_services.history_reason(reason)
        assignment.save(update_fields=["end_date", "updated_at"])


def _rows_by_match(candidate: Candidate, event: CandidateEvent) -> dict[str, list[int]]:
    """Rows of a step recorded before events listed them: the newest of each kind it writes."""
    rows: dict[str, list[int]] = {}
    target = event.to_stage if event.moves_stage else None
    if event.data.get("failed_vote"):
        rows["resolutions"] = [event.data["failed_vote"]]
        return rows
    if event.data.get("renewal"):
        target = St.COURSE_DONE
    for form in STEP_FORMS.get(target, ()):
        found = candidate.documents.filter(form=form).order_by("-id").first()
        if found:
            rows.setdefault("documents", []).append(found.pk)
    for key, kinds, model in (
        ("resolutions", STEP_RESOLUTIONS, Resolution),
        ("decisions", STEP_DECISIONS, Decision),
    ):
        if target in kinds:
            found = model.objects.filter(candidate=candidate, kind=kinds[target]).order_by("-id")
            rows[key] = [row.pk for row in found[:1]]
    if target == St.ADMITTED:
        rows["mentors"] = [m.pk for m in candidate.mentors.order_by("-id")[:1]]
    if target in (St.OFFICIAL, St.NOT_CONFIRMED):
        ended = candidate.mentors.filter(end_date=event.date).order_by("-id")[:1]
        rows["mentors_ended"] = [m.pk for m in ended]
    return rows
