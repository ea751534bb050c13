"""Each open case's next deadline, in Vietnamese working days (R11, R12, R14).

Computed from rows prefetched by ``Candidate.objects.for_board()`` style queries, so a list of
any length costs no extra query; the working-day calendar is cached per process.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions.checks.base import SOURCES
from admissions.models import Candidate, CandidateDocument, Decision, Extension, Form, Resolution
from admissions.rules import rule
from chapter.dates import add_months
from chapter.workdays import add_working_days, working_days_between

St = Candidate.Stage


@dataclass(frozen=True)
class Deadline:
    rule: str
    label: str
    due: date
    excused: bool = False  # a recorded consent allows lateness

    @property
    def source(self) -> str:
        """The regulation that sets the deadline: what a page cites (not the rule number)."""
        return SOURCES.get(self.rule, "")

    def working_days_left(self, today: date | None = None) -> int:
        return working_days_between(today or timezone.localdate(), self.due)

    def state(self, today: date | None = None) -> str:
        """ "overdue", "soon" (within DUE_SOON_WD working days) or "ok"."""
        today = today or timezone.localdate()
        if self.excused:
            return "ok"
        if self.due < today:
            return "overdue"
        # Compare with the day N working days ahead: N steps, however far the deadline is.
        if self.due <= add_working_days(today, rule("DUE_SOON_WD", today)):
            return "soon"
        return "ok"


def _latest(rows, **match):
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    return max(found, key=lambda r: (r.date, r.pk or 0)) if found else None


def _extended(candidate: Candidate, kind: str) -> bool:
    return any(e.kind == kind for e in candidate.extensions.all())


def awareness_expires(certificate: CandidateDocument) -> date:
    """R3: the last day an awareness-course certificate counts at a vote."""
    return add_months(certificate.date, rule("AWARENESS_VALID_MONTHS", certificate.date))


def admission_decision_due(resolution: Resolution, extended: bool) -> date:
    days = rule("ADMISSION_DECISION_WD", resolution.date)
    if extended:
        days += rule("ADMISSION_DECISION_EXTENSION_WD", resolution.date)
    return add_working_days(resolution.date, days)


def ceremony_due(decision: Decision) -> date:
    return add_working_days(decision.received_on, rule("CEREMONY_WD", decision.received_on))


def confirmation_vote_due(official_date: date) -> date:
    return add_working_days(official_date, rule("CONFIRMATION_VOTE_WD", official_date))


def confirmation_decision_due(resolution: Resolution, extended: bool) -> date:
    days = rule("CONFIRMATION_DECISION_WD", resolution.date)
    if extended:
        days += rule("CONFIRMATION_DECISION_EXTENSION_WD", resolution.date)
    return add_working_days(resolution.date, days)


def next_deadline(candidate: Candidate) -> Deadline | None:
    """The one date the secretary must watch for this case now, or None."""
    stage = candidate.stage
    resolutions, decisions = candidate.resolutions.all(), candidate.decisions.all()
    if stage in (St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED):
        vote = _latest(resolutions, kind=Resolution.Kind.ADMISSION_CHAPTER, passed=True)
        if vote:
            due = admission_decision_due(
                vote, _extended(candidate, Extension.Kind.ADMISSION_DECISION)
            )
            return Deadline("R11", _("admission decision"), due)
    elif stage == St.ADMISSION_DECIDED:
        decision = _latest(decisions, kind=Decision.Kind.ADMISSION)
        if decision and decision.received_on:
            excused = _extended(candidate, Extension.Kind.CEREMONY)
            return Deadline("R12", _("ceremony"), ceremony_due(decision), excused=excused)
    elif stage == St.ADMITTED and candidate.member and candidate.member.official_date:
        return Deadline(
            "R14", _("confirmation vote"), confirmation_vote_due(candidate.member.official_date)
        )
    elif stage == St.CONFIRMATION_VOTED:
        vote = _latest(resolutions, kind=Resolution.Kind.CONFIRMATION_CHAPTER, passed=True)
        if vote:
            due = confirmation_decision_due(
                vote, _extended(candidate, Extension.Kind.CONFIRMATION_DECISION)
            )
            return Deadline("R11", _("confirmation decision"), due)
    elif stage in (St.COURSE_DONE, St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED, St.INTRODUCED):
        newest = _latest(candidate.documents.all(), form=Form.AWARENESS)
        if newest:
            return Deadline("R3", _("awareness certificate expires"), awareness_expires(newest))
    return None
