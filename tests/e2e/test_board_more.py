"""A board column's "more" in the browser (issue 14): the next cards of that column only come in
place of the link (htmx), and the keyboard focus moves to the first new card; the officer's
board lists the units to drill down to a chapter."""

import datetime

import pytest
from playwright.sync_api import expect

from admissions import board, services
from admissions.models import Candidate
from members.models import RoleAssignment
from tests.members.factories import ChapterFactory, UserFactory, give_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
St = Candidate.Stage
D = datetime.date


def add_pool(chapter, count):
    for i in range(count):
        services.candidate_create(
            chapter=chapter,
            actor=None,
            day=D(2019, 1, 1) + datetime.timedelta(days=i),
            details={
                "full_name": f"Ứng viên {i:03d}",
                "gender": "F",
                "date_of_birth": D(1996, 4, 2),
            },
        )


def test_more_brings_the_next_cards_and_moves_the_focus(login_as, live_server, secretary, chapter):
    add_pool(chapter, board.CARDS_PER_COLUMN + 3)
    page = login_as(secretary)
    page.goto(f"{live_server.url}/admissions/")
    column = page.locator("#column-POOL").locator("xpath=ancestor::section")
    expect(column.locator(".adm-card")).to_have_count(board.CARDS_PER_COLUMN)
    column.locator(".adm-more a").click()
    expect(column.locator(".adm-card")).to_have_count(board.CARDS_PER_COLUMN + 3)
    expect(column.locator(".adm-more")).to_have_count(0)
    first_new = column.locator(".adm-card a").nth(board.CARDS_PER_COLUMN)
    expect(first_new).to_have_text("Ứng viên 020")
    expect(first_new).to_be_focused()


def test_an_officer_drills_down_to_a_chapter(login_as, live_server, chapter):
    ChapterFactory(committee=chapter.committee, name="Chi bộ khác")
    add_pool(chapter, 2)
    officer = UserFactory(username="capuy_e2e")
    give_role(officer, RoleAssignment.Role.COMMITTEE_OFFICER, committee=chapter.committee)
    page = login_as(officer)
    page.goto(f"{live_server.url}/admissions/")
    units = page.locator(".adm-units")
    expect(units).to_contain_text(chapter.committee.name)
    units.get_by_role("link", name=chapter.committee.name).click()
    units = page.locator(".adm-units")
    expect(units).to_contain_text(chapter.name)
    units.get_by_role("link", name=chapter.name).click()
    expect(page.locator(".adm-units")).to_have_count(0)
    expect(page.locator(".adm-card")).to_have_count(2)
