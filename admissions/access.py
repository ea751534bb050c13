"""Who may see and act on candidates (DESIGN.md roles), the one place it is decided.

Secretary or deputy: every step for their chapter. Committee officer: reads every chapter under
the committee, at any depth, and records the committee's decisions (admission, rejection,
confirmation, removal) for the chapters of its own committee and of the committees directly
under it (``Reach.decides_for``). Cell leader: reads their own cell's candidates and adds
observations and mentor comments, nothing else.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from admissions.models import Candidate
from members.access import in_reach, reach_of

# Steps that belong to the superior committee; the rest are the chapter's.
COMMITTEE_STEPS = frozenset({"decide", "reject", "confirm", "not-confirm", "extend"})


def candidates_visible_to(user) -> QuerySet[Candidate]:
    reach = reach_of(user)
    if reach.is_superuser:
        return Candidate.objects.all()
    return Candidate.objects.filter(in_reach(reach))


def can_run_step(user, candidate: Candidate, step: str) -> bool:
    """Whether the user may record ``step`` (a step slug) for this candidate."""
    reach = reach_of(user)
    if reach.manages(candidate.chapter_id):
        return True
    return step in COMMITTEE_STEPS and reach.decides_for(candidate.chapter.committee)


def can_observe(user, candidate: Candidate) -> bool:
    """Observations and mentor comments: the chapter's secretary and the candidate's cell leader."""
    reach = reach_of(user)
    return (
        reach.is_superuser
        or candidate.chapter_id in reach.chapter_ids
        or (candidate.cell_id is not None and candidate.cell_id in reach.cell_ids)
    )


def reads_whole_chapter(user, candidate: Candidate) -> bool:
    """The chapter's secretary or deputy, the committee officers above it, superusers: those who
    read the chapter's papers on a case (its documents name members of every cell)."""
    reach = reach_of(user)
    return reach.manages(candidate.chapter_id) or reach.oversees(candidate.chapter.committee)


def can_manage_chapter_candidates(user, chapter_id: int) -> bool:
    return reach_of(user).manages(chapter_id)


def get_candidate_for_user(
    user, public_id: UUID, *, step: str | None = None, observe: bool = False
) -> Candidate:
    """The candidate, 404 out of scope, 403 when the user may not record ``step`` / observe."""
    queryset = candidates_visible_to(user).select_related(
        "chapter", "chapter__committee", "cell", "member"
    )
    candidate = get_object_or_404(queryset, public_id=public_id)
    if step is not None and not can_run_step(user, candidate, step):
        raise PermissionDenied
    if observe and not can_observe(user, candidate):
        raise PermissionDenied
    return candidate
