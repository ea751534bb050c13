"""Two renderings of one context: an editable Word file (docxtpl) and a print-ready PDF
(WeasyPrint, from the same HTML the browser previews)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from documents.models import DocumentTemplate
from documents.registry import DocumentKind
from members.models import Chapter

SHIPPED = Path(__file__).resolve().parent / "templates_docx"
PRINT_CSS = "documents/print.css"


def word_template(kind: DocumentKind, chapter: Chapter):
    """The chapter's own Word template for this document, else every chapter's, else the shipped."""
    own = (
        DocumentTemplate.objects.filter(kind=kind.slug, chapter__in=[chapter])
        .order_by("chapter")
        .first()
        or DocumentTemplate.objects.filter(kind=kind.slug, chapter__isnull=True).first()
    )
    if own is not None:
        own.docx.open("rb")
        try:
            return io.BytesIO(own.docx.read())
        finally:
            own.docx.close()
    return SHIPPED / kind.docx_name


def to_docx(kind: DocumentKind, chapter: Chapter, context: dict) -> bytes:
    from docxtpl import DocxTemplate  # imported here: the register never pays for it

    document = DocxTemplate(word_template(kind, chapter))
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_html(kind: DocumentKind, context: dict) -> str:
    return render_to_string(kind.html_template, {**context, "kind": kind})


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find(PRINT_CSS))


def to_pdf(kind: DocumentKind, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/print.html", {**context, "kind": kind})
    return HTML(string=html).write_pdf(stylesheets=[_stylesheet()])
