"""The dashboard at ``/`` (reports/views.py, reports/dashboard.py): the user's scope today, each
number linked to the people or cases behind it, charts without JavaScript or external files."""

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from admissions.models import Candidate
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member
from tests.querycount import with_reporting
from tests.reports.story import build_story

pytestmark = pytest.mark.django_db

D = datetime.date
St = Candidate.Stage
EXTERNAL = re.compile(r"""(src|href|xlink:href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)
TODAY = datetime.datetime(2019, 12, 31, 10, 0)
# The story's ledger runs into 2020 (m4 removed 20/03/2020): it is entered then, read at TODAY.
RECORDED = D(2020, 6, 1)


@pytest.fixture
def login(client, request):
    def login_as(name):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(request.getfixturevalue(name))
        return client

    return login_as


@pytest.fixture
def story(chapter, cell, other_cell):
    """The hand-counted chapter of tests/reports/story.py."""
    return build_story(chapter, cell, other_cell)


def follow_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_post_is_refused(login):
    assert login("secretary").post("/").status_code == 405


def test_a_user_without_a_role_gets_an_explanation(login):
    response = login("user").get("/")
    assert response.status_code == 200
    assert "Your account has no role yet" in response.text
    assert "roll" not in response.context
    assert response.text.count("<h1") == 1


@pytest.mark.freeze_time(RECORDED)
def test_the_roll_and_this_years_movements(login, story, time_machine):
    time_machine.move_to(TODAY)
    client = login("secretary")
    response = client.get("/")
    context = response.context
    assert [(count, style) for _label, count, _url, style in context["roll"]] == [
        (7, "danger"),
        (6, "success"),
        (1, "warning"),
    ]
    assert [count for _label, count, _url in context["year"]] == [1, 1, 2, 1]
    assert context["year_start"] == D(2019, 1, 1)
    # Every number links to the people behind it, and the list is as long as the number.
    for _label, count, url, _style in context["roll"]:
        assert follow_count(client, url) == count
    for _label, count, url in context["year"]:
        assert follow_count(client, url) == count
    for bar in context["cells"]:
        assert follow_count(client, bar.url) == bar.value
    assert sum(bar.value for bar in context["cells"]) == 7


@pytest.mark.freeze_time(RECORDED)
def test_admissions_per_quarter(login, story, time_machine):
    time_machine.move_to(TODAY)
    response = login("secretary").get("/")
    quarters = response.context["quarters"]
    assert [bar.label for bar in quarters][-1] == "Q4 2019"
    assert [bar.value for bar in quarters] == [0, 0, 0, 0, 1, 0, 0, 0]  # m4, 08/03/2019
    first_2019 = quarters[4]
    assert first_2019.size == 100
    query = parse_qs(urlparse(first_2019.url).query)
    assert (query["from"], query["to"], query["figure"]) == (
        ["2019-01-01"],
        ["2019-03-31"],
        ["admitted"],
    )


@pytest.mark.freeze_time(RECORDED)
def test_a_cell_leader_sees_their_cell(login, story, time_machine):
    time_machine.move_to(TODAY)
    response = login("cell_leader").get("/")
    assert response.context["roll"][0][1] == 3  # m1, m3, m4
    assert [bar.label for bar in response.context["cells"]] == [story.cell.name]
    assert story.cell.name in response.context["scope_label"]


@pytest.fixture
def pipeline(chapter):
    story = PipelineStory.build(chapter=chapter)
    cases = [
        story.candidate_at(St.POOL, full_name="Lê Thị Mai"),
        story.candidate_at(St.DOSSIER_OPEN, full_name="Phạm Văn An"),
        story.candidate_at(St.CHAPTER_APPROVED, full_name="Đỗ Thị Hoa"),
    ]
    return story, cases


@pytest.mark.freeze_time(TODAY)
def test_candidates_by_stage_and_deadlines(login, pipeline):
    client = login("secretary")
    response = client.get("/")
    stages = {bar.label: bar for bar in response.context["stages"]}
    assert {label: bar.value for label, bar in stages.items()} == {
        "Outstanding non-member": 1,
        "Application filed": 1,
        "Approved by the chapter": 1,
    }
    assert response.context["candidates_open"] == 3
    approved = stages["Approved by the chapter"]
    assert parse_qs(urlparse(approved.url).query)["stage"] == [St.CHAPTER_APPROVED]
    listed = client.get(approved.url)
    assert [row.candidate.full_name for row in listed.context["rows"]] == ["Đỗ Thị Hoa"]
    # The chapter voted on 27/04/2019: the committee's decision (R11) is long overdue.
    names = [candidate.full_name for candidate, _deadline in response.context["deadlines"]]
    assert "Đỗ Thị Hoa" in names
    assert "Đỗ Thị Hoa" in response.text and "overdue" in response.text


def test_charts_need_no_external_file_or_script(login, pipeline):
    text = login("secretary").get("/").text
    assert not EXTERNAL.search(text)
    assert "rpt-bars" in text and "rpt-columns" in text
    assert "<script" not in text.split('<main id="main"')[1].split("</main>")[0]


def _scope_of(size: int, candidates: int):
    chapter = ChapterFactory()
    cells = [CellFactory(chapter=chapter) for _ in range(3)]
    for i in range(size):
        register_member(cell=cells[i % 3])
    story = PipelineStory.build(chapter=chapter, officials=3)
    for i in range(candidates):
        story.candidate_at(St.INTRODUCED, full_name=f"Ứng viên {i}")
    user = get_user_model().objects.create_user(f"bt{size}", password="pw")
    give_role(user, RoleAssignment.Role.SECRETARY, chapter=chapter)
    return user


@pytest.mark.parametrize(("size", "candidates"), [(3, 1), (30, 4)])
def test_dashboard_runs_a_fixed_number_of_queries(
    client, size, candidates, django_assert_num_queries
):
    client.force_login(_scope_of(size, candidates))
    # session, user, roles, chapters; the roll with its cells (one grouped query) + the cells'
    # names; year; quarters; stages; due soon: the first rows and their count (stored due
    # dates), the working-day calendar; next year's badges: members + their ledger entries
    # (ratings.badges); temporary transfers overstayed
    with django_assert_num_queries(with_reporting(15, 1)):
        response = client.get("/")
    assert response.context["roll"][0][1] == size + 3
    assert response.context["candidates_open"] == candidates


def test_a_committee_officer_sees_members_by_chapter(login, story, committee_officer):
    other_chapter = ChapterFactory(committee=story.chapter.committee)
    register_member(other_chapter)
    client = login("committee_officer")
    response = client.get("/")
    assert response.context["cells_title"] == "Members by chapter"
    bars = {bar.label: bar for bar in response.context["cells"]}
    assert {label: bar.value for label, bar in bars.items()} == {
        story.chapter.name: 6,  # today: m4 left the probationary list in 2020
        other_chapter.name: 1,
    }
    assert follow_count(client, bars[other_chapter.name].url) == 1
