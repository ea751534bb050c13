"""A cell leader on a phone: sees their own cell only and updates a member's phone number."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cell_leader_updates_a_phone_number_on_a_phone(
    login_as, live_server, cell_leader, member, other_member
):
    page = login_as(cell_leader)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/members/")
    expect(page.locator("a:visible", has_text=member.full_name).first).to_be_visible()
    expect(page.get_by_text(other_member.full_name)).to_have_count(0)

    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    page.locator(f"a[href='{member.get_absolute_url()}edit/']").first.click()
    expect(page.locator("#id_full_name")).to_have_count(0)  # not a cell leader's field
    page.locator("#id_phone").fill("0912345678")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}{member.get_absolute_url()}")
    expect(page.locator("main :visible", has_text="0912345678").first).to_be_visible()
    member.refresh_from_db()
    assert member.phone == "0912345678"
    assert member.history.first().history_user == cell_leader


def test_secretary_filters_the_register_without_diacritics(
    login_as, live_server, secretary, member, other_member
):
    page = login_as(secretary)
    page.goto(f"{live_server.url}/members/?q=nguyen+thi+hong")
    expect(page.locator("a:visible", has_text=member.full_name).first).to_be_visible()
    expect(page.get_by_text(other_member.full_name)).to_have_count(0)
