"""The ratings in the reports: counts by year and level (with the [U] cap as a warning), and
the register export's column "Rating for <year>"."""

import datetime
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from chapter.models import RuleValue
from ratings.models import AnnualRating, Level
from ratings.queries import counts_by_year, register_rating_year
from tests.members.factories import register_member

pytestmark = pytest.mark.freeze_time("2026-03-15")
D = datetime.date


def rate(members, year, levels):
    for member, level in zip(members, levels, strict=True):
        AnnualRating.objects.create(member=member, year=year, level=level)


@pytest.fixture
def ten(cell):
    return [register_member(cell=cell, full_name=f"Đảng viên số {n}") for n in range(10)]


def test_counts_by_year_and_level_with_shares(chapter, ten):
    rate(ten, 2025, ["HTXSNV"] + ["HTTNV"] * 6 + ["HTNV"] * 2 + ["KHTNV"])
    rate(ten[:4], 2024, ["HTTNV"] * 4)
    years = counts_by_year(chapter.members.all())
    assert [y.year for y in years] == [2025, 2024]
    latest = years[0]
    assert latest.total == 10
    assert [(level, count, share) for level, _label, count, share in latest.rows()] == [
        ("HTXSNV", 1, 10.0),
        ("HTTNV", 6, 60.0),
        ("HTNV", 2, 20.0),
        ("KHTNV", 1, 10.0),
    ]
    assert years[1].counts == {"HTTNV": 4}


@pytest.mark.parametrize(("excellent", "over"), [(2, False), (3, True)])
def test_excellent_above_20_percent_of_good_is_a_warning(chapter, ten, excellent, over):
    """10 "good": 2 "excellent" is 20% (within the cap), 3 is above it."""
    members = ten + [register_member(chapter=chapter) for _ in range(excellent + 0)]
    rate(members, 2025, ["HTTNV"] * 10 + ["HTXSNV"] * excellent)
    (year,) = counts_by_year(chapter.members.all())
    assert year.cap_percent == 20 and year.over_cap is over


def test_the_cap_is_a_rule_value(chapter, ten):
    RuleValue.objects.create(
        key="RATING_EXCELLENT_CAP_PERCENT", value=10, effective_from=D(2025, 1, 1), source="x"
    )
    rate(ten[:3], 2025, ["HTTNV"] * 2 + ["HTXSNV"])
    rate(ten[:3], 2024, ["HTTNV"] * 2 + ["HTXSNV"])
    by_year = {y.year: y for y in counts_by_year(chapter.members.all())}
    assert (by_year[2025].cap_percent, by_year[2024].cap_percent) == (10, 20)


def test_counts_stay_within_the_scope(chapter, ten):
    stranger = register_member(full_name="Người chi bộ khác")
    rate([ten[0], stranger], 2025, ["HTTNV", "HTXSNV"])
    (year,) = counts_by_year(chapter.members.all())
    assert year.counts == {"HTTNV": 1}


def login(client, user, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def test_the_report_page_shows_the_table(client, secretary, chapter, ten):
    rate(ten, 2025, ["HTTNV"] * 9 + ["HTXSNV"])
    page = login(client, secretary, "vi").get("/reports/").content.decode()
    assert "Xếp loại chất lượng theo năm" in page
    assert "Hoàn thành tốt nhiệm vụ" in page and "9 <span" in page and "(90,0%)" in page


def test_a_cell_leaders_report_counts_their_cell(client, cell_leader, chapter, ten, other_cell):
    outside = register_member(cell=other_cell)
    rate([ten[0], outside], 2025, ["HTNV", "HTXSNV"])
    response = login(client, cell_leader).get("/reports/")
    (year,) = response.context["ratings_by_year"]
    assert year.counts == {"HTNV": 1}


@pytest.mark.parametrize(
    ("day", "year"), [(D(2025, 12, 30), 2024), (D(2025, 12, 31), 2025), (D(2026, 1, 1), 2025)]
)
def test_the_register_shows_the_rating_of_the_year_just_ended(day, year):
    assert register_rating_year(day) == year


def test_the_register_export_has_the_rating_column(client, secretary, chapter, ten):
    rate(ten[:2], 2025, [Level.EXCELLENT, Level.GOOD])
    AnnualRating.objects.create(member=ten[2], year=2024, level=Level.COMPLETED)
    response = login(client, secretary, "vi").get("/reports/register.xlsx?as_of=2026-03-01")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    headers = rows[0]
    assert headers[-1] == "Xếp loại năm 2025"
    by_name = {row[1]: row[-1] for row in rows[1:]}
    assert by_name[ten[0].full_name] == "Hoàn thành xuất sắc nhiệm vụ"
    assert by_name[ten[1].full_name] == "Hoàn thành tốt nhiệm vụ"
    assert by_name[ten[2].full_name] is None  # rated 2024 only
