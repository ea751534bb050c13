"""The chapter's own documents: what can be made as of a day, a preview, making them.

Every page starts from ``documents.access.get_chapter_for_documents``: a cell leader or anyone
out of the chapter's reach gets 404; a committee officer reads and previews, and gets 403 on
making (numbering nothing, keeping nothing).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from chapter.dates import DATE_PLACEHOLDER, DAY_MONTH_YEAR
from chapter.forms import BoundedDateField, DateKind
from documents import registry, services
from documents import render as rendering
from documents.access import can_make_for_chapter, get_chapter_for_documents
from documents.models import GeneratedDocument

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class DayForm(forms.Form):
    """The day a chapter document is as of (a year's list: the year of that day)."""

    day = BoundedDateField(
        kind=DateKind.EVENT,
        label=gettext_lazy("As of"),
        help_text=gettext_lazy(
            "The register and the meeting list: the members on the roll at the end of that day. "
            "The rating table and the badge list: that day's year."
        ),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format=DAY_MONTH_YEAR, attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off"}
        ),
    )


def _day_form(data) -> tuple[DayForm, date | None]:
    """The form and its day: today when none was given, None when the one given is invalid."""
    if not data.get("day"):
        today = timezone.localdate()
        return DayForm(initial={"day": today}), today
    form = DayForm(data)
    return form, form.cleaned_data["day"] if form.is_valid() else None


def _kind(slug: str) -> registry.DocumentKind:
    kind = registry.CHAPTER_BY_SLUG.get(slug)
    if kind is None:
        raise Http404
    return kind


@require_safe
def chapter_documents(request: HttpRequest, public_id: UUID) -> HttpResponse:
    chapter = get_chapter_for_documents(request.user, public_id)
    form, day = _day_form(request.GET)
    context = {
        "chapter": chapter,
        "form": form,
        "day": day,
        "day_query": urlencode({"day": day.isoformat()}) if day else "",
        "kinds": registry.CHAPTER_DOCUMENTS,
        "generated": GeneratedDocument.objects.filter(
            chapter=chapter, candidate__isnull=True
        ).select_related("created_by"),
        "can_make": can_make_for_chapter(request.user, chapter),
    }
    return render(request, "documents/chapter_documents.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def chapter_preview(request: HttpRequest, public_id: UUID, slug: str) -> HttpResponse:
    chapter = get_chapter_for_documents(request.user, public_id, make=request.method == "POST")
    kind = _kind(slug)
    form, day = _day_form(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST" and day is not None:
        try:
            document = services.generate(kind, chapter, request.user, day)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(title)s as of %(day)s was made: download it below.")
                % {"title": document.title, "day": day.strftime(DAY_MONTH_YEAR)},
            )
            url = reverse("documents:chapter", args=[chapter.public_id])
            return redirect(f"{url}?{urlencode({'day': day.isoformat()})}")
    context = {
        "chapter": chapter,
        "kind": kind,
        "form": form,
        "day": day,
        "can_make": can_make_for_chapter(request.user, chapter),
        "missing": [],
        "document_html": "",
    }
    if day is not None:
        gathered = kind.gather(chapter, day)
        context.update(
            missing=gathered.missing,
            document_html=rendering.to_html(kind, gathered.context),
        )
    return render(request, "documents/chapter_preview.html", context)
