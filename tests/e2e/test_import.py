"""The secretary imports a spreadsheet: an error blocks the whole file; fixed, it imports."""

import pytest
from playwright.sync_api import expect

from members.models import Member, MemberEvent
from tests.members.factories import CellFactory
from tests.members.test_import import ROW, csv_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_import_a_csv_through_the_preview(login_as, live_server, secretary, chapter, tmp_path):
    CellFactory(chapter=chapter, name="Tổ 1")
    page = login_as(secretary)
    bad = tmp_path / "so-dang-vien.csv"
    bad.write_text(csv_text([{**ROW, "date_of_birth": "31/02/1980"}]), encoding="utf-8-sig")
    page.goto(f"{live_server.url}/members/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#import-confirm")).to_have_count(0)  # an error: nothing to confirm
    assert not Member.objects.exists()

    good = tmp_path / "so-dang-vien-da-sua.csv"
    good.write_text(csv_text([ROW]), encoding="utf-8-sig")
    page.goto(f"{live_server.url}/members/import/")
    page.locator("input[type=file]").set_input_files(str(good))
    page.locator("main form button[type=submit]").last.click()
    page.locator("#import-confirm").click()
    expect(page.locator("main")).to_contain_text(ROW["full_name"])
    member = Member.objects.get()
    assert member.full_name == ROW["full_name"]
    assert member.events.get().kind == MemberEvent.Kind.IMPORTED
