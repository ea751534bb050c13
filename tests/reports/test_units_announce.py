"""A committee's units page says how many units a search found in its polite live region
(static/js/app.js copies the fragment's [data-announce]); the table is no live region."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.models import RoleAssignment
from tests.members.factories import ChapterFactory, CommitteeFactory, UserFactory, give_role

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-02-05")]


def test_a_search_of_units_announces_the_count(client):
    cache.clear()
    top = CommitteeFactory(name="Tỉnh ủy")
    for name in ("Chi bộ Một", "Chi bộ Hai", "Thôn Ba"):
        ChapterFactory(name=name, committee=top)
    officer = UserFactory(username="canbo")
    give_role(officer, RoleAssignment.Role.COMMITTEE_OFFICER, committee=top)
    client.force_login(officer)
    url = reverse("reports:unit", args=[top.public_id])
    page = client.get(url).text
    assert len(re.findall(r'<p [^>]*role="status"[^>]*data-live-status', page)) == 1
    assert "aria-live" not in re.search(r'<div id="unit-results"[^>]*>', page).group(0)
    swapped = client.get(url, {"q": "chi bo"}, HTTP_HX_REQUEST="1").text
    assert re.findall(r"data-announce>([^<]*)<", swapped) == ["Tìm thấy 2 đơn vị"]
    swapped = client.get(url, {"q": "khong co"}, HTTP_HX_REQUEST="1").text
    assert re.findall(r"data-announce>([^<]*)<", swapped) == ["Tìm thấy 0 đơn vị"]
