"""A case's documents (issue 13): the admission resolution (6-KNĐ) and the meeting's minutes,
made from the records in Word and PDF, numbered without gaps, refused while data is missing."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document as Docx
from pypdf import PdfReader

from admissions.models import Candidate, Resolution
from documents import registry, services
from documents.models import DocumentSettings, DocumentTemplate, GeneratedDocument, Meeting
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-06-01")]
St = Candidate.Stage
D = datetime.date
VOTE_DAY = D(2019, 4, 27)  # the story's vote: 110 days after 07/01/2019


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


@pytest.fixture
def story(chapter, cell, secretary):
    story = PipelineStory.build(officials=6, chapter=chapter)
    story.cell = cell  # the cases are in the cell the `cell_leader` fixture leads
    role = RoleAssignment.objects.get(user=secretary)
    role.member = story.officials[0]
    role.start_date = D(2018, 1, 1)
    role.save()
    return story


@pytest.fixture
def approved(story):
    return story.candidate_at(St.CHAPTER_APPROVED, full_name="Lê Thị Mai", hometown="Hải Dương")


def complete(candidate) -> Resolution:
    DocumentSettings.objects.create(
        chapter=candidate.chapter,
        superior_body="Đảng bộ Phường Bến Nghé",
        issuing_body="Chi bộ Khu phố 3",
        place="Hà Nội",
    )
    resolution = candidate.resolutions.get(kind=Resolution.Kind.ADMISSION_CHAPTER)
    Meeting.objects.create(
        resolution=resolution,
        place="Hội trường khu phố 3",
        started_at=datetime.time(8, 0),
        ended_at=datetime.time(10, 30),
        chair="Phạm Văn Đức",
        minute_taker="Ngô Thị Hà",
        probationary_present=0,
        absences="",
        strengths="Lập trường tư tưởng vững vàng.\nHoàn thành tốt nhiệm vụ.",
        weaknesses="Đôi khi còn ngại phát biểu.",
    )
    return resolution


def test_the_documents_of_an_approved_case(approved):
    slugs = [kind.slug for kind in registry.case_documents(approved)]
    assert slugs == [
        "dossier-checklist",
        "admission-opinions",
        "admission-resolution",
        "admission-minutes",
        "admission-request",
    ]


def test_a_failed_vote_has_minutes_but_no_resolution(approved):
    Resolution.objects.filter(candidate=approved).update(passed=False)
    slugs = [kind.slug for kind in registry.case_documents(approved)]
    assert slugs == ["dossier-checklist", "admission-opinions", "admission-minutes"]


def test_the_resolution_in_both_formats_carries_the_records(approved, secretary):
    resolution = complete(approved)
    kind = registry.BY_SLUG["admission-resolution"]
    document = services.generate(kind, approved, secretary)
    # The vote already carried its number (01-NQ/CB): the document keeps it.
    assert document.number == resolution.number == "01-NQ/CB"
    assert document.created_by == secretary
    for text in (docx_text(stored(document.docx)), pdf_text(stored(document.pdf))):
        flat = " ".join(text.split())
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flat
        assert "CHI BỘ KHU PHỐ 3" in flat
        assert "ĐẢNG BỘ PHƯỜNG BẾN NGHÉ" in flat
        assert "Số 01-NQ/CB" in flat
        assert "Hà Nội, ngày 27 tháng 4 năm 2019" in flat
        assert "Lê Thị Mai" in flat
        assert f"sinh ngày {approved.date_of_birth:%d/%m/%Y}" in flat
        assert "tán thành 6 đồng chí, đạt 100%" in flat
        assert "Hoàn thành tốt nhiệm vụ." in flat
        assert "T/M CHI BỘ" in flat


def test_minutes_take_the_chapter_s_next_number_and_keep_it(approved, story, secretary):
    complete(approved)
    minutes = registry.BY_SLUG["admission-minutes"]
    first = services.generate(minutes, approved, secretary)
    again = services.generate(minutes, approved, secretary)
    assert first.number == again.number == "01-BB/CB"
    other = story.candidate_at(St.CHAPTER_APPROVED, full_name="Đỗ Văn Nam")
    Meeting.objects.create(
        resolution=other.resolutions.get(),
        place="Hội trường",
        started_at=datetime.time(14, 0),
        ended_at=datetime.time(15, 0),
        chair="Phạm Văn Đức",
        minute_taker="Ngô Thị Hà",
        probationary_present=0,
        strengths="Tốt.",
        weaknesses="Không.",
    )
    assert services.generate(minutes, other, secretary).number == "02-BB/CB"
    text = " ".join(pdf_text(stored(first.pdf)).split())
    assert "Hồi 08 giờ 00 ngày 27 tháng 4 năm 2019" in text
    assert "THƯ KÝ" in text and "Ngô Thị Hà" in text


def test_missing_data_is_named_with_where_to_fill_it_and_nothing_is_made(
    approved, secretary, client
):
    client.force_login(secretary)
    url = reverse("documents:preview", args=[approved.public_id, "admission-resolution"])
    page = client.get(url)
    assert page.status_code == 200
    missing = page.context["missing"]
    links = {item.url for item in missing}
    assert reverse("documents:settings", args=[approved.chapter.public_id]) in links
    assert reverse("documents:meeting", args=[approved.public_id, "ADMISSION_CHAPTER"]) in links
    page = client.post(url, follow=True).content.decode()
    assert "Chưa thể lập văn bản, còn thiếu: phần đầu văn bản của chi bộ" in page
    assert not GeneratedDocument.objects.exists()


def test_the_secretary_makes_and_downloads_both_files(approved, secretary, client):
    complete(approved)
    client.force_login(secretary)
    url = reverse("documents:preview", args=[approved.public_id, "admission-resolution"])
    assert client.post(url).status_code == 302
    document = GeneratedDocument.objects.get()
    word = client.get(reverse("documents:file", args=[document.public_id, "docx"]))
    assert word.status_code == 200
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Lê Thị Mai" in docx_text(b"".join(word.streaming_content))
    pdf = client.get(reverse("documents:file", args=[document.public_id, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        client.get(reverse("documents:file", args=[document.public_id, "odt"])).status_code == 404
    )


def test_a_chapter_s_own_word_template_replaces_the_shipped_one(approved, secretary):
    complete(approved)
    own = Docx()
    own.add_paragraph("MẪU RIÊNG CỦA CHI BỘ: {{ person.name }}, {{ number }}")
    buffer = io.BytesIO()
    own.save(buffer)
    template = DocumentTemplate(chapter=approved.chapter, kind="admission-resolution")
    template.docx.save("own.docx", io.BytesIO(buffer.getvalue()))
    document = services.generate(registry.BY_SLUG["admission-resolution"], approved, secretary)
    assert "MẪU RIÊNG CỦA CHI BỘ: Lê Thị Mai, 01-NQ/CB" in docx_text(stored(document.docx))


def test_user_text_is_escaped_in_both_formats(approved, secretary):
    resolution = complete(approved)
    Meeting.objects.filter(resolution=resolution).update(strengths='<b>& "quotes"</b>')
    document = services.generate(registry.BY_SLUG["admission-resolution"], approved, secretary)
    assert '<b>& "quotes"</b>' in docx_text(stored(document.docx))
    assert '<b>& "quotes"</b>' in pdf_text(stored(document.pdf))


class TestAccess:
    def url(self, candidate, name="preview"):
        if name == "case":
            return reverse("documents:case", args=[candidate.public_id])
        return reverse("documents:preview", args=[candidate.public_id, "admission-resolution"])

    def test_another_chapter_gets_404(self, approved, outsider, client):
        client.force_login(outsider)
        assert client.get(self.url(approved)).status_code == 404
        assert client.get(self.url(approved, "case")).status_code == 404
        assert client.post(self.url(approved)).status_code == 404

    def test_cell_leaders_get_404_the_documents_are_the_chapter_s(
        self, approved, cell_leader, other_cell_leader, client
    ):
        # The minutes name the absent of every cell: a chapter document, not a cell's.
        for leader in (cell_leader, other_cell_leader):
            client.force_login(leader)
            assert client.get(self.url(approved)).status_code == 404
            assert client.get(self.url(approved, "case")).status_code == 404
            assert client.post(self.url(approved)).status_code == 404

    def test_the_committee_reads_but_does_not_make(self, approved, committee_officer, client):
        complete(approved)
        client.force_login(committee_officer)
        assert client.get(self.url(approved)).status_code == 200
        assert client.post(self.url(approved)).status_code == 403
        assert not GeneratedDocument.objects.exists()

    def test_files_follow_the_case_s_scope(self, approved, secretary, outsider, client):
        complete(approved)
        document = services.generate(registry.BY_SLUG["admission-resolution"], approved, secretary)
        client.force_login(outsider)
        url = reverse("documents:file", args=[document.public_id, "pdf"])
        assert client.get(url).status_code == 404

    def test_an_unknown_document_is_404(self, approved, secretary, client):
        client.force_login(secretary)
        url = reverse("documents:preview", args=[approved.public_id, "no-such-document"])
        assert client.get(url).status_code == 404
