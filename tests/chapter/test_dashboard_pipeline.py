"""The dashboard counts each person once (issue 10, item 8): a case past the ceremony is a
probationary member on the roll's card, not also a candidate "in the admission process"."""

from urllib.parse import parse_qs, urlparse

import pytest

from admissions.models import Candidate
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-07-01")]
St = Candidate.Stage


@pytest.fixture
def pipeline(chapter):
    story = PipelineStory.build(chapter=chapter)
    return [
        story.candidate_at(St.POOL, full_name="Lê Thị Mai"),
        story.candidate_at(St.ADMISSION_DECIDED, full_name="Phạm Văn An"),
        story.candidate_at(St.ADMITTED, full_name="Đỗ Thị Hoa"),
    ]


def test_probationary_members_are_not_counted_twice(client, secretary, pipeline):
    client.force_login(secretary)
    response = client.get("/")
    roll = {figure_label: count for figure_label, count, _url, _style in response.context["roll"]}
    assert list(roll.values())[2] == 1  # the roll's "probationary" card: Đỗ Thị Hoa
    assert response.context["candidates_open"] == 2  # Lê Thị Mai and Phạm Văn An, not Hoa
    assert sum(bar.value for bar in response.context["stages"]) == 2
    stages = {parse_qs(urlparse(bar.url).query)["stage"][0] for bar in response.context["stages"]}
    assert stages == {St.POOL, St.ADMISSION_DECIDED}
    assert "Quần chúng đang trong quy trình kết nạp" in response.text


def test_the_card_links_to_the_same_cases(client, secretary, pipeline):
    client.force_login(secretary)
    url = client.get("/").context["candidates_url"]
    listed = client.get(url)
    names = sorted(row.candidate.full_name for row in listed.context["rows"])
    assert names == ["Lê Thị Mai", "Phạm Văn An"]


def test_the_board_still_shows_probation(client, secretary, pipeline):
    client.force_login(secretary)
    response = client.get("/admissions/")
    assert response.context["open_total"] == 3
