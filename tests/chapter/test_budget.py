"""Byte budgets: what a browser downloads for the dashboard and the register, compressed, stays
under a budget (issue 16: "pages a third of their weight").

Counted as a first visit with an empty cache: the page's HTML as the server sends it to a browser
that accepts gzip (chapter/compression.py), plus every static file the page loads — stylesheets,
scripts, the icon sprite, the favicon, and what the stylesheets load in turn (fonts, images; a
data: URL is already in its stylesheet) — each gzip-compressed at level 9, as collectstatic stores
its .gz copy (WhiteNoise). Browsers that accept brotli get the .br copies, a fifth smaller: the
budget holds without them.

Measured on the demo chapter (``seed_demo``) as its secretary, 07/12/2026 (session 6), gzip:
                          before issue 16                  after
  dashboard               245 KB (icon font 130 KB + its   102 KB (HTML 4.4 KB, sprite 14 KB)
                          CSS 13 KB, HTML 21 KB unzipped)
  register (first page)   307 KB (HTML 83 KB unzipped)     107 KB (HTML 9.5 KB)
Bootstrap's CSS and JS and htmx are 71 KB of the "after". The budgets leave 12-18 % for the
pages to grow; a page over its budget should lose weight (a font, a second CSS framework, a
library for one widget) before the budget is raised.
"""

import gzip
import re
from urllib.parse import urljoin, urlsplit

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from chapter.icons import sprite_path

PASSWORD = "pw"
KB = 1024
BUDGETS = {"dashboard": 120 * KB, "members:member-list": 120 * KB}

_LINK = re.compile(r"<link\b[^>]*>")
_SRC = re.compile(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"')
_USE = re.compile(r'<use\b[^>]*\bhref="([^"#]+)#')
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _href(tag: str) -> str | None:
    rel = re.search(r'\brel="([^"]+)"', tag)
    href = re.search(r'\bhref="([^"]+)"', tag)
    if rel and href and set(rel.group(1).split()) & {"stylesheet", "icon"}:
        return href.group(1)
    return None


def _static_file(url: str) -> bytes:
    path = urlsplit(url).path
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    assert path.startswith(prefix), f"not a static file: {url}"
    found = finders.find(path.removeprefix(prefix))
    assert found, f"no static file for {url}"
    with open(found, "rb") as handle:
        return handle.read()


def _css_urls(css_url: str, text: str) -> list[str]:
    urls = [u for u in _CSS_URL.findall(text) if not u.startswith("data:")]
    # A @font-face lists its formats best first; a browser that takes woff2 fetches only that.
    if any(urlsplit(u).path.endswith(".woff2") for u in urls):
        urls = [u for u in urls if not urlsplit(u).path.endswith((".woff", ".ttf", ".eot"))]
    return [urljoin(css_url, u) for u in urls]


def transferred(client, url: str) -> dict[str, tuple[int, int]]:
    """{what: (gzip bytes, brotli bytes)} for the page and each static file it loads."""
    response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    sizes = {url: (len(response.content), len(brotli.compress(html.encode())))}
    queue = [h for h in map(_href, _LINK.findall(html)) if h]
    queue += _SRC.findall(html) + sorted(set(_USE.findall(html)))
    while queue:
        asset = urlsplit(queue.pop(0))._replace(query="", fragment="").geturl()
        if asset in sizes:
            continue
        data = _static_file(asset)
        sizes[asset] = (len(gzip.compress(data, 9)), len(brotli.compress(data)))
        if asset.endswith(".css"):
            queue += _css_urls(asset, data.decode())
    return sizes


def _report(sizes: dict[str, tuple[int, int]]) -> str:
    lines = [f"{gz:>8} {br:>8}  {what}" for what, (gz, br) in sizes.items()]
    total_gz = sum(gz for gz, _ in sizes.values())
    total_br = sum(br for _, br in sizes.values())
    return "\n".join(["    gzip   brotli", *lines, f"{total_gz:>8} {total_br:>8}  total"])


@pytest.fixture
def demo_secretary(client, django_user_model):
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    client.force_login(django_user_model.objects.get(username="bithu"))
    return client


@pytest.mark.freeze_time("2026-12-07")
@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_a_main_page_stays_under_its_byte_budget(demo_secretary, name):
    assert sprite_path().is_file(), "static/img/icons.svg is missing: run `make icons`"
    sizes = transferred(demo_secretary, reverse(name))
    total = sum(gz for gz, _ in sizes.values())
    print(f"\n{name}\n{_report(sizes)}")
    assert total <= BUDGETS[name], f"{name}: {total} bytes over {BUDGETS[name]}\n{_report(sizes)}"
    assert not any("bootstrap-icons" in what for what in sizes), "the icon font is back"
