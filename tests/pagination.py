"""The one pagination partial (templates/_pagination.html) as a paginated page renders it."""

import html
import re
from urllib.parse import parse_qs, urlsplit

PARTIAL = "_pagination.html"


def pagination(response) -> tuple[str, dict[str, tuple[dict[str, list[str]], str]]]:
    """The nav's aria-label, and its links by their text ("«", "1", "»"): each link's query
    string (parsed) and its other attributes (the htmx ones, the aria-label)."""
    assert PARTIAL in [template.name for template in response.templates]
    (nav,) = re.findall(r'<nav class="mt-3" aria-label="([^"]+)">(.*?)</nav>', response.text, re.S)
    label, body = nav
    links = re.findall(r'<a class="page-link" href="([^"]*)"([^>]*)>([^<]*)</a>', body)
    by_text = {
        html.unescape(text): (parse_qs(urlsplit(html.unescape(href)).query), attrs)
        for href, attrs, text in links
    }
    return html.unescape(label), by_text


def assert_pages_keep(response, kept: dict[str, str], pages: dict[str, int]) -> str:
    """Every link goes to its page with the ``kept`` filters; returns the nav's aria-label."""
    label, links = pagination(response)
    assert {text: query["page"] for text, (query, _attrs) in links.items()} == {
        text: [str(number)] for text, number in pages.items()
    }
    for query, _attrs in links.values():
        assert {key: query[key] for key in kept} == {key: [value] for key, value in kept.items()}
    assert 'aria-label="Previous page"' in links["«"][1]
    assert 'aria-label="Next page"' in links["»"][1]
    return label
