"""The whole chapter's rating on one page: read by those who see the chapter (a cell leader their
own cell), saved by its secretary in one POST, out of scope a 404."""

import datetime

import pytest
from django.conf import settings

from ratings.models import AnnualRating, Level
from tests.members.factories import register_member
from tests.ratings.conftest import exempt

pytestmark = pytest.mark.freeze_time("2026-03-15")
D = datetime.date


def url(chapter, year=2025):
    return f"/ratings/{chapter.public_id}/{year}/"


def login(client, user, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def post_data(rows: list[tuple[object, str]]) -> dict:
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for index, (member, level) in enumerate(rows):
        data[f"form-{index}-member"] = str(member.public_id)
        data[f"form-{index}-level"] = level
    return data


def test_the_page_lists_the_roll_at_31_december_with_a_select_each(
    client, secretary, chapter, roll
):
    exempted = register_member(chapter=chapter, full_name="Hoàng Văn Em", gender="M")
    exempt(exempted, D(2025, 5, 1))
    later = register_member(
        chapter=chapter, full_name="Vũ Thị Giang", gender="F", effective_date=D(2026, 1, 2)
    )
    response = login(client, secretary).get(url(chapter))
    assert response.status_code == 200
    page = response.content.decode()
    for member in roll:
        assert member.full_name in page
    assert later.full_name not in page  # joined the roll after the year's end
    assert exempted.full_name in page
    assert "Not rated: exempted from party work and meetings" in page
    assert page.count('name="form-') == 2 * len(roll) + 4  # member and level; management form
    assert response.context["formset"].total_form_count() == len(roll)


def test_the_secretary_saves_the_whole_chapter_in_one_post(client, secretary, chapter, roll):
    client = login(client, secretary)
    levels = ["HTXSNV", "HTTNV", "HTTNV", "HTNV"]
    response = client.post(url(chapter), post_data(list(zip(roll, levels, strict=True))))
    assert response.status_code == 302 and response["Location"] == url(chapter)
    saved = dict(AnnualRating.objects.filter(year=2025).values_list("member", "level"))
    assert saved == {m.pk: level for m, level in zip(roll, levels, strict=True)}
    page = client.get(url(chapter)).content.decode()
    assert "Ratings saved: 4 new, 0 changed, 0 cleared." in page
    assert 'value="HTXSNV" selected' in page
    # Changing one, clearing one
    levels = ["HTTNV", "HTTNV", "HTTNV", ""]
    client.post(url(chapter), post_data(list(zip(roll, levels, strict=True))))
    rating = AnnualRating.objects.get(member=roll[0], year=2025)
    assert rating.level == Level.GOOD and rating.changed_by == secretary
    assert not AnnualRating.objects.filter(member=roll[3]).exists()
    assert "changed by" in client.get(url(chapter)).content.decode()


def test_a_rating_posted_for_an_exempted_member_is_refused_with_the_regulation(
    client, secretary, chapter, roll
):
    exempt(roll[0], D(2025, 11, 1))
    client = login(client, secretary, "vi")
    response = client.post(url(chapter), post_data([(roll[0], "HTTNV"), (roll[1], "HTTNV")]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "không xếp loại chất lượng (Quy định 366-QĐ/TW)" in page
    assert not AnnualRating.objects.exists()


def test_a_member_of_another_chapter_in_the_post_saves_nothing(
    client, secretary, chapter, roll, outsider
):
    stranger = register_member(full_name="Đỗ Văn Khách", gender="M")
    response = login(client, secretary).post(url(chapter), post_data([(stranger, "HTTNV")]))
    assert response.status_code == 200
    assert "not in this chapter" in response.content.decode()
    assert not AnnualRating.objects.exists()


def test_a_bad_level_is_a_form_error(client, secretary, chapter, roll):
    response = login(client, secretary).post(url(chapter), post_data([(roll[0], "EXCELLENT")]))
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["level"]
    assert not AnnualRating.objects.exists()


def test_a_cell_leader_reads_their_own_cell_only_and_cannot_save(
    client, cell_leader, chapter, roll
):
    AnnualRating.objects.create(member=roll[0], year=2025, level=Level.GOOD)
    client = login(client, cell_leader)
    response = client.get(url(chapter))
    assert response.status_code == 200
    page = response.content.decode()
    assert roll[0].full_name in page and roll[1].full_name in page
    assert roll[2].full_name not in page and roll[3].full_name not in page
    assert "Completed tasks well" in page
    assert "<select" not in page
    assert client.post(url(chapter), post_data([(roll[0], "HTNV")])).status_code == 403
    assert AnnualRating.objects.get().level == Level.GOOD


def test_a_committee_officer_reads_and_cannot_save(client, committee_officer, chapter, roll):
    client = login(client, committee_officer)
    page = client.get(url(chapter)).content.decode()
    assert all(m.full_name in page for m in roll) and "<select" not in page
    assert client.post(url(chapter), post_data([(roll[0], "HTNV")])).status_code == 403


def test_another_chapter_is_not_found(client, outsider, chapter, roll):
    client = login(client, outsider)
    assert client.get(url(chapter)).status_code == 404
    assert client.post(url(chapter), post_data([(roll[0], "HTNV")])).status_code == 404
    assert not AnnualRating.objects.exists()


@pytest.mark.parametrize(("year", "status"), [(2026, 200), (2027, 404), (1929, 404)])
def test_a_year_not_begun_is_not_found(client, secretary, chapter, year, status):
    assert login(client, secretary).get(url(chapter, year)).status_code == status


def test_the_member_page_lists_the_years(client, secretary, chapter, roll):
    AnnualRating.objects.create(member=roll[0], year=2024, level=Level.EXCELLENT)
    AnnualRating.objects.create(member=roll[0], year=2025, level=Level.GOOD)
    page = login(client, secretary, "vi").get(roll[0].get_absolute_url()).content.decode()
    assert "Xếp loại chất lượng hằng năm" in page
    assert page.index("2025") < page.index("2024")
    assert "Hoàn thành xuất sắc nhiệm vụ" in page and "Hoàn thành tốt nhiệm vụ" in page


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_runs_a_fixed_number_of_queries(
    client, secretary, chapter, cell, size, django_assert_num_queries
):
    members = [register_member(cell=cell) for _ in range(size)]
    for member in members[::2]:
        AnnualRating.objects.create(member=member, year=2025, level=Level.GOOD)
    exempt(members[1], D(2025, 1, 1))
    client = login(client, secretary)
    # session, user, roles, chapter, roll, ratings (the rule book was read by the services), and
    # the records the chapter held at the year's end and has let go since (by id)
    with django_assert_num_queries(7):
        assert client.get(url(chapter)).status_code == 200


def test_the_index_links_each_chapter_and_year(client, secretary, chapter):
    page = login(client, secretary).get("/ratings/").content.decode()
    assert url(chapter, 2025) in page and url(chapter, 2021) in page
    assert "/ratings/badges/?year=2027" in page


@pytest.mark.parametrize(
    "data",
    [
        {"form-TOTAL_FORMS": "100000", "form-INITIAL_FORMS": "0"},
        {"form-TOTAL_FORMS": "-1", "form-INITIAL_FORMS": "x"},
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-member": "not-a-uuid"},
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-level": "HTNV\x00"},
        {},
    ],
)
def test_bad_input_saves_nothing_and_shows_the_page(client, secretary, chapter, roll, data):
    response = login(client, secretary).post(url(chapter), data)
    assert response.status_code in (200, 400)  # 400: a NUL byte, refused by the middleware
    assert not AnnualRating.objects.exists()
