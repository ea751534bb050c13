"""The register for assistive technology (issue 16): the sorted column's header carries
aria-sort (ascending or descending), and the link says the order in words; the results area is not
a live region (the table was re-read after each key), a short polite one outside it says the count
("Tìm thấy 3 đảng viên"), which static/js/app.js copies from the fragment's [data-announce]."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
LIST_URL = reverse("members:member-list")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def three(cell):
    return [register_member(cell=cell, full_name=name) for name in ("Bùi Cúc", "Cao Dũng", "Đỗ An")]


def sorted_headers(html: str) -> list[tuple[str, str]]:
    """(aria-sort, the header's first sort link id) of each header cell that has aria-sort."""
    cells = re.findall(r'<th [^>]*aria-sort="(\w+)"[^>]*>(.*?)</th>', html, re.S)
    return [
        (order, re.search(r'id="(member-sort-by-[\w_]+)"', body).group(1)) for order, body in cells
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", [("ascending", "member-sort-by-name")]),  # the default order: by name
        ("name", [("ascending", "member-sort-by-name")]),
        ("-name", [("descending", "member-sort-by-name")]),
        ("-date_of_birth", [("descending", "member-sort-by-date_of_birth")]),
        ("official_date", [("ascending", "member-sort-by-ceremony_date")]),  # the shared header
        ("-cell", [("descending", "member-sort-by-cell")]),
        ("status", [("ascending", "member-sort-by-status")]),
    ],
)
def test_the_sorted_column_has_aria_sort_and_only_it(client, secretary, three, sort, expected):
    client.force_login(secretary)
    page = client.get(LIST_URL, {"sort": sort} if sort else {})
    assert sorted_headers(page.text) == expected
    fragment = client.get(LIST_URL, {"sort": sort} if sort else {}, headers=HTMX)
    assert sorted_headers(fragment.text) == expected


def test_the_sort_link_says_the_order_in_words_and_the_icon_is_hidden(client, secretary, three):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary)
    page = client.get(LIST_URL, {"sort": "-name"})
    link = re.search(r'<a [^>]*id="member-sort-by-name".*?</a>', page.text, re.S).group(0)
    assert '<span class="visually-hidden"> (descending)</span>' in link
    assert "aria-label" not in link  # no label on an <i> (ARIA forbids it on a generic element)
    assert 'aria-hidden="true"' in link


def test_the_results_are_no_live_region_and_the_count_is_announced(client, secretary, three):
    client.force_login(secretary)
    page = client.get(LIST_URL)
    results = re.search(r'<div id="member-results"[^>]*>', page.text).group(0)
    assert "aria-live" not in results
    (status,) = re.findall(r"<p [^>]*data-live-status[^>]*>", page.text)
    assert 'role="status"' in status and 'aria-live="polite"' in status
    fragment = client.get(LIST_URL, {"q": "Cúc"}, headers=HTMX).text
    assert "data-live-status" not in fragment  # the region stays, only its text changes
    (said,) = re.findall(r"<span [^>]*data-announce>([^<]*)</span>", fragment)
    assert said == "Tìm thấy 1 đảng viên"
    (said,) = re.findall(r"<span [^>]*data-announce>([^<]*)</span>", page.text)
    assert said == "Tìm thấy 3 đảng viên"


def test_the_count_is_said_in_english_with_the_plural(client, secretary, three):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary)
    said = re.findall(r"data-announce>([^<]*)<", client.get(LIST_URL, headers=HTMX).text)
    assert said == ["3 members found"]
    said = re.findall(
        r"data-announce>([^<]*)<", client.get(LIST_URL, {"q": "Cúc"}, headers=HTMX).text
    )
    assert said == ["1 member found"]


def test_the_pages_links_keep_a_focus_key(client, secretary, cell):
    for number in range(51):
        register_member(cell=cell, full_name=f"Nguyễn Văn {number:02}")
    client.force_login(secretary)
    page = client.get(LIST_URL, headers=HTMX).text
    assert 'data-focus-key="page-next"' in page and 'data-focus-key="page-2"' in page
