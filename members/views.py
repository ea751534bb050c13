"""The register (sổ danh sách đảng viên, 7-HSĐV) and a member's record.

Every page starts from ``members.access``; writes go through ``members.services``. Each page
runs a fixed number of queries whatever the size of the chapter (tests pin them).
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from chapter.dates import format_date
from chapter.forms import add_service_error
from members import access, handover_lists, register_table, services, transfers
from members.actions import buttons
from members.filters import MemberFilter
from members.forms import SECTIONS, MemberCreateForm, MemberEditForm
from members.models import Member, MemberEvent
from members.models.party_age import describe as describe_party_age

PER_PAGE = 50
# The register counts its matches up to this many; beyond, "more than 10,000" and the pages up to
# there (a narrower filter or the search reaches the others).
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 500  # ten pages of matches; a longer list wants a narrower search
Status = Member.Status

# Row history: bookkeeping columns that are not the member's data.
HISTORY_SKIPPED = {"id", "public_id", "created_at", "updated_at"}


# The register --------------------------------------------------------------------------------


@require_safe
def member_list(request: HttpRequest) -> HttpResponse:
    reach = access.reach_of(request.user)
    members = access.members_visible_to(request.user).for_register()
    filterset = MemberFilter(request.GET, queryset=members, request=request)
    results = filterset.qs
    # A search counts up to fewer: its matches are spread thin along the name order.
    search = bool(filterset.form.cleaned_data.get("q"))
    cap = SEARCH_COUNT_CAP if search else COUNT_CAP
    totals = count_at_most(results if search else results.order_by(), cap)
    paginator = Paginator(results, PER_PAGE)
    paginator.count = min(totals["total"], cap)  # already counted: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = page_of(results, (page.number - 1) * PER_PAGE)
    context = {
        "filterset": filterset,
        "page": page,
        "rows": register_table.rows(
            page.object_list, start=page.start_index(), several_chapters=filterset.several_chapters
        ),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "totals": totals,
        "capped": totals["total"] > cap,
        "cap": cap,
        "sort": filterset.form.cleaned_data.get("sort") or "name",
        # A secretary or deputy of some chapter (chapters_managed_by, read from the roles).
        "can_manage": reach.is_superuser or reach.is_secretary,
        # The chapter page is one click away when the user sees one or a few chapters.
        "chapters": filterset.chapters,
        # Transfers between chapters (members/handover_views.py): the arrivals to accept,
        # counted only where the page shows the link (one query).
        "can_list_transfers": reach.is_superuser
        or reach.is_secretary
        or reach.is_committee_officer,
        "arrivals_waiting": lambda: handover_lists.arrivals_waiting(request.user),
    }
    # An htmx swap gets the results only; a history restore needs the whole page.
    headers = request.headers
    partial = "HX-Request" in headers and "HX-History-Restore-Request" not in headers
    template = "members/_member_results.html" if partial else "members/member_list.html"
    response = render(request, template, {**context, "oob": partial})
    patch_vary_headers(response, ("HX-Request",))
    return response


def page_of(results: QuerySet[Member], offset: int) -> list[Member]:
    """The page's members with their cells, chapters and party ages (two queries): their ids
    first, in the register's order, in a subquery the database answers from the name index
    alone (members_member_by_name holds the columns a search and the scope filter on), then
    the 50 rows themselves, instead of reading every row the name order passes over."""
    ids = results.values("pk")[offset : offset + PER_PAGE]
    return list(results.filter(pk__in=ids).with_party_age())


def count_at_most(results: QuerySet[Member], cap: int) -> dict[str, int]:
    """The members of ``results``, official and probationary among them, counted up to
    ``cap + 1`` rows (one query): a committee's register of a million need not count them all
    to show its first page. Beyond ``cap``, ``total`` is ``cap + 1`` and the split is not given
    (None); the reports count the whole scope. Given in the register's order (a search), the
    planner walks the name index and stops early for a common name, or takes the trigram index
    for a rare one; unordered (the whole scope), it stops at the first ``cap + 1`` rows it
    finds."""
    rows = results.values("status")[: cap + 1]
    totals = rows.aggregate(
        total=Count("status"),
        official=Count("status", filter=Q(status=Status.OFFICIAL)),
        probationary=Count("status", filter=Q(status=Status.PROBATIONARY)),
    )
    if totals["total"] > cap:
        totals.update(official=None, probationary=None)
    return totals


# A member's record --------------------------------------------------------------------------


def timeline(member: Member) -> list[MemberEvent]:
    """The member's ledger, newest first, each entry with what annuls it or what it annuls
    (one query)."""
    return list(
        member.events.select_related("actor", "cell", "annuls", "annulment").order_by(
            "-effective_date", "-id"
        )
    )


def annullable_entry(member: Member, events: list[MemberEvent]) -> MemberEvent | None:
    """The entry of ``timeline(member)`` the register may annul now (services.latest_entry,
    read from the loaded list), or None when there is none or only the case may annul it."""
    standing = [e for e in events if not e.is_annulment and getattr(e, "annulment", None) is None]
    latest = max(standing, key=lambda e: e.pk, default=None)
    if latest is None or services.annul_refusal(member, latest):
        return None
    return latest


@dataclass(frozen=True)
class Change:
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    record: Any  # a HistoricalMember row
    changes: list[Change]


def _shown(row, field) -> Any:
    """A field's value as the page shows it: choice labels, dd/mm/yyyy, related objects."""
    value = getattr(row, field.name)
    if field.choices:
        value = getattr(row, f"get_{field.name}_display")()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return format_date(value)
    return None if value in ("", None) else value


def _history(member: Member) -> list[HistoryEntry]:
    """Row history newest first, each with what changed since the one before: one query."""
    records = list(
        member.history.select_related("history_user", "chapter", "cell").order_by(
            "history_date", "history_id"
        )
    )
    tracked = {f.name for f in Member.history.model._meta.fields}
    fields = [f for f in Member._meta.fields if f.name in tracked and f.name not in HISTORY_SKIPPED]
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            changes = [
                Change(field.verbose_name, _shown(previous, field), _shown(record, field))
                for field in fields
                if getattr(previous, field.attname) != getattr(record, field.attname)
            ]
        entries.append(HistoryEntry(record, changes))
        previous = record
    return entries[::-1]


def _sections(member: Member) -> list[dict[str, Any]]:
    """The register's sections: title, rows of (field name, label, value), holds key dates."""
    sections = []
    for title, names in SECTIONS:
        fields = [Member._meta.get_field(name) for name in names]
        rows = [(f.name, f.verbose_name, _shown(member, f)) for f in fields]
        key_dates = any(name in services.KEY_DATE_FIELDS for name in names)
        sections.append({"title": title, "rows": rows, "key_dates": key_dates})
    return sections


def _label(events: list[MemberEvent]) -> None:
    """Give each entry of the page's list what the template reads several times: the annulment
    that cancels it or None (``annulled_by``; reading a missing ``annulment`` in a template
    raises and is caught at each use) and its choice labels, looked up once a page
    (``get_FOO_display`` rebuilds its table at every call): as they display."""
    labels = {
        name: {value: str(label) for value, label in MemberEvent._meta.get_field(name).flatchoices}
        for name in ("kind", "status", "document_kind")
    }
    for event in events:
        event.annulled_by = getattr(event, "annulment", None)
        for name, choices in labels.items():
            value = getattr(event, name)
            setattr(event, f"{name}_label", choices.get(value, value))


@require_safe
def member_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = access.get_member_for_user(request.user, public_id)
    can_manage = access.can_manage_member(request.user, member)
    actions = buttons(member) if can_manage else []
    events = timeline(member)
    standing = [e for e in events if not e.is_annulment and getattr(e, "annulment", None) is None]
    party_age = member.party_age(events=[e for e in standing if e.status])
    transfers.annotate(events, standing)
    _label(events)
    context = {
        "member": member,
        "sections": _sections(member),
        "positions": member.positions.all(),
        "events": events,
        "annullable": annullable_entry(member, events) if can_manage else None,
        "history": _history(member),
        "can_manage": can_manage,
        "can_edit": bool(access.fields_editable_by(request.user, member)),
        # (slug, action, url) for each button, those leaving the roll apart.
        "actions": [(a.slug, a, url) for a, url in actions if not a.leaves_roll],
        "exit_actions": [(a.slug, a, url) for a, url in actions if a.leaves_roll],
        "party_age": describe_party_age(party_age.months) if party_age else None,
        "party_age_detail": party_age,
        "transfer_alerts": [flag for event in events for flag in event.transfer_flags],
        "age": member.age(),
        # Read only where the page shows it (a probationary member's note): no query otherwise.
        "admission_case": lambda: services.case_of(member),
        # The transfer between chapters under way, for the member's secretary (one query,
        # however often the page asks).
        "open_handover": cache(lambda: can_manage and handover_lists.open_handover(member)),
    }
    return render(request, "members/member_detail.html", context)


# Writing -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    chapters = access.chapters_managed_by(request.user)
    if not chapters.exists():
        raise PermissionDenied
    if request.method == "POST":
        form = MemberCreateForm(request.POST, chapters=chapters)
        member = _register(request, form) if form.is_valid() else None
        if member is not None:
            messages.success(request, _("%(name)s is on the register.") % {"name": member})
            return redirect(member)
    else:
        form = MemberCreateForm(chapters=chapters)
    context = {"form": form, "title": _("Add a member to the register")}
    return render(request, "members/member_form.html", context)


def _register(request: HttpRequest, form: MemberCreateForm) -> Member | None:
    data = form.cleaned_data
    try:
        return services.member_register(
            chapter=data["chapter"],
            cell=data["cell"],
            actor=request.user,
            effective_date=data["effective_date"],
            status=data["status"],
            details=form.details(),
        )
    except ValidationError as error:
        add_service_error(form, error, form.SERVICE_CODE_FIELDS)
        return None


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = access.get_member_for_user(request.user, public_id, change=True)
    editable = access.fields_editable_by(request.user, member)
    if request.method == "POST":
        form = MemberEditForm(request.POST, member=member, editable=editable)
        if form.is_valid() and _update(request, member, form):
            return redirect(member)
    else:
        form = MemberEditForm(member=member, editable=editable)
    context = {
        "form": form,
        "member": member,
        "title": _("Edit the details of %(name)s") % {"name": member},
        "can_manage": access.can_manage_member(request.user, member),
    }
    return render(request, "members/member_form.html", context)


def _update(request: HttpRequest, member: Member, form: MemberEditForm) -> bool:
    if not set(form.changed_data) & set(form.editable):
        messages.info(request, _("Nothing was changed."))
        return True
    try:
        services.member_update_details(
            member_id=member.pk,
            actor=request.user,
            changes=form.changes(),
            allowed=form.editable,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return False
    messages.success(request, _("The details of %(name)s are saved.") % {"name": member})
    return True
