"""A probationary member's other documents (issue 13): the resolution assigning the mentor, the
summary of opinions (12-KNĐ), and the resolution and minutes proposing removal from the
probationary list after a failed confirmation vote, in Word and PDF, read back as text."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions import services as case_services
from admissions.models import Candidate, Form, Resolution
from chapter.documents import Document
from documents import registry, services
from documents.models import DocumentSettings, GeneratedDocument, Meeting, OpinionSummary
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory
from tests.documents.test_dossier_documents import both, summary

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-06-15")]
St = Candidate.Stage
D = datetime.date
CEREMONY = D(2019, 5, 27)  # the story's ceremony: 140 days after 07/01/2019


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


@pytest.fixture
def admitted(story):
    return story.candidate_at(
        St.ADMITTED, full_name="Lê Thị Mai", date_of_birth=D(1986, 4, 2), hometown="Hải Dương"
    )


def slugs(candidate) -> list[str]:
    return [kind.slug for kind in registry.case_documents(candidate)]


PAPER_DAY = D(2020, 5, 20)


def add_paper(candidate, form, number="", day=PAPER_DAY):
    case_services.candidate_add_document(
        candidate_id=candidate.pk, actor=None, form=form, paper=Document(number=number, date=day)
    )


def confirmation_vote(candidate, votes_for, number="07-NQ/CB") -> Resolution:
    for form in (Form.SELF_REVIEW, Form.MENTOR_ASSESSMENT, Form.NEW_MEMBER_COURSE):
        add_paper(candidate, form)
    add_paper(candidate, Form.MEMBER_OPINIONS, "03-BC/CB", D(2020, 5, 25))
    vote = case_services.Vote(
        D(2020, 6, 2), number, present=6, votes_for=votes_for, votes_against=6 - votes_for
    )
    _candidate, resolution = case_services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    return resolution


def meeting(resolution) -> Meeting:
    return Meeting.objects.create(
        resolution=resolution,
        place="Hội trường khu phố 3",
        started_at=datetime.time(14, 0),
        ended_at=datetime.time(16, 15),
        chair="Phạm Văn Đức",
        minute_taker="Ngô Thị Hà",
        probationary_present=1,
        absences="",
        strengths="Chấp hành tốt chủ trương của Đảng.",
        weaknesses="Không tham gia sinh hoạt chi bộ ba tháng liền.\nKhông đóng đảng phí.",
    )


class TestMentorResolution:
    def test_made_once_a_mentor_is_assigned(self, story, admitted):
        approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Đỗ Văn Nam")
        assert "mentor-resolution" not in slugs(approved)
        assert "mentor-resolution" in slugs(admitted)

    def test_both_formats_carry_the_mentor_and_the_assignment_s_number(
        self, story, admitted, secretary
    ):
        document = services.generate(registry.BY_SLUG["mentor-resolution"], admitted, secretary)
        assert document.number == "02-NQ/CB"  # the resolution recorded at the ceremony
        assert document.date == CEREMONY
        mentor = story.officials[3]
        for text in both(document):
            assert "phân công đảng viên chính thức giúp đỡ đảng viên dự bị" in text
            assert "Số 02-NQ/CB" in text
            assert "Hà Nội, ngày 27 tháng 5 năm 2019" in text
            assert "Ngày 27 tháng 5 năm 2019, Chi bộ" in text
            assert f"Phân công đồng chí {mentor.full_name}" in text
            assert "giúp đỡ đảng viên dự bị Lê Thị Mai, sinh ngày 02/04/1986" in text
            assert "được kết nạp vào Đảng ngày 27/05/2019" in text
            assert "thời gian dự bị đến ngày 27/05/2020" in text
            assert "thay đồng chí" not in text

    def test_a_reassignment_is_its_own_resolution(self, story, admitted, secretary):
        kind = registry.BY_SLUG["mentor-resolution"]
        first = services.generate(kind, admitted, secretary)
        new_mentor = story.officials[4]
        case_services.candidate_reassign_mentor(
            candidate_id=admitted.pk,
            actor=None,
            mentor=new_mentor,
            day=D(2019, 11, 4),
            resolution="09-NQ/CB",
        )
        second = services.generate(kind, admitted, secretary)
        assert (first.number, second.number) == ("02-NQ/CB", "09-NQ/CB")
        for text in both(second):
            assert "ngày 04 tháng 11 năm 2019" in text
            assert f"Phân công đồng chí {new_mentor.full_name}" in text
            assert "thay đồng chí được phân công trước đây" in text

    def test_without_a_recorded_number_it_takes_the_chapter_s_next_one(self, admitted, secretary):
        admitted.mentors.update(resolution="")
        kind = registry.BY_SLUG["mentor-resolution"]
        document = services.generate(kind, admitted, secretary)
        # 01-NQ/CB is the admission vote's, typed by hand: the sequence never gives it again.
        assert document.number == "02-NQ/CB"
        assert services.generate(kind, admitted, secretary).number == "02-NQ/CB"


class TestConfirmationOpinions:
    def test_from_the_ceremony_on(self, story, admitted):
        approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Đỗ Văn Nam")
        assert "confirmation-opinions" not in slugs(approved)
        assert "confirmation-opinions" in slugs(admitted)

    def test_missing_the_paper_and_the_typed_opinions_each_say_where(self, admitted, secretary):
        kind = registry.BY_SLUG["confirmation-opinions"]
        urls = [item.url for item in kind.gather(admitted).missing]
        assert urls == [
            reverse("admissions:candidate-step", args=[admitted.public_id, "document"]),
            reverse("documents:opinions", args=[admitted.public_id, "CONFIRMATION"]),
        ]
        with pytest.raises(ValidationError):
            services.generate(kind, admitted, secretary)
        assert not GeneratedDocument.objects.exists()

    def test_both_formats_carry_the_paper_and_the_opinions(self, admitted, secretary):
        add_paper(admitted, Form.MEMBER_OPINIONS, "03-BC/CB", D(2020, 5, 25))
        summary(admitted, OpinionSummary.Kind.CONFIRMATION)
        document = services.generate(registry.BY_SLUG["confirmation-opinions"], admitted, secretary)
        assert document.number == "03-BC/CB"
        for text in both(document):
            assert "TỔNG HỢP Ý KIẾN NHẬN XÉT" in text
            assert "nơi làm việc và chi ủy nơi cư trú đối với đảng viên dự bị" in text
            assert "Số 03-BC/CB" in text
            assert "Hà Nội, ngày 25 tháng 5 năm 2020" in text
            assert "đảng viên dự bị Lê Thị Mai, sinh ngày 02/04/1986" in text
            assert "được kết nạp vào Đảng ngày 27/05/2019" in text
            assert "lấy ý kiến 25 người; số đồng ý 23 người, số không đồng ý 2 người" in text


class TestRemoval:
    def test_only_after_a_failed_confirmation_vote(self, admitted):
        assert "removal-resolution" not in slugs(admitted)
        confirmation_vote(admitted, votes_for=3)
        available = slugs(admitted)
        assert "removal-resolution" in available and "removal-minutes" in available
        assert "confirmation-resolution" not in available

    def test_a_passed_vote_has_no_removal(self, admitted):
        confirmation_vote(admitted, votes_for=4)  # 4 of 6 official members: two thirds
        available = slugs(admitted)
        assert "removal-resolution" not in available and "removal-minutes" not in available
        assert "confirmation-resolution" in available

    def test_the_meeting_s_record_is_needed(self, admitted, secretary):
        resolution = confirmation_vote(admitted, votes_for=3)
        kind = registry.BY_SLUG["removal-resolution"]
        urls = [item.url for item in kind.gather(admitted).missing]
        assert reverse("documents:meeting", args=[admitted.public_id, resolution.kind]) in urls
        with pytest.raises(ValidationError):
            services.generate(kind, admitted, secretary)

    def test_resolution_and_minutes_carry_the_same_figures(self, story, admitted, secretary):
        resolution = confirmation_vote(admitted, votes_for=3)
        meeting(resolution)
        made = services.generate(registry.BY_SLUG["removal-resolution"], admitted, secretary)
        minutes = services.generate(registry.BY_SLUG["removal-minutes"], admitted, secretary)
        assert made.number == "07-NQ/CB"  # the vote's own number
        assert minutes.number == "01-BB/CB"
        assert made.date == minutes.date == D(2020, 6, 2)
        for text in both(made) + both(minutes):
            assert "Hà Nội, ngày 02 tháng 6 năm 2020" in text
            assert "Lê Thị Mai" in text
            assert "Tổng số đảng viên của Chi bộ: 7 đảng viên, trong đó chính thức 6" in text
            assert "tán thành 3 đồng chí, đạt 50% so với tổng số đảng viên chính thức" in text
            assert "số không tán thành 3 đồng chí, chiếm 50%" in text
            assert "Không tham gia sinh hoạt chi bộ ba tháng liền." in text
            assert "xóa tên đồng chí Lê Thị Mai trong danh sách đảng viên dự bị" in text
        for text in both(made):
            assert "NGHỊ QUYẾT" in text and "đề nghị xóa tên đảng viên dự bị" in text
            assert "Số 07-NQ/CB" in text
            assert "T/M CHI BỘ" in text
        for text in both(minutes):
            assert "BIÊN BẢN" in text and "Số 01-BB/CB" in text
            assert "Hồi 14 giờ 00 ngày 02 tháng 6 năm 2020" in text
            assert "THƯ KÝ" in text and "Ngô Thị Hà" in text and "Phạm Văn Đức" in text

    def test_a_second_failed_vote_has_its_own_minutes_number(self, admitted, secretary):
        first = confirmation_vote(admitted, votes_for=3)
        meeting(first)
        kind = registry.BY_SLUG["removal-minutes"]
        assert services.generate(kind, admitted, secretary).number == "01-BB/CB"
        vote = case_services.Vote(
            D(2020, 6, 12), "08-NQ/CB", present=6, votes_for=2, votes_against=4
        )
        _c, second = case_services.candidate_confirmation_vote(
            candidate_id=admitted.pk, actor=None, vote=vote
        )
        meeting(second)
        assert services.generate(kind, admitted, secretary).number == "02-BB/CB"


class TestAccess:
    def test_cell_leaders_and_outsiders_get_404_the_committee_reads(
        self, admitted, cell_leader, outsider, committee_officer, client
    ):
        url = reverse("documents:preview", args=[admitted.public_id, "mentor-resolution"])
        for user in (cell_leader, outsider):
            client.force_login(user)
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
        client.force_login(committee_officer)
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 403
        assert not GeneratedDocument.objects.exists()

    def test_the_secretary_makes_it_from_the_preview(self, admitted, secretary, client):
        client.force_login(secretary)
        url = reverse("documents:preview", args=[admitted.public_id, "mentor-resolution"])
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 302
        assert GeneratedDocument.objects.get().number == "02-NQ/CB"


def test_the_checklist_of_probation_lists_the_confirmation_papers(admitted, secretary):
    add_paper(admitted, Form.SELF_REVIEW, "", D(2020, 5, 28))
    document = services.generate(registry.BY_SLUG["dossier-checklist"], admitted, secretary)
    assert document.date == D(2020, 6, 15)
    for text in both(document):
        assert "đề nghị công nhận đảng viên chính thức của đồng chí Lê Thị Mai" in text
        assert "10-KNĐ" in text and "28/05/2020" in text
        assert "11-KNĐ" in text and "Còn thiếu" in text
        assert "16-KNĐ" in text and "Chưa đến bước" in text
