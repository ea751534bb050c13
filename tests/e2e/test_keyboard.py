"""The keyboard alone (issue 16, items 3 and 4), on a 1366x768 laptop: Tab reaches a sort link
of the register, Enter sorts, and after the htmx swap the focus is on that same sort control
(not on <body> or the footer) and its column says how it is sorted (aria-sort); a movement
submitted with errors comes back with the error summary focused, whose first link names the
first invalid field and takes the keyboard there."""

import pytest
from playwright.sync_api import expect

from tests.members.factories import register_member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.freeze_time("2026-03-15"),
]
LAPTOP = {"width": 1366, "height": 768}
MOST_TABS = 80


def tab_to(page, selector: str) -> None:
    """Press Tab from the top of the page until ``selector`` has the focus."""
    page.locator("body").focus()
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached {selector}")


def focused(page) -> str:
    """The focused element, as a short description for a failure message."""
    return page.evaluate(
        "() => { const e = document.activeElement; return e.tagName.toLowerCase()"
        " + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''); }"
    )


@pytest.fixture
def register(cell, other_cell):
    for number, name in enumerate(["Nguyễn Thị Hồng", "Trần Văn Bình", "Lê Văn An"]):
        register_member(cell=(cell, other_cell)[number % 2], full_name=name)


def test_a_sort_chosen_by_keyboard_keeps_the_focus(login_as, live_server, secretary, register):
    page = login_as(secretary)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/members/")
    link = "#member-sort-by-date_of_birth"
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/members/?sort=date_of_birth")
    expect(page.locator(link)).to_be_focused()
    header = page.locator("th", has=page.locator(link))
    expect(header).to_have_attribute("aria-sort", "ascending")
    # Once more, from where the focus was left: the other way round, focus still there.
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/members/?sort=-date_of_birth")
    expect(page.locator(link)).to_be_focused()
    expect(header).to_have_attribute("aria-sort", "descending")
    # The next Tab goes on inside the results, not to the footer.
    page.keyboard.press("Tab")
    inside = page.evaluate("document.activeElement.closest('#member-results') !== null")
    assert inside, f"after the sort, Tab went to {focused(page)}"


def test_a_movement_with_errors_focuses_its_error_summary(login_as, live_server, secretary, member):
    page = login_as(secretary)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{member.get_absolute_url()}move/transfer-out/")
    submit = "main form[method=post] button[type=submit]"
    tab_to(page, submit)  # nothing filled in: every required field is missing
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_count(1)
    expect(summary).to_be_focused()
    first_invalid = page.locator("main form [aria-invalid=true], main form .is-invalid").first
    field_id = first_invalid.get_attribute("id")
    assert field_id, "the first invalid field has no id to link to"
    first_link = summary.locator("a").first
    expect(first_link).to_have_attribute("href", f"#{field_id}")
    page.keyboard.press("Tab")
    expect(first_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{field_id}")).to_be_focused()
