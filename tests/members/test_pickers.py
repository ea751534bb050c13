"""Searchable chapter and cell pickers (members/pickers.py): scoped matches without diacritics,
and the forms that show a picker only when the scope has many units."""

import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse

from chapter.text import fold
from members import access
from members.models import Cell, Chapter
from members.pickers import MATCHES, SELECT_AT_MOST, Folded
from tests.members.factories import CellFactory, ChapterFactory, UserFactory

pytestmark = pytest.mark.django_db

CHAPTERS = reverse("members:pick-chapters")
CELLS = reverse("members:pick-cells")
LIST_URL = reverse("members:member-list")


@pytest.fixture
def login(client, request):
    def login_as(name):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(request.getfixturevalue(name))
        return client

    return login_as


@pytest.fixture
def neighbours(chapter):
    """Chapters under the same committee as ``chapter`` (the committee officer's), with cells."""
    made = [
        ChapterFactory(committee=chapter.committee, name="Chi bộ Trường THCS Nguyễn Du"),
        ChapterFactory(committee=chapter.committee, name="Chi bộ Đoàn Thanh niên"),
    ]
    CellFactory(chapter=made[0], name="Tổ Giáo viên Toán")
    return made


@pytest.fixture
def far_away(db):
    """A chapter under another committee, with names that match every query below."""
    far = ChapterFactory(name="Chi bộ Nguyễn Du Xa (ngoài phạm vi)")
    CellFactory(chapter=far, name="Tổ Giáo viên Toán xa")
    CellFactory(chapter=far, name="Tổ 1")
    return far


def names(response) -> list[str]:
    """The options' values as shown (data-label)."""
    text = response.content.decode()
    return [part.split('"', 1)[0] for part in text.split('data-label="')[1:]]


# Folding in the database ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Chi bộ Trường THCS Nguyễn Du",
        "CHI BỘ ĐOÀN THANH NIÊN",
        "Tổ Giáo viên Toán, Lý",
        "Ấp Phước Hưng, xã Ỷ La",
        unicodedata.normalize("NFD", "Chi bộ Khu phố Hồng Hà"),  # stored decomposed
        "Nhà máy Điện Ô Môn",
    ],
)
def test_folded_in_sql_is_fold_in_python(chapter, name):
    Chapter.objects.filter(pk=chapter.pk).update(name=name)
    folded = Chapter.objects.annotate(key=Folded("name")).get(pk=chapter.pk).key
    assert folded == fold(name)


# The chapters endpoint -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["nguyen du", "NGUYỄN DU", "Nguyen  Du", "thcs du", "truong du"])
def test_chapters_match_without_diacritics_within_scope(login, neighbours, far_away, query):
    response = login("committee_officer").get(CHAPTERS, {"q": query})
    assert response.status_code == 200
    assert names(response) == ["Chi bộ Trường THCS Nguyễn Du"]
    assert "ngoài phạm vi" not in response.text


def test_words_in_their_order_and_wildcards_as_text(login, neighbours):
    client = login("committee_officer")
    assert names(client.get(CHAPTERS, {"q": "du nguyen"})) == []
    for query in ("%", "_", "chi%bo", "\\"):
        assert names(client.get(CHAPTERS, {"q": query})) == [], query


def test_d_with_stroke_matches_d(login, neighbours):
    for query in ("doan", "đoàn", "ĐOÀN"):
        assert names(login("committee_officer").get(CHAPTERS, {"q": query})) == [
            "Chi bộ Đoàn Thanh niên"
        ]


def test_empty_query_lists_the_scope_by_name(login, chapter, neighbours, far_away):
    response = login("committee_officer").get(CHAPTERS)
    assert names(response) == sorted([chapter.name, *(c.name for c in neighbours)])


@pytest.mark.parametrize("actor", ["secretary", "cell_leader", "outsider"])
def test_a_secretary_or_cell_leader_never_sees_another_chapter(
    login, request, chapter, neighbours, far_away, actor
):
    own = set(access.chapters_visible_to(request.getfixturevalue(actor)).values_list("name"))
    assert len(own) == 1
    for query in ("", "chi bo", "nguyen du", "xa"):
        response = login(actor).get(CHAPTERS, {"q": query})
        assert {(name,) for name in names(response)} <= own
        for other in [*neighbours, far_away]:
            assert other.name not in response.text


def test_a_user_without_a_role_gets_no_match(client, chapter):
    client.force_login(UserFactory(username="norole"))
    response = client.get(CHAPTERS, {"q": ""})
    assert response.status_code == 200
    assert names(response) == []
    assert chapter.name not in response.text


def test_at_most_a_page_of_matches_then_a_hint(login, chapter):
    for i in range(MATCHES + 3):
        ChapterFactory(committee=chapter.committee, name=f"Chi bộ Thôn {i:02d}")
    response = login("committee_officer").get(CHAPTERS, {"q": "thon"})
    assert len(names(response)) == MATCHES
    assert "Type more of the name" in response.text


def test_values_are_the_key_the_form_asks_for(login, chapter):
    response = login("secretary").get(CHAPTERS)
    assert f'data-value="{chapter.public_id}"' in response.text
    response = login("secretary").get(CHAPTERS, {"key": "pk"})
    assert f'data-value="{chapter.pk}"' in response.text
    response = login("secretary").get(CHAPTERS, {"key": "full_name"})  # not a key: the public id
    assert f'data-value="{chapter.public_id}"' in response.text


def test_names_are_escaped(login, chapter):
    Chapter.objects.filter(pk=chapter.pk).update(name='Chi bộ <b>"x"</b>')
    response = login("secretary").get(CHAPTERS)
    assert "<b>" not in response.text
    assert "&lt;b&gt;" in response.text


def test_only_reads(login, chapter):
    assert login("secretary").post(CHAPTERS).status_code == 405
    assert login("secretary").post(CELLS).status_code == 405


def test_anonymous_is_sent_to_login(client):
    for url in (CHAPTERS, CELLS):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# The cells endpoint --------------------------------------------------------------------------


def test_a_cell_leader_sees_only_their_cell(login, cell, other_cell, far_away):
    for query in ("", "to", "to 2", "toan"):
        response = login("cell_leader").get(CELLS, {"q": query})
        assert other_cell.name not in response.text
        assert "xa" not in response.text
    assert names(login("cell_leader").get(CELLS)) == [f"{cell.chapter.name} · {cell.name}"]


def test_a_secretary_sees_their_chapters_cells(login, chapter, cell, other_cell, far_away):
    response = login("secretary").get(CELLS, {"q": "to"})
    assert names(response) == [f"{chapter.name} · Tổ 1", f"{chapter.name} · Tổ 2"]
    assert far_away.name not in response.text


def test_cells_match_the_chapter_name_too(login, chapter, cell, neighbours, far_away):
    response = login("committee_officer").get(CELLS, {"q": "toan nguyen du"})  # cell, chapter
    assert names(response) == ["Chi bộ Trường THCS Nguyễn Du · Tổ Giáo viên Toán"]


def test_cells_of_a_chapter(login, chapter, cell, other_cell, neighbours):
    client = login("committee_officer")
    response = client.get(CELLS, {"chapter": str(neighbours[0].public_id)})
    assert names(response) == ["Chi bộ Trường THCS Nguyễn Du · Tổ Giáo viên Toán"]
    response = client.get(CELLS, {"chapter": chapter.pk, "key": "pk", "q": "to 2"})
    assert names(response) == [f"{chapter.name} · Tổ 2"]
    assert f'data-value="{other_cell.pk}"' in response.text


@pytest.mark.parametrize("key", ["public_id", "pk"])
def test_a_chapter_out_of_scope_is_not_found(login, chapter, far_away, key):
    client = login("secretary")
    response = client.get(CELLS, {"chapter": str(getattr(far_away, key)), "key": key})
    assert response.status_code == 404
    assert far_away.name not in response.text
    assert client.get(CELLS, {"chapter": "not-a-key", "key": key}).status_code == 404


def test_a_cell_leader_cannot_list_the_other_cells_of_their_chapter(login, chapter, other_cell):
    response = login("cell_leader").get(CELLS, {"chapter": str(chapter.public_id)})
    assert response.status_code == 200
    assert other_cell.name not in response.text


# The forms: a drop-down for a few units, a picker for many -----------------------------------


def many_chapters(chapter, count=SELECT_AT_MOST + 1) -> list[Chapter]:
    made = [ChapterFactory(committee=chapter.committee) for _ in range(count - 1)]
    for unit in made:
        CellFactory(chapter=unit)
    return made


def test_a_few_chapters_get_a_drop_down(login, chapter, cell, neighbours):
    page = login("committee_officer").get(LIST_URL).text
    assert '<select name="chapter"' in page
    assert 'role="combobox"' not in page


def test_many_chapters_get_a_picker_without_their_names(login, chapter, cell):
    others = many_chapters(chapter)
    page = login("committee_officer").get(LIST_URL).text
    assert '<select name="chapter"' not in page and '<select name="cell"' not in page
    assert page.count('role="combobox"') == 2
    assert 'aria-controls="id_chapter-listbox"' in page and 'id="id_chapter-listbox"' in page
    assert CHAPTERS in page and CELLS in page
    assert 'data-chapter-field="chapter"' in page  # the cell picker narrows to the chapter
    assert not any(other.name in page for other in others)


def test_the_chosen_chapter_is_shown_and_filters(login, chapter, member):
    others = many_chapters(chapter)
    page = login("committee_officer").get(LIST_URL, {"chapter": others[3].pk}).text
    assert f'name="chapter" value="{others[3].pk}"' in page
    assert f'value="{others[3].name}"' in page  # the picker's text box
    assert member.full_name not in page


def test_a_chapter_out_of_scope_shows_no_name(login, chapter, far_away):
    many_chapters(chapter)
    response = login("committee_officer").get(LIST_URL, {"chapter": far_away.pk})
    assert response.status_code == 200
    assert "ngoài phạm vi" not in response.text


def test_the_reports_form_gets_pickers_with_public_ids(login, chapter, cell):
    others = many_chapters(chapter)
    client = login("committee_officer")
    page = client.get(reverse("reports:report"), {"chapter": str(others[0].public_id)}).text
    assert page.count('role="combobox"') == 2
    assert f'name="chapter" value="{others[0].public_id}"' in page
    assert 'data-key="public_id"' in page
    assert others[1].name not in page


def test_the_admissions_filters_get_pickers(login, chapter, cell):
    others = many_chapters(chapter)
    client = login("committee_officer")
    for name in ("admissions:board", "admissions:candidate-list"):
        page = client.get(reverse(name)).text
        assert page.count('role="combobox"') == 2, name
        assert others[1].name not in page


def test_a_secretary_with_many_cells_gets_a_cell_picker(login, chapter):
    for i in range(SELECT_AT_MOST + 1):
        CellFactory(chapter=chapter, name=f"Tổ {i:02d}")
    page = login("secretary").get(LIST_URL).text
    assert 'name="chapter"' not in page
    assert page.count('role="combobox"') == 1
    assert "data-chapter-field" not in page
    assert Cell.objects.filter(chapter=chapter).count() == SELECT_AT_MOST + 1


def test_the_count_of_matches_is_said_not_the_list(login, chapter, cell, client):
    """The fragment carries what a screen reader says (static/js/picker.js puts it in the
    picker's status): the count, and the hint when there are more; in the page's language."""
    for i in range(MATCHES + 3):
        ChapterFactory(committee=chapter.committee, name=f"Chi bộ Thôn {i:02d}")
    officer = login("committee_officer")
    said = "data-announce>{}</li>"
    assert said.format("1 chapter found") in officer.get(CHAPTERS, {"q": chapter.name}).text
    many = officer.get(CHAPTERS, {"q": "thon"}).text
    hint = "Type more of the name to see the others."
    assert said.format(f"{MATCHES} chapters found {hint}") in many
    assert said.format("0 chapters found") in officer.get(CHAPTERS, {"q": "zzz"}).text
    assert said.format("1 cell found") in officer.get(CELLS, {"q": cell.name}).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert said.format("Tìm thấy 1 chi bộ") in client.get(CHAPTERS, {"q": chapter.name}).text
