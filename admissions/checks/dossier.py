"""The dossier's papers: the awareness certificate (R3), the application and the background
declaration (R4), the verification of the background (R5), the confirmation dossier (R18)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from admissions.checks.base import Violation
from admissions.deadlines import awareness_expires
from admissions.models import BackgroundCheck, CandidateDocument, Form
from chapter.dates import format_date


def latest(
    documents: list[CandidateDocument], form: str, on: date | None = None
) -> CandidateDocument | None:
    """The newest paper of ``form`` (by date, then by entry); with ``on``, the newest dated on
    or before that day: a paper dated after an act never counts for it (R3, R4, R18)."""
    matching = [d for d in documents if d.form == form and (on is None or d.date <= on)]
    return max(matching, key=lambda d: (d.date, d.pk or 0)) if matching else None


def _after(documents: list[CandidateDocument], form: str, on: date) -> CandidateDocument | None:
    """The first paper of ``form`` dated after ``on`` (to say why it does not count)."""
    later = [d for d in documents if d.form == form and d.date > on]
    return min(later, key=lambda d: (d.date, d.pk or 0)) if later else None


def _dated_after(form: str, paper: CandidateDocument, on: date) -> str:
    return _(
        "%(form)s is dated %(date)s, after %(act)s: only a paper dated on or before the act counts."
    ) % {"form": Form(form).label, "date": format_date(paper.date), "act": format_date(on)}


# R3, R4 --------------------------------------------------------------------------------------


def check_awareness(documents: list[CandidateDocument], on: date) -> list[Violation]:
    """R3: an awareness-course certificate dated on or before the vote and at most 60 months
    old on it. A certificate renewed after the vote date never makes that vote valid."""
    certificate = latest(documents, Form.AWARENESS, on)
    if certificate is None:
        later = _after(documents, Form.AWARENESS, on)
        if later is not None:
            return [Violation("R3", _dated_after(Form.AWARENESS, later, on))]
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
                    # The last valid day is the expiry's eve (15/01/2021 → valid on 15/01/2026).
                    "expired": format_date(awareness_expires(certificate) + timedelta(days=1)),
                },
            )
        ]
    return []


def check_application(
    documents: list[CandidateDocument], on: date | None = None
) -> list[Violation]:
    """R4: the application (1-KNĐ) is dated on or before the background declaration (2-KNĐ);
    with ``on`` (the vote), only papers dated on or before it count."""
    application = latest(documents, Form.APPLICATION, on)
    background = latest(documents, Form.BACKGROUND, on)
    found = []
    for form, paper, missing in (
        (Form.APPLICATION, application, _("The application (1-KNĐ) is missing.")),
        (Form.BACKGROUND, background, _("The background declaration (2-KNĐ) is missing.")),
    ):
        if paper is not None:
            continue
        later = _after(documents, form, on) if on else None
        found.append(Violation("R4", _dated_after(form, later, on) if later else missing))
    if application and background and application.date > background.date:
        found.append(
            Violation(
                "R4",
                _("The application (1-KNĐ) is dated after the background declaration (2-KNĐ)."),
            )
        )
    return found


# R5 ------------------------------------------------------------------------------------------

Relation = BackgroundCheck.Relation
Basis = BackgroundCheck.ExemptionBasis
# Hướng dẫn 01-HD/TW, mục 3.4c. A birth parent, full sibling or child who is a party member and
# whom the declaration states fully needs no verification; a party member on the spouse's side
# (the spouse, a parent or sibling of the spouse) exempts that whole side. Nobody else.
OWN_SIDE = frozenset({Relation.FATHER, Relation.MOTHER, Relation.SIBLING, Relation.CHILD})
SPOUSE_SIDE = frozenset(
    {Relation.SPOUSE, Relation.FATHER_IN_LAW, Relation.MOTHER_IN_LAW, Relation.SPOUSE_SIBLING}
)
EXEMPTIBLE_RELATIONS = OWN_SIDE | SPOUSE_SIDE


def _with(row: BackgroundCheck, rows: list[BackgroundCheck]) -> list[BackgroundCheck]:
    """The case's rows with ``row`` in place of its saved version."""
    others = [r for r in rows if r is not row and (row.pk is None or r.pk != row.pk)]
    return [*others, row]


def exemption_basis(row: BackgroundCheck, rows: list[BackgroundCheck]) -> str:
    """Why ``row`` needs no verification (an ``ExemptionBasis``), or "" when it does.

    ``rows`` are the case's other background checks (the spouse's side is exempted by a party
    member recorded on any row of that side)."""
    if not row.fully_declared:
        return ""
    if row.relation in OWN_SIDE and row.is_party_member:
        return Basis.MEMBER_RELATIVE
    if row.relation in SPOUSE_SIDE and any(
        r.relation in SPOUSE_SIDE and r.is_party_member for r in _with(row, rows)
    ):
        return Basis.SPOUSE_SIDE
    return ""


def _why_not_exempt(row: BackgroundCheck, rows: list[BackgroundCheck]) -> tuple[str, str]:
    """(message, code) saying exactly what the exemption needs and what this row lacks."""
    who = {"relation": row.get_relation_display(), "name": row.person_name}
    if row.relation == Relation.SELF:
        return _("The applicant's own verification cannot be exempted."), "self_exempt"
    if row.relation not in EXEMPTIBLE_RELATIONS:
        message = _(
            "Only a birth parent, full sibling or child who is a party member and fully "
            "declared, or the spouse's side when the spouse or a parent or sibling of the "
            "spouse is a party member, needs no verification: the %(relation)s (%(name)s) is "
            "always verified."
        )
        return message % who, "relation_not_exemptible"
    if row.relation in OWN_SIDE and not row.is_party_member:
        message = _(
            "The %(relation)s (%(name)s) is not recorded as a party member: a birth parent, "
            "full sibling or child needs no verification only as a party member who is fully "
            "declared."
        )
        return message % who, "not_a_member"
    if row.relation in SPOUSE_SIDE and not any(
        r.relation in SPOUSE_SIDE and r.is_party_member for r in _with(row, rows)
    ):
        message = _(
            "Nobody on the spouse's side (the spouse, the spouse's father, mother or siblings) "
            "is recorded as a party member: the %(relation)s (%(name)s) is verified."
        )
        return message % who, "no_member_on_spouse_side"
    message = _(
        "The %(relation)s (%(name)s) is not recorded as fully, clearly and truthfully stated in "
        "the background declaration (2-KNĐ): verification is needed."
    )
    return message % who, "not_fully_declared"


def _abroad_without_body(row: BackgroundCheck, *, field: str | None) -> Violation:
    return Violation(
        "R5",
        _(
            "The %(relation)s (%(name)s) lives abroad: give the body that verifies them (the "
            "overseas party committee, or Vietnam's mission abroad through the superior "
            "committee)."
        )
        % {"relation": row.get_relation_display(), "name": row.person_name},
        field=field,
        code="abroad_without_body",
    )


def check_exemption(row: BackgroundCheck, rows: list[BackgroundCheck]) -> list[Violation]:
    """R5 on one row (``rows``: the case's other checks): an exemption, if claimed, is one the
    guidance allows (``exemption_basis``); a relative abroad who is verified names the body
    that verifies them."""
    basis = exemption_basis(row, rows)
    found = []
    if row.exempted and not basis:
        message, code = _why_not_exempt(row, rows)
        found.append(Violation("R5", message, field="exempted", code=code))
    if row.abroad and not (row.exempted and basis) and not row.verifying_body.strip():
        found.append(_abroad_without_body(row, field="verifying_body"))
    return found


def check_verification(checks: list[BackgroundCheck], certified_on: date) -> list[Violation]:
    """R5: the declaration is certified only after every required reply dated on or before the
    certification, or an exemption the guidance allows. Each exemption is judged again on the
    rows as they are (one resting on a spouse-side member falls if that row changed)."""
    found = []
    if not any(c.relation == Relation.SELF for c in checks):
        found.append(Violation("R5", _("The verification of the applicant themself is missing.")))
    for check in checks:
        if check.exempted and exemption_basis(check, checks):
            continue
        if check.abroad and not check.verifying_body.strip():
            found.append(_abroad_without_body(check, field=None))
        if check.replied_on is None:
            if check.exempted:
                message, code = _why_not_exempt(check, checks)
                found.append(Violation("R5", message, code=code))
            else:
                found.append(Violation("R5", _("No reply yet for %(who)s.") % {"who": check}))
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
    """Every reply is in, or the row validly exempted (the page's next step is the
    certification)."""
    return any(r.relation == Relation.SELF for r in checks) and all(
        r.replied_on is not None or (r.exempted and exemption_basis(r, checks)) for r in checks
    )


# R18 -----------------------------------------------------------------------------------------

CONFIRMATION_FORMS = (
    Form.SELF_REVIEW,
    Form.MENTOR_ASSESSMENT,
    Form.MEMBER_OPINIONS,
    Form.NEW_MEMBER_COURSE,
)


def check_confirmation_dossier(
    documents: list[CandidateDocument], on: date, *, resolution: bool = False
) -> list[Violation]:
    """R18: the self-review (10-KNĐ), the mentor's assessment (11-KNĐ), the opinions (12-KNĐ)
    and the new-member course certificate, dated on or before the act ``on`` (the chapter's
    vote); with ``resolution``, the chapter's confirmation resolution (13-KNĐ) too (before the
    committee's decision). A paper dated after the act never counts for it."""
    forms = CONFIRMATION_FORMS + ((Form.CONFIRMATION_RESOLUTION,) if resolution else ())
    found = []
    for form in forms:
        if latest(documents, form, on) is not None:
            continue
        later = _after(documents, form, on)
        message = (
            _dated_after(form, later, on)
            if later
            else _("%(form)s is missing.") % {"form": Form(form).label}
        )
        found.append(Violation("R18", message))
    return found
