import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_and_navigate_in_vietnamese(login, live_server):
    page = login()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    page.get_by_role("link", name="Đảng viên").first.click()
    expect(page).to_have_url(f"{live_server.url}/members/")


def test_phone_menu_opens_and_language_switches(login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login()
    nav_link = page.locator("#main-nav").get_by_role("link", name="Báo cáo")
    expect(nav_link).to_be_hidden()
    page.get_by_role("button", name="Mở trình đơn").click()
    expect(nav_link).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
