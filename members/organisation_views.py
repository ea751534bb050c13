"""The chapter's page and its organisation: cells and who holds which role.

Views scope through ``members.access``, validate with ``members.organisation_forms`` and call one
service each.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chapter.dates import format_date
from members import services
from members.access import (
    chapters_managed_by,
    get_cell_for_user,
    get_chapter_for_user,
    get_role_for_user,
)
from members.models import Cell, Member, RoleAssignment
from members.movement_forms import add_service_error
from members.movement_views import bound
from members.organisation_forms import CellForm, RoleEndForm, RoleForm

Status = Member.Status


@require_GET
def chapter_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The chapter, its figures, its cells and who holds which role. A fixed number of queries
    whatever the size: one aggregate, one annotated cell list, one role list."""
    chapter = get_chapter_for_user(request.user, public_id)
    on_roll = Q(status__in=Member.ACTIVE_STATUSES)
    counts = Member.objects.filter(chapter=chapter).aggregate(
        official=Count("pk", filter=Q(status=Status.OFFICIAL)),
        probationary=Count("pk", filter=Q(status=Status.PROBATIONARY)),
        on_roll=Count("pk", filter=on_roll),
        no_cell=Count("pk", filter=on_roll & Q(cell__isnull=True)),
        temporarily_out=Count("pk", filter=on_roll & Q(is_temporarily_out=True)),
        exempted=Count("pk", filter=on_roll & Q(is_exempted=True)),
    )
    cells = (
        Cell.objects.filter(chapter=chapter)
        .select_related("leader", "deputy_leader")
        .annotate(
            official=Count("members", filter=Q(members__status=Status.OFFICIAL)),
            probationary=Count("members", filter=Q(members__status=Status.PROBATIONARY)),
        )
        .order_by("name")
    )
    context = {
        "chapter": chapter,
        "counts": counts,
        "cells": cells,
        "roles": _current_roles(chapter),
        "can_manage": chapters_managed_by(request.user).filter(pk=chapter.pk).exists(),
    }
    return render(request, "members/chapter_detail.html", context)


_ROLE_ORDER = {role: rank for rank, role in enumerate(RoleAssignment.Role)}


def _current_roles(chapter) -> list[RoleAssignment]:
    today = timezone.localdate()
    roles = (
        RoleAssignment.objects.filter(Q(chapter=chapter) | Q(cell__chapter=chapter))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("user", "member", "cell")
    )
    return sorted(
        roles, key=lambda r: (_ROLE_ORDER[r.role], r.cell.name if r.cell else "", r.start_date)
    )


@require_http_methods(["GET", "POST"])
def cell_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    chapter = get_chapter_for_user(request.user, public_id, manage=True)
    return _cell_form(request, chapter, cell=None)


@require_http_methods(["GET", "POST"])
def cell_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    cell = get_cell_for_user(request.user, public_id, manage=True)
    return _cell_form(request, cell.chapter, cell=cell)


def _cell_form(request: HttpRequest, chapter, *, cell: Cell | None) -> HttpResponse:
    initial = {}
    if cell is not None:
        initial = {
            "name": cell.name,
            "leader": cell.leader_id,
            "deputy_leader": cell.deputy_leader_id,
        }
    form = CellForm(chapter, initial=initial, **bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.cell_save(
                chapter=chapter, cell=cell, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Cell “%(name)s” saved.") % {"name": saved.name})
            return redirect(chapter)
    context = {"form": form, "chapter": chapter, "cell": cell}
    return render(request, "members/cell_form.html", context)


@require_http_methods(["GET", "POST"])
def role_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    chapter = get_chapter_for_user(request.user, public_id, manage=True)
    form = RoleForm(chapter, initial={"start_date": timezone.localdate()}, **bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            assignment = _assign_role(form, actor=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(user)s is %(role)s from %(date)s.")
                % {
                    "user": assignment.user.get_full_name() or assignment.user.get_username(),
                    "role": assignment.get_role_display(),
                    "date": format_date(assignment.start_date),
                },
            )
            return redirect(chapter)
    return render(request, "members/role_form.html", {"form": form, "chapter": chapter})


def _assign_role(form: RoleForm, *, actor) -> RoleAssignment:
    """The role, for the chosen account or a new one made for the member: both or neither (a
    refused role leaves no account behind)."""
    kwargs = form.service_kwargs()
    with transaction.atomic():
        account = form.new_account()
        if account is not None:
            kwargs["user"] = get_user_model().objects.create_user(**account)
        return services.role_assign(actor=actor, **kwargs)


@require_http_methods(["GET", "POST"])
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page with the last day; POST: end the role."""
    # 404 outside the user's units (committee officers' roles are the administrator's business).
    assignment = get_role_for_user(request.user, pk, manage=True)
    chapter = assignment.chapter or assignment.cell.chapter
    form = RoleEndForm(initial={"end_date": timezone.localdate()}, **bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.role_end(
                assignment_id=assignment.pk,
                end_date=form.cleaned_data["end_date"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The role ended on %(date)s.")
                % {"date": format_date(form.cleaned_data["end_date"])},
            )
            return redirect(chapter)
    context = {"form": form, "chapter": chapter, "assignment": assignment}
    return render(request, "members/role_form.html", context)
