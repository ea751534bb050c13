"""The data of a case's other documents (issue 13): the summaries of opinions (5-KNĐ, 12-KNĐ),
the chapter's request to the committee, the dossier checklist, the resolution assigning the
mentor and the resolution proposing removal from the probationary list.

As in ``documents.gather``: plain strings and numbers, the same keys for the HTML and the Word
template, and what is missing with where to fill it. The views fetch the case through the
access functions first; nothing here decides who may see it.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from admissions.models import Candidate, CandidateDocument, Form, MentorAssignment, Resolution
from admissions.queries import dossier_checklist
from chapter.dates import format_date
from documents.gather import (
    Gathered,
    Missing,
    _lines,
    bare_name,
    chapter_vote,
    header,
    latest_resolution,
    person,
    signer,
)
from documents.models import GeneratedDocument, OpinionSummary
from documents.words import date_in_words, day_in_words

St = Candidate.Stage


def _base(gathered: Gathered, candidate: Candidate) -> None:
    chapter = candidate.chapter
    gathered.context.update(
        person=person(candidate),
        chapter_name=bare_name(chapter.name),
        committee_name=chapter.committee.name if chapter.committee_id else "",
    )


def _dated(gathered: Gathered, candidate: Candidate, day: date) -> None:
    """The header, the signer and the date of a document dated ``day``."""
    header(gathered, candidate.chapter, day)
    signer(gathered, candidate.chapter, day)
    gathered.context.update(
        document_date=day, day=date_in_words(day), day_words=day_in_words(day), year=day.year
    )


def step_url(candidate: Candidate, slug: str) -> str:
    return reverse("admissions:candidate-step", args=[candidate.public_id, slug])


def opinions_url(candidate: Candidate, kind: str) -> str:
    return reverse("documents:opinions", args=[candidate.public_id, kind])


def latest_paper(candidate: Candidate, form: str) -> CandidateDocument | None:
    return candidate.documents.filter(form=form).order_by("-date", "-id").first()


# The summaries of opinions (5-KNĐ, 12-KNĐ) ------------------------------------------------------

PAPER_OF_SUMMARY = {
    OpinionSummary.Kind.ADMISSION: Form.OPINIONS,
    OpinionSummary.Kind.CONFIRMATION: Form.MEMBER_OPINIONS,
}


def _paper_url(candidate: Candidate, form: str) -> str:
    """Where the dossier's paper is recorded: the 5-KNĐ with the introductions, any other paper
    (12-KNĐ) as a paper of the open case; a closed case shows its page."""
    if form == Form.OPINIONS and candidate.stage == St.BACKGROUND_VERIFIED:
        return step_url(candidate, "introduced")
    if candidate.is_open:
        return step_url(candidate, "document")
    return candidate.get_absolute_url()


def opinions(candidate: Candidate, kind: str) -> Gathered:
    gathered = Gathered()
    _base(gathered, candidate)
    form = PAPER_OF_SUMMARY[kind]
    paper = latest_paper(candidate, form)
    if paper is None:
        label = Form(form).label
        gathered.missing.append(
            Missing(
                _("the paper %(paper)s: its date and number") % {"paper": label},
                _paper_url(candidate, form),
            )
        )
        header(gathered, candidate.chapter, timezone.localdate())
        gathered.context.update(number="", date_line="…")
    else:
        _dated(gathered, candidate, paper.date)
        gathered.context.update(
            number=gathered.need(
                paper.number, _("the paper's number"), _paper_url(candidate, form)
            ),
            record_number=paper.number,
        )
    url = opinions_url(candidate, kind)
    summary = OpinionSummary.objects.filter(candidate=candidate, kind=kind).first()
    if summary is None:
        gathered.missing.append(Missing(_("the opinions gathered (typed by the committee)"), url))
        summary = OpinionSummary()
    member = candidate.member
    gathered.context.update(
        confirmation=kind == OpinionSummary.Kind.CONFIRMATION,
        ceremony_day=format_date(member.ceremony_date) if member else "",
        work_body=summary.work_body,
        gathered_on=format_date(summary.gathered_on),
        consulted=summary.consulted if summary.pk else "",
        agreed=summary.agreed if summary.pk else "",
        disagreed=summary.disagreed if summary.pk else "",
        work_strengths_lines=_lines(summary.work_strengths),
        work_weaknesses_lines=_lines(summary.work_weaknesses),
        residence_body=summary.residence_body,
        residence_opinion_lines=_lines(summary.residence_opinion),
        conclusion_lines=_lines(summary.conclusion),
    )
    return gathered


def admission_opinions(candidate: Candidate) -> Gathered:
    return opinions(candidate, OpinionSummary.Kind.ADMISSION)


def confirmation_opinions(candidate: Candidate) -> Gathered:
    return opinions(candidate, OpinionSummary.Kind.CONFIRMATION)


# The dossier: its checklist and the request that sends it up -----------------------------------

STATE_WORDS = {
    "present": "Đã có",
    "expired": "Hết hạn",
    "missing": "Còn thiếu",
    "later": "Chưa đến bước",
}


def _checklist_rows(candidate: Candidate, day: date, papers=None) -> list[dict[str, str]]:
    """The checklist's lines (or ``papers``, some of them) as the document writes them: in the
    Party's Vietnamese whatever the interface language."""
    with translation.override("vi"):
        if papers is None:
            _phase, papers = dossier_checklist(candidate, day)
        return _paper_rows(papers)


def _paper_rows(papers) -> list[dict[str, str]]:
    rows = []
    for index, paper in enumerate(papers, start=1):
        document = paper.document
        rows.append(
            {
                "n": index,
                "label": str(paper.label),
                "number": document.number if document else "",
                "date": format_date(document.date) if document else "",
                "issuing_body": document.issuing_body if document else "",
                "state": paper.state,
                "state_words": STATE_WORDS[paper.state],
                "note": str(paper.note),
            }
        )
    return rows


def checklist(candidate: Candidate) -> Gathered:
    """The dossier as it stands today (admissions.queries.dossier_checklist): what is in, what is
    missing or expired. A working list: unnumbered, dated the day it is made."""
    gathered = Gathered()
    _base(gathered, candidate)
    today = timezone.localdate()
    _dated(gathered, candidate, today)
    rows = _checklist_rows(candidate, today)
    gathered.context.update(
        unnumbered=True,
        number="",
        confirmation=candidate.member_id is not None,
        papers=rows,
        present_count=sum(row["state"] == "present" for row in rows),
        missing_count=sum(row["state"] == "missing" for row in rows),
        expired_count=sum(row["state"] == "expired" for row in rows),
    )
    return gathered


def request(candidate: Candidate) -> Gathered:
    """The chapter's request (tờ trình) to the committee after its vote: the resolution and the
    dossier's papers, each with its number and date. Made once the papers are all in; dated the
    day it is first made and kept so when made again."""
    gathered = Gathered()
    _base(gathered, candidate)
    first = (
        GeneratedDocument.objects.filter(candidate=candidate, kind="admission-request")
        .order_by("created_at", "id")
        .first()
    )
    day = first.date if first else timezone.localdate()
    _dated(gathered, candidate, day)
    resolution = latest_resolution(candidate, Resolution.Kind.ADMISSION_CHAPTER)
    if resolution is None or not resolution.passed:
        gathered.missing.append(Missing(_("the chapter's vote"), candidate.get_absolute_url()))
        return gathered
    with translation.override("vi"):
        _phase, papers = dossier_checklist(candidate, day)
    enclosed = [paper for paper in papers if paper.state != "later"]
    for paper in enclosed:
        if paper.state != "present":
            state = _("expired") if paper.state == "expired" else _("missing")
            gathered.missing.append(
                Missing(
                    _("%(paper)s (%(state)s)") % {"paper": Form(paper.form).label, "state": state},
                    _paper_url(candidate, paper.form),
                )
            )
    preview = reverse("documents:preview", args=[candidate.public_id, "admission-resolution"])
    gathered.context.update(
        resolution_number=gathered.need(resolution.number, _("the resolution's number"), preview),
        resolution_day=format_date(resolution.date),
        base=resolution.base,
        votes_for=resolution.votes_for,
        papers=_checklist_rows(candidate, day, enclosed),
    )
    return gathered


# Probation: the mentor, and the removal from the probationary list ------------------------------


def mentor_resolution(candidate: Candidate) -> Gathered:
    """The chapter's resolution assigning the official member who helps the probationary member
    (Điều lệ Đảng, Điều 5): the latest assignment, dated its first day."""
    gathered = Gathered()
    _base(gathered, candidate)
    assignment = (
        MentorAssignment.objects.filter(candidate=candidate)
        .select_related("mentor")
        .order_by("-start_date", "-id")
        .first()
    )
    if assignment is None:
        gathered.missing.append(Missing(_("the mentor"), candidate.get_absolute_url()))
        return gathered
    _dated(gathered, candidate, assignment.start_date)
    member = candidate.member
    mentor = assignment.mentor
    gathered.context.update(
        number=assignment.resolution,
        record_number=assignment.resolution,
        mentor_name=mentor.full_name,
        mentor_birth_date=format_date(mentor.date_of_birth),
        ceremony_day=format_date(member.ceremony_date) if member else "",
        probation_end=format_date(member.official_date) if member else "",
        reassigned=assignment.start_date != (member.ceremony_date if member else None),
    )
    return gathered


def removal(candidate: Candidate) -> Gathered:
    """The meeting whose confirmation vote failed (13-KNĐ short of two thirds): its resolution
    proposing removal from the probationary list and its minutes share ``chapter_vote``'s
    context, so the figures and names in both are the same."""
    gathered = chapter_vote(candidate, Resolution.Kind.CONFIRMATION_CHAPTER)
    member = candidate.member
    gathered.context.update(
        ceremony_day=format_date(member.ceremony_date) if member else "",
        admitted_again=candidate.former_member_id is not None,
    )
    resolution = latest_resolution(candidate, Resolution.Kind.CONFIRMATION_CHAPTER)
    if resolution is not None:  # each failed vote's documents keep their own number
        gathered.context["document_date"] = resolution.date
    return gathered


# When each can be made ---------------------------------------------------------------------------

ADMISSION_ORDER = [
    St.DOSSIER_OPEN,
    St.BACKGROUND_VERIFIED,
    St.INTRODUCED,
    St.CHAPTER_APPROVED,
    St.GRASSROOTS_APPROVED,
    St.ADMISSION_DECIDED,
]
MEMBER_STAGES = {St.ADMITTED, St.CONFIRMATION_VOTED, St.OFFICIAL, St.NOT_CONFIRMED}


def from_application(candidate: Candidate) -> bool:
    """From the application on (the dossier is open), through probation."""
    return candidate.stage in ADMISSION_ORDER or candidate.stage in MEMBER_STAGES


def admission_summary_due(candidate: Candidate) -> bool:
    """The 5-KNĐ is gathered with the introductions: from the verified background on."""
    return candidate.stage in ADMISSION_ORDER[1:] or candidate.stage in MEMBER_STAGES


def awaiting_admission_decision(candidate: Candidate) -> bool:
    """The request goes up between the chapter's vote and the committee's decision; one made
    then stays in the case's list of documents made."""
    return candidate.stage in (St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED)


def on_probation_or_after(candidate: Candidate) -> bool:
    return candidate.stage in MEMBER_STAGES


def has_mentor(candidate: Candidate) -> bool:
    return candidate.mentors.exists()
