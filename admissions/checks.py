"""The Party's admission rules as pure checks (DOMAIN.md §5), cited by R-number.

Each check reads what it needs and returns ``Violation``s; nothing here writes. The services
run them under lock before any step is recorded, and the forms run the same checks to explain
a refusal before anything is saved. Deadline rules (R11, R12, R14) only flag.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from admissions.models import BackgroundCheck, Candidate, CandidateDocument, Form, Introduction
from admissions.rules import rule
from chapter.dates import add_months, completed_months
from members.models import Chapter, Member, MemberEvent


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def years_months(months: int) -> str:
    return _("%(years)d years %(months)d months") % {"years": months // 12, "months": months % 12}


# R1, R2 ------------------------------------------------------------------------------------


def check_age(candidate: Candidate, on: date) -> list[Violation]:
    """R1: 18 to 60 full years, counted in months on the chapter vote date."""
    months = completed_months(candidate.date_of_birth, on)
    low, high = rule("MIN_AGE_MONTHS", on), rule("MAX_AGE_MONTHS", on)
    if months < low:
        return [
            Violation(
                "R1",
                _("On %(date)s the applicant is %(age)s old; the minimum is %(min)s.")
                % {"date": _fmt(on), "age": years_months(months), "min": years_months(low)},
            )
        ]
    if months > high and not candidate.over_age_approval:
        return [
            Violation(
                "R1",
                _(
                    "On %(date)s the applicant is %(age)s old: over 60 needs the recorded "
                    "approval of the provincial-level committee."
                )
                % {"date": _fmt(on), "age": years_months(months)},
            )
        ]
    return []


def check_education(candidate: Candidate) -> list[Violation]:
    """R2: lower-secondary diploma or higher, or a recorded exception with its approval."""
    if candidate.education != Candidate.Education.PRIMARY:
        return []
    if candidate.education_exception and candidate.education_exception_approval:
        return []
    return [
        Violation(
            "R2",
            _(
                "A lower-secondary (THCS) diploma is required; primary school is enough "
                "only with a recorded exception and its approval."
            ),
        )
    ]


# R3-R5: the dossier --------------------------------------------------------------------------


def _latest(documents: list[CandidateDocument], form: str) -> CandidateDocument | None:
    matching = [d for d in documents if d.form == form]
    return max(matching, key=lambda d: (d.date, d.pk or 0)) if matching else None


def awareness_expires(certificate: CandidateDocument) -> date:
    return add_months(certificate.date, rule("AWARENESS_VALID_MONTHS", certificate.date))


def check_awareness(documents: list[CandidateDocument], on: date) -> list[Violation]:
    """R3: an awareness-course certificate at most 60 months old on the vote date."""
    certificate = _latest(documents, Form.AWARENESS)
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
                    "issued": _fmt(certificate.date),
                    "expired": _fmt(awareness_expires(certificate)),
                },
            )
        ]
    return []


def check_application(documents: list[CandidateDocument]) -> list[Violation]:
    """R4: the application (1-KNĐ) is dated on or before the background declaration (2-KNĐ)."""
    application, background = (
        _latest(documents, Form.APPLICATION),
        _latest(documents, Form.BACKGROUND),
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


# R5: only a parent, sibling or child who is a member and fully declared may be exempted.
EXEMPTIBLE_RELATIONS = {
    BackgroundCheck.Relation.FATHER,
    BackgroundCheck.Relation.MOTHER,
    BackgroundCheck.Relation.CHILD,
}


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
                    % {"who": check, "date": _fmt(check.replied_on)},
                )
            )
    return found


# R6, R7: introducers -------------------------------------------------------------------------


def check_introducers(
    candidate: Candidate, introductions: list[Introduction], on: date
) -> list[Violation]:
    """R6 and R7 on ``on`` (the introduction or the vote date): one of the three paths, official
    members only, each official and with 12 months together with the applicant on the date of
    their own letter (a member probationary then does not qualify by being official at the
    vote). R7 counts the applicant's age on ``on``."""
    found: list[Violation] = []
    members = [i for i in introductions if i.kind == Introduction.Kind.MEMBER]
    unions = [i for i in introductions if i.kind != Introduction.Kind.MEMBER]
    statuses = _statuses_on_letters(members)
    for intro in members:
        if statuses.get((intro.introducer_id, intro.date)) != Member.Status.OFFICIAL:
            found.append(
                Violation(
                    "R6",
                    _(
                        "%(name)s is not an official member on %(date)s: probationary "
                        "members cannot introduce."
                    )
                    % {"name": intro.introducer, "date": _fmt(intro.date)},
                )
            )
        found += _check_together(intro)
    distinct = {i.introducer_id for i in members}
    if len(unions) > 1:
        found.append(Violation("R6", _("Only one union resolution may introduce an applicant.")))
    elif unions:
        if len(distinct) != 1 or len(members) != 1:
            found.append(
                Violation(
                    "R6",
                    _("A union resolution introduces together with exactly one official member."),
                )
            )
        for intro in unions:
            if not intro.document_number:
                found.append(Violation("R6", _("Give the number of the union's resolution.")))
    elif len(distinct) != 2 or len(members) != 2:
        found.append(
            Violation("R6", _("Two different official members must introduce the applicant."))
        )
    return found + check_youth_path(candidate, introductions, on)


def _check_together(intro: Introduction) -> list[Violation]:
    months = rule("INTRODUCER_TOGETHER_MONTHS", intro.date)
    if intro.together_since is None:
        return [
            Violation(
                "R6",
                _("Give since when %(name)s has worked or lived with the applicant.")
                % {"name": intro.introducer},
            )
        ]
    if add_months(intro.together_since, months) > intro.date:
        return [
            Violation(
                "R6",
                _(
                    "%(name)s has been with the applicant for less than %(months)d months on "
                    "%(date)s."
                )
                % {"name": intro.introducer, "months": months, "date": _fmt(intro.date)},
            )
        ]
    return []


def _statuses_on_letters(members: list[Introduction]) -> dict[tuple[int, date], str]:
    """Each introducer's status on the date of their letter: one query per distinct date."""
    found: dict[tuple[int, date], str] = {}
    for day in {i.date for i in members}:
        ids = [i.introducer_id for i in members if i.date == day]
        found.update({(pk, day): status for pk, status in _statuses_on(ids, day).items()})
    return found


def _statuses_on(member_ids: list[int], on: date) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = Member.objects.filter(pk__in=member_ids).as_of(on).values_list("pk", "status_on")
    return dict(rows)


def check_youth_path(
    candidate: Candidate, introductions: list[Introduction], on: date
) -> list[Violation]:
    """R7: a Youth Union member of Youth Union age is introduced by the Youth Union executive."""
    young = completed_months(candidate.date_of_birth, on) < 12 * (rule("YOUTH_MAX_AGE", on) + 1)
    if not (candidate.is_youth_union_member and young):
        return []
    if any(i.kind == Introduction.Kind.YOUTH_UNION for i in introductions):
        return []
    return [
        Violation(
            "R7",
            _(
                "The applicant is a Youth Union member of Youth Union age: the Youth Union "
                "executive should introduce them (4-KNĐ)."
            ),
            blocking=bool(rule("YOUTH_PATH_BLOCKS", on)),
        )
    ]


# R8, R9: the chapter vote --------------------------------------------------------------------


@dataclass(frozen=True)
class VoteBase:
    official: int
    temporarily_out: int
    exempted: int
    exempted_present: int

    @property
    def base(self) -> int:
        """R8: official members, minus those temporarily transferred elsewhere, minus exempted
        members who did not attend; probationary members never count."""
        return self.official - self.temporarily_out - self.exempted + self.exempted_present


def vote_base(chapter: Chapter, on: date, *, exempted_present: int = 0) -> VoteBase:
    """The voting base from the register as it stood on the meeting day (one query)."""
    # A member with no temporary movement has temporary_kind_on NULL, and SQL's NOT (NULL = x)
    # is not true: without the isnull branch their exemption would not be counted.
    not_out = Q(temporary_kind_on__isnull=True) | ~Q(
        temporary_kind_on=MemberEvent.Kind.TEMPORARY_OUT
    )
    counts = (
        Member.objects.filter(chapter=chapter)
        .as_of(on)
        .filter(status_on=Member.Status.OFFICIAL)
        .aggregate(
            official=Count("pk"),
            out=Count("pk", filter=Q(temporary_kind_on=MemberEvent.Kind.TEMPORARY_OUT)),
            exempted=Count(
                "pk",
                filter=Q(exemption_kind_on=MemberEvent.Kind.EXEMPTED) & not_out,
            ),
        )
    )
    return VoteBase(
        counts["official"],
        counts["out"],
        counts["exempted"],
        min(exempted_present, counts["exempted"]),
    )


def vote_passes(votes_for: int, base: int) -> bool:
    """R8: at least two thirds of the base, in whole numbers: for * 3 >= 2 * base."""
    return base > 0 and votes_for * 3 >= 2 * base


def check_vote_figures(
    base: VoteBase, present: int, votes_for: int, votes_against: int
) -> list[Violation]:
    found = []
    if present > base.base:
        found.append(
            Violation(
                "R8",
                _("%(present)d present is more than the voting base of %(base)d.")
                % {"present": present, "base": base.base},
            )
        )
    if votes_for + votes_against > present:
        found.append(Violation("R8", _("More votes than members present.")))
    return found


def check_chapter_size(base: VoteBase, on: date) -> list[Violation]:
    """R9: a chapter below its minimum of official members cannot hold a valid vote."""
    minimum = rule("MIN_OFFICIAL_MEMBERS", on)
    if base.official < minimum:
        return [
            Violation(
                "R9",
                _(
                    "The chapter has %(count)d official members on %(date)s, below the minimum "
                    "of %(min)d: no valid vote."
                )
                % {"count": base.official, "date": _fmt(on), "min": minimum},
            )
        ]
    return []


# R18: the confirmation dossier ---------------------------------------------------------------

CONFIRMATION_FORMS = (
    Form.SELF_REVIEW,
    Form.MENTOR_ASSESSMENT,
    Form.MEMBER_OPINIONS,
    Form.NEW_MEMBER_COURSE,
)


def check_confirmation_dossier(documents: list[CandidateDocument], on: date) -> list[Violation]:
    present = {d.form for d in documents if d.date <= on}
    return [
        Violation("R18", _("%(form)s is missing.") % {"form": Form(form).label})
        for form in CONFIRMATION_FORMS
        if form not in present
    ]


# R20: re-admission ---------------------------------------------------------------------------

BARRED_EXITS = {
    Candidate.ExitReason.ABANDONED,
    Candidate.ExitReason.ASKED_TO_LEAVE,
    Candidate.ExitReason.DISUNITY,
    Candidate.ExitReason.CORRUPTION_OR_CRIME,
}


def check_readmission(
    candidate: Candidate, on: date, *, already_readmitted: bool
) -> list[Violation]:
    """R20: 36 months after leaving, never for the barred reasons, once only, with consent."""
    if candidate.former_member_id is None and not candidate.former_exit_date:
        return []
    found = []
    if candidate.former_exit_reason in BARRED_EXITS:
        found.append(
            Violation(
                "R20",
                _("Someone who left for this reason (%(reason)s) cannot be re-admitted.")
                % {"reason": candidate.get_former_exit_reason_display()},
            )
        )
    if already_readmitted:
        found.append(Violation("R20", _("This person has already been re-admitted once.")))
    months = rule("READMISSION_MONTHS", on)
    if not candidate.former_exit_date:
        found.append(Violation("R20", _("Give the date the person left the Party.")))
    elif add_months(candidate.former_exit_date, months) > on:
        found.append(
            Violation(
                "R20",
                _("Re-admission is possible only %(months)d months after leaving (from %(date)s).")
                % {"months": months, "date": _fmt(add_months(candidate.former_exit_date, months))},
            )
        )
    if not candidate.readmission_consent:
        found.append(
            Violation(
                "R20",
                _(
                    "Re-admission needs the written consent of the provincial-level "
                    "standing committee."
                ),
            )
        )
    return found
