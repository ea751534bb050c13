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
