"""The committee unit table's pages come from the one pagination partial
(templates/_pagination.html)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.models import RoleAssignment
from reports import units
from tests.members.factories import ChapterFactory, CommitteeFactory, UserFactory, give_role
from tests.pagination import assert_pages_keep, pagination

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-02-05")]


def test_page_two_links_both_ways_with_the_search_kept(client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(units, "PER_PAGE", 1)
    top = CommitteeFactory(name="Tỉnh ủy")
    for name in ("Chi bộ Một", "Chi bộ Hai", "Chi bộ Ba", "Thôn Bốn"):
        ChapterFactory(name=name, committee=top)
    officer = UserFactory(username="canbo")
    give_role(officer, RoleAssignment.Role.COMMITTEE_OFFICER, committee=top)
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    url = reverse("reports:unit", args=[top.public_id])
    response = client.get(url, {"q": "chi bo", "page": 2})
    assert response.context["page"].paginator.num_pages == 3  # the three "Chi bộ"
    label = assert_pages_keep(response, {"q": "chi bo"}, {"«": 1, "»": 3})
    assert label == "Pages of units"
    assert '<span class="page-link">2 / 3</span>' in response.text  # no numbers: "2 / 3"
    for _query, attrs in pagination(response)[1].values():
        assert 'hx-target="#unit-results" hx-push-url="true"' in attrs
    swapped = client.get(url, {"q": "chi bo", "page": 2}, HTTP_HX_REQUEST="1")
    assert pagination(swapped) == pagination(response)
