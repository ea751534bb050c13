"""The report page and the drill-down page (reports/views.py): figures, scope, access, cost."""

import datetime
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from members.models import RoleAssignment
from reports import queries
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member
from tests.querycount import with_reporting
from tests.reports.story import AS_OF

pytestmark = pytest.mark.django_db

D = datetime.date
REPORT = reverse("reports:report")
PEOPLE = reverse("reports:people")
URLS = (
    REPORT,
    PEOPLE + "?figure=on_roll",
    reverse("reports:export-figures"),
    reverse("reports:export-register"),
)


@pytest.fixture
def login(client, request):
    """Log in as the actor fixture named ``name`` (None: stay anonymous), English pages."""

    def login_as(name):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if name is not None:
            client.force_login(request.getfixturevalue(name))
        return client

    return login_as


def get(client, url, **params):
    return client.get(f"{url}?{urlencode(params)}" if params else url)


def response_rows(response, figure: str) -> dict[str, int]:
    breakdown = response.context["snapshot"].breakdown(figure)
    return {row.value: row.count for row in breakdown.rows}


def people_ids(response) -> set[int]:
    return {member.pk for member, _status in response.context["rows"]}


# Access matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_user_without_a_role_is_told_why_there_is_nothing(login):
    client = login("user")
    response = client.get(REPORT)
    assert response.status_code == 200
    assert "Your account has no role yet" in response.text
    assert "snapshot" not in response.context
    for url in URLS[1:]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("actor", "on_roll"),
    [
        ("outsider", 0),  # a secretary of another chapter, with no members yet
        ("cell_leader", 3),  # cell A now: m1, m3, m4
        ("other_cell_leader", 3),  # cell B now: m2, m5, m7
        ("secretary", 7),
        ("committee_officer", 7),
        ("admin_user", 7),
    ],
)
def test_each_role_counts_its_own_scope(login, story, actor, on_roll):
    response = get(login(actor), REPORT, as_of=AS_OF.isoformat())
    assert response.status_code == 200
    assert response.context["snapshot"].on_roll == on_roll


@pytest.mark.parametrize("url", URLS)
def test_an_outsider_gets_404_for_another_chapters_filter(login, story, url):
    client = login("outsider")
    separator = "&" if "?" in url else "?"
    for param in (f"chapter={story.chapter.public_id}", f"cell={story.cell.public_id}"):
        assert client.get(f"{url}{separator}{param}").status_code == 404, param


def test_a_cell_leader_may_not_pick_another_cell(login, story):
    client = login("cell_leader")
    assert get(client, REPORT, cell=story.other_cell.public_id).status_code == 404
    assert get(client, REPORT, cell=story.cell.public_id).status_code == 200


# The register's POST starts a large scope's background job (tests/reports/test_export_task.py).
@pytest.mark.parametrize("url", [url for url in URLS if url != reverse("reports:export-register")])
def test_pages_are_read_only(login, url):
    assert login("secretary").post(url).status_code == 405


def test_the_register_takes_a_post_and_nothing_else(login):
    client = login("secretary")
    url = reverse("reports:export-register")
    assert client.post(url).status_code == 200  # one chapter: the file at once, no job
    assert client.put(url).status_code == 405 and client.delete(url).status_code == 405


# The report ---------------------------------------------------------------------------------


def test_as_of_in_the_query_string_is_iso(login, story):
    response = get(login("secretary"), REPORT, **{"as_of": "2020-02-05", "from": "2019-01-01"})
    context = response.context
    assert context["snapshot"].day == AS_OF
    assert (context["period"].start, context["period"].end) == (D(2019, 1, 1), AS_OF)
    assert context["params"]["as_of"] == "2020-02-05"
    # The form shows the dates the Vietnamese way.
    assert 'value="05/02/2020"' in response.text


def test_dates_typed_day_first_are_read(login, story):
    response = get(login("secretary"), REPORT, **{"as_of": "05/02/2020", "from": "01/01/2019"})
    assert response.context["snapshot"].day == AS_OF
    assert response.context["period"].start == D(2019, 1, 1)


@pytest.mark.freeze_time("2026-08-20")
def test_defaults_today_and_the_quarter_so_far(login, story):
    context = login("secretary").get(REPORT).context
    assert context["snapshot"].day == D(2026, 8, 20)
    assert (context["period"].start, context["period"].end) == (D(2026, 7, 1), D(2026, 8, 20))


def test_a_period_that_ends_before_it_starts_is_an_error(login, story):
    response = get(login("secretary"), REPORT, **{"from": "2020-01-01", "to": "2019-01-01"})
    assert response.status_code == 200
    assert "The period ends before it starts." in response.text
    assert "snapshot" not in response.context


def test_report_shows_every_figure_as_a_link_to_its_people(login, story):
    client = login("secretary")
    response = get(
        client, REPORT, **{"as_of": "2020-02-05", "from": "2019-01-01", "to": "2019-12-31"}
    )
    links = [href for href in _hrefs(response.text) if href.startswith(PEOPLE)]
    figures = {parse_qs(urlparse(link).query)["figure"][0] for link in links}
    shown_figures = {
        *queries.ROLL_FIGURES,
        # by chapter when there are several chapters, by unit when there are many
        *(set(queries.DIMENSIONS) - {"by_chapter", "by_unit"}),
        *(f for f, count in response.context["period"].counts.items() if count),
    }
    assert shown_figures <= figures
    # Each link gives a list as long as the number it sits on.
    for link in links:
        number = _number_before(response.text, link)
        listed = client.get(link)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == number, link


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def _number_before(html: str, link: str) -> int:
    """The number a link shows: the first integer in the link's text."""
    escaped = link.replace("&", "&amp;")
    start = html.index(f'href="{escaped}"')
    text = html[start : html.index("</a>", start)]
    return int(re.search(r">\s*(\d+)\s*(<|$)", text).group(1))


def test_demo_as_published_on_5_february_2020(client):
    call_command("seed_demo", as_published=True, verbosity=0)
    client.force_login(get_user_model().objects.get(username="bithu"))
    response = get(
        client, REPORT, **{"as_of": "2020-02-05", "from": "2018-05-14", "to": "2020-02-05"}
    )
    snapshot, period = response.context["snapshot"], response.context["period"]
    assert (snapshot.on_roll, snapshot.official, snapshot.probationary) == (50, 40, 10)
    assert (period.admitted, period.transferred_in) == (10, 12)
    assert response.context["closing"] == 50
    # The public contract alone: the day in the query string.
    response = client.get(REPORT + "?as_of=2020-02-05")
    assert (response.context["snapshot"].on_roll, response.context["snapshot"].official) == (50, 40)


def test_committee_officer_may_narrow_to_a_chapter_and_a_cell(login, story, committee_officer):
    other_chapter = ChapterFactory(committee=story.chapter.committee)
    register_member(other_chapter)
    client = login("committee_officer")
    assert get(client, REPORT, as_of=AS_OF.isoformat()).context["snapshot"].on_roll == 8
    narrowed = get(client, REPORT, as_of=AS_OF.isoformat(), chapter=story.chapter.public_id)
    assert narrowed.context["snapshot"].on_roll == 7
    assert narrowed.context["scope_label"] == story.chapter.name
    by_cell = get(client, REPORT, as_of=AS_OF.isoformat(), cell=story.other_cell.public_id)
    assert by_cell.context["snapshot"].on_roll == 3
    chapters = response_rows(get(client, REPORT, as_of=AS_OF.isoformat()), "by_chapter")
    assert chapters == {str(story.chapter.public_id): 7, str(other_chapter.public_id): 1}
    listed = get(client, PEOPLE, figure="by_chapter", value=other_chapter.public_id)
    assert listed.context["page"].paginator.count == 1
    assert listed.context["value_label"] == other_chapter.name
    mismatched = get(
        client, REPORT, chapter=other_chapter.public_id, cell=story.other_cell.public_id
    )
    assert "This cell belongs to another chapter." in mismatched.text


# The people behind a figure -----------------------------------------------------------------


def test_people_lists_the_members_behind_a_figure(login, story):
    client = login("secretary")
    response = get(client, PEOPLE, figure="official", as_of="2019-05-01")
    assert people_ids(response) == {
        m.pk for m in (story.m1, story.m2, story.m3, story.m6, story.m7)
    }
    assert story.m1.get_absolute_url() in response.text
    response = get(
        client, PEOPLE, figure="by_cell", value=str(story.other_cell.public_id), as_of="2020-02-05"
    )
    assert people_ids(response) == {story.m2.pk, story.m5.pk, story.m7.pk}
    response = get(client, PEOPLE, figure="by_cell", value="none", as_of="2020-02-05")
    assert people_ids(response) == {story.m8.pk}
    response = get(
        client, PEOPLE, figure="transferred_in", **{"from": "2019-01-01", "to": "2019-12-31"}
    )
    assert people_ids(response) == {story.m5.pk, story.m8.pk}
    assert "Date of the movement" in response.text


def test_people_respects_the_scope(login, story):
    response = get(login("cell_leader"), PEOPLE, figure="on_roll", as_of="2020-02-05")
    assert people_ids(response) == {story.m1.pk, story.m3.pk, story.m4.pk}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"figure": "nonsense"},
        {"figure": "age", "value": "90-99"},
        {"figure": "sex", "value": "X"},
        {"figure": "by_cell", "value": "not-a-uuid"},
        {"figure": "official", "as_of": "31/02/2020"},
    ],
)
def test_people_refuses_what_it_does_not_know(login, story, params):
    assert get(login("secretary"), PEOPLE, **params).status_code == 404


# Cost ---------------------------------------------------------------------------------------


def _chapter_of(size: int):
    chapter = ChapterFactory()
    cells = [CellFactory(chapter=chapter) for _ in range(3)]
    for i in range(size):
        register_member(cell=cells[i % 3])
    user = get_user_model().objects.create_user(f"bt{size}", password="pw")
    give_role(user, RoleAssignment.Role.SECRETARY, chapter=chapter)
    return user


@pytest.mark.parametrize("size", [3, 30])
def test_report_page_runs_a_fixed_number_of_queries(client, size, django_assert_num_queries):
    client.force_login(_chapter_of(size))
    # session, user, roles; chapters; snapshot (one grouped query, the cells' and chapters'
    # names); period; opening; closing; the cell choices; the ratings by year
    with django_assert_num_queries(with_reporting(12, 3)):
        response = client.get(REPORT + "?as_of=2020-02-05")
    assert response.context["snapshot"].on_roll == size


@pytest.mark.parametrize("size", [3, 30])
def test_people_page_runs_a_fixed_number_of_queries(client, size, django_assert_num_queries):
    client.force_login(_chapter_of(size))
    with django_assert_num_queries(6):
        response = client.get(PEOPLE + "?figure=official&as_of=2020-02-05")
    assert response.context["page"].paginator.count == size
