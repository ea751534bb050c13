"""The board's cards and the deadline badge, written in Python (admissions.cards)."""

from django import template
from django.utils.safestring import SafeString

from admissions.cards import CardWriter, deadline_badge

register = template.Library()


@register.simple_tag(takes_context=True)
def board_cards(context, rows, several_chapters=False, focus_first=False) -> SafeString:
    """A column's cards; the shared texts are prepared once a page (render_context)."""
    cache = context.render_context.dicts[0]  # the page's, not the include's
    key = ("admissions.cards", bool(several_chapters))
    writer = cache.get(key)
    if writer is None:
        writer = cache[key] = CardWriter(several_chapters=bool(several_chapters))
    return writer.cards(rows, focus_first=bool(focus_first))


register.simple_tag(deadline_badge, name="deadline_badge")
