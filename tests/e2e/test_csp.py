"""Under the Content-Security-Policy the pages work and the browser refuses nothing: Bootstrap's
menu, htmx's live search, the report charts and the Django admin."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from admissions.models import Candidate
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page):
    """Every CSP refusal the browser reports (it logs each one on the console)."""
    found = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            found.append(text)

    page.on("console", on_console)
    return found


@pytest.fixture
def chapter_with_members(db):
    chapter = ChapterFactory()
    cell = CellFactory(chapter=chapter, name="Tổ 1")
    register_member(cell=cell, full_name="Nguyễn Thị Hồng", gender="F")
    register_member(cell=cell, full_name="Trần Văn Bình", gender="M")
    user = get_user_model().objects.create_user("bithu", password="pw")
    give_role(user, RoleAssignment.Role.SECRETARY, chapter=chapter)
    return user


def test_pages_htmx_and_charts_work_with_nothing_refused(
    page, live_server, login_as, chapter_with_members, violations
):
    login_as(chapter_with_members)
    page.goto(f"{live_server.url}/members/")
    page.locator("input[name=q]").fill("tran van")
    expect(page.locator("#member-results")).to_contain_text("Trần Văn Bình")
    expect(page.locator("#member-results")).not_to_contain_text("Nguyễn Thị Hồng")
    assert "q=tran" in page.url  # hx-push-url
    for path in ("/", "/reports/", "/admissions/", "/admissions/list/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
    page.goto(f"{live_server.url}/reports/")
    fill = page.locator(".rpt-share-fill").first
    expect(fill).to_be_visible()
    assert fill.evaluate("e => e.getBoundingClientRect().width") > 0  # the width class applied
    assert violations == []


def test_the_admin_works_with_nothing_refused(page, live_server, login_as, violations):
    admin = get_user_model().objects.create_superuser("quantri", password="pw")
    register_member(cell=CellFactory(name="Tổ 1"), full_name="Lê Văn An")
    login_as(admin)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#content")).to_be_visible()
    page.goto(f"{live_server.url}/admin/members/member/")
    expect(page.locator("#result_list")).to_contain_text("Lê Văn An")
    page.locator("#result_list a").first.click()
    expect(page.locator("form")).not_to_have_count(0)
    # A change form with autocomplete (select2) and the history page.
    candidate = PipelineStory.build().candidate_at(Candidate.Stage.COURSE_DONE)
    change = f"{live_server.url}/admin/admissions/candidate/{candidate.pk}/change/"
    page.goto(change)
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-results")).to_be_visible()
    page.goto(f"{change[: -len('change/')]}history/")
    expect(page.locator("#content")).to_be_visible()
    assert violations == []
