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
    from jinja2.sandbox import SandboxedEnvironment

    document = DocxTemplate(word_template(kind, chapter))
    # A chapter uploads its own template: its tags run in Jinja's sandbox, never as Python.
    document.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_html(kind: DocumentKind, context: dict) -> str:
    return render_to_string(kind.html_template, {**context, "kind": kind})


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find(PRINT_CSS))


# Rows of a long list laid out together (kind.parts_of): about eight landscape pages of the book.
PART_ROWS = 60


def _write_pdf(html: str, first_page: int = 1) -> bytes:
    from weasyprint import CSS, HTML

    sheets = [_stylesheet()]
    if first_page != 1:  # a later part goes on numbering where the one before stopped
        sheets.append(
            CSS(
                string=f"@page:first {{ counter-reset: page {first_page};"
                " @top-center { content: counter(page) } }"
            )
        )
    return HTML(string=html).write_pdf(stylesheets=sheets)


def to_pdf(kind: DocumentKind, context: dict) -> bytes:
    rows = context.get(kind.parts_of) if kind.parts_of else None
    if not rows or len(rows) <= PART_ROWS:
        return _write_pdf(render_to_string("documents/print.html", {**context, "kind": kind}))
    # A long list: each part is laid out on its own (WeasyPrint keeps a whole document's layout
    # in memory) and the parts' pages are joined; the first part has the header and the
    # totals, the last the signature, the page numbers run on.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    parts = [rows[start : start + PART_ROWS] for start in range(0, len(rows), PART_ROWS)]
    page = 1
    for index, part in enumerate(parts):
        html = render_to_string(
            "documents/print.html",
            {
                **context,
                kind.parts_of: part,
                "kind": kind,
                "part_first": index == 0,
                "part_last": index == len(parts) - 1,
            },
        )
        reader = PdfReader(io.BytesIO(_write_pdf(html, first_page=page)))
        page += len(reader.pages)
        writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
