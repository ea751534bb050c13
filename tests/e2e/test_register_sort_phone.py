"""The register on a phone: the sort select above the cards sorts by htmx, keeps the filters
and the keyboard focus; on a wide screen it is hidden and the column headers sort, keeping the
focus on the header link as well."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.members.factories import register_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_phone_sort_control_sorts_and_keeps_the_focus(login_as, live_server, secretary, cell):
    born = datetime.date
    register_member(cell=cell, full_name="Bùi Thị Cúc", date_of_birth=born(1970, 1, 1), gender="F")
    register_member(cell=cell, full_name="Cao Văn Dũng", date_of_birth=born(1985, 1, 1), gender="M")
    register_member(cell=cell, full_name="Đỗ Văn An", date_of_birth=born(1975, 1, 1), gender="M")
    page = login_as(secretary)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/members/?gender=M")
    names = page.locator("#member-results .reg-name a")
    expect(names).to_have_text(["Đỗ Văn An", "Cao Văn Dũng"])  # by given name
    select = page.get_by_label("Sắp xếp theo")
    expect(select).to_be_visible()
    select.focus()
    select.select_option("-date_of_birth")
    expect(names).to_have_text(["Cao Văn Dũng", "Đỗ Văn An"])  # youngest first, men only
    expect(page).to_have_url(f"{live_server.url}/members/?gender=M&sort=-date_of_birth")
    expect(page.locator("#member-sort-phone")).to_be_focused()
    expect(page.locator("#member-sort")).to_have_value("-date_of_birth")  # the filter form's

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(select).to_be_hidden()
    header = page.locator("#member-sort-by-name")
    header.focus()
    header.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/members/?gender=M&sort=name")
    expect(page.locator("#member-sort-by-name")).to_be_focused()
