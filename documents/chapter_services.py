"""Make one of the chapter's documents as of a day: render both formats and keep them.

The chapter's lists and its register book carry no number (DOCUMENTS.md §1.5), so nothing is
numbered here; the document is kept in the chapter's list with who made it, when, and the day
it is as of (``GeneratedDocument.date``; ``candidate`` stays empty).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from documents import render
from documents.models import GeneratedDocument
from documents.registry import DocumentKind
from members.models import Chapter


def generate_for_chapter(
    kind: DocumentKind, chapter: Chapter, day: date, user
) -> GeneratedDocument:
    """Render and keep the document; refused while anything it needs is missing."""
    with transaction.atomic():
        gathered = kind.gather(chapter, day)
        if gathered.missing:
            raise ValidationError(
                _("The document cannot be made yet: %(missing)s.")
                % {"missing": ", ".join(str(item.label) for item in gathered.missing)}
            )
        context = gathered.context
        document = GeneratedDocument(
            chapter=chapter,
            kind=kind.slug,
            title=str(kind.title),
            number="",
            date=day,
            created_by=user,
        )
        stem = f"{kind.slug}-{day:%Y%m%d}"
        document.docx.save(
            f"{stem}.docx", ContentFile(render.to_docx(kind, chapter, context)), save=False
        )
        document.pdf.save(f"{stem}.pdf", ContentFile(render.to_pdf(kind, context)), save=False)
        document.save()
    return document
