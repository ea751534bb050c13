# ruff: noqa: E501 (the templates' Vietnamese text reads better unbroken)
"""The shipped Word templates of a case's other documents (issue 13): the summaries of opinions
(5-KNĐ, 12-KNĐ), the request to the committee, the dossier checklist, the resolution assigning
the mentor, and the resolution and minutes proposing removal from the probationary list.

Built with ``documents.docx_builder``'s parts (``manage.py build_docx_templates``); the text and
layout mirror the HTML templates of the same names in templates/documents/.
"""

from __future__ import annotations

from documents import docx_builder as b

T_M_COMMITTEE = [
    ("T/M CHI ỦY", {"bold": True}),
    ("BÍ THƯ", {"bold": True}),
    *b.SIGN_SPACE,
    ("{{ signer }}", {"bold": True}),
]


def _recipients(*lines: str) -> list[tuple[str, dict]]:
    return [b.RECIPIENTS[0], *((line, {"align": b.LEFT, "size": 12}) for line in lines)]


def _opinions(excerpt: str, subject: str):
    document = b._new_document()
    b._header(document, "TỔNG HỢP Ý KIẾN NHẬN XÉT", excerpt)
    b._body(
        document,
        [
            ("indent", subject),
            ("bold", "1. Ý kiến nhận xét của {{ work_body or 'tổ chức đoàn thể nơi làm việc' }}:"),
            (
                "indent",
                "Ngày {{ gathered_on }}, lấy ý kiến {{ consulted }} người; số đồng ý {{ agreed }} "
                "người, số không đồng ý {{ disagreed }} người.",
            ),
            ("indent", "- Ưu điểm:"),
            *b.lines("work_strengths"),
            ("indent", "- Khuyết điểm:"),
            *b.lines("work_weaknesses"),
            ("bold", "2. Ý kiến nhận xét của {{ residence_body or 'chi ủy nơi cư trú' }}:"),
            *b.lines("residence_opinion"),
            ("bold", "3. Kết luận của chi ủy:"),
            *b.lines("conclusion"),
        ],
    )
    b._foot(document, _recipients("- Chi bộ {{ chapter_name }};", "- Lưu hồ sơ."), T_M_COMMITTEE)
    return document


def admission_opinions():
    return _opinions(
        "của tổ chức đoàn thể và chi ủy nơi cư trú đối với người xin vào Đảng",
        "Chi ủy Chi bộ {{ chapter_name }} tổng hợp ý kiến nhận xét đối với quần chúng "
        "{{ person.name }}, sinh ngày {{ person.birth_date }}{% if person.hometown %}, quê quán "
        "{{ person.hometown }}{% endif %}{% if person.workplace %}, nơi làm việc "
        "{{ person.workplace }}{% endif %}, người xin vào Đảng, như sau:",
    )


def confirmation_opinions():
    return _opinions(
        "của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú đối với đảng viên dự bị",
        "Chi ủy Chi bộ {{ chapter_name }} tổng hợp ý kiến nhận xét đối với đảng viên dự bị "
        "{{ person.name }}, sinh ngày {{ person.birth_date }}, được kết nạp vào Đảng ngày "
        "{{ ceremony_day }}, như sau:",
    )


def _grid(document, headings: list[str], cells: list[str], loop: str) -> None:
    """A ruled table: the headings, then one row per item (docxtpl's ``{%tr for %}``)."""
    table = document.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    rows = table.rows
    for cell, text in zip(rows[0].cells, headings, strict=True):
        b._run(cell.paragraphs[0], text, bold=True, size=12)
    b._run(rows[1].cells[0].paragraphs[0], "{%tr for " + loop + " %}", size=12)
    for cell, text in zip(rows[2].cells, cells, strict=True):
        b._run(cell.paragraphs[0], text, size=12)
    b._run(rows[3].cells[0].paragraphs[0], "{%tr endfor %}", size=12)


def dossier_checklist():
    document = b._new_document()
    b._header(
        document,
        "DANH MỤC HỒ SƠ",
        "{% if confirmation %}đề nghị công nhận đảng viên chính thức của đồng chí "
        "{{ person.name }}{% else %}đề nghị kết nạp đảng viên của quần chúng "
        "{{ person.name }}{% endif %}",
    )
    left = document.tables[0].rows[0].cells[0]
    for paragraph in left.paragraphs:  # a working list carries no number
        if paragraph.text == "Số {{ number }}":
            paragraph.runs[0].text = "{% if not unnumbered %}Số {{ number }}{% endif %}"
    b._body(
        document,
        [
            (
                "indent",
                "Họ và tên: {{ person.name }}, sinh ngày {{ person.birth_date }}{% if "
                "person.hometown %}, quê quán {{ person.hometown }}{% endif %}.",
            ),
            (
                "indent",
                "Tình trạng hồ sơ đến {{ day_words }}: đã có {{ present_count }}, còn thiếu "
                "{{ missing_count }}, hết hạn {{ expired_count }} tài liệu.",
            ),
        ],
    )
    _grid(
        document,
        ["STT", "Tài liệu", "Số", "Ngày", "Cơ quan ban hành", "Tình trạng"],
        [
            "{{ paper.n }}",
            "{{ paper.label }}",
            "{{ paper.number }}",
            "{{ paper.date }}",
            "{{ paper.issuing_body }}",
            "{{ paper.state_words }}{% if paper.note %} ({{ paper.note }}){% endif %}",
        ],
        "paper in papers",
    )
    b._paragraph(document, "")
    b._foot(document, _recipients("- Lưu hồ sơ Chi bộ."), b.CHAPTER_SIGNATURE)
    return document


COMMITTEE_LOWER = "{{ committee_name or 'cấp ủy cấp trên trực tiếp' }}"


def admission_request():
    document = b._new_document()
    b._header(document, "TỜ TRÌNH", "đề nghị kết nạp đảng viên")
    b._body(
        document,
        [
            ("indent", "Kính gửi: {{ committee_name or 'Cấp ủy cấp trên trực tiếp' }}"),
            ("indent-italic", "Căn cứ Điều 4, Điều lệ Đảng Cộng sản Việt Nam;"),
            (
                "indent-italic",
                "Căn cứ Nghị quyết số {{ resolution_number }} ngày {{ resolution_day }} của Chi bộ "
                "{{ chapter_name }} đề nghị kết nạp đảng viên,",
            ),
            (
                "indent",
                "Chi bộ {{ chapter_name }} kính trình " + COMMITTEE_LOWER + " xem xét, kết nạp "
                "quần chúng {{ person.name }}, sinh ngày {{ person.birth_date }}{% if "
                "person.hometown %}, quê quán {{ person.hometown }}{% endif %}{% if "
                "person.occupation %}, nghề nghiệp {{ person.occupation }}{% endif %} vào Đảng "
                "Cộng sản Việt Nam. Tại hội nghị Chi bộ, số đảng viên chính thức tán thành "
                "{{ votes_for }}/{{ base }} đồng chí.",
            ),
            ("indent", "Hồ sơ gửi kèm gồm:"),
            ("tag", "{%p for paper in papers %}"),
            (
                "item",
                "{{ paper.n }}. {{ paper.label }}{% if paper.number %}, số {{ paper.number }}"
                "{% endif %}{% if paper.date %}, ngày {{ paper.date }}{% endif %}{% if "
                "paper.issuing_body %}, {{ paper.issuing_body }}{% endif %}.",
            ),
            ("tag", "{%p endfor %}"),
            ("indent", "Kính đề nghị " + COMMITTEE_LOWER + " xem xét, quyết định."),
        ],
    )
    b._foot(document, _recipients("- Như trên;", "- Lưu Chi bộ."), b.CHAPTER_SIGNATURE)
    return document


def mentor_resolution():
    document = b._new_document()
    b._header(document, "NGHỊ QUYẾT", "phân công đảng viên chính thức giúp đỡ đảng viên dự bị")
    b._body(
        document,
        [
            ("indent-italic", "Căn cứ Điều 5, Điều lệ Đảng Cộng sản Việt Nam;"),
            (
                "indent",
                "Ngày {{ day }}, Chi bộ {{ chapter_name }} đã họp và thống nhất quyết nghị:",
            ),
            (
                "indent",
                "1. Phân công đồng chí {{ mentor_name }}, sinh ngày {{ mentor_birth_date }}, đảng "
                "viên chính thức, {% if reassigned %}thay đồng chí được phân công trước đây, "
                "{% endif %}giúp đỡ đảng viên dự bị {{ person.name }}, sinh ngày "
                "{{ person.birth_date }}, được kết nạp vào Đảng ngày {{ ceremony_day }}; thời gian "
                "dự bị đến ngày {{ probation_end }}.",
            ),
            (
                "indent",
                "2. Đồng chí {{ mentor_name }} có trách nhiệm giúp đỡ đảng viên dự bị "
                "{{ person.name }} học tập, rèn luyện, phấn đấu thực hiện nhiệm vụ đảng viên; khi "
                "hết thời gian dự bị, nhận xét bằng văn bản (Mẫu 11-KNĐ) báo cáo Chi bộ.",
            ),
            (
                "indent",
                "3. Đồng chí {{ mentor_name }}, đảng viên dự bị {{ person.name }} và các đảng viên "
                "trong Chi bộ thực hiện Nghị quyết này.",
            ),
        ],
    )
    b._foot(
        document,
        _recipients(
            "- Đồng chí {{ mentor_name }};", "- Đồng chí {{ person.name }};", "- Lưu Chi bộ."
        ),
        b.CHAPTER_SIGNATURE,
    )
    return document


REMOVAL_PROPOSAL = (
    "Chi bộ đề nghị " + COMMITTEE_LOWER + " xem xét, quyết định xóa tên đồng chí "
    "{{ person.name }} trong danh sách đảng viên dự bị."
)


def removal_resolution():
    document = b._new_document()
    b._header(document, "NGHỊ QUYẾT", "đề nghị xóa tên đảng viên dự bị")
    b._body(
        document,
        [
            ("indent-italic", "Căn cứ Điều 5, Điều lệ Đảng Cộng sản Việt Nam;"),
            (
                "indent",
                "Ngày {{ day }}, Chi bộ {{ chapter_name }} đã họp để xét công nhận đảng viên chính "
                "thức đối với đảng viên dự bị {{ person.name }}, sinh ngày {{ person.birth_date }}, "
                "được kết nạp{% if admitted_again %} lại{% endif %} vào Đảng ngày {{ ceremony_day }}.",
            ),
            *b.ATTENDANCE,
            (
                "indent",
                "Sau khi nghe đảng viên dự bị đọc bản tự kiểm điểm, đảng viên chính thức được "
                "phân công giúp đỡ nhận xét và chi ủy tổng hợp ý kiến nhận xét, Chi bộ thống nhất "
                "kết luận:",
            ),
            ("bold", "1. Ưu điểm:"),
            *b.lines("strengths"),
            ("bold", "2. Khuyết điểm, lý do không đủ điều kiện công nhận đảng viên chính thức:"),
            *b.lines("weaknesses"),
            ("bold", "3. Kết quả biểu quyết công nhận đảng viên chính thức:"),
            *b.VOTE,
            (
                "indent",
                "Số đảng viên chính thức tán thành không đạt hai phần ba tổng số đảng viên chính "
                "thức của Chi bộ. " + REMOVAL_PROPOSAL,
            ),
        ],
    )
    b._foot(document, b.RECIPIENTS, b.CHAPTER_SIGNATURE)
    return document


def removal_minutes():
    document = b._new_document()
    b._header(
        document,
        "BIÊN BẢN",
        "họp chi bộ xét công nhận đảng viên chính thức, đề nghị xóa tên đảng viên dự bị",
    )
    rows = b._minutes_body(
        "xét công nhận đảng viên chính thức đối với đảng viên dự bị {{ person.name }}, sinh ngày "
        "{{ person.birth_date }}, được kết nạp vào Đảng ngày {{ ceremony_day }}",
        "Chi bộ nghe đảng viên dự bị đọc bản tự kiểm điểm, nghe đảng viên chính thức được phân "
        "công giúp đỡ nhận xét và chi ủy báo cáo tổng hợp ý kiến nhận xét; thảo luận và biểu quyết.",
        "",
    )
    failed = (
        "Số đảng viên chính thức tán thành không đạt hai phần ba tổng số đảng viên chính thức của "
        "Chi bộ: đồng chí {{ person.name }} không đủ điều kiện công nhận đảng viên chính thức. "
        + REMOVAL_PROPOSAL
    )
    rows = [
        (style, failed) if text.startswith("{% if passed %}") else (style, text)
        for style, text in rows
    ]
    b._body(document, rows)
    b._foot(
        document,
        [("THƯ KÝ", {"bold": True}), *b.SIGN_SPACE, ("{{ minute_taker }}", {"bold": True})],
        [("CHỦ TRÌ", {"bold": True}), *b.SIGN_SPACE, ("{{ chair }}", {"bold": True})],
    )
    return document


BUILDERS = {
    "dossier-checklist": dossier_checklist,
    "admission-opinions": admission_opinions,
    "admission-request": admission_request,
    "mentor-resolution": mentor_resolution,
    "confirmation-opinions": confirmation_opinions,
    "removal-resolution": removal_resolution,
    "removal-minutes": removal_minutes,
}
SLUGS = tuple(BUILDERS)
