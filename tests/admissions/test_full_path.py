"""One candidate from the pool to official membership, through every service."""

import datetime

import pytest
import time_machine

from admissions import services
from admissions.models import Candidate, CandidateEvent, Form
from chapter.documents import Document
from members.models import Member, MemberEvent
from tests.admissions.factories import PipelineStory

pytestmark = pytest.mark.django_db
St = Candidate.Stage


@time_machine.travel(datetime.date(2020, 6, 30), tick=False)
def test_candidate_to_official_member():
    story = PipelineStory.build(officials=6)
    candidate = story.candidate_at(St.ADMITTED)
    member = candidate.member
    assert member.status == Member.Status.PROBATIONARY
    assert member.ceremony_date == datetime.date(2019, 5, 27)
    assert member.official_date == datetime.date(2020, 5, 27)
    assert member.events.get().kind == MemberEvent.Kind.ADMITTED

    for form in (
        Form.SELF_REVIEW,
        Form.MENTOR_ASSESSMENT,
        Form.MEMBER_OPINIONS,
        Form.NEW_MEMBER_COURSE,
    ):
        services.candidate_add_document(
            candidate_id=candidate.pk,
            actor=None,
            form=form,
            paper=Document(number="", date=datetime.date(2020, 5, 20)),
        )
    vote = services.Vote(
        date=datetime.date(2020, 6, 2), number="05-NQ/CB", present=6, votes_for=5, votes_against=1
    )
    candidate, resolution = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    assert resolution.passed and resolution.base == 6
    candidate = services.candidate_confirm(
        candidate_id=candidate.pk,
        actor=None,
        decision=Document(
            number="456-QĐ/ĐUK",
            date=datetime.date(2020, 6, 25),
            issuing_body="Ban Thường vụ Đảng ủy Khối",
        ),
    )
    member.refresh_from_db()
    assert candidate.stage == St.OFFICIAL
    assert member.status == Member.Status.OFFICIAL
    # R15: official on ceremony + 12 months, however late the decision.
    assert member.official_date == datetime.date(2020, 5, 27)
    assert member.confirmation_decision_date == datetime.date(2020, 6, 25)
    stages = list(
        CandidateEvent.objects.filter(candidate=candidate).values_list("to_stage", flat=True)
    )
    assert stages == [
        St.POOL,
        St.COURSE_DONE,
        St.DOSSIER_OPEN,
        St.BACKGROUND_VERIFIED,
        St.INTRODUCED,
        St.CHAPTER_APPROVED,
        St.ADMISSION_DECIDED,
        St.ADMITTED,
        St.CONFIRMATION_VOTED,
        St.OFFICIAL,
    ]
