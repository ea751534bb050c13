"""The searchable chapter picker on the register (members/pickers.py, static/js/picker.js), with
the keyboard, and the register's rows laid out as a table on a laptop and as cards on a phone."""

import pytest
from playwright.sync_api import expect

from members.pickers import SELECT_AT_MOST
from tests.e2e.axe_check import check, report
from tests.members.factories import CellFactory, ChapterFactory, register_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def province(chapter, cell, member):
    """More chapters than a drop-down holds under the officer's committee, one of them with
    a member of its own."""
    for i in range(SELECT_AT_MOST):
        village = ChapterFactory(committee=chapter.committee, name=f"Chi bộ Thôn {i:02d}")
        CellFactory(chapter=village)
    target = ChapterFactory(committee=chapter.committee, name="Chi bộ Trường THCS Nguyễn Du")
    far = register_member(cell=CellFactory(chapter=target, name="Tổ Giáo viên"))
    return target, far


def test_an_officer_picks_a_chapter_with_the_keyboard(
    login_as, live_server, committee_officer, province, member
):
    target, far = province
    page = login_as(committee_officer)
    page.goto(f"{live_server.url}/members/")
    box = page.locator("#id_chapter")
    expect(box).to_have_attribute("role", "combobox")
    expect(page.locator("label[for=id_chapter]")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"a:visible:text-is('{member.full_name}')")).to_have_count(1)

    box.click()
    box.type("nguyen du")  # without diacritics
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option")).to_have_text(target.name)
    # The count is said through the picker's own polite status, not the list.
    status = page.locator("[data-picker]", has=box).locator("[role=status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("Tìm thấy 1 chi bộ")
    # The open list, its hidden count item and the status: no axe violation (WCAG 2.1 AA).
    found = check(page, name="picker-open", role="committee_officer", size="1366x768",
                  language="vi", keep=False)  # fmt: skip
    assert not found, report(found)

    box.press("ArrowDown")
    option = listbox.get_by_role("option").first
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(target.name)
    expect(box).to_be_focused()  # the focus stays in the box
    assert page.locator("#member-filters input[type=hidden][name=chapter]").input_value() == str(
        target.pk
    )

    # The register reloads on the choice (htmx) with that chapter's members only.
    expect(page.locator(f"a:visible:text-is('{far.full_name}')")).to_have_count(1)
    expect(page.locator(f"a:visible:text-is('{member.full_name}')")).to_have_count(0)
    assert f"chapter={target.pk}" in page.url

    # Escape closes the list and puts the chosen name back; an emptied box means every chapter.
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.fill("thon 0")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(target.name)
    box.fill("")
    box.press("Tab")
    expect(page.locator(f"a:visible:text-is('{member.full_name}')")).to_have_count(1)
    assert page.locator("#member-filters input[type=hidden][name=chapter]").input_value() == ""


def test_the_cell_picker_offers_the_chosen_chapters_cells(
    login_as, live_server, committee_officer, province
):
    target, _far = province
    page = login_as(committee_officer)
    page.goto(f"{live_server.url}/members/?chapter={target.pk}")
    box = page.locator("#id_cell")
    expect(box).to_have_attribute("role", "combobox")
    box.click()
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option")).to_contain_text("Tổ Giáo viên")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_register_fits_the_screen(login_as, live_server, committee_officer, province, viewport):
    page = login_as(committee_officer)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/members/")
    rows = page.locator(".reg-table tbody tr")
    expect(rows.first).to_be_visible()
    assert page_width(page) <= viewport["width"]
    header = page.locator(".reg-table thead")
    first = rows.first.bounding_box()
    if viewport is PHONE:
        assert header.bounding_box()["height"] <= 1  # the headers stay for screen readers
        assert first["x"] >= 0 and first["x"] + first["width"] <= viewport["width"]
        label = page.evaluate(
            "() => getComputedStyle(document.querySelector('.reg-table td[data-label]'),"
            " '::before').content"
        )
        assert label.strip('"').endswith(": ")  # "Giới tính, ngày sinh: " before the value
        page.locator("[data-bs-target='#member-filters']").click()
        box = page.locator("#id_chapter")
        box.click()
        box.type("thon")
        expect(page.locator(f"#{box.get_attribute('aria-controls')}")).to_be_visible()
        assert page_width(page) <= viewport["width"]
    else:
        assert header.is_visible()
    page.screenshot(path=f"/tmp/e2e-register-{viewport['width']}.png", full_page=False)
