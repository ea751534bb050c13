"""A committee officer merges two chapters on a 390 px phone (members/reorganisation_views.py):
the chooser, the form, the confirmation (what will move) and the decision's page all fit the
screen; the members end up in the chapter they merged into."""

import pytest

from members.models import Member
from members.models import RoleAssignment as RA
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
LONG = "Chi bộ Khu dân cư số 12 Phường Nguyễn Thái Bình"


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_an_officer_merges_two_chapters_on_a_phone(login_as, live_server):
    committee = CommitteeFactory(name="Đảng ủy phường Nguyễn Thái Bình")
    source = ChapterFactory(name=LONG, committee=committee)
    target = ChapterFactory(name=f"{LONG} (mới)", committee=committee)
    cell = CellFactory(chapter=source, name="Tổ đảng Khu phố Bến Thành số 3")
    for _n in range(3):
        register_member(source, cell=cell)
    officer = UserFactory(username="canbo_phuong")
    give_role(officer, RA.Role.COMMITTEE_OFFICER, committee=committee)

    page = login_as(officer)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/members/reorganisations/")
    assert page_width(page) <= PHONE["width"]
    page.locator("a[href$='/members/reorganisations/new/']").first.click()
    page.locator("[data-kind=MERGE]").click()
    page.screenshot(path="/tmp/e2e-reorganisation-form-390.png", full_page=True)
    assert page_width(page) <= PHONE["width"]
    page.locator("#id_decision_number").fill("125-QĐ/ĐU")
    page.locator("#id_decision_date").fill("02/03/2026")
    page.locator("#id_issuing_body").fill("Đảng ủy phường Nguyễn Thái Bình")
    page.locator("#id_source_1").select_option(str(source.public_id))
    page.locator("#id_target").select_option(str(target.public_id))
    page.locator("main form button[type=submit]").click()
    assert page.locator("[data-figure=members] strong").inner_text() == "3"
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path="/tmp/e2e-reorganisation-confirm-390.png", full_page=True)
    page.locator("button[name=confirm]").click()
    page.wait_for_url("**/members/reorganisations/*/")
    assert "125-QĐ/ĐU" in page.locator("h1").inner_text()
    assert page_width(page) <= PHONE["width"]
    assert Member.objects.filter(chapter=target).count() == 3


def test_a_split_shows_each_cell_on_a_phone(login_as, live_server):
    committee = CommitteeFactory(name="Đảng ủy phường Nguyễn Thái Bình")
    source = ChapterFactory(name=LONG, committee=committee)
    cells = [CellFactory(chapter=source, name=f"Tổ đảng Khu phố Bến Thành số {n}") for n in (1, 2)]
    for cell in cells:
        register_member(source, cell=cell)
    officer = UserFactory(username="canbo_phuong")
    give_role(officer, RA.Role.COMMITTEE_OFFICER, committee=committee)

    page = login_as(officer)
    page.set_viewport_size(PHONE)
    page.goto(
        f"{live_server.url}/members/reorganisations/new/?kind=SPLIT&source={source.public_id}"
    )
    assert page_width(page) <= PHONE["width"]
    page.locator("#id_decision_number").fill("126-QĐ/ĐU")
    page.locator("#id_decision_date").fill("02/03/2026")
    page.locator("#id_issuing_body").fill("Đảng ủy phường Nguyễn Thái Bình")
    page.locator("#id_part_1").fill(f"{LONG} - Khu A")
    page.locator(f"#id_cell_{cells[1].public_id}").select_option("1")
    page.locator("#id_keep_source").check()
    page.locator("main form button[type=submit]").click()
    assert page.locator("[data-figure=members] strong").inner_text() == "1"
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path="/tmp/e2e-reorganisation-split-390.png", full_page=True)
