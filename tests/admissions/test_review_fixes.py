"""Found in review: the check step keeps every field of its form; letters dated after the vote do
not count at it; the R3 message names the day the certificate expired, not its last valid day."""

import datetime

import pytest

from admissions import checks, services, step_calls
from admissions.checks import RuleViolated
from admissions.models import BackgroundCheck, Candidate, CandidateDocument, Form, Introduction
from chapter.documents import Document
from members import services as member_services
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-07-15")]
D = datetime.date
ONE = datetime.timedelta(days=1)
St = Candidate.Stage


def form_data(**changes):
    data = {
        "check": None,
        "relation": "FATHER",
        "person_name": "Lê Văn Hùng",
        "requested_on": None,
        "replied_on": None,
        "result": "",
        "is_party_member": True,
        "fully_declared": True,
        "abroad": False,
        "verifying_body": "",
        "exempted": True,
        "exemption_reason": "Đảng viên, đã khai đầy đủ",
        "note": "",
    }
    return {**data, **changes}


def test_the_check_step_records_an_exemption_the_rule_allows():
    case = PipelineStory.build(officials=6).candidate_at(St.DOSSIER_OPEN)
    row = step_calls.check(case, None, form_data())
    assert (row.is_party_member, row.fully_declared, row.exempted) == (True, True, True)
    assert row.exemption_basis


def test_editing_a_check_keeps_a_relative_abroad_and_the_body_that_verifies():
    case = PipelineStory.build(officials=6).candidate_at(St.DOSSIER_OPEN)
    row = services.candidate_save_check(
        candidate_id=case.pk,
        actor=None,
        relation="MOTHER",
        person_name="Trần Thị Lan",
        requested_on=D(2019, 3, 20),
        abroad=True,
        verifying_body="Đảng ủy ngoài nước",
    )
    changes = {
        "check": row,
        "relation": "MOTHER",
        "person_name": "Trần Thị Lan",
        "requested_on": D(2019, 3, 20),
        "replied_on": D(2019, 4, 1),
        "result": "Tốt",
        "is_party_member": False,
        "fully_declared": False,
        "exempted": False,
        "exemption_reason": "",
        "abroad": True,
        "verifying_body": "Đảng ủy ngoài nước",
    }
    step_calls.check(case, None, form_data(**changes))
    row.refresh_from_db()
    assert (row.abroad, row.verifying_body, row.replied_on) == (
        True,
        "Đảng ủy ngoài nước",
        D(2019, 4, 1),
    )


def test_a_replacement_letter_dated_after_the_vote_does_not_count_at_it():
    story = PipelineStory.build(officials=7)
    case = story.candidate_at(St.INTRODUCED)
    first = case.introductions.order_by("pk").first()
    vote_day = story.day("opinions") + 3 * ONE
    # The first introducer left before the vote; the replacement came only afterwards.
    member_services.member_transfer_out(
        member_id=first.introducer_id,
        actor=None,
        effective_date=vote_day - ONE,
        to_organisation="Chi bộ khác",
        letter=Document(kind="TRANSFER_LETTER", number="12-GGT", date=vote_day - ONE),
    )
    later = vote_day + 10 * ONE
    services.candidate_replace_introducer(
        candidate_id=case.pk,
        actor=None,
        replaced_id=first.pk,
        reason=Introduction.ReplacementReason.MOVED_AWAY,
        introducer=story.officials[5],
        day=later,
        resolution=Document(number="07-NQ/CB", date=later - ONE),
        document_number="3-KNĐ/9",
    )
    base = checks.vote_base(story.chapter, vote_day).base
    vote = services.Vote(
        date=vote_day, number="01-NQ/CB", present=base, votes_for=base, votes_against=0
    )
    with pytest.raises(RuleViolated) as refused:
        services.candidate_chapter_vote(candidate_id=case.pk, actor=None, vote=vote)
    assert {v.rule for v in refused.value.violations} == {"R6"}


def test_the_certificate_expired_the_day_after_its_last_valid_day():
    certificate = CandidateDocument(form=Form.AWARENESS, date=D(2021, 1, 15))
    assert checks.check_awareness([certificate], D(2026, 1, 15)) == []
    (refusal,) = checks.check_awareness([certificate], D(2026, 1, 16))
    assert "16/01/2026" in refusal.message


def test_a_confirmation_vote_cites_article_5():
    assert "Điều 5" in checks.Violation("R8", "").source
    assert BackgroundCheck  # imported for the relation names above
