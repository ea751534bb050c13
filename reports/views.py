"""Reports as of any date and for any period, the people behind each figure, Excel downloads.

Every page starts from ``members.access`` (through ``ReportForm.scope``) and counts with
``reports.queries``; a chapter or cell outside the user's scope is a 404. Pages run a fixed
number of queries whatever the size of the scope (tests pin them).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from chapter.replica import reads_from_replica
from members import access
from members.models import Member
from ratings import queries as rating_queries
from reports import exports, figures, measures, queries, stored, tasks
from reports.dashboard import summary
from reports.forms import ReportForm

PER_PAGE = 100
# The roll's cards: figure -> (short label, colour).
ROLL_CARDS = {
    "on_roll": (gettext_lazy("On the roll"), "danger"),
    "official": (gettext_lazy("Official"), "success"),
    "probationary": (gettext_lazy("Probationary"), "warning"),
    "temporarily_out": (gettext_lazy("Temporarily transferred out"), "info"),
    "exempted": (gettext_lazy("Exempted from party work and meetings"), "secondary"),
}
# The period's table, read as a reconciliation: start + entries - exits = end.
MOVEMENT_ROWS = (
    ("+", "admitted", 0),
    ("+", "transferred_in", 0),
    ("+", "moved_in", 0),
    ("+", "registered", 0),
    ("-", "transferred_out", 0),
    ("-", "moved_out", 0),
    ("-", "removed_from_probationary_list", 0),
    ("-", "other_exits", 0),
    ("", "removed", 1),
    ("", "expelled", 1),
    ("", "left", 1),
    ("", "deceased", 1),
)


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The site's home page (``/``): the user's scope at a glance (``reports.dashboard``); a
    user with no role yet is told why there is nothing."""
    if not access.has_reach(request.user):
        return render(request, "reports/dashboard.html", {"no_role": True})
    context = summary(request.user, timezone.localdate())
    return render(request, "reports/dashboard.html", context)


def _form(request: HttpRequest) -> tuple[ReportForm, list]:
    """The bound parameters form, the user's chapters (all of them only for a scope of at most
    ``queries.MAX_LISTED_CHAPTERS``: ``form.chapter_count`` says how many); 404 for a chapter or
    cell out of scope."""
    form = ReportForm(request.GET, user=request.user)
    visible = access.chapters_visible_to(request.user).order_by("name")
    chapters = list(visible[: queries.MAX_LISTED_CHAPTERS + 1])
    form.chapter_count = len(chapters)
    if len(chapters) > queries.MAX_LISTED_CHAPTERS:
        form.chapter_count = visible.count()
    form.show_chapter_choice(len(chapters) > 1)
    if not form.is_valid():
        form.raise_if_out_of_scope()
    return form, chapters


def _scope_label(form: ReportForm, chapters: list) -> str:
    data = form.cleaned_data
    if data.get("cell"):
        return f"{data['cell'].name} · {data['cell'].chapter.name}"
    if data.get("chapter"):
        return data["chapter"].name
    if form.chapter_count > len(chapters) and not access.reach_of(form.user).is_superuser:
        count = form.chapter_count
        return ngettext("%(count)d chapter", "%(count)d chapters", count) % {"count": count}
    return access.describe_scope(form.user, chapters)


def _figures(form: ReportForm) -> dict:
    """What the page and the figures workbook show: the roll on the day, the period's
    movements, and the roll at the period's start and end. A scope of many chapters is shown
    by child unit of the committee tree, its cells only for a scope of a few chapters."""
    data, scope = form.cleaned_data, form.scope()
    opening_day = data["from"] - timedelta(days=1)
    narrowed = bool(data.get("chapter") or data.get("cell"))
    units = None
    if not narrowed and form.chapter_count > queries.MAX_LISTED_CHAPTERS:
        units = queries.unit_tops(form.user) or None
    with_cells = narrowed or form.chapter_count <= queries.MAX_CELL_CHAPTERS
    # The officer's whole subtrees: their stored figures answer (reports.figures).
    officer = units and not with_cells and figures.applies(access.reach_of(form.user))
    subtrees = stored.Subtrees(units) if officer else None
    if subtrees:
        wanted = [
            ("roll", data["as_of"].isoformat()),
            ("roll", opening_day.isoformat()),
            ("roll", data["to"].isoformat()),
            ("period", measures.period_key(data["from"], data["to"])),
        ]
        if stored.cold(subtrees, wanted):
            # The first report of these days at this scope: counted live as before (seconds
            # at a province, where counting chapter by chapter takes tens), and stored in the
            # background for the next time.
            stored.store_later(subtrees, wanted)
            subtrees = None
    snapshot = queries.as_of(
        scope,
        data["as_of"],
        access.cells_visible_to(form.user),
        units=units,
        with_cells=with_cells,
        stored=subtrees or False,
    )
    if subtrees:
        period = subtrees.in_period(data["from"], data["to"])
        opening = subtrees.roll_total(opening_day)
        closing = subtrees.roll_total(data["to"])
    else:
        period = queries.in_period(scope, data["from"], data["to"])
        opening = queries.roll_count(scope, opening_day)
        closing = queries.roll_count(scope, data["to"])
    return {
        "snapshot": snapshot,
        "period": period,
        "opening_day": opening_day,
        "opening": opening,
        "closing": closing,
    }


@require_safe
@reads_from_replica
def report(request: HttpRequest) -> HttpResponse:
    if not access.has_reach(request.user):
        return render(request, "reports/report.html", {"no_role": True})
    form, chapters = _form(request)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form})
    display = form.for_display()
    display.show_chapter_choice(len(chapters) > 1)
    figures = _figures(form)
    snapshot, period = figures["snapshot"], figures["period"]
    context = {
        **figures,
        "ratings_by_year": rating_queries.counts_by_year(form.scope()),
        "form": display,
        "params": form.params(),
        "scope_label": _scope_label(form, chapters),
        "roll_cards": [
            (figure, label, snapshot.counts[figure], style)
            for figure, (label, style) in ROLL_CARDS.items()
        ],
        "movements": [
            (sign, figure, queries.figure_title(figure), period.counts[figure], level)
            for sign, figure, level in MOVEMENT_ROWS
        ],
    }
    return render(request, "reports/report.html", context)


# A drill-down value longer than this is not one the report ever links to.
MAX_VALUE_LENGTH = 100


def _value(figure: str, raw: str | None) -> str | None:
    """The breakdown value from the query string, checked (a bad one is a 404). A chapter or a
    cell is named by its public id only: integer keys are never in a URL."""
    if not queries.needs_value(figure):
        return None
    value = raw or queries.NO_VALUE
    if "\x00" in value or len(value) > MAX_VALUE_LENGTH:
        raise Http404
    if figure in ("by_chapter", "by_unit") or (
        figure == "by_cell" and value not in (queries.NO_VALUE, queries.OTHER_VALUE)
    ):
        try:
            value = str(UUID(value))
        except ValueError:
            raise Http404 from None
    if figure == "age" and value not in dict(queries.AGE_BAND_CHOICES):
        raise Http404
    if figure == "party_age" and value not in dict(queries.PARTY_AGE_BAND_CHOICES):
        raise Http404
    if figure == "sex" and value not in Member.Gender.values:
        raise Http404
    return value


def _value_label(user, figure: str, value: str | None) -> str:
    """The heading's label. A chapter or a cell is looked up among those the user may see
    (``members.access``): one outside the scope is a 404, its name never printed."""
    if value is None:
        return ""
    if figure == "by_chapter":
        found = access.chapters_visible_to(user).filter(public_id=value).values_list("name")
    elif figure == "by_unit":  # a committee, else a chapter
        committees = access.committees_visible_to(user).filter(public_id=value)
        found = committees.values_list("name")
        if not committees.exists():
            found = access.chapters_visible_to(user).filter(public_id=value).values_list("name")
    elif figure == "by_cell" and value not in (queries.NO_VALUE, queries.OTHER_VALUE):
        found = access.cells_visible_to(user).filter(public_id=value).values_list("name")
    else:
        return queries.value_label(figure, value)
    names = list(found[:1])
    if not names:
        raise Http404
    return names[0][0]


@require_safe
@reads_from_replica
def people(request: HttpRequest) -> HttpResponse:
    figure = request.GET.get("figure", "")
    if figure not in queries.FIGURES or not access.has_reach(request.user):
        raise Http404
    value = _value(figure, request.GET.get("value"))
    value_label = _value_label(request.user, figure, value)
    form, chapters = _form(request)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    members = queries.people(
        form.scope(),
        figure,
        day=data["as_of"],
        start=data["from"],
        end=data["to"],
        value=value,
        cells=access.cells_visible_to(request.user),
    ).order_by("sort_key", "pk")
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    period = queries.is_period_figure(figure)
    context = {
        "figure": figure,
        "title": queries.figure_title(figure),
        "value_label": value_label,
        "period": period,
        "data": data,
        "day": data["to"] if period else data["as_of"],
        "page": page,
        "rows": [(m, _status_label(m.status_on)) for m in page.object_list],
        "scope_label": _scope_label(form, chapters),
        "back_url": reverse("reports:report") + "?" + urlencode(form.params()),
    }
    return render(request, "reports/people.html", context)


def _status_label(status: str | None) -> str:
    return str(Member.Status(status).label) if status else ""


def _export_form(request: HttpRequest) -> tuple[ReportForm, list]:
    """A download's parameters: valid and within the user's scope, else 404 (no page to show
    the errors on)."""
    if not access.has_reach(request.user):
        raise Http404
    form, chapters = _form(request)
    if not form.is_valid():
        raise Http404
    return form, chapters


@require_safe
@reads_from_replica
def export_figures(request: HttpRequest) -> HttpResponse:
    form, chapters = _export_form(request)
    figures = _figures(form)
    figures.pop("opening_day")
    return exports.figures_response(scope_label=_scope_label(form, chapters), **figures)


@require_http_methods(["GET", "HEAD", "POST"])
@reads_from_replica
def export_register(request: HttpRequest) -> HttpResponse:
    """The register workbook. A scope of several chapters with more than
    ``settings.BACKGROUND_ROWS`` members is a background job (``reports.tasks``): the GET shows
    how many rows and a button, only its POST starts the job and goes to the job's page (a link
    followed never queues a heavy export). One chapter or cell (at most about a thousand
    members) is written at once, with no count first, on a GET as on a POST."""
    form, chapters = _export_form(request)
    scope_label = _scope_label(form, chapters)
    data = form.cleaned_data
    several = len(chapters) > 1 and not data.get("chapter") and not data.get("cell")
    if several:
        rows = form.scope().count()
        if rows > settings.BACKGROUND_ROWS:
            if request.method == "POST":
                return redirect(tasks.start_register_export(request, form, scope_label))
            context = {
                "rows": rows,
                "scope_label": scope_label,
                "day": data["as_of"],
                "action": request.get_full_path(),
                "back_url": reverse("reports:report") + "?" + urlencode(form.params()),
            }
            return render(request, "reports/export_confirm.html", context)
    return exports.register_response(
        form.scope(), form.cleaned_data["as_of"], scope_label=scope_label
    )
