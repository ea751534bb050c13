"""The admissions pages fit their screens (issue 10, item 8): the board and the probation table
on a 1366x768 laptop, the case page on a 390x844 phone. The page body never scrolls sideways;
the board scrolls inside its own box, where every column can be reached."""

import pytest

from admissions.models import Candidate, CandidateDocument, Form
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
St = Candidate.Stage
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# The longest Vietnamese names and cells of the demo, and then some.
LONG = "Nguyễn Thị Phương Thảo Hoàng Ngọc"


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def inner_overflow(page, selector: str) -> int:
    """How far the content of ``selector`` is wider than its box (0 when it fits)."""
    return page.evaluate(
        "(s) => { const e = document.querySelector(s); return e.scrollWidth - e.clientWidth; }",
        selector,
    )


@pytest.fixture
def cases(chapter, cell):
    story = PipelineStory.build(officials=6, chapter=chapter)
    stages = [St.POOL, St.COURSE_DONE, St.DOSSIER_OPEN, St.INTRODUCED, St.CHAPTER_APPROVED,
              St.ADMISSION_DECIDED, St.ADMITTED, St.ADMITTED, St.CONFIRMATION_VOTED]  # fmt: skip
    made = [story.candidate_at(stage, full_name=f"{LONG} {i}") for i, stage in enumerate(stages)]
    admitted = made[6]
    CandidateDocument.objects.create(
        candidate=admitted, form=Form.OTHER, date=story.day("ceremony"), number="X-1",
        issuing_body="Ban Chấp hành Công đoàn cơ sở Ban Quản lý An toàn thực phẩm tỉnh",
    )  # fmt: skip
    return made


def test_board_and_probation_fit_a_laptop(login_as, live_server, secretary, cases):
    page = login_as(secretary)
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admissions/")
    assert page_width(page) <= LAPTOP["width"]
    board = page.locator(".adm-board")
    box = board.bounding_box()
    assert box["y"] + box["height"] <= LAPTOP["height"]  # its scrollbar is on the screen
    last = page.locator(".adm-column").last
    last.scroll_into_view_if_needed()  # every column can be reached inside the board
    column = last.bounding_box()
    assert column["x"] >= 0 and column["x"] + column["width"] <= LAPTOP["width"]
    assert page_width(page) <= LAPTOP["width"]
    page.screenshot(path="/tmp/e2e-board-1366.png")

    page.goto(f"{live_server.url}/admissions/probation/")
    assert page.locator(".adm-probation tbody tr").count() == 3
    assert page_width(page) <= LAPTOP["width"]
    assert inner_overflow(page, ".table-responsive") <= 0  # every column visible, no scroll


@pytest.mark.parametrize("index", [3, 5, 6])
def test_the_case_page_fits_a_phone(login_as, live_server, secretary, cases, index):
    page = login_as(secretary)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{cases[index].get_absolute_url()}")
    assert page.locator("h1").inner_text().startswith(LONG)
    assert page_width(page) <= PHONE["width"]
    for url in ("/admissions/", "/admissions/list/", "/admissions/probation/"):
        page.goto(f"{live_server.url}{url}")
        assert page_width(page) <= PHONE["width"], url


def test_other_papers_are_listed_on_the_case(login_as, live_server, secretary, cases):
    page = login_as(secretary)
    page.goto(f"{live_server.url}{cases[6].get_absolute_url()}")
    other = page.locator("#other-papers")
    assert "X-1" in other.inner_text()


def _one_line_navbar(page) -> None:
    """The navbar is one row: every item at the height of the first, the bar no taller than one."""
    tops = page.evaluate(
        "() => [...document.querySelectorAll('.app-navbar .navbar-brand, .app-navbar .nav-link')]"
        ".filter(e => e.offsetParent).map(e => Math.round(e.getBoundingClientRect().bottom))"
    )
    assert len(set(tops)) <= 2 and max(tops) - min(tops) <= 8, tops  # brand and links, one row
    assert page.locator(".app-navbar").bounding_box()["height"] <= 64


@pytest.mark.parametrize("who", ["committee_officer", "secretary"])
def test_the_navbar_is_one_line_on_a_laptop_in_vietnamese(request, login_as, live_server, who):
    """Issue 16: the bar had wrapped to two lines at 1366 px since the work queue's link; the
    committee's pages are one menu, and every link is still reached by keyboard and on a phone."""
    user = request.getfixturevalue(who)
    user.first_name, user.last_name = LONG, "Thị"  # a long name in the user menu
    user.save()
    page = login_as(user)
    assert page.locator("html").get_attribute("lang") == "vi"
    # From the narrowest screen that shows the bar expanded (Bootstrap's lg, 992 px) up.
    for width in (992, 1024, 1280, LAPTOP["width"]):
        page.set_viewport_size({"width": width, "height": 768})
        for url in ("/", "/admissions/", "/members/"):  # a normal page and two wide ones
            page.goto(f"{live_server.url}{url}")
            _one_line_navbar(page)
            assert page_width(page) <= width, (width, url)
    page.set_viewport_size(LAPTOP)
    if who == "secretary":
        assert page.locator(".app-navbar").get_by_role("button", name="Cấp ủy").count() == 0
        return
    # The committee's menu by keyboard: Enter opens it, the arrow keys walk it.
    nav = page.locator("#main-nav")
    nav.get_by_role("button", name="Cấp ủy").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    units = nav.get_by_role("link", name="Đơn vị trực thuộc")
    assert units.evaluate("e => e === document.activeElement")
    for name in ("Quyết định chờ cấp ủy", "Quyết định sắp xếp tổ chức"):
        page.keyboard.press("ArrowDown")
        assert nav.get_by_role("link", name=name).evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/members/reorganisations/")
    _one_line_navbar(page)
    # On a phone, the collapsed menu holds the same links.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Mở trình đơn").click()
    nav.get_by_role("button", name="Cấp ủy").click()
    nav.get_by_role("link", name="Quyết định chờ cấp ủy").click()
    page.wait_for_url(f"{live_server.url}/admissions/queue/")
    assert page_width(page) <= PHONE["width"]
