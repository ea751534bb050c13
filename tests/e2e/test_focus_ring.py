"""Visible focus (issue 16, item 2): every control a keyboard reaches shows a ring of at least
3:1 against what surrounds it: white on the red navbar (the current link's rule used to hide
Bootstrap's), the focus blue elsewhere, round the whole card on the board."""

import pytest

from admissions.models import Candidate
from members import views as member_views
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 768}

# The ring's colour, width and style, and the first opaque background behind the element (the
# navbar's is a gradient: its lighter end, #b91c1c, is the harder case).
RING = """e => {
  const s = getComputedStyle(e);
  let bg = null;
  for (let n = e.parentElement; n; n = n.parentElement) {
    if (n.classList.contains('app-navbar')) { bg = 'rgb(185, 28, 28)'; break; }
    const c = getComputedStyle(n).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
  }
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          bg: bg || 'rgb(255, 255, 255)', visible: e.matches(':focus-visible')};
}"""


def _luminance(rgb: str) -> float:
    parts = [int(float(x)) / 255 for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def assert_ring(page, locator, *, of=None) -> None:
    """Focus ``locator`` as a keyboard would; the ring is on it (or on ``of``, its card)."""
    page.keyboard.press("Tab")  # the last input is the keyboard: focus() then shows the ring
    locator.focus()
    ring = (of or locator).evaluate(RING)
    assert locator.evaluate("e => e.matches(':focus-visible')")
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["color"], ring["bg"]) >= 3, ring


@pytest.fixture
def story(secretary, chapter):
    story = PipelineStory.build(officials=6, chapter=chapter)
    story.candidate_at(Candidate.Stage.POOL, full_name="Đặng Thành Hưng")
    return story


def test_every_control_shows_its_focus(login_as, live_server, secretary, story, monkeypatch):
    monkeypatch.setattr(member_views, "PER_PAGE", 2)  # the register has pages
    page = login_as(secretary)
    page.set_viewport_size(LAPTOP)
    nav = page.locator(".app-navbar")
    assert_ring(page, nav.locator(".nav-link.active"))  # the current page's link
    assert_ring(page, nav.get_by_role("link", name="Đảng viên"))
    assert_ring(page, nav.locator(".dropdown-toggle"))  # the user menu
    assert_ring(page, nav.locator(".navbar-brand"))
    assert_ring(page, page.locator("main .btn-outline-danger").first)

    page.goto(f"{live_server.url}/admissions/")
    assert_ring(page, page.locator("main .btn-danger").first)  # a red button
    assert_ring(page, page.locator("main input[name=q]"))
    assert_ring(page, page.locator("main select").first)
    assert_ring(page, page.locator(".adm-subnav .nav-link").first)
    card_link = page.locator(".adm-card .stretched-link").first
    assert_ring(page, card_link, of=page.locator(".adm-card").first)

    page.goto(f"{live_server.url}/members/")
    assert_ring(page, page.locator("tbody a").first)
    assert_ring(page, page.locator("a.page-link").first)
    assert_ring(page, page.locator("main .btn-outline-secondary").first)

    page.set_viewport_size({"width": 390, "height": 844})
    assert_ring(page, page.locator(".navbar-toggler"))
