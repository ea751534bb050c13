"""The register's page (templates/members/): its sort control for phones."""

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from members import register_table

register = template.Library()


@register.simple_tag
def sort_choices():
    """The register's sort keys, each way, with their labels: ``(key, label)`` pairs."""
    return register_table.SORT_LABELS.items()


@register.simple_tag(takes_context=True)
def kept_parameters(context: Context, *dropped: str) -> list[tuple[str, str]]:
    """The request's query string as ``(name, value)`` pairs for hidden inputs, but for the
    ``dropped`` names: a small form that changes one of them keeps the others (the filters)."""
    query = context.request.GET
    return [
        (name, value) for name, values in query.lists() if name not in dropped for value in values
    ]


@register.simple_tag
def aria_sort(sort: str, *keys: str) -> SafeString:
    """` aria-sort="ascending"` (or descending) for the header cell of the columns ``keys`` when
    the register is sorted by one of them (``sort`` is a key, "-key" descending), else nothing."""
    for key in keys:
        if sort == key:
            return mark_safe(' aria-sort="ascending"')
        if sort == f"-{key}":
            return mark_safe(' aria-sort="descending"')
    return mark_safe("")
