"""Reorganisation decisions (issue #15 item 3): the list of decisions in the user's reach, the
form that records one (kind, decision, choices), its confirmation page (what will move, from a
rehearsal of the service rolled back) and a recorded decision's page.

Access through ``members.access``: a committee officer (or superuser) records; a secretary reads
the decisions that touched their chapter; out of reach is 404.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from chapter.forms import add_service_error
from members.access import (
    can_record_reorganisation,
    get_reorganisation_for_user,
    has_reach,
    reorganisations_visible_to,
)
from members.models import Reorganisation
from members.reorganisation_forms import FORMS

Kind = Reorganisation.Kind
PER_PAGE = 50

# What each kind does, shown on the chooser and the form.
KIND_HELP = {
    Kind.MERGE: _(
        "The members on the roll of the merged chapters move to the chapter they merge into, "
        "their cells with them; the merged chapters are dissolved and their roles end."
    ),
    Kind.SPLIT: _(
        "New chapters are founded under the same committee and take the cells you give them; "
        "the chapter continues or is dissolved."
    ),
    Kind.MOVE_CELLS: _(
        "The members on the roll of the chosen cells move to another chapter, in a cell of the "
        "same name; the chapter they leave continues."
    ),
    Kind.MOVE_CHAPTERS: _(
        "Whole chapters move under another committee; their members stay in their chapter."
    ),
}
KIND_ICONS = {
    Kind.MERGE: "bi-union",
    Kind.SPLIT: "bi-scissors",
    Kind.MOVE_CELLS: "bi-box-arrow-right",
    Kind.MOVE_CHAPTERS: "bi-diagram-3",
}


@require_safe
def reorganisation_list(request: HttpRequest) -> HttpResponse:
    """The decisions the user reads, latest first, 50 a page: three queries."""
    if not has_reach(request.user):
        raise PermissionDenied
    decisions = reorganisations_visible_to(request.user).select_related("committee")
    paginator = Paginator(decisions.order_by("-decision_date", "-id"), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "decisions": page.object_list}
    context["can_record"] = can_record_reorganisation(request.user)
    return render(request, "members/reorganisation_list.html", context)


@require_http_methods(["GET", "POST"])
def reorganisation_new(request: HttpRequest) -> HttpResponse:
    """Choose the kind (``?kind=``), fill in the decision and its choices, confirm what will
    move (the service rehearsed and rolled back), record it."""
    if not can_record_reorganisation(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    form_class = FORMS.get(kind)
    if form_class is None:
        kinds = [(k, Kind(k).label, KIND_HELP[k], KIND_ICONS[k]) for k in Kind.values]
        return render(request, "members/reorganisation_new.html", {"kinds": kinds})
    data = {"data": request.POST} if request.method == "POST" else {}
    form = form_class(request.user, initial={"source": request.GET.get("source")}, **data)
    summary = None
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        try:
            if request.POST.get("confirm") == "1":
                record = form.perform(preview=False)
                messages.success(
                    request,
                    _("Decision %(number)s recorded: %(kind)s.")
                    % {"number": record.decision_number, "kind": record.get_kind_display()},
                )
                return redirect("members:reorganisation-detail", public_id=record.public_id)
            summary = form.perform(preview=True)
        except ValidationError as error:
            add_service_error(form, error)
            summary = None
    context = {
        "form": form,
        "kind": kind,
        "title": Kind(kind).label,
        "help": KIND_HELP[kind],
        "summary": summary,
        "cancel_url": reverse("members:reorganisations"),
    }
    confirming = summary is not None
    template = "reorganisation_confirm" if confirming else "reorganisation_form"
    return render(request, f"members/{template}.html", context)


@require_safe
def reorganisation_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A recorded decision and what it moved (its summary)."""
    record = get_reorganisation_for_user(request.user, public_id)
    return render(
        request,
        "members/reorganisation_detail.html",
        {"decision": record, "summary": record.summary or {}},
    )
