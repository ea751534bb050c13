"""The summary of opinions the chapter committee types (5-KNĐ, 12-KNĐ): its form page.

The case comes through the access functions (out of scope or a cell leader: 404); typing it
needs the chapter's management (403), as the meeting's record does."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chapter.dates import refuse_future
from chapter.forms import model_formfield
from documents import registry
from documents.access import can_make, get_case_for_documents
from documents.models import OpinionSummary


class OpinionSummaryForm(forms.ModelForm):
    class Meta:
        model = OpinionSummary
        formfield_callback = model_formfield
        fields = [
            "work_body",
            "gathered_on",
            "consulted",
            "agreed",
            "disagreed",
            "work_strengths",
            "work_weaknesses",
            "residence_body",
            "residence_opinion",
            "conclusion",
        ]

    def clean_gathered_on(self):
        day = self.cleaned_data["gathered_on"]
        refuse_future(day)
        return day

    def clean(self):
        data = super().clean()
        consulted, agreed, disagreed = (data.get(k) for k in ("consulted", "agreed", "disagreed"))
        if None not in (consulted, agreed, disagreed) and agreed + disagreed > consulted:
            self.add_error(
                "disagreed",
                gettext_lazy("Those in favour and against are at most the people consulted."),
            )
        return data


def _kind_of(candidate, kind: str) -> registry.DocumentKind:
    """The summary's document, if the case's stage allows it now (else 404)."""
    for document in registry.case_documents(candidate):
        if document.opinions == kind:
            return document
    raise Http404


@require_http_methods(["GET", "HEAD", "POST"])
def opinions_edit(request: HttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    candidate = get_case_for_documents(request.user, public_id)
    if kind not in OpinionSummary.Kind.values:
        raise Http404
    if not can_make(request.user, candidate):
        raise PermissionDenied
    document = _kind_of(candidate, kind)
    summary = OpinionSummary.objects.filter(candidate=candidate, kind=kind).first()
    form = OpinionSummaryForm(
        request.POST or None,
        instance=summary or OpinionSummary(candidate=candidate, kind=kind),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The summary of opinions was saved."))
        return redirect("documents:preview", candidate.public_id, document.slug)
    context = {"candidate": candidate, "document": document, "form": form}
    return render(request, "documents/opinions_form.html", context)
