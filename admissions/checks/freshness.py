"""R29: the dossier's freshness (Hướng dẫn 01-HD/TW).

The dossier is complete on the day the case reached INTRODUCED: the summary of opinions (5-KNĐ)
after the introducers, the last paper before the chapter vote (``Candidate.stage_since`` while
the case waits for the vote; the ``CandidateEvent`` into INTRODUCED keeps the same day). Twelve
months later (a rule value, ``DOSSIER_FRESH_MONTHS``), to the day, the chapter may still vote;
from the next day the introductions (3-KNĐ, or 4-/4A-KNĐ with one 3-KNĐ), the summary of
opinions (5-KNĐ) and a supplementary background check are redone (the letters and the summary
are recorded as dossier papers, the check as a background check of its own), each dated after
that last fresh day (and on or before the vote, like every paper a check reads), and the vote
is refused until they are. A renewed dossier is complete on the day of its last renewed paper
and fresh for another twelve months from then.

The chapter's failed votes do not reset the count: the text speaks of the chapter not having
admitted the applicant within the twelve months.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from admissions.checks.base import Violation
from admissions.models import Candidate, CandidateDocument, Form
from admissions.rules import rule
from chapter.dates import add_months, format_date

St = Candidate.Stage
LETTER_FORMS = (Form.INTRODUCTION, Form.YOUTH_RESOLUTION, Form.UNION_RESOLUTION)
# What a stale dossier still lacks (the keys of ``Freshness.missing``).
LETTERS, OPINIONS, CHECK = "letters", "opinions", "check"


@dataclass(frozen=True)
class Freshness:
    #: the day the dossier (or its latest renewal) was complete
    completed: date
    #: the last day the chapter may vote on it
    fresh_until: date
    #: papers of the standing renewal are dated after this day (None: never renewed)
    renewed_after: date | None
    #: the rule value in force (DOSSIER_FRESH_MONTHS)
    months: int
    #: what a stale dossier still lacks (LETTERS, OPINIONS, CHECK); empty when fresh
    missing: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        return bool(self.missing)

    def missing_labels(self) -> list[str]:
        labels = {
            LETTERS: _("new introductions (3-KNĐ, or 4-KNĐ with one 3-KNĐ)"),
            OPINIONS: _("a new summary of opinions (5-KNĐ)"),
            CHECK: _("a supplementary background check"),
        }
        return [labels[key] for key in self.missing]


def _letters_complete(letters: list[CandidateDocument]) -> bool:
    """Enough letters for one of R6's paths: two 3-KNĐ, or a union's resolution and one 3-KNĐ
    (R6 itself checks the introducers at the vote)."""
    members = sum(1 for d in letters if d.form == Form.INTRODUCTION)
    unions = len(letters) - members
    return members >= 2 or (members >= 1 and unions >= 1)


def freshness(
    completed: date,
    on: date,
    documents: Callable[[], Iterable[CandidateDocument]],
    replies: Callable[[], Iterable[date | None]],
) -> Freshness:
    """R29 on ``on`` for a dossier complete on ``completed``. ``documents`` and ``replies``
    (the background checks' reply dates) are read only when twelve months have passed."""
    months = rule("DOSSIER_FRESH_MONTHS", on)
    renewed_after = None
    papers: list[CandidateDocument] | None = None
    answered: list[date] | None = None
    while True:
        until = add_months(completed, months)
        if on <= until:
            return Freshness(completed, until, renewed_after, months)
        if papers is None:
            papers = [d for d in documents() if d.date <= on]
            answered = [day for day in replies() if day and day <= on]
        letters = [d for d in papers if d.form in LETTER_FORMS and d.date > until]
        opinions = [d.date for d in papers if d.form == Form.OPINIONS and d.date > until]
        checked = [day for day in answered if day > until]
        missing = tuple(
            key
            for key, done in (
                (LETTERS, _letters_complete(letters)),
                (OPINIONS, bool(opinions)),
                (CHECK, bool(checked)),
            )
            if not done
        )
        if missing:
            return Freshness(completed, until, renewed_after, months, missing)
        completed = max(max(d.date for d in letters), max(opinions), max(checked))
        renewed_after = until


def check_replies(candidate: Candidate) -> list[date]:
    """The background checks' reply dates: the board's annotation (the latest reply, enough
    for today), the case page's prefetched rows, or one query."""
    if "latest_check_reply" in candidate.__dict__:
        latest = candidate.latest_check_reply
        return [latest] if latest else []
    prefetched = getattr(candidate, "_prefetched_objects_cache", {}).get("checks")
    if prefetched is not None:
        return [c.replied_on for c in prefetched if c.replied_on]
    return list(candidate.checks.exclude(replied_on=None).values_list("replied_on", flat=True))


def case_freshness(
    candidate: Candidate, on: date, documents: list[CandidateDocument] | None = None
) -> Freshness | None:
    """R29 for a case waiting for the chapter vote (INTRODUCED), else None."""
    if candidate.stage != St.INTRODUCED:
        return None
    return freshness(
        candidate.stage_since,
        on,
        (lambda: documents) if documents is not None else (lambda: candidate.documents.all()),
        lambda: check_replies(candidate),
    )


def check_freshness(fresh: Freshness | None) -> list[Violation]:
    """R29: a stale dossier blocks the chapter vote until its papers are redone."""
    if fresh is None or not fresh.stale:
        return []
    message = _(
        "The dossier was complete on %(completed)s and the chapter has not admitted the "
        "applicant within %(months)d months (by %(until)s): the introductions (3-, 4-KNĐ), the "
        "summary of opinions (5-KNĐ) and a supplementary background check must be redone, dated"
        " after %(until)s. Still missing: %(missing)s."
    ) % {
        "completed": format_date(fresh.completed),
        "months": fresh.months,
        "until": format_date(fresh.fresh_until),
        "missing": "; ".join(fresh.missing_labels()),
    }
    return [Violation("R29", message, code="dossier_stale")]


def check_renewal_paper(
    candidate: Candidate, day: date, *, field: str | None = None
) -> list[Violation]:
    """R29 for a supplementary background check recorded while the case waits for the vote:
    only for a stale dossier, dated after the last day it was fresh."""
    fresh = case_freshness(candidate, day)
    if fresh is not None and fresh.stale:
        return []
    if fresh is None:
        message = _(
            "A supplementary background check is recorded while the case waits for the vote."
        )
    else:
        message = _(
            "The dossier is fresh until %(until)s: a supplementary background check is recorded"
            " for its renewal, dated after that day."
        ) % {"until": format_date(fresh.fresh_until)}
    return [Violation("R29", message, field=field, code="dossier_fresh")]
