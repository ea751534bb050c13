"""Admissions pages: the board, the lists, a candidate's case and each pipeline step.

Every page starts from ``admissions.access``; every write is one ``admissions.services`` call,
reached through the step registry (``admissions.steps``). List pages
run a fixed number of queries whatever the number of candidates (tests pin them).

A step is recorded by its service alone: the service checks every rule once, under its lock,
and refuses with ``checks.RuleViolated``; the page shows those violations (rule, message and
the regulation it comes from) and asks for confirmation of the warnings before recording.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from admissions import access, annul_views, checks, forms, queries, services, steps
from admissions import board as board_queries
from admissions.checks import RuleViolated, Violation
from admissions.models import (
    BOARD_STAGES,
    CandidateEvent,
    Introduction,
    MentorAssignment,
    Observation,
)
from chapter.dates import completed_months
from chapter.files import private_file_response
from members import access as member_access
from members.access import ancestors_in_reach, reach_of
from members.models import Committee

PER_PAGE = 50
VOTE_STEPS = {"vote", "confirmation-vote"}


# The board and the lists -------------------------------------------------------------------------


def _can_create(user) -> bool:
    reach = reach_of(user)
    return reach.is_superuser or reach.is_secretary


# The board's filters a "more" link and a unit's link keep.
BOARD_KEEPS = ("q", "chapter", "cell", "unit")


def _board_unit(request: HttpRequest, reach) -> Committee | None:
    """The committee of ``?unit=`` (its public id): one the user reads, else 404."""
    value = request.GET.get("unit", "")
    if not value:
        return None
    try:
        node = Committee.objects.filter(public_id=UUID(value)).first()
    except ValueError:
        node = None
    if node is None or not (reach.is_superuser or reach.oversees(node)):
        raise Http404
    return node


def _board_scope(request: HttpRequest):
    """(filterset, the open cases it and ``?unit=`` select, the unit, the reach)."""
    reach = reach_of(request.user)
    node = _board_unit(request, reach)
    scope = access.candidates_visible_to(request.user)
    filterset = forms.BoardFilter(request.GET, queryset=scope, request=request)
    return filterset, board_queries.in_unit(filterset.qs, node), node, reach


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """The pipeline's columns for the user's scope. A scope of several chapters (an officer,
    none chosen) also lists its units, each with its counts, to drill down to a chapter: one
    GROUP BY gives the columns' counts and the units'; each column shows its first cards."""
    filterset, cases, node, reach = _board_scope(request)
    today = timezone.localdate()
    open_cases = cases.open()
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    wide = filterset.several_chapters and not (data.get("chapter") or data.get("cell"))
    units_page, units, closed = None, [], None
    if wide:
        listing = board_queries.units_under(node, reach, filterset.filters["chapter"].queryset)
        units_page = Paginator(listing, board_queries.UNITS_PER_PAGE).get_page(
            request.GET.get("units")
        )
        stored = None
        if filterset.form.is_valid() and not data.get("q"):  # the whole unit: stored figures
            stored = board_queries.stored_tally(reach, node, units_page.object_list, today)
        if stored:
            totals, units, closed_stages = stored
            closed = queries.closed_summary(closed_stages)
        else:
            totals, units = board_queries.tally(open_cases, units_page.object_list, today)
    else:
        totals = board_queries.stage_counts(open_cases)
    cards = board_queries.CARDS_WIDE if wide else board_queries.CARDS_PER_COLUMN
    columns = board_queries.board_columns(open_cases, today, totals, cards)
    kept = {k: v for k in BOARD_KEEPS if (v := request.GET.get(k))}
    listed = {k: v for k, v in kept.items() if k != "unit"}
    context = {
        "filterset": filterset,
        "columns": columns,
        "open_total": sum(column.total for column in columns),
        # (total, [(label, count)]): from the stored figures with the units', or one query
        "closed": closed or queries.closed_count(cases),
        "closed_url": reverse("admissions:candidate-list")
        + "?"
        + urlencode({**listed, "stage": forms.CLOSED}),
        "can_create": _can_create(request.user),
        "node": node,
        "ancestors": ancestors_in_reach(node, reach) if node else [],
        "units": units,
        "units_page": units_page,
        "unit_query": urlencode({k: v for k, v in listed.items() if k == "q"}),
        "column_query": urlencode(kept),
        "list_query": urlencode(listed),
    }
    response = render(request, "admissions/board.html", context)
    release_cards(columns)
    return response


def release_cards(columns) -> None:
    """Drop the cards' prefetched rows once the page is written. A prefetch links each case to
    its rows and back (a reference cycle), which only the garbage collector's full passes free:
    the largest chapter's board left 8,600 such objects a request and paused every few requests
    for the collection. Unlinked, they are freed at once."""
    for column in columns:
        for row in column.rows:
            row.candidate.__dict__.pop("_prefetched_objects_cache", None)


@require_safe
def board_column(request: HttpRequest, stage: str) -> HttpResponse:
    """The next cards of one column of the board (its "more" link, htmx): the same scope and
    filters as the board, from ``?offset=``; the first new card takes the focus."""
    if stage not in BOARD_STAGES:
        raise Http404
    filterset, cases, _node, _reach = _board_scope(request)
    try:
        offset = max(int(request.GET.get("offset", "0")), 0)
    except ValueError:
        offset = 0
    column = board_queries.column_page(cases.open(), stage, offset, timezone.localdate())
    kept = {k: v for k in BOARD_KEEPS if (v := request.GET.get(k))}
    context = {
        "column": column,
        "filterset": filterset,
        "focus_first": True,
        "column_query": urlencode(kept),
        "list_query": urlencode({k: v for k, v in kept.items() if k != "unit"}),
    }
    response = render(request, "admissions/_board_cards.html", context)
    release_cards([column])
    return response


@require_safe
def candidate_list(request: HttpRequest) -> HttpResponse:
    scope = access.candidates_visible_to(request.user).for_board()
    filterset = forms.CandidateFilter(request.GET, queryset=scope, request=request)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "filterset": filterset,
        "page": page,
        "rows": [queries.case_row(candidate, today) for candidate in page.object_list],
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "can_create": _can_create(request.user),
    }
    return render(request, "admissions/candidate_list.html", context)


@require_safe
def deadline_list(request: HttpRequest) -> HttpResponse:
    """Every due-soon case of the scope, PER_PAGE a page: a count and one page of rows."""
    today = timezone.localdate()
    cases = queries.due_soon_cases(request.user, today)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "rows": queries.due_rows(page.object_list),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "today": today,
    }
    return render(request, "admissions/deadlines.html", context)


@require_safe
def probation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [queries.probation_row(c, today) for c in queries.probation_queryset(request.user)]
    return render(request, "admissions/probation.html", {"rows": rows, "today": today})


# A new candidate ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest) -> HttpResponse:
    chapters = member_access.chapters_managed_by(request.user).order_by("name")
    if not chapters.exists():
        raise PermissionDenied
    if request.method != "POST":
        form = forms.CandidateCreateForm(chapters=chapters)
        return render(request, "admissions/candidate_form.html", {"form": form})
    form = forms.CandidateCreateForm(request.POST, chapters=chapters)
    if form.is_valid():
        data = form.cleaned_data
        if not access.can_manage_chapter_candidates(request.user, data["chapter"].pk):
            raise PermissionDenied
        try:
            candidate = services.candidate_create(
                chapter=data["chapter"],
                actor=request.user,
                day=data["day"],
                details=form.details(),
                cell=data["cell"],
                source=data["source"],
                helper=data["helper_member"],
            )
        except ValidationError as error:
            forms.add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s is in the pool.") % {"name": candidate})
            return redirect(candidate)
    return render(request, "admissions/candidate_form.html", {"form": form})


# A candidate's case ------------------------------------------------------------------------------


def _load_case(candidate) -> None:
    """Everything the case page shows, one query per kind of row."""
    prefetch_related_objects(
        [candidate],
        "documents",
        "checks",
        "resolutions",
        "decisions",
        "extensions",
        Prefetch(
            "introductions",
            queryset=Introduction.objects.select_related("introducer", "replacement"),
        ),
        Prefetch("mentors", queryset=MentorAssignment.objects.select_related("mentor")),
        Prefetch("observations", queryset=Observation.objects.select_related("author")),
        Prefetch(
            "events",
            queryset=CandidateEvent.objects.select_related("actor", "annuls", "annulment"),
        ),
    )


@require_safe
def candidate_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    candidate = access.get_candidate_for_user(request.user, public_id)
    _load_case(candidate)
    today = timezone.localdate()
    offered = steps.steps_for(candidate, request.user)
    primary = offered[0] if offered and offered[0].slug == steps.next_slug(candidate) else None
    phase, papers = queries.dossier_checklist(candidate, today)
    context = {
        "candidate": candidate,
        "case": queries.case_row(candidate, today),
        "primary": primary,
        "others": [s for s in offered if s is not primary and not s.is_exit],
        "exits": [s for s in offered if s.is_exit],
        "offered_slugs": {s.slug for s in offered},
        "phase": phase,
        "papers": papers,
        "other_papers": queries.other_papers(candidate, papers),
        "introductions": [
            (i, completed_months(i.together_since, i.date) if i.together_since else None)
            for i in candidate.introductions.all()
        ],
        "votes": queries.vote_figures(candidate.resolutions.all()),
        "can_observe": access.can_observe(request.user, candidate),
        "reads_chapter_papers": access.reads_whole_chapter(request.user, candidate),
        "annullable": annul_views.annullable_step(candidate, request.user),
        "observation_form": forms.ObservationForm(),
    }
    return render(request, "admissions/candidate_detail.html", context)


@require_POST
def candidate_observe(request: HttpRequest, public_id: UUID) -> HttpResponse:
    candidate = access.get_candidate_for_user(request.user, public_id, observe=True)
    form = forms.ObservationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.candidate_add_observation(
                candidate_id=candidate.pk,
                actor=request.user,
                day=data["date"],
                text=data["text"],
                kind=data["kind"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The observation is recorded."))
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, _("Not recorded: %(errors)s") % {"errors": " ".join(errors)})
    return redirect(candidate.get_absolute_url() + "#observations")


# A pipeline step ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def candidate_step(request: HttpRequest, public_id: UUID, step: str) -> HttpResponse:
    the_step = steps.get_step(step)
    if the_step is None:
        raise Http404
    candidate = access.get_candidate_for_user(request.user, public_id, step=step)
    if not the_step.applies_to(candidate):
        context = {"candidate": candidate, "step": the_step, "why": the_step.why_not(candidate)}
        return render(request, "admissions/step_not_offered.html", context, status=403)
    if request.method == "GET" and request.headers.get("HX-Request") and step in VOTE_STEPS:
        return _vote_base(request, candidate)
    kwargs = {"candidate": candidate, "query": request.GET}
    refused, warnings = [], []
    if request.method == "POST":
        form = the_step.form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            refused, warnings = _record(request, the_step, candidate, form)
            if refused is None:
                return redirect(candidate)
    else:
        form = the_step.form_class(**kwargs)
    if step in VOTE_STEPS:
        form.fields["date"].widget.attrs.update(_vote_base_attrs(request.path))
    context = {
        "candidate": candidate,
        "step": the_step,
        "form": form,
        "refused": refused,
        "warnings": warnings,
        "facts": queries.step_facts(the_step.slug, candidate, timezone.localdate()),
        "vote_base": _base_on(candidate, form) if step in VOTE_STEPS else None,
    }
    return render(request, "admissions/step_form.html", context)


def _record(request, step, candidate, form) -> tuple[list[Violation] | None, list[Violation]]:
    """Call the step's service: (None, []) once recorded, else (refused, warnings). A rule's
    violation tied to a field goes beside it; other refusals go above the form."""
    try:
        result = step.run(candidate, request.user, form.cleaned_data)
    except RuleViolated as error:
        on_fields = [v for v in error.violations if v.field in form.fields]
        for violation in on_fields:
            form.add_error(violation.field, violation.message)
        rest = [v for v in error.violations if v not in on_fields]
        return checks.split(rest)
    except ValidationError as error:
        forms.add_service_error(form, error)
        return [], []
    notes = step.outcome(result) if step.outcome else []
    if not notes:
        notes = [("success", _("Recorded: %(step)s.") % {"step": step.label})]
    for level, text in notes:
        getattr(messages, level)(request, text)
    return None, []


# The voting base, shown beside a vote's form and refreshed by htmx as the date is typed ----------


def _vote_base_attrs(url: str) -> dict[str, str]:
    return {
        "hx-get": url,
        "hx-trigger": "change, keyup changed delay:600ms",
        "hx-target": "#vote-base",
        "hx-include": "this",
    }


def _parse_day(value):
    try:
        return forms.date_field("").clean(value)
    except ValidationError:
        return None


def _base_on(candidate, form):
    day = _parse_day(form["date"].value()) if form.is_bound else None
    day = day or timezone.localdate()
    return {"day": day, "base": checks.vote_base(candidate.chapter, day)}


def _vote_base(request: HttpRequest, candidate) -> HttpResponse:
    day = _parse_day(request.GET.get("date", ""))
    base = checks.vote_base(candidate.chapter, day) if day else None
    context = {"vote_base": {"day": day, "base": base} if day else None}
    return render(request, "admissions/_vote_base.html", context)


# A dossier paper's scan --------------------------------------------------------------------------


@require_safe
def candidate_scan(request: HttpRequest, public_id: UUID, document_id: int) -> HttpResponse:
    """The scan of a paper of a case the user may see; 404 for anyone else (chapter/files.py)."""
    candidate = access.get_candidate_for_user(request.user, public_id)
    document = candidate.documents.exclude(scan="").filter(pk=document_id).first()
    if document is None:
        raise Http404
    filename = f"{document.form}-{document.date:%Y%m%d}"
    return private_file_response(document.scan, filename=filename)
