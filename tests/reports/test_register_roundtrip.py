"""The register's Excel export reads back through the import unchanged (issue 13, item 4):
reports/exports.py writes a second sheet in members.importing's columns; read + plan of the
downloaded file plans no change, and applying it writes nothing."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from members import importing as importer
from members import services
from members.models import ImportBatch, Member, MemberEvent, RoleAssignment
from ratings.models import AnnualRating, Level
from reports.exports import GENDER_WORDS, STATUS_WORDS, THEORY_WORDS, list_headers
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member
from tests.reports.story import build_story

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]

D = datetime.date
Status = Member.Status
REGISTER = reverse("reports:export-register")
TODAY = D(2026, 3, 15)
FORMULA_NAME = '=HYPERLINK("http://x","y")'
LIST = importer.TEMPLATE_SHEET


@pytest.fixture
def roll(chapter, cell, other_cell):
    """Official and probationary members in two cells, with identifiers, key dates, a rating,
    one member without identifiers (matched on name and birth date) and a name that starts
    with "="; one member who left the roll this year."""
    hong = register_member(
        cell=cell,
        full_name="Nguyễn Thị Hồng",
        gender="F",
        other_names="Hồng Nhung",
        date_of_birth=D(1980, 3, 15),
        citizen_id="001180000001",
        phone="0912000001",
        card_number="01000001",
        dossier_number="LL-0456",
        admission_decision_number="125-QĐ/ĐUK",
        political_theory="INTERMEDIATE",
        general_education="12/12",
        birthplace="Thái Nguyên",
        note="Dòng một\nDòng hai",
    )
    binh = register_member(
        cell=other_cell,
        full_name="Trần Văn Bình",
        gender="M",
        date_of_birth=D(1995, 9, 2),
        citizen_id="001195000002",
        status=Status.PROBATIONARY,
        effective_date=D(2025, 11, 10),
    )
    plain = register_member(
        cell=cell, full_name="Lê Thị Mai", gender="F", date_of_birth=D(1988, 6, 1)
    )  # no citizen ID, no card: matched on name and date of birth
    formula = register_member(
        cell=other_cell, full_name=FORMULA_NAME, citizen_id="001190000004", gender="M"
    )
    gone = register_member(cell=cell, full_name="Phạm Văn Khải", citizen_id="001160000005")
    services.member_record_death(member_id=gone.pk, actor=None, effective_date=D(2026, 2, 1))
    AnnualRating.objects.create(member=hong, year=2025, level=Level.GOOD)
    # As a browser's text area sends it: CRLF line ends.
    Member.objects.filter(pk=plain.pk).update(note="Chuyển đến\r\ntừ Sở Y tế ")
    return {"hong": hong, "binh": binh, "plain": plain, "formula": formula, "gone": gone}


def export(client, user, *, language="vi", **params) -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    response = client.get(f"{REGISTER}?{urlencode(params)}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def plan_of(content: bytes, chapter) -> importer.Plan:
    return importer.plan_import(importer.read_table("so-danh-sach.xlsx", content), chapter)


def edited(content: bytes, change) -> bytes:
    """The file after ``change(sheet, headers)`` on the list sheet, saved as Excel saves it."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[LIST]
    headers = [cell.value for cell in sheet[1]]
    change(sheet, headers)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(sheet, headers, name: str) -> int:
    column = headers.index("Họ và tên*") + 1
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == name)


def assert_nothing_to_change(plan: importer.Plan, members: int) -> None:
    assert plan.ok, [str(issue) for issue in plan.errors]
    assert plan.counts() == {"create": 0, "update": 0, "unchanged": members, "errors": 0,
                             "total": members}  # fmt: skip
    assert [str(note) for row in plan.rows for note in row.notes] == []
    assert plan.ignored == []
    assert plan.to_write == []


def counts() -> tuple[int, ...]:
    return (Member.objects.count(), MemberEvent.objects.count(), Member.history.count())


# The round trip -----------------------------------------------------------------------------


def test_reimporting_the_export_plans_no_change_and_writes_nothing(
    client, secretary, chapter, roll
):
    content = export(client, secretary)
    plan = plan_of(content, chapter)
    assert_nothing_to_change(plan, members=4)  # the deceased member is in the book only
    matched = {row.member.pk: row.matched_on for row in plan.rows}
    assert matched == {
        roll["hong"].pk: "citizen_id",
        roll["binh"].pk: "citizen_id",
        roll["plain"].pk: "full_name",
        roll["formula"].pk: "citizen_id",
    }
    before = counts()
    assert importer.apply_plan(plan, actor=secretary)["unchanged"] == 4
    assert counts() == before


def test_the_list_carries_identity_status_key_dates_and_cell_as_the_import_reads_them(
    client, secretary, roll
):
    workbook = load_workbook(io.BytesIO(export(client, secretary)))
    assert workbook.sheetnames[1] == LIST  # the 7-HSĐV book stays the first sheet
    sheet = workbook[LIST]
    headers = [cell.value for cell in sheet[1]]
    assert headers == list_headers(TODAY)
    assert headers[1:-3] == [column.template_header for column in importer.COLUMNS]
    assert headers[-3:] == ["Chi bộ", "Tuổi đảng", "Xếp loại năm 2025"]
    rows = {row[1].value: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(2)}
    assert set(rows) == {"Nguyễn Thị Hồng", "Trần Văn Bình", "Lê Thị Mai", FORMULA_NAME}
    hong = rows["Nguyễn Thị Hồng"]
    values = {header: cell.value for header, cell in hong.items()}
    assert values | {"STT": None} == values | {
        "STT": None,
        "Tên gọi khác": "Hồng Nhung",
        "Giới tính*": "Nữ",
        "Ngày sinh*": datetime.datetime(1980, 3, 15),
        "Số CCCD": "001180000001",
        "Điện thoại": "0912000001",
        "Trình độ phổ thông": "12/12",
        "Lý luận chính trị": "Trung cấp",
        "Tổ đảng": "Tổ 1",
        "Trạng thái*": "Chính thức",
        "Ngày QĐ kết nạp": datetime.datetime(2010, 1, 5),
        "Ngày vào Đảng": datetime.datetime(2010, 1, 20),
        "Ngày chính thức": datetime.datetime(2011, 1, 20),
        "Số QĐ kết nạp": "125-QĐ/ĐUK",
        "Số thẻ đảng viên": "01000001",
        "Số lý lịch": "LL-0456",
        "Ngày vào chi bộ": datetime.datetime(2018, 5, 14),
        "Ghi chú": "Dòng một\nDòng hai",
        "Xếp loại năm 2025": "Hoàn thành tốt nhiệm vụ",
    }
    with translation.override("vi"):  # the member page's answer (R16)
        assert values["Tuổi đảng"] == Member.objects.get(pk=roll["hong"].pk).party_age_display
    # Dates are Excel dates shown day first; identifiers are text kept as text when edited.
    assert hong["Ngày sinh*"].number_format == "DD/MM/YYYY"
    assert hong["Ngày sinh*"].is_date
    assert hong["Số CCCD"].data_type == "s"
    assert hong["Số CCCD"].number_format == "@"
    binh = {header: cell.value for header, cell in rows["Trần Văn Bình"].items()}
    assert binh["Trạng thái*"] == "Dự bị"
    assert binh["Tổ đảng"] == "Tổ 2"
    assert binh["Ngày vào Đảng"] == datetime.datetime(2025, 10, 11)
    assert binh["Ngày chính thức"] == datetime.datetime(2026, 10, 11)  # as the register plans it
    assert binh["Tuổi đảng"] is None  # no party age before the official date


def test_a_name_starting_with_equals_stays_text_and_matches(client, secretary, chapter, roll):
    content = export(client, secretary)
    sheet = load_workbook(io.BytesIO(content))[LIST]
    cells = [row[1] for row in sheet.iter_rows(2) if row[1].value == FORMULA_NAME]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    assert cells[0].quotePrefix
    row = next(r for r in plan_of(content, chapter).rows if r.member.pk == roll["formula"].pk)
    assert row.values["full_name"] == FORMULA_NAME
    assert row.action == importer.UNCHANGED


def test_through_the_pages_the_preview_has_nothing_to_import(client, secretary, chapter, roll):
    """Download on the reports page, upload on the import page: "nothing to import"."""
    content = export(client, secretary)
    before = counts()
    response = client.post(
        reverse("members:import"),
        {"file": SimpleUploadedFile("so-danh-sach-dang-vien.xlsx", content), "chapter": chapter.pk},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("members:import-preview", args=[batch.public_id])
    response = client.get(response.url)
    assert response.context["counts"]["unchanged"] == 4
    assert 'id="import-nothing"' in response.text
    assert "Nguyễn Thị Hồng" in response.text
    client.post(reverse("members:import-preview", args=[batch.public_id]))
    assert counts() == before


def test_a_changed_phone_is_the_only_change_planned(client, secretary, chapter, roll):
    def new_phone(sheet, headers):
        row = row_of(sheet, headers, "Lê Thị Mai")
        sheet.cell(row, headers.index("Điện thoại") + 1).value = "0987654321"

    plan = plan_of(edited(export(client, secretary), new_phone), chapter)
    assert plan.ok
    assert plan.counts()["update"] == 1
    assert plan.counts()["unchanged"] == 3
    (row,) = plan.to_write
    assert row.member.pk == roll["plain"].pk
    assert row.changes == {"phone": "0987654321"}
    before = counts()
    importer.apply_plan(plan, actor=secretary)
    assert Member.objects.get(pk=roll["plain"].pk).phone == "0987654321"
    assert counts()[:2] == before[:2]  # no member, no movement: one history row only
    assert counts()[2] == before[2] + 1


def test_an_unknown_column_is_ignored_with_a_note_not_refused(client, secretary, chapter, roll):
    def extra_column(sheet, headers):
        column = len(headers) + 1
        sheet.cell(1, column).value = "Sở thích"
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column).value = "Đọc sách"

    plan = plan_of(edited(export(client, secretary), extra_column), chapter)
    assert plan.ignored == ["Sở thích"]  # the preview lists it
    assert plan.ok
    assert plan.counts()["unchanged"] == 4
    assert plan.to_write == []


def test_the_export_only_columns_are_skipped_without_a_note(chapter):
    """The chapter, party age and any year's rating: read-only columns of the export."""
    headers = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Trạng thái", "Chi bộ"]
    headers += ["Tuổi đảng", "Xếp loại năm 2019", "XEP LOAI NAM 2024", "Xếp loại năm nay"]
    content = _xlsx([headers, ["1", "A", "Nam", "01/01/1980", "Chính thức", "x", "y", "z"]])
    assert importer.read_table("a.xlsx", content).ignored == ["Xếp loại năm nay"]


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_without_the_import_columns_gives_way_to_the_next_sheet(chapter):
    """The 7-HSĐV book sheet has a name column but no birth date: the list sheet is read."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["(1) STT", "(2) Họ và tên", "(3) Giới tính"])
    listing = workbook.create_sheet(LIST)
    listing.append(["Họ và tên", "Giới tính", "Ngày sinh", "Trạng thái"])
    listing.append(["Nguyễn Văn An", "Nam", "01/01/1980", "Chính thức"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = importer.read_table("a.xlsx", buffer.getvalue())
    assert [row.cells["full_name"] for row in table.rows] == ["Nguyễn Văn An"]
    # Alone, the incomplete sheet is still refused with the missing columns named.
    with pytest.raises(importer.ImportFileError) as refused:
        importer.read_table("b.xlsx", _xlsx([["Họ và tên", "Giới tính"], ["A", "Nam"]]))
    assert refused.value.code == "missing_column"


def test_the_list_headings_stay_the_templates_in_english(client, secretary, chapter, roll):
    content = export(client, secretary, language="en")
    assert_nothing_to_change(plan_of(content, chapter), members=4)


def test_the_report_story_round_trips_too(client, secretary, chapter, cell, other_cell):
    """Transfers out and back, a death, a temporary transfer, a member without a cell."""
    story = build_story(chapter, cell, other_cell)
    plan = plan_of(export(client, secretary), chapter)
    assert_nothing_to_change(plan, members=6)
    assert {row.member.pk for row in plan.rows} == {
        m.pk for m in (story.m1, story.m2, story.m3, story.m5, story.m7, story.m8)
    }


def test_a_committees_register_imports_only_into_each_rows_own_chapter(
    client, committee_officer, secretary, chapter, roll
):
    other = ChapterFactory(committee=chapter.committee, name="Chi bộ Sở Y tế")
    nurse = register_member(other, full_name="Đỗ Thị Lan", citizen_id="001185000009")
    content = export(client, committee_officer)
    plan = plan_of(content, chapter)
    refused = [row for row in plan.rows if row.errors]
    assert [row.name for row in refused] == ["Đỗ Thị Lan"]
    assert refused[0].errors[0].code == "other_chapter"  # and her citizen ID is on that roll
    with translation.override("vi"):
        plan = plan_of(content, chapter)
        issue = next(issue for row in plan.rows for issue in row.errors)
        assert issue.message == (
            "Dòng này là đảng viên của “Chi bộ Sở Y tế”, không thuộc “Chi bộ Ban Quản lý An toàn "
            "thực phẩm tỉnh”: hãy nhập vào đúng chi bộ của đảng viên, hoặc xóa trống cột “Chi bộ”."
        )
    before = counts()
    with pytest.raises(importer.ImportFailed):
        importer.apply_plan(plan, actor=secretary)
    assert counts() == before

    # Each chapter's part of the committee's file goes back unchanged into its own chapter.
    def keep(name):
        def change(sheet, headers):
            column = headers.index("Chi bộ") + 1
            for row in range(sheet.max_row, 1, -1):
                if sheet.cell(row, column).value != name:
                    sheet.delete_rows(row)

        return change

    assert_nothing_to_change(plan_of(edited(content, keep(chapter.name)), chapter), members=4)
    plan = plan_of(edited(content, keep(other.name)), other)
    assert_nothing_to_change(plan, members=1)
    assert plan.rows[0].member.pk == nurse.pk


def test_the_chapter_column_may_leave_out_chi_bo(chapter):
    headers = ["Họ và tên", "Giới tính", "Ngày sinh", "Trạng thái", "Ngày vào Đảng", "Chi bộ"]
    name = "BAN QUAN LY AN TOAN THUC PHAM TINH"  # no "Chi bộ", no diacritics, capitals
    row = ["An", "Nam", "01/01/1980", "Chính thức", "20/01/2010", name]
    plan = plan_of(_xlsx([headers, row]), chapter)
    assert plan.ok, [str(issue) for issue in plan.errors]
    assert plan.counts()["create"] == 1


def test_a_cell_leaders_register_goes_back_unchanged(client, cell_leader, chapter, roll):
    plan = plan_of(export(client, cell_leader), chapter)
    assert_nothing_to_change(plan, members=2)  # Tổ 1: Hồng and Mai


def test_a_past_day_lists_the_roll_of_that_day(client, secretary, chapter, roll):
    """As of 31/01/2026 the member who died in February is still on the list."""
    sheet = load_workbook(io.BytesIO(export(client, secretary, as_of="2026-01-31")))[LIST]
    names = {row[1] for row in sheet.iter_rows(2, values_only=True)}
    assert "Phạm Văn Khải" in names
    assert sheet.cell(1, len(list_headers(TODAY))).value == "Xếp loại năm 2025"


def test_every_choice_the_list_writes_reads_back_as_itself():
    """The list's words for sex, political theory and status are the ones the import reads."""
    from members.importing.read import _parse

    words = {"gender": GENDER_WORDS, "political_theory": THEORY_WORDS, "status": STATUS_WORDS}
    for key, choices in words.items():
        for value, word in choices.items():
            assert _parse(importer.COLUMN_BY_KEY[key], word, {}) == value
    assert set(GENDER_WORDS) == set(Member.Gender)
    assert set(THEORY_WORDS) == set(Member.PoliticalTheory) - {Member.PoliticalTheory.NONE}
    assert set(STATUS_WORDS) == set(Member.ACTIVE_STATUSES)


# Size ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 12])
def test_the_two_sheets_take_a_fixed_number_of_queries(client, size, django_assert_num_queries):
    chapter = ChapterFactory()
    cell = CellFactory(chapter=chapter)
    for index in range(size):
        register_member(cell=cell, citizen_id=f"0011800{index:05d}")
    user = get_user_model().objects.create_user(f"bt{size}", password="pw")
    give_role(user, RoleAssignment.Role.SECRETARY, chapter=chapter)
    client.force_login(user)
    # session, user, roles, chapters; the records let go since the day (by id); those gone to
    # another chapter this year; one chunk of members and one of their movements
    with django_assert_num_queries(8):
        response = client.get(REGISTER + "?as_of=2026-03-15")
    content = b"".join(response.streaming_content)
    assert load_workbook(io.BytesIO(content))[LIST].max_row == 1 + size
    assert_nothing_to_change(plan_of(content, chapter), members=size)
