"""Stored due dates (admissions.due): after every kind of change — a step, a paper, an extension,
an annulment, a member's official date, a calendar override, a rule value — each case's stored
next deadline equals ``deadlines.next_deadline`` computed from its rows.

The story's dates (tests/admissions/factories.py): chapter vote Sat 27/04/2019, so the admission
decision is due Tue 23/07/2019 (60 WD); decision received 20/05/2019, ceremony due 01/07/2019.
"""

import datetime

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions import services
from admissions.deadlines import next_deadline, stored_deadline
from admissions.due import refresh_due_dates
from admissions.models import Candidate, Extension, Form
from chapter.documents import Document
from chapter.models import CalendarOverride, RuleValue
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-07-15")]
St = Candidate.Stage
D = datetime.date
DEADLINE_STAGES = [
    St.COURSE_DONE,
    St.DOSSIER_OPEN,
    St.BACKGROUND_VERIFIED,
    St.INTRODUCED,
    St.CHAPTER_APPROVED,
    St.ADMISSION_DECIDED,
    St.ADMITTED,
]


@pytest.fixture
def story():
    return PipelineStory.build(officials=6)


def stored_and_computed() -> list[tuple]:
    """(name, stored, computed) for every case, read afresh from the database."""
    cases = Candidate.objects.for_board().order_by("pk")
    return [
        (c.full_name, stored_deadline(c), next_deadline(c) if c.is_open else None) for c in cases
    ]


def assert_all_stored() -> None:
    for name, stored, computed in stored_and_computed():
        assert stored == computed, name


def stored(candidate) -> Candidate:
    return Candidate.objects.get(pk=candidate.pk)


def test_every_pipeline_service_stores_the_case_deadline_in_its_transaction():
    names = [name for name in services.__all__ if name.startswith("candidate_")]
    assert names
    assert [n for n in names if not getattr(getattr(services, n), "writes_case", False)] == []


@pytest.mark.parametrize("stage", [St.POOL, *DEADLINE_STAGES])
def test_each_step_stores_the_next_deadline(story, stage):
    candidate = story.candidate_at(stage)
    assert_all_stored()
    assert (stored(candidate).due_on is None) == (stage == St.POOL)


def test_the_stored_fields_of_an_admission_decision(story):
    candidate = stored(story.candidate_at(St.CHAPTER_APPROVED))
    fields = (candidate.due_on, candidate.due_rule, candidate.due_kind, candidate.due_excused)
    assert fields == (D(2019, 7, 23), "R11", Candidate.Due.ADMISSION_DECISION, False)


def test_the_candidate_a_service_returns_carries_the_stored_values(story):
    candidate = story.candidate_at(St.INTRODUCED)
    base = len(story.officials)
    vote = services.Vote(D(2019, 4, 27), "01-NQ/CB", present=base, votes_for=base, votes_against=0)
    returned, _resolution = services.candidate_chapter_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    assert returned.due_on == D(2019, 7, 23) == stored(candidate).due_on


def test_an_extension_moves_the_stored_date_and_a_consent_excuses_it(story):
    approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    decided = story.candidate_at(St.ADMISSION_DECIDED, full_name="Trần Thị Bình")
    for candidate, kind in (
        (approved, Extension.Kind.ADMISSION_DECISION),
        (decided, Extension.Kind.CEREMONY),
    ):
        services.candidate_add_extension(
            candidate_id=candidate.pk,
            actor=None,
            kind=kind,
            paper=Document(number="CV-1", date=D(2019, 6, 28), issuing_body="ĐUK"),
        )
    assert stored(approved).due_on == D(2019, 9, 4)
    assert (stored(decided).due_on, stored(decided).due_excused) == (D(2019, 7, 1), True)
    assert_all_stored()
    # A consent to be late leaves the case out of the overdue figures and the due-soon list.
    assert list(Candidate.objects.overdue(D(2019, 9, 5))) == [stored(approved)]


def test_an_annulled_step_restores_the_earlier_deadline(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    assert stored(candidate).due_kind == Candidate.Due.CEREMONY
    services.candidate_annul_latest(
        candidate_id=candidate.pk,
        actor=None,
        event_id=services.latest_step(candidate).pk,
        reason="Nhầm ngày",
    )
    assert (stored(candidate).due_kind, stored(candidate).due_on) == (
        Candidate.Due.ADMISSION_DECISION,
        D(2019, 7, 23),
    )
    assert_all_stored()


def test_a_closed_case_keeps_no_deadline(story):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    services.candidate_withdraw(
        candidate_id=candidate.pk, actor=None, day=D(2019, 5, 2), reason="Chuyển công tác"
    )
    row = stored(candidate)
    assert (row.stage, row.due_on, row.due_rule, row.due_kind) == (St.WITHDRAWN, None, "", "")


def test_a_changed_official_date_moves_the_confirmation_vote(story):
    candidate = story.candidate_at(St.ADMITTED)
    assert stored(candidate).due_on == D(2020, 7, 8)  # 30 WD after 27/05/2020
    member = candidate.member
    member.official_date = D(2020, 6, 3)
    member.save(update_fields=["official_date"])
    assert stored(candidate).due_on == D(2020, 7, 15)
    assert_all_stored()


def test_a_date_corrected_outside_the_services_moves_the_stored_date(story):
    """The admin corrects a decision's received-on day or a certificate's date directly."""
    decided = story.candidate_at(St.ADMISSION_DECIDED, full_name="Nguyễn Văn An")
    building = story.candidate_at(St.DOSSIER_OPEN, full_name="Trần Thị Bình")
    decision = decided.decisions.get()
    decision.received_on = D(2019, 5, 27)
    decision.save()
    assert stored(decided).due_on == D(2019, 7, 8)  # 30 WD after 27/05/2019
    certificate = building.documents.get(form=Form.AWARENESS)
    certificate.date = D(2019, 3, 1)
    certificate.save()
    assert stored(building).due_on == D(2024, 3, 1)
    certificate.delete()
    assert stored(building).due_on is None
    assert_all_stored()


# The calendar and the rule values ----------------------------------------------------------------


def test_a_day_off_added_moved_and_removed_moves_the_stored_dates(story):
    approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    story.candidate_at(St.ADMITTED, full_name="Trần Thị Bình")  # due 08/07/2020: not moved
    override = CalendarOverride.objects.create(
        day=D(2019, 7, 1), kind=CalendarOverride.Kind.DAY_OFF, name="Nghỉ bù"
    )
    assert stored(approved).due_on == D(2019, 7, 24)
    assert_all_stored()
    override.day = D(2019, 8, 1)  # after the deadline: it no longer counts
    override.save()
    assert stored(approved).due_on == D(2019, 7, 23)
    override.day = D(2019, 7, 2)
    override.save()
    assert stored(approved).due_on == D(2019, 7, 24)
    override.delete()
    assert stored(approved).due_on == D(2019, 7, 23)
    assert_all_stored()


def test_a_make_up_working_day_brings_the_deadline_forward(story):
    approved = story.candidate_at(St.CHAPTER_APPROVED)
    CalendarOverride.objects.create(
        day=D(2019, 7, 6), kind=CalendarOverride.Kind.WORKING_DAY, name="Làm bù"
    )
    assert stored(approved).due_on == D(2019, 7, 22)
    assert_all_stored()


def test_a_deadline_rule_value_saved_and_deleted_moves_the_stored_dates(story):
    approved = story.candidate_at(St.CHAPTER_APPROVED)
    value = RuleValue.objects.create(
        key="ADMISSION_DECISION_WD", value=59, effective_from=D(2019, 1, 1), source="Thử"
    )
    assert stored(approved).due_on == D(2019, 7, 22)
    assert_all_stored()
    value.effective_from = D(2019, 4, 28)  # after the vote: the vote's date reads the default
    value.save()
    assert stored(approved).due_on == D(2019, 7, 23)
    value.effective_from = D(2019, 4, 27)
    value.save()
    assert stored(approved).due_on == D(2019, 7, 22)
    value.delete()
    assert stored(approved).due_on == D(2019, 7, 23)


def test_a_rule_value_no_deadline_reads_touches_no_case(story, django_assert_num_queries):
    story.candidate_at(St.CHAPTER_APPROVED)
    with django_assert_num_queries(1):  # the insert alone
        RuleValue.objects.create(
            key="MAX_AGE_MONTHS", value=700, effective_from=D(2019, 1, 1), source="Thử"
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    days=st.lists(
        st.tuples(st.dates(D(2019, 1, 1), D(2020, 12, 31)), st.booleans()),
        max_size=4,
        unique_by=lambda pair: pair[0],
    ),
    ceremony_wd=st.one_of(st.none(), st.integers(1, 80)),
    vote_wd=st.one_of(st.none(), st.integers(1, 80)),
)
def test_after_any_calendar_and_rule_changes_the_stored_dates_are_the_computed_ones(
    stories, days, ceremony_wd, vote_wd
):
    made = []
    for day, working in days:
        kind = CalendarOverride.Kind.WORKING_DAY if working else CalendarOverride.Kind.DAY_OFF
        made.append(CalendarOverride.objects.create(day=day, kind=kind, name="Thử"))
    for key, value in (("CEREMONY_WD", ceremony_wd), ("CONFIRMATION_VOTE_WD", vote_wd)):
        if value is not None:
            made.append(
                RuleValue.objects.create(
                    key=key, value=value, effective_from=D(2019, 1, 1), source="Thử"
                )
            )
    assert_all_stored()
    for row in made:
        row.delete()
    assert_all_stored()


@pytest.fixture
def stories():
    story = PipelineStory.build(officials=6)
    for stage in DEADLINE_STAGES:
        story.candidate_at(stage, full_name=f"Ứng viên {stage}")
    return story


# The batch refresh and its command ---------------------------------------------------------------


def test_the_command_repairs_rows_written_around_the_services(story, capsys):
    approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    pool = story.candidate_at(St.POOL, full_name="Trần Thị Bình")
    Candidate.objects.filter(pk=approved.pk).update(due_on=None, due_kind="", due_rule="")
    Candidate.objects.filter(pk=pool.pk).update(due_on=D(2019, 1, 1), due_kind="CEREMONY")
    call_command("refresh_due_dates", batch_size=1)
    assert "2 due dates changed" in capsys.readouterr().out
    assert_all_stored()
    assert refresh_due_dates() == 0


@pytest.mark.freeze_time("2026-03-15")
def test_the_demo_cases_store_their_computed_deadlines():
    call_command("seed_demo", password="pw", verbosity=0)
    rows = stored_and_computed()
    assert len([1 for _name, stored_, _computed in rows if stored_]) >= 5
    assert_all_stored()
    CalendarOverride.objects.create(
        day=D(2026, 3, 20), kind=CalendarOverride.Kind.DAY_OFF, name="Thử"
    )
    assert_all_stored()


def test_a_step_in_another_process_stores_the_calendar_as_the_database_has_it(story):
    """A day off saved in another gunicorn worker reaches this one's cached calendar only within
    a minute; a step recorded here meanwhile must not store a due date from the old copy."""
    from admissions.due import refresh_case
    from chapter.workdays import add_working_days, get_calendar

    approved = story.candidate_at(St.CHAPTER_APPROVED, full_name="Nguyễn Văn An")
    assert stored(approved).due_on == D(2019, 7, 23)
    get_calendar()  # this process's copy, before the other worker's change
    # The other worker's save: no signal reaches this process.
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(day=D(2019, 7, 1), kind=CalendarOverride.Kind.DAY_OFF, name="Nghỉ bù")]
    )
    assert add_working_days(D(2019, 6, 28), 1) == D(2019, 7, 1)  # pages: the cached copy
    refresh_case(approved.pk)  # what every service runs at its end
    assert stored(approved).due_on == D(2019, 7, 24)
    assert add_working_days(D(2019, 6, 28), 1) == D(2019, 7, 1)  # the cache was left alone
