"""``{% load unit_tags %}``: whether the user gets the committee unit pages (the navbar's link)."""

from django import template

from members import access

register = template.Library()


@register.filter
def sees_units(user) -> bool:
    """A committee officer or a superuser (``reports.unit_views``); the reach is the request's
    own, read once (``access.reach_of``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    reach = access.reach_of(user)
    return reach.is_superuser or reach.is_committee_officer
