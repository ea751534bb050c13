"""Party badges (DOMAIN.md R26): who reaches 30, 40 … 90 years of party age in a year, who may
receive it early if seriously ill (12 months for 30 to 65 years, 24 for 70 to 90), and the
posthumous list; each threshold the day before and the day of. Party age is the member's own
(``Member.party_age_months``)."""

import datetime
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from chapter.dates import add_months
from members import services as member_services
from ratings.badges import badge_list
from ratings.rules import BADGE_LEVELS, early_months
from tests.members.factories import register_member

pytestmark = pytest.mark.freeze_time("2026-03-15")
D = datetime.date


def veteran(chapter, decided: datetime.date, *, cell=None, name=None):
    ceremony = decided + datetime.timedelta(days=15)
    return register_member(
        chapter=chapter,
        cell=cell,
        full_name=name or f"Đảng viên {decided.isoformat()}",
        date_of_birth=D(decided.year - 25, 5, 1),
        admission_decision_date=decided,
        ceremony_date=ceremony,
        official_date=add_months(ceremony, 12),
    )


def names(entries):
    return {entry.member.full_name for entry in entries}


def test_the_levels_and_months_early_are_the_regulations():
    assert BADGE_LEVELS == (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
    assert [early_months(level) for level in (30, 65, 70, 90)] == [12, 12, 24, 24]


@pytest.mark.parametrize(
    ("decided", "section", "day"),
    [
        (D(1996, 12, 31), None, None),  # 30 years on 31/12/2026: the year before
        (D(1997, 1, 1), "due", D(2027, 1, 1)),  # the year's first day
        (D(1997, 12, 31), "due", D(2027, 12, 31)),  # its last day
        (D(1998, 1, 1), "early", D(2028, 1, 1)),  # the day after: early if seriously ill
        (D(1998, 12, 31), "early", D(2028, 12, 31)),  # 12 months early, the day of
        (D(1999, 1, 1), None, None),  # 12 months and a day: not even early
        (D(1987, 6, 15), "due", D(2027, 6, 15)),  # 40 years
        (D(1962, 2, 28), "due", D(2027, 2, 28)),  # 65 years
        (D(1957, 1, 1), "due", D(2027, 1, 1)),  # 70 years
        (D(1959, 12, 31), "early", D(2029, 12, 31)),  # 70 years, 24 months early, the day of
        (D(1960, 1, 1), None, None),  # 70 years in 2030: 24 months and a day
        (D(1963, 1, 1), "early", D(2028, 1, 1)),  # 65 years in 2028: 12 months early
    ],
)
def test_who_reaches_a_level_in_2027(chapter, decided, section, day):
    member = veteran(chapter, decided)
    lists = badge_list(chapter.members.all(), 2027)
    found = {"due": lists.due, "early": lists.early, "posthumous": lists.posthumous}
    for key, entries in found.items():
        if key == section:
            (entry,) = entries
            assert entry.member == member and entry.day == day
            assert member.party_age_months(day) == entry.level * 12
            assert member.party_age_months(day - datetime.timedelta(days=1)) == entry.level * 12 - 1
        else:
            assert entries == [], key


def test_months_early_counts_from_the_years_end(chapter):
    veteran(chapter, D(1998, 7, 10))
    (entry,) = badge_list(chapter.members.all(), 2027).early
    assert (entry.level, entry.months_early) == (30, 7)


def test_a_probationary_member_has_no_party_age_and_no_badge(chapter):
    register_member(chapter=chapter, status="PROBATIONARY", effective_date=D(2026, 1, 5))
    lists = badge_list(chapter.members.all(), 2027)
    assert (lists.due, lists.early, lists.posthumous) == ([], [], [])


def test_a_member_who_left_the_roll_is_not_listed(chapter):
    member = veteran(chapter, D(1997, 5, 1))
    member_services.member_transfer_out(
        member_id=member.pk,
        actor=None,
        effective_date=D(2026, 2, 1),
        to_organisation="Chi bộ Sở Y tế",
        letter=member_services.Document(number="3-GGT", date=D(2026, 2, 1)),
    )
    assert badge_list(chapter.members.all(), 2027).total == 0


def die(member, day):
    return member_services.member_record_death(member_id=member.pk, actor=None, effective_date=day)


def test_posthumous_a_member_who_reached_the_level_in_the_year_before_dying(chapter):
    member = die(veteran(chapter, D(1995, 6, 1)), D(2025, 8, 1))
    lists = badge_list(chapter.members.all(), 2025)
    (entry,) = lists.posthumous
    assert (entry.member, entry.level, entry.day, entry.death) == (
        member,
        30,
        D(2025, 6, 1),
        D(2025, 8, 1),
    )
    assert lists.due == []


@pytest.mark.parametrize(("died", "listed"), [(D(2025, 2, 28), False), (D(2025, 3, 1), True)])
def test_posthumous_at_most_12_months_short(chapter, died, listed):
    """30 years would be reached on 01/03/2026: dying on 01/03/2025 is 12 months short (listed
    in 2026, the year it would have been reached); on 28/02/2025, 13 months short."""
    member = die(veteran(chapter, D(1996, 3, 1)), died)
    lists = badge_list(chapter.members.all(), 2026)
    assert names(lists.posthumous) == ({member.full_name} if listed else set())
    if listed:
        assert lists.posthumous[0].day == D(2026, 3, 1)
    assert badge_list(chapter.members.all(), 2025).total == 0


def login(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_the_page_defaults_to_next_year_and_shows_the_sections(client, secretary, chapter, cell):
    due = veteran(chapter, D(1997, 4, 2), cell=cell, name="Nguyễn Văn Lão")
    early = veteran(chapter, D(1998, 4, 2), cell=cell, name="Trần Thị Sớm")
    response = login(client, secretary).get("/ratings/badges/")
    assert response.status_code == 200
    assert response.context["year"] == 2027
    page = response.content.decode()
    assert page.index(due.full_name) < page.index("Eligible early if seriously ill")
    assert page.index(early.full_name) > page.index("Eligible early if seriously ill")
    assert "02/04/2027" in page and "02/04/2028" in page


def test_the_export_lists_the_sections(client, secretary, chapter, cell):
    veteran(chapter, D(1997, 4, 2), cell=cell, name="=HYPERLINK(1)")
    veteran(chapter, D(1998, 4, 2), cell=cell, name="Trần Thị Sớm")
    response = login(client, secretary).get("/ratings/badges.xlsx?year=2027")
    assert response.status_code == 200
    assert 'filename="huy-hieu-dang-2027.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    texts = [row[0] for row in rows if row and row[0] is not None]
    assert texts[0] == "Members eligible for the Party badge in 2027"
    assert "Reaching the level in the year (1)" in texts
    assert "Eligible early if seriously ill (1)" in texts
    assert "Posthumous award (0)" in texts
    due = next(row for row in rows if row[1] == "=HYPERLINK(1)")
    assert due[0] == 1 and due[6] == 30 and due[7] == datetime.datetime(2027, 4, 2)
    cell_of = next(c for c in book.worksheets[0]["B"] if c.value == "=HYPERLINK(1)")
    assert cell_of.data_type == "s"  # text, never a formula


def test_a_cell_leader_sees_their_own_cell_only(client, cell_leader, chapter, cell, other_cell):
    mine = veteran(chapter, D(1997, 4, 2), cell=cell, name="Nguyễn Văn Mình")
    other = veteran(chapter, D(1997, 4, 3), cell=other_cell, name="Lê Văn Khác")
    page = login(client, cell_leader).get("/ratings/badges/?year=2027").content.decode()
    assert mine.full_name in page and other.full_name not in page


def test_another_chapter_is_not_found(client, outsider, chapter):
    client = login(client, outsider)
    assert client.get(f"/ratings/badges/?chapter={chapter.public_id}").status_code == 404
    assert client.get(f"/ratings/badges.xlsx?chapter={chapter.public_id}").status_code == 404


def test_a_user_without_a_role_sees_no_list(client, user):
    client = login(client, user)
    response = client.get("/ratings/badges/")
    assert response.status_code == 200 and "lists" not in response.context
    assert client.get("/ratings/badges.xlsx").status_code == 404


@pytest.mark.parametrize("year", ["1929", "abc"])
def test_a_bad_year_is_a_form_error_or_404_for_the_export(client, secretary, year):
    client = login(client, secretary)
    response = client.get(f"/ratings/badges/?year={year}")
    assert response.status_code == 200 and response.context["form"].errors["year"]
    assert client.get(f"/ratings/badges.xlsx?year={year}").status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_runs_a_fixed_number_of_queries(
    client, secretary, chapter, cell, size, django_assert_num_queries
):
    for n in range(size):
        veteran(chapter, D(1997, 1 + n % 12, 5), cell=cell, name=f"Cựu binh {n}")
    client = login(client, secretary)
    # session, user, roles, the chapter choices; the members and their ledger entries
    with django_assert_num_queries(6):
        response = client.get("/ratings/badges/?year=2027")
    assert len(response.context["lists"].due) == size


def test_the_dashboard_shows_next_years_figure(client, secretary, chapter, cell):
    veteran(chapter, D(1997, 4, 2), cell=cell)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(secretary)
    page = client.get("/").content.decode()
    assert "1 đảng viên đủ điều kiện xét tặng Huy hiệu Đảng năm 2027" in page
    assert "/ratings/badges/?year=2027" in page
