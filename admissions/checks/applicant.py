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


Education = Candidate.Education
Exception_ = Candidate.EducationException
# R2 (Quy định 294-QĐ/TW; Hướng dẫn 01-HD/TW, mục 1.2): a lower-secondary diploma or higher;
# "or equivalent" no longer counts.
SECONDARY_OR_HIGHER = frozenset(
    {
        Education.LOWER_SECONDARY,
        Education.UPPER_SECONDARY,
        Education.VOCATIONAL,
        Education.UNIVERSITY,
    }
)
# Primary school is enough, with no approval, in these categories.
PRIMARY_ENOUGH = frozenset({Exception_.REMOTE_AREA, Exception_.FISHERMAN})
# Village elders and respected persons: able to read and write is enough, with the written
# consent of the provincial standing committee (ban thường vụ tỉnh ủy, thành ủy).
CONSENT_NEEDED = frozenset({Exception_.VILLAGE_ELDER})
# The code of a refusal that only the consent would lift (the pool takes the case before it).
CONSENT_CODE = "education_consent"


def check_education(candidate: Candidate, on: date | None = None) -> list[Violation]:
    """R2: a lower-secondary (THCS) diploma or higher. Below it, the recorded exception: remote,
    border, island, ethnic-minority or disadvantaged areas and fishermen with primary school (no
    approval); village elders and respected persons able to read and write, with the provincial
    standing committee's written consent, its number and date (dated on or before ``on``, the
    vote, when given)."""
    level, category = candidate.education, candidate.education_exception
    if level in SECONDARY_OR_HIGHER:
        return []
    if level == Education.PRIMARY and category in PRIMARY_ENOUGH:
        return []
    if category in CONSENT_NEEDED:
        return _check_consent(candidate, on)
    if level == Education.LITERATE:
        message = _(
            "Able to read and write is enough only for village elders and respected persons, "
            "with the written consent of the provincial standing committee (ban thường vụ tỉnh "
            "ủy, thành ủy); otherwise a lower-secondary (THCS) diploma is required."
        )
    else:
        message = _(
            "A lower-secondary (THCS) diploma is required (an equivalent no longer counts). "
            "Primary school is enough only in remote, border, island, ethnic-minority or "
            "disadvantaged areas and for fishermen: record that exception."
        )
    return [Violation("R2", message, field="education_exception", code="education")]


def check_education_category(candidate: Candidate) -> list[Violation]:
    """R2 at entry into the pool: the level and the exception's category agree. The provincial
    consent a village elder needs may come later; the vote checks it (``check_education``)."""
    return [v for v in check_education(candidate) if v.code != CONSENT_CODE]


def _check_consent(candidate: Candidate, on: date | None) -> list[Violation]:
    """R2, village elders and respected persons: the consent's number and date, the date on or
    before the act."""
    consent_on = candidate.education_exception_approval_date
    if not candidate.education_exception_approval.strip() or consent_on is None:
        message = _(
            "A village elder or respected person below lower-secondary school needs the written "
            "consent of the provincial standing committee (ban thường vụ tỉnh ủy, thành ủy): "
            "give its number and date."
        )
    elif on is not None and consent_on > on:
        message = _(
            "The provincial standing committee's consent is dated %(consent)s, after %(date)s: "
            "only a consent dated on or before the vote counts."
        ) % {"consent": format_date(consent_on), "date": format_date(on)}
    else:
        return []
    return [Violation("R2", message, field="education_exception_approval", code=CONSENT_CODE)]


# R20: re-admission (Quy định 294-QĐ/TW, mục 3.5) ------------------------------------------------

# Never re-admitted after leaving for these reasons; asking to leave only with the chapter's
# record of very hard family circumstances.
BARRED_EXITS = {
    Candidate.ExitReason.ABANDONED,
    Candidate.ExitReason.ASKED_TO_LEAVE,
    Candidate.ExitReason.DISUNITY,
    Candidate.ExitReason.CORRUPTION_OR_CRIME,
}
BARRED_CONVICTIONS = {Candidate.Conviction.SERIOUS, Candidate.Conviction.CORRUPTION}
# Each refusal names the field it concerns: the new-case form shows it there (the page cites
# the regulation); a vote's page lists it with the regulation beside it.
EXPUNGED = "conviction_expunged_on"


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


def has_hardship_record(candidate: Candidate) -> bool:
    """The chapter's document on very hard family circumstances: number, date and what it is."""
    return bool(
        candidate.hardship_number and candidate.hardship_date and candidate.hardship_document
    )


def _check_exit_reason(candidate: Candidate, on: date) -> list[Violation]:
    reason = candidate.former_exit_reason
    if reason == Candidate.ExitReason.ASKED_TO_LEAVE:
        if not has_hardship_record(candidate):
            message = _(
                "Someone who asked to leave the Party may be re-admitted only when the chapter "
                "records very hard family circumstances: give the document's number, date and "
                "what it is."
            )
            return [Violation("R20", message, field="hardship_document", code="hardship_missing")]
        if candidate.hardship_date > on:
            message = _(
                "The record of very hard family circumstances is dated %(date)s, after %(on)s: "
                "only a paper dated on or before that day counts."
            ) % {"date": format_date(candidate.hardship_date), "on": format_date(on)}
            return [Violation("R20", message, field="hardship_date", code="hardship_later")]
        return []
    if reason in BARRED_EXITS:
        message = _("Someone who left for this reason (%(reason)s) cannot be re-admitted.") % {
            "reason": candidate.get_former_exit_reason_display()
        }
        return [Violation("R20", message, field="former_exit_reason", code="barred_reason")]
    return []


def _check_waiting(candidate: Candidate, on: date) -> list[Violation]:
    """36 months after leaving; after a less serious conviction, 60 months after it was
    expunged instead (both rule values)."""
    if candidate.conviction in BARRED_CONVICTIONS:
        message = _(
            "Someone convicted of corruption, or of a serious or graver crime, cannot be "
            "re-admitted."
        )
        return [Violation("R20", message, field="conviction", code="barred_conviction")]
    if not candidate.former_exit_date:
        message = _("Give the date the person left the Party.")
        return [Violation("R20", message, field="former_exit_date", code="exit_date_missing")]
    if candidate.conviction == Candidate.Conviction.LESS_SERIOUS:
        if not candidate.conviction_expunged_on:
            message = _("Give the date the conviction was expunged.")
            return [Violation("R20", message, field=EXPUNGED, code="expunged_missing")]
        months = rule("READMISSION_CONVICTION_MONTHS", on)
        start = add_months(candidate.conviction_expunged_on, months)
        if start > on:
            message = _(
                "After a conviction for a less serious crime, re-admission is possible only "
                "%(months)d months after it was expunged (from %(date)s)."
            ) % {"months": months, "date": format_date(start)}
            return [Violation("R20", message, field=EXPUNGED, code="too_early")]
        return []
    months = rule("READMISSION_MONTHS", on)
    start = add_months(candidate.former_exit_date, months)
    if start > on:
        message = _(
            "Re-admission is possible only %(months)d months after leaving (from %(date)s)."
        ) % {"months": months, "date": format_date(start)}
        return [Violation("R20", message, field="former_exit_date", code="too_early")]
    return []


def check_readmission(
    candidate: Candidate, on: date, *, already_readmitted: bool
) -> list[Violation]:
    """R20 on ``on`` (the day the case opens, the chapter vote): never for the barred reasons
    or convictions (asking to leave only with very hard family circumstances on record), 36
    months after leaving or 60 after a less serious conviction is expunged, once only, with the
    written consent of the provincial standing committee."""
    if not is_readmission(candidate):
        return []
    found = _check_exit_reason(candidate, on) + _check_waiting(candidate, on)
    if already_readmitted:
        message = _("This person has already been re-admitted once.")
        found.append(Violation("R20", message, field="former_member", code="readmitted_before"))
    if not candidate.readmission_consent:
        message = _(
            "Re-admission needs the written consent of the provincial standing committee "
            "(ban thường vụ tỉnh ủy, thành ủy)."
        )
        found.append(Violation("R20", message, field="readmission_consent", code="consent_missing"))
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
