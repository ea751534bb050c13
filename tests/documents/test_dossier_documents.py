"""A candidate's other documents (issue 13): the dossier checklist, the summary of opinions
(5-KNĐ) and the chapter's request to the committee, in Word and PDF, read back as text."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions import checks
from admissions.models import Candidate, Form
from documents import registry, services
from documents.models import DocumentSettings, GeneratedDocument, OpinionSummary
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.conftest import clock_moment
from tests.documents.test_case_documents import docx_text, pdf_text, stored

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-06-01")]
St = Candidate.Stage
D = datetime.date
BORN = D(1986, 4, 2)


def flat(text: str) -> str:
    return " ".join(text.split())


def both(document) -> list[str]:
    return [flat(docx_text(stored(document.docx))), flat(pdf_text(stored(document.pdf)))]


@pytest.fixture
def story(chapter, cell, secretary):
    story = PipelineStory.build(officials=6, chapter=chapter)
    story.cell = cell
    role = RoleAssignment.objects.get(user=secretary)
    role.member = story.officials[0]
    role.start_date = D(2018, 1, 1)
    role.save()
    DocumentSettings.objects.create(
        chapter=chapter,
        superior_body="Đảng bộ Phường Bến Nghé",
        issuing_body="Chi bộ Khu phố 3",
        place="Hà Nội",
    )
    return story


def case(story, stage, name="Lê Thị Mai"):
    return story.candidate_at(stage, full_name=name, date_of_birth=BORN, hometown="Hải Dương")


def slugs(candidate) -> list[str]:
    return [kind.slug for kind in registry.case_documents(candidate)]


def summary(candidate, kind=OpinionSummary.Kind.ADMISSION) -> OpinionSummary:
    return OpinionSummary.objects.create(
        candidate=candidate,
        kind=kind,
        work_body="Công đoàn cơ sở Công ty Bình Minh",
        gathered_on=D(2019, 4, 15),
        consulted=25,
        agreed=23,
        disagreed=2,
        work_strengths="Nhiệt tình, trách nhiệm trong công việc.",
        work_weaknesses="Còn ngại phát biểu.",
        residence_body="Chi ủy Chi bộ Khu dân cư số 5",
        residence_opinion="Gia đình chấp hành tốt chủ trương, chính sách.",
        conclusion="Đủ tiêu chuẩn, đề nghị Chi bộ xem xét kết nạp.",
    )


class TestWhenEachCanBeMade:
    def test_nothing_of_the_dossier_before_the_application(self, story):
        assert slugs(case(story, St.COURSE_DONE)) == []

    def test_the_checklist_from_the_application_on(self, story):
        assert slugs(case(story, St.DOSSIER_OPEN)) == ["dossier-checklist"]

    def test_the_summary_from_the_verified_background_on(self, story):
        assert slugs(case(story, St.BACKGROUND_VERIFIED)) == [
            "dossier-checklist",
            "admission-opinions",
        ]

    def test_the_request_once_the_chapter_voted_for(self, story):
        approved = case(story, St.CHAPTER_APPROVED)
        assert "admission-request" in slugs(approved)
        approved.resolutions.update(passed=False)
        assert "admission-request" not in slugs(approved)


class TestChecklist:
    def test_what_is_in_and_what_comes_later_in_both_formats(self, story, secretary):
        candidate = case(story, St.DOSSIER_OPEN)
        document = services.generate(registry.BY_SLUG["dossier-checklist"], candidate, secretary)
        assert document.number == ""  # a working list carries no number
        assert document.date == D(2019, 6, 1)
        for text in both(document):
            assert "DANH MỤC HỒ SƠ" in text
            assert "đề nghị kết nạp đảng viên của quần chúng Lê Thị Mai" in text
            assert "Hà Nội, ngày 01 tháng 6 năm 2019" in text
            assert "Số " not in text.split("ĐẢNG CỘNG SẢN VIỆT NAM")[0]
            assert "1-KNĐ đơn xin vào Đảng 08/03/2019" in text  # the application, 60 days on
            assert "CN-123" in text  # the awareness certificate's number
            assert "Chưa đến bước" in text  # the introduction comes later
            assert "đã có 3, còn thiếu 0, hết hạn 0 tài liệu" in text

    def test_a_missing_paper_is_listed_as_missing(self, story, secretary):
        candidate = case(story, St.DOSSIER_OPEN)
        candidate.documents.filter(form=Form.BACKGROUND).delete()
        document = services.generate(registry.BY_SLUG["dossier-checklist"], candidate, secretary)
        for text in both(document):
            assert "Còn thiếu" in text
            assert "đã có 2, còn thiếu 1, hết hạn 0 tài liệu" in text

    def test_the_certificate_expires_the_day_after_its_last_day(self, story, secretary):
        candidate = case(story, St.INTRODUCED)
        expires = checks.awareness_expires(candidate.documents.get(form=Form.AWARENESS))
        kind = registry.BY_SLUG["dossier-checklist"]
        with time_machine.travel(clock_moment(expires), tick=False):
            text = flat(pdf_text(stored(services.generate(kind, candidate, secretary).pdf)))
            assert "hết hạn 0 tài liệu" in text
        after = expires + datetime.timedelta(days=1)
        with time_machine.travel(clock_moment(after), tick=False):
            text = flat(pdf_text(stored(services.generate(kind, candidate, secretary).pdf)))
            assert "hết hạn 1 tài liệu" in text
            assert "Hết hạn" in text


class TestAdmissionOpinions:
    def test_missing_typed_opinions_are_named_with_their_form_and_nothing_is_made(
        self, story, secretary, client
    ):
        candidate = case(story, St.INTRODUCED)
        kind = registry.BY_SLUG["admission-opinions"]
        gathered = kind.gather(candidate)
        form_url = reverse("documents:opinions", args=[candidate.public_id, "ADMISSION"])
        assert [item.url for item in gathered.missing] == [form_url]
        with pytest.raises(ValidationError):
            services.generate(kind, candidate, secretary)
        assert not GeneratedDocument.objects.exists()
        client.force_login(secretary)
        url = reverse("documents:preview", args=[candidate.public_id, "admission-opinions"])
        page = client.get(url).content.decode()
        assert form_url in page

    def test_before_the_paper_is_recorded_it_links_to_the_introductions_step(self, story):
        candidate = case(story, St.BACKGROUND_VERIFIED)
        summary(candidate)
        missing = registry.BY_SLUG["admission-opinions"].gather(candidate).missing
        step = reverse("admissions:candidate-step", args=[candidate.public_id, "introduced"])
        assert [item.url for item in missing] == [step]

    def test_both_formats_carry_the_paper_s_number_and_date_and_the_typed_opinions(
        self, story, secretary
    ):
        candidate = case(story, St.INTRODUCED)
        summary(candidate)
        kind = registry.BY_SLUG["admission-opinions"]
        document = services.generate(kind, candidate, secretary)
        assert document.number == "5-KNĐ/1"  # the one recorded with the introductions
        assert document.date == D(2019, 4, 22)
        for text in both(document):
            assert "TỔNG HỢP Ý KIẾN NHẬN XÉT" in text
            assert "của tổ chức đoàn thể và chi ủy nơi cư trú đối với người xin vào Đảng" in text
            assert "Số 5-KNĐ/1" in text
            assert "Hà Nội, ngày 22 tháng 4 năm 2019" in text
            assert "quần chúng Lê Thị Mai, sinh ngày 02/04/1986, quê quán Hải Dương" in text
            assert "Công đoàn cơ sở Công ty Bình Minh" in text
            assert "lấy ý kiến 25 người; số đồng ý 23 người, số không đồng ý 2 người" in text
            assert "Gia đình chấp hành tốt chủ trương, chính sách." in text
            assert "Đủ tiêu chuẩn, đề nghị Chi bộ xem xét kết nạp." in text
            assert "T/M CHI ỦY" in text


class TestOpinionsForm:
    def url(self, candidate, kind="ADMISSION"):
        return reverse("documents:opinions", args=[candidate.public_id, kind])

    def data(self, **changes):
        data = {
            "work_body": "Chi đoàn Công ty Bình Minh",
            "gathered_on": "15/04/2019",
            "consulted": "20",
            "agreed": "18",
            "disagreed": "2",
            "work_strengths": "Tích cực.",
            "work_weaknesses": "Chưa mạnh dạn.",
            "residence_body": "Chi ủy Chi bộ Khu dân cư số 5",
            "residence_opinion": "Tốt.",
            "conclusion": "Đủ điều kiện.",
        }
        return {**data, **changes}

    def test_the_secretary_types_the_opinions(self, story, secretary, client):
        candidate = case(story, St.INTRODUCED)
        client.force_login(secretary)
        assert client.get(self.url(candidate)).status_code == 200
        response = client.post(self.url(candidate), self.data())
        assert response.status_code == 302
        saved = OpinionSummary.objects.get(candidate=candidate)
        assert (saved.consulted, saved.agreed, saved.disagreed) == (20, 18, 2)

    @pytest.mark.parametrize(("agreed", "ok"), [("18", True), ("19", False)])
    def test_in_favour_and_against_are_at_most_those_consulted(
        self, story, secretary, client, agreed, ok
    ):
        candidate = case(story, St.INTRODUCED)
        client.force_login(secretary)
        response = client.post(self.url(candidate), self.data(agreed=agreed))
        assert OpinionSummary.objects.exists() is ok
        if not ok:
            assert response.status_code == 200
            assert response.context["form"].errors["disagreed"]

    def test_a_future_date_is_refused(self, story, secretary, client):
        candidate = case(story, St.INTRODUCED)
        client.force_login(secretary)
        client.post(self.url(candidate), self.data(gathered_on="02/06/2019"))
        assert not OpinionSummary.objects.exists()
        client.post(self.url(candidate), self.data(gathered_on="01/06/2019"))
        assert OpinionSummary.objects.exists()

    def test_access(self, story, committee_officer, cell_leader, outsider, client):
        candidate = case(story, St.INTRODUCED)
        client.force_login(committee_officer)
        assert client.get(self.url(candidate)).status_code == 403
        for user in (cell_leader, outsider):
            client.force_login(user)
            assert client.get(self.url(candidate)).status_code == 404

    def test_not_before_its_stage_nor_an_unknown_summary(self, story, secretary, client):
        client.force_login(secretary)
        early = case(story, St.DOSSIER_OPEN)
        assert client.get(self.url(early)).status_code == 404
        later = case(story, St.INTRODUCED, name="Đỗ Văn Nam")
        assert client.get(self.url(later, "CONFIRMATION")).status_code == 404
        assert client.get(self.url(later, "NO_SUCH")).status_code == 404


class TestRequest:
    def test_both_formats_list_the_resolution_and_the_dossier(self, story, secretary):
        approved = case(story, St.CHAPTER_APPROVED)
        kind = registry.BY_SLUG["admission-request"]
        document = services.generate(kind, approved, secretary)
        assert document.number == "01-TTr/CB"
        assert document.date == D(2019, 6, 1)
        for text in both(document):
            assert "TỜ TRÌNH" in text
            assert "Số 01-TTr/CB" in text
            assert "Hà Nội, ngày 01 tháng 6 năm 2019" in text
            assert "Căn cứ Nghị quyết số 01-NQ/CB ngày 27/04/2019" in text
            assert "kết nạp quần chúng Lê Thị Mai, sinh ngày 02/04/1986" in text
            assert "tán thành 6/6 đồng chí" in text
            assert "1-KNĐ" in text and "5-KNĐ" in text and "6-KNĐ" in text
            assert "số 5-KNĐ/1, ngày 22/04/2019" in text
            assert "9-KNĐ" not in text  # the decision comes later

    def test_made_again_it_keeps_its_date_and_number(self, story, secretary):
        approved = case(story, St.CHAPTER_APPROVED)
        kind = registry.BY_SLUG["admission-request"]
        first = services.generate(kind, approved, secretary)
        with time_machine.travel(clock_moment(D(2019, 6, 20)), tick=False):
            again = services.generate(kind, approved, secretary)
        assert (again.number, again.date) == (first.number, first.date)

    def test_refused_while_a_paper_is_missing(self, story, secretary):
        approved = case(story, St.CHAPTER_APPROVED)
        approved.documents.filter(form=Form.BACKGROUND).delete()
        kind = registry.BY_SLUG["admission-request"]
        missing = kind.gather(approved).missing
        assert len(missing) == 1
        assert "2-KNĐ" in str(missing[0].label)
        with pytest.raises(ValidationError):
            services.generate(kind, approved, secretary)
        assert not GeneratedDocument.objects.exists()


def test_the_text_stays_the_party_s_vietnamese_in_an_english_interface(story, secretary):
    from django.utils import translation

    candidate = case(story, St.DOSSIER_OPEN)
    with translation.override("en"):
        document = services.generate(registry.BY_SLUG["dossier-checklist"], candidate, secretary)
    for text in both(document):
        assert "1-KNĐ đơn xin vào Đảng" in text
        assert "còn giá trị đến ngày 06/02/2024" in text
