"""Committee unit pages (issue 14): ``/reports/units/`` and ``/reports/units/<public_id>/``.

For committee officers (their committees and everything under them) and superusers (every
committee); anyone else, and a committee out of the user's reach, gets a 404: a secretary's or
cell leader's figures are on their chapter's pages. The queries are ``reports.units``.
"""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from chapter.replica import reads_from_replica
from members import access
from members.models import Committee
from reports import units

SEARCH_MAX = 100


def _reach(request: HttpRequest) -> access.Reach:
    reach = access.reach_of(request.user)
    if not (reach.is_superuser or reach.is_committee_officer):
        raise Http404
    return reach


def _page(request: HttpRequest, sequence: units.ChildUnits):
    return Paginator(sequence, units.PER_PAGE).get_page(request.GET.get("page"))


@require_safe
@reads_from_replica
def unit_index(request: HttpRequest) -> HttpResponse:
    """The officer's own committees (a superuser: the roots); with one, its page."""
    reach = _reach(request)
    tops = units.top_units(reach)
    page = _page(request, tops)
    if page.paginator.count == 1 and not request.GET.get("page"):
        return redirect("reports:unit", public_id=page.object_list[0].public_id)
    # The total is the whole reach's, whichever page of committees is shown.
    rows, total = units.figures_for(page.object_list, list(tops.committees), timezone.localdate())
    context = _context(page, rows, total, node=None, ancestors=[], search="")
    return render(request, "reports/units.html", context)


@require_safe
@reads_from_replica
def unit_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One committee: its child units (or, with ``?q=``, the units of its subtree whose name
    matches) and their figures; the htmx search swaps the table only."""
    reach = _reach(request)
    node = get_object_or_404(Committee, public_id=public_id)
    if not (reach.is_superuser or reach.oversees(node)):
        raise Http404
    search = request.GET.get("q", "").strip()[:SEARCH_MAX]
    page = _page(request, units.child_units(node, search))
    rows, total = units.figures_for(page.object_list, [node], timezone.localdate())
    ancestors = access.ancestors_in_reach(node, reach)
    context = _context(page, rows, total, node=node, ancestors=ancestors, search=search)
    # An htmx search swaps the table only; a history restore needs the whole page.
    headers = request.headers
    partial = "HX-Request" in headers and "HX-History-Restore-Request" not in headers
    template = "reports/units_table.html" if partial else "reports/units.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _context(page, rows, total, *, node, ancestors, search) -> dict:
    return {
        "node": node,
        "ancestors": ancestors,
        "page": page,
        "rows": rows,
        "total": total,
        "search": search,
        "groups": [(name, label) for name, (label, _stages) in units.CANDIDATE_GROUPS.items()],
    }
