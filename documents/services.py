"""Generate a document: number it, render it in both formats and keep it, in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from admissions.models import Candidate, MentorAssignment, Resolution
from documents import render
from documents.chapter_services import generate_for_chapter
from documents.models import GeneratedDocument
from documents.numbering import next_number
from documents.registry import DocumentKind
from documents.words import document_number


def _number(kind: DocumentKind, candidate: Candidate, context: dict, year: int) -> str:
    """The document's number: the one the vote already carries, the one this document got the
    first time it was made, or the chapter's next one for the year. A working list (no symbol)
    has none; a paper the records number already (``record_number``: the 5-KNĐ recorded on
    the case, the resolution that assigned the mentor) keeps its number."""
    if not kind.symbol:
        return ""
    if context.get("record_number"):
        return str(context["record_number"])
    if kind.symbol == "NQ" and context.get("number"):
        return str(context["number"])
    dated = {"date": context["document_date"]} if context.get("document_date") else {}
    earlier = (
        GeneratedDocument.objects.filter(candidate=candidate, kind=kind.slug, **dated)
        .exclude(number="")
        .values_list("number", flat=True)
        .first()
    )
    if earlier:
        return earlier
    while True:  # a number typed by hand on a vote or an assignment is never given twice
        n = next_number(candidate.chapter, kind.symbol, year)
        number = document_number(str(context["number_pattern"]), n, kind.symbol)
        if not number_taken(candidate.chapter, number):
            return number


def number_taken(chapter, number: str) -> bool:
    """Whether the chapter has given this number already: on a kept document, a vote, or the
    resolution that assigned a mentor (numbers typed by hand do not move the sequence)."""
    return (
        GeneratedDocument.objects.filter(chapter=chapter, number=number).exists()
        or Resolution.objects.filter(candidate__chapter=chapter, number=number).exists()
        or MentorAssignment.objects.filter(candidate__chapter=chapter, resolution=number).exists()
    )


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
        # A document of a vote locks the vote (its number); the others carry their own date.
        resolution = None
        if context.get("resolution_id"):
            resolution = Resolution.objects.select_for_update().get(pk=context["resolution_id"])
        day = context.get("document_date") or resolution.date
        number = _number(kind, candidate, context, day.year)
        if resolution is not None and kind.symbol == "NQ" and not resolution.number:
            resolution.number = number
            resolution.save(update_fields=["number", "updated_at"])
        context = {**context, "number": number}
        document = GeneratedDocument(
            chapter=candidate.chapter,
            candidate=candidate,
            kind=kind.slug,
            title=str(kind.title),
            number=number,
            date=day,
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
