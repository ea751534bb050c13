"""Movements, transfers in, key-date corrections and annulments of the register.

Each movement is two steps: the form, then a confirmation page that says what will be recorded;
only a POST carrying ``confirm=1`` calls the service. Views scope through ``members.access``,
validate with a form from ``members.movement_forms`` and call one service each; which
movement uses which form and service is ``members.actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import services
from members.access import (
    chapters_managed_by,
    get_member_for_user,
)
from members.actions import ACTIONS, available_actions, case_step_url
from members.models import Member
from members.movement_forms import (
    AnnulForm,
    CorrectKeyDateForm,
    ServiceForm,
    add_service_error,
)
from members.transfer_in_form import TransferInForm

Status = Member.Status
CONFIRM_TEMPLATE = "members/move_confirm.html"


# The two steps ----------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside a transaction to undo a rehearsal of the service call."""


def _rehearse(perform: Callable[[], Any]) -> None:
    """Run the service and roll everything back: the confirmation page then only promises what
    the service will accept (a future date, say, is refused before the secretary confirms)."""
    try:
        with transaction.atomic():
            perform()
            raise _DryRun
    except _DryRun:
        pass


def _two_steps(
    request: HttpRequest,
    form: ServiceForm,
    *,
    template: str,
    context: dict[str, Any],
    perform: Callable[[], Any],
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """GET shows the form; a valid POST shows the confirmation page (hidden fields carry the
    values); a valid POST with ``confirm=1`` calls the service and hands its result to ``done``.
    A service error goes back onto the form, and nothing is written."""
    confirming = False
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        try:
            if request.POST.get("confirm") == "1":
                return done(perform())
            _rehearse(perform)
            confirming = True
        except ValidationError as error:
            add_service_error(form, error)
    return render(request, CONFIRM_TEMPLATE if confirming else template, {**context, "form": form})


def bound(request: HttpRequest) -> dict[str, Any]:
    """The form's data on a POST, nothing on a GET."""
    return {"data": request.POST} if request.method == "POST" else {}


def _member_context(member: Member) -> dict[str, Any]:
    latest = member.events.standing().order_by("-effective_date", "-id").first()
    return {"member": member, "latest_event": latest, "cancel_url": member.get_absolute_url()}


# Movements of one member ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def member_move(request: HttpRequest, public_id: UUID, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    member = get_member_for_user(request.user, public_id, manage=True)
    if action not in available_actions(member):
        messages.error(request, _not_available_message(member, str(spec.title)))
        return redirect(member)
    case_url = case_step_url(member, action)
    if case_url:  # one path to each truth: the admission case ends this member's probation
        messages.info(
            request,
            _("%(name)s was admitted through an admission case: “%(movement)s” is recorded there.")
            % {"name": member.full_name, "movement": spec.title},
        )
        return redirect(case_url)
    form = spec.form_class(member, **bound(request))

    def perform() -> Member:
        return spec.service(member_id=member.pk, actor=request.user, **form.service_kwargs())

    def done(moved: Member) -> HttpResponse:
        messages.success(
            request,
            _("%(movement)s: recorded for %(name)s.")
            % {"movement": spec.title, "name": moved.full_name},
        )
        return redirect(moved)

    context = {
        **_member_context(member),
        "action": action,
        "spec": spec,
        "title": spec.title,
        "status_before": member.get_status_display(),
        "status_after": Status(spec.status_after).label if spec.status_after else None,
        "outcome": spec.outcome,
    }
    return _two_steps(
        request,
        form,
        template="members/move_form.html",
        context=context,
        perform=perform,
        done=done,
    )


def _not_available_message(member: Member, title: str) -> str:
    flags = []
    if member.is_temporarily_out:
        flags.append(_("temporarily transferred out"))
    if member.is_exempted:
        flags.append(_("exempted"))
    state = ", ".join([member.get_status_display(), *flags])
    return _("“%(movement)s” cannot be recorded for %(name)s, who is now: %(state)s.") % {
        "movement": title,
        "name": member.full_name,
        "state": state,
    }


@require_http_methods(["GET", "POST"])
def transfer_in(request: HttpRequest) -> HttpResponse:
    chapters = list(chapters_managed_by(request.user).select_related("committee"))
    if not chapters:
        raise PermissionDenied
    form = TransferInForm(chapters, **bound(request))

    def perform() -> Member:
        return services.member_transfer_in(actor=request.user, **form.service_kwargs())

    def done(received: Member) -> HttpResponse:
        messages.success(
            request,
            _("%(name)s has been received by transfer into %(chapter)s.")
            % {"name": received.full_name, "chapter": received.chapter},
        )
        return redirect(received)

    context = {
        "title": _("Receive a member by transfer"),
        "cancel_url": _chapter_url(chapters),
    }
    return _two_steps(
        request,
        form,
        template="members/transfer_in.html",
        context=context,
        perform=perform,
        done=done,
    )


def _chapter_url(chapters) -> str:
    if len(chapters) == 1:
        return chapters[0].get_absolute_url()
    return reverse("members:member-list")


@require_http_methods(["GET", "POST"])
def correct_key_date(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = get_member_for_user(request.user, public_id, manage=True)
    initial = {"field_name": request.GET.get("field")}
    form = CorrectKeyDateForm(member, initial=initial, **bound(request))

    def perform() -> Member:
        return services.member_correct_key_date(
            member_id=member.pk, actor=request.user, **form.service_kwargs()
        )

    def done(corrected: Member) -> HttpResponse:
        messages.success(
            request,
            _("The key date of %(name)s has been corrected.") % {"name": corrected.full_name},
        )
        return redirect(corrected)

    context = {
        **_member_context(member),
        "title": _("Correct a key date"),
        "key_dates": [
            (member._meta.get_field(name).verbose_name, getattr(member, name))
            for name in services.KEY_DATE_FIELDS
        ],
    }
    return _two_steps(
        request,
        form,
        template="members/correct_form.html",
        context=context,
        perform=perform,
        done=done,
    )


# Annulment --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def member_annul(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET: the latest entry and a reason box; POST: annul it (services.member_annul_latest)."""
    member = get_member_for_user(request.user, public_id, manage=True)
    latest = services.latest_entry(member)
    form = AnnulForm(initial={"entry": latest.pk if latest else None}, **bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            annulment = services.member_annul_latest(
                member_id=member.pk,
                actor=request.user,
                event_id=form.cleaned_data["entry"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(entry)s” is annulled for %(name)s.")
                % {"entry": annulment.annuls, "name": member.full_name},
            )
            return redirect(member)
    context = {
        "member": member,
        "latest": latest,
        "refusal": services.annul_refusal(member, latest) if latest else "",
        "case": services.case_of(member),
        "form": form,
        "cancel_url": member.get_absolute_url(),
    }
    return render(request, "members/move_annul.html", context)
