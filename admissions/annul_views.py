"""Annul the latest step of a case, recorded by mistake (``services.candidate_annul_latest``).

GET shows the step and a reason box; POST annuls it and goes back to the case. Out of the
user's scope is 404; in scope but not the chapter's secretary or deputy (or a superuser) is 403.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from admissions import access, services
from members.movement_forms import AnnulForm, add_service_error


@require_http_methods(["GET", "POST"])
def candidate_annul(request: HttpRequest, public_id: UUID) -> HttpResponse:
    candidate = access.get_candidate_for_user(request.user, public_id)
    if not access.can_manage_chapter_candidates(request.user, candidate.chapter_id):
        raise PermissionDenied
    latest = services.latest_step(candidate)
    form = AnnulForm(
        initial={"entry": latest.pk if latest else None},
        **({"data": request.POST} if request.method == "POST" else {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_annul_latest(
                candidate_id=candidate.pk,
                actor=request.user,
                event_id=form.cleaned_data["entry"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The step “%(step)s” is annulled for %(name)s.")
                % {"step": latest, "name": candidate.full_name},
            )
            return redirect(candidate)
    context = {"candidate": candidate, "latest": latest, "form": form}
    return render(request, "admissions/candidate_annul.html", context)


def annullable_step(candidate, user):
    """The step the case page offers to annul (its events prefetched with their annulments: no
    query), or None: not the user's to annul, nothing standing, or only the opening entry."""
    if not access.can_manage_chapter_candidates(user, candidate.chapter_id):
        return None
    standing = [
        e
        for e in candidate.events.all()
        if not e.is_annulment and getattr(e, "annulment", None) is None
    ]
    latest = max(standing, key=lambda e: e.pk, default=None)
    return latest if latest is not None and latest.from_stage else None
