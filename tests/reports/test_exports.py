"""Excel downloads (reports/exports.py): they open, carry the right headers and values, and hold
only what the user may see."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from members.models import RoleAssignment
from reports.exports import register_headers
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member

pytestmark = pytest.mark.django_db

D = datetime.date
FIGURES = reverse("reports:export-figures")
REGISTER = reverse("reports:export-register")
HEADER_ROW = 5


@pytest.fixture
def login(client, request):
    def login_as(name):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(request.getfixturevalue(name))
        return client

    return login_as


def download(client, url, **params):
    response = client.get(f"{url}?{urlencode(params)}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return response, workbook.worksheets[0]


def register_rows(sheet) -> dict[str, dict[str, object]]:
    """Rows under the header, by full name: {column header: value}."""
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    headers = rows[0]
    return {row[1]: dict(zip(headers, row, strict=False)) for row in rows[1:] if row[1]}


def cells_of(sheet, min_row=1):
    return list(sheet.iter_rows(min_row=min_row))


# The register (7-HSĐV) -----------------------------------------------------------------------


def test_register_holds_the_14_columns_and_the_roll_of_the_day(login, story):
    response, sheet = download(login("secretary"), REGISTER, as_of="2020-02-05")
    assert 'filename="so-danh-sach-dang-vien-2020-02-05.xlsx"' in response["Content-Disposition"]
    headers = [cell.value for cell in cells_of(sheet, HEADER_ROW)[0]]
    assert headers[:3] == ["(1) No.", "(2) Full name", "(2) Birth name / other names"]
    assert [h.split(")")[0] + ")" for h in headers[:28]][-1] == "(14)"
    for number in range(1, 15):
        assert any(h.startswith(f"({number}) ") for h in headers), number
    rows = register_rows(sheet)
    on_roll = {
        m.full_name for m in (story.m1, story.m2, story.m3, story.m4, story.m5, story.m7, story.m8)
    }
    assert set(rows) == on_roll
    assert [row["(1) No."] for row in rows.values()] == list(range(1, 8))


def test_register_fills_columns_10_to_13_from_the_ledger(login, story):
    _response, sheet = download(login("secretary"), REGISTER, as_of="2019-12-31")
    rows = register_rows(sheet)
    # The year's exits are in the book: m6 died in 2019.
    assert story.m6.full_name in rows
    assert rows[story.m6.full_name]["(12) Date of death"] == datetime.datetime(2019, 11, 11)
    m5 = rows[story.m5.full_name]  # out and back on the same row
    assert m5["(10) Transferred out on"] == datetime.datetime(2019, 1, 10)
    assert m5["(10) Transferred out to"] == "Chi bộ Sở Y tế"
    assert m5["(11) Transferred in on"] == datetime.datetime(2019, 9, 1)
    assert m5["(11) Transferred in from"] == "Chi bộ Sở Y tế"
    assert m5["Status on the day"] == "Official"
    m4 = rows[story.m4.full_name]
    assert m4["(7) Date of joining"] == datetime.datetime(2019, 3, 8)
    assert m4["(7) Official date"] is None  # still probationary on that day
    _response, sheet = download(login("secretary"), REGISTER, as_of="2020-06-30")
    m4 = register_rows(sheet)[story.m4.full_name]
    assert m4["(13) Left the roll on"] == datetime.datetime(2020, 3, 20)
    assert m4["(13) Form of leaving"] == "Removed from the probationary list"
    assert m4["(13) Reason"] == "Không đủ tư cách"


def test_register_dates_are_real_dates_shown_day_first(login, story):
    _response, sheet = download(login("secretary"), REGISTER, as_of="2020-02-05")
    header = [cell.value for cell in cells_of(sheet, HEADER_ROW)[0]]
    column = header.index("(7) Date of joining")
    dated = [row[column] for row in cells_of(sheet, HEADER_ROW + 1) if row[column].value]
    assert dated
    assert all(cell.number_format == "DD/MM/YYYY" for cell in dated)
    assert cells_of(sheet)[2][1].value == datetime.datetime(2020, 2, 5)  # "As of" on the title


def test_a_cell_leaders_register_holds_only_their_cell(login, story):
    _response, sheet = download(login("cell_leader"), REGISTER, as_of="2020-02-05")
    assert set(register_rows(sheet)) == {story.m1.full_name, story.m3.full_name, story.m4.full_name}


def test_register_headers_follow_the_language(client, story, secretary):
    client.force_login(secretary)
    _response, sheet = download(client, REGISTER, as_of="2020-02-05")  # Vietnamese by default
    headers = [cell.value for cell in cells_of(sheet, HEADER_ROW)[0]]
    assert headers[1] == "(2) Họ và tên"  # "Full name", already in the catalogue
    with translation.override("en"):
        assert headers != register_headers()


# The figures --------------------------------------------------------------------------------


def test_figures_carry_the_reports_numbers(login, story):
    params = {"as_of": "2020-02-05", "from": "2019-01-01", "to": "2019-12-31"}
    response, sheet = download(login("secretary"), FIGURES, **params)
    assert 'filename="so-lieu-dang-vien-2020-02-05.xlsx"' in response["Content-Disposition"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["On the roll"][0] == 7
    assert values["Official members"][0] == 6
    assert values["Probationary members"][0] == 1
    assert values["Temporarily transferred out"][0] == 1
    assert values["Admitted"][0] == 1
    assert values["Transferred in"][0] == 2
    assert values["Deceased"][0] == 1
    assert values["On the roll at the start of the period"][0] == 6
    assert values["On the roll at the end of the period"][0] == 7
    assert values["On the roll as of"][0] == datetime.datetime(2020, 2, 5)
    assert values["Movements in the period, from / to"][:2] == (
        datetime.datetime(2019, 1, 1),
        datetime.datetime(2019, 12, 31),
    )
    assert values["Male"][0] == 4
    assert values["Male"][1] == pytest.approx(4 / 7)


def test_figures_respect_the_scope(login, story):
    _response, sheet = download(login("other_cell_leader"), FIGURES, as_of="2020-02-05")
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["On the roll"][0] == 3


# Size ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_register_export_runs_a_fixed_number_of_queries(client, size, django_assert_num_queries):
    chapter = ChapterFactory()
    cell = CellFactory(chapter=chapter)
    for _i in range(size):
        register_member(cell=cell)
    user = get_user_model().objects.create_user(f"bt{size}", password="pw")
    give_role(user, RoleAssignment.Role.SECRETARY, chapter=chapter)
    client.force_login(user)
    # session, user, roles, chapters; the records the chapter let go since the day (by id);
    # those gone to another chapter this year; one chunk of members and one of their movements
    with django_assert_num_queries(8):
        response = client.get(REGISTER + "?as_of=2020-02-05")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0].max_row == HEADER_ROW + size


def test_register_reads_members_in_chunks_with_their_movements(
    client, secretary, chapter, monkeypatch, django_assert_num_queries
):
    """Memory stays bounded: one movements query per chunk of members, never one per member."""
    from reports import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    for _i in range(5):
        register_member(chapter)
    client.force_login(secretary)
    # session, user, roles, chapters; the records let go since; those gone to another chapter
    # this year; the members' cursor; movements for 3 chunks
    with django_assert_num_queries(10):
        response = client.get(REGISTER + "?as_of=2020-02-05")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0].max_row == HEADER_ROW + 5
