from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes in a time span, rounded up (a lock-out of 29.5 minutes reads "30")."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def absolute(value: int | None) -> int | None:
    """A count without its sign: "overdue by 174 days", never "overdue -174"."""
    return abs(value) if isinstance(value, int) else value
