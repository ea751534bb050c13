"""The secretary records a chapter vote in the browser: a short vote is kept as failed, with a
warning first; a two-thirds vote moves the case on."""

import pytest
from playwright.sync_api import expect

from admissions.models import Candidate, Resolution
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
St = Candidate.Stage


def test_chapter_vote_in_the_browser(login_as, live_server, secretary, chapter):
    story = PipelineStory.build(officials=6, chapter=chapter)
    candidate = story.candidate_at(St.INTRODUCED)
    page = login_as(secretary)
    page.goto(f"{live_server.url}{candidate.get_absolute_url()}step/vote/")

    def vote(votes_for: int, against: int) -> None:
        page.locator("#id_date").fill(story.day("vote").strftime("%d/%m/%Y"))
        page.locator("#id_number").fill("01-NQ/CB")
        page.locator("#id_present").fill("6")
        page.locator("#id_votes_for").fill(str(votes_for))
        page.locator("#id_votes_against").fill(str(against))
        page.locator("main form button[type=submit]").last.click()

    vote(3, 3)  # 3 x 3 < 2 x 6: the form warns before anything is recorded
    expect(page.locator(".alert-warning").first).to_contain_text("R8")
    assert not Resolution.objects.exists()
    page.locator("#id_acknowledge").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}{candidate.get_absolute_url()}")
    assert Resolution.objects.get().passed is False

    page.goto(f"{live_server.url}{candidate.get_absolute_url()}step/vote/")
    vote(4, 2)  # exactly two thirds passes
    page.wait_for_url(f"{live_server.url}{candidate.get_absolute_url()}")
    candidate.refresh_from_db()
    assert candidate.stage == St.CHAPTER_APPROVED
    expect(page.locator("h1")).to_contain_text(candidate.full_name)
