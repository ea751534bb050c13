"""The lists of the transfers page (members/handover_views.py ``transfer_list``) as queries on
``members.access.handovers_visible_to``: the arrivals addressed to the user's chapters, the
members here temporarily, the transfers sent from them, the closed ones; and the register's
badge of arrivals awaiting acceptance."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from members import access
from members.models import Chapter, Handover, Member

Kind, State = Handover.Kind, Handover.State


def may_list(user) -> bool:
    reach = access.reach_of(user)
    return reach.is_superuser or reach.is_secretary or reach.is_committee_officer


def _mine(user) -> Callable[[str], Q]:
    """Handovers whose ``side`` ("to" or "from") chapter is one the user works for."""
    reach = access.reach_of(user)
    if reach.is_superuser:
        return lambda side: Q()
    chapters = Chapter.objects.filter(
        Q(pk__in=reach.chapter_ids) | access.committee_chapters(reach)
    ).values("pk")
    return lambda side: Q(**{f"{side}_chapter__in": chapters})


def section_filters(user) -> dict[str, Q]:
    mine = _mine(user)
    temporary_here = Q(kind=Kind.TEMPORARY, state__in=[State.SENT, State.ACCEPTED])
    sent = Q(state__in=[State.REQUESTED, State.SENT, State.NOT_ARRIVED]) | Q(
        kind=Kind.TEMPORARY, state=State.ACCEPTED
    )
    return {
        "arrivals": mine("to") & Q(kind=Kind.PERMANENT, state=State.SENT),
        "temporary": mine("to") & temporary_here,
        "sent": mine("from") & sent,
        "closed": ~Handover.OPEN & ~(mine("from") & Q(state=State.NOT_ARRIVED)),
    }


def arrivals_waiting(user) -> int:
    """Permanent arrivals addressed to the user's chapters, not yet accepted (one query): the
    register's badge."""
    if not may_list(user):
        return 0
    return access.handovers_visible_to(user).filter(section_filters(user)["arrivals"]).count()


def open_handover(member: Member) -> Handover | None:
    """The member's transfer under way, if any, for the member's page (one query)."""
    return Handover.objects.open().filter(member=member).select_related("to_chapter").first()
