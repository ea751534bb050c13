"""The data of each document, gathered once for both renderings (Word and PDF).

A gatherer returns the context (plain strings and numbers, the same keys for the HTML and the
Word template) and the list of what is missing, each with a link to where it is filled. Nothing
here decides who may see a case: the views fetch the case through the access functions first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from admissions.models import Candidate, Resolution
from chapter.dates import format_date
from documents.models import DocumentSettings, Meeting
from documents.words import date_in_words, date_line, day_in_words, percent
from members.models import Chapter, Member, RoleAssignment


@dataclass(frozen=True)
class Missing:
    """A piece of data the document needs and the record lacks, and where to fill it."""

    label: str | Promise
    url: str


@dataclass
class Gathered:
    context: dict[str, object] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)

    def need(self, value: object, label: str | Promise, url: str) -> object:
        """``value``, noting it as missing (with where to fill it) when it is empty."""
        if value in (None, ""):
            self.missing.append(Missing(label, url))
            return ""
        return value


def bare_name(name: str) -> str:
    """The chapter's name without a leading "Chi bộ", which the documents' text already says."""
    head, _space, rest = name.partition(" ")
    if rest.lower().startswith("bộ ") and head.lower() == "chi":
        return rest[3:].strip()
    return name


def settings_url(chapter: Chapter) -> str:
    return reverse("documents:settings", args=[chapter.public_id])


def header(gathered: Gathered, chapter: Chapter, day: date) -> None:
    """The two-column header of 36-HD/VPTW: superior body and chapter on the left, the Party's
    title and the place-and-date line on the right."""
    url = settings_url(chapter)
    found = DocumentSettings.objects.filter(chapter=chapter).first()
    if found is None:
        gathered.missing.append(Missing(_("the chapter's document header"), url))
        found = DocumentSettings(chapter=chapter)
    gathered.context.update(
        superior_body=gathered.need(found.superior_body, _("superior body"), url),
        issuing_body=gathered.need(found.issuing_body, _("the chapter's name"), url),
        place=gathered.need(found.place, _("place in the date line"), url),
        date_line=date_line(found.place, day),
        number_pattern=found.number_pattern or "{n}-{kind}/CB",
    )


def signer(gathered: Gathered, chapter: Chapter, day: date) -> None:
    """The secretary in office on the day signs "T/M CHI BỘ / BÍ THƯ"."""
    role = (
        RoleAssignment.objects.filter(
            chapter=chapter,
            role=RoleAssignment.Role.SECRETARY,
            start_date__lte=day,
            member__isnull=False,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("member")
        .order_by("-start_date")
        .first()
    )
    url = reverse("members:chapter-detail", args=[chapter.public_id])
    name = role.member.full_name if role else None
    gathered.context["signer"] = gathered.need(name, _("the secretary in office that day"), url)


def roll_on(chapter: Chapter, day: date) -> dict[str, int]:
    """The chapter's members on the roll at the end of ``day``: one query."""
    counts = (
        Member.objects.of_chapter_on(chapter, day)
        .filter(status_on__in=Member.ACTIVE_STATUSES)
        .aggregate(
            total=Count("pk"),
            official=Count("pk", filter=Q(status_on=Member.Status.OFFICIAL)),
            probationary=Count("pk", filter=Q(status_on=Member.Status.PROBATIONARY)),
        )
    )
    return {key: value or 0 for key, value in counts.items()}


def person(candidate: Candidate) -> dict[str, str]:
    return {
        "name": candidate.full_name,
        "birth_date": format_date(candidate.date_of_birth),
        "hometown": candidate.hometown,
        "occupation": candidate.occupation,
        "workplace": candidate.workplace,
    }


def _lines(text: str) -> list[str]:
    """A typed text as paragraphs, one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def latest_resolution(candidate: Candidate, kind: str) -> Resolution | None:
    return (
        Resolution.objects.filter(candidate=candidate, kind=kind).order_by("-date", "-id").first()
    )


def meeting_url(candidate: Candidate, kind: str) -> str:
    return reverse("documents:meeting", args=[candidate.public_id, kind])


def chapter_vote(candidate: Candidate, kind: str) -> Gathered:
    """A chapter meeting that voted on a person: its resolution (6-KNĐ, 13-KNĐ) and its
    minutes share this context, so the figures and names in both are the same."""
    gathered = Gathered()
    resolution = latest_resolution(candidate, kind)
    chapter = candidate.chapter
    gathered.context.update(
        person=person(candidate),
        chapter_name=bare_name(chapter.name),
        committee_name=chapter.committee.name if chapter.committee_id else "",
    )
    if resolution is None:
        gathered.missing.append(Missing(_("the chapter's vote"), candidate.get_absolute_url()))
        return gathered
    day = resolution.date
    header(gathered, chapter, day)
    signer(gathered, chapter, day)
    url = meeting_url(candidate, kind)
    meeting = Meeting.objects.filter(resolution=resolution).first()
    if meeting is None:
        gathered.missing.append(Missing(_("the meeting's record (place, chair, absences…)"), url))
        meeting = Meeting()
    roll = roll_on(chapter, day)
    present_official = resolution.present
    present_probationary = meeting.probationary_present or 0
    absent_official = max(roll["official"] - present_official, 0)
    absent_probationary = max(roll["probationary"] - present_probationary, 0)
    gathered.context.update(
        resolution_id=resolution.pk,
        number=resolution.number,
        # A second meeting's documents are its own: a document made again keeps the number it
        # got for this meeting, not an earlier meeting's (documents.services._number).
        document_date=day,
        day=date_in_words(day),
        day_words=day_in_words(day),
        year=day.year,
        meeting_place=gathered.need(meeting.place, _("place of the meeting"), url),
        started_at=meeting.started_at.strftime("%H giờ %M") if meeting.started_at else "",
        ended_at=meeting.ended_at.strftime("%H giờ %M") if meeting.ended_at else "",
        chair=gathered.need(meeting.chair, _("chaired by"), url),
        chair_post=meeting.chair_post,
        minute_taker=gathered.need(meeting.minute_taker, _("minutes taken by"), url),
        strengths=gathered.need(meeting.strengths, _("strengths"), url),
        weaknesses=gathered.need(meeting.weaknesses, _("weaknesses"), url),
        strengths_lines=_lines(meeting.strengths),
        weaknesses_lines=_lines(meeting.weaknesses),
        absences=[{"name": n, "reason": r} for n, r in meeting.absence_list()],
        total=roll["total"],
        official=roll["official"],
        probationary=roll["probationary"],
        present=present_official + present_probationary,
        present_official=present_official,
        present_probationary=present_probationary,
        absent=absent_official + absent_probationary,
        absent_official=absent_official,
        absent_probationary=absent_probationary,
        base=resolution.base,
        votes_for=resolution.votes_for,
        votes_against=resolution.votes_against,
        pct_for=percent(resolution.votes_for, resolution.base),
        pct_against=percent(resolution.votes_against, resolution.base),
        passed=resolution.passed,
    )
    if meeting.pk and not meeting.started_at:
        gathered.missing.append(Missing(_("began at"), url))
    return gathered


def admission_vote(candidate: Candidate) -> Gathered:
    return chapter_vote(candidate, Resolution.Kind.ADMISSION_CHAPTER)


def confirmation_vote(candidate: Candidate) -> Gathered:
    gathered = chapter_vote(candidate, Resolution.Kind.CONFIRMATION_CHAPTER)
    member = candidate.member
    if member is not None:
        gathered.context.update(
            ceremony_day=format_date(member.ceremony_date),
            admitted_again=candidate.former_member_id is not None,
        )
    return gathered
