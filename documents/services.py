"""Generate a document: number it, render it in both formats and keep it, in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from admissions.models import Candidate, Resolution
from documents import render
from documents.chapter_services import generate_for_chapter
from documents.models import GeneratedDocument
from documents.numbering import next_number
from documents.registry import DocumentKind
from documents.words import document_number


def _number(kind: DocumentKind, candidate: Candidate, context: dict, year: int) -> str:
    """The document's number: the one the vote already carries, the one this document got the
    first time it was made, or the chapter's next one for the year."""
    if kind.symbol == "NQ" and context.get("number"):
        return str(context["number"])
    earlier = (
        GeneratedDocument.objects.filter(candidate=candidate, kind=kind.slug)
        .exclude(number="")
        .values_list("number", flat=True)
        .first()
    )
    if earlier:
        return earlier
    n = next_number(candidate.chapter, kind.symbol, year)
    return document_number(str(context["number_pattern"]), n, kind.symbol)


def generate(kind: DocumentKind, candidate, user, day=None) -> GeneratedDocument:
    """Number, render and keep the document; refused while anything it needs is missing.

    A chapter's document (``kind.subject == "chapter"``) takes the chapter and the day it is as
    of instead of a case (``documents.chapter_services``)."""
    if kind.subject == "chapter":
        return generate_for_chapter(kind, candidate, day, user)
    with transaction.atomic():
        gathered = kind.gather(candidate)
        if gathered.missing:
            raise ValidationError(
                _("The document cannot be made yet: %(missing)s.")
                % {"missing": ", ".join(str(item.label) for item in gathered.missing)}
            )
        context = gathered.context
        resolution = Resolution.objects.select_for_update().get(pk=context["resolution_id"])
        number = _number(kind, candidate, context, resolution.date.year)
        if kind.symbol == "NQ" and not resolution.number:
            resolution.number = number
            resolution.save(update_fields=["number", "updated_at"])
        context = {**context, "number": number}
        document = GeneratedDocument(
            chapter=candidate.chapter,
            candidate=candidate,
            kind=kind.slug,
            title=str(kind.title),
            number=number,
            date=resolution.date,
            created_by=user,
        )
        stem = f"{kind.slug}-{candidate.public_id.hex[:8]}"
        document.docx.save(
            f"{stem}.docx",
            ContentFile(render.to_docx(kind, candidate.chapter, context)),
            save=False,
        )
        document.pdf.save(f"{stem}.pdf", ContentFile(render.to_pdf(kind, context)), save=False)
        document.save()
    return document
