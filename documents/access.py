"""Who may read and make a chapter's documents: the one place it is decided.

A document of the chapter names members of every cell (the minutes list the absent and why), so
it is read by those who read the whole chapter — its secretary and deputy, the committee
officers above it, superusers — and made (numbered, kept) only by those who manage the chapter.
A cell leader reads their own cell's people, not the chapter's documents: for them, as for
anyone out of scope, a document is not found (404).
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from admissions.access import get_candidate_for_user, reads_whole_chapter
from admissions.models import Candidate
from members.access import get_chapter_for_user, reach_of
from members.models import Chapter


def get_case_for_documents(user, public_id: UUID, *, make: bool = False) -> Candidate:
    """The case whose documents the user reads (404 otherwise); 403 if ``make`` and the user
    does not manage its chapter."""
    candidate = get_candidate_for_user(user, public_id)
    if not reads_whole_chapter(user, candidate):
        raise Http404
    if make and not can_make(user, candidate):
        raise PermissionDenied
    return candidate


def can_make(user, candidate: Candidate) -> bool:
    return reach_of(user).manages(candidate.chapter_id)


def reads_chapter_documents(user, chapter: Chapter) -> bool:
    """The chapter's own documents (its register book, its lists) name every member: read by its
    secretary and deputy, the committee officers above it and superusers, not by a cell leader."""
    reach = reach_of(user)
    return reach.manages(chapter.pk) or reach.oversees(chapter.committee)


def get_chapter_for_documents(user, public_id: UUID, *, make: bool = False) -> Chapter:
    """The chapter whose own documents the user reads (404 otherwise, a cell leader included);
    403 if ``make`` and the user does not manage it (a committee officer reads, does not make)."""
    chapter = get_chapter_for_user(user, public_id)
    if not reads_chapter_documents(user, chapter):
        raise Http404
    if make and not can_make_for_chapter(user, chapter):
        raise PermissionDenied
    return chapter


def can_make_for_chapter(user, chapter: Chapter) -> bool:
    return reach_of(user).manages(chapter.pk)
