"""Transfers between two chapters of this system, as one handover (issue 15, item 1; DOMAIN.md
R22, R23): the sending secretary's request, the transfers page of both sides, a transfer's page
and its steps (the letter, acceptance, "not arrived", withdrawal).

Every step is two steps, as the register's movements (``members.movement_views``): the form,
then a confirmation page; only a POST with ``confirm=1`` calls the service
(``members.services.handover``). Access through ``members.access``: a transfer outside
``handovers_visible_to`` is 404; a step the user has no right to is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from chapter.dates import format_date
from members import access, services
from members.handover_forms import (
    AcceptForm,
    CancelForm,
    HandoverForm,
    IssueLetterForm,
    NotArrivedForm,
    destination_label,
    destinations,
)
from members.handover_lists import may_list, section_filters
from members.models import Handover, Member
from members.models.party_age import describe as describe_party_age
from members.movement_forms import ServiceForm, add_service_error
from members.movement_views import _rehearse, bound
from members.pickers import MATCHES, Folded, _key, _options, matching
from members.transfers import present_due

Kind, State = Handover.Kind, Handover.State
PER_PAGE = 25
CLOSED_SHOWN = 50
LETTER_SOURCE = "Quy định 294-QĐ/TW, mục 6.3.1"
TEMPORARY_SOURCE = "Quy định 294-QĐ/TW, mục 6; Hướng dẫn 06-HD/TW"


# Deadlines (flagged, never refused) ----------------------------------------------------------


def letter_due(handover: Handover) -> date | None:
    """The last day to present a permanent transfer's letter at the receiving chapter (R22)."""
    if handover.kind != Kind.PERMANENT or handover.letter_date is None:
        return None
    return present_due(handover.letter_date)


def flags(handover: Handover, today: date) -> list[str]:
    """What is late about a transfer, each citing the regulation."""
    found = []
    due = letter_due(handover)
    if due is not None and handover.state in (State.SENT, State.ACCEPTED):
        presented = handover.presented_on or today
        if presented > due:
            found.append(
                _(
                    "Transfer letter not presented within 30 working days of its date "
                    "(due by %(due)s; %(source)s)."
                )
                % {"due": format_date(due), "source": LETTER_SOURCE}
            )
    if (
        handover.kind == Kind.TEMPORARY
        and handover.state in (State.SENT, State.ACCEPTED)
        and handover.until is not None
        and today > handover.until
    ):
        found.append(
            _("Temporary transfer overdue: planned to end on %(end)s, not back yet (%(source)s).")
            % {"end": format_date(handover.until), "source": TEMPORARY_SOURCE}
        )
    return found


def _annotate(handovers, today: date) -> list[Handover]:
    rows = list(handovers)
    for handover in rows:
        handover.due = letter_due(handover)
        handover.flags = flags(handover, today)
        handover.late = bool(handover.flags)
        handover.from_label = destination_label(handover.from_chapter)
        handover.to_label = destination_label(handover.to_chapter)
    return rows


# The transfers page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    order: tuple[str, ...]


SECTIONS = (
    Section("arrivals", gettext_lazy("Arrivals awaiting acceptance"), ("letter_date", "id")),
    Section("temporary", gettext_lazy("Here temporarily"), ("until", "letter_date", "id")),
    Section("sent", gettext_lazy("Sent from my chapter"), ("state", "-requested_on", "-id")),
    Section("closed", gettext_lazy("Closed"), ("-closed_on", "-id")),
)
SECTION_BY_SLUG = {section.slug: section for section in SECTIONS}


@require_safe
def transfer_list(request: HttpRequest) -> HttpResponse:
    if not may_list(request.user):
        raise Http404
    today = timezone.localdate()
    visible = access.handovers_visible_to(request.user)
    filters = section_filters(request.user)
    counted = ("arrivals", "temporary", "sent")
    counts = visible.aggregate(**{slug: Count("pk", filter=filters[slug]) for slug in counted})
    slug = request.GET.get("show", "")
    if slug not in SECTION_BY_SLUG:
        slug = "arrivals" if counts["arrivals"] or not counts["sent"] else "sent"
    section = SECTION_BY_SLUG[slug]
    rows = visible.filter(filters[slug]).select_related(
        "member", "from_chapter__committee", "to_chapter__committee"
    )
    rows = rows.order_by(*section.order)
    if slug == "closed":
        page = None
        handovers = _annotate(rows[:CLOSED_SHOWN], today)
    else:
        paginator = Paginator(rows, PER_PAGE)
        paginator.count = counts[slug]  # already counted: no second COUNT
        page = paginator.get_page(request.GET.get("page"))
        handovers = _annotate(page.object_list, today)
    context = {
        "sections": [(s, counts.get(s.slug)) for s in SECTIONS],
        "section": section,
        "page": page,
        "handovers": handovers,
        "today": today,
    }
    return render(request, "members/handover_list.html", context)


# The destination picker ----------------------------------------------------------------------


@require_safe
def pick_destinations(request: HttpRequest) -> HttpResponse:
    """Up to ``MATCHES`` chapters of the whole tree (not dissolved) whose name holds the words
    of ``q``, with their committees: where a secretary may send a member. Names only."""
    reach = access.reach_of(request.user)
    if not (reach.is_superuser or reach.is_secretary):
        raise Http404
    key = _key(request)
    chapters = matching(destinations(), Folded("name"), request.GET.get("q", ""))
    options = [
        {
            "value": getattr(c, key),
            "name": c.name,
            "context": c.committee.name,
            "label": destination_label(c),
        }
        for c in chapters.order_by("name", "pk")[: MATCHES + 1]
    ]
    return _options(request, options, "chapters")


# Two steps -----------------------------------------------------------------------------------


def _two_steps(
    request: HttpRequest,
    form: ServiceForm,
    *,
    template: str,
    context: dict[str, Any],
    perform: Callable[[], Any],
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """As ``members.movement_views._two_steps``, with this page's own confirmation."""
    confirming = False
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        try:
            if request.POST.get("confirm") == "1":
                return done(perform())
            _rehearse(perform)
            confirming = True
        except ValidationError as error:
            add_service_error(form, error)
    template = "members/handover_confirm.html" if confirming else template
    return render(request, template, {**context, "form": form})


def _request_outcome(member: Member, form: HandoverForm) -> str:
    data = form.cleaned_data
    chapter = data["to_chapter"].name
    if not form.with_letter():
        return _(
            "The transfer is requested: the committee has a transfer letter to issue. "
            "%(name)s stays on this chapter's roll until the letter's date."
        ) % {"name": member.full_name}
    if data["kind"] == Kind.PERMANENT:
        return _(
            "%(name)s leaves this chapter's roll on the letter's date (transferred out) and is "
            "an arrival awaiting acceptance at %(chapter)s."
        ) % {"name": member.full_name, "chapter": chapter}
    return _(
        "%(name)s stays on this chapter's roll, temporarily transferred out from the letter's "
        "date, and %(chapter)s sees the arrival; not counted in its headcount."
    ) % {"name": member.full_name, "chapter": chapter}


@require_http_methods(["GET", "POST"])
def handover_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = access.get_member_for_user(request.user, public_id, manage=True)
    if not member.is_active:
        messages.error(
            request,
            _("%(name)s is no longer on the roll (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
        )
        return redirect(member)
    under_way = Handover.objects.open().filter(member=member).first()
    if under_way is not None:
        messages.info(
            request,
            _("A transfer of %(name)s is already under way.") % {"name": member.full_name},
        )
        return redirect("members:handover-detail", public_id=under_way.public_id)
    form = HandoverForm(member, **bound(request))

    def perform() -> Handover:
        return services.handover_request(
            member_id=member.pk, actor=request.user, **form.service_kwargs()
        )

    def done(handover: Handover) -> HttpResponse:
        messages.success(
            request,
            _("The transfer of %(name)s to %(chapter)s is recorded.")
            % {"name": member.full_name, "chapter": handover.to_chapter.name},
        )
        return redirect("members:handover-detail", public_id=handover.public_id)

    context = {
        "member": member,
        "title": _("Transfer to a chapter of this system"),
        "intro": _(
            "A transfer to a chapter whose records are kept here: the receiving secretary "
            "accepts the member on the same record. For an organisation outside the system, "
            "use “Transfer out”."
        ),
        "cancel_url": member.get_absolute_url(),
        "outcome": lambda: _request_outcome(member, form),
    }
    return _two_steps(
        request,
        form,
        template="members/handover_form.html",
        context=context,
        perform=perform,
        done=done,
    )


# A transfer's page -----------------------------------------------------------------------------


def _member_summary(member: Member, handover: Handover, today: date) -> dict[str, Any]:
    """What the receiving side reads of the record: identity, party dates, the status it left
    with and the party age; nothing else of the sending chapter."""
    left_with = handover.out_event.get_from_status_display() if handover.out_event_id else None
    as_of = handover.letter_date if member.chapter_id == handover.from_chapter_id else today
    age = member.party_age(min(as_of or today, today))
    return {
        "left_with": left_with or member.get_status_display(),
        "party_age": describe_party_age(age.months) if age else None,
    }


@require_safe
def handover_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    handover = access.get_handover_for_user(request.user, public_id)
    user, today = request.user, timezone.localdate()
    member = handover.member
    open_state = handover.state in (State.REQUESTED, State.SENT, State.NOT_ARRIVED)
    buttons = {
        "issue": handover.state == State.REQUESTED and access.can_issue_letter(user, handover),
        "receive": handover.state == State.SENT and access.can_receive(user, handover),
        "withdraw": open_state and access.can_withdraw(user, handover),
    }
    reads_member = access.members_visible_to(user).filter(pk=member.pk).exists()
    returning = (
        handover.kind == Kind.TEMPORARY
        and handover.state == State.ACCEPTED
        and access.can_withdraw(user, handover)
    )
    (handover,) = _annotate([handover], today)
    context = {
        "handover": handover,
        "member": member,
        "summary": _member_summary(member, handover, today),
        "buttons": buttons,
        "member_url": member.get_absolute_url() if reads_member else "",
        "return_url": reverse("members:member-move", args=[member.public_id, "temporary-return"])
        if returning
        else "",
    }
    return render(request, "members/handover_detail.html", context)


# Its steps -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    title: Promise
    form: type[ServiceForm]
    service: Callable[..., Handover]
    allowed: Callable[[Any, Handover], bool]
    states: tuple[str, ...]
    outcome: Promise
    done: Promise
    danger: bool = False
    temporary: Promise | None = None  # what happens instead for a temporary transfer


STEPS = {
    "issue": Step(
        gettext_lazy("Issue the transfer letter"),
        IssueLetterForm,
        services.handover_issue_letter,
        access.can_issue_letter,
        (State.REQUESTED,),
        gettext_lazy(
            "From the letter's date the member is off the sending chapter's roll (a temporary "
            "transfer: away from it) and the receiving chapter sees the arrival."
        ),
        gettext_lazy("The transfer letter is recorded."),
    ),
    "accept": Step(
        gettext_lazy("Accept the member"),
        AcceptForm,
        services.handover_accept,
        access.can_receive,
        (State.SENT,),
        gettext_lazy(
            "The member joins this chapter's roll and the cell chosen on the day the letter "
            "was presented, with the status they left with."
        ),
        gettext_lazy("The member is accepted."),
        temporary=gettext_lazy(
            "A temporary transfer: the member attends this chapter's meetings and is listed "
            "here apart, not in the headcount or the vote base, until the return."
        ),
    ),
    "not-arrived": Step(
        gettext_lazy("The member has not arrived"),
        NotArrivedForm,
        services.handover_not_arrived,
        access.can_receive,
        (State.SENT,),
        gettext_lazy(
            "The transfer goes back to the sending chapter, which decides. Nothing is written "
            "in this chapter's register."
        ),
        gettext_lazy("Reported to the sending chapter: the member has not arrived."),
        danger=True,
    ),
    "cancel": Step(
        gettext_lazy("Withdraw the transfer"),
        CancelForm,
        services.handover_cancel,
        access.can_withdraw,
        (State.REQUESTED, State.SENT, State.NOT_ARRIVED),
        gettext_lazy(
            "An issued letter is undone: its exit is annulled in this chapter's register and "
            "the member is back on the roll as before."
        ),
        gettext_lazy("The transfer is withdrawn."),
        danger=True,
    ),
}


def _step(request: HttpRequest, public_id: UUID, slug: str) -> HttpResponse:
    step = STEPS[slug]
    handover = access.get_handover_for_user(request.user, public_id)
    if not step.allowed(request.user, handover):
        raise PermissionDenied
    detail_url = reverse("members:handover-detail", args=[handover.public_id])
    if handover.state not in step.states:
        messages.error(
            request,
            _("This transfer is “%(state)s”: it cannot be changed that way.")
            % {"state": handover.get_state_display()},
        )
        return redirect(detail_url)
    form = step.form(handover, **bound(request))

    def perform() -> Handover:
        return step.service(handover_id=handover.pk, actor=request.user, **form.service_kwargs())

    def done(changed: Handover) -> HttpResponse:
        messages.success(request, str(step.done))
        return redirect(detail_url)

    (handover,) = _annotate([handover], timezone.localdate())
    context = {
        "handover": handover,
        "member": handover.member,
        "title": step.title,
        "outcome": step.temporary
        if step.temporary and handover.kind == Kind.TEMPORARY
        else step.outcome,
        "danger": step.danger,
        "cancel_url": detail_url,
    }
    return _two_steps(
        request,
        form,
        template="members/handover_step.html",
        context=context,
        perform=perform,
        done=done,
    )


@require_http_methods(["GET", "POST"])
def handover_issue(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _step(request, public_id, "issue")


@require_http_methods(["GET", "POST"])
def handover_accept(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _step(request, public_id, "accept")


@require_http_methods(["GET", "POST"])
def handover_not_arrived(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _step(request, public_id, "not-arrived")


@require_http_methods(["GET", "POST"])
def handover_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _step(request, public_id, "cancel")
