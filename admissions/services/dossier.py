"""C to E: the application, the background checks and their certification, the introducers."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from admissions import checks
from admissions.checks import refuse
from admissions.models import (
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    Form,
    Introduction,
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
)
from chapter.dates import refuse_future
from chapter.documents import Document
from chapter.errors import field_error
from members.models import Member

St = Candidate.Stage


# C-E: the dossier --------------------------------------------------------------------------------


@case_write
def candidate_open_dossier(
    *, candidate_id: int, actor, application_date: date, background_date: date, note: str = ""
) -> Candidate:
    """C: the application (1-KNĐ) and the background declaration (2-KNĐ) are in (R4)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, max(application_date, background_date))
    application = CandidateDocument(form=Form.APPLICATION, date=application_date)
    background = CandidateDocument(form=Form.BACKGROUND, date=background_date)
    refuse(checks.check_application([application, background]))
    check_step(candidate, St.DOSSIER_OPEN)
    add_document(candidate, Form.APPLICATION, Document(date=application_date))
    add_document(candidate, Form.BACKGROUND, Document(date=background_date))
    return advance(
        candidate,
        St.DOSSIER_OPEN,
        day=background_date,
        actor=actor,
        form=Form.BACKGROUND,
        note=note,
    )


@case_write
def candidate_save_check(
    *,
    candidate_id: int,
    actor,
    relation: str,
    person_name: str,
    requested_on: date | None = None,
    replied_on: date | None = None,
    result: str = "",
    is_party_member: bool = False,
    fully_declared: bool = False,
    abroad: bool = False,
    verifying_body: str = "",
    exempted: bool = False,
    exemption_reason: str = "",
    check_id: int | None = None,
) -> BackgroundCheck:
    """D: add or update the verification of the applicant or one relative (R5).

    An exemption is recorded only on a basis Hướng dẫn 01-HD/TW, mục 3.4c allows (a birth
    parent, full sibling or child who is a party member and fully declared; the spouse's side
    when a party member is on it), and the basis is stored with the reason. A relative abroad
    names the body that verifies them."""
    candidate = lock_case(candidate_id)
    if candidate.stage != St.DOSSIER_OPEN:
        raise StepNotAllowed(
            _("Background checks are recorded while the dossier is open."), code="step_not_allowed"
        )
    if exempted and not exemption_reason:
        raise field_error(
            {"exemption_reason": _("Give the reason for the exemption.")}, code="required"
        )
    for day in (requested_on, replied_on):
        if day:
            refuse_future(day)
    check = candidate.checks.get(pk=check_id) if check_id else BackgroundCheck(candidate=candidate)
    rows = list(candidate.checks.all())  # the others (the spouse's side, R5)
    for name, value in {
        "relation": relation,
        "person_name": person_name,
        "requested_on": requested_on,
        "replied_on": replied_on,
        "result": result,
        "is_party_member": is_party_member,
        "fully_declared": fully_declared,
        "abroad": abroad,
        "verifying_body": verifying_body,
        "exempted": exempted,
        "exemption_reason": exemption_reason,
    }.items():
        setattr(check, name, value)
    refuse(checks.check_exemption(check, rows))
    check.exemption_basis = checks.exemption_basis(check, rows) if exempted else ""
    check.full_clean(exclude=["candidate"])
    check.save()
    return check


@case_write
def candidate_certify_background(
    *, candidate_id: int, actor, certified_on: date, note: str = ""
) -> Candidate:
    """D: the grassroots committee certifies the declaration after every reply is in (R5)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, certified_on)
    check_step(candidate, St.BACKGROUND_VERIFIED)
    refuse(checks.check_verification(list(candidate.checks.all()), certified_on))
    return advance(
        candidate,
        St.BACKGROUND_VERIFIED,
        day=certified_on,
        actor=actor,
        form=Form.BACKGROUND,
        note=note,
    )


@case_write
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
    candidate = lock_case(candidate_id)
    if candidate.stage != St.BACKGROUND_VERIFIED:
        raise StepNotAllowed(
            _("Introducers are recorded once the background is verified."), code="step_not_allowed"
        )
    refuse_future(day)
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
            raise field_error({"introducer": _("Choose the introducing member.")}, code="required")
        if any(i.introducer_id == introducer.pk for i in candidate.introductions.all()):
            raise field_error(
                {"introducer": _("This member already introduces the applicant.")}, code="duplicate"
            )
        violations += checks.check_introduction(candidate, intro)
    elif not organisation or not document_number:
        raise ValidationError(
            _("Give the union's name and the number of its resolution."), code="required"
        )
    refuse(violations)
    intro.save()
    form = {
        "MEMBER": Form.INTRODUCTION,
        "YOUTH_UNION": Form.YOUTH_RESOLUTION,
        "TRADE_UNION": Form.UNION_RESOLUTION,
    }[kind]
    add_document(
        candidate,
        form,
        Document(number=document_number, date=day, issuing_body=organisation or str(introducer)),
    )
    return intro


# Stages at which a replacement introducer may be assigned: while the introducers are gathered
# and until the chapter votes (the introducers are re-checked on the vote date, R6).
REPLACEMENT_STAGES = (St.BACKGROUND_VERIFIED, St.INTRODUCED)


@case_write
def candidate_replace_introducer(
    *,
    candidate_id: int,
    actor,
    replaced_id: int,
    reason: str,
    introducer: Member,
    day: date,
    resolution: Document,
    document_number: str = "",
    disciplined_on: date | None = None,
) -> Introduction:
    """E: the chapter assigns, by resolution (number and date), another official member to
    replace an introducer who moved away or was disciplined (R6; Quy định 24-QĐ/TW, mục 3.2.2,
    kept by Quy định 294-QĐ/TW). The new member's letter (3-KNĐ) is checked on its own date
    (an official member of the chapter); the 12 months together are not asked of them. The
    replaced introduction stays, linked to its replacement, with the discipline's date if
    that was the reason."""
    candidate = lock_case(candidate_id)
    if candidate.stage not in REPLACEMENT_STAGES:
        raise StepNotAllowed(
            _("An introducer is replaced after the background is verified and before the vote."),
            code="step_not_allowed",
        )
    introductions = list(candidate.introductions.select_related("introducer"))
    replaced = next((i for i in introductions if i.pk == replaced_id), None)
    if replaced is None:
        raise field_error({"replaced": _("Choose the introducer replaced.")}, code="required")
    for value, field in ((day, "date"), (resolution.date, "assignment_date")):
        if value:
            refuse_future(value, field=field)
    if disciplined_on:
        refuse_future(disciplined_on, field="disciplined_on")
    intro = Introduction(
        candidate=candidate,
        kind=Introduction.Kind.MEMBER,
        introducer=introducer,
        date=day,
        document_number=document_number,
        replaces=replaced,
        replacement_reason=reason,
        assignment_number=resolution.number,
        assignment_date=resolution.date,
    )
    violations = checks.check_replacement(
        replaced, intro, introductions, reason=reason, disciplined_on=disciplined_on
    )
    violations += checks.check_introduction(candidate, intro)
    refuse(violations)
    if reason == Introduction.ReplacementReason.DISCIPLINED:
        replaced.introducer_disciplined_on = disciplined_on
        replaced._history_user = actor_or_none(actor)
        replaced.save(update_fields=["introducer_disciplined_on", "updated_at"])
    intro.save()
    add_document(
        candidate,
        Form.INTRODUCTION,
        Document(number=document_number, date=day, issuing_body=str(introducer)),
        note=_("Replacement introducer, chapter resolution %(number)s")
        % {"number": resolution.number},
    )
    return intro


@case_write
def candidate_complete_introductions(
    *,
    candidate_id: int,
    actor,
    opinions: Document,
    note: str = "",
    stop_on_warnings: bool = False,
) -> Candidate:
    """E: the introducers are in and the opinions summarised (5-KNĐ): R6 holds on each letter's
    date; R7 may only warn (``stop_on_warnings``: refuse until the warning is confirmed)."""
    candidate = lock_case(candidate_id)
    check_day(candidate, opinions.date)
    check_step(candidate, St.INTRODUCED)
    introductions = list(candidate.introductions.select_related("introducer"))
    standing = checks.standing_introductions(introductions)
    latest = max((i.date for i in standing), default=opinions.date)
    refuse(
        checks.check_introducers(candidate, introductions, latest),
        stop_on_warnings=stop_on_warnings,
    )
    add_document(candidate, Form.OPINIONS, opinions)
    return advance(
        candidate,
        St.INTRODUCED,
        day=opinions.date,
        actor=actor,
        form=Form.OPINIONS,
        number=opinions.number,
        note=note,
    )
