"""The chapter's own documents (issue 13, item 1): the member register book (7-HSĐV) and the list
of members at a meeting as of a day, the yearly rating table and the badge list; both formats,
the same figures as the reports, a fixed number of queries, and who may read and make them."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as Docx
from pypdf import PdfReader

from chapter.collation import name_sort_key
from chapter.text import fold
from documents import chapter_gather, registry, render, services
from documents.models import DocumentSettings, GeneratedDocument
from members import services as member_services
from members.models import Member, MemberEvent, RoleAssignment
from members.services import Document
from ratings.badges import badge_list
from ratings.models import AnnualRating, Level
from reports import queries as report_queries
from tests.members.factories import UserFactory, give_role, member_details, register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-06-01")]
D = datetime.date
Status = Member.Status
LETTER = Document(kind="TRANSFER_LETTER", number="12-GGT", date=D(2019, 8, 25), issuing_body="ĐUK")
YEAR_END = D(2019, 12, 31)
AFTER_TRANSFER = D(2020, 3, 1)


def docx_text(data: bytes) -> str:
    document = Docx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored(field) -> bytes:
    with field.storage.open(field.name, "rb") as handle:
        return handle.read()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def settings_row(chapter):
    return DocumentSettings.objects.create(
        chapter=chapter,
        superior_body="Đảng bộ Phường Bến Nghé",
        issuing_body="Chi bộ Khu phố 3",
        place="Hà Nội",
    )


@pytest.fixture
def roll(chapter, cell, secretary):
    """Seven members on the roll at the end of 2019; one transferred out on 01/03/2020."""
    people = {
        "hong": register_member(
            cell=cell,
            full_name="Nguyễn Thị Hồng",
            other_names="Nguyễn Thị Hường",
            gender="F",
            hometown="Nam Định",
            card_number="01234567",
            dossier_number="HS-001",
            admission_decision_date=D(2001, 2, 20),
            ceremony_date=D(2001, 3, 1),
            official_date=D(2002, 3, 1),
        ),
        "binh": register_member(cell=cell, full_name="Trần Văn Bình", gender="M"),
        "duong": register_member(cell=cell, full_name="Dương Văn An", gender="M"),
        "dang": register_member(cell=cell, full_name="Đặng Văn An", gender="M"),
        "em": register_member(cell=cell, full_name="Vũ Văn Em", gender="M"),
        "cuong": register_member(
            cell=cell,
            full_name="Lê Văn Cường",
            gender="M",
            status=Status.PROBATIONARY,
            effective_date=D(2019, 6, 10),
        ),
    }
    people["dung"] = member_services.member_transfer_in(
        chapter=chapter,
        actor=secretary,
        effective_date=D(2019, 9, 1),
        status=Status.OFFICIAL,
        from_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
        cell=cell,
        details=member_details(
            full_name="Phạm Thị Dung",
            gender="F",
            admission_decision_date=D(2005, 4, 25),
            ceremony_date=D(2005, 5, 5),
            official_date=D(2006, 5, 5),
        ),
    )
    member_services.member_transfer_out(
        member_id=people["em"].pk,
        actor=secretary,
        effective_date=AFTER_TRANSFER,
        to_organisation="Chi bộ Sở Tài chính",
        letter=LETTER,
    )
    role = RoleAssignment.objects.get(user=secretary)
    role.member = people["hong"]
    role.save()
    return people


def report_figures(chapter, day) -> dict[str, int]:
    found = report_queries.roll_counts(Member.objects.filter(chapter=chapter), day)
    return {
        "total": found["on_roll"],
        "official": found["official"],
        "probationary": found["probationary"],
    }


class TestRegisterBook:
    def test_the_figures_equal_the_report_s_for_the_same_day(self, chapter, roll, settings_row):
        for day in (D(2019, 6, 9), D(2019, 6, 10), YEAR_END, D(2020, 2, 29), AFTER_TRANSFER):
            context = chapter_gather.register_book(chapter, day).context
            figures = {key: context[key] for key in ("total", "official", "probationary")}
            assert figures == report_figures(chapter, day), day
            # The rows: those on the roll, and the year's exits (Vũ Văn Em, out on 01/03/2020).
            left = 1 if day >= AFTER_TRANSFER else 0
            assert len(context["members"]) == figures["total"] + left
        assert report_figures(chapter, YEAR_END) == {"total": 7, "official": 6, "probationary": 1}
        # The day before the probationary member's admission, and the transfer out's own day.
        assert report_figures(chapter, D(2019, 6, 9))["probationary"] == 0
        assert report_figures(chapter, AFTER_TRANSFER)["total"] == 6

    def test_rows_in_vietnamese_order_with_one_item_a_line(self, chapter, roll, settings_row):
        gathered = chapter_gather.register_book(chapter, YEAR_END)
        assert not gathered.missing
        rows = gathered.context["members"]
        names = [row["name"][0] for row in rows]
        # By given name, then middle and family name: "Dương" before "Đặng".
        assert names == [
            "Dương Văn An",
            "Đặng Văn An",
            "Trần Văn Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Vũ Văn Em",
            "Nguyễn Thị Hồng",
        ]
        assert [row["number"] for row in rows] == list(range(1, 8))
        hong = rows[-1]
        assert hong["name"] == ["Nguyễn Thị Hồng", "Nguyễn Thị Hường"]
        assert hong["identity"][0] == "Nữ"
        assert hong["dates"] == ["01/03/2001", "01/03/2002"]
        assert hong["numbers"][:2] == ["01234567", "HS-001"]
        dung = rows[4]
        assert dung["transferred_in"] == ["01/09/2019", "Chi bộ Sở Y tế"]
        cuong = rows[3]
        assert cuong["dates"] == ["11/05/2019"]  # no official date while probationary that day
        assert cuong["notes"] == ["Dự bị"]

    def test_both_formats_carry_the_book(self, chapter, roll, settings_row, secretary):
        kind = registry.CHAPTER_BY_SLUG["register-book"]
        document = services.generate(kind, chapter, secretary, YEAR_END)
        assert document.candidate is None
        assert document.number == ""
        assert document.date == YEAR_END
        word = Docx(io.BytesIO(stored(document.docx)))
        assert word.sections[0].page_width > word.sections[0].page_height  # A4 landscape
        grid = word.tables[-1]
        assert len(grid.columns) == 14
        assert grid.rows[1].cells[13].text == "(14)"
        assert grid.rows[2].cells[1].text.splitlines() == ["Dương Văn An"]
        assert grid.rows[8].cells[1].text.splitlines() == ["Nguyễn Thị Hồng", "Nguyễn Thị Hường"]
        pdf = PdfReader(io.BytesIO(stored(document.pdf)))
        box = pdf.pages[0].mediabox
        assert box.width > box.height  # landscape
        for text in (docx_text(stored(document.docx)), pdf_text(stored(document.pdf))):
            text = flat(text)
            assert "SỔ DANH SÁCH ĐẢNG VIÊN" in text
            assert "Tính đến ngày 31 tháng 12 năm 2019" in text
            assert "CHI BỘ KHU PHỐ 3" in text
            assert "Số thẻ đảng viên, số lý lịch đảng viên, số Huy hiệu Đảng" in text
            assert "chính thức 6 đồng chí, dự bị 1 đồng chí" in text
            assert "Nguyễn Thị Hường" in text
            assert "Chi bộ Sở Y tế" in text
            assert "Vũ Văn Em" in text
        # Transferred out on 01/03/2020: still in that year's book, with the date in column 10,
        # and out of its totals.
        later = services.generate(kind, chapter, secretary, AFTER_TRANSFER)
        for text in (pdf_text(stored(later.pdf)), docx_text(stored(later.docx))):
            text = flat(text)
            assert "Vũ Văn Em" in text and "01/03/2020" in text
            assert "chính thức 5 đồng chí, dự bị 1 đồng chí" in text

    def test_user_text_is_escaped_in_both_formats(self, chapter, roll, settings_row, secretary):
        Member.objects.filter(pk=roll["hong"].pk).update(other_names='<b>& "Hường"</b>')
        kind = registry.CHAPTER_BY_SLUG["register-book"]
        html = render.to_html(kind, kind.gather(chapter, YEAR_END).context)
        assert "&lt;b&gt;&amp; &quot;Hường&quot;&lt;/b&gt;" in html and "<b>&" not in html
        document = services.generate(kind, chapter, secretary, YEAR_END)
        assert '<b>& "Hường"</b>' in docx_text(stored(document.docx))
        assert '<b>& "Hường"</b>' in pdf_text(stored(document.pdf))

    def test_missing_header_is_named_and_nothing_is_made(self, chapter, roll, secretary):
        kind = registry.CHAPTER_BY_SLUG["register-book"]
        gathered = kind.gather(chapter, YEAR_END)
        assert reverse("documents:settings", args=[chapter.public_id]) in {
            item.url for item in gathered.missing
        }
        with pytest.raises(ValidationError):
            services.generate(kind, chapter, secretary, YEAR_END)
        assert not GeneratedDocument.objects.exists()


def bulk_members(chapter, cell, count: int, start: int = 0) -> None:
    """``count`` members on the roll since 2015, bulk-created (a test's setup only)."""
    rows = []
    for n in range(start, start + count):
        name = f"Nguyễn Văn Thành {n}"
        rows.append(
            Member(
                chapter=chapter,
                cell=cell,
                status=Status.OFFICIAL,
                full_name=name,
                search_key=fold(name),
                gender="M",
                date_of_birth=D(1970, 1, 1),
                ceremony_date=D(2000, 1, 1),
                official_date=D(2001, 1, 1),
            )
        )
    created = Member.objects.bulk_create(rows)
    MemberEvent.objects.bulk_create(
        MemberEvent(
            member=m,
            chapter_id=m.chapter_id,
            kind=MemberEvent.Kind.REGISTERED,
            effective_date=D(2015, 1, 1),
            status=Status.OFFICIAL,
            cell=cell,
        )
        for m in created
    )


@pytest.mark.parametrize("slug", ["register-book", "sign-in-sheet", "rating-table", "badge-list"])
def test_a_fixed_number_of_queries_whatever_the_size(chapter, cell, settings_row, slug):
    """The gathering and the HTML (the PDF's source) of 20 members and of 500: the same queries."""
    kind = registry.CHAPTER_BY_SLUG[slug]
    # One of them finds the records the chapter held that day and has let go since (by id); the
    # book has one more, for the year's members gone to another chapter of the system.
    pinned = {"register-book": 5, "sign-in-sheet": 4, "rating-table": 6, "badge-list": 4}[slug]
    bulk_members(chapter, cell, 20)
    counts = []
    for more in (0, 480):
        bulk_members(chapter, cell, more, start=1000)
        with CaptureQueriesContext(connection) as queries:
            gathered = kind.gather(chapter, YEAR_END)
            render.to_html(kind, gathered.context)
        counts.append(len(queries))
        assert len(gathered.context["members"]) in (0, 20, 500)
    assert counts == [pinned, pinned]


class TestSignInSheet:
    def test_the_meeting_s_roll_with_posts_and_a_signature_column(
        self, chapter, roll, settings_row, secretary
    ):
        day = D(2020, 3, 2)
        kind = registry.CHAPTER_BY_SLUG["sign-in-sheet"]
        context = kind.gather(chapter, day).context
        assert {k: context[k] for k in ("total", "official", "probationary")} == report_figures(
            chapter, day
        )
        hong = next(m for m in context["members"] if m["name"] == "Nguyễn Thị Hồng")
        assert hong["post"] == "Bí thư"
        assert hong["standing"] == "Chính thức"
        document = services.generate(kind, chapter, secretary, day)
        word = Docx(io.BytesIO(stored(document.docx)))
        headings = [cell.text for cell in word.tables[-1].rows[0].cells]
        assert headings == ["STT", "Họ và tên", "Chính thức/Dự bị", "Chức vụ", "Ký tên", "Ghi chú"]
        for text in (docx_text(stored(document.docx)), pdf_text(stored(document.pdf))):
            text = flat(text)
            assert "DANH SÁCH ĐẢNG VIÊN DỰ HỌP" in text
            assert "ngày 02 tháng 3 năm 2020" in text
            assert "Lê Văn Cường" in text and "Dự bị" in text
            assert "Vũ Văn Em" not in text  # transferred out the day before


class TestYearLists:
    def test_the_rating_table_reads_the_ratings(self, chapter, roll, settings_row, secretary):
        kind = registry.CHAPTER_BY_SLUG["rating-table"]
        gathered = kind.gather(chapter, YEAR_END)
        ratings_page = reverse("ratings:chapter-year", args=[chapter.public_id, 2019])
        assert ratings_page in {item.url for item in gathered.missing}
        levels = [Level.EXCELLENT, Level.GOOD, Level.GOOD, Level.COMPLETED]
        for n, member in enumerate(Member.objects.filter(chapter=chapter)):
            level = levels[n % len(levels)]
            AnnualRating.objects.create(member=member, year=2019, level=level)
        gathered = kind.gather(chapter, YEAR_END)
        assert not gathered.missing
        assert gathered.context["total"] == gathered.context["rated"] == 7
        counts = {row["label"]: row["count"] for row in gathered.context["levels"]}
        assert counts["Hoàn thành tốt nhiệm vụ"] == 4  # E, G, G, C, E, G, G
        document = services.generate(kind, chapter, secretary, YEAR_END)
        for text in (docx_text(stored(document.docx)), pdf_text(stored(document.pdf))):
            text = flat(text)
            assert "xếp loại chất lượng đảng viên năm 2019" in text
            assert "Hoàn thành xuất sắc nhiệm vụ" in text
            assert "T/M CHI BỘ" in text and "Nguyễn Thị Hồng" in text

    def test_the_badge_list_reads_the_ratings_app_s_list(
        self, chapter, roll, settings_row, secretary
    ):
        # Hồng: admitted by the decision of 20/06/1990, so 30 years of party age in 2020.
        Member.objects.filter(pk=roll["hong"].pk).update(
            admission_decision_date=D(1990, 6, 20),
            ceremony_date=D(1990, 7, 1),
            official_date=D(1991, 7, 1),
        )
        kind = registry.CHAPTER_BY_SLUG["badge-list"]
        expected = badge_list(Member.objects.filter(chapter=chapter), 2020)
        gathered = kind.gather(chapter, D(2020, 6, 1))
        assert gathered.context["due"] == len(expected.due) >= 1
        names = [m["name"] for m in gathered.context["members"]]
        assert names == sorted((e.member.full_name for e in expected.due), key=name_sort_key)
        assert "Nguyễn Thị Hồng" in names


class TestAccess:
    def url(self, chapter, name="chapter"):
        if name == "chapter":
            return reverse("documents:chapter", args=[chapter.public_id])
        return reverse("documents:chapter-preview", args=[chapter.public_id, "register-book"])

    def test_the_secretary_makes_and_downloads(
        self, chapter, roll, settings_row, secretary, client
    ):
        client.force_login(secretary)
        page = client.get(self.url(chapter) + "?day=2019-12-31")
        assert page.status_code == 200
        preview = client.get(self.url(chapter, "preview") + "?day=31/12/2019")
        assert preview.status_code == 200
        assert "Dương Văn An" in preview.content.decode()
        made = client.post(self.url(chapter, "preview"), {"day": "2019-12-31"})
        assert made.status_code == 302
        document = GeneratedDocument.objects.get()
        assert document.created_by == secretary and document.date == YEAR_END
        pdf = client.get(reverse("documents:file", args=[document.public_id, "pdf"]))
        assert pdf.status_code == 200
        listed = client.get(made["Location"]).content.decode()
        assert reverse("documents:file", args=[document.public_id, "docx"]) in listed

    def test_a_bad_day_is_a_form_error_not_a_document(
        self, chapter, settings_row, secretary, client
    ):
        client.force_login(secretary)
        page = client.get(self.url(chapter, "preview") + "?day=31/02/2019")
        assert page.status_code == 200
        assert page.context["form"].errors
        assert page.context["document_html"] == ""
        assert client.post(self.url(chapter, "preview"), {"day": "1900-01-01"}).status_code == 200
        assert not GeneratedDocument.objects.exists()

    def test_cell_leaders_and_other_chapters_get_404(
        self, chapter, settings_row, secretary, cell_leader, outsider, client
    ):
        document = services.generate(
            registry.CHAPTER_BY_SLUG["sign-in-sheet"], chapter, secretary, YEAR_END
        )
        for user in (cell_leader, outsider):
            client.force_login(user)
            assert client.get(self.url(chapter)).status_code == 404
            assert client.get(self.url(chapter, "preview")).status_code == 404
            assert (
                client.post(self.url(chapter, "preview"), {"day": "2019-12-31"}).status_code == 404
            )
            file_url = reverse("documents:file", args=[document.public_id, "pdf"])
            assert client.get(file_url).status_code == 404

    def test_the_committee_reads_but_does_not_make(
        self, chapter, roll, settings_row, committee_officer, client
    ):
        client.force_login(committee_officer)
        assert client.get(self.url(chapter)).status_code == 200
        assert client.get(self.url(chapter, "preview")).status_code == 200
        assert client.post(self.url(chapter, "preview"), {"day": "2019-12-31"}).status_code == 403
        assert not GeneratedDocument.objects.exists()

    def test_an_unknown_document_is_404(self, chapter, secretary, client):
        client.force_login(secretary)
        url = reverse("documents:chapter-preview", args=[chapter.public_id, "no-such-list"])
        assert client.get(url).status_code == 404

    def test_the_chapter_page_links_to_its_documents(self, chapter, secretary, cell_leader, client):
        link = self.url(chapter)
        client.force_login(secretary)
        assert link in client.get(chapter.get_absolute_url()).content.decode()
        client.force_login(cell_leader)
        assert link not in client.get(chapter.get_absolute_url()).content.decode()


def test_a_deputy_also_makes(chapter, settings_row, client):
    deputy = UserFactory(username="phobithu")
    give_role(deputy, RoleAssignment.Role.DEPUTY_SECRETARY, chapter=chapter)
    client.force_login(deputy)
    url = reverse("documents:chapter-preview", args=[chapter.public_id, "sign-in-sheet"])
    assert client.post(url, {"day": "2019-12-31"}).status_code == 302
