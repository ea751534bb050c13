"""Links from a figure to the people behind it, keeping the report's day, period and scope."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def people_url(params: dict, figure: str, value: str = "", **overrides) -> str:
    """``reports:people`` for ``figure`` (and a breakdown ``value``) with the report's
    parameters; ``overrides`` replace some of them (e.g. ``as_of`` for the period's start)."""
    query = {**params, **{k: str(v) for k, v in overrides.items()}, "figure": figure}
    if value:
        query["value"] = value
    return f"{reverse('reports:people')}?{urlencode(query)}"


@register.simple_tag
def export_url(name: str, params: dict) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@register.filter
def share(count: int, total: int) -> int:
    """A whole percentage of ``total`` (0 when there is none): for bar widths and labels."""
    return round(100 * count / total) if total else 0
