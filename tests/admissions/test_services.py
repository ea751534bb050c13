"""admissions.services: every step allowed and refused, and what each one writes.

The refused steps are derived from ``STAGE_TRANSITIONS``, so the table, the buttons and the
services cannot drift apart (STYLE.md section 2). Candidates reach each stage through the real
services (``PipelineStory``, with the few steps it does not take added here).
"""

import datetime

import holidays
import pytest
import time_machine
from django.core.exceptions import ValidationError

from admissions import services
from admissions.models import (
    STAGE_TRANSITIONS,
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    ChapterAdmissionSettings,
    Decision,
    Extension,
    Form,
    Introduction,
    MentorAssignment,
    Resolution,
)
from admissions.services import StepNotAllowed, Vote
from chapter import workdays
from chapter.documents import Document
from members import services as member_services
from members.models import Member, MemberEvent
from tests.admissions.factories import PipelineStory
from tests.members.factories import ChapterFactory, UserFactory, register_member

pytestmark = pytest.mark.django_db
St = Candidate.Stage
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
TODAY = D(2020, 7, 15)
# The default story: ceremony 27/05/2019, so probation ends on 27/05/2020 (R14, R15).
CEREMONY = D(2019, 5, 27)
PROBATION_END = D(2020, 5, 27)
CONFIRMATION_VOTE_DAY = D(2020, 6, 2)
CONFIRMED_ON = D(2020, 6, 25)
DOSSIER = (Form.SELF_REVIEW, Form.MENTOR_ASSESSMENT, Form.MEMBER_OPINIONS, Form.NEW_MEMBER_COURSE)
BODY = "Ban Thường vụ Đảng ủy Khối"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def actor():
    return UserFactory(username="bithu")


@pytest.fixture
def story(actor):
    return PipelineStory.build(officials=6, actor=actor)


def codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def add_confirmation_dossier(story, candidate, day=None):
    """R18: the self-review, the mentor's assessment, the opinions and the course certificate."""
    for form in DOSSIER:
        services.candidate_add_document(
            candidate_id=candidate.pk,
            actor=story.actor,
            form=form,
            paper=Document(number="", date=day or D(2020, 5, 20)),
        )


def vote(day, votes_for=6, *, present=6, number="05-NQ/CB") -> Vote:
    return Vote(
        date=day,
        number=number,
        present=present,
        votes_for=votes_for,
        votes_against=present - votes_for,
    )


# The grassroots committee's vote (R10): all nine members for.
COMMITTEE = {"committee_members": 9, "present": 9, "votes_for": 9, "votes_against": 0}


# The steps PipelineStory does not take, each from the stage before it.


def sympathise(story, c):
    services.candidate_mark_sympathiser(
        candidate_id=c.pk, actor=story.actor, day=story.day("pool") + 10 * ONE_DAY
    )


def grassroots(story, c):
    paper = Document(
        number="8-NQ/ĐU", date=story.day("vote") + 5 * ONE_DAY, issuing_body="Đảng ủy cơ sở"
    )
    appraisal = Document(
        number="7-BC/ĐU", date=story.day("vote") + 3 * ONE_DAY, issuing_body="Đảng ủy bộ phận"
    )
    services.candidate_grassroots_approve(
        candidate_id=c.pk, actor=story.actor, resolution=paper, appraisal=appraisal, **COMMITTEE
    )


def vote_confirmation(story, c):
    add_confirmation_dossier(story, c)
    services.candidate_confirmation_vote(
        candidate_id=c.pk, actor=story.actor, vote=vote(CONFIRMATION_VOTE_DAY)
    )


def confirm(story, c):
    services.candidate_confirm(
        candidate_id=c.pk,
        actor=story.actor,
        decision=Document(number="16-QĐ/ĐUK", date=CONFIRMED_ON, issuing_body=BODY),
    )


def not_confirm(story, c):
    services.candidate_not_confirm(
        candidate_id=c.pk,
        actor=story.actor,
        decision=Document(number="20-QĐ/ĐUK", date=D(2020, 6, 10), issuing_body=BODY),
        reason="Không đủ tư cách đảng viên",
    )


def reject(story, c):
    services.candidate_reject(
        candidate_id=c.pk,
        actor=story.actor,
        decision=Document(number="30-QĐ/ĐUK", date=c.stage_since + ONE_DAY, issuing_body=BODY),
        reason="Chưa đủ tiêu chuẩn",
    )


def withdraw(story, c, stage=St.WITHDRAWN):
    services.candidate_withdraw(
        candidate_id=c.pk,
        actor=story.actor,
        day=c.stage_since + ONE_DAY,
        reason="Xin rút đơn",
        stage=stage,
    )


def expire(story, c):
    withdraw(story, c, St.DOCUMENTS_EXPIRED)


BEYOND_STORY = {
    St.SYMPATHISER: (St.POOL, sympathise),
    St.GRASSROOTS_APPROVED: (St.CHAPTER_APPROVED, grassroots),
    St.CONFIRMATION_VOTED: (St.ADMITTED, vote_confirmation),
    St.OFFICIAL: (St.CONFIRMATION_VOTED, confirm),
    St.NOT_CONFIRMED: (St.ADMITTED, not_confirm),
    St.REJECTED: (St.CHAPTER_APPROVED, reject),
    St.WITHDRAWN: (St.POOL, withdraw),
    St.DOCUMENTS_EXPIRED: (St.COURSE_DONE, expire),
}


def reach(story, stage) -> Candidate:
    """A candidate at ``stage``, every step taken through the services."""
    if stage not in BEYOND_STORY:
        return story.candidate_at(stage)
    before, step = BEYOND_STORY[stage]
    candidate = reach(story, before)
    step(story, candidate)
    candidate.refresh_from_db()
    assert candidate.stage == stage
    return candidate


WRITTEN = (
    CandidateEvent,
    Resolution,
    Decision,
    CandidateDocument,
    Extension,
    MentorAssignment,
    Introduction,
    BackgroundCheck,
    Member,
    MemberEvent,
)


def snapshot(candidate) -> tuple:
    """What a refused step must leave alone: the stage, its date, and every row it could write."""
    candidate.refresh_from_db()
    counts = tuple(model.objects.count() for model in WRITTEN)
    return candidate.stage, candidate.stage_since, candidate.member_id, counts


# Refused steps, from the table ---------------------------------------------------------------

# Each stage-moving service with its target stage, called with plausible papers dated today.
# candidate_record_course is not here: later in the pipeline it renews the certificate (below).
STEPS = {
    "mark_sympathiser": (
        St.SYMPATHISER,
        lambda s, c: services.candidate_mark_sympathiser(
            candidate_id=c.pk, actor=s.actor, day=TODAY
        ),
    ),
    "open_dossier": (
        St.DOSSIER_OPEN,
        lambda s, c: services.candidate_open_dossier(
            candidate_id=c.pk, actor=s.actor, application_date=TODAY, background_date=TODAY
        ),
    ),
    "certify_background": (
        St.BACKGROUND_VERIFIED,
        lambda s, c: services.candidate_certify_background(
            candidate_id=c.pk, actor=s.actor, certified_on=TODAY
        ),
    ),
    "complete_introductions": (
        St.INTRODUCED,
        lambda s, c: services.candidate_complete_introductions(
            candidate_id=c.pk, actor=s.actor, opinions=Document(number="5-KNĐ/9", date=TODAY)
        ),
    ),
    "chapter_vote": (
        St.CHAPTER_APPROVED,
        lambda s, c: services.candidate_chapter_vote(
            candidate_id=c.pk, actor=s.actor, vote=vote(TODAY)
        ),
    ),
    "grassroots_approve": (
        St.GRASSROOTS_APPROVED,
        lambda s, c: services.candidate_grassroots_approve(
            candidate_id=c.pk,
            actor=s.actor,
            resolution=Document(number="8-NQ/ĐU", date=TODAY, issuing_body="Đảng ủy"),
            **COMMITTEE,
        ),
    ),
    "record_admission_decision": (
        St.ADMISSION_DECIDED,
        lambda s, c: services.candidate_record_admission_decision(
            candidate_id=c.pk,
            actor=s.actor,
            decision=Document(number="9", date=TODAY, issuing_body=BODY),
            received_on=TODAY,
        ),
    ),
    "hold_ceremony": (
        St.ADMITTED,
        lambda s, c: services.candidate_hold_ceremony(
            candidate_id=c.pk, actor=s.actor, day=TODAY, mentor=s.officials[3]
        ),
    ),
    "confirmation_vote": (
        St.CONFIRMATION_VOTED,
        lambda s, c: services.candidate_confirmation_vote(
            candidate_id=c.pk, actor=s.actor, vote=vote(TODAY)
        ),
    ),
    "confirm": (
        St.OFFICIAL,
        lambda s, c: services.candidate_confirm(
            candidate_id=c.pk,
            actor=s.actor,
            decision=Document(number="16", date=TODAY, issuing_body=BODY),
        ),
    ),
    "not_confirm": (
        St.NOT_CONFIRMED,
        lambda s, c: services.candidate_not_confirm(
            candidate_id=c.pk,
            actor=s.actor,
            decision=Document(number="20", date=TODAY, issuing_body=BODY),
            reason="Lý do",
        ),
    ),
    "reject": (
        St.REJECTED,
        lambda s, c: services.candidate_reject(
            candidate_id=c.pk,
            actor=s.actor,
            decision=Document(number="30", date=TODAY, issuing_body=BODY),
            reason="Lý do",
        ),
    ),
    "withdraw": (
        St.WITHDRAWN,
        lambda s, c: services.candidate_withdraw(
            candidate_id=c.pk, actor=s.actor, day=TODAY, reason="Lý do"
        ),
    ),
    "withdraw_as_expired": (
        St.DOCUMENTS_EXPIRED,
        lambda s, c: services.candidate_withdraw(
            candidate_id=c.pk, actor=s.actor, day=TODAY, reason="Lý do", stage=St.DOCUMENTS_EXPIRED
        ),
    ),
    "withdraw_as_rejected": (
        St.REJECTED,
        lambda s, c: services.candidate_withdraw(
            candidate_id=c.pk, actor=s.actor, day=TODAY, reason="Lý do", stage=St.REJECTED
        ),
    ),
}
ALL_STAGES = list(St)


def refused_steps(stage) -> list[str]:
    return [name for name, (target, _) in STEPS.items() if target not in STAGE_TRANSITIONS[stage]]


def test_every_stage_is_in_the_table_and_every_target_has_a_step():
    assert set(STAGE_TRANSITIONS) == {None, *ALL_STAGES}
    targets = {target for allowed in STAGE_TRANSITIONS.values() for target in allowed}
    assert targets - {St.POOL, St.COURSE_DONE} <= {target for target, _ in STEPS.values()}


@pytest.mark.parametrize("stage", ALL_STAGES)
def test_steps_the_table_refuses_raise_and_write_nothing(story, stage):
    candidate = reach(story, stage)
    before = snapshot(candidate)
    refused = refused_steps(stage)
    assert refused  # every stage refuses something
    for name in refused:
        with pytest.raises(StepNotAllowed) as raised:
            STEPS[name][1](story, candidate)
        assert codes(raised.value) == {"step_not_allowed"}, name
        assert snapshot(candidate) == before, name


@pytest.mark.parametrize(
    "stage", [St.ADMISSION_DECIDED, St.ADMITTED, St.CONFIRMATION_VOTED, St.OFFICIAL, St.REJECTED]
)
def test_the_awareness_course_is_refused_once_the_decision_is_taken_or_the_case_closed(
    story, stage
):
    candidate = reach(story, stage)
    before = snapshot(candidate)
    with pytest.raises(StepNotAllowed):
        services.candidate_record_course(
            candidate_id=candidate.pk,
            actor=story.actor,
            certificate=Document(number="CN-9", date=TODAY, issuing_body="TT"),
        )
    assert snapshot(candidate) == before


@pytest.mark.parametrize("stage", [St.DOSSIER_OPEN, St.INTRODUCED, St.CHAPTER_APPROVED])
def test_a_new_awareness_certificate_later_renews_without_moving_the_stage(story, stage):
    candidate = reach(story, stage)
    since = candidate.stage_since
    services.candidate_record_course(
        candidate_id=candidate.pk,
        actor=story.actor,
        certificate=Document(number="CN-9", date=TODAY, issuing_body="TT"),
    )
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.stage_since) == (stage, since)
    event = candidate.events.latest("id")
    assert (event.from_stage, event.to_stage, event.data["renewal"]) == (stage, stage, True)
    assert candidate.documents.filter(form=Form.AWARENESS).count() == 2


@pytest.mark.parametrize(
    ("stage", "call"),
    [
        (St.POOL, "save_check"),
        (St.BACKGROUND_VERIFIED, "save_check"),
        (St.DOSSIER_OPEN, "add_introduction"),
        (St.INTRODUCED, "add_introduction"),
        (St.POOL, "reassign_mentor"),
        (St.OFFICIAL, "reassign_mentor"),
        (St.INTRODUCED, "extension"),
    ],
)
def test_steps_within_a_stage_are_refused_at_other_stages(story, stage, call):
    candidate = reach(story, stage)
    before = snapshot(candidate)
    calls = {
        "save_check": lambda: services.candidate_save_check(
            candidate_id=candidate.pk, actor=None, relation="SPOUSE", person_name="Nguyễn Văn A"
        ),
        "add_introduction": lambda: services.candidate_add_introduction(
            candidate_id=candidate.pk,
            actor=None,
            kind=Introduction.Kind.MEMBER,
            day=TODAY,
            introducer=story.officials[4],
            together_since=D(2015, 1, 1),
        ),
        "reassign_mentor": lambda: services.candidate_reassign_mentor(
            candidate_id=candidate.pk,
            actor=None,
            mentor=story.officials[4],
            day=TODAY,
            resolution="9-NQ/CB",
        ),
        "extension": lambda: services.candidate_add_extension(
            candidate_id=candidate.pk,
            actor=None,
            kind=Extension.Kind.CEREMONY,
            paper=Document(number="1-CV", date=TODAY),
        ),
    }
    with pytest.raises(StepNotAllowed):
        calls[call]()
    assert snapshot(candidate) == before


# Allowed steps, from the table ---------------------------------------------------------------


def run_step(story, candidate, target):
    """Take the allowed step to ``target`` with valid papers; return its (date, form)."""
    later = candidate.stage_since + ONE_DAY
    runs = {
        St.SYMPATHISER: lambda: (
            sympathise(story, candidate),
            story.day("pool") + 10 * ONE_DAY,
            "",
        ),
        St.COURSE_DONE: lambda: (story._course(candidate), story.day("course"), Form.AWARENESS),
        St.DOSSIER_OPEN: lambda: (
            story._dossier(candidate),
            story.day("background"),
            Form.BACKGROUND,
        ),
        St.BACKGROUND_VERIFIED: lambda: (
            story._verify(candidate),
            story.day("certified"),
            Form.BACKGROUND,
        ),
        St.INTRODUCED: lambda: (story._introduce(candidate), story.day("opinions"), Form.OPINIONS),
        St.CHAPTER_APPROVED: lambda: (
            story._vote(candidate),
            story.day("vote"),
            Form.CHAPTER_RESOLUTION,
        ),
        St.GRASSROOTS_APPROVED: lambda: (
            grassroots(story, candidate),
            story.day("vote") + 5 * ONE_DAY,
            Form.GRASSROOTS_RESOLUTION,
        ),
        St.ADMISSION_DECIDED: lambda: (
            story._decide(candidate),
            story.day("decision"),
            Form.ADMISSION_DECISION,
        ),
        St.ADMITTED: lambda: (story._ceremony(candidate), story.day("ceremony"), ""),
        St.CONFIRMATION_VOTED: lambda: (
            vote_confirmation(story, candidate),
            CONFIRMATION_VOTE_DAY,
            Form.CONFIRMATION_RESOLUTION,
        ),
        St.OFFICIAL: lambda: (confirm(story, candidate), CONFIRMED_ON, Form.CONFIRMATION_DECISION),
        St.NOT_CONFIRMED: lambda: (not_confirm(story, candidate), D(2020, 6, 10), ""),
        St.REJECTED: lambda: (reject(story, candidate), later, ""),
        St.WITHDRAWN: lambda: (withdraw(story, candidate), later, ""),
        St.DOCUMENTS_EXPIRED: lambda: (expire(story, candidate), later, ""),
    }
    _, day, form = runs[target]()
    return day, form


ALLOWED = [
    (stage, target)
    for stage in ALL_STAGES
    for target in sorted(STAGE_TRANSITIONS[stage])
    if target != St.POOL
]


@pytest.mark.parametrize(("stage", "target"), ALLOWED)
def test_each_allowed_step_writes_one_event_with_its_date_form_and_actor(story, stage, target):
    candidate = reach(story, stage)
    events = CandidateEvent.objects.count()
    day, form = run_step(story, candidate, target)
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.stage_since) == (target, day)
    assert CandidateEvent.objects.count() == events + 1
    event = candidate.events.latest("id")
    assert (event.from_stage, event.to_stage, event.date, event.form) == (stage, target, day, form)
    assert event.actor == story.actor


def test_creating_a_candidate_writes_the_first_event(story, actor):
    candidate = story.candidate_at(St.POOL)
    event = candidate.events.get()
    assert (event.from_stage, event.to_stage, event.date) == ("", St.POOL, story.day("pool"))
    assert event.actor == actor
    assert candidate.helper == story.officials[0]


# F: the chapter vote ---------------------------------------------------------------------------


def test_a_failed_chapter_vote_is_recorded_without_moving_the_stage(story):
    candidate = story.candidate_at(St.INTRODUCED)
    events = candidate.events.count()
    _, resolution = services.candidate_chapter_vote(
        candidate_id=candidate.pk, actor=story.actor, vote=vote(story.day("vote"), votes_for=3)
    )
    assert (resolution.passed, resolution.base, resolution.votes_for) == (False, 6, 3)
    candidate.refresh_from_db()
    assert candidate.stage == St.INTRODUCED
    assert candidate.events.count() == events + 1
    event = candidate.events.latest("id")
    assert (event.from_stage, event.to_stage) == (St.INTRODUCED, St.INTRODUCED)
    assert event.form == Form.CHAPTER_RESOLUTION
    assert event.data["failures"] == 1
    assert event.data["escalate"] is False
    assert event.actor == story.actor
    assert not candidate.documents.filter(form=Form.CHAPTER_RESOLUTION).exists()


def test_four_of_six_is_two_thirds_and_passes(story):
    candidate = story.candidate_at(St.INTRODUCED)
    candidate, resolution = services.candidate_chapter_vote(
        candidate_id=candidate.pk, actor=story.actor, vote=vote(story.day("vote"), votes_for=4)
    )
    assert resolution.passed
    assert candidate.stage == St.CHAPTER_APPROVED


def test_the_third_failed_vote_escalates_to_the_superior_committee(story):
    candidate = story.candidate_at(St.INTRODUCED)
    escalations = []
    for week in range(3):
        day = story.day("vote") + week * 7 * ONE_DAY
        services.candidate_chapter_vote(
            candidate_id=candidate.pk, actor=story.actor, vote=vote(day, votes_for=2)
        )
        event = candidate.events.latest("id")
        escalations.append((event.data["failures"], event.data["escalate"]))
    assert escalations == [(1, False), (2, False), (3, True)]
    assert candidate.resolutions.filter(passed=False).count() == 3


def test_a_chapter_vote_breaking_a_rule_is_refused_with_its_r_number(story):
    candidate = story.candidate_at(St.INTRODUCED)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        services.candidate_chapter_vote(
            candidate_id=candidate.pk,
            actor=story.actor,
            vote=vote(story.day("vote"), present=7, votes_for=7),
        )
    assert any(message.startswith("R8:") for message in raised.value.messages)
    assert snapshot(candidate) == before


def test_a_chapter_below_three_official_members_cannot_vote(actor):
    story = PipelineStory.build(officials=4, actor=actor)
    candidate = story.candidate_at(St.INTRODUCED)
    for member in story.officials[1:3]:
        member_services.member_transfer_out(
            member_id=member.pk,
            actor=None,
            effective_date=story.day("opinions"),
            to_organisation="Chi bộ khác",
            letter=member_services.Document("TRANSFER_LETTER", "1-GGT", story.day("opinions")),
        )
    with pytest.raises(ValidationError) as raised:
        services.candidate_chapter_vote(
            candidate_id=candidate.pk,
            actor=story.actor,
            vote=vote(story.day("vote"), present=2, votes_for=2),
        )
    assert any(message.startswith("R9:") for message in raised.value.messages)


# G, H: the grassroots step and the decision -----------------------------------------------------


def test_the_grassroots_step_is_required_when_the_chapter_has_one(story):
    ChapterAdmissionSettings.objects.create(chapter=story.chapter, grassroots_step=True)
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    before = snapshot(candidate)
    with pytest.raises(StepNotAllowed):
        story._decide(candidate)
    assert snapshot(candidate) == before
    grassroots(story, candidate)
    candidate = story._decide(candidate)
    assert candidate.stage == St.ADMISSION_DECIDED
    stages = list(candidate.events.values_list("to_stage", flat=True))
    assert stages[-3:] == [St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED, St.ADMISSION_DECIDED]
    assert candidate.documents.filter(form=Form.APPRAISAL).count() == 1


def test_without_the_setting_the_decision_follows_the_chapter_vote(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    decision = candidate.decisions.get()
    assert (decision.kind, decision.received_on) == (Decision.Kind.ADMISSION, story.day("received"))


def test_an_admission_decision_received_before_it_was_issued_is_refused(story):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        services.candidate_record_admission_decision(
            candidate_id=candidate.pk,
            actor=story.actor,
            decision=Document(number="9-QĐ", date=story.day("decision"), issuing_body=BODY),
            received_on=story.day("decision") - ONE_DAY,
        )
    assert codes(raised.value) == {"received_before_issued"}
    assert snapshot(candidate) == before


# I: the ceremony -------------------------------------------------------------------------------


def hold(story, candidate, day, mentor):
    return services.candidate_hold_ceremony(
        candidate_id=candidate.pk,
        actor=story.actor,
        day=day,
        mentor=mentor,
        mentor_resolution="02-NQ/CB",
    )


def test_the_ceremony_creates_the_probationary_member_and_one_mentor(story):
    candidate = story.candidate_at(St.ADMITTED)
    member = candidate.member
    assert member.status == Member.Status.PROBATIONARY
    assert member.chapter == story.chapter and member.cell == story.cell
    assert member.full_name == candidate.full_name
    assert member.ceremony_date == CEREMONY
    assert member.official_date == PROBATION_END
    assert member.admission_decision_date == story.day("decision")
    event = member.events.get()
    assert (event.kind, event.effective_date, event.status) == (
        MemberEvent.Kind.ADMITTED,
        CEREMONY,
        Member.Status.PROBATIONARY,
    )
    mentor = candidate.mentors.get()
    assert (mentor.mentor, mentor.start_date, mentor.end_date) == (
        story.officials[3],
        CEREMONY,
        None,
    )
    step = candidate.events.latest("id")
    assert (step.data["mentor"], step.data["official_date"]) == (
        story.officials[3].pk,
        "2020-05-27",
    )


def test_the_ceremony_before_the_decision_was_received_is_refused(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        hold(story, candidate, story.day("received") - ONE_DAY, story.officials[3])
    assert any(message.startswith("R13:") for message in raised.value.messages)
    assert snapshot(candidate) == before


def test_the_ceremony_on_the_day_the_decision_was_received_is_allowed(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    candidate = hold(story, candidate, story.day("received"), story.officials[3])
    assert candidate.stage == St.ADMITTED


def test_a_probationary_mentor_is_refused(story):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    probationary = register_member(
        cell=story.cell, status=Member.Status.PROBATIONARY, effective_date=D(2019, 3, 1)
    )
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        hold(story, candidate, story.day("ceremony"), probationary)
    assert any(message.startswith("R13:") for message in raised.value.messages)
    assert snapshot(candidate) == before


@pytest.mark.parametrize("who", ["none", "other_chapter", "transferred_out"])
def test_the_mentor_must_be_an_official_member_of_the_chapter_on_the_ceremony_date(story, who):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    if who == "none":
        mentor = None
    elif who == "other_chapter":
        mentor = register_member(ChapterFactory())
    else:
        mentor = story.officials[5]
        member_services.member_transfer_out(
            member_id=mentor.pk,
            actor=None,
            effective_date=story.day("received"),
            to_organisation="Chi bộ khác",
            letter=member_services.Document("TRANSFER_LETTER", "2-GGT", story.day("received")),
        )
    with pytest.raises(ValidationError) as raised:
        hold(story, candidate, story.day("ceremony"), mentor)
    assert any(message.startswith("R13:") for message in raised.value.messages)


def test_reassigning_the_mentor_ends_the_previous_assignment(story):
    candidate = story.candidate_at(St.ADMITTED)
    day = D(2019, 11, 4)
    new = services.candidate_reassign_mentor(
        candidate_id=candidate.pk,
        actor=story.actor,
        mentor=story.officials[4],
        day=day,
        resolution="07-NQ/CB",
    )
    rows = list(candidate.mentors.order_by("start_date", "id"))
    assert [(m.mentor, m.start_date, m.end_date) for m in rows] == [
        (story.officials[3], CEREMONY, day),
        (story.officials[4], day, None),
    ]
    assert rows[-1] == new
    with pytest.raises(ValidationError) as raised:
        services.candidate_reassign_mentor(
            candidate_id=candidate.pk,
            actor=story.actor,
            mentor=story.officials[4],
            day=day,
            resolution="08-NQ/CB",
        )
    assert codes(raised.value) == {"same_mentor"}


@pytest.mark.parametrize(
    ("day", "code"), [(TODAY + ONE_DAY, "future_date"), (CEREMONY - ONE_DAY, "dates_order")]
)
def test_a_mentor_is_not_reassigned_in_the_future_or_before_the_current_one(story, day, code):
    candidate = story.candidate_at(St.ADMITTED)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        services.candidate_reassign_mentor(
            candidate_id=candidate.pk,
            actor=story.actor,
            mentor=story.officials[4],
            day=day,
            resolution="07-NQ/CB",
        )
    assert codes(raised.value) == {code}
    assert snapshot(candidate) == before


# R12: 30 working days from receiving the decision, across Tết 2020 (23-29/01/2020 off).


@pytest.fixture
def decided_before_tet(actor):
    story = PipelineStory.build(officials=6, actor=actor)
    story.start = D(2019, 9, 9)  # decision Fri 17/01/2020, received Mon 20/01/2020
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    assert candidate.decisions.get().received_on == D(2020, 1, 20)
    return story, candidate


def test_the_ceremony_deadline_counts_working_days_across_tet(decided_before_tet):
    received = D(2020, 1, 20)
    due = workdays.add_working_days(received, 30)
    # 21-22/01, then Tết 23-29/01 is off: 28 more from 30/01 ends on Monday 09/03/2020,
    # a week later than the 30 weekdays (02/03) a calendar without Tết would give.
    assert due == D(2020, 3, 9)
    assert workdays.working_days_between(received, due) == 30
    tet = [D(2020, 1, day) for day in range(23, 30)]
    public = holidays.country_holidays("VN", years=2020)
    assert all(day in public for day in tet)  # the package's Tết 2020: Thu 23 to Wed 29/01
    assert not any(workdays.is_working_day(day) for day in tet)


def test_a_ceremony_on_the_due_date_is_on_time_and_the_next_working_day_is_flagged(
    decided_before_tet,
):
    story, candidate = decided_before_tet
    due = workdays.add_working_days(D(2020, 1, 20), 30)
    mentor = story.officials[3]
    assert services.ceremony_violations(candidate, due, mentor) == []
    late = workdays.add_working_days(due, 1)
    violations = services.ceremony_violations(candidate, late, mentor)
    assert [(v.rule, v.blocking) for v in violations] == [("R12", False)]
    services.candidate_add_extension(
        candidate_id=candidate.pk,
        actor=story.actor,
        kind=Extension.Kind.CEREMONY,
        paper=Document(number="15-CV/ĐUK", date=D(2020, 3, 5), issuing_body="Đảng ủy Khối"),
    )
    assert services.ceremony_violations(candidate, late, mentor) == []


def test_a_late_ceremony_is_flagged_not_refused(decided_before_tet):
    story, candidate = decided_before_tet
    late = workdays.add_working_days(D(2020, 1, 20), 31)
    candidate = hold(story, candidate, late, story.officials[3])
    assert candidate.stage == St.ADMITTED
    assert candidate.member.ceremony_date == late


# Atomicity: a failure inside the ceremony leaves nothing behind.


def test_a_failing_member_admission_writes_nothing_of_the_ceremony(story, monkeypatch):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)
    real_admit = member_services.member_admit

    def admit_then_fail(**kwargs):
        real_admit(**kwargs)  # the member row and its event are written, then
        raise RuntimeError("the register is unavailable")

    monkeypatch.setattr(member_services, "member_admit", admit_then_fail)
    members, member_events = Member.objects.count(), MemberEvent.objects.count()
    with pytest.raises(RuntimeError):
        hold(story, candidate, story.day("ceremony"), story.officials[3])
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.member) == (St.ADMISSION_DECIDED, None)
    assert Member.objects.count() == members
    assert MemberEvent.objects.count() == member_events
    assert not MentorAssignment.objects.exists()
    assert not candidate.events.filter(to_stage=St.ADMITTED).exists()


# K: confirmation (R14, R15, R18, R19) -------------------------------------------------------------


def test_a_confirmation_vote_before_the_end_of_probation_is_refused(story):
    candidate = story.candidate_at(St.ADMITTED)
    add_confirmation_dossier(story, candidate)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        services.candidate_confirmation_vote(
            candidate_id=candidate.pk, actor=story.actor, vote=vote(PROBATION_END - ONE_DAY)
        )
    assert [m.split(":")[0] for m in raised.value.messages] == ["R14"]
    assert snapshot(candidate) == before


def test_a_confirmation_vote_on_the_day_probation_ends_is_accepted(story):
    candidate = story.candidate_at(St.ADMITTED)
    add_confirmation_dossier(story, candidate)
    candidate, resolution = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=story.actor, vote=vote(PROBATION_END)
    )
    assert resolution.passed and resolution.kind == Resolution.Kind.CONFIRMATION_CHAPTER
    assert candidate.stage == St.CONFIRMATION_VOTED
    event = candidate.events.latest("id")
    assert (event.from_stage, event.to_stage, event.date) == (
        St.ADMITTED,
        St.CONFIRMATION_VOTED,
        PROBATION_END,
    )


def test_a_confirmation_vote_without_the_dossier_is_refused(story):
    candidate = story.candidate_at(St.ADMITTED)
    with pytest.raises(ValidationError) as raised:
        services.candidate_confirmation_vote(
            candidate_id=candidate.pk, actor=story.actor, vote=vote(PROBATION_END)
        )
    assert [m.split(":")[0] for m in raised.value.messages] == ["R18"] * 4


def test_the_member_is_never_in_the_base_of_their_own_confirmation_vote(story):
    candidate = story.candidate_at(St.ADMITTED)
    add_confirmation_dossier(story, candidate)
    _, resolution = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=story.actor, vote=vote(PROBATION_END)
    )
    assert resolution.base == 6  # the six officials; the probationary member never counts


@time_machine.travel(D(2021, 3, 1), tick=False)
def test_the_official_date_stays_ceremony_plus_12_months_when_the_chapter_is_late(story):
    candidate = story.candidate_at(St.ADMITTED)
    add_confirmation_dossier(story, candidate)
    services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=story.actor, vote=vote(D(2020, 11, 10))
    )
    services.candidate_confirm(
        candidate_id=candidate.pk,
        actor=story.actor,
        decision=Document(number="16", date=D(2021, 2, 1), issuing_body=BODY),
    )
    member = Member.objects.get(pk=candidate.member_id)
    assert member.status == Member.Status.OFFICIAL
    assert member.official_date == PROBATION_END
    assert member.confirmation_decision_date == D(2021, 2, 1)
    confirmed = member.events.get(kind=MemberEvent.Kind.CONFIRMED)
    assert confirmed.effective_date == PROBATION_END
    assert confirmed.document_date == D(2021, 2, 1)
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.stage_since) == (St.OFFICIAL, D(2021, 2, 1))
    assert not candidate.mentors.filter(end_date__isnull=True).exists()


def test_not_confirming_removes_the_member_from_the_probationary_list(story):
    candidate = story.candidate_at(St.ADMITTED)
    not_confirm(story, candidate)
    candidate.refresh_from_db()
    assert candidate.stage == St.NOT_CONFIRMED
    member = candidate.member
    member.refresh_from_db()
    assert member.status == Member.Status.REMOVED_FROM_PROBATIONARY_LIST
    event = member.events.latest("id")
    assert (event.kind, event.effective_date, event.status) == (
        MemberEvent.Kind.REMOVED_FROM_PROBATIONARY_LIST,
        D(2020, 6, 10),
        Member.Status.REMOVED_FROM_PROBATIONARY_LIST,
    )
    assert not Member.objects.probationary().filter(pk=member.pk).exists()
    assert candidate.decisions.get(kind=Decision.Kind.REMOVAL).reason
    assert candidate.mentors.get().end_date == D(2020, 6, 10)


# Exits need a reason -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawing_needs_a_reason(story, reason):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        services.candidate_withdraw(
            candidate_id=candidate.pk, actor=story.actor, day=TODAY, reason=reason
        )
    assert "reason" in raised.value.error_dict
    assert snapshot(candidate) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_needs_a_reason(story, reason):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as raised:
        services.candidate_reject(
            candidate_id=candidate.pk,
            actor=story.actor,
            decision=Document(number="30", date=TODAY, issuing_body=BODY),
            reason=reason,
        )
    assert "reason" in raised.value.error_dict
    assert snapshot(candidate) == before


def test_not_confirming_needs_a_reason(story):
    candidate = story.candidate_at(St.ADMITTED)
    with pytest.raises(ValidationError) as raised:
        services.candidate_not_confirm(
            candidate_id=candidate.pk,
            actor=story.actor,
            decision=Document(number="20", date=TODAY, issuing_body=BODY),
            reason="",
        )
    assert "reason" in raised.value.error_dict


# D: background checks (R5) -------------------------------------------------------------------


def test_only_an_exemption_the_guidance_allows_is_recorded(story):
    # The whole relations table: tests/admissions/test_rules_r5_verification.py.
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    with pytest.raises(ValidationError) as raised:
        services.candidate_save_check(
            candidate_id=candidate.pk,
            actor=story.actor,
            relation=BackgroundCheck.Relation.SPOUSE,
            person_name="Nguyễn Văn An",
            fully_declared=True,
            exempted=True,
            exemption_reason="Đảng viên",
        )
    assert "exempted" in raised.value.error_dict
    services.candidate_save_check(
        candidate_id=candidate.pk,
        actor=story.actor,
        relation=BackgroundCheck.Relation.FATHER,
        person_name="Lê Văn Hùng",
        is_party_member=True,
        fully_declared=True,
        exempted=True,
        exemption_reason="Đảng viên, đã khai đầy đủ",
    )


def test_certification_waits_for_every_reply(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    services.candidate_save_check(
        candidate_id=candidate.pk,
        actor=story.actor,
        relation=BackgroundCheck.Relation.SELF,
        person_name=candidate.full_name,
        requested_on=story.day("background"),
    )
    with pytest.raises(ValidationError) as raised:
        services.candidate_certify_background(
            candidate_id=candidate.pk, actor=story.actor, certified_on=story.day("certified")
        )
    assert [m.split(":")[0] for m in raised.value.messages] == ["R5"]


# R20: re-admission ---------------------------------------------------------------------------

OLD_CHAPTER_FOUNDED = D(2010, 1, 1)
LEFT = D(2015, 6, 1)


@pytest.fixture
def old_story(actor):
    """A chapter with a long history and a member who left in 2015."""
    chapter = ChapterFactory(founded_on=OLD_CHAPTER_FOUNDED)
    story = PipelineStory.build(officials=6, actor=actor, chapter=chapter)
    former = register_member(cell=story.cell, effective_date=D(2012, 1, 1))
    member_services.member_leave(
        member_id=former.pk,
        actor=None,
        effective_date=LEFT,
        decision=member_services.Document("DECISION", "3-QĐ", LEFT, BODY),
        reason="Hoàn cảnh gia đình",
    )
    story.former = former
    return story


def readmission(former, **overrides) -> dict:
    return {
        "former_member": former,
        "former_exit_date": LEFT,
        "former_exit_reason": Candidate.ExitReason.OTHER,
        "readmission_consent": "99-CV/TU",
        **overrides,
    }


def create(story, day, **details) -> Candidate:
    base = {"full_name": "Phạm Văn Long", "gender": "M", "date_of_birth": D(1980, 3, 15)}
    return services.candidate_create(
        chapter=story.chapter, actor=story.actor, day=day, details={**base, **details}
    )


@pytest.mark.parametrize(
    "reason",
    [
        Candidate.ExitReason.ABANDONED,
        Candidate.ExitReason.ASKED_TO_LEAVE,
        Candidate.ExitReason.DISUNITY,
        Candidate.ExitReason.CORRUPTION_OR_CRIME,
    ],
)
def test_a_readmission_candidate_who_left_for_a_barred_reason_is_refused(old_story, reason):
    candidates = Candidate.objects.count()
    with pytest.raises(ValidationError) as raised:
        create(old_story, TODAY, **readmission(old_story.former, former_exit_reason=reason))
    assert [v.rule for v in raised.value.violations] == ["R20"]
    assert Candidate.objects.count() == candidates


def test_a_readmission_candidate_within_36_months_of_leaving_is_refused(old_story):
    with pytest.raises(ValidationError) as raised:
        create(old_story, D(2018, 5, 31), **readmission(old_story.former))
    assert [v.rule for v in raised.value.violations] == ["R20"]
    assert create(old_story, D(2018, 6, 1), **readmission(old_story.former)).stage == St.POOL


def test_readmission_is_possible_again_after_a_case_dropped_before_the_ceremony(old_story):
    first = create(old_story, D(2019, 1, 7), **readmission(old_story.former))
    with pytest.raises(ValidationError) as raised:
        create(old_story, D(2019, 2, 7), **readmission(old_story.former))
    assert codes(raised.value) == {"duplicate"}
    withdraw(old_story, first)
    again = create(old_story, D(2019, 3, 7), **readmission(old_story.former))
    assert again.stage == St.POOL


@time_machine.travel(D(2024, 1, 15), tick=False)
def test_readmission_happens_once_only(old_story):
    first = old_story.candidate_at(St.ADMITTED, **readmission(old_story.former))
    second_record = first.member
    assert first.former_member == old_story.former
    not_confirm(old_story, first)  # the re-admitted member is removed from the probationary list
    # Neither the original record nor the re-admitted one opens a second re-admission.
    for former, left in [(old_story.former, LEFT), (second_record, D(2020, 6, 10))]:
        with pytest.raises(ValidationError) as raised:
            create(old_story, D(2024, 1, 2), **readmission(former, former_exit_date=left))
        assert [v.rule for v in raised.value.violations] == ["R20"], former
