"""The chapter's votes (R8, R9), what an admission vote must meet on its date (R1-R3, R6, R7,
R20, R29), what a confirmation vote must meet (R14, R18), the escalation after failed votes,
and the grassroots committee's vote (R10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from admissions.checks import applicant, dossier, freshness, introducers
from admissions.checks.base import Violation, warning
from admissions.models import Candidate, Resolution
from admissions.rules import rule
from chapter.dates import format_date
from members.models import Chapter, Member, MemberEvent

St = Candidate.Stage


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
        Member.objects.of_chapter_on(chapter, on)
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


def check_vote_counts(present: int, votes_for: int, votes_against: int) -> list[Violation]:
    """R8 on the minutes alone: no more votes than members present."""
    if votes_for + votes_against > present:
        return [Violation("R8", _("More votes than members present."))]
    return []


def check_vote_figures(
    base: VoteBase, present: int, votes_for: int, votes_against: int
) -> list[Violation]:
    """R8 against the register: no more present than the base, no more votes than present."""
    found = []
    if present > base.base:
        found.append(
            Violation(
                "R8",
                _("%(present)d present is more than the voting base of %(base)d.")
                % {"present": present, "base": base.base},
            )
        )
    return found + check_vote_counts(present, votes_for, votes_against)


def check_passing(base: VoteBase, votes_for: int) -> list[Violation]:
    """R8 as a warning: figures that do not reach two thirds are recorded as a failed vote."""
    if vote_passes(votes_for, base.base):
        return []
    message = _(
        "%(yes)d for out of a voting base of %(base)d: %(yes)d × 3 = %(lhs)d is less than "  # noqa: RUF001
        "2 × %(base)d = %(rhs)d. The vote will be recorded as not passed."  # noqa: RUF001
    ) % {"yes": votes_for, "base": base.base, "lhs": votes_for * 3, "rhs": 2 * base.base}
    return [warning("R8", message)]


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
                % {"count": base.official, "date": format_date(on), "min": minimum},
            )
        ]
    return []


def _vote_violations(base: VoteBase, vote: Vote) -> list[Violation]:
    return check_chapter_size(base, vote.date) + check_vote_figures(
        base, vote.present, vote.votes_for, vote.votes_against
    )


def admission_vote_violations(candidate: Candidate, vote: Vote) -> tuple[VoteBase, list[Violation]]:
    """Every rule a chapter admission vote must meet on its date (R1-R3, R6-R9, R20, R29), the
    R8 warning of a vote short of two thirds included. The voting base is computed here, once;
    R29 reads the papers already loaded (the background checks only once the dossier is twelve
    months old)."""
    base = vote_base(candidate.chapter, vote.date, exempted_present=vote.exempted_present)
    documents = list(candidate.documents.all())
    introductions = list(candidate.introductions.select_related("introducer"))
    fresh = freshness.case_freshness(candidate, vote.date, documents)
    violations = freshness.check_freshness(fresh) + (
        applicant.check_age(candidate, vote.date)
        + applicant.check_education(candidate, vote.date)
        + dossier.check_awareness(documents, vote.date)
        + dossier.check_application(documents, vote.date)
        + introducers.check_introducers(candidate, introductions, vote.date)
        + _vote_violations(base, vote)
    )  # fmt: skip
    if applicant.is_readmission(candidate):
        violations += applicant.check_readmission(candidate, vote.date, already_readmitted=False)
    return base, violations + check_passing(base, vote.votes_for)


def check_probation_served(official_date: date, on: date) -> list[Violation]:
    """R14: the chapter votes on the confirmation on or after the end of probation."""
    if on >= official_date:
        return []
    message = _(
        "The 12 months of probation end on %(date)s: the chapter votes on or after that day."
    ) % {"date": format_date(official_date)}
    return [Violation("R14", message)]


def confirmation_vote_violations(
    candidate: Candidate, vote: Vote
) -> tuple[VoteBase, list[Violation]]:
    """R14 (not before the end of probation), R18 (dossier), R8, R9, and the R8 warning."""
    base = vote_base(candidate.chapter, vote.date, exempted_present=vote.exempted_present)
    violations = _vote_violations(base, vote)
    violations += check_probation_served(candidate.member.official_date, vote.date)
    violations += dossier.check_confirmation_dossier(list(candidate.documents.all()), vote.date)
    return base, violations + check_passing(base, vote.votes_for)


# Escalation after failed votes (R8) ----------------------------------------------------------

# The chapter vote a case waits for at each stage.
VOTE_AT_STAGE = {
    St.INTRODUCED: Resolution.Kind.ADMISSION_CHAPTER,
    St.ADMITTED: Resolution.Kind.CONFIRMATION_CHAPTER,
}


def failed_votes(resolutions: list[Resolution], kind: str) -> list[Resolution]:
    """The failed chapter votes of ``kind`` among ``resolutions`` (prefetched rows)."""
    return [r for r in resolutions if r.kind == kind and not r.passed]


def escalates(failures: int, on: date) -> bool:
    """R8: after this many failed votes the superior committee decides."""
    return failures >= rule("FAILED_VOTES_ESCALATE", on)


def needs_escalation(candidate: Candidate) -> bool:
    """The case waits for a chapter vote that has already failed too often (prefetched rows)."""
    kind = VOTE_AT_STAGE.get(candidate.stage)
    rows = failed_votes(list(candidate.resolutions.all()), kind) if kind else []
    return bool(rows) and escalates(len(rows), max(r.date for r in rows))


# R10: the grassroots committee's vote --------------------------------------------------------


def committee_base(members: int) -> VoteBase:
    """R10's base: every member of the committee, present or not."""
    return VoteBase(official=members, temporarily_out=0, exempted=0, exempted_present=0)


def check_committee_figures(
    members: int, present: int, votes_for: int, votes_against: int
) -> list[Violation]:
    """R10 on the minutes: the committee has members, no more present than members, no more
    votes than present."""
    if members < 1:
        message = _("Give the number of members of the grassroots committee.")
        return [Violation("R10", message, field="committee_members", code="required")]
    found = []
    if present > members:
        found.append(
            Violation(
                "R10",
                _("%(present)d present is more than the committee's %(members)d members.")
                % {"present": present, "members": members},
                field="present",
                code="present_over_members",
            )
        )
    if votes_for + votes_against > present:
        found.append(Violation("R10", _("More votes than members present."), code="over_present"))
    return found


def check_committee_passing(members: int, votes_for: int) -> list[Violation]:
    """R10 as a warning: fewer than two thirds of all the committee's members is recorded as a
    vote that did not pass."""
    if vote_passes(votes_for, members):
        return []
    message = _(
        "%(yes)d for out of %(members)d committee members: %(yes)d × 3 = %(lhs)d is less than "  # noqa: RUF001
        "2 × %(members)d = %(rhs)d. The vote will be recorded as not passed."  # noqa: RUF001
    ) % {"yes": votes_for, "members": members, "lhs": votes_for * 3, "rhs": 2 * members}
    return [warning("R10", message)]


def grassroots_vote_violations(
    members: int, present: int, votes_for: int, votes_against: int
) -> list[Violation]:
    """Every rule of the grassroots committee's vote (R10), the warning of a vote short of two
    thirds of all its members included."""
    found = check_committee_figures(members, present, votes_for, votes_against)
    if found:
        return found
    return check_committee_passing(members, votes_for)
