"""The board for a committee officer (issue 14): per unit of the committee tree, counted by one
GROUP BY, each column paginated ("more" brings the next cards of that column only, htmx), a
fixed number of queries whatever the size of the scope.

The tree: Tỉnh ủy → Đảng ủy Khối → Chi bộ A; Tỉnh ủy → Chi bộ B (a chapter on the top
committee itself). The officer reads the Tỉnh ủy.
"""

import datetime

import pytest
from django.urls import reverse

from admissions import board, services
from admissions.models import Candidate
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-08-01")]
St = Candidate.Stage
D = datetime.date
Role = RoleAssignment.Role


def add_pool(chapter, count, *, start=0, cell=None):
    for i in range(start, start + count):
        services.candidate_create(
            chapter=chapter,
            cell=cell,
            actor=None,
            day=D(2019, 1, 1) + datetime.timedelta(days=i),
            details={
                "full_name": f"Ứng viên {chapter.pk}-{i:03d}",
                "gender": "F",
                "date_of_birth": D(1996, 4, 2),
            },
        )


@pytest.fixture
def tree():
    top = CommitteeFactory(name="Tỉnh ủy Thử")
    bloc = CommitteeFactory(name="Đảng ủy Khối Thử", parent=top)
    chapter_a = ChapterFactory(name="Chi bộ A", committee=bloc)
    chapter_b = ChapterFactory(name="Chi bộ B", committee=top)
    story = PipelineStory.build(officials=6, chapter=chapter_a)
    # Chapter A: the decision (R11) was due 23/07/2019, overdue today; two in the pool.
    story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    add_pool(chapter_a, 2)
    add_pool(chapter_b, 1)
    officer = UserFactory(username="tinhuy")
    give_role(officer, Role.COMMITTEE_OFFICER, committee=top)
    return {"top": top, "bloc": bloc, "a": chapter_a, "b": chapter_b, "officer": officer}


def units_of(response) -> dict[str, tuple[int, int, int]]:
    return {u.obj.name: (u.open, u.awaiting_decision, u.overdue) for u in response.context["units"]}


def test_an_officer_drills_down_the_units_to_a_chapter(client, tree):
    client.force_login(tree["officer"])
    url = reverse("admissions:board")
    response = client.get(url)
    assert units_of(response) == {"Tỉnh ủy Thử": (4, 1, 1)}
    assert response.context["open_total"] == 4

    response = client.get(url, {"unit": tree["top"].public_id})
    assert units_of(response) == {"Đảng ủy Khối Thử": (3, 1, 1), "Chi bộ B": (1, 0, 0)}
    assert response.context["open_total"] == 4
    page = response.text
    assert f"?unit={tree['bloc'].public_id}" in page and f"?chapter={tree['b'].pk}" in page

    response = client.get(url, {"unit": tree["bloc"].public_id})
    assert units_of(response) == {"Chi bộ A": (3, 1, 1)}
    assert response.context["open_total"] == 3  # the columns count the unit's cases only
    assert [a.name for a in response.context["ancestors"]] == ["Tỉnh ủy Thử"]

    response = client.get(url, {"chapter": tree["a"].pk})
    assert response.context["units_page"] is None  # one chapter: its cards, no units
    assert "Nguyễn Văn An" in response.text and 'id="board-units"' not in response.text
    assert response.context["open_total"] == 3


def test_a_unit_out_of_reach_or_malformed_is_not_found(client, tree, secretary):
    elsewhere = CommitteeFactory(name="Tỉnh ủy Khác")
    client.force_login(tree["officer"])
    url = reverse("admissions:board")
    assert client.get(url, {"unit": elsewhere.public_id}).status_code == 404
    assert client.get(url, {"unit": "not-a-uuid"}).status_code == 404
    client.force_login(secretary)
    assert client.get(url, {"unit": tree["top"].public_id}).status_code == 404


def test_a_secretarys_board_lists_no_units(client, story_chapter, secretary):
    client.force_login(secretary)
    response = client.get(reverse("admissions:board"))
    assert response.context["units_page"] is None and response.context["units"] == []


@pytest.fixture
def story_chapter(chapter):
    add_pool(chapter, 2)
    return chapter


# A column's "more" --------------------------------------------------------------------------------


def test_more_brings_the_next_cards_of_that_column_only(client, chapter, secretary):
    extra = 3
    add_pool(chapter, board.CARDS_PER_COLUMN + extra)
    client.force_login(secretary)
    response = client.get(reverse("admissions:board"))
    (pool,) = [c for c in response.context["columns"] if c.stage == St.POOL]
    assert (len(pool.rows), pool.hidden, pool.next_offset) == (board.CARDS_PER_COLUMN, extra, 20)
    more = reverse("admissions:board-column", args=[St.POOL]) + "?offset=20"
    assert f'hx-get="{more}"' in response.text
    assert 'hx-target="closest li" hx-swap="outerHTML"' in response.text

    fragment = client.get(more, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    names = [row.candidate.full_name for row in fragment.context["column"].rows]
    assert names == [f"Ứng viên {chapter.pk}-{i:03d}" for i in range(20, 23)]  # in order
    assert fragment.text.count("autofocus") == 1  # the first new card takes the focus
    assert "hx-get" not in fragment.text  # nothing more
    beyond = client.get(reverse("admissions:board-column", args=[St.POOL]), {"offset": 99})
    assert beyond.context["column"].rows == [] and "No case" not in beyond.text


def test_more_keeps_the_filters_and_the_scope(client, chapter, cell, other_cell, cell_leader):
    add_pool(chapter, board.CARDS_PER_COLUMN + 2, cell=cell)
    add_pool(chapter, 4, start=100, cell=other_cell)
    client.force_login(cell_leader)
    url = reverse("admissions:board-column", args=[St.POOL])
    column = client.get(url, {"offset": 0}).context["column"]
    assert column.total == board.CARDS_PER_COLUMN + 2  # the cell leader's own cell only
    assert client.get(url, {"q": "khong co"}).context["column"].total == 0
    # Another cell's filter is not in the choices: ignored, the scope stays the leader's cell.
    other = client.get(url, {"cell": other_cell.pk, "offset": 20})
    assert other.context["column"].total == board.CARDS_PER_COLUMN + 2
    assert "-100" not in other.text and len(other.context["column"].rows) == 2


@pytest.mark.parametrize("stage", ["OFFICIAL", "NOPE"])
def test_only_a_board_column_has_more(client, secretary, stage):
    client.force_login(secretary)
    assert client.get(reverse("admissions:board-column", args=[stage])).status_code == 404


def test_a_malformed_offset_starts_at_the_first_card(client, chapter, secretary):
    add_pool(chapter, 2)
    client.force_login(secretary)
    url = reverse("admissions:board-column", args=[St.POOL])
    assert len(client.get(url, {"offset": "x"}).context["column"].rows) == 2
    assert len(client.get(url, {"offset": "-5"}).context["column"].rows) == 2


# A fixed number of queries -----------------------------------------------------------------------


def test_an_officers_board_runs_a_fixed_number_of_queries(client, tree, django_assert_num_queries):
    client.force_login(tree["officer"])
    url = reverse("admissions:board")
    params = {"unit": tree["top"].public_id}
    client.get(url, params)  # rules and the working-day calendar are cached per process
    with django_assert_num_queries(OFFICER_QUERIES):
        assert client.get(url, params).status_code == 200
    for n in range(3):
        chapter = ChapterFactory(committee=tree["bloc"])
        CellFactory(chapter=chapter)
        add_pool(chapter, 3 + n)
        PipelineStory.build(officials=3, chapter=chapter).candidate_at(
            St.INTRODUCED, full_name=f"Giới thiệu {n}"
        )
    client.get(url, params)  # the new chapters' cases counted and stored (reports.figures)
    with django_assert_num_queries(OFFICER_QUERIES):
        response = client.get(url, params)
    assert response.context["open_total"] == 4 + 4 + 5 + 6


# session, user, roles, the unit (a root: no ancestors), chapters (several?); the units: two
# counts and two pages; the columns' counts and the units' from the stored figures (the tree's
# stamps, the stored rows: reports.figures), the closed cases' too; the columns' first
# ids (one UNION ALL), their cases + 4 prefetches; the filter's chapters and cells
# (a scope this small keeps its drop-downs; a large one gets pickers that read the chosen unit)
OFFICER_QUERIES = 19


def test_more_runs_a_fixed_number_of_queries(client, chapter, secretary, django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("admissions:board-column", args=[St.POOL])
    add_pool(chapter, 2)
    client.get(url)
    with django_assert_num_queries(COLUMN_QUERIES):
        client.get(url)
    add_pool(chapter, 30, start=2)
    with django_assert_num_queries(COLUMN_QUERIES):
        assert len(client.get(url, {"offset": 20}).context["column"].rows) == 12


# session, user, roles, chapters (several?), the column's count, its page + 4 prefetches
COLUMN_QUERIES = 10
