"""Each open case's next deadline, in Vietnamese working days (R11, R12, R14).

Computed from rows prefetched by ``Candidate.objects.for_board()`` style queries, so a list of
any length costs no extra query; the working-day calendar is cached per process. The result is
also stored on the case (``Candidate.due_on`` and its fields, ``admissions.due``), so lists
filter and sort on it in SQL; ``stored_deadline`` rebuilds it from those fields.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from admissions.checks.base import SOURCES
from admissions.models import Candidate, CandidateDocument, Decision, Extension, Form, Resolution
from admissions.rules import rule
from chapter.dates import add_months
from chapter.workdays import add_working_days, working_days_between

St = Candidate.Stage
Due = Candidate.Due

# What each kind of deadline is: the rule that sets it, and the rule values its date reads (a
# change of one of those values recomputes the stored dates of that kind, ``admissions.due``).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    Due.AWARENESS: ("R3", ("AWARENESS_VALID_MONTHS",)),
    Due.ADMISSION_DECISION: (
        "R11",
        ("ADMISSION_DECISION_WD", "ADMISSION_DECISION_EXTENSION_WD"),
    ),
    Due.CEREMONY: ("R12", ("CEREMONY_WD",)),
    Due.CONFIRMATION_VOTE: ("R14", ("CONFIRMATION_VOTE_WD",)),
    Due.CONFIRMATION_DECISION: (
        "R11",
        ("CONFIRMATION_DECISION_WD", "CONFIRMATION_DECISION_EXTENSION_WD"),
    ),
}


@dataclass(frozen=True)
class Deadline:
    rule: str
    label: str
    due: date
    excused: bool = False  # a recorded consent allows lateness
    kind: str = ""  # Candidate.Due: what the stored fields call it

    @classmethod
    def of(cls, kind: str, due: date, excused: bool = False) -> "Deadline":
        return cls(KINDS[kind][0], Due(kind).label, due, excused, kind)

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


def _extended(extensions, kind: str) -> bool:
    return any(e.kind == kind for e in extensions)


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


def stored_deadline(candidate: Candidate) -> Deadline | None:
    """The deadline stored on the case (``due_on`` and its fields), without loading its rows."""
    if candidate.due_on is None or not candidate.due_kind:
        return None
    return Deadline.of(candidate.due_kind, candidate.due_on, candidate.due_excused)


# The stages whose deadline reads each kind of the case's rows (a batch loads only those).
AWARENESS_STAGES = frozenset(
    {St.COURSE_DONE, St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED, St.INTRODUCED}
)
DECISION_VOTES = frozenset({St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED, St.CONFIRMATION_VOTED})
READS = {
    "resolutions": DECISION_VOTES,
    "decisions": frozenset({St.ADMISSION_DECIDED}),
    "extensions": DECISION_VOTES | {St.ADMISSION_DECIDED},
    "documents": AWARENESS_STAGES,
}


def next_deadline(candidate: Candidate) -> Deadline | None:
    """The one date the secretary must watch for this case now, or None. Reads the case's
    prefetched rows (or queries them, lazily, only those its stage needs)."""
    official = None
    if candidate.stage == St.ADMITTED and candidate.member:
        official = candidate.member.official_date
    return deadline_of(
        candidate.stage,
        resolutions=candidate.resolutions.all(),
        decisions=candidate.decisions.all(),
        extensions=candidate.extensions.all(),
        documents=candidate.documents.all(),
        official_date=official,
    )


def deadline_of(
    stage: str, *, resolutions, decisions, extensions, documents, official_date
) -> Deadline | None:
    """``next_deadline`` on plain rows: anything with the fields it reads (resolutions: pk,
    kind, passed, date; decisions: pk, kind, date, received_on; extensions: kind; documents: pk,
    form, date), iterated only when the stage needs them (``READS``)."""
    if stage in (St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED):
        vote = _latest(resolutions, kind=Resolution.Kind.ADMISSION_CHAPTER, passed=True)
        if vote:
            due = admission_decision_due(
                vote, _extended(extensions, Extension.Kind.ADMISSION_DECISION)
            )
            return Deadline.of(Due.ADMISSION_DECISION, due)
    elif stage == St.ADMISSION_DECIDED:
        decision = _latest(decisions, kind=Decision.Kind.ADMISSION)
        if decision and decision.received_on:
            excused = _extended(extensions, Extension.Kind.CEREMONY)
            return Deadline.of(Due.CEREMONY, ceremony_due(decision), excused=excused)
    elif stage == St.ADMITTED and official_date:
        return Deadline.of(Due.CONFIRMATION_VOTE, confirmation_vote_due(official_date))
    elif stage == St.CONFIRMATION_VOTED:
        vote = _latest(resolutions, kind=Resolution.Kind.CONFIRMATION_CHAPTER, passed=True)
        if vote:
            due = confirmation_decision_due(
                vote, _extended(extensions, Extension.Kind.CONFIRMATION_DECISION)
            )
            return Deadline.of(Due.CONFIRMATION_DECISION, due)
    elif stage in AWARENESS_STAGES:
        newest = _latest(documents, form=Form.AWARENESS)
        if newest:
            return Deadline.of(Due.AWARENESS, awareness_expires(newest))
    return None
