"""One function per step of the admissions pipeline (STYLE.md section 2).

Each locks the candidate, checks the move against ``STAGE_TRANSITIONS`` and the rules of
``admissions.checks`` (blocking violations raise ``ValidationError`` listing every one, with
its R-number), writes the step's rows, moves the stage and appends one ``CandidateEvent`` — all
in one transaction. The ceremony, the confirmation and the removal call ``members.services`` in
the same transaction, so a member is never created or confirmed without its pipeline step.
Deadlines (R11, R12, R14) only flag: see ``admissions.deadlines``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions import checks
from admissions.models import (
    CLOSED_STAGES,
    STAGE_TRANSITIONS,
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    ChapterAdmissionSettings,
    Decision,
    Extension,
    Form,
    Introduction,
    MentorAssignment,
    Observation,
    Resolution,
)
from admissions.rules import rule
from members import services as member_services
from members.models import Cell, Chapter, Member

St = Candidate.Stage
CANDIDATE_FIELDS = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion", "hometown",
    "citizen_id", "phone", "occupation", "workplace", "education", "qualification",
    "is_youth_union_member", "education_exception", "education_exception_approval",
    "over_age_approval", "former_member", "former_exit_date", "former_exit_reason",
    "readmission_consent", "note",
)  # fmt: skip
# What the member record takes over from the candidate at the ceremony.
MEMBER_FIELDS = (
    "full_name", "other_names", "gender", "date_of_birth", "ethnicity", "religion",
    "hometown", "citizen_id", "phone", "occupation", "workplace", "qualification",
)  # fmt: skip


class StepNotAllowed(ValidationError):
    """The candidate's stage does not allow this step (STAGE_TRANSITIONS)."""


@dataclass(frozen=True)
class Paper:
    """A document's number, date and issuer as a step records it."""

    number: str
    date: date
    issuer: str = ""


# Shared steps ------------------------------------------------------------------------------------


def _lock(candidate_id: int) -> Candidate:
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("chapter", "member")
        .get(pk=candidate_id)
    )


def _check_step(candidate: Candidate, to_stage: str) -> None:
    if to_stage not in STAGE_TRANSITIONS.get(candidate.stage or None, set()):
        raise StepNotAllowed(
            _("A candidate at the stage “%(current)s” cannot move to “%(target)s”.")
            % {"current": candidate.get_stage_display(), "target": St(to_stage).label},
            code="step_not_allowed",
        )


def _field_error(errors: dict[str, Any], *, code: str) -> ValidationError:
    """Errors keyed by field, each keeping ``code``: Django drops a code given beside a dict."""
    return ValidationError({name: ValidationError(msg, code=code) for name, msg in errors.items()})


def _refuse(violations: list[checks.Violation]) -> None:
    blocking = [v for v in violations if v.blocking]
    if blocking:
        raise ValidationError([str(v) for v in blocking], code="rule_violated")


def _check_day(candidate: Candidate, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    if candidate.stage_since and day < candidate.stage_since:
        raise ValidationError(
            _("The date is before the previous step (%(date)s).")
            % {"date": candidate.stage_since.strftime("%d/%m/%Y")},
            code="before_previous_step",
        )


def _event(
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
        actor=_user(actor),
    )


def _wrote(candidate: Candidate, kind: str, pk: int) -> None:
    """Remember a row this step wrote (or a mentorship it ended): its event lists them."""
    candidate.__dict__.setdefault("_written", {}).setdefault(kind, []).append(pk)


def _advance(
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
    _check_step(candidate, to_stage)
    event = _event(
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
    candidate._history_user = _user(actor)
    candidate._change_reason = member_services.history_reason(note or event.get_to_stage_display())
    candidate.save(update_fields=["stage", "stage_since", *fields, "updated_at"])
    return candidate


def _end_mentorship(candidate: Candidate, day: date) -> None:
    """Probation is over: the current mentor's assignment ends (saved, so history sees it)."""
    for assignment in candidate.mentors.filter(end_date__isnull=True):
        assignment.end_date = day
        assignment.save(update_fields=["end_date", "updated_at"])
        _wrote(candidate, "mentors_ended", assignment.pk)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _document(candidate: Candidate, form: str, paper: Paper, note: str = "") -> CandidateDocument:
    document = CandidateDocument.objects.create(
        candidate=candidate,
        form=form,
        number=paper.number,
        date=paper.date,
        issuer=paper.issuer,
        note=note,
    )
    _wrote(candidate, "documents", document.pk)
    return document


def _record_decision(
    candidate: Candidate, kind: str, paper: Paper, actor, *, reason: str = "", received_on=None
) -> Decision:
    """The competent committee's decision as the chapter records it."""
    decision = Decision.objects.create(
        candidate=candidate, kind=kind, number=paper.number, date=paper.date, body=paper.issuer,
        reason=reason, received_on=received_on, actor=_user(actor),
    )  # fmt: skip
    _wrote(candidate, "decisions", decision.pk)
    return decision


def _member_document(paper: Paper) -> member_services.Document:
    """A committee decision as the members ledger records it on the member's movement."""
    return member_services.Document(
        kind="DECISION", number=paper.number, date=paper.date, issuing_body=paper.issuer
    )


def _official_member_of(
    chapter: Chapter, member: Member | None, on: date, *, role: str, rule_number: str = "R13"
) -> list[checks.Violation]:
    """The mentor (R13) or the member helping a candidate (stage A) is an official member of
    the chapter on that day."""
    if member is None:
        return [checks.Violation(rule_number, _("Choose the %(role)s.") % {"role": role})]
    status = (
        Member.objects.filter(pk=member.pk).as_of(on).values_list("status_on", flat=True).first()
    )
    if member.chapter_id != chapter.pk or status != Member.Status.OFFICIAL:
        return [
            checks.Violation(
                rule_number,
                _("The %(role)s must be an official member of the chapter on %(date)s.")
                % {"role": role, "date": on.strftime("%d/%m/%Y")},
            )
        ]
    return []


# A: the candidate pool ---------------------------------------------------------------------------


@transaction.atomic
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
        raise _field_error(
            {"cell": _("This cell belongs to another chapter.")}, code="cell_chapter"
        )
    candidate = Candidate(
        chapter=chapter, cell=cell, source=source, helper=helper, stage_since=day, **details
    )
    candidate.full_clean(exclude=["stage", "stage_since", "chapter", "cell", "helper"])
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    violations = []
    if helper is not None:
        violations += _official_member_of(
            chapter, helper, day, role=_("member assigned to help"), rule_number="A"
        )
    if candidate.former_member_id or candidate.former_exit_date:
        _refuse_open_case(candidate.former_member_id)
        again = _readmitted_before(candidate.former_member_id)
        violations += checks.check_readmission(candidate, day, already_readmitted=again)
    _refuse(violations)
    candidate.stage = ""
    candidate._history_user = _user(actor)
    _check_step(candidate, St.POOL)
    candidate.stage = St.POOL
    candidate.save()
    CandidateEvent.objects.create(
        candidate=candidate, to_stage=St.POOL, date=day, note=note, actor=_user(actor)
    )
    return candidate


def _readmitted_before(former_member_id: int | None) -> bool:
    """R20, once only: a re-admission from this record reached the ceremony, or this record is
    itself the member a re-admission created. A case dropped before the ceremony does not count."""
    if former_member_id is None:
        return False
    return Candidate.objects.filter(
        Q(former_member=former_member_id, member__isnull=False)
        | Q(member=former_member_id, former_member__isnull=False)
    ).exists()


def _refuse_open_case(former_member_id: int | None) -> None:
    if former_member_id is None:
        return
    open_cases = Candidate.objects.exclude(stage__in=CLOSED_STAGES).filter(
        former_member=former_member_id, member__isnull=True
    )
    if open_cases.exists():
        raise _field_error(
            {"former_member": _("This former member already has an open case.")},
            code="duplicate",
        )


@transaction.atomic
def candidate_mark_sympathiser(
    *, candidate_id: int, actor, day: date, resolution_number: str = "", note: str = ""
) -> Candidate:
    """The chapter's resolution counts the candidate as a sympathiser (cảm tình Đảng)."""
    candidate = _lock(candidate_id)
    _check_day(candidate, day)
    return _advance(
        candidate, St.SYMPATHISER, day=day, actor=actor, number=resolution_number, note=note
    )


@transaction.atomic
def candidate_record_course(
    *, candidate_id: int, actor, certificate: Paper, note: str = ""
) -> Candidate:
    """B: the awareness-course certificate (CN-NTVĐ). Later in the pipeline this renews an
    expired certificate without moving the stage (R3)."""
    candidate = _lock(candidate_id)
    if certificate.date > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    if not certificate.number:
        raise _field_error({"number": _("Give the certificate number.")}, code="required")
    if not candidate.is_open or candidate.stage in (
        St.ADMISSION_DECIDED,
        St.ADMITTED,
        St.CONFIRMATION_VOTED,
    ):
        raise StepNotAllowed(
            _("The awareness course is no longer recorded at this stage."), code="step_not_allowed"
        )
    _document(candidate, Form.AWARENESS, certificate, note)
    if candidate.stage in (St.POOL, St.SYMPATHISER):
        _check_day(candidate, certificate.date)
        return _advance(
            candidate,
            St.COURSE_DONE,
            day=certificate.date,
            actor=actor,
            form=Form.AWARENESS,
            number=certificate.number,
            note=note,
        )
    _event(
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


# C-E: the dossier --------------------------------------------------------------------------------


@transaction.atomic
def candidate_open_dossier(
    *, candidate_id: int, actor, application_date: date, background_date: date, note: str = ""
) -> Candidate:
    """C: the application (1-KNĐ) and the background declaration (2-KNĐ) are in (R4)."""
    candidate = _lock(candidate_id)
    _check_day(candidate, max(application_date, background_date))
    application = CandidateDocument(form=Form.APPLICATION, date=application_date)
    background = CandidateDocument(form=Form.BACKGROUND, date=background_date)
    _refuse(checks.check_application([application, background]))
    _check_step(candidate, St.DOSSIER_OPEN)
    _document(candidate, Form.APPLICATION, Paper("", application_date))
    _document(candidate, Form.BACKGROUND, Paper("", background_date))
    return _advance(
        candidate,
        St.DOSSIER_OPEN,
        day=background_date,
        actor=actor,
        form=Form.BACKGROUND,
        note=note,
    )


@transaction.atomic
def candidate_save_check(
    *,
    candidate_id: int,
    actor,
    relation: str,
    person_name: str,
    requested_on: date | None = None,
    replied_on: date | None = None,
    result: str = "",
    exempted: bool = False,
    exemption_reason: str = "",
    check_id: int | None = None,
) -> BackgroundCheck:
    """D: add or update the verification of the applicant or one relative (R5)."""
    candidate = _lock(candidate_id)
    if candidate.stage != St.DOSSIER_OPEN:
        raise StepNotAllowed(
            _("Background checks are recorded while the dossier is open."), code="step_not_allowed"
        )
    if exempted and not exemption_reason:
        raise _field_error(
            {"exemption_reason": _("Give the reason for the exemption.")}, code="required"
        )
    if exempted and relation == BackgroundCheck.Relation.SELF:
        raise _field_error(
            {"exempted": _("The applicant's own verification cannot be exempted.")},
            code="self_exempt",
        )
    if exempted and relation not in checks.EXEMPTIBLE_RELATIONS:
        raise _field_error(
            {
                "exempted": _(
                    "R5: only a parent, sibling or child who is a party member can be exempted."
                )
            },
            code="relation_not_exemptible",
        )
    for day in (requested_on, replied_on):
        if day and day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future_date")
    check = candidate.checks.get(pk=check_id) if check_id else BackgroundCheck(candidate=candidate)
    for name, value in {
        "relation": relation,
        "person_name": person_name,
        "requested_on": requested_on,
        "replied_on": replied_on,
        "result": result,
        "exempted": exempted,
        "exemption_reason": exemption_reason,
    }.items():
        setattr(check, name, value)
    check.full_clean(exclude=["candidate"])
    check.save()
    return check


@transaction.atomic
def candidate_certify_background(
    *, candidate_id: int, actor, certified_on: date, note: str = ""
) -> Candidate:
    """D: the grassroots committee certifies the declaration after every reply is in (R5)."""
    candidate = _lock(candidate_id)
    _check_day(candidate, certified_on)
    _check_step(candidate, St.BACKGROUND_VERIFIED)
    _refuse(checks.check_verification(list(candidate.checks.all()), certified_on))
    return _advance(
        candidate,
        St.BACKGROUND_VERIFIED,
        day=certified_on,
        actor=actor,
        form=Form.BACKGROUND,
        note=note,
    )


@transaction.atomic
def candidate_add_introduction(
    *,
    candidate_id: int,
    actor,
    kind: str,
    day: date,
    introducer: Member | None = None,
    organisation: str = "",
    document_number: str = "",
    together_since: date | None = None,
) -> Introduction:
    """E: one introducer's letter (3-KNĐ) or a union's resolution (4-KNĐ / 4A-KNĐ), checked on
    its own date (R6)."""
    candidate = _lock(candidate_id)
    if candidate.stage != St.BACKGROUND_VERIFIED:
        raise StepNotAllowed(
            _("Introducers are recorded once the background is verified."), code="step_not_allowed"
        )
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    intro = Introduction(
        candidate=candidate,
        kind=kind,
        date=day,
        introducer=introducer if kind == "MEMBER" else None,
        organisation=organisation,
        document_number=document_number,
        together_since=together_since,
    )
    violations = []
    if kind == Introduction.Kind.MEMBER:
        if introducer is None:
            raise _field_error({"introducer": _("Choose the introducing member.")}, code="required")
        if any(i.introducer_id == introducer.pk for i in candidate.introductions.all()):
            raise _field_error(
                {"introducer": _("This member already introduces the applicant.")}, code="duplicate"
            )
        statuses = checks._statuses_on([introducer.pk], day)
        if (
            statuses.get(introducer.pk) != Member.Status.OFFICIAL
            or introducer.chapter_id != candidate.chapter_id
        ):
            violations.append(
                checks.Violation(
                    "R6",
                    _(
                        "%(name)s is not an official member of the chapter on %(date)s: "
                        "probationary members cannot introduce."
                    )
                    % {"name": introducer, "date": day.strftime("%d/%m/%Y")},
                )
            )
        violations += checks._check_together(intro)
    elif not organisation or not document_number:
        raise ValidationError(
            _("Give the union's name and the number of its resolution."), code="required"
        )
    _refuse(violations)
    intro.save()
    form = {
        "MEMBER": Form.INTRODUCTION,
        "YOUTH_UNION": Form.YOUTH_RESOLUTION,
        "TRADE_UNION": Form.UNION_RESOLUTION,
    }[kind]
    _document(candidate, form, Paper(document_number, day, organisation or str(introducer)))
    return intro


@transaction.atomic
def candidate_complete_introductions(
    *, candidate_id: int, actor, opinions: Paper, note: str = ""
) -> Candidate:
    """E: the introducers are in and the opinions summarised (5-KNĐ): R6, R7 hold."""
    candidate = _lock(candidate_id)
    _check_day(candidate, opinions.date)
    _check_step(candidate, St.INTRODUCED)
    introductions = list(candidate.introductions.select_related("introducer"))
    latest = max((i.date for i in introductions), default=opinions.date)
    _refuse(checks.check_introducers(candidate, introductions, latest))
    _document(candidate, Form.OPINIONS, opinions)
    return _advance(
        candidate,
        St.INTRODUCED,
        day=opinions.date,
        actor=actor,
        form=Form.OPINIONS,
        number=opinions.number,
        note=note,
    )


# F-H: votes and decisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Vote:
    """What the minutes of a meeting say."""

    date: date
    number: str
    present: int
    votes_for: int
    votes_against: int
    exempted_present: int = 0
    note: str = ""


def admission_vote_violations(
    candidate: Candidate, vote: Vote
) -> tuple[checks.VoteBase, list[checks.Violation]]:
    """Every rule a chapter admission vote must meet on its date (R1-R3, R6, R7, R9, R20)."""
    base = checks.vote_base(candidate.chapter, vote.date, exempted_present=vote.exempted_present)
    documents = list(candidate.documents.all())
    introductions = list(candidate.introductions.select_related("introducer"))
    violations = (
        checks.check_age(candidate, vote.date) + checks.check_education(candidate)
        + checks.check_awareness(documents, vote.date) + checks.check_application(documents)
        + checks.check_introducers(candidate, introductions, vote.date)
        + checks.check_chapter_size(base, vote.date)
        + checks.check_vote_figures(base, vote.present, vote.votes_for, vote.votes_against)
    )  # fmt: skip
    if candidate.former_member_id or candidate.former_exit_date:
        violations += checks.check_readmission(candidate, vote.date, already_readmitted=False)
    return base, violations


def _record_vote(
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
        actor=_user(actor),
    )
    _wrote(candidate, "resolutions", resolution.pk)
    return resolution


def _failed_vote(candidate: Candidate, resolution: Resolution, actor, *, form: str) -> Candidate:
    failures = candidate.resolutions.filter(kind=resolution.kind, passed=False).count()
    data = {
        "failed_vote": resolution.pk,
        "failures": failures,
        "escalate": failures >= rule("FAILED_VOTES_ESCALATE", resolution.date),
    }
    _event(
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


@transaction.atomic
def candidate_chapter_vote(*, candidate_id: int, actor, vote: Vote) -> tuple[Candidate, Resolution]:
    """F: the chapter votes (6-KNĐ), one applicant at a time. Passed with for * 3 >= 2 * base
    (R8) → CHAPTER_APPROVED; a failed vote is recorded, and the third failure flags escalation."""
    candidate = _lock(candidate_id)
    _check_day(candidate, vote.date)
    _check_step(candidate, St.CHAPTER_APPROVED)
    base, violations = admission_vote_violations(candidate, vote)
    _refuse(violations)
    resolution = _record_vote(candidate, Resolution.Kind.ADMISSION_CHAPTER, vote, base, actor)
    if not resolution.passed:
        return _failed_vote(candidate, resolution, actor, form=Form.CHAPTER_RESOLUTION), resolution
    _document(
        candidate, Form.CHAPTER_RESOLUTION, Paper(vote.number, vote.date, candidate.chapter.name)
    )
    candidate = _advance(
        candidate,
        St.CHAPTER_APPROVED,
        day=vote.date,
        actor=actor,
        form=Form.CHAPTER_RESOLUTION,
        number=vote.number,
        note=vote.note,
        data={"base": base.base, "for": vote.votes_for},
    )
    return candidate, resolution


def _grassroots_step(chapter: Chapter) -> bool:
    settings = ChapterAdmissionSettings.objects.filter(chapter=chapter).first()
    return bool(settings and settings.grassroots_step)


@transaction.atomic
def candidate_grassroots_approve(
    *, candidate_id: int, actor, resolution: Paper, appraisal: Paper | None = None, note: str = ""
) -> Candidate:
    """G: the grassroots committee's resolution (8-KNĐ), after an appraisal (7-KNĐ) if any."""
    candidate = _lock(candidate_id)
    _check_day(candidate, resolution.date)
    _check_step(candidate, St.GRASSROOTS_APPROVED)
    if appraisal:
        _document(candidate, Form.APPRAISAL, appraisal)
    _document(candidate, Form.GRASSROOTS_RESOLUTION, resolution)
    return _advance(
        candidate,
        St.GRASSROOTS_APPROVED,
        day=resolution.date,
        actor=actor,
        form=Form.GRASSROOTS_RESOLUTION,
        number=resolution.number,
        note=note,
    )


@transaction.atomic
def candidate_record_admission_decision(
    *, candidate_id: int, actor, decision: Paper, received_on: date, note: str = ""
) -> Candidate:
    """H: the competent committee's admission decision (9-KNĐ), as received by the chapter.
    Late against R11 is flagged on the case, not refused."""
    candidate = _lock(candidate_id)
    _check_day(candidate, decision.date)
    if received_on < decision.date:
        raise _field_error(
            {"received_on": _("The decision cannot be received before it was issued (R13).")},
            code="received_before_issued",
        )
    if received_on > timezone.localdate():
        raise _field_error(
            {"received_on": _("The date cannot be in the future.")}, code="future_date"
        )
    if candidate.stage == St.CHAPTER_APPROVED and _grassroots_step(candidate.chapter):
        raise StepNotAllowed(
            _("This chapter's resolutions go to the grassroots committee first."),
            code="step_not_allowed",
        )
    _check_step(candidate, St.ADMISSION_DECIDED)
    _record_decision(candidate, Decision.Kind.ADMISSION, decision, actor, received_on=received_on)
    _document(candidate, Form.ADMISSION_DECISION, decision)
    return _advance(
        candidate,
        St.ADMISSION_DECIDED,
        day=decision.date,
        actor=actor,
        form=Form.ADMISSION_DECISION,
        number=decision.number,
        note=note,
        data={"received_on": received_on.isoformat()},
    )


@transaction.atomic
def candidate_add_extension(*, candidate_id: int, actor, kind: str, paper: Paper) -> Extension:
    """A recorded extension of a decision deadline, or the consent to a late ceremony."""
    candidate = _lock(candidate_id)
    if paper.date > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    allowed = {
        Extension.Kind.ADMISSION_DECISION: (St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED),
        Extension.Kind.CEREMONY: (St.ADMISSION_DECIDED,),
        Extension.Kind.CONFIRMATION_DECISION: (St.CONFIRMATION_VOTED,),
    }[kind]
    if candidate.stage not in allowed:
        raise StepNotAllowed(
            _("This extension does not apply at this stage."), code="step_not_allowed"
        )
    if candidate.extensions.filter(kind=kind).exists():
        raise ValidationError(_("This deadline has already been extended once."), code="duplicate")
    return Extension.objects.create(
        candidate=candidate, kind=kind, number=paper.number, date=paper.date, body=paper.issuer
    )


# Exits before the ceremony -----------------------------------------------------------------------


@transaction.atomic
def candidate_reject(*, candidate_id: int, actor, decision: Paper, reason: str) -> Candidate:
    """The competent committee refuses to admit; the case ends with its reason."""
    candidate = _lock(candidate_id)
    _require(reason)
    _check_day(candidate, decision.date)
    _check_step(candidate, St.REJECTED)
    _record_decision(candidate, Decision.Kind.REJECTION, decision, actor, reason=reason)
    return _advance(
        candidate, St.REJECTED, day=decision.date, actor=actor, number=decision.number, note=reason
    )


@transaction.atomic
def candidate_withdraw(
    *, candidate_id: int, actor, day: date, reason: str, stage: str = St.WITHDRAWN
) -> Candidate:
    """The applicant withdraws, or the chapter drops the case (documents expired), with a reason."""
    if stage not in (St.WITHDRAWN, St.DOCUMENTS_EXPIRED, St.REJECTED):
        raise ValueError(stage)
    candidate = _lock(candidate_id)
    _require(reason)
    _check_day(candidate, day)
    return _advance(candidate, stage, day=day, actor=actor, note=reason)


def _require(reason: str) -> None:
    if not (reason or "").strip():
        raise _field_error({"reason": _("Give the reason.")}, code="required")


# I: the ceremony ---------------------------------------------------------------------------------


def ceremony_violations(
    candidate: Candidate, day: date, mentor: Member | None
) -> list[checks.Violation]:
    """R12 (flag) and R13 (block) for a ceremony on ``day``."""
    from admissions.deadlines import ceremony_due

    decision = candidate.decisions.filter(kind=Decision.Kind.ADMISSION).order_by("-date").first()
    found: list[checks.Violation] = []
    if decision is None or decision.received_on is None:
        return [
            checks.Violation(
                "R13", _("The admission decision and the day it was received are missing.")
            )
        ]
    if day < decision.received_on:
        found.append(
            checks.Violation(
                "R13",
                _("The ceremony cannot be before the decision was received (%(date)s).")
                % {"date": decision.received_on.strftime("%d/%m/%Y")},
            )
        )
    due = ceremony_due(decision)
    if day > due and not candidate.extensions.filter(kind=Extension.Kind.CEREMONY).exists():
        found.append(
            checks.Violation(
                "R12",
                _("The ceremony was due by %(date)s: record the superior committee's consent.")
                % {"date": due.strftime("%d/%m/%Y")},
                blocking=False,
            )
        )
    return found + _official_member_of(candidate.chapter, mentor, day, role=_("mentor"))


@transaction.atomic
def candidate_hold_ceremony(
    *,
    candidate_id: int,
    actor,
    day: date,
    mentor: Member | None,
    mentor_resolution: str = "",
    note: str = "",
) -> Candidate:
    """I: the ceremony. Creates the probationary member through ``members.services.member_admit``
    (official date = ceremony + 12 months, R15) and assigns the one mentor (R13)."""
    candidate = _lock(candidate_id)
    _check_day(candidate, day)
    _check_step(candidate, St.ADMITTED)
    _refuse(ceremony_violations(candidate, day, mentor))
    decision = candidate.decisions.filter(kind=Decision.Kind.ADMISSION).order_by("-date").first()
    member = member_services.member_admit(
        chapter=candidate.chapter,
        cell=candidate.cell,
        actor=_user(actor),
        details={name: getattr(candidate, name) for name in MEMBER_FIELDS},
        decision=member_services.Document(
            kind="DECISION", number=decision.number, date=decision.date, issuing_body=decision.body
        ),
        ceremony_date=day,
        note=note,
    )
    assignment = MentorAssignment.objects.create(
        candidate=candidate, mentor=mentor, start_date=day, resolution=mentor_resolution
    )
    _wrote(candidate, "mentors", assignment.pk)
    candidate.member = member
    return _advance(
        candidate,
        St.ADMITTED,
        day=day,
        actor=actor,
        note=note,
        data={"mentor": mentor.pk, "official_date": member.official_date.isoformat()},
        fields=("member",),
    )


# J: probation ------------------------------------------------------------------------------------


@transaction.atomic
def candidate_reassign_mentor(
    *, candidate_id: int, actor, mentor: Member, day: date, resolution: str
) -> MentorAssignment:
    """A new mentor from a dated chapter resolution; the current one's assignment ends that day."""
    candidate = _lock(candidate_id)
    if candidate.stage not in (St.ADMITTED, St.CONFIRMATION_VOTED):
        raise StepNotAllowed(_("Mentors are reassigned during probation."), code="step_not_allowed")
    if not resolution:
        raise _field_error({"resolution": _("Give the chapter's resolution.")}, code="required")
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    _refuse(_official_member_of(candidate.chapter, mentor, day, role=_("mentor")))
    current = candidate.mentors.select_for_update().filter(end_date__isnull=True).first()
    if current and current.mentor_id == mentor.pk:
        raise _field_error({"mentor": _("This member is already the mentor.")}, code="same_mentor")
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


@transaction.atomic
def candidate_add_document(
    *, candidate_id: int, actor, form: str, paper: Paper, note: str = "", scan=None
) -> CandidateDocument:
    """Add a paper to the dossier (self-review, mentor's assessment, course certificate, …)."""
    candidate = _lock(candidate_id)
    if paper.date > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    document = _document(candidate, form, paper, note)
    if scan:
        document.scan = scan
        document.save(update_fields=["scan"])
    return document


@transaction.atomic
def candidate_add_observation(
    *, candidate_id: int, actor, day: date, text: str, kind: str = Observation.Kind.OBSERVATION
) -> Observation:
    """A cell leader's, helper's or mentor's dated note; no stage change."""
    candidate = Candidate.objects.get(pk=candidate_id)
    if not text.strip():
        raise _field_error({"text": _("Write the observation.")}, code="required")
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    return Observation.objects.create(
        candidate=candidate, kind=kind, date=day, text=text.strip(), author=_user(actor)
    )


# K: confirmation ---------------------------------------------------------------------------------


def confirmation_vote_violations(
    candidate: Candidate, vote: Vote
) -> tuple[checks.VoteBase, list[checks.Violation]]:
    """R14 (not before the end of probation), R18 (dossier), R8, R9."""
    base = checks.vote_base(candidate.chapter, vote.date, exempted_present=vote.exempted_present)
    violations = checks.check_chapter_size(base, vote.date)
    violations += checks.check_vote_figures(base, vote.present, vote.votes_for, vote.votes_against)
    official_date = candidate.member.official_date
    if vote.date < official_date:
        violations.append(
            checks.Violation(
                "R14",
                _(
                    "The 12 months of probation end on %(date)s: the chapter votes "
                    "on or after that day."
                )
                % {"date": official_date.strftime("%d/%m/%Y")},
            )
        )
    violations += checks.check_confirmation_dossier(list(candidate.documents.all()), vote.date)
    return base, violations


@transaction.atomic
def candidate_confirmation_vote(
    *, candidate_id: int, actor, vote: Vote
) -> tuple[Candidate, Resolution]:
    """K: the chapter proposes confirmation (13-KNĐ) on or after the end of probation."""
    candidate = _lock(candidate_id)
    _check_day(candidate, vote.date)
    _check_step(candidate, St.CONFIRMATION_VOTED)
    base, violations = confirmation_vote_violations(candidate, vote)
    _refuse(violations)
    resolution = _record_vote(candidate, Resolution.Kind.CONFIRMATION_CHAPTER, vote, base, actor)
    if not resolution.passed:
        return _failed_vote(
            candidate, resolution, actor, form=Form.CONFIRMATION_RESOLUTION
        ), resolution
    _document(
        candidate,
        Form.CONFIRMATION_RESOLUTION,
        Paper(vote.number, vote.date, candidate.chapter.name),
    )
    candidate = _advance(
        candidate,
        St.CONFIRMATION_VOTED,
        day=vote.date,
        actor=actor,
        form=Form.CONFIRMATION_RESOLUTION,
        number=vote.number,
        note=vote.note,
    )
    return candidate, resolution


@transaction.atomic
def candidate_confirm(*, candidate_id: int, actor, decision: Paper, note: str = "") -> Candidate:
    """K: the competent committee's decision (16-KNĐ): the member becomes official with the
    official date = ceremony + 12 months exactly, whatever the decision date (R15)."""
    candidate = _lock(candidate_id)
    _check_day(candidate, decision.date)
    _check_step(candidate, St.OFFICIAL)
    member_services.member_confirm_official(
        member_id=candidate.member_id,
        actor=_user(actor),
        note=note,
        decision=_member_document(decision),
        through_case=True,
    )
    _record_decision(candidate, Decision.Kind.CONFIRMATION, decision, actor)
    _document(candidate, Form.CONFIRMATION_DECISION, decision)
    _end_mentorship(candidate, decision.date)
    return _advance(
        candidate,
        St.OFFICIAL,
        day=decision.date,
        actor=actor,
        form=Form.CONFIRMATION_DECISION,
        number=decision.number,
        note=note,
    )


@transaction.atomic
def candidate_not_confirm(*, candidate_id: int, actor, decision: Paper, reason: str) -> Candidate:
    """K: not qualified → removal from the probationary list (R19); probation is never extended."""
    candidate = _lock(candidate_id)
    _require(reason)
    _check_day(candidate, decision.date)
    _check_step(candidate, St.NOT_CONFIRMED)
    member_services.member_remove_from_probationary_list(
        member_id=candidate.member_id,
        actor=_user(actor),
        reason=reason,
        decision=_member_document(decision),
        through_case=True,
    )
    _record_decision(candidate, Decision.Kind.REMOVAL, decision, actor, reason=reason)
    _document(candidate, Form.REMOVAL_DECISION, decision)
    _end_mentorship(candidate, decision.date)
    return _advance(
        candidate,
        St.NOT_CONFIRMED,
        day=decision.date,
        actor=actor,
        number=decision.number,
        note=reason,
    )


# Annulment ---------------------------------------------------------------------------------------

# The deadline extensions that only make sense once the case has reached a stage: annulling the
# step into that stage removes them with it (the row history keeps them).
EXTENSION_STAGES = {
    Extension.Kind.ADMISSION_DECISION: {St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED},
    Extension.Kind.CEREMONY: {St.ADMISSION_DECIDED},
    Extension.Kind.CONFIRMATION_DECISION: {St.CONFIRMATION_VOTED},
}
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


@transaction.atomic
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
    _require(reason)
    candidate = _lock(candidate_id)
    event = candidate.events.filter(pk=event_id).first()
    if event is None:
        raise ValidationError(_("This step is not in the case's ledger."), code="not_found")
    _check_annullable(candidate, event)
    stage = event.from_stage if event.moves_stage else candidate.stage
    if event.moves_stage:
        _check_nothing_left_behind(candidate, event)
        if event.to_stage in CLOSED_STAGES and not candidate.member_id:
            _refuse_open_case(candidate.former_member_id)
    if event.moves_stage and event.to_stage in MEMBER_ENTRY:
        member_services.member_annul_latest(
            member_id=candidate.member_id,
            actor=_user(actor),
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
        actor=_user(actor),
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
    candidate._history_user = _user(actor)
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
    """Extensions that apply at the stage the step led to and not at the one before it."""
    return [
        extension.pk
        for extension in candidate.extensions.all()
        if event.to_stage in EXTENSION_STAGES[extension.kind]
        and event.from_stage not in EXTENSION_STAGES[extension.kind]
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
    if entry is None or entry.kind != kind:
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
            row._history_user = _user(actor)
            row._change_reason = member_services.history_reason(reason)
            row.delete()
    ended = MentorAssignment.objects.filter(
        candidate=candidate, pk__in=rows.get("mentors_ended", [])
    )
    for assignment in ended:
        assignment.end_date = None
        assignment._history_user = _user(actor)
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
