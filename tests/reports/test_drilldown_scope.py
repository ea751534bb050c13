"""The drill-down page names chapters and cells only from the user's scope (members.access).

An out-of-scope chapter or cell, an integer key, a NUL byte or an unknown value is a 404 whose
body never carries the unit's name; a member's former cell outside a cell leader's scope is
counted as "another cell", never named.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from reports import queries
from tests.members.factories import CellFactory, ChapterFactory, register_member

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:report")
PEOPLE = reverse("reports:people")
BEFORE_M5_MOVED = "2018-12-31"  # m5 was in ``cell`` (A) then; now in ``other_cell`` (B)


@pytest.fixture
def login(client, request):
    def login_as(name):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(request.getfixturevalue(name))
        return client

    return login_as


def people(client, **params):
    return client.get(f"{PEOPLE}?{urlencode(params)}")


def people_ids(response) -> set[int]:
    return {member.pk for member, _status in response.context["rows"]}


def test_another_chapter_is_not_found_and_not_named(login, story, outsider):
    client = login("outsider")
    response = people(client, figure="by_chapter", value=str(story.chapter.public_id))
    assert response.status_code == 404
    assert story.chapter.name not in response.content.decode()


def test_another_cell_is_not_found_and_not_named(login, story, cell_leader):
    client = login("cell_leader")
    response = people(client, figure="by_cell", value=str(story.other_cell.public_id))
    assert response.status_code == 404
    assert story.other_cell.name not in response.content.decode()
    # Their own cell is named.
    own = people(client, figure="by_cell", value=str(story.cell.public_id), as_of="2020-02-05")
    assert own.status_code == 200
    assert own.context["value_label"] == story.cell.name


def test_a_cell_of_another_committee_is_not_found(login, story, committee_officer):
    elsewhere = CellFactory(chapter=ChapterFactory(), name="Tổ ở nơi khác")
    register_member(cell=elsewhere)
    response = people(login("committee_officer"), figure="by_cell", value=str(elsewhere.public_id))
    assert response.status_code == 404
    assert elsewhere.name not in response.content.decode()


@pytest.mark.parametrize(
    ("figure", "value"),
    [
        ("by_cell", "1"),  # integer keys are never in a URL
        ("by_chapter", "1"),
        ("by_cell", "00000000-0000-0000-0000-000000000000"),
        ("by_chapter", "00000000-0000-0000-0000-000000000000"),
        ("by_cell", "abc\x00"),
        ("ethnicity", "Kinh\x00"),
        ("religion", "x" * 500),
    ],
)
def test_bad_values_are_not_found(login, story, secretary, figure, value):
    # A NUL is refused before any view, by chapter.middleware (the "bad request" page).
    expected = 400 if "\x00" in value else 404
    assert people(login("secretary"), figure=figure, value=value).status_code == expected


def test_cell_keys_on_the_report_are_public_ids(login, story, secretary):
    response = login("secretary").get(f"{REPORT}?as_of=2020-02-05")
    values = {row.value for row in response.context["snapshot"].breakdown("by_cell").rows}
    assert values == {str(story.cell.public_id), str(story.other_cell.public_id), queries.NO_VALUE}
    assert f"value={story.cell.pk}&" not in response.content.decode()


def test_a_former_cell_outside_the_scope_is_counted_not_named(login, story, other_cell_leader):
    client = login("other_cell_leader")
    report = client.get(f"{REPORT}?as_of={BEFORE_M5_MOVED}")
    rows = report.context["snapshot"].breakdown("by_cell").rows
    assert {(row.value, row.count) for row in rows} == {
        (str(story.other_cell.public_id), 2),
        (queries.OTHER_VALUE, 1),
    }
    assert story.cell.name not in report.content.decode()

    listed = people(client, figure="by_cell", value=queries.OTHER_VALUE, as_of=BEFORE_M5_MOVED)
    assert listed.status_code == 200
    assert people_ids(listed) == {story.m5.pk}
    assert listed.context["value_label"] == "Another cell"
    assert story.cell.name not in listed.content.decode()


def test_the_secretary_still_sees_every_cell_name(login, story, secretary):
    response = people(login("secretary"), figure="on_roll", as_of=BEFORE_M5_MOVED)
    names = {member.pk: member.cell_on_name for member, _status in response.context["rows"]}
    assert names[story.m5.pk] == story.cell.name
    assert datetime.date(2018, 12, 31) == response.context["day"]
