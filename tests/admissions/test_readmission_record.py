"""One person, one record (R16, R20): a member first admitted through a case of this application
comes back by a second case on the same record; the record's case is the latest."""

import datetime

import pytest

from admissions import services
from admissions.models import Candidate
from chapter.documents import Document
from members.models import Member, MemberEvent
from members.services import case_of
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2023-12-01")]
D = datetime.date
St = Candidate.Stage


def test_a_member_admitted_by_a_case_is_readmitted_by_another_on_the_same_record():
    story = PipelineStory.build(officials=6)
    story.start = D(2018, 6, 4)
    first = story.candidate_at(St.ADMITTED, full_name="Hà Văn Toàn")
    member = first.member
    services.candidate_not_confirm(
        candidate_id=first.pk,
        actor=None,
        decision=Document(number="40-QĐ/ĐUK", date=D(2019, 11, 20), issuing_body="ĐUK"),
        reason="Không đủ tư cách đảng viên",
    )
    member.refresh_from_db()
    assert member.status == Member.Status.REMOVED_FROM_PROBATIONARY_LIST

    again = PipelineStory(
        chapter=story.chapter, cell=story.cell, officials=story.officials, start=D(2023, 1, 9)
    )
    second = again.candidate_at(
        St.ADMITTED,
        full_name="Hà Văn Toàn",
        former_member=member,
        former_exit_date=D(2019, 11, 20),
        former_exit_reason=Candidate.ExitReason.OTHER,
        readmission_consent="99-CV/TU",
    )
    member.refresh_from_db()
    assert second.member_id == first.member_id == member.pk
    assert Member.objects.filter(full_name="Hà Văn Toàn").count() == 1
    assert member.status == Member.Status.PROBATIONARY
    assert list(member.admission_cases.order_by("pk")) == [first, second]
    assert case_of(Member.objects.get(pk=member.pk)) == second
    assert member.events.filter(kind=MemberEvent.Kind.READMITTED).count() == 1
