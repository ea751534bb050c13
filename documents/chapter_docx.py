# ruff: noqa: E501 (the templates' Vietnamese text reads better unbroken)
"""The shipped Word templates of the chapter's own documents (``manage.py build_docx_templates``
writes them with the case documents'): the register book (7-HSĐV, A4 landscape, 14 numbered
columns), the list of members at a meeting, the yearly rating table and the badge list.

Each is a table with docxtpl's row loop: a row holding ``{%tr for m in members %}``, the row
printed once per member, a row holding ``{%tr endfor %}``; a cell that holds several items (the
book's columns 2 to 14) prints one a line with ``{%p for line in m.name %}``. The heading rows
repeat on every page. The text mirrors the HTML templates (templates/documents/).
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.docx_builder import (
    CENTER,
    JUSTIFY,
    LEFT,
    RECIPIENTS,
    _foot,
    _new_document,
    _paragraph,
    _run,
)

BOOK_COLUMNS = [
    ("Số TT", "number", 9),
    ("HỌ VÀ TÊN\nHọ và tên khai sinh", "name", 30),
    ("Nam, nữ, dân tộc, tôn giáo", "identity", 16),
    ("QUÊ QUÁN", "hometown", 24),
    ("Văn hóa, lý luận, CMNV, ngoại ngữ", "education", 22),
    ("Nghề nghiệp trước khi vào Đảng, Nghề nghiệp hiện nay", "occupation", 22),
    ("Ngày vào Đảng, ngày chính thức", "dates", 19),
    ("Số thẻ đảng viên, số lý lịch đảng viên, số Huy hiệu Đảng", "numbers", 20),
    ("Bộ đội, công an, hưu trí", "service", 14),
    ("Ngày chuyển đi, đi đảng bộ cơ sở nào", "transferred_out", 18),
    ("Ngày chuyển đến, ở đảng bộ cơ sở nào đến", "transferred_in", 18),
    ("Ngày từ trần, Lý do", "death", 15),
    ("Ngày ra khỏi Đảng, hình thức ra Đảng", "leaving", 18),
    ("Ghi chú", "notes", 17),
]
SIGN_IN_COLUMNS = [
    ("STT", "number", 12),
    ("Họ và tên", "name", 50),
    ("Chính thức/Dự bị", "standing", 24),
    ("Chức vụ", "post", 24),
    ("Ký tên", "", 30),
    ("Ghi chú", "notes", 20),
]
RATING_COLUMNS = [
    ("STT", "number", 12),
    ("Họ và tên", "name", 50),
    ("Chức vụ", "post", 30),
    ("Xếp loại", "level", 48),
    ("Ghi chú", "notes", 20),
]
BADGE_COLUMNS = [
    ("STT", "number", 10),
    ("Họ và tên", "name", 36),
    ("Ngày sinh", "birth_date", 21),
    ("Quê quán", "hometown", 30),
    ("Ngày cấp có thẩm quyền ra quyết định kết nạp", "decision_date", 24),
    ("Ngày kết nạp vào Đảng", "ceremony_date", 21),
    ("Ngày chính thức", "official_date", 21),
    ("Số thẻ đảng viên", "card_number", 22),
    ("Loại Huy hiệu Đảng", "badge", 24),
    ("Ngày đủ tuổi Đảng", "reached", 21),
    ("Ghi chú", "notes", 22),
]


def _landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(15)


def _list_header(document, title: str, excerpt: str, *, left_cm: float, right_cm: float) -> None:
    """The header of a list: no number (DOCUMENTS.md §1.5), then the title and its excerpt."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(left_cm * 10), Mm(right_cm * 10)
    left.paragraphs[0].alignment = CENTER
    _run(left.paragraphs[0], "{{ superior_body|upper }}")
    _paragraph(left, "{{ issuing_body|upper }}", bold=True)
    _paragraph(left, "*")
    right.paragraphs[0].alignment = CENTER
    _run(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15)
    _paragraph(right, "―――――――――――――", size=8)
    _paragraph(right, "{{ date_line }}", italic=True)
    _paragraph(document, "")
    _paragraph(document, title, bold=True, size=16)
    _paragraph(document, excerpt, bold=True)


def _borders(table) -> None:
    """Single ruled lines on every cell (python-docx's default table has none)."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    properties.append(borders)


def _repeat_heading(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _cell_text(cell, text: str, *, size: int, bold: bool = False, align=LEFT) -> None:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, bold=bold, size=size)


def _grid(document, columns, *, size: int, numbered: bool, multiline: bool) -> None:
    """The list's table: headings (and the columns' numbers), then the row loop."""
    rows = 5 if numbered else 4
    table = document.add_table(rows=rows, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for index, (heading, _key, width) in enumerate(columns):
        for row in table.rows:
            row.cells[index].width = Mm(width)
        _cell_text(table.rows[0].cells[index], heading, size=size, bold=True, align=CENTER)
        if numbered:
            _cell_text(table.rows[1].cells[index], f"({index + 1})", size=size, align=CENTER)
    for row in table.rows[: 2 if numbered else 1]:
        _repeat_heading(row)
    start = 2 if numbered else 1
    _cell_text(table.rows[start].cells[0], "{%tr for m in members %}", size=size)
    body = table.rows[start + 1].cells
    for index, (_heading, key, _width) in enumerate(columns):
        if not key:
            continue
        if key == "number" or not multiline:
            align = CENTER if key == "number" else LEFT
            _cell_text(body[index], "{{ m." + key + " }}", size=size, align=align)
            continue
        cell = body[index]
        _run(cell.paragraphs[0], "{%p for line in m." + key + " %}", size=size)
        for text in ("{{ line }}", "{%p endfor %}"):
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, text, size=size)
    _cell_text(table.rows[start + 2].cells[0], "{%tr endfor %}", size=size)
    if not multiline:
        table.rows[start + 1].height = Mm(9)


def _totals(document, text: str) -> None:
    _paragraph(document, text, align=JUSTIFY)


SIGNATURE = [
    ("T/M CHI BỘ", {"bold": True}),
    ("BÍ THƯ", {"bold": True}),
    ("", {}),
    ("", {}),
    ("", {}),
    ("{{ signer }}", {"bold": True}),
]
ROLL_LINE = (
    "Tổng số đảng viên của Chi bộ: {{ total }} đảng viên, trong đó chính thức {{ official }} "
    "đồng chí, dự bị {{ probationary }} đồng chí."
)


def build_chapter(slug: str):
    document = _new_document()
    if slug == "register-book":
        _landscape(document)
        _list_header(
            document, "SỔ DANH SÁCH ĐẢNG VIÊN", "Tính đến {{ day_words }}", left_cm=11, right_cm=14
        )
        _totals(document, ROLL_LINE)
        _grid(document, BOOK_COLUMNS, size=9, numbered=True, multiline=True)
    elif slug == "sign-in-sheet":
        _list_header(
            document,
            "DANH SÁCH ĐẢNG VIÊN DỰ HỌP",
            "Hội nghị Chi bộ {{ chapter_name }} {{ day_words }}",
            left_cm=7,
            right_cm=9,
        )
        _totals(document, ROLL_LINE)
        _grid(document, SIGN_IN_COLUMNS, size=12, numbered=False, multiline=False)
        _paragraph(document, "")
        _totals(
            document,
            "Có mặt: …… đảng viên, trong đó chính thức …… đồng chí, dự bị …… đồng chí.",
        )
    elif slug == "rating-table":
        _list_header(
            document,
            "BẢNG TỔNG HỢP",
            "kết quả đánh giá, xếp loại chất lượng đảng viên năm {{ year }}",
            left_cm=7,
            right_cm=9,
        )
        _totals(
            document,
            "Tổng số đảng viên của Chi bộ đến ngày 31 tháng 12 năm {{ year }}: {{ total }} đồng chí; "
            "số được đánh giá, xếp loại: {{ rated }} đồng chí; miễn đánh giá, xếp loại: "
            "{{ exempted }} đồng chí.",
        )
        _grid(document, RATING_COLUMNS, size=12, numbered=False, multiline=False)
        _paragraph(document, "Tổng hợp:", align=LEFT, bold=True)
        _paragraph(document, "{%p for level in levels %}", align=LEFT)
        _paragraph(
            document,
            "- {{ level.label }}: {{ level.count }} đồng chí ({{ level.share }});",
            align=LEFT,
        )
        _paragraph(document, "{%p endfor %}", align=LEFT)
        _foot(document, RECIPIENTS, SIGNATURE)
    elif slug == "badge-list":
        _landscape(document)
        _list_header(
            document,
            "DANH SÁCH ĐẢNG VIÊN",
            "đề nghị tặng Huy hiệu Đảng năm {{ year }}",
            left_cm=11,
            right_cm=14,
        )
        _totals(
            document,
            "Tổng số: {{ total }} đồng chí, trong đó đủ tuổi Đảng trong năm {{ due }} đồng chí, "
            "đề nghị truy tặng {{ posthumous }} đồng chí.",
        )
        _grid(document, BADGE_COLUMNS, size=11, numbered=False, multiline=False)
        _foot(document, RECIPIENTS, SIGNATURE)
    else:
        raise KeyError(slug)
    return document


CHAPTER_SLUGS = ("register-book", "sign-in-sheet", "rating-table", "badge-list")
