"""The committee's work queue page (``/admissions/queue/``, issue 15 item 2): the decisions
waiting for the committee across the chapters it decides for (``admissions.work_queue``).

For committee officers and superusers; anyone else gets a 404, as on the unit pages (a
secretary's cases are on the board). A unit or chapter filter the user does not read is a 404.
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from admissions import work_queue
from members import access
from members.models import Chapter, Committee
from members.pickers import ChapterPicker, swap_in


class QueueFilterForm(forms.Form):
    """What the filter bar shows; the values are read and checked by ``_filters``."""

    unit = forms.ChoiceField(label=_("Committee"), required=False)
    chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.none(),
        label=_("Chapter"),
        required=False,
        to_field_name="public_id",
        empty_label=_("All chapters"),
    )

    def __init__(self, *args, reach: access.Reach, units: list[Committee], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Every committee"))] + [
            (str(c.public_id), c.name if c.path in _tops(units) else f"— {c.name}") for c in units
        ]
        self.fields["unit"].widget.attrs["class"] = "form-select form-select-sm"
        # Every chapter the queue may list: the arrivals reach below the chapters decided for.
        chapters = Chapter.objects.filter(work_queue.overseen_chapters(reach))
        self.fields["chapter"].queryset = chapters
        self.fields["chapter"].widget.attrs["class"] = "form-select form-select-sm"
        swap_in(self.fields["chapter"], ChapterPicker)


def _tops(units: list[Committee]) -> set[str]:
    paths = {c.path for c in units}
    return {p for p in paths if p[: -Committee.steplen] not in paths}


def _reach(request: HttpRequest) -> access.Reach:
    reach = access.reach_of(request.user)
    if not (reach.is_superuser or reach.is_committee_officer):
        raise Http404
    return reach


def _public_id(value: str) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        raise Http404 from None


def _filters(request: HttpRequest, reach: access.Reach) -> work_queue.Filters:
    """``?unit=`` and ``?chapter=`` (public ids): a committee the user reads and a chapter the
    user sees, else 404."""
    unit = chapter = None
    if unit_id := _public_id(request.GET.get("unit", "")):
        unit = Committee.objects.filter(public_id=unit_id).first()
        if unit is None or not (reach.is_superuser or reach.oversees(unit)):
            raise Http404
    if chapter_id := _public_id(request.GET.get("chapter", "")):
        visible = access.chapters_visible_to(request.user).select_related("committee")
        chapter = visible.filter(public_id=chapter_id).first()
        if chapter is None:
            raise Http404
    return work_queue.Filters(unit=unit, chapter=chapter)


@require_safe
def work_queue_page(request: HttpRequest) -> HttpResponse:
    """The committee's decisions waiting, most urgent first, 50 a page."""
    reach = _reach(request)
    filters = _filters(request, reach)
    today = timezone.localdate()
    keys = work_queue.queue_keys(reach, filters, today)
    page = Paginator(keys, work_queue.PER_PAGE).get_page(request.GET.get("page"))
    units = work_queue.unit_choices(reach)
    if filters.unit is not None and filters.unit not in units:
        units.append(filters.unit)  # a unit reached from elsewhere stays shown
    chosen = filters.chapter
    context = {
        "form": QueueFilterForm(request.GET, reach=reach, units=units),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "rows": work_queue.queue_rows(list(page.object_list), today),
        "kinds": list(work_queue.KINDS.values()),
        "filtered": filters.unit is not None or chosen is not None,
        # A chapter the user reads whose cases the committee does not decide (two levels down).
        "not_decided": chosen is not None
        and not (reach.is_superuser or reach.decides_for(chosen.committee)),
        "today": today,
    }
    return render(request, "admissions/queue.html", context)
