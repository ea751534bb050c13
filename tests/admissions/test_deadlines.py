"""admissions.deadlines: each stage's next deadline on concrete dates, counted in Vietnamese
working days (R3, R11, R12, R14), and the state a list shows for it.

The default story: chapter vote Sat 27/04/2019, decision received Mon 20/05/2019, ceremony
27/05/2019 (official 27/05/2020), confirmation vote 02/06/2020. Holidays in the counts:
29/04-01/05/2019 (Saturday 04/05/2019 worked instead) and 02/09/2019.
"""

import datetime

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from admissions import deadlines, services
from admissions.deadlines import Deadline
from admissions.models import Candidate, Extension, Form, Resolution
from admissions.rules import rule_book
from chapter import workdays
from chapter.documents import Document
from chapter.models import RuleValue
from tests.admissions.factories import PipelineStory

pytestmark = pytest.mark.django_db
St = Candidate.Stage
D = datetime.date
TODAY = D(2020, 7, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def story():
    return PipelineStory.build(officials=6)


def extend(candidate, kind, day):
    services.candidate_add_extension(
        candidate_id=candidate.pk,
        actor=None,
        kind=kind,
        paper=Document(number="CV-1", date=day, issuing_body="ĐUK"),
    )


def confirmation_voted(story) -> Candidate:
    candidate = story.candidate_at(St.ADMITTED)
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
            paper=Document(number="", date=D(2020, 5, 20)),
        )
    vote = services.Vote(D(2020, 6, 2), "05-NQ/CB", present=6, votes_for=6, votes_against=0)
    candidate, _ = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    return candidate


# R11: the admission decision, 60 WD after the chapter resolution (+30 with an extension).


def test_the_admission_decision_is_due_60_working_days_after_the_chapter_resolution(story):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    deadline = deadlines.next_deadline(candidate)
    # 02/05, 03/05, Saturday 04/05 (worked for 29/04), then 57 weekdays: Tuesday 23/07/2019.
    assert (deadline.rule, deadline.due, deadline.excused) == ("R11", D(2019, 7, 23), False)
    assert workdays.working_days_between(D(2019, 4, 27), deadline.due) == 60


def test_an_extension_adds_30_working_days_to_the_admission_decision(story):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    extend(candidate, Extension.Kind.ADMISSION_DECISION, D(2019, 7, 10))
    deadline = deadlines.next_deadline(candidate)
    # From 24/07: 30 working days, skipping Monday 02/09/2019, end on Wednesday 04/09/2019.
    assert (deadline.rule, deadline.due) == ("R11", D(2019, 9, 4))


def test_after_the_grassroots_step_the_decision_is_still_due_from_the_chapter_resolution(story):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    services.candidate_grassroots_approve(
        candidate_id=candidate.pk,
        actor=None,
        resolution=Document(number="8-NQ/ĐU", date=D(2019, 5, 10), issuing_body="Đảng ủy cơ sở"),
        committee_members=9,
        present=9,
        votes_for=9,
        votes_against=0,
    )
    candidate.refresh_from_db()
    assert candidate.stage == St.GRASSROOTS_APPROVED
    assert deadlines.next_deadline(candidate).due == D(2019, 7, 23)


# R12: the ceremony, 30 WD after the decision was received.


def test_the_ceremony_is_due_30_working_days_after_the_decision_was_received(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    deadline = deadlines.next_deadline(candidate)
    assert (deadline.rule, deadline.due, deadline.excused) == ("R12", D(2019, 7, 1), False)
    assert deadline.state(D(2019, 7, 2)) == "overdue"


def test_the_superior_committees_consent_excuses_a_late_ceremony(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    extend(candidate, Extension.Kind.CEREMONY, D(2019, 6, 28))
    deadline = deadlines.next_deadline(candidate)
    assert (deadline.rule, deadline.due, deadline.excused) == ("R12", D(2019, 7, 1), True)
    assert deadline.state(D(2019, 9, 2)) == "ok"


# R14: the confirmation vote, 30 WD after the official date.


def test_the_confirmation_vote_is_due_30_working_days_after_the_official_date(story):
    candidate = story.candidate_at(St.ADMITTED)
    deadline = deadlines.next_deadline(candidate)
    assert candidate.member.official_date == D(2020, 5, 27)
    assert (deadline.rule, deadline.due) == ("R14", D(2020, 7, 8))


# R11: the confirmation decision, 30 WD after the chapter's vote (+30 with an extension).


def test_the_confirmation_decision_is_due_30_working_days_after_the_chapter_vote(story):
    candidate = confirmation_voted(story)
    deadline = deadlines.next_deadline(candidate)
    assert (deadline.rule, deadline.due) == ("R11", D(2020, 7, 14))


def test_an_extension_adds_30_working_days_to_the_confirmation_decision(story):
    candidate = confirmation_voted(story)
    extend(candidate, Extension.Kind.CONFIRMATION_DECISION, D(2020, 7, 10))
    assert deadlines.next_deadline(candidate).due == D(2020, 8, 25)


# R3: while the dossier is built, the awareness certificate's expiry.


@pytest.mark.parametrize(
    "stage", [St.COURSE_DONE, St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED, St.INTRODUCED]
)
def test_the_awareness_certificate_expires_60_months_after_it_was_issued(story, stage):
    candidate = story.candidate_at(stage)
    deadline = deadlines.next_deadline(candidate)
    assert (deadline.rule, deadline.due) == ("R3", D(2024, 2, 6))  # issued 06/02/2019


def test_a_renewed_certificate_moves_the_expiry(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    services.candidate_record_course(
        candidate_id=candidate.pk,
        actor=None,
        certificate=Document(
            number="CN-456", date=D(2020, 3, 2), issuing_body="Trung tâm Chính trị"
        ),
    )
    assert deadlines.next_deadline(candidate).due == D(2025, 3, 2)


def test_stages_without_a_deadline(story):
    assert deadlines.next_deadline(story.candidate_at(St.POOL)) is None


def test_a_list_reads_its_deadlines_from_prefetched_rows_without_queries(
    story, django_assert_num_queries
):
    for stage in (St.CHAPTER_APPROVED, St.ADMISSION_DECIDED, St.ADMITTED, St.INTRODUCED):
        story.candidate_at(stage, full_name=f"Ứng viên {stage}")
    rows = list(
        Candidate.objects.select_related("member").prefetch_related(
            "resolutions", "decisions", "extensions", "documents"
        )
    )
    rule_book(), workdays.get_calendar()  # the per-process caches, loaded once
    with django_assert_num_queries(0):
        found = [deadlines.next_deadline(c) for c in rows]
    assert sorted(d.rule for d in found) == ["R11", "R12", "R14", "R3"]


# Deadline.state: overdue, soon (within DUE_SOON_WD working days) or ok.

DUE = D(2020, 7, 14)  # a Tuesday


def test_a_deadline_passed_is_overdue():
    assert Deadline("R11", "decision", DUE).state(DUE + datetime.timedelta(days=1)) == "overdue"


def test_a_deadline_today_is_soon():
    assert Deadline("R11", "decision", DUE).state(DUE) == "soon"


def test_a_deadline_within_ten_working_days_is_soon_and_eleven_is_ok():
    deadline = Deadline("R11", "decision", DUE)
    assert deadline.working_days_left(D(2020, 6, 30)) == 10
    assert deadline.state(D(2020, 6, 30)) == "soon"
    assert deadline.working_days_left(D(2020, 6, 29)) == 11
    assert deadline.state(D(2020, 6, 29)) == "ok"


def test_due_soon_is_a_rule_value():
    RuleValue.objects.create(key="DUE_SOON_WD", value=5, effective_from=D(2020, 1, 1), source="—")
    assert Deadline("R11", "decision", DUE).state(D(2020, 6, 30)) == "ok"
    assert Deadline("R11", "decision", DUE).state(D(2020, 7, 7)) == "soon"


def test_an_excused_deadline_is_never_overdue():
    assert Deadline("R12", "ceremony", DUE, excused=True).state(D(2021, 1, 1)) == "ok"


def test_state_defaults_to_today():
    assert Deadline("R11", "decision", TODAY - datetime.timedelta(days=1)).state() == "overdue"
    assert Deadline("R11", "decision", D(2020, 12, 31)).state() == "ok"


# Property: 60 WD after any resolution date is a working day exactly 60 WD away.


@settings(max_examples=20, deadline=None)
@given(st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 12, 31)), st.booleans())
def test_the_admission_decision_deadline_is_a_working_day_60_or_90_wd_away(day, extended):
    resolution = Resolution(date=day)
    due = deadlines.admission_decision_due(resolution, extended)
    assert workdays.is_working_day(due)
    assert workdays.working_days_between(resolution.date, due) == (90 if extended else 60)
