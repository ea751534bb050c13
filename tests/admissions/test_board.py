"""The pipeline board, the list of cases, the due-soon deadlines and probation tracking: what they
show, how they filter, and a fixed number of queries whatever the number of candidates."""

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from admissions import queries, services
from admissions.models import BOARD_STAGES, Candidate, Extension, Form
from chapter.documents import Document
from tests.admissions.factories import PipelineStory
from tests.members.factories import CellFactory, ChapterFactory, register_member

pytestmark = pytest.mark.django_db
St = Candidate.Stage
D = datetime.date
# Story dates: vote 27/04/2019 → decision due 23/07/2019 (R11, 60 WD, 29/04-01/05 off and
# Saturday 04/05 worked); received 20/05/2019 → ceremony due 01/07/2019 (R12, 30 WD);
# ceremony 27/05/2019 → official 27/05/2020 → confirmation vote due 08/07/2020 (R14, 30 WD).
DECISION_DUE, CEREMONY_DUE, CONFIRMATION_VOTE_DUE = D(2019, 7, 23), D(2019, 7, 1), D(2020, 7, 8)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(D(2019, 6, 24), tick=False):  # a Monday
        yield


@pytest.fixture
def story(chapter, cell):
    officials = [register_member(cell=cell) for _ in range(6)]
    return PipelineStory(chapter=chapter, cell=cell, officials=officials)


def fill(story, names_and_stages):
    return {name: story.candidate_at(stage, full_name=name) for name, stage in names_and_stages}


SPREAD = [
    St.POOL, St.COURSE_DONE, St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED, St.INTRODUCED,
    St.CHAPTER_APPROVED, St.ADMISSION_DECIDED, St.ADMITTED,
]  # fmt: skip


def spread(story, count, start=0):
    return fill(story, [(f"Ứng viên {start + i}", SPREAD[i % len(SPREAD)]) for i in range(count)])


# The board ---------------------------------------------------------------------------------------


def test_board_has_a_column_per_stage_with_counts_and_coloured_deadlines(client, story, secretary):
    cases = fill(
        story,
        [
            ("Lê Thị Mai", St.POOL),
            ("Nguyễn Văn An", St.CHAPTER_APPROVED),  # decision due 23/07: not yet soon
            ("Trần Thị Bích", St.ADMISSION_DECIDED),  # ceremony due 01/07: soon
            ("Phạm Văn Cường", St.ADMISSION_DECIDED),
        ],
    )
    client.force_login(secretary)
    response = client.get(reverse("admissions:board"))
    assert response.status_code == 200
    columns = {column.stage: column for column in response.context["columns"]}
    assert list(columns) == BOARD_STAGES
    assert len(columns[St.ADMISSION_DECIDED].rows) == 2
    assert len(columns[St.SYMPATHISER].rows) == 0
    for stage in BOARD_STAGES:
        assert f'id="column-{stage}"' in response.text
    states = {
        row.candidate.full_name: (row.state, row.deadline)
        for c in columns.values()
        for row in c.rows
    }
    assert states["Lê Thị Mai"] == ("", None)
    assert states["Nguyễn Văn An"][0] == "ok"
    assert states["Nguyễn Văn An"][1].due == DECISION_DUE
    assert states["Trần Thị Bích"][0] == "soon"
    assert states["Trần Thị Bích"][1].due == CEREMONY_DUE
    assert "text-bg-warning" in response.text and "01/07/2019" in response.text
    assert cases["Lê Thị Mai"].get_absolute_url() in response.text

    with time_machine.travel(D(2019, 7, 3), tick=False):
        client.force_login(secretary)
        response = client.get(reverse("admissions:board"))
    rows = {r.candidate.full_name: r for c in response.context["columns"] for r in c.rows}
    assert rows["Trần Thị Bích"].state == "overdue"
    assert "adm-overdue" in response.text and "text-bg-danger" in response.text


def test_a_recorded_consent_mutes_the_ceremony_deadline(client, story, secretary):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    services.candidate_add_extension(
        candidate_id=candidate.pk, actor=None, kind=Extension.Kind.CEREMONY,
        paper=Document(number="CV-12", date=D(2019, 6, 20), issuing_body="Đảng ủy Khối"),
    )  # fmt: skip
    client.force_login(secretary)
    with time_machine.travel(D(2019, 7, 3), tick=False):
        client.force_login(secretary)
        response = client.get(reverse("admissions:board"))
    (row,) = [r for c in response.context["columns"] for r in c.rows]
    assert row.deadline.excused and row.state == "ok"


def test_board_is_scoped_and_filtered(client, story, secretary, cell_leader, other_cell):
    fill(story, [("Lê Thị Mai", St.POOL), ("Nguyễn Văn An", St.DOSSIER_OPEN)])
    other = services.candidate_create(
        chapter=story.chapter, cell=other_cell, actor=None, day=D(2019, 1, 7),
        details={"full_name": "Đỗ Văn Khoa", "gender": "M", "date_of_birth": D(1995, 1, 1)},
    )  # fmt: skip
    url = reverse("admissions:board")
    client.force_login(secretary)
    assert other.full_name in client.get(url).text
    assert "Lê Thị Mai" not in client.get(url, {"cell": other_cell.pk}).text
    found = client.get(url, {"q": "le thi"}).text  # no diacritics, any case
    assert "Lê Thị Mai" in found and "Nguyễn Văn An" not in found
    assert 'name="chapter"' not in found  # one chapter: no chapter filter

    client.force_login(cell_leader)
    page = client.get(url).text
    assert "Lê Thị Mai" in page and other.full_name not in page


def test_an_administrator_filters_by_chapter(client, story, admin_user):
    fill(story, [("Lê Thị Mai", St.POOL)])
    elsewhere = PipelineStory.build(officials=1)
    elsewhere.candidate_at(St.POOL, full_name="Hồ Văn Tâm")
    client.force_login(admin_user)
    page = client.get(reverse("admissions:board")).text
    assert 'name="chapter"' in page and "Hồ Văn Tâm" in page
    page = client.get(reverse("admissions:board"), {"chapter": story.chapter.pk}).text
    assert "Lê Thị Mai" in page and "Hồ Văn Tâm" not in page


def test_closed_cases_are_counted_under_the_board_and_listed(client, story, secretary):
    cases = fill(story, [("Lê Thị Mai", St.POOL), ("Nguyễn Văn An", St.COURSE_DONE)])
    services.candidate_withdraw(
        candidate_id=cases["Nguyễn Văn An"].pk, actor=None, day=D(2019, 6, 1), reason="Xin rút"
    )
    client.force_login(secretary)
    response = client.get(reverse("admissions:board"))
    assert "Nguyễn Văn An" not in response.text
    assert response.context["closed"][0] == 1
    closed_url = response.context["closed_url"]
    assert closed_url.endswith("?stage=CLOSED") and closed_url in response.text
    listed = client.get(closed_url).text
    assert "Nguyễn Văn An" in listed and "Lê Thị Mai" not in listed


def test_a_third_failed_vote_flags_the_card(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED, full_name="Lê Thị Mai")
    client.force_login(secretary)
    for number, day in enumerate([D(2019, 4, 27), D(2019, 5, 4), D(2019, 5, 11)], 1):
        vote = services.Vote(date=day, number=str(number), present=6, votes_for=3, votes_against=3)
        services.candidate_chapter_vote(candidate_id=candidate.pk, actor=None, vote=vote)
        rows = client.get(reverse("admissions:board")).context["columns"]
        (row,) = [r for c in rows for r in c.rows]
        assert row.escalate is (number == 3)


def test_board_query_count_is_constant(client, story, secretary, django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("admissions:board")
    spread(story, 2)
    client.get(url)  # rules and working-day calendar are cached per process
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get(url).status_code == 200
    spread(story, 10, start=2)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(url, {"q": "ung vien"})
    assert sum(len(c.rows) for c in response.context["columns"]) == 12


# session, user, roles, chapters, cells, closed count, stage totals, the columns' first ids (one
# UNION ALL), their cases + 4 prefetches
BOARD_QUERIES = 13


def test_a_long_column_shows_its_longest_waiting_cards_and_links_to_the_rest(
    client, story, secretary
):
    from admissions.board import CARDS_PER_COLUMN

    extra = 2
    for i in range(CARDS_PER_COLUMN + extra):
        services.candidate_create(
            chapter=story.chapter,
            actor=None,
            day=D(2019, 1, 1) + datetime.timedelta(days=i),
            details={
                "full_name": f"Ứng viên {i:02d}",
                "gender": "F",
                "date_of_birth": D(1996, 4, 2),
            },
        )
    client.force_login(secretary)
    response = client.get(reverse("admissions:board"))
    (pool,) = [c for c in response.context["columns"] if c.stage == St.POOL]
    assert pool.total == CARDS_PER_COLUMN + extra
    assert len(pool.rows) == CARDS_PER_COLUMN and pool.hidden == extra
    assert pool.rows[0].candidate.full_name == "Ứng viên 00"  # longest in the stage first
    assert f"?stage={St.POOL}" in response.text


# The list ----------------------------------------------------------------------------------------


def test_list_filters_by_stage_and_source(client, story, secretary):
    fill(story, [("Lê Thị Mai", St.POOL), ("Nguyễn Văn An", St.ADMITTED)])
    client.force_login(secretary)
    url = reverse("admissions:candidate-list")
    page = client.get(url).text
    assert "Lê Thị Mai" in page and "Nguyễn Văn An" in page
    page = client.get(url, {"stage": St.ADMITTED}).text
    assert "Lê Thị Mai" not in page and "Nguyễn Văn An" in page
    assert "Lê Thị Mai" not in client.get(url, {"source": "YOUTH_UNION"}).text
    assert "Lê Thị Mai" in client.get(url, {"stage": "OPEN"}).text


def test_list_query_count_is_constant(client, story, secretary, django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("admissions:candidate-list")
    spread(story, 2)
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)
    spread(story, 10, start=2)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(url).context["rows"]) == 12


# session, user, roles, chapters, cells, count, page + 4 prefetches
LIST_QUERIES = 11


# Due soon / overdue ------------------------------------------------------------------------------


def test_due_soon_lists_overdue_and_soon_cases_by_due_date(client, story, secretary):
    fill(
        story,
        [
            ("Nguyễn Văn An", St.CHAPTER_APPROVED),  # R11 due 23/07/2019
            ("Trần Thị Bích", St.ADMISSION_DECIDED),  # R12 due 01/07/2019
            ("Lê Thị Mai", St.ADMITTED),  # R14 due 08/07/2020
            ("Phạm Văn Cường", St.POOL),  # no deadline
        ],
    )
    # 24/06/2019: only the ceremony is within 10 working days (5 left).
    rows = queries.due_soon(secretary).rows
    assert [(c.full_name, d.rule, d.due) for c, d in rows] == [
        ("Trần Thị Bích", "R12", CEREMONY_DUE)
    ]
    assert rows[0][1].working_days_left() == 5

    with time_machine.travel(D(2019, 7, 15), tick=False):
        client.force_login(secretary)
        rows = queries.due_soon(secretary).rows
        assert [(c.full_name, d.rule, d.state()) for c, d in rows] == [
            ("Trần Thị Bích", "R12", "overdue"),
            ("Nguyễn Văn An", "R11", "soon"),
        ]
        assert rows[0][1].working_days_left() == -10
        assert rows[1][1].working_days_left() == 6
        response = client.get(reverse("admissions:deadlines"))
    page = response.text
    assert page.index("Trần Thị Bích") < page.index("Nguyễn Văn An")
    # Each deadline cites its regulation (R11, R12: Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW).
    assert "01/07/2019" in page and "23/07/2019" in page
    cited = '<td class="text-body-secondary">Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW</td>'
    assert page.count(cited) == 2 and ">R12<" not in page
    assert "Lê Thị Mai" not in page and "Phạm Văn Cường" not in page

    with time_machine.travel(D(2020, 6, 30), tick=False):
        assert [(c.full_name, d.rule, d.due) for c, d in queries.due_soon(secretary)] == [
            ("Trần Thị Bích", "R12", CEREMONY_DUE),
            ("Nguyễn Văn An", "R11", DECISION_DUE),
            ("Lê Thị Mai", "R14", CONFIRMATION_VOTE_DUE),
        ]


def test_an_awareness_certificate_near_expiry_is_due_r3(story, secretary):
    story.candidate_at(St.DOSSIER_OPEN, full_name="Lê Thị Mai")  # certificate of 06/02/2019
    assert queries.due_soon(secretary).rows == []
    with time_machine.travel(D(2024, 1, 29), tick=False):
        ((candidate, deadline),) = queries.due_soon(secretary)
    assert (candidate.full_name, deadline.rule, deadline.due) == ("Lê Thị Mai", "R3", D(2024, 2, 6))


def test_due_soon_is_scoped(story, cell_leader, other_cell_leader, outsider):
    story.candidate_at(St.ADMISSION_DECIDED)
    assert len(queries.due_soon(cell_leader)) == 1
    assert queries.due_soon(other_cell_leader).rows == queries.due_soon(outsider).rows == []


def test_deadlines_partial_renders_alone(story, secretary):
    story.candidate_at(St.ADMISSION_DECIDED, full_name="Trần Thị Bích")
    html = render_to_string("admissions/_deadlines.html", {"rows": queries.due_soon(secretary)})
    assert "Trần Thị Bích" in html and "01/07/2019" in html
    assert "Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW" in html and "R12" not in html
    empty = render_to_string("admissions/_deadlines.html", {"rows": []})
    assert "<table" not in empty


def test_deadlines_query_count_is_constant(client, story, secretary, django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("admissions:deadlines")
    spread(story, 8)
    client.get(url)
    with django_assert_num_queries(DEADLINE_QUERIES):
        assert len(client.get(url).context["rows"]) == 1  # the ceremony due 01/07/2019
    spread(story, 10, start=8)
    with django_assert_num_queries(DEADLINE_QUERIES):
        assert len(client.get(url).context["rows"]) == 2


# session, user, roles, the count, the page's cases (stored due dates: nothing prefetched)
DEADLINE_QUERIES = 5


# Probation ---------------------------------------------------------------------------------------


def test_probation_tracks_papers_mentor_and_the_confirmation_vote(client, story, secretary):
    candidate = story.candidate_at(St.ADMITTED, full_name="Lê Thị Mai")
    for form in (Form.SELF_REVIEW, Form.MENTOR_ASSESSMENT):
        services.candidate_add_document(
            candidate_id=candidate.pk,
            actor=None,
            form=form,
            paper=Document(number="", date=D(2019, 6, 1)),
        )
    client.force_login(secretary)
    with time_machine.travel(D(2020, 3, 1), tick=False):
        client.force_login(secretary)
        response = client.get(reverse("admissions:probation"))
    (row,) = response.context["rows"]
    assert row.days_left == (D(2020, 5, 27) - D(2020, 3, 1)).days
    assert row.mentor.mentor == story.officials[3]
    assert [paper is not None for _form, _label, paper in row.papers] == [True, True, False, False]
    assert (row.deadline.rule, row.deadline.due) == ("R14", CONFIRMATION_VOTE_DUE)
    page = response.text
    assert "27/05/2019" in page and "27/05/2020" in page and story.officials[3].full_name in page


def test_probation_query_count_is_constant(client, story, secretary, django_assert_num_queries):
    client.force_login(secretary)
    url = reverse("admissions:probation")
    fill(story, [("Lê Thị Mai", St.ADMITTED)])
    client.get(url)
    with django_assert_num_queries(PROBATION_QUERIES):
        client.get(url)
    fill(story, [(f"Đảng viên {i}", St.ADMITTED) for i in range(4)])
    with django_assert_num_queries(PROBATION_QUERIES):
        assert len(client.get(url).context["rows"]) == 5


# session, user, roles, candidates + 4 prefetches + current mentors
PROBATION_QUERIES = 9


def test_a_cell_of_another_chapter_is_not_offered(client, story, secretary):
    foreign = CellFactory(chapter=ChapterFactory(), name="Tổ lạ")
    client.force_login(secretary)
    assert foreign.name not in client.get(reverse("admissions:board")).text
