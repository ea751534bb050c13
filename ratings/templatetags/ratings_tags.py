"""The member page's ratings section (one query), for templates/members/member_detail.html."""

from django import template

register = template.Library()


@register.inclusion_tag("ratings/_member_ratings.html")
def member_ratings(member) -> dict:
    """The member's ratings, newest year first."""
    return {"ratings": list(member.ratings.order_by("-year"))}
