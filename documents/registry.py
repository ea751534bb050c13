"""Every document the app can make, in one list: its title, form code, symbol for numbering,
when it can be made, and the function that gathers its data. Adding a chapter's own form is one
entry here, an HTML template in templates/documents/ and a Word template in templates_docx/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from admissions.models import Candidate, Resolution
from documents import chapter_gather, chapter_lists, gather, gather_case
from documents.gather import Gathered


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    title: str | Promise
    form: str  # the form's code as the guidance prints it (a label; DOCUMENTS.md: verify codes)
    symbol: str  # the kind in "Số 07-NQ/CB"
    gather: Callable[..., Gathered]
    # The vote the document stems from: it can be made once that vote is recorded (and, for a
    # resolution proposing something, once it passed).
    resolution_kind: str = ""
    needs_pass: bool = False
    needs_fail: bool = False  # the removal proposal follows a failed confirmation vote
    landscape: bool = False
    # Whether the case's stage and records allow it (besides the vote), e.g. a mentor assigned.
    when: Callable[[Candidate], bool] | None = None
    # The summary of opinions (documents.models.OpinionSummary.Kind) whose typed text it prints.
    opinions: str = ""
    # Whose document it is: a case's (``gather(candidate)``) or the chapter's as of a day the
    # secretary chooses (``gather(chapter, day)``; ``period`` "year": of that day's year).
    subject: str = "case"
    period: str = "day"
    # A long list laid out a part at a time in the PDF (render.to_pdf), so that the memory a
    # 500-member book needs is a part's, not the whole book's: the context key of its rows.
    parts_of: str = ""

    @property
    def html_template(self) -> str:
        return f"documents/{self.slug}.html"

    @property
    def docx_name(self) -> str:
        return f"{self.slug}.docx"

    def available(self, latest_votes: dict[str, bool]) -> bool:
        """``latest_votes``: whether the latest vote of each kind recorded for the case passed."""
        if not self.resolution_kind:
            return True
        if self.resolution_kind not in latest_votes:
            return False
        if self.needs_fail:
            return not latest_votes[self.resolution_kind]
        return latest_votes[self.resolution_kind] or not self.needs_pass


CASE_DOCUMENTS = (
    DocumentKind(
        slug="dossier-checklist",
        title=_("Dossier checklist"),
        form="",
        symbol="",
        gather=gather_case.checklist,
        when=gather_case.from_application,
    ),
    DocumentKind(
        slug="admission-opinions",
        title=_("Summary of opinions on the candidate"),
        form="5-KNĐ",
        symbol="BC",
        gather=gather_case.admission_opinions,
        when=gather_case.admission_summary_due,
        opinions="ADMISSION",
    ),
    DocumentKind(
        slug="admission-resolution",
        title=_("Resolution proposing admission"),
        form="6-KNĐ",
        symbol="NQ",
        gather=gather.admission_vote,
        resolution_kind=Resolution.Kind.ADMISSION_CHAPTER,
        needs_pass=True,
    ),
    DocumentKind(
        slug="admission-minutes",
        title=_("Minutes of the chapter meeting on the admission"),
        form="",
        symbol="BB",
        gather=gather.admission_vote,
        resolution_kind=Resolution.Kind.ADMISSION_CHAPTER,
    ),
    DocumentKind(
        slug="admission-request",
        title=_("The chapter's request to the committee to admit"),
        form="",
        symbol="TTr",
        gather=gather_case.request,
        resolution_kind=Resolution.Kind.ADMISSION_CHAPTER,
        needs_pass=True,
        when=gather_case.awaiting_admission_decision,
    ),
    DocumentKind(
        slug="mentor-resolution",
        title=_("Resolution assigning the mentor"),
        form="",
        symbol="NQ",
        gather=gather_case.mentor_resolution,
        when=gather_case.has_mentor,
    ),
    DocumentKind(
        slug="confirmation-opinions",
        title=_("Summary of opinions on the probationary member"),
        form="12-KNĐ",
        symbol="BC",
        gather=gather_case.confirmation_opinions,
        when=gather_case.on_probation_or_after,
        opinions="CONFIRMATION",
    ),
    DocumentKind(
        slug="confirmation-resolution",
        title=_("Resolution proposing confirmation as an official member"),
        form="13-KNĐ",
        symbol="NQ",
        gather=gather.confirmation_vote,
        resolution_kind=Resolution.Kind.CONFIRMATION_CHAPTER,
        needs_pass=True,
    ),
    DocumentKind(
        slug="confirmation-minutes",
        title=_("Minutes of the chapter meeting on the confirmation"),
        form="",
        symbol="BB",
        gather=gather.confirmation_vote,
        resolution_kind=Resolution.Kind.CONFIRMATION_CHAPTER,
    ),
    DocumentKind(
        slug="removal-resolution",
        title=_("Resolution proposing removal from the probationary list"),
        form="",
        symbol="NQ",
        gather=gather_case.removal,
        resolution_kind=Resolution.Kind.CONFIRMATION_CHAPTER,
        needs_fail=True,
    ),
    DocumentKind(
        slug="removal-minutes",
        title=_("Minutes of the chapter meeting proposing removal from the probationary list"),
        form="",
        symbol="BB",
        gather=gather_case.removal,
        resolution_kind=Resolution.Kind.CONFIRMATION_CHAPTER,
        needs_fail=True,
    ),
)
BY_SLUG = {kind.slug: kind for kind in CASE_DOCUMENTS}

# The chapter's own documents, as of a day (documents.chapter_gather, documents.chapter_lists):
# lists and the book carry no number (DOCUMENTS.md §1.5: lists are appendices without one).
CHAPTER = "chapter"
CHAPTER_DOCUMENTS = (
    DocumentKind(
        slug="register-book",
        title=_("Member register (book) as of a day"),
        form="7-HSĐV",
        symbol="",
        gather=chapter_gather.register_book,
        landscape=True,
        subject=CHAPTER,
        parts_of="members",
    ),
    DocumentKind(
        slug="sign-in-sheet",
        title=_("List of members at a chapter meeting, to sign"),
        form="",
        symbol="",
        gather=chapter_gather.sign_in_sheet,
        subject=CHAPTER,
    ),
    DocumentKind(
        slug="rating-table",
        title=_("Yearly rating table"),
        form="",
        symbol="",
        gather=chapter_lists.rating_table,
        subject=CHAPTER,
        period="year",
    ),
    DocumentKind(
        slug="badge-list",
        title=_("Members proposed for a Party badge"),
        form="4A-HHĐ",
        symbol="",
        gather=chapter_lists.badge_proposal,
        landscape=True,
        subject=CHAPTER,
        period="year",
    ),
)
CHAPTER_BY_SLUG = {kind.slug: kind for kind in CHAPTER_DOCUMENTS}


def case_documents(candidate: Candidate) -> list[DocumentKind]:
    """The documents that can be made for this case now (one query)."""
    latest: dict[str, bool] = {}
    for kind, passed in candidate.resolutions.order_by("date", "id").values_list("kind", "passed"):
        latest[kind] = passed
    return [
        kind
        for kind in CASE_DOCUMENTS
        if kind.available(latest) and (kind.when is None or kind.when(candidate))
    ]
