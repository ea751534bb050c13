"""Reads of the admissions pages that span several models: a case's row (the board's cards live
in ``admissions.board``), due-soon deadlines, probation tracking, the dossier checklist and vote
figures.

Everything here works on rows loaded by ``Candidate.objects.for_board()`` (or the detail page's
prefetches), so a page costs a fixed number of queries whatever the number of candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions import access, checks
from admissions.checks.freshness import Freshness, case_freshness
from admissions.deadlines import Deadline, next_deadline, stored_deadline
from admissions.models import (
    BOARD_STAGES,
    CLOSED_STAGES,
    Candidate,
    CandidateDocument,
    Form,
    MentorAssignment,
    Resolution,
)
from admissions.rules import rule
from chapter.dates import format_date
from chapter.lists import FirstRows
from chapter.workdays import add_working_days

St = Candidate.Stage
DUE = ("overdue", "soon")


# A case on the board, the list and the deadlines page --------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    candidate: Candidate
    deadline: Deadline | None
    state: str  # "overdue", "soon", "ok" or "" (no deadline)
    days_left: int | None  # working days; negative when overdue
    escalate: bool
    #: R29 while the case waits for the chapter vote: stale when papers must be redone
    freshness: Freshness | None = None

    @property
    def stale(self) -> bool:
        return self.freshness is not None and self.freshness.stale


def case_row(candidate: Candidate, today: date) -> CaseRow:
    deadline = next_deadline(candidate) if candidate.is_open else None
    state = deadline.state(today) if deadline else ""
    return CaseRow(
        candidate=candidate,
        deadline=deadline,
        state=state,
        # Counting working days to a far deadline (R3: five years) is wasted on an "ok" card.
        days_left=deadline.working_days_left(today) if state in DUE else None,
        escalate=checks.needs_escalation(candidate),
        # From the loaded rows: the board's prefetched papers and latest reply, the case page's
        # prefetched papers and checks.
        freshness=case_freshness(candidate, today),
    )


def closed_count(candidates: QuerySet[Candidate]) -> tuple[int, list[tuple[str, int]]]:
    """How many closed cases: the total and (stage label, count) for each stage with some; one
    query."""
    counts = {stage: Count("pk", filter=Q(stage=stage)) for stage in CLOSED_STAGES}
    result = candidates.closed().aggregate(**counts)
    return closed_summary(result)


def closed_summary(by_stage: dict[str, int]) -> tuple[int, list[tuple[str, int]]]:
    """``closed_count``'s answer from the number of closed cases of each closed stage."""
    order = [St.OFFICIAL, St.NOT_CONFIRMED, St.REJECTED, St.WITHDRAWN, St.DOCUMENTS_EXPIRED]
    total = sum(by_stage.get(stage, 0) or 0 for stage in CLOSED_STAGES)
    return total, [(St(stage).label, by_stage[stage]) for stage in order if by_stage.get(stage)]


# How many due-soon rows the dashboard shows; the deadlines page pages through them all.
DUE_SOON_SHOWN = 10


class DueSoon(FirstRows):
    """The first due-soon cases (case, deadline) and how many there are in all."""


def due_soon_cases(user, today: date) -> QuerySet[Candidate]:
    """Every case in the user's scope whose stored next deadline (``Candidate.due_on``) has
    passed or falls within DUE_SOON_WD working days, without a consent to be late; soonest
    first, then in name order. One index (``admissions_candidate_due``), no case loaded."""
    last_day = add_working_days(today, rule("DUE_SOON_WD", today))
    return (
        access.candidates_visible_to(user)
        .due_by(last_day)
        .select_related("cell")
        .order_by("due_on", "sort_key", "pk")
    )


def due_rows(candidates) -> list[tuple[Candidate, Deadline]]:
    """(case, its stored deadline) for each case, no query."""
    return [(candidate, stored_deadline(candidate)) for candidate in candidates]


def due_soon(user, today: date | None = None, limit: int = DUE_SOON_SHOWN) -> DueSoon:
    """The first ``limit`` due-soon cases of the user's scope and their number: two queries."""
    today = today or timezone.localdate()
    cases = due_soon_cases(user, today)
    return DueSoon(due_rows(cases[:limit]), cases.count())


# Probation (J, K) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbationRow:
    candidate: Candidate
    mentor: MentorAssignment | None
    days_left: int | None
    papers: list[tuple[str, str, CandidateDocument | None]]  # (form, label, paper)
    deadline: Deadline | None
    state: str


def probation_queryset(user) -> QuerySet[Candidate]:
    current = MentorAssignment.objects.filter(end_date__isnull=True).select_related("mentor")
    return (
        access.candidates_visible_to(user)
        .filter(stage__in=[St.ADMITTED, St.CONFIRMATION_VOTED])
        .for_board()
        .prefetch_related(Prefetch("mentors", queryset=current, to_attr="current_mentors"))
        .order_by("member__official_date", "sort_key", "pk")
    )


def latest_papers(candidate: Candidate, forms) -> list[tuple[str, str, CandidateDocument | None]]:
    documents = candidate.documents.all()
    rows = []
    for form in forms:
        matching = [d for d in documents if d.form == form]
        paper = max(matching, key=lambda d: (d.date, d.pk)) if matching else None
        rows.append((form, Form(form).label, paper))
    return rows


def probation_row(candidate: Candidate, today: date) -> ProbationRow:
    mentors = getattr(candidate, "current_mentors", [])
    official = candidate.member.official_date if candidate.member else None
    deadline = next_deadline(candidate)
    return ProbationRow(
        candidate=candidate,
        mentor=mentors[0] if mentors else None,
        days_left=(official - today).days if official else None,
        papers=latest_papers(candidate, checks.CONFIRMATION_FORMS),
        deadline=deadline,
        state=deadline.state(today) if deadline else "",
    )


# The dossier checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistPaper:
    """A line of the dossier checklist: the paper of ``form`` and its state."""

    form: str
    label: str
    state: str  # "present", "expired", "missing" or "later"
    document: CandidateDocument | None
    note: str = ""


# The admission dossier: each paper and the first stage that needs it in the file.
ADMISSION_PAPERS = (
    (Form.AWARENESS, St.COURSE_DONE),
    (Form.APPLICATION, St.DOSSIER_OPEN),
    (Form.BACKGROUND, St.DOSSIER_OPEN),
    (Form.INTRODUCTION, St.INTRODUCED),
    (Form.OPINIONS, St.INTRODUCED),
    (Form.CHAPTER_RESOLUTION, St.CHAPTER_APPROVED),
    (Form.ADMISSION_DECISION, St.ADMISSION_DECIDED),
)
CONFIRMATION_PAPERS = (
    *((form, St.ADMITTED) for form in checks.CONFIRMATION_FORMS),
    (Form.CONFIRMATION_RESOLUTION, St.CONFIRMATION_VOTED),
    (Form.CONFIRMATION_DECISION, St.OFFICIAL),
)
PHASE_ORDER = [*BOARD_STAGES, St.OFFICIAL]


def _reached(candidate: Candidate, stage: str) -> bool:
    """Whether the case is at or past ``stage`` (exits count as where they stopped)."""
    current = candidate.stage
    if current not in PHASE_ORDER:
        return False
    return PHASE_ORDER.index(current) >= PHASE_ORDER.index(stage)


def dossier_checklist(candidate: Candidate, today: date) -> tuple[str, list[ChecklistPaper]]:
    """The papers the current phase needs: (phase title, papers). Admission papers before the
    ceremony, the confirmation papers (R18) after it."""
    confirmation = candidate.member_id is not None
    wanted = CONFIRMATION_PAPERS if confirmation else ADMISSION_PAPERS
    if not confirmation and checks.has_grassroots_step(candidate.chapter):
        wanted = (*wanted[:-1], (Form.GRASSROOTS_RESOLUTION, St.GRASSROOTS_APPROVED), wanted[-1])
    papers = []
    for (form, label, document), (_form, needed_at) in zip(
        latest_papers(candidate, [form for form, _stage in wanted]), wanted, strict=True
    ):
        papers.append(_paper_state(candidate, form, label, document, needed_at, today))
    title = _("Confirmation dossier") if confirmation else _("Admission dossier")
    return title, papers


def other_papers(candidate: Candidate, papers: list[ChecklistPaper]) -> list[CandidateDocument]:
    """The case's papers the phase's checklist (``papers``) does not show, oldest first: an
    "other document", an appraisal, the admission papers once the confirmation phase starts.
    From the prefetched rows, no query."""
    shown = {paper.form for paper in papers}
    documents = [d for d in candidate.documents.all() if d.form not in shown]
    return sorted(documents, key=lambda d: (d.date, d.pk))


def _paper_state(candidate, form, label, document, needed_at, today) -> ChecklistPaper:
    if document is None:
        return ChecklistPaper(
            form, label, "missing" if _reached(candidate, needed_at) else "later", None
        )
    if form != Form.AWARENESS:
        return ChecklistPaper(form, label, "present", document)
    # R3 counts on the vote date: before the vote, an expired certificate must be renewed.
    expires = checks.awareness_expires(document)
    if today > expires and not _reached(candidate, St.CHAPTER_APPROVED):
        return ChecklistPaper(
            form,
            label,
            "expired",
            document,
            _("expired on %(date)s") % {"date": format_date(expires)},
        )
    return ChecklistPaper(
        form, label, "present", document, _("valid until %(date)s") % {"date": format_date(expires)}
    )


# Vote figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteFigures:
    resolution: Resolution
    for_times_three: int
    twice_base: int

    @property
    def committee(self) -> bool:
        """The grassroots committee's vote (R10): its base is all the committee's members."""
        return self.resolution.kind in GRASSROOTS_VOTES


GRASSROOTS_VOTES = (Resolution.Kind.ADMISSION_GRASSROOTS, Resolution.Kind.CONFIRMATION_GRASSROOTS)


def vote_figures(resolutions) -> list[VoteFigures]:
    """Each vote with R8's (or R10's) comparison: for × 3 against 2 × base."""  # noqa: RUF002
    return [VoteFigures(r, r.votes_for * 3, r.base * 2) for r in resolutions]


# The dates beside a step's form -----------------------------------------------------------------

# The steps beside which the dossier's freshness (R29) is shown while the case waits for the vote.
RENEWAL_STEPS = {"vote", "document", "supplementary-check"}


def step_facts(slug: str, candidate: Candidate, today: date) -> list[tuple[str, str]]:
    """The dates that matter for the step ``slug`` of this case: (label, value) pairs."""
    facts = [
        (_("Stage"), f"{candidate.get_stage_display()} · {format_date(candidate.stage_since)}"),
    ]
    deadline = next_deadline(candidate)
    if deadline is not None:
        left = deadline.working_days_left(today)
        if deadline.due < today:
            when = _("%(date)s, overdue by %(days)d working days")
        else:
            when = _("%(date)s, %(days)d working days left")
        facts.append(
            (
                f"{deadline.rule}: {deadline.label}",
                when % {"date": format_date(deadline.due), "days": abs(left)},
            )
        )
    if slug in ("course", "vote"):
        newest = checks.latest(list(candidate.documents.all()), Form.AWARENESS)
        if newest:
            facts.append(
                (
                    _("Awareness certificate"),
                    _("issued %(issued)s, valid until %(until)s")
                    % {
                        "issued": format_date(newest.date),
                        "until": format_date(checks.awareness_expires(newest)),
                    },
                )
            )
    fresh = case_freshness(candidate, today) if slug in RENEWAL_STEPS else None
    if fresh is not None:
        facts.append((_("Dossier complete"), format_date(fresh.completed)))
        label = _("Papers to redo") if fresh.stale else _("Chapter vote without new papers until")
        value = "; ".join(fresh.missing_labels()) if fresh.stale else format_date(fresh.fresh_until)
        facts.append((label, value))
    if slug == "ceremony":
        decision = checks.admission_decision(candidate)
        if decision and decision.received_on:
            facts.append(
                (
                    _("Admission decision"),
                    _("no. %(number)s of %(date)s, received %(received)s")
                    % {
                        "number": decision.number,
                        "date": format_date(decision.date),
                        "received": format_date(decision.received_on),
                    },
                )
            )
    if slug == "extend" and candidate.stage in checks.EXTENSION_BY_STAGE:
        facts.append((_("What is extended"), checks.EXTENSION_BY_STAGE[candidate.stage].label))
    if candidate.member_id and candidate.member.official_date:
        facts.append(
            (_("End of probation (official date)"), format_date(candidate.member.official_date))
        )
    return facts
