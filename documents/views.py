"""The documents of a case: what can be made now, a preview, the generated files.

Every page starts from the access functions: the case through ``admissions.access`` (out of
scope is 404), the chapter through ``members.access``. Reading a preview needs the case in the
user's scope; making, numbering and the meeting record need the chapter's management (403).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from admissions.models import Resolution
from documents import registry, services
from documents import render as rendering
from documents.access import can_make, get_case_for_documents, get_chapter_for_documents
from documents.forms import DocumentSettingsForm, MeetingForm
from documents.gather import latest_resolution
from documents.models import DocumentSettings, GeneratedDocument, Meeting
from members.access import get_chapter_for_user

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _kind(candidate, slug: str) -> registry.DocumentKind:
    """The document, if it can be made for this case now (else 404, as an unknown one)."""
    for kind in registry.case_documents(candidate):
        if kind.slug == slug:
            return kind
    raise Http404


@require_safe
def case_documents(request: HttpRequest, public_id: UUID) -> HttpResponse:
    candidate = get_case_for_documents(request.user, public_id)
    context = {
        "candidate": candidate,
        "kinds": registry.case_documents(candidate),
        "generated": candidate.generated_documents.select_related("created_by"),
        "can_make": can_make(request.user, candidate),
    }
    return render(request, "documents/case_documents.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def document_preview(request: HttpRequest, public_id: UUID, slug: str) -> HttpResponse:
    candidate = get_case_for_documents(request.user, public_id)
    kind = _kind(candidate, slug)
    if request.method == "POST":
        if not can_make(request.user, candidate):
            raise PermissionDenied
        try:
            document = services.generate(kind, candidate, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(title)s no. %(number)s was made: download it below.")
                % {"title": document.title, "number": document.number},
            )
            return redirect("documents:case", candidate.public_id)
    gathered = kind.gather(candidate)
    context = {
        "candidate": candidate,
        "kind": kind,
        "missing": gathered.missing,
        "document_html": rendering.to_html(kind, gathered.context),
        "can_make": can_make(request.user, candidate),
    }
    return render(request, "documents/preview.html", context)


@require_safe
def generated_file(request: HttpRequest, public_id: UUID, fmt: str) -> FileResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    document = get_object_or_404(
        GeneratedDocument.objects.select_related("chapter"), public_id=public_id
    )
    if document.candidate_id is None:
        get_chapter_for_documents(request.user, document.chapter.public_id)
    else:
        get_case_for_documents(request.user, document.candidate.public_id)
    stored = getattr(document, fmt)
    if not stored:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError:
        raise Http404 from None
    name = f"{document.kind}-{document.number or document.date.isoformat()}".replace("/", "-")
    response = FileResponse(handle, as_attachment=fmt == "docx", filename=f"{name}.{fmt}")
    response["Content-Type"] = CONTENT_TYPES[fmt]
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request: HttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    candidate = get_case_for_documents(request.user, public_id)
    if kind not in Resolution.Kind.values:
        raise Http404
    if not can_make(request.user, candidate):
        raise PermissionDenied
    resolution = latest_resolution(candidate, kind)
    if resolution is None:
        raise Http404
    meeting = Meeting.objects.filter(resolution=resolution).first() or Meeting(
        resolution=resolution, probationary_present=0
    )
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The meeting's record was saved."))
        return redirect("documents:case", public_id)
    context = {"candidate": candidate, "resolution": resolution, "form": form}
    return render(request, "documents/meeting_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def settings_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    chapter = get_chapter_for_user(request.user, public_id, manage=True)
    found = DocumentSettings.objects.filter(chapter=chapter).first()
    form = DocumentSettingsForm(
        request.POST or None, instance=found or DocumentSettings(chapter=chapter)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The documents' header was saved."))
        return redirect(chapter)
    return render(request, "documents/settings_form.html", {"chapter": chapter, "form": form})
