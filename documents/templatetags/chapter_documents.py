"""``{% if user|reads_chapter_documents:chapter %}``: whether to show the link to the chapter's
documents (the same answer as the pages' own access function, so the link never leads to 404)."""

from django import template

from documents.access import reads_chapter_documents as _reads

register = template.Library()


@register.filter
def reads_chapter_documents(user, chapter) -> bool:
    return _reads(user, chapter)
