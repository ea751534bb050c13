"""A transfer between two chapters of this system through both secretaries' pages (issue 15,
item 1), both on a phone (390 px): the sending secretary transfers a member with the letter,
the receiving secretary opens the transfers page, accepts the member into a cell, and the
member is on the receiving register."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Handover, Member, RoleAssignment
from members.pickers import SELECT_AT_MOST
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def far(db):
    committee = CommitteeFactory(name="Đảng ủy phường Bến Thành")
    chapter = ChapterFactory(committee=committee, name="Chi bộ Khu phố 3")
    cell = CellFactory(chapter=chapter, name="Tổ Khu phố 3A")
    user = UserFactory(username="bithu_noiden")
    give_role(user, RoleAssignment.Role.SECRETARY, chapter=chapter)
    return chapter, cell, user


def test_a_transfer_through_both_secretaries_pages(
    login_as, live_server, page, secretary, member, far
):
    chapter, cell, receiver = far
    today = timezone.localdate()

    # The sending secretary, from the member's page, on a phone too.
    login_as(secretary)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    page.locator("#handover-new").click()
    assert page_width(page) <= PHONE["width"]
    expect(page.locator("#id_kind_0")).to_be_checked()  # permanent
    destination = page.locator("#id_to_chapter")
    expect(
        destination.locator("option", has_text="Chi bộ Khu phố 3 · Đảng ủy phường")
    ).to_have_count(1)
    destination.select_option(str(chapter.public_id))
    page.locator("#id_requested_on").fill(dmy(today - datetime.timedelta(days=3)))
    page.locator("#id_reason").fill("Chuyển công tác")
    page.locator("#id_document_number").fill("125-GGT/ĐU")
    page.locator("#id_document_date").fill(dmy(today - datetime.timedelta(days=2)))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#handover-outcome")).to_contain_text("Chi bộ Khu phố 3")
    assert page_width(page) <= PHONE["width"]
    page.locator("button[name=confirm]").click()
    expect(page.locator("#handover-letter")).to_contain_text("125-GGT/ĐU")
    handover = Handover.objects.get(member=member)
    assert handover.state == Handover.State.SENT

    # The receiving secretary, on a phone.
    page.context.clear_cookies()
    login_as(receiver)
    page.goto(f"{live_server.url}/members/")
    expect(page.locator("#transfers-link .badge")).to_contain_text("1")
    page.locator("#transfers-link").click()
    row = page.locator(f"[data-handover='{handover.public_id}']")
    expect(row).to_contain_text(member.full_name)
    expect(row).to_contain_text("125-GGT/ĐU")
    assert page_width(page) <= PHONE["width"]
    row.get_by_role("link", name=member.full_name).click()
    expect(page.locator("#member-summary")).to_contain_text(member.full_name)
    assert page_width(page) <= PHONE["width"]
    page.locator(f"a[href$='/transfers/{handover.public_id}/accept/']").click()
    page.locator("#id_presented_on").fill(dmy(today))
    page.locator("#id_cell").select_option(str(cell.public_id))
    page.locator("main form button[type=submit]").first.click()
    assert page_width(page) <= PHONE["width"]
    page.locator("button[name=confirm]").click()
    expect(page.locator("[data-state=ACCEPTED]").first).to_be_visible()

    # The member is on the receiving register, in the cell chosen.
    page.goto(f"{live_server.url}/members/")
    expect(page.locator("a:visible", has_text=member.full_name).first).to_be_visible()
    member.refresh_from_db()
    assert (member.chapter, member.cell, member.status) == (chapter, cell, Member.Status.OFFICIAL)


def test_the_destination_is_searched_across_the_tree(
    login_as, live_server, page, secretary, member
):
    """Beyond a drop-down's worth of chapters, the destination is typed and picked
    (members/pickers.py): any chapter of the tree, its committee beside its name."""
    far = CommitteeFactory(name="Đảng ủy xã Nam Sơn")
    for i in range(SELECT_AT_MOST):
        ChapterFactory(committee=far, name=f"Chi bộ Thôn {i:02d}")
    target = ChapterFactory(committee=far, name="Chi bộ Trường THCS Nguyễn Du")
    login_as(secretary)
    page.goto(f"{live_server.url}/members/{member.public_id}/transfer/")
    box = page.locator("#id_to_chapter")
    expect(box).to_have_attribute("role", "combobox")
    box.click()
    box.type("nguyen du")  # without diacritics
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option")).to_contain_text("Đảng ủy xã Nam Sơn")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("Chi bộ Trường THCS Nguyễn Du · Đảng ủy xã Nam Sơn")
    hidden = page.locator("input[type=hidden][name=to_chapter]")
    assert hidden.input_value() == str(target.public_id)
    page.locator("#id_requested_on").fill(dmy(timezone.localdate()))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text(
        "Chi bộ Trường THCS Nguyễn Du · Đảng ủy xã Nam Sơn"
    )
    expect(page.locator("button[name=confirm]")).to_be_visible()
