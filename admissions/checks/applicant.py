"""The applicant (R1 age, R2 education, R20 re-admission) and the members who stand by them
(the member helping a candidate in the pool, the mentor of R13): official members of the chapter
on the day."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from admissions.checks.base import Violation
from admissions.models import Candidate
from admissions.rules import rule
from chapter.dates import add_months, completed_months, format_date
from members.models import Chapter, Member


def years_months(months: int) -> str:
    return _("%(years)d years %(months)d months") % {"years": months // 12, "months": months % 12}


def check_age(candidate: Candidate, on: date) -> list[Violation]:
    """R1: 18 to 60 full years, counted in months on the chapter vote date."""
    months = completed_months(candidate.date_of_birth, on)
    low, high = rule("MIN_AGE_MONTHS", on), rule("MAX_AGE_MONTHS", on)
    if months < low:
        return [
            Violation(
                "R1",
                _("On %(date)s the applicant is %(age)s old; the minimum is %(min)s.")
                % {"date": format_date(on), "age": years_months(months), "min": years_months(low)},
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
                % {"date": format_date(on), "age": years_months(months)},
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


# R20: re-admission ---------------------------------------------------------------------------

BARRED_EXITS = {
    Candidate.ExitReason.ABANDONED,
    Candidate.ExitReason.ASKED_TO_LEAVE,
    Candidate.ExitReason.DISUNITY,
    Candidate.ExitReason.CORRUPTION_OR_CRIME,
}


def is_readmission(candidate: Candidate) -> bool:
    return bool(candidate.former_member_id or candidate.former_exit_date)


def readmitted_before(former_member_id: int | None) -> bool:
    """R20, once only: a re-admission from this record reached the ceremony, or this record is
    itself the member a re-admission created. A case dropped before the ceremony does not count."""
    if former_member_id is None:
        return False
    return Candidate.objects.filter(
        Q(former_member=former_member_id, member__isnull=False)
        | Q(member=former_member_id, former_member__isnull=False)
    ).exists()


def check_readmission(
    candidate: Candidate, on: date, *, already_readmitted: bool
) -> list[Violation]:
    """R20: 36 months after leaving, never for the barred reasons, once only, with consent."""
    if not is_readmission(candidate):
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
                % {
                    "months": months,
                    "date": format_date(add_months(candidate.former_exit_date, months)),
                },
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


# Members standing by the applicant -----------------------------------------------------------


def statuses_on(member_ids: list[int], on: date) -> dict[int, str]:
    """Each member's status on ``on`` from the register's ledger: one query."""
    if not member_ids:
        return {}
    rows = Member.objects.filter(pk__in=member_ids).as_of(on).values_list("pk", "status_on")
    return dict(rows)


def is_official_member_of(chapter_id: int, member: Member, on: date) -> bool:
    return (
        member.chapter_id == chapter_id
        and statuses_on([member.pk], on).get(member.pk) == Member.Status.OFFICIAL
    )


def check_official_member(
    chapter: Chapter, member: Member | None, on: date, *, role: str, rule_number: str = "R13"
) -> list[Violation]:
    """The mentor (R13) or the member helping a candidate (stage A) is an official member of
    the chapter on that day."""
    if member is None:
        return [Violation(rule_number, _("Choose the %(role)s.") % {"role": role})]
    if not is_official_member_of(chapter.pk, member, on):
        return [
            Violation(
                rule_number,
                _("The %(role)s must be an official member of the chapter on %(date)s.")
                % {"role": role, "date": format_date(on)},
            )
        ]
    return []
