"""The register's pages come from the one pagination partial (templates/_pagination.html)."""

import pytest
from django.urls import reverse

from members import views
from tests.members.factories import register_member
from tests.pagination import assert_pages_keep, pagination

pytestmark = pytest.mark.django_db


def test_page_two_links_every_page_with_the_filters_kept(client, secretary, chapter, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for _ in range(5):
        register_member(chapter, gender="M")
    register_member(chapter, gender="F")
    client.force_login(secretary)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    filters = {"gender": "M", "sort": "-name"}
    response = client.get(reverse("members:member-list"), {**filters, "page": 2})
    pages = {"«": 1, "1": 1, "3": 3, "»": 3}
    assert assert_pages_keep(response, filters, pages) == "Pages of the register"
    # The register swaps its results by htmx; the address follows.
    for _query, attrs in pagination(response)[1].values():
        assert 'hx-target="#member-results" hx-push-url="true"' in attrs
    # The htmx swap of page 2 renders the same links.
    swapped = client.get(
        reverse("members:member-list"), {**filters, "page": 2}, HTTP_HX_REQUEST="1"
    )
    assert pagination(swapped) == pagination(response)
