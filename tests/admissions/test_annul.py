"""Annulling a case's latest step: the case (and its member) become what they would be without it.

For every step, a case taken one step too far and then annulled is compared with a twin case
that stopped before the step: same stage and date, same papers, votes, decisions and mentors,
same deadline, same member record. Then the refusals, each writing nothing, and the pages.
"""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from admissions import deadlines, services
from admissions.models import (
    BOARD_STAGES,
    Candidate,
    CandidateEvent,
    Extension,
    MentorAssignment,
)
from admissions.services import STEP_FORMS
from chapter.documents import Document
from members import services as member_services
from members.models import Member, MemberEvent
from tests.admissions.factories import PipelineStory
from tests.admissions.test_services import (
    CONFIRMED_ON,
    WRITTEN,
    reach,
    vote,
)
from tests.members.factories import CellFactory, UserFactory, give_role

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-07-15")]
St = Candidate.Stage
D = datetime.date
TODAY = D(2020, 7, 15)
PAPER_FORMS = {form for forms in STEP_FORMS.values() for form in forms}

# Each stage a step moves a case into, and the stage the case was at before that step.
BEFORE = {
    St.SYMPATHISER: St.POOL,
    St.COURSE_DONE: St.POOL,
    St.DOSSIER_OPEN: St.COURSE_DONE,
    St.BACKGROUND_VERIFIED: St.DOSSIER_OPEN,
    St.INTRODUCED: St.BACKGROUND_VERIFIED,
    St.CHAPTER_APPROVED: St.INTRODUCED,
    St.GRASSROOTS_APPROVED: St.CHAPTER_APPROVED,
    St.ADMISSION_DECIDED: St.CHAPTER_APPROVED,
    St.ADMITTED: St.ADMISSION_DECIDED,
    St.CONFIRMATION_VOTED: St.ADMITTED,
    St.OFFICIAL: St.CONFIRMATION_VOTED,
    St.NOT_CONFIRMED: St.ADMITTED,
    St.REJECTED: St.CHAPTER_APPROVED,
    St.WITHDRAWN: St.POOL,
    St.DOCUMENTS_EXPIRED: St.COURSE_DONE,
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor():
    return UserFactory(username="bithu")


@pytest.fixture
def story(actor):
    return PipelineStory.build(officials=6, actor=actor)


def case_state(candidate: Candidate) -> dict:
    """What the case shows and counts, keyed so that two cases can be compared."""
    candidate = Candidate.objects.for_board().get(pk=candidate.pk)
    member = candidate.member
    deadline = deadlines.next_deadline(candidate)
    return {
        "stage": (candidate.stage, candidate.stage_since),
        "papers": sorted(
            (d.form, d.date, d.number) for d in candidate.documents.all() if d.form in PAPER_FORMS
        ),
        "votes": sorted((r.kind, r.date, r.passed) for r in candidate.resolutions.all()),
        "decisions": sorted((d.kind, d.date, d.number) for d in candidate.decisions.all()),
        "mentors": sorted((m.mentor_id, m.start_date, m.end_date) for m in candidate.mentors.all()),
        "deadline": (deadline.rule, deadline.due) if deadline else None,
        "steps": [
            (e.from_stage, e.to_stage, e.date) for e in candidate.events.standing().order_by("id")
        ],
        "member": None
        if member is None
        else (
            member.status,
            member.ceremony_date,
            member.official_date,
            member.confirmation_decision_date,
            member.confirmation_decision_number,
            member.is_exempted,
            member.is_temporarily_out,
            member.cell_id,
            [(e.kind, e.effective_date) for e in member.events.standing()],
        ),
    }


def annul_latest(candidate, actor, reason="Ghi nhầm bước") -> Candidate:
    step = services.latest_step(candidate)
    return services.candidate_annul_latest(
        candidate_id=candidate.pk, actor=actor, event_id=step.pk, reason=reason
    )


@pytest.mark.parametrize("stage", list(BEFORE), ids=str)
def test_annulling_a_step_gives_back_the_case_before_it(story, actor, stage):
    twin = reach(story, BEFORE[stage])
    candidate = reach(story, stage)
    mistaken = services.latest_step(candidate)
    member_id = candidate.member_id

    annul_latest(candidate, actor)

    assert case_state(candidate) == case_state(twin)
    annulment = candidate.events.latest("id")
    assert (annulment.annuls, annulment.from_stage, annulment.to_stage, annulment.note) == (
        mistaken,
        stage,
        BEFORE[stage],
        "Ghi nhầm bước",
    )
    assert annulment.actor == actor and annulment.date == TODAY
    if stage == St.ADMITTED:  # the ceremony's member record is annulled, off the roll
        record = Member.objects.get(pk=member_id)
        assert record.status == Member.Status.ANNULLED
        assert [e.kind for e in record.events.order_by("id")] == ["ADMITTED", "ANNULLED"]
        assert not Member.objects.filter(pk=member_id).on_roll_as_of(TODAY).exists()


def test_a_failed_vote_is_annulled_with_its_resolution(story, actor):
    candidate = reach(story, St.INTRODUCED)
    twin = reach(story, St.INTRODUCED)
    services.candidate_chapter_vote(
        candidate_id=candidate.pk, actor=actor, vote=vote(story.day("vote"), votes_for=3)
    )
    assert candidate.resolutions.filter(passed=False).count() == 1
    annul_latest(candidate, actor)
    assert case_state(candidate) == case_state(twin)


def test_a_renewed_certificate_is_annulled_with_its_paper(story, actor):
    candidate = reach(story, St.DOSSIER_OPEN)
    twin = reach(story, St.DOSSIER_OPEN)
    services.candidate_record_course(
        candidate_id=candidate.pk,
        actor=actor,
        certificate=Document(number="CN-9", date=TODAY, issuing_body="TT"),
    )
    annul_latest(candidate, actor)
    assert case_state(candidate) == case_state(twin)


def test_annul_again_to_go_further_back(story, actor):
    twin = reach(story, St.INTRODUCED)
    candidate = reach(story, St.ADMISSION_DECIDED)
    annul_latest(candidate, actor)
    annul_latest(candidate, actor, "Biểu quyết ghi nhầm")
    assert case_state(candidate) == case_state(twin)


def test_the_case_goes_on_after_an_annulled_ceremony(story, actor):
    candidate = reach(story, St.ADMITTED)
    annul_latest(candidate, actor)
    services.candidate_hold_ceremony(
        candidate_id=candidate.pk,
        actor=actor,
        day=story.day("ceremony") + datetime.timedelta(days=1),
        mentor=story.officials[3],
    )
    candidate.refresh_from_db()
    assert candidate.stage == St.ADMITTED
    assert candidate.member.status == Member.Status.PROBATIONARY
    assert candidate.member.ceremony_date == story.day("ceremony") + datetime.timedelta(days=1)


def test_annulling_a_confirmation_runs_the_mentorship_again(story, actor):
    candidate = reach(story, St.OFFICIAL)
    assert not candidate.mentors.filter(end_date__isnull=True).exists()
    annul_latest(candidate, actor)
    assert candidate.mentors.get(end_date__isnull=True).mentor == story.officials[3]
    assert candidate.member.status == Member.Status.PROBATIONARY
    assert candidate.member.confirmation_decision_date is None


def test_annulled_papers_stay_in_the_row_history(story, actor):
    candidate = reach(story, St.ADMISSION_DECIDED)
    decision = candidate.decisions.get()
    annul_latest(candidate, actor, "Nhầm quyết định")
    gone = decision.history.latest()
    assert (gone.history_type, gone.history_change_reason, gone.history_user) == (
        "-",
        "Nhầm quyết định",
        actor,
    )


# Refusals: nothing written --------------------------------------------------------------------


def snapshot(candidate) -> tuple:
    candidate.refresh_from_db()
    counts = tuple(model.objects.count() for model in WRITTEN)
    return candidate.stage, candidate.stage_since, candidate.member_id, counts


def refused(candidate, actor, *, event_id, reason="Nhầm") -> ValidationError:
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as error:
        services.candidate_annul_latest(
            candidate_id=candidate.pk, actor=actor, event_id=event_id, reason=reason
        )
    assert snapshot(candidate) == before
    return error.value


def test_only_the_latest_step_can_be_annulled(story, actor):
    candidate = reach(story, St.ADMISSION_DECIDED)
    earlier = candidate.events.get(to_stage=St.CHAPTER_APPROVED)
    error = refused(candidate, actor, event_id=earlier.pk)
    assert error.code == "not_latest" and "annul it first" in error.messages[0]


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_reason_is_required(story, actor, reason):
    candidate = reach(story, St.COURSE_DONE)
    error = refused(candidate, actor, event_id=services.latest_step(candidate).pk, reason=reason)
    assert "reason" in error.error_dict


def test_an_annulment_is_never_annulled(story, actor):
    candidate = reach(story, St.COURSE_DONE)
    annul_latest(candidate, actor)
    annulment = candidate.events.latest("id")
    assert refused(candidate, actor, event_id=annulment.pk).code == "annulment"
    assert refused(candidate, actor, event_id=annulment.annuls_id).code == "annulled"


def test_the_entry_that_opened_the_case_is_not_annulled(story, actor):
    candidate = reach(story, St.POOL)
    error = refused(candidate, actor, event_id=candidate.events.get().pk)
    assert error.code == "first_entry"


def test_a_step_of_another_case_is_not_found(story, actor):
    candidate = reach(story, St.COURSE_DONE)
    other = reach(story, St.COURSE_DONE)
    error = refused(candidate, actor, event_id=services.latest_step(other).pk)
    assert error.code == "not_found"


def test_a_ceremony_is_not_annulled_after_a_movement_on_the_register(story, actor):
    candidate = reach(story, St.ADMITTED)
    member_services.member_move_cell(
        member_id=candidate.member_id,
        actor=actor,
        cell=CellFactory(chapter=story.chapter),
        effective_date=TODAY,
    )
    error = refused(candidate, actor, event_id=services.latest_step(candidate).pk)
    assert error.code == "member_moved_since" and "annul them" in error.messages[0]
    # Annulled on the register first, the ceremony can then be annulled.
    member = candidate.member
    member_services.member_annul_latest(
        member_id=member.pk,
        actor=actor,
        event_id=member_services.latest_entry(member).pk,
        reason="Nhầm tổ",
    )
    annul_latest(candidate, actor)
    candidate.refresh_from_db()
    assert candidate.stage == St.ADMISSION_DECIDED and candidate.member is None


def test_a_ceremony_is_not_annulled_once_the_mentor_changed(story, actor):
    candidate = reach(story, St.ADMITTED)
    services.candidate_reassign_mentor(
        candidate_id=candidate.pk,
        actor=actor,
        mentor=story.officials[4],
        day=TODAY,
        resolution="03-NQ/CB",
    )
    error = refused(candidate, actor, event_id=services.latest_step(candidate).pk)
    assert error.code == "mentor_changed"


@pytest.mark.parametrize(
    ("stage", "kind", "kept"),
    [
        (St.ADMISSION_DECIDED, Extension.Kind.CEREMONY, False),
        (St.CHAPTER_APPROVED, Extension.Kind.ADMISSION_DECISION, False),
        (St.GRASSROOTS_APPROVED, Extension.Kind.ADMISSION_DECISION, True),
    ],
)
def test_an_extension_of_the_stage_goes_with_the_step(story, actor, stage, kind, kept):
    """Back at a stage where the extension does not apply, it goes (history keeps it)."""
    candidate = reach(story, stage)
    services.candidate_add_extension(
        candidate_id=candidate.pk,
        actor=actor,
        kind=kind,
        paper=Document(number="5-CV/ĐUK", date=TODAY, issuing_body="ĐUK"),
    )
    annul_latest(candidate, actor, "Nhầm hồ sơ")
    assert candidate.extensions.filter(kind=kind).exists() is kept
    if not kept:
        gone = Extension.history.filter(history_type="-").get()
        assert gone.history_change_reason == "Nhầm hồ sơ"


def test_a_confirmation_is_not_annulled_after_the_member_moved_on(story, actor):
    candidate = reach(story, St.OFFICIAL)
    member_services.member_transfer_out(
        member_id=candidate.member_id,
        actor=actor,
        effective_date=CONFIRMED_ON,
        to_organisation="Chi bộ Sở Y tế",
        letter=member_services.Document(number="1-GGT", date=CONFIRMED_ON),
    )
    error = refused(candidate, actor, event_id=services.latest_step(candidate).pk)
    assert error.code == "member_moved_since"


def test_the_register_does_not_annul_what_a_case_step_wrote(story, actor):
    candidate = reach(story, St.OFFICIAL)
    member = candidate.member
    confirmed = member.events.get(kind=MemberEvent.Kind.CONFIRMED)
    before = snapshot(candidate)
    with pytest.raises(ValidationError) as error:
        member_services.member_annul_latest(
            member_id=member.pk, actor=actor, event_id=confirmed.pk, reason="Nhầm"
        )
    assert error.value.code == "through_case_only"
    assert "annul that step on the case" in error.value.messages[0]
    assert snapshot(candidate) == before


# The pages ------------------------------------------------------------------------------------


@pytest.fixture
def login(client, request):
    def login_as(user):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return login_as


def annul_url(candidate) -> str:
    return reverse("admissions:candidate-annul", args=[candidate.public_id])


@pytest.fixture
def secretary(story):
    user = UserFactory(username="bithu_chibo")
    give_role(user, "SECRETARY", chapter=story.chapter)
    return user


def test_the_secretary_annuls_from_the_case_page(story, login, secretary):
    candidate = reach(story, St.ADMISSION_DECIDED)
    client = login(secretary)
    page = client.get(candidate.get_absolute_url())
    latest = services.latest_step(candidate)
    assert page.context["annullable"] == latest
    assert annul_url(candidate) in page.content.decode()

    form = client.get(annul_url(candidate))
    assert form.status_code == 200 and form.context["latest"] == latest
    response = client.post(annul_url(candidate), {"entry": latest.pk, "reason": "Nhầm số"})

    assert response.status_code == 302 and response.url == candidate.get_absolute_url()
    candidate.refresh_from_db()
    assert candidate.stage == St.CHAPTER_APPROVED
    body = client.get(candidate.get_absolute_url()).content.decode()
    assert f'data-annulled="{latest.pk}"' in body and f'data-annulment="{latest.pk}"' in body
    assert "Nhầm số" in body


def test_the_page_refuses_without_a_reason(story, login, secretary):
    candidate = reach(story, St.COURSE_DONE)
    before = snapshot(candidate)
    response = login(secretary).post(
        annul_url(candidate), {"entry": services.latest_step(candidate).pk, "reason": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert snapshot(candidate) == before


def test_the_page_shows_a_refusal_of_the_service(story, login, secretary):
    candidate = reach(story, St.COURSE_DONE)
    before = snapshot(candidate)
    response = login(secretary).post(
        annul_url(candidate), {"entry": candidate.events.earliest("id").pk, "reason": "Nhầm"}
    )
    assert response.status_code == 200
    assert "Only the latest step" in " ".join(response.context["form"].non_field_errors())
    assert snapshot(candidate) == before


def role_user(name, role, **unit):
    user = UserFactory(username=name)
    give_role(user, role, **unit)
    return user


@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_not_annul(story, login, method):
    candidate = reach(story, St.COURSE_DONE)
    other_chapter = PipelineStory.build(officials=1).chapter
    cases = [
        (role_user("totruong", "CELL_LEADER", cell=story.cell), 403),
        (role_user("totruong_khac", "CELL_LEADER", cell=CellFactory(chapter=story.chapter)), 404),
        (role_user("bithu_khac", "SECRETARY", chapter=other_chapter), 404),
        (role_user("capuy", "COMMITTEE_OFFICER", committee=story.chapter.committee), 403),
    ]
    before = snapshot(candidate)
    entry = services.latest_step(candidate).pk
    for user, status in cases:
        client = login(user)
        response = getattr(client, method)(annul_url(candidate), {"entry": entry, "reason": "x"})
        assert response.status_code == status, user
        client.logout()
    assert snapshot(candidate) == before


def test_anonymous_goes_to_the_login_page(story, login):
    candidate = reach(story, St.COURSE_DONE)
    response = login(None).get(annul_url(candidate))
    assert response.status_code == 302 and "login" in response.url


def test_no_button_for_a_case_at_its_opening_entry(story, login, secretary):
    candidate = reach(story, St.POOL)
    page = login(secretary).get(candidate.get_absolute_url())
    assert page.context["annullable"] is None


def test_every_board_stage_is_covered():
    assert set(BOARD_STAGES) - {St.POOL} <= set(BEFORE)
    assert MentorAssignment and CandidateEvent  # the rows the comparison reads


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("quantri", password="pw")


def test_the_admin_annuls_the_latest_step_with_a_reason(story, login, admin_user):
    candidate = reach(story, St.ADMISSION_DECIDED)
    client = login(admin_user)
    url = reverse("admin:admissions_candidate_changelist")
    chosen = {"action": "annul_latest", "_selected_action": [candidate.pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200
    assert page.context["candidates"] == [(candidate, services.latest_step(candidate))]
    before = snapshot(candidate)
    missing = client.post(url, {**chosen, "apply": "1", "reason": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    assert snapshot(candidate) == before

    done = client.post(url, {**chosen, "apply": "1", "reason": "Nhầm quyết định"})

    assert done.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == St.CHAPTER_APPROVED
    assert candidate.events.latest("id").note == "Nhầm quyết định"


def test_the_admin_action_reports_a_refusal(story, login, admin_user):
    candidate = reach(story, St.POOL)
    client = login(admin_user)
    url = reverse("admin:admissions_candidate_changelist")
    before = snapshot(candidate)
    response = client.post(
        url,
        {"action": "annul_latest", "_selected_action": [candidate.pk], "apply": "1", "reason": "x"},
        follow=True,
    )
    assert "cannot be annulled" in " ".join(str(m) for m in response.context["messages"])
    assert snapshot(candidate) == before
