"""Focus kept and changes announced after htmx updates (issue 16, static/js/app.js): a page of
the register chosen by keyboard leaves the focus on the same link of the new pages (or on the
results when that link is now the current page), never on <body>; the live region says the
count after a search, the table is no live region; a form with errors focuses its error summary,
whose link takes the keyboard to the field."""

import pytest
from playwright.sync_api import expect

from tests.members.factories import register_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def register_of(cell, count):
    for number in range(count):
        register_member(cell=cell, full_name=f"Nguyễn Văn {number:03}")


def test_a_page_chosen_by_keyboard_keeps_the_focus(login_as, live_server, secretary, cell):
    register_of(cell, 120)  # three pages
    page = login_as(secretary)
    page.goto(f"{live_server.url}/members/")
    following = page.locator('[data-focus-key="page-next"]')
    following.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/members/?page=2")
    expect(page.locator('[data-focus-key="page-next"]')).to_be_focused()
    page.locator('[data-focus-key="page-3"]').focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/members/?page=3")
    # "3" is now the current page (no link): the focus goes to the results, not to <body>.
    expect(page.locator("#member-results")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#member-results') !== null")


def test_a_sort_by_keyboard_keeps_the_focus_and_sets_aria_sort(
    login_as, live_server, secretary, cell
):
    register_of(cell, 3)
    page = login_as(secretary)
    page.goto(f"{live_server.url}/members/")
    link = page.locator("#member-sort-by-date_of_birth")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/members/?sort=date_of_birth")
    expect(page.locator("#member-sort-by-date_of_birth")).to_be_focused()
    header = page.locator("th", has=page.locator("#member-sort-by-date_of_birth"))
    expect(header).to_have_attribute("aria-sort", "ascending")
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#member-sort-by-date_of_birth")).to_be_focused()


def test_a_search_says_the_count_in_the_live_region(login_as, live_server, secretary, cell):
    register_of(cell, 12)
    page = login_as(secretary)
    page.goto(f"{live_server.url}/members/")
    expect(page.locator("#member-results")).not_to_have_attribute("aria-live", "polite")
    page.locator("#id_q").fill("Nguyễn Văn 01")
    status = page.locator("[data-live-status]")
    expect(status).to_have_text("Tìm thấy 2 đảng viên")  # 010 and 011
    expect(page.locator("#id_q")).to_be_focused()


def test_an_invalid_movement_focuses_the_summary_and_its_link_the_field(
    login_as, live_server, secretary, member
):
    page = login_as(secretary)
    page.goto(f"{live_server.url}/members/{member.public_id}/move/transfer-out/")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Có lỗi cần sửa")
    page.keyboard.press("Tab")
    first = summary.locator("a").first
    expect(first).to_be_focused()
    target = first.get_attribute("href")
    page.keyboard.press("Enter")
    expect(page.locator(target)).to_be_focused()


WIDE_TABLE = """
const card = document.createElement("section");
card.className = "card";
card.innerHTML = '<h2 class="h6">Xếp loại theo năm</h2><div class="table-responsive" id="wide">'
  + '<table class="table"><tr>' + '<td>Hoàn thành tốt nhiệm vụ</td>'.repeat(12)
  + '</tr></table></div>';
document.querySelector("main").append(card);
window.dispatchEvent(new Event("resize"));
"""


def test_a_scroll_box_that_overflows_becomes_a_named_focusable_region(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(WIDE_TABLE)
    box = page.locator("#wide")
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", "Xếp loại theo năm")
    box.focus()
    page.keyboard.press("ArrowRight")
    # Polled with evaluate: wait_for_function's string would be eval'd, which the CSP refuses.
    for _ in range(50):
        if page.evaluate("() => document.getElementById('wide').scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("ArrowRight did not scroll the focused box")
    page.set_viewport_size({"width": 3000, "height": 844})  # no longer overflows: no tab stop
    expect(box).not_to_have_attribute("tabindex", "0")
    expect(box).not_to_have_attribute("role", "region")
