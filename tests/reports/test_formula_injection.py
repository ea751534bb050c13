"""Text written to a spreadsheet stays text, never a formula (chapter/xlsx.py): the register and
figures exports, the import template; and the importer refuses a formula cell."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chapter.xlsx import append_row, safe_value, set_value, text_cell
from members import importing as importer
from tests.members.factories import CellFactory, register_member

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "#N/A"]
HYPERLINK = PAYLOADS[0]


def saved(workbook: Workbook) -> Workbook:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def all_cells(workbook: Workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from (cell for cell in row if cell.value is not None)


def read_back(value):
    """A carriage return may come back as a line feed (openpyxl's own XML writer normalises it;
    with lxml installed it is kept): the text is otherwise unchanged."""
    return value.replace("\r", "\n") if isinstance(value, str) else value


def assert_text(cell, value: str) -> None:
    assert read_back(cell.value) == read_back(value)
    assert cell.data_type == "s"
    assert cell.quotePrefix  # editing the cell in Excel keeps it text


def assert_no_formula(workbook: Workbook) -> None:
    formulas = [(cell.coordinate, cell.value) for cell in all_cells(workbook)]
    assert [c for c in all_cells(workbook) if c.data_type == "f"] == [], formulas


# The helpers -----------------------------------------------------------------------------------


def test_write_only_cells_keep_the_text_exactly_as_text():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append([text_cell(sheet, value) for value in PAYLOADS])
    sheet.append([safe_value(sheet, value) for value in PAYLOADS])
    sheet.append([safe_value(sheet, value) for value in ("Nguyễn Thị Hồng", 12, None)])
    read = saved(workbook)
    rows = list(read["x"].iter_rows())
    for row in rows[:2]:
        for cell, value in zip(row, PAYLOADS, strict=True):
            assert_text(cell, value)
    plain = rows[2]
    assert (plain[0].value, plain[0].data_type, plain[0].quotePrefix) == (
        "Nguyễn Thị Hồng",
        "s",
        False,
    )
    assert (plain[1].value, plain[1].data_type) == (12, "n")
    assert_no_formula(read)


def test_normal_sheets_keep_the_text_exactly_as_text():
    workbook = Workbook()
    sheet = workbook.active
    append_row(sheet, PAYLOADS)
    for column, value in enumerate(PAYLOADS, start=1):
        set_value(sheet, 2, column, value)
    read = saved(workbook)
    for row in read.active.iter_rows():
        for cell, value in zip(row, PAYLOADS, strict=True):
            assert_text(cell, value)


# The exports -----------------------------------------------------------------------------------


@pytest.fixture
def planted(chapter, cell):
    """A member whose every text field a user typed is a formula; a cell named like one."""
    formula_cell = CellFactory(chapter=chapter, name="=1+2")
    return register_member(
        cell=formula_cell,
        full_name=HYPERLINK,
        other_names="+1",
        hometown="-2+3",
        occupation="@SUM(A1)",
        ethnicity="\t=1+1",
        religion="#N/A",
        note="\r=1+1",
    )


def download(client, url: str) -> Workbook:
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_register_writes_typed_formulas_as_text(client, secretary, planted):
    client.force_login(secretary)
    workbook = download(client, reverse("reports:export-register"))
    assert_no_formula(workbook)
    cells = {read_back(cell.value): cell for cell in all_cells(workbook)}
    for value in (*PAYLOADS, "=1+2"):
        assert_text(cells[read_back(value)], value)


def test_the_figures_write_a_formula_named_chapter_and_cell_as_text(client, secretary, planted):
    planted.chapter.name = '=HYPERLINK("http://x","chapter")'
    planted.chapter.save(update_fields=["name"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary)
    workbook = download(client, reverse("reports:export-figures"))
    assert_no_formula(workbook)
    cells = {cell.value: cell for cell in all_cells(workbook)}
    assert_text(cells["=1+2"], "=1+2")  # the by-cell breakdown


def test_the_import_template_has_no_formula():
    workbook = load_workbook(io.BytesIO(importer.template_workbook()))
    assert_no_formula(workbook)


# The importer ----------------------------------------------------------------------------------


HEADERS = [column.template_header for column in importer.COLUMNS]


def row(**values) -> list:
    base = {
        "full_name": "Nguyễn Thị Hồng",
        "gender": "Nữ",
        "date_of_birth": "15/03/1980",
        "status": "Chính thức",
        "admission_decision_date": "05/01/2010",
        "ceremony_date": "20/01/2010",
    }
    base.update(values)
    return [base.get(column.key, "") for column in importer.COLUMNS]


def test_a_formula_cell_is_refused_with_a_message(chapter, cell):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(row(full_name=HYPERLINK))  # openpyxl writes "=…" as a formula
    sheet.append(row(full_name="Trần Văn Bình", date_of_birth="=DATE(1990,1,2)"))
    assert sheet["A2"].data_type == "f"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = importer.read_table("so.xlsx", buffer.getvalue())
    plan = importer.plan_import(table, chapter)
    errors = {(issue.row, issue.column, issue.code) for issue in plan.errors}
    name, born = importer.COLUMN_BY_KEY["full_name"].header, "Ngày sinh"
    assert (2, name, "formula") in errors
    assert (3, born, "formula") in errors
    message = next(issue.message for issue in plan.errors if issue.row == 2)
    assert HYPERLINK in message
    assert not plan.ok


def test_formula_looking_text_is_imported_as_text_and_exported_as_text(
    client, secretary, chapter, cell
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    append_row(sheet, row(full_name=HYPERLINK, hometown="+1"))  # text cells, not formulas
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = importer.plan_import(importer.read_table("so.xlsx", buffer.getvalue()), chapter)
    assert plan.errors == []
    importer.apply_plan(plan, actor=secretary)

    client.force_login(secretary)
    exported = download(client, reverse("reports:export-register"))
    assert_no_formula(exported)
    cells = {c.value: c for c in all_cells(exported)}
    assert_text(cells[HYPERLINK], HYPERLINK)
    assert_text(cells["+1"], "+1")
