"""The dossier's papers: the awareness certificate (R3), the application and the background
declaration (R4), the verification of the background (R5), the confirmation dossier (R18)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from admissions.checks.base import Violation
from admissions.deadlines import awareness_expires
from admissions.models import BackgroundCheck, CandidateDocument, Form
from chapter.dates import format_date


def latest(documents: list[CandidateDocument], form: str) -> CandidateDocument | None:
    """The newest paper of ``form`` (by date, then by entry)."""
    matching = [d for d in documents if d.form == form]
    return max(matching, key=lambda d: (d.date, d.pk or 0)) if matching else None


# R3, R4 --------------------------------------------------------------------------------------


def check_awareness(documents: list[CandidateDocument], on: date) -> list[Violation]:
    """R3: an awareness-course certificate at most 60 months old on the vote date."""
    certificate = latest(documents, Form.AWARENESS)
    if certificate is None:
        return [Violation("R3", _("The awareness-course certificate is missing."))]
    if on > awareness_expires(certificate):
        return [
            Violation(
                "R3",
                _(
                    "The awareness-course certificate of %(issued)s expired on %(expired)s: "
                    "the applicant must take the course again."
                )
                % {
                    "issued": format_date(certificate.date),
                    "expired": format_date(awareness_expires(certificate)),
                },
            )
        ]
    return []


def check_application(documents: list[CandidateDocument]) -> list[Violation]:
    """R4: the application (1-KNĐ) is dated on or before the background declaration (2-KNĐ)."""
    application, background = (
        latest(documents, Form.APPLICATION),
        latest(documents, Form.BACKGROUND),
    )
    found = []
    if application is None:
        found.append(Violation("R4", _("The application (1-KNĐ) is missing.")))
    if background is None:
        found.append(Violation("R4", _("The background declaration (2-KNĐ) is missing.")))
    if application and background and application.date > background.date:
        found.append(
            Violation(
                "R4",
                _("The application (1-KNĐ) is dated after the background declaration (2-KNĐ)."),
            )
        )
    return found


# R5 ------------------------------------------------------------------------------------------

# Only a parent, sibling or child who is a member and fully declared may be exempted.
EXEMPTIBLE_RELATIONS = {
    BackgroundCheck.Relation.FATHER,
    BackgroundCheck.Relation.MOTHER,
    BackgroundCheck.Relation.CHILD,
}


def check_exemption(relation: str, exempted: bool) -> list[Violation]:
    """R5 on one row: the applicant's own verification is never exempted, and only a parent,
    sibling or child who is a party member may be."""
    if not exempted:
        return []
    if relation == BackgroundCheck.Relation.SELF:
        message, code = _("The applicant's own verification cannot be exempted."), "self_exempt"
    elif relation not in EXEMPTIBLE_RELATIONS:
        message = _("Only a parent, sibling or child who is a party member can be exempted.")
        code = "relation_not_exemptible"
    else:
        return []
    return [Violation("R5", message, field="exempted", code=code)]


def check_verification(checks: list[BackgroundCheck], certified_on: date) -> list[Violation]:
    """R5: the declaration is certified only after every required reply, or an exemption of a
    parent, sibling or child (any other relative's exemption does not replace the reply)."""
    found = []
    if not any(c.relation == BackgroundCheck.Relation.SELF for c in checks):
        found.append(Violation("R5", _("The verification of the applicant themself is missing.")))
    for check in checks:
        if check.exempted and check.relation in EXEMPTIBLE_RELATIONS:
            continue
        if check.replied_on is None:
            message = (
                _(
                    "Only a parent, sibling or child who is a party member can be exempted: "
                    "%(who)s needs a reply."
                )
                if check.exempted
                else _("No reply yet for %(who)s.")
            )
            found.append(Violation("R5", message % {"who": check}))
        elif check.replied_on > certified_on:
            found.append(
                Violation(
                    "R5",
                    _("The reply for %(who)s came on %(date)s, after the certification.")
                    % {"who": check, "date": format_date(check.replied_on)},
                )
            )
    return found


def verification_complete(checks: list[BackgroundCheck]) -> bool:
    """Every reply is in (the page's next step is the certification)."""
    return any(r.relation == r.Relation.SELF for r in checks) and all(r.is_done for r in checks)


# R18 -----------------------------------------------------------------------------------------

CONFIRMATION_FORMS = (
    Form.SELF_REVIEW,
    Form.MENTOR_ASSESSMENT,
    Form.MEMBER_OPINIONS,
    Form.NEW_MEMBER_COURSE,
)


def check_confirmation_dossier(documents: list[CandidateDocument], on: date) -> list[Violation]:
    """R18: the self-review, the mentor's assessment, the opinions and the new-member course
    certificate, dated on or before the vote."""
    present = {d.form for d in documents if d.date <= on}
    return [
        Violation("R18", _("%(form)s is missing.") % {"form": Form(form).label})
        for form in CONFIRMATION_FORMS
        if form not in present
    ]
