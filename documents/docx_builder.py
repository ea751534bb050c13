# ruff: noqa: E501 (the templates' Vietnamese text reads better unbroken)
"""The shipped Word templates, written with python-docx (``manage.py build_docx_templates``).

Each template is an ordinary .docx with docxtpl's tags (``{{ person.name }}``, ``{%p for … %}``):
a chapter opens one in Word, changes the wording or layout, keeps the tags, and uploads it in the
admin (Word templates). The text and the layout mirror the HTML templates in
templates/documents/ (36-HD/VPTW: A4, Times New Roman 14, margins 25/25/35/15 mm).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)

ATTENDANCE = [
    (
        "p",
        "Tổng số đảng viên của Chi bộ: {{ total }} đảng viên, trong đó chính thức {{ official }} "
        "đồng chí, dự bị {{ probationary }} đồng chí.",
    ),
    (
        "p",
        "Có mặt: {{ present }} đảng viên, trong đó chính thức {{ present_official }} đồng chí, "
        "dự bị {{ present_probationary }} đồng chí.",
    ),
    (
        "p",
        "Vắng mặt: {{ absent }} đảng viên, trong đó chính thức {{ absent_official }} đồng chí, "
        "dự bị {{ absent_probationary }} đồng chí.{% if absences %} Lý do vắng mặt:{% endif %}",
    ),
    ("tag", "{%p for absence in absences %}"),
    ("item", "- Đồng chí {{ absence.name }}: {{ absence.reason or 'không có lý do' }}."),
    ("tag", "{%p endfor %}"),
    (
        "p",
        "Chủ trì hội nghị: Đồng chí {{ chair }}, chức vụ {{ chair_post }}. "
        "Thư ký hội nghị: Đồng chí {{ minute_taker }}.",
    ),
]
VOTE = [
    (
        "p",
        "Số đảng viên chính thức tán thành {{ votes_for }} đồng chí, đạt {{ pct_for }} so với tổng "
        "số đảng viên chính thức của Chi bộ ({{ base }} đồng chí); số không tán thành "
        "{{ votes_against }} đồng chí, chiếm {{ pct_against }}.",
    ),
]


def lines(name: str) -> list[tuple[str, str]]:
    return [
        ("tag", "{%p for line in " + name + "_lines %}"),
        ("indent", "{{ line }}"),
        ("tag", "{%p endfor %}"),
    ]


COMMITTEE = "{{ committee_name or 'cấp ủy cấp trên trực tiếp' }}"
OPINIONS = [
    ("bold", "1. Ưu điểm:"),
    *lines("strengths"),
    ("bold", "2. Khuyết điểm:"),
    *lines("weaknesses"),
    ("bold", "3. Kết quả biểu quyết:"),
    *VOTE,
]

RESOLUTIONS = {
    "admission-resolution": (
        "đề nghị kết nạp đảng viên",
        [
            ("indent-italic", "Căn cứ Điều 4, Điều lệ Đảng Cộng sản Việt Nam;"),
            (
                "indent",
                "Ngày {{ day }}, Chi bộ {{ chapter_name }} đã họp để xét, đề nghị kết nạp quần "
                "chúng {{ person.name }}, sinh ngày {{ person.birth_date }}, quê quán "
                "{{ person.hometown }}, nghề nghiệp {{ person.occupation }}{% if person.workplace %}, "
                "nơi làm việc {{ person.workplace }}{% endif %} vào Đảng Cộng sản Việt Nam.",
            ),
            *ATTENDANCE,
            ("indent", "Sau khi xem xét hồ sơ và thảo luận, Chi bộ thống nhất kết luận:"),
            *OPINIONS,
            (
                "indent",
                "Chi bộ đề nghị " + COMMITTEE + " xem xét, kết nạp quần chúng "
                "{{ person.name }} vào Đảng Cộng sản Việt Nam.",
            ),
        ],
    ),
    "confirmation-resolution": (
        "đề nghị công nhận đảng viên chính thức",
        [
            ("indent-italic", "Căn cứ Điều 5, Điều lệ Đảng Cộng sản Việt Nam;"),
            (
                "indent",
                "Ngày {{ day }}, Chi bộ {{ chapter_name }} đã họp để xét, đề nghị công nhận "
                "đảng viên dự bị {{ person.name }}, sinh ngày {{ person.birth_date }}, được kết nạp"
                "{% if admitted_again %} lại{% endif %} vào Đảng ngày {{ ceremony_day }}, trở thành "
                "đảng viên chính thức.",
            ),
            *ATTENDANCE,
            (
                "indent",
                "Sau khi nghe đảng viên dự bị đọc bản tự kiểm điểm, đảng viên chính thức được "
                "phân công giúp đỡ nhận xét và chi ủy tổng hợp ý kiến nhận xét, Chi bộ thống nhất "
                "kết luận:",
            ),
            *OPINIONS,
            (
                "indent",
                "Chi bộ đề nghị " + COMMITTEE + " xem xét, công nhận đồng chí "
                "{{ person.name }} là đảng viên chính thức.",
            ),
        ],
    ),
}

MINUTES = {
    "admission-minutes": (
        "họp chi bộ xét, đề nghị kết nạp đảng viên",
        "xét, đề nghị kết nạp quần chúng {{ person.name }}, sinh ngày {{ person.birth_date }}, vào "
        "Đảng Cộng sản Việt Nam",
        "Chi bộ nghe đọc đơn xin vào Đảng, lý lịch của người xin vào Đảng, giấy giới thiệu của người "
        "giới thiệu và bản tổng hợp ý kiến nhận xét của tổ chức đoàn thể và chi ủy nơi cư trú; thảo "
        "luận và biểu quyết.",
        "Chi bộ đề nghị " + COMMITTEE + " xem xét, kết nạp quần chúng {{ person.name }} vào Đảng "
        "Cộng sản Việt Nam.",
    ),
    "confirmation-minutes": (
        "họp chi bộ xét, đề nghị công nhận đảng viên chính thức",
        "xét, đề nghị công nhận đảng viên dự bị {{ person.name }}, sinh ngày {{ person.birth_date }}, "
        "trở thành đảng viên chính thức",
        "Chi bộ nghe đảng viên dự bị đọc bản tự kiểm điểm, nghe đảng viên chính thức được phân công "
        "giúp đỡ nhận xét và chi ủy báo cáo tổng hợp ý kiến nhận xét; thảo luận và biểu quyết.",
        "Chi bộ đề nghị "
        + COMMITTEE
        + " xem xét, công nhận đồng chí {{ person.name }} là đảng viên "
        "chính thức.",
    ),
}


def _minutes_body(purpose: str, agenda: str, passed: str) -> list[tuple[str, str]]:
    return [
        (
            "indent",
            "Hồi {{ started_at }} {{ day_words }}, tại {{ meeting_place }}, Chi bộ "
            "{{ chapter_name }} họp " + purpose + ".",
        ),
        *ATTENDANCE,
        ("bold", "Nội dung:"),
        ("indent", agenda),
        ("indent", "Ý kiến của Chi bộ:"),
        ("indent", "- Ưu điểm:"),
        *lines("strengths"),
        ("indent", "- Khuyết điểm:"),
        *lines("weaknesses"),
        ("bold", "Kết quả biểu quyết:"),
        *VOTE,
        (
            "indent",
            "{% if passed %}" + passed + "{% else %}Biểu quyết không đạt hai phần ba tổng số "
            "đảng viên chính thức của Chi bộ.{% endif %}",
        ),
        (
            "indent",
            "Hội nghị kết thúc vào hồi {{ ended_at }} cùng ngày. Biên bản đã được đọc lại cho "
            "hội nghị nghe và nhất trí thông qua.",
        ),
    ]


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=14):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _paragraph(
    container, text="", *, align=CENTER, bold=False, italic=False, size=14, indent=False
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(
        6 if container.__class__.__name__ == "Document" else 0
    )
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _new_document() -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(35), Mm(15)
    return document


def _header(document, title: str, excerpt: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7), Cm(9)
    left.paragraphs[0].alignment = CENTER
    _run(left.paragraphs[0], "{{ superior_body|upper }}")
    _paragraph(left, "{{ issuing_body|upper }}", bold=True)
    _paragraph(left, "*")
    _paragraph(left, "Số {{ number }}")
    right.paragraphs[0].alignment = CENTER
    _run(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15)
    _paragraph(right, "―――――――――――――", size=8)
    _paragraph(right, "{{ date_line }}", italic=True)
    _paragraph(document, "")
    _paragraph(document, title, bold=True, size=16)
    _paragraph(document, excerpt, bold=True)


def _body(document, rows: list[tuple[str, str]]) -> None:
    for style, text in rows:
        if style == "tag":
            _paragraph(document, text, align=LEFT)
        elif style == "bold":
            _paragraph(document, text, align=JUSTIFY, bold=True)
        elif style == "indent-italic":
            _paragraph(document, text, align=JUSTIFY, italic=True, indent=True)
        elif style == "item":
            paragraph = _paragraph(document, text, align=JUSTIFY)
            paragraph.paragraph_format.left_indent = Cm(1.27)
        else:
            _paragraph(document, text, align=JUSTIFY, indent=style == "indent")


def _foot(document, left_lines, right_lines) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    for cell, rows in ((left, left_lines), (right, right_lines)):
        first = True
        for text, options in rows:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = options.get("align", CENTER)
            if text:
                _run(paragraph, text, **{k: v for k, v in options.items() if k != "align"})


SIGN_SPACE = [("", {}), ("", {}), ("", {})]
RECIPIENTS = [
    ("Nơi nhận:", {"align": LEFT, "bold": True, "italic": True, "underline": True, "size": 12}),
    (
        "- {{ committee_name or 'Cấp ủy cấp trên trực tiếp' }} (để báo cáo);",
        {"align": LEFT, "size": 12},
    ),
    ("- Lưu Chi bộ.", {"align": LEFT, "size": 12}),
]
CHAPTER_SIGNATURE = [
    ("T/M CHI BỘ", {"bold": True}),
    ("BÍ THƯ", {"bold": True}),
    *SIGN_SPACE,
    ("{{ signer }}", {"bold": True}),
]


def build(slug: str) -> Document:
    document = _new_document()
    if slug in RESOLUTIONS:
        excerpt, rows = RESOLUTIONS[slug]
        _header(document, "NGHỊ QUYẾT", excerpt)
        _body(document, rows)
        _foot(document, RECIPIENTS, CHAPTER_SIGNATURE)
    else:
        excerpt, purpose, agenda, passed = MINUTES[slug]
        _header(document, "BIÊN BẢN", excerpt)
        _body(document, _minutes_body(purpose, agenda, passed))
        _foot(
            document,
            [("THƯ KÝ", {"bold": True}), *SIGN_SPACE, ("{{ minute_taker }}", {"bold": True})],
            [("CHỦ TRÌ", {"bold": True}), *SIGN_SPACE, ("{{ chair }}", {"bold": True})],
        )
    return document


SLUGS = (*RESOLUTIONS, *MINUTES)


def build_all(folder: Path) -> list[Path]:
    from documents.chapter_docx import CHAPTER_SLUGS, build_chapter  # it imports this module

    written = []
    for slug in SLUGS:
        path = folder / f"{slug}.docx"
        build(slug).save(path)
        written.append(path)
    from documents.docx_case import BUILDERS  # the case's other documents; it imports this

    for slug, build_case in BUILDERS.items():
        path = folder / f"{slug}.docx"
        build_case().save(path)
        written.append(path)
    for slug in CHAPTER_SLUGS:
        path = folder / f"{slug}.docx"
        build_chapter(slug).save(path)
        written.append(path)
    return written
