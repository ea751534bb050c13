"""Found in review: a chapter's Word template runs in Jinja's sandbox; a number typed by hand is
never given again by the sequence; a second meeting's minutes get their own number."""

import datetime
import io

import pytest
from docx import Document as Docx
from jinja2.exceptions import SecurityError

from admissions import checks
from admissions import services as admission_services
from admissions.models import Candidate, Resolution
from documents import registry, services
from documents.models import DocumentSettings, DocumentTemplate, Meeting
from members.models import RoleAssignment
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-08-01")]
St = Candidate.Stage
D = datetime.date


def settings_for(chapter, secretary, story):
    role = RoleAssignment.objects.get(user=secretary)
    role.chapter, role.member, role.start_date = chapter, story.officials[0], D(2018, 1, 1)
    role.save()
    DocumentSettings.objects.create(
        chapter=chapter, superior_body="Đảng bộ Phường", issuing_body="Chi bộ 3", place="Hà Nội"
    )


def meeting(resolution):
    Meeting.objects.create(
        resolution=resolution,
        place="Hội trường",
        started_at=datetime.time(8),
        ended_at=datetime.time(10),
        chair="Phạm Văn Đức",
        minute_taker="Ngô Thị Hà",
        probationary_present=0,
        strengths="Tốt.",
        weaknesses="Không.",
    )


def test_a_chapter_template_cannot_reach_python(chapter, secretary):
    story = PipelineStory.build(officials=6, chapter=chapter)
    case = story.candidate_at(St.CHAPTER_APPROVED)
    settings_for(case.chapter, secretary, story)
    meeting(case.resolutions.get())
    own = Docx()
    own.add_paragraph("{{ cycler.__init__.__globals__.os.getcwd() }}")
    buffer = io.BytesIO()
    own.save(buffer)
    template = DocumentTemplate(chapter=case.chapter, kind="admission-minutes")
    template.docx.save("own.docx", io.BytesIO(buffer.getvalue()))
    with pytest.raises(SecurityError):
        services.generate(registry.BY_SLUG["admission-minutes"], case, secretary)


def test_a_number_typed_by_hand_is_not_given_again(chapter, secretary):
    story = PipelineStory.build(officials=6, chapter=chapter)
    typed = story.candidate_at(St.CHAPTER_APPROVED, full_name="Lê Văn An")  # vote 01-NQ/CB
    other = story.candidate_at(St.CHAPTER_APPROVED, full_name="Lê Văn Bình")
    Resolution.objects.filter(candidate=other).update(number="")
    settings_for(typed.chapter, secretary, story)
    meeting(other.resolutions.get())
    made = services.generate(registry.BY_SLUG["admission-resolution"], other, secretary)
    assert made.number == "02-NQ/CB"


def test_the_minutes_of_a_second_meeting_have_their_own_number(chapter, secretary):
    story = PipelineStory.build(officials=6, chapter=chapter)
    case = story.candidate_at(St.INTRODUCED)
    settings_for(case.chapter, secretary, story)
    minutes = registry.BY_SLUG["admission-minutes"]
    numbers = []
    for day, votes_for in ((D(2019, 4, 27), 3), (D(2019, 5, 20), 6)):
        base = checks.vote_base(story.chapter, day).base
        vote = admission_services.Vote(
            date=day, number="", present=base, votes_for=votes_for, votes_against=base - votes_for
        )
        case, resolution = admission_services.candidate_chapter_vote(
            candidate_id=case.pk, actor=None, vote=vote
        )
        meeting(resolution)
        numbers.append(services.generate(minutes, case, secretary).number)
    assert numbers == ["01-BB/CB", "02-BB/CB"]
