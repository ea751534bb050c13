"""Import of an existing register: reading files, planning, applying, and the pages
(members/importing/, members/import_views.py)."""

import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from chapter.rules import rule_book
from members import importing as importer
from members import services
from members.import_views import XLSX
from members.models import ImportBatch, Member, MemberEvent
from tests.members.factories import ChapterFactory, register_member

pytestmark = pytest.mark.django_db

Status = Member.Status
UPLOAD_URL = reverse("members:import")
TEMPLATE_URL = reverse("members:import-template")
HEADERS = [column.template_header for column in importer.COLUMNS]
NAME = "Nguyễn Thị Hồng"

# One official member, one probationary; the chapter (conftest) was founded 14/05/2018.
ROW = {
    "full_name": NAME,
    "gender": "Nữ",
    "date_of_birth": "15/03/1980",
    "citizen_id": "001180000001",
    "phone": "0912000001",
    "cell": "Tổ 1",
    "status": "Chính thức",
    "admission_decision_date": "05/01/2010",
    "ceremony_date": "20/01/2010",
    "card_number": "01000001",
}
PROBATIONARY = {
    "full_name": "Trần Văn Bình",
    "gender": "Nam",
    "date_of_birth": "02/09/1995",
    "citizen_id": "001195000002",
    "cell": "Tổ 2",
    "status": "Dự bị",
    "ceremony_date": "",  # filled in relative to today by the fixture below
}


def probationary_row(**overrides) -> dict:
    ceremony = timezone.localdate() - datetime.timedelta(days=60)
    return {**PROBATIONARY, "ceremony_date": ceremony.strftime("%d/%m/%Y"), **overrides}


def as_row(values: dict) -> list:
    return [values.get(column.key, "") for column in importer.COLUMNS]


def xlsx_bytes(rows: list[dict], *, headers=None, title_rows=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(headers or HEADERS)
    for values in rows:
        sheet.append(as_row(values) if isinstance(values, dict) else values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[dict], delimiter: str = ",") -> str:
    lines = [HEADERS, *(as_row(values) for values in rows)]
    return "\r\n".join(delimiter.join(f'"{value}"' for value in line) for line in lines) + "\r\n"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese offices save it: base letters with their vowel marks (â, ơ, ư)
    precomposed, tone marks as separate combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        vowel = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
        out.append((vowel + "".join(tones)).encode("cp1258"))
    return b"".join(out)


def plan_of(chapter, rows, **kwargs) -> importer.Plan:
    return importer.plan_import(importer.read_table("so.xlsx", xlsx_bytes(rows, **kwargs)), chapter)


def codes(plan: importer.Plan, row: int | None = None) -> set[tuple[str | None, str]]:
    return {(i.column, i.code) for i in plan.errors if row is None or i.row == row}


def header(key: str) -> str:
    return importer.COLUMN_BY_KEY[key].header


@pytest.fixture
def cells(cell, other_cell):
    return cell, other_cell


# Reading files ------------------------------------------------------------------------------


def test_headers_and_aliases_are_unambiguous():
    keys = [
        importer._header_key(name)
        for column in importer.COLUMNS
        for name in {importer._header_key(n) for n in (column.header, *column.aliases)}
    ]
    assert len(keys) == len(set(keys))


def test_template_has_the_headers_a_guide_and_an_example_row():
    workbook = openpyxl.load_workbook(io.BytesIO(importer.template_workbook()))
    assert workbook.sheetnames == [importer.TEMPLATE_SHEET, importer.GUIDE_SHEET]
    data = workbook[importer.TEMPLATE_SHEET]
    assert [cell.value for cell in data[1]] == HEADERS
    assert data.max_row == 1  # nothing to delete before filling it in
    guide = [[cell.value for cell in row] for row in workbook[importer.GUIDE_SHEET].iter_rows()]
    assert guide[1][0] == "Họ và tên"
    assert HEADERS in guide
    example = guide[guide.index(HEADERS) + 1]
    assert example[0] == NAME


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t"), ("cp1258", ",")],
)
def test_csv_encodings_give_the_same_names(chapter, cells, encoding, delimiter):
    text = csv_text([ROW], delimiter)
    content = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    if encoding == "cp1258":
        assert "Nguyễn".encode("cp1258", errors="ignore") not in content  # really decomposed
    table = importer.read_table("export.csv", content)
    plan = importer.plan_import(table, chapter)
    assert plan.ok, plan.errors
    assert plan.rows[0].name == NAME
    assert unicodedata.is_normalized("NFC", plan.rows[0].name)
    assert plan.rows[0].cell.name == "Tổ 1"


def test_utf16_without_bom_and_tab_separated_text(chapter, cells):
    content = csv_text([ROW], "\t").encode("utf-16-le")
    table = importer.read_table("unicode.txt", content)
    assert importer.plan_import(table, chapter).rows[0].name == NAME


def test_headers_without_diacritics_title_rows_and_extra_columns(chapter, cells):
    headers = ["STT", "HO VA TEN", "gioi tinh (Nam/Nu)", "Ngay sinh", "So CCCD", "Trang thai*",
               "Ngay ket nap", "To dang", "Que quan cu"]  # fmt: skip
    row = [1, "nguyễn thị hồng", "nữ", "15/03/1980", "001180000001", "chính thức",
           "20/01/2010", "to 1", "Hà Tây"]  # fmt: skip
    plan = plan_of(chapter, [row], headers=headers, title_rows=["DANH SÁCH ĐẢNG VIÊN", ""])
    assert plan.ok, plan.errors
    assert plan.ignored == ["Que quan cu"]
    values = plan.rows[0].values
    assert values["gender"] == "F" and values["status"] == Status.OFFICIAL
    assert plan.rows[0].number == 4  # the spreadsheet's own row number


def test_excel_dates_and_numbers_that_lost_their_leading_zero(chapter, cells):
    row = as_row(ROW)
    keys = [column.key for column in importer.COLUMNS]
    row[keys.index("date_of_birth")] = datetime.datetime(1980, 3, 15)
    row[keys.index("ceremony_date")] = datetime.date(2010, 1, 20)
    row[keys.index("citizen_id")] = 1180000001  # "001180000001" typed into a number cell
    row[keys.index("phone")] = 912000001
    row[keys.index("card_number")] = 1000001.0
    values = plan_of(chapter, [row]).rows[0].values
    assert values["date_of_birth"] == datetime.date(1980, 3, 15)
    assert values["ceremony_date"] == datetime.date(2010, 1, 20)
    assert values["citizen_id"] == "001180000001"
    assert values["phone"] == "0912000001"
    assert values["card_number"] == "1000001"


def test_a_school_grade_excel_turned_into_a_date(chapter, cells):
    row = as_row(ROW)
    keys = [column.key for column in importer.COLUMNS]
    row[keys.index("general_education")] = datetime.datetime(2026, 12, 12)  # typed "12/12"
    assert plan_of(chapter, [row]).rows[0].values["general_education"] == "12/12"


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("so.pdf", b"%PDF-1.4", "file_type"),
        ("so.xls", b"\xd0\xcf\x11\xe0rest", "old_excel"),
        ("so.xlsx", b"not a zip", "bad_excel"),
        ("so.xlsx", b"PK\x03\x04broken", "bad_excel"),
        ("so.csv", b"", "empty"),
        ("so.csv", "Họ và tên,Giới tính\r\nA,Nam\r\n".encode(), "missing_column"),
        ("so.csv", "Tên,Tuổi\r\nA,3\r\n".encode(), "no_header"),
        ("so.csv", (",".join(HEADERS) + "\r\n").encode(), "no_rows"),
        ("so.csv", ("Họ và tên,Họ tên\r\n" + "A,B\r\n").encode(), "duplicate_column"),
        ("so.csv", b"\x81\x8a\x8d\xff" * 10, "encoding"),
    ],
)
def test_files_that_cannot_be_imported(filename, content, code):
    with pytest.raises(importer.ImportFileError) as caught:
        importer.read_table(filename, content)
    assert caught.value.code == code


def test_size_and_row_limits(monkeypatch):
    with pytest.raises(importer.ImportFileError) as caught:
        importer.read_table("so.csv", b"x" * (importer.MAX_BYTES + 1))
    assert caught.value.code == "too_large"
    monkeypatch.setattr(importer.read, "MAX_ROWS", 2)
    with pytest.raises(importer.ImportFileError) as caught:
        importer.read_table("so.xlsx", xlsx_bytes([ROW, ROW, ROW]))
    assert caught.value.code == "too_many_rows"
    monkeypatch.setattr(importer.read, "MAX_UNZIPPED", 1000)  # a zip bomb, in miniature
    with pytest.raises(importer.ImportFileError) as caught:
        importer.read_table("so.xlsx", xlsx_bytes([ROW]))
    assert caught.value.code == "too_large"


# Planning: what each row becomes ------------------------------------------------------------


def test_a_new_register_plans_creates(chapter, cells):
    plan = plan_of(chapter, [ROW, probationary_row()])
    assert plan.ok, plan.errors
    assert plan.counts() == {"create": 2, "update": 0, "unchanged": 0, "errors": 0, "total": 2}
    official, probationary = plan.rows
    # On the roll from the founding, or from the day the member had the status if later.
    assert official.effective_date == chapter.founded_on
    assert probationary.effective_date == probationary.values["ceremony_date"]


def test_planning_writes_nothing(chapter, cells):
    before = (Member.objects.count(), MemberEvent.objects.count())
    plan_of(chapter, [ROW, probationary_row()])
    assert (Member.objects.count(), MemberEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "key", "code"),
    [
        ({"date_of_birth": "31/02/1980"}, "date_of_birth", "bad_date"),
        ({"ceremony_date": "20.01.10"}, "ceremony_date", "bad_date"),
        ({"date_of_birth": "15/03/2020"}, "date_of_birth", "implausible"),
        ({"cell": "Tổ 9"}, "cell", "unknown_cell"),
        ({"full_name": ""}, "full_name", "required"),
        ({"status": ""}, "status", "required"),
        ({"gender": "X"}, "gender", "bad_choice"),
        ({"status": "Cảm tình"}, "status", "bad_choice"),
        ({"political_theory": "Đại học"}, "political_theory", "bad_choice"),
        ({"citizen_id": "00118000001"}, "citizen_id", "invalid"),
        ({"citizen_id": "1,18E+11"}, "citizen_id", "shortened_number"),
        # impossible date order: the services' own checks (R13, R15)
        ({"admission_decision_date": "25/01/2010"}, "ceremony_date", "key_dates"),
        ({"official_date": "21/01/2011"}, "official_date", "key_dates"),
        ({"date_of_birth": "15/03/1995"}, "date_of_birth", "key_dates"),
        ({"effective_date": "01/01/2017"}, "effective_date", "before_founding"),
        ({"effective_date": "01/01/2099"}, "effective_date", "date_too_late"),
        ({"effective_date": "01/01/0001"}, "effective_date", "date_too_early"),
    ],
)
def test_row_errors(chapter, cells, changes, key, code):
    plan = plan_of(chapter, [{**ROW, **changes}])
    assert not plan.ok
    assert (header(key), code) in codes(plan)
    issue = plan.errors[0]
    assert issue.row == 2
    with translation.override("en"):
        assert str(issue).startswith("row 2")


def test_probationary_rules(chapter, cells):
    with_card = probationary_row(card_number="01000009")
    no_ceremony = probationary_row(
        citizen_id="001195000003", full_name="Lê Văn C", ceremony_date=""
    )
    over = probationary_row(  # on the roll from today, 12 months after the ceremony
        citizen_id="001195000004",
        full_name="Lê Văn D",
        ceremony_date="01/06/2019",
        effective_date=timezone.localdate().strftime("%d/%m/%Y"),
    )
    plan = plan_of(chapter, [with_card, no_ceremony, over])
    assert codes(plan, 2) == {(header("card_number"), "key_dates")}
    assert codes(plan, 3) == {(header("ceremony_date"), "ceremony_missing")}
    assert codes(plan, 4) == {(header("official_date"), "probation_over")}


def test_duplicates_within_the_file(chapter, cells):
    twin = {**probationary_row(), "citizen_id": ROW["citizen_id"]}
    same_card = {**ROW, "citizen_id": "001180000009", "full_name": "Phạm Văn E"}
    no_ids = {"full_name": "Hoàng Văn F", "gender": "Nam", "date_of_birth": "01/01/1970",
              "status": "Chính thức", "ceremony_date": "01/01/2000"}  # fmt: skip
    with translation.override("en"):  # the messages are written when the plan is made
        plan = plan_of(chapter, [ROW, twin, same_card, no_ids, no_ids])
    assert (header("citizen_id"), "duplicate_in_file") in codes(plan, 2)
    assert (header("citizen_id"), "duplicate_in_file") in codes(plan, 3)
    assert (header("card_number"), "duplicate_in_file") in codes(plan, 4)
    assert codes(plan, 5) == codes(plan, 6) == {(header("full_name"), "duplicate_in_file")}
    assert "row 3" in plan.rows[0].errors[0].message


def test_identifiers_of_a_member_of_another_chapter(chapter, cells):
    elsewhere = register_member(ChapterFactory(), citizen_id="001180000001", card_number="777")
    plan = plan_of(chapter, [ROW, {**probationary_row(), "card_number": ""}])
    assert (header("citizen_id"), "duplicate_on_roll") in codes(plan, 2)
    assert elsewhere.chapter != chapter
    # A card held elsewhere too.
    plan = plan_of(chapter, [{**ROW, "citizen_id": "", "card_number": "777"}])
    assert (header("card_number"), "duplicate_on_roll") in codes(plan)


def test_citizen_id_and_card_of_two_different_members(chapter, cell):
    first = register_member(cell=cell, citizen_id="001180000001")
    register_member(cell=cell, citizen_id="001180000002", card_number="01000001")
    plan = plan_of(chapter, [ROW])
    assert plan.rows[0].member == first
    assert (header("card_number"), "duplicate_on_roll") in codes(plan)


def test_two_rows_for_the_same_member(chapter, cell):
    register_member(cell=cell, citizen_id="001180000001", card_number="01000001")
    by_card = {**ROW, "citizen_id": "", "phone": "0999"}
    plan = plan_of(chapter, [ROW, by_card])
    assert (None, "same_member") in codes(plan, 3)


def test_matching_by_citizen_id_then_card_then_name(chapter, cells):
    cell = cells[0]
    by_id = register_member(cell=cell, citizen_id="001180000001", full_name=NAME, gender="F",
                            date_of_birth=datetime.date(1980, 3, 15))  # fmt: skip
    by_card = register_member(cell=cell, card_number="02000002")
    by_name = register_member(cell=cell, full_name="Đỗ Văn Hải", gender="M",
                              date_of_birth=datetime.date(1975, 6, 1))  # fmt: skip
    rows = [
        {**ROW, "card_number": ""},
        {**ROW, "full_name": by_card.full_name, "citizen_id": "", "card_number": "02000002",
         "date_of_birth": by_card.date_of_birth.strftime("%d/%m/%Y"),
         "gender": "Nam" if by_card.gender == "M" else "Nữ"},
        {**ROW, "full_name": "ĐỖ VĂN HẢI", "gender": "Nam", "date_of_birth": "01/06/1975",
         "citizen_id": "001175000003", "card_number": ""},
    ]  # fmt: skip
    plan = plan_of(chapter, rows)
    assert [row.member for row in plan.rows] == [by_id, by_card, by_name]
    assert plan.rows[2].changes == {
        "full_name": "ĐỖ VĂN HẢI",
        "citizen_id": "001175000003",
        "phone": ROW["phone"],
    }


def test_an_identifier_of_someone_else_on_the_register(chapter, cell):
    register_member(cell=cell, citizen_id="001180000001", full_name="Lê Văn Tám",
                    date_of_birth=datetime.date(1950, 1, 1))  # fmt: skip
    plan = plan_of(chapter, [ROW])
    assert codes(plan) == {(header("citizen_id"), "other_person")}
    # A corrected spelling (same birth date) is an update.
    plan = plan_of(chapter, [{**ROW, "full_name": "Lê Văn Tám.", "date_of_birth": "01/01/1950"}])
    assert plan.ok and plan.rows[0].changes["full_name"] == "Lê Văn Tám."


def test_key_differences_are_notes_not_changes(chapter, cells):
    other_cell = cells[1]
    member = register_member(cell=other_cell, citizen_id="001180000001", full_name=NAME,
                             gender="F", date_of_birth=datetime.date(1980, 3, 15),
                             card_number="01000001", phone="0912000001")  # fmt: skip
    changed = {**ROW, "ceremony_date": "21/01/2010", "admission_decision_date": "05/01/2010"}
    plan = plan_of(chapter, [changed])
    row = plan.rows[0]
    assert plan.ok and row.member == member
    assert {(n.column, n.code) for n in row.notes} == {
        (header("cell"), "not_changed_by_import"),
        (header("ceremony_date"), "not_changed_by_import"),
    }
    assert "cell" not in row.changes and "ceremony_date" not in row.changes


def test_a_former_member_of_the_chapter_is_a_note(chapter, cells):
    former = register_member(cell=cells[0], citizen_id="001180000001")
    services.member_transfer_out(
        member_id=former.pk, actor=None, effective_date=datetime.date(2024, 3, 1),
        to_organisation="Chi bộ khác",
        letter=services.Document(number="1-GGT", date=datetime.date(2024, 3, 1)),
    )  # fmt: skip
    row = plan_of(chapter, [ROW]).rows[0]
    assert row.action == importer.CREATE
    assert [n.code for n in row.notes] == ["former_member"]


# Applying ----------------------------------------------------------------------------------


def test_apply_writes_every_row_through_the_services_checks(chapter, cells, secretary):
    plan = plan_of(chapter, [ROW, probationary_row()])
    assert importer.apply_plan(plan, actor=secretary)["create"] == 2
    official = Member.objects.get(citizen_id="001180000001")
    assert official.status == Status.OFFICIAL and official.cell.name == "Tổ 1"
    assert official.official_date == datetime.date(2011, 1, 20)
    assert official.card_number == "01000001"
    probationary = Member.objects.get(citizen_id="001195000002")
    assert probationary.status == Status.PROBATIONARY
    events = MemberEvent.objects.filter(member__chapter=chapter)
    assert {(e.member_id, e.kind, e.actor_id) for e in events} == {
        (official.pk, MemberEvent.Kind.IMPORTED, secretary.pk),
        (probationary.pk, MemberEvent.Kind.IMPORTED, secretary.pk),
    }
    event = official.events.get()
    assert event.effective_date == chapter.founded_on and event.status == Status.OFFICIAL
    assert "so.xlsx" in event.note


def test_one_bad_row_imports_nothing(chapter, cells, secretary):
    plan = plan_of(chapter, [ROW, probationary_row(cell="Tổ 9")])
    with pytest.raises(importer.ImportFailed) as caught:
        importer.apply_plan(plan, actor=secretary)
    assert [issue.code for issue in caught.value.issues] == ["unknown_cell"]
    assert not Member.objects.filter(chapter=chapter).exists()


def test_a_row_refused_while_writing_undoes_the_rows_before_it(chapter, cells, secretary):
    plan = plan_of(chapter, [ROW, probationary_row()])
    assert plan.ok
    # Someone registers the second row's citizen ID elsewhere between preview and confirm.
    register_member(ChapterFactory(), citizen_id=PROBATIONARY["citizen_id"])
    with pytest.raises(importer.ImportFailed) as caught:
        importer.apply_plan(plan, actor=secretary)
    assert caught.value.issues[0].row == 3
    assert caught.value.issues[0].code == "duplicate_identifier"
    assert not Member.objects.filter(chapter=chapter).exists()


def test_importing_the_same_file_again_changes_nothing(chapter, cells, secretary):
    content = xlsx_bytes([ROW, probationary_row()])
    first = importer.import_table(
        importer.read_table("so.xlsx", content), chapter=chapter, actor=secretary
    )
    assert first.counts()["create"] == 2
    history = Member.history.count()
    events = MemberEvent.objects.count()
    again = importer.import_table(
        importer.read_table("so.xlsx", content), chapter=chapter, actor=secretary
    )
    assert again.counts() == {"create": 0, "update": 0, "unchanged": 2, "errors": 0, "total": 2}
    assert (Member.history.count(), MemberEvent.objects.count()) == (history, events)
    assert all(not row.notes for row in again.rows)


def test_a_changed_phone_number_is_one_history_row(chapter, cells, secretary):
    importer.import_table(
        importer.read_table("so.xlsx", xlsx_bytes([ROW])), chapter=chapter, actor=secretary
    )
    member = Member.objects.get(citizen_id=ROW["citizen_id"])
    history, events = member.history.count(), MemberEvent.objects.count()
    changed = {**ROW, "phone": "0988000111", "religion": ""}  # an empty cell erases nothing
    plan = plan_of(chapter, [changed])
    assert plan.rows[0].action == importer.UPDATE
    assert plan.rows[0].changes == {"phone": "0988000111"}
    assert plan.rows[0].change_list() == [(header("phone"), "0912000001", "0988000111")]
    importer.apply_plan(plan, actor=secretary)
    member.refresh_from_db()
    assert member.phone == "0988000111" and member.religion == "Không"
    assert member.history.count() == history + 1
    assert member.history.first().history_user == secretary
    assert MemberEvent.objects.count() == events


def test_an_update_breaking_a_rule_is_an_error(chapter, cell):
    register_member(cell=cell, status=Status.PROBATIONARY, citizen_id="001180000001")
    plan = plan_of(chapter, [{**ROW, "status": "Dự bị"}])  # the file adds a card number
    assert (header("card_number"), "key_dates") in codes(plan)


def test_five_thousand_rows_plan_in_a_fixed_number_of_queries(
    chapter, cells, django_assert_max_num_queries
):
    rows = [
        {**ROW, "full_name": f"Người {n}", "citizen_id": f"0011800{n:05d}", "card_number": ""}
        for n in range(5000)
    ]
    table = importer.read_table("so.csv", csv_text(rows).encode())
    with django_assert_max_num_queries(4):
        plan = importer.plan_import(table, chapter)
    assert plan.counts()["create"] == 5000


# The pages ---------------------------------------------------------------------------------


@pytest.fixture
def login(client, request):
    def login_as(name: str | None):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if name is not None:
            client.force_login(request.getfixturevalue(name))
        return client

    return login_as


def upload(client, content: bytes, name: str = "so.xlsx", **data):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content), **data})


@pytest.fixture
def batch(chapter, cells, secretary):
    return importer.batch_create(
        chapter=chapter, actor=secretary, filename="so.xlsx", content=xlsx_bytes([ROW])
    )


def preview_url(batch) -> str:
    return reverse("members:import-preview", args=[batch.public_id])


def test_anonymous_is_sent_to_login(client, batch):
    for url in (UPLOAD_URL, TEMPLATE_URL, preview_url(batch)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("actor", "upload_status", "preview_status"),
    [
        ("outsider", 200, 404),  # a secretary of another chapter: uploads for their own
        ("cell_leader", 403, 403),
        ("committee_officer", 403, 403),
        ("user", 403, 404),
        ("secretary", 200, 200),
        ("admin_user", 200, 200),
    ],
)
def test_access_matrix(login, batch, actor, upload_status, preview_status):
    client = login(actor)
    assert client.get(UPLOAD_URL).status_code == upload_status
    assert client.get(TEMPLATE_URL).status_code == upload_status
    assert client.get(preview_url(batch)).status_code == preview_status
    assert client.post(preview_url(batch)).status_code in {preview_status, 302}
    if preview_status != 200:
        assert not Member.objects.filter(citizen_id=ROW["citizen_id"]).exists()


def test_methods(login, batch):
    client = login("secretary")
    assert client.post(TEMPLATE_URL).status_code == 405
    assert client.put(UPLOAD_URL).status_code == 405
    assert client.delete(preview_url(batch)).status_code == 405


def test_template_round_trip_through_the_pages(login, chapter, cells, secretary):
    client = login("secretary")
    response = client.get(TEMPLATE_URL)
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook[importer.TEMPLATE_SHEET]
    sheet.append(as_row(ROW))
    sheet.append(as_row(probationary_row()))
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client, buffer.getvalue(), "mau-da-dien.xlsx", chapter=chapter.pk)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == preview_url(batch)
    response = client.get(preview_url(batch))
    assert response.status_code == 200
    assert response.context["counts"]["create"] == 2
    assert "Import 2 rows" in response.text

    response = client.post(preview_url(batch))
    assert response.status_code == 302 and response.url == reverse("members:member-list")
    members = Member.objects.filter(chapter=chapter)
    assert sorted(m.full_name for m in members) == sorted([NAME, PROBATIONARY["full_name"]])
    assert all(m.events.get().kind == MemberEvent.Kind.IMPORTED for m in members)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.content in (b"", memoryview(b""))
    assert batch.summary["create"] == 2
    assert "2 created" in client.get(reverse("members:member-list")).text
    # A second click finds the file imported: nothing more is written.
    response = client.post(preview_url(batch))
    assert response.status_code == 200 and "Import done" in response.text
    assert members.count() == 2


def test_a_file_with_errors_cannot_be_confirmed(login, chapter, cells):
    client = login("secretary")
    rows = [ROW, {**probationary_row(), "date_of_birth": "32/13/1995"}]
    upload(client, xlsx_bytes(rows), chapter=chapter.pk)
    batch = ImportBatch.objects.get()
    response = client.get(preview_url(batch))
    assert response.context["counts"]["errors"] == 1
    assert 'id="import-confirm"' not in response.text
    assert "Upload the corrected file" in response.text
    assert "Row 3" in response.text and header("date_of_birth") in response.text
    response = client.post(preview_url(batch))
    assert response.status_code == 200
    assert not Member.objects.filter(chapter=chapter).exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_a_refusal_while_writing_is_shown_on_the_preview(login, chapter, cells, monkeypatch):
    client = login("secretary")
    upload(client, xlsx_bytes([ROW]), chapter=chapter.pk)
    batch = ImportBatch.objects.get()
    original = importer.apply_plan

    def racing(plan, *, actor, progress=None):
        register_member(ChapterFactory(), citizen_id=ROW["citizen_id"])  # the race
        return original(plan, actor=actor, progress=progress)

    monkeypatch.setattr(importer.apply, "apply_plan", racing)
    # plan_import runs inside the transaction, before the race: the service catches it.
    response = client.post(preview_url(batch))
    assert response.status_code == 200
    assert 'id="import-failed"' in response.text
    assert not Member.objects.filter(chapter=chapter).exists()


def test_a_kept_file_no_longer_accepted_goes_back_to_upload(login, batch, monkeypatch):
    monkeypatch.setattr(importer.read, "MAX_BYTES", 10)
    response = login("secretary").get(preview_url(batch))
    assert response.status_code == 302 and response.url == UPLOAD_URL


def test_an_unreadable_file_is_refused_on_upload(login, chapter):
    client = login("secretary")
    response = upload(client, b"%PDF-1.4", "so.pdf", chapter=chapter.pk)
    assert response.status_code == 200
    assert "Only Excel (.xlsx) and CSV (.csv) files" in response.text
    assert not ImportBatch.objects.exists()


def test_several_chapters_to_choose_from(login, chapter, cells, admin_user):
    other = ChapterFactory(name="Chi bộ Khác")
    client = login("admin_user")
    response = client.get(UPLOAD_URL)
    assert 'type="hidden" name="chapter"' not in response.text
    response = upload(client, xlsx_bytes([{**ROW, "cell": ""}]), chapter=other.pk)
    assert ImportBatch.objects.get().chapter == other


def test_preview_runs_a_fixed_number_of_queries(login, chapter, cells):
    client = login("secretary")

    def rows(n):
        return [{**ROW, "full_name": f"Người {i}", "citizen_id": f"00118000{i:04d}",
                 "card_number": ""} for i in range(n)]  # fmt: skip

    rule_book()  # the rule values (the minimum age) are read once per process, then cached
    counts = []
    for size in (3, 30):
        upload(client, xlsx_bytes(rows(size)), chapter=chapter.pk)
        batch = ImportBatch.objects.order_by("-pk").first()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(preview_url(batch)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_upload_drops_stale_unconfirmed_files(chapter, cells, secretary):
    old = importer.batch_create(chapter=chapter, actor=secretary, filename="a.xlsx", content=b"x")
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - importer.STALE_AFTER - datetime.timedelta(hours=1)
    )
    importer.batch_create(chapter=chapter, actor=secretary, filename="b.xlsx", content=b"x")
    assert list(ImportBatch.objects.values_list("filename", flat=True)) == ["b.xlsx"]


def test_import_batches_are_listed_read_only_in_the_admin(client, admin_user):
    from django.urls import reverse

    client.force_login(admin_user)
    assert client.get(reverse("admin:members_importbatch_changelist")).status_code == 200
    assert client.get(reverse("admin:members_importbatch_add")).status_code == 403
