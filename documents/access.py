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
from members.access import reach_of


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
