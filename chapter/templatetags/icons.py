"""``{% icon %}``: an icon from the sprite (chapter/icons.py). A built-in tag (settings:
TEMPLATES' ``builtins``), so no template loads it.

    {% icon "people" %}                              decorative, beside its text
    {% icon "x-lg" class="text-danger me-1" %}       extra classes: colour, size, spacing
    {% icon "sort-up" label=_("descending") %}       an icon standing alone: read out
    {% icon step.icon %}                             a name from data ("bi-" in front is fine)
"""

from django import template
from django.utils.safestring import SafeString

from chapter.icons import icon_html

register = template.Library()


@register.simple_tag(name="icon")
def icon(name: str, label: str = "", **kwargs) -> SafeString:
    return icon_html(str(name), css=str(kwargs.get("class", "")), label=str(label or ""))
