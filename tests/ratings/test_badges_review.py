"""Found in review: a re-admitted member is not listed again for a level reached before leaving;
the posthumous day is the day the party age itself would have reached the level."""

import datetime

import pytest

from chapter.documents import Document
from members import services
from members.models import Member
from ratings.badges import badge_list
from tests.members.factories import ChapterFactory, register_member

D = datetime.date


@pytest.mark.django_db
@pytest.mark.freeze_time("2026-12-06")
def test_a_readmitted_member_is_not_listed_again_for_a_level_reached_before_leaving():
    chapter = ChapterFactory(founded_on=D(1985, 1, 1))
    member = register_member(
        chapter,
        effective_date=D(1991, 6, 1),
        date_of_birth=D(1965, 1, 1),
        admission_decision_date=D(1990, 1, 5),
        ceremony_date=D(1990, 1, 20),
        official_date=D(1991, 1, 20),
    )
    services.member_leave(
        member_id=member.pk,
        actor=None,
        effective_date=D(2020, 3, 1),
        decision=Document(kind="DECISION", number="1-QĐ", date=D(2020, 3, 1), issuing_body="ĐUK"),
        reason="Xin ra khỏi Đảng vì hoàn cảnh gia đình",
    )
    services.member_readmit(
        member_id=member.pk,
        chapter=chapter,
        actor=None,
        cell=None,
        details={},
        decision=Document(kind="DECISION", number="2-QĐ", date=D(2024, 2, 1), issuing_body="ĐUK"),
        ceremony_date=D(2024, 2, 20),
    )
    services.member_confirm_official(
        member_id=member.pk,
        actor=None,
        decision=Document(kind="DECISION", number="3-QĐ", date=D(2025, 3, 1)),
    )
    scope = Member.objects.filter(chapter=chapter)
    assert [(e.level, e.day) for e in badge_list(scope, 2020).due] == [(30, D(2020, 1, 5))]
    for year in (2024, 2025):
        listed = badge_list(scope, year)
        assert [e for e in listed.due + listed.early if e.level == 30] == []


@pytest.mark.django_db
@pytest.mark.freeze_time("2027-03-01")
def test_posthumous_the_day_the_level_would_have_been_reached():
    chapter = ChapterFactory(founded_on=D(1990, 1, 1))
    member = register_member(
        chapter,
        effective_date=D(1998, 6, 1),
        date_of_birth=D(1970, 1, 1),
        admission_decision_date=D(1996, 12, 31),  # 30 years on 31/12/2026
        ceremony_date=D(1997, 1, 10),
        official_date=D(1998, 1, 10),
    )
    services.member_record_death(member_id=member.pk, actor=None, effective_date=D(2026, 10, 5))
    scope = Member.objects.filter(chapter=chapter)
    posthumous = badge_list(scope, 2026).posthumous
    assert [(e.level, e.day) for e in posthumous] == [(30, D(2026, 12, 31))]
    assert badge_list(scope, 2027).posthumous == []
