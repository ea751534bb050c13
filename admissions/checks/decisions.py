"""The committees' decisions and the ceremony: deadlines (R11, R12, flagged), the order of the
decision, its receipt and the ceremony (R13), the one mentor (R13), the extensions a stage
allows, and whether a chapter's resolutions pass through a grassroots committee (stage G)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from admissions import deadlines
from admissions.checks.applicant import check_official_member
from admissions.checks.base import Violation, warning
from admissions.models import Candidate, ChapterAdmissionSettings, Decision, Extension, Resolution
from chapter.dates import format_date
from members.models import Chapter, Member

St = Candidate.Stage

# The deadline a recorded extension (or consent) applies to, at each stage it may be recorded.
EXTENSION_BY_STAGE = {
    St.CHAPTER_APPROVED: Extension.Kind.ADMISSION_DECISION,
    St.GRASSROOTS_APPROVED: Extension.Kind.ADMISSION_DECISION,
    St.ADMISSION_DECIDED: Extension.Kind.CEREMONY,
    St.CONFIRMATION_VOTED: Extension.Kind.CONFIRMATION_DECISION,
}


def extension_stages(kind: str) -> set[str]:
    """The stages at which an extension of ``kind`` applies."""
    return {stage for stage, extended in EXTENSION_BY_STAGE.items() if extended == kind}


def extension_available(candidate: Candidate) -> bool:
    """R11, R12: this stage's deadline may be extended, once (prefetched extensions)."""
    kind = EXTENSION_BY_STAGE.get(candidate.stage)
    return kind is not None and all(e.kind != kind for e in candidate.extensions.all())


def has_grassroots_step(chapter: Chapter) -> bool:
    """Whether this chapter's resolutions go to a grassroots committee first (stage G)."""
    try:
        return chapter.admission_settings.grassroots_step
    except ChapterAdmissionSettings.DoesNotExist:
        return False


# R11: the committee's decision, flagged when late ----------------------------------------------

# For each decision step: the chapter vote it answers, the extension that moves its deadline,
# and how the deadline is counted.
DECISION_DEADLINES = {
    Decision.Kind.ADMISSION: (
        Resolution.Kind.ADMISSION_CHAPTER,
        Extension.Kind.ADMISSION_DECISION,
        deadlines.admission_decision_due,
    ),
    Decision.Kind.CONFIRMATION: (
        Resolution.Kind.CONFIRMATION_CHAPTER,
        Extension.Kind.CONFIRMATION_DECISION,
        deadlines.confirmation_decision_due,
    ),
}


def check_decision_deadline(candidate: Candidate, kind: str, day: date) -> list[Violation]:
    """R11 as a warning: the committee's decision is dated after its deadline."""
    vote_kind, extension, due_of = DECISION_DEADLINES[kind]
    vote = (
        candidate.resolutions.filter(kind=vote_kind, passed=True).order_by("-date", "-pk").first()
    )
    if vote is None:
        return []
    due = due_of(vote, candidate.extensions.filter(kind=extension).exists())
    if day <= due:
        return []
    message = _(
        "The decision was due by %(due)s (from the chapter's resolution of %(vote)s). "
        "If the deadline was extended, record the extension first."
    ) % {"due": format_date(due), "vote": format_date(vote.date)}
    return [warning("R11", message)]


# R12, R13: receipt and ceremony ----------------------------------------------------------------


def check_received(decided_on: date, received_on: date) -> list[Violation]:
    """R13: the chapter receives the decision on or after its date."""
    if received_on >= decided_on:
        return []
    return [
        Violation(
            "R13",
            _("The decision cannot be received before it was issued."),
            field="received_on",
            code="received_before_issued",
        )
    ]


def admission_decision(candidate: Candidate) -> Decision | None:
    return candidate.decisions.filter(kind=Decision.Kind.ADMISSION).order_by("-date").first()


def ceremony_violations(candidate: Candidate, day: date, mentor: Member | None) -> list[Violation]:
    """R12 (flag) and R13 (block) for a ceremony on ``day``."""
    decision = admission_decision(candidate)
    found: list[Violation] = []
    if decision is None or decision.received_on is None:
        return [
            Violation("R13", _("The admission decision and the day it was received are missing."))
        ]
    if day < decision.received_on:
        found.append(
            Violation(
                "R13",
                _("The ceremony cannot be before the decision was received (%(date)s).")
                % {"date": format_date(decision.received_on)},
            )
        )
    due = deadlines.ceremony_due(decision)
    if day > due and not candidate.extensions.filter(kind=Extension.Kind.CEREMONY).exists():
        found.append(
            warning(
                "R12",
                _("The ceremony was due by %(date)s: record the superior committee's consent.")
                % {"date": format_date(due)},
            )
        )
    return found + check_official_member(candidate.chapter, mentor, day, role=_("mentor"))
