"""The admissions pages through the Django test client: who may see and do what, every step of
the registry recorded through its form, every refusal shown with its R-number and nothing
written, and one candidate from the pool to official membership by HTTP POSTs alone."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from admissions import services, steps
from admissions.models import (
    STAGE_TRANSITIONS,
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    ChapterAdmissionSettings,
    Extension,
    Form,
    Introduction,
    MentorAssignment,
    Observation,
    Resolution,
)
from chapter.documents import Document
from chapter.models import RuleValue
from members.models import Member
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
St = Candidate.Stage
D = datetime.date
TODAY = D(2020, 6, 30)  # after every date of the story (pool 07/01/2019, ceremony 27/05/2019)
ROLES = [
    "secretary",
    "cell_leader",
    "other_cell_leader",
    "committee_officer",
    "outsider",
    "admin_user",
]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def story(chapter, cell):
    """The conftest chapter and cell, six official members who can vote and introduce."""
    officials = [register_member(cell=cell) for _ in range(6)]
    return PipelineStory(chapter=chapter, cell=cell, officials=officials)


def in_english(client):
    """The saved language choice: pages and messages in English (new strings have no
    Vietnamese yet; tests never assert it)."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def as_user(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def step_url(candidate, slug):
    return reverse("admissions:candidate-step", args=[candidate.public_id, slug])


def post_step(client, candidate, slug, data):
    return client.post(step_url(candidate, slug), data)


# Access: every view, every role ------------------------------------------------------------------

LIST_PAGES = ["admissions:board", "admissions:candidate-list", "admissions:deadlines"]


@pytest.mark.parametrize("page", [*LIST_PAGES, "admissions:probation"])
@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("anonymous", None),
        ("secretary", True),
        ("cell_leader", True),
        ("other_cell_leader", False),
        ("committee_officer", True),
        ("outsider", False),
        ("admin_user", True),
    ],
)
def test_list_pages_are_scoped(client, request, story, page, role, sees):
    admitted = story.candidate_at(St.ADMITTED, full_name="Lê Thị Mai")
    # Due soon on 30/06/2020: the confirmation vote (R14) was due 08/07/2020.
    response = as_user(client, request, role).get(reverse(page))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert (admitted.full_name in response.text) is sees


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("secretary", 200),
        ("cell_leader", 200),
        ("other_cell_leader", 404),
        ("committee_officer", 200),
        ("outsider", 404),
        ("admin_user", 200),
    ],
)
def test_candidate_detail_access(client, request, story, role, status):
    candidate = story.candidate_at(St.POOL)
    response = as_user(client, request, role).get(candidate.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert response.text.count("<h1") == 1
        assert candidate.full_name in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("secretary", 200),
        ("cell_leader", 403),
        ("other_cell_leader", 403),
        ("committee_officer", 403),
        ("outsider", 200),  # a secretary elsewhere: may add to their own chapter only
        ("admin_user", 200),
    ],
)
def test_candidate_create_access(client, request, story, role, status):
    response = as_user(client, request, role).get(reverse("admissions:candidate-create"))
    assert response.status_code == status
    if role == "outsider":
        assert story.cell.name not in response.text


@pytest.mark.parametrize(
    ("role", "chapter_step", "committee_step"),
    [
        ("anonymous", 302, 302),
        ("secretary", 200, 200),
        ("cell_leader", 403, 403),
        ("other_cell_leader", 404, 404),
        ("committee_officer", 403, 200),
        ("outsider", 404, 404),
        ("admin_user", 200, 200),
    ],
)
def test_step_access(client, request, story, role, chapter_step, committee_step):
    candidate = story.candidate_at(St.POOL)
    client = as_user(client, request, role)
    assert client.get(step_url(candidate, "sympathiser")).status_code == chapter_step
    assert client.get(step_url(candidate, "reject")).status_code == committee_step


def test_committee_officer_records_a_committee_decision_and_no_chapter_step(
    client, story, committee_officer
):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    client.force_login(committee_officer)
    page = client.get(candidate.get_absolute_url()).text
    assert step_url(candidate, "decide") in page
    assert step_url(candidate, "document") not in page
    assert post_step(client, candidate, "document", {}).status_code == 403
    response = post_step(client, candidate, "decide", DECIDE)
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == St.ADMISSION_DECIDED


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretary", 302),
        ("cell_leader", 302),
        ("other_cell_leader", 404),
        ("committee_officer", 403),
        ("outsider", 404),
        ("admin_user", 302),
    ],
)
def test_observation_access(client, request, story, role, status):
    candidate = story.candidate_at(St.SYMPATHISER)
    client = as_user(client, request, role)
    url = reverse("admissions:candidate-observe", args=[candidate.public_id])
    assert client.get(url).status_code == 405
    data = {"kind": Observation.Kind.OBSERVATION, "date": "29/06/2020", "text": "Tích cực."}
    response = client.post(url, data)
    assert response.status_code == status
    assert Observation.objects.filter(candidate=candidate).exists() is (status == 302)


def test_anonymous_post_to_observe_goes_to_login(client, story):
    candidate = story.candidate_at(St.POOL)
    url = reverse("admissions:candidate-observe", args=[candidate.public_id])
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_cell_leader_sees_the_case_and_adds_an_observation_but_no_step(client, story, cell_leader):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(cell_leader)
    page = client.get(candidate.get_absolute_url()).text
    assert "/step/" not in page
    assert reverse("admissions:candidate-observe", args=[candidate.public_id]) in page
    response = client.post(
        reverse("admissions:candidate-observe", args=[candidate.public_id]),
        {"kind": Observation.Kind.OBSERVATION, "date": "30/06/2020", "text": "Gương mẫu."},
    )
    assert response.status_code == 302
    observation = Observation.objects.get(candidate=candidate)
    assert observation.author == cell_leader and observation.date == TODAY
    assert "Gương mẫu." in client.get(candidate.get_absolute_url()).text


def test_unknown_step_is_404(client, story, secretary):
    candidate = story.candidate_at(St.POOL)
    client.force_login(secretary)
    assert client.get(step_url(candidate, "promote")).status_code == 404
    assert post_step(client, candidate, "promote", {}).status_code == 404


def test_a_step_the_stage_does_not_allow_is_403_with_the_reason(client, story, secretary):
    candidate = story.candidate_at(St.POOL)
    client.force_login(secretary)
    in_english(client)
    for method in (client.get, client.post):
        response = method(step_url(candidate, "ceremony"))
        assert response.status_code == 403
        assert "This case is at “outstanding non-member”" in response.text
        assert 'id="step-not-offered"' in response.text
    assert not CandidateEvent.objects.filter(candidate=candidate, to_stage=St.ADMITTED).exists()


def test_closed_case_offers_no_step(client, story, secretary):
    candidate = story.candidate_at(St.POOL)
    services.candidate_withdraw(candidate_id=candidate.pk, actor=None, day=TODAY, reason="Xin rút")
    client.force_login(secretary)
    assert "/step/" not in client.get(candidate.get_absolute_url()).text
    assert client.get(step_url(candidate, "document")).status_code == 403


# The registry ------------------------------------------------------------------------------------


def test_registry_stages_follow_the_transition_table():
    moves = {
        "sympathiser": St.SYMPATHISER, "dossier": St.DOSSIER_OPEN,
        "certify": St.BACKGROUND_VERIFIED, "introduced": St.INTRODUCED,
        "vote": St.CHAPTER_APPROVED, "grassroots": St.GRASSROOTS_APPROVED,
        "decide": St.ADMISSION_DECIDED, "reject": St.REJECTED, "ceremony": St.ADMITTED,
        "confirmation-vote": St.CONFIRMATION_VOTED, "confirm": St.OFFICIAL,
        "not-confirm": St.NOT_CONFIRMED,
    }  # fmt: skip
    for slug, target in moves.items():
        expected = {s for s, allowed in STAGE_TRANSITIONS.items() if s and target in allowed}
        assert steps.STEPS[slug].stages == expected, slug
    assert {s.slug for s in steps.STEPS.values() if s.committee} == {
        "decide", "reject", "confirm", "not-confirm", "extend",
    }  # fmt: skip


def test_steps_for_puts_the_next_step_first(story, secretary, committee_officer, cell_leader):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    candidate = Candidate.objects.select_related("chapter__committee").get(pk=candidate.pk)
    assert steps.steps_for(candidate, secretary)[0].slug == "check"
    for relation in ("SELF", "FATHER"):
        services.candidate_save_check(
            candidate_id=candidate.pk, actor=None, relation=relation, person_name="X",
            requested_on=D(2019, 3, 10), replied_on=D(2019, 3, 20),
        )  # fmt: skip
    assert steps.steps_for(candidate, secretary)[0].slug == "certify"
    assert [s.slug for s in steps.steps_for(candidate, committee_officer)] == ["reject"]
    assert steps.steps_for(candidate, cell_leader) == []


# Every step through its form ---------------------------------------------------------------------

DECIDE = {
    "number": "123-QĐ/ĐUK", "date": "17/05/2019", "issuing_body": "Ban Thường vụ Đảng ủy Khối",
    "received_on": "20/05/2019",
}  # fmt: skip
CONFIRMATION_PAPERS = (
    Form.SELF_REVIEW, Form.MENTOR_ASSESSMENT, Form.MEMBER_OPINIONS, Form.NEW_MEMBER_COURSE,
)  # fmt: skip


def add_checks(candidate):
    for relation in ("SELF", "FATHER", "MOTHER"):
        services.candidate_save_check(
            candidate_id=candidate.pk, actor=None, relation=relation, person_name="Người thân",
            requested_on=D(2019, 3, 10), replied_on=D(2019, 3, 28), result="Tốt",
        )  # fmt: skip


def add_introducers(story, candidate):
    for member in story.officials[1:3]:
        services.candidate_add_introduction(
            candidate_id=candidate.pk, actor=None, kind=Introduction.Kind.MEMBER,
            introducer=member, day=D(2019, 4, 17), together_since=D(2018, 1, 1),
        )  # fmt: skip


def add_confirmation_papers(candidate):
    for form in CONFIRMATION_PAPERS:
        services.candidate_add_document(
            candidate_id=candidate.pk, actor=None, form=form,
            paper=Document(number="", date=D(2020, 5, 20)),
        )  # fmt: skip


def confirmation_voted(story):
    candidate = story.candidate_at(St.ADMITTED)
    add_confirmation_papers(candidate)
    vote = services.Vote(date=D(2020, 6, 2), number="05", present=6, votes_for=6, votes_against=0)
    candidate, _ = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    return candidate


def at(stage, prepare=None):
    def reach(story):
        candidate = story.candidate_at(stage)
        if prepare:
            prepare(story, candidate)
        return candidate

    return reach


def grassroots_chapter(story, candidate):
    ChapterAdmissionSettings.objects.create(chapter=story.chapter, grassroots_step=True)


VOTE = {"present": 6, "votes_for": 5, "votes_against": 1, "exempted_present": 0}
STEP_CASES = [
    # slug, how to reach the case, what the form receives, stage after, what else was written
    ("sympathiser", at(St.POOL), {"day": "01/02/2019", "number": "03-NQ/CB"}, St.SYMPATHISER, None),
    ("course", at(St.POOL), {"number": "CN-9", "date": "06/02/2019", "issuing_body": "TTCT"},
     St.COURSE_DONE, lambda c: c.documents.filter(form=Form.AWARENESS).exists()),
    ("course", at(St.DOSSIER_OPEN), {"number": "CN-10", "date": "01/06/2020"}, St.DOSSIER_OPEN,
     lambda c: c.events.filter(data__renewal=True).exists()),
    ("dossier", at(St.COURSE_DONE),
     {"application_date": "01/03/2019", "background_date": "05/03/2019"}, St.DOSSIER_OPEN,
     lambda c: c.documents.filter(form=Form.APPLICATION).exists()),
    ("check", at(St.DOSSIER_OPEN), {"relation": "SPOUSE", "person_name": "Trần Văn Nam",
     "requested_on": "10/03/2019", "replied_on": "20/03/2019", "result": "Tốt"}, St.DOSSIER_OPEN,
     lambda c: c.checks.filter(relation="SPOUSE", replied_on=D(2019, 3, 20)).exists()),
    ("certify", at(St.DOSSIER_OPEN, lambda s, c: add_checks(c)), {"certified_on": "07/04/2019"},
     St.BACKGROUND_VERIFIED, None),
    ("introduction", at(St.BACKGROUND_VERIFIED), {"kind": "MEMBER", "date": "17/04/2019",
     "together_since": "01/01/2018"}, St.BACKGROUND_VERIFIED,
     lambda c: c.introductions.filter(kind="MEMBER").count() == 1),
    ("introduced", at(St.BACKGROUND_VERIFIED, add_introducers),
     {"number": "5-KNĐ/1", "date": "22/04/2019"}, St.INTRODUCED,
     lambda c: c.documents.filter(form=Form.OPINIONS).exists()),
    ("replace-introducer", at(St.INTRODUCED), {"reason": "MOVED_AWAY",
     "assignment_number": "04-NQ/CB", "assignment_date": "23/04/2019", "date": "24/04/2019"},
     St.INTRODUCED,
     lambda c: c.introductions.filter(replaces__isnull=False).count() == 1),
    ("vote", at(St.INTRODUCED), {**VOTE, "date": "27/04/2019", "number": "01-NQ/CB"},
     St.CHAPTER_APPROVED, lambda c: c.resolutions.get().passed),
    ("supplementary-check", at(St.INTRODUCED), {"relation": "SELF", "person_name": "Lê Thị Mai",
     "requested_on": "04/05/2020", "replied_on": "08/05/2020", "result": "Tốt"}, St.INTRODUCED,
     lambda c: c.checks.filter(requested_on=D(2020, 5, 4), replied_on=D(2020, 5, 8)).exists()),
    ("grassroots", at(St.CHAPTER_APPROVED, grassroots_chapter),
     {"number": "8-NQ", "date": "05/05/2019", "issuing_body": "Đảng ủy cơ sở",
      "committee_members": 9, "present": 8, "votes_for": 7, "votes_against": 1},
     St.GRASSROOTS_APPROVED, lambda c: c.resolutions.get(kind="ADMISSION_GRASSROOTS").passed),
    ("decide", at(St.CHAPTER_APPROVED), DECIDE, St.ADMISSION_DECIDED,
     lambda c: c.decisions.get().received_on == D(2019, 5, 20)),
    ("extend", at(St.ADMISSION_DECIDED),
     {"number": "CV-1", "date": "01/06/2019", "issuing_body": "BTV"},
     St.ADMISSION_DECIDED, lambda c: c.extensions.get().kind == Extension.Kind.CEREMONY),
    ("reject", at(St.INTRODUCED), {"number": "QĐ-9", "date": "01/05/2019", "issuing_body": "BTV",
     "reason": "Chưa đủ tiêu chuẩn"}, St.REJECTED, lambda c: c.decisions.get().kind == "REJECTION"),
    ("withdraw", at(St.COURSE_DONE), {"kind": St.DOCUMENTS_EXPIRED, "day": "01/03/2019",
     "reason": "Hồ sơ quá hạn"}, St.DOCUMENTS_EXPIRED, None),
    ("withdraw", at(St.ADMISSION_DECIDED), {"kind": St.WITHDRAWN, "day": "01/06/2019",
     "reason": "Xin rút"}, St.WITHDRAWN, None),
    ("ceremony", at(St.ADMISSION_DECIDED), {"day": "27/05/2019", "mentor_resolution": "02-NQ/CB"},
     St.ADMITTED, lambda c: c.member.official_date == D(2020, 5, 27)),
    ("document", at(St.ADMITTED), {"form": Form.SELF_REVIEW, "date": "20/05/2020"}, St.ADMITTED,
     lambda c: c.documents.filter(form=Form.SELF_REVIEW).exists()),
    ("mentor", at(St.ADMITTED), {"day": "01/09/2019", "resolution": "05-NQ/CB"}, St.ADMITTED,
     lambda c: c.mentors.filter(end_date=D(2019, 9, 1)).count() == 1),
    ("confirmation-vote", at(St.ADMITTED, lambda s, c: add_confirmation_papers(c)),
     {**VOTE, "date": "02/06/2020", "number": "05-NQ/CB"}, St.CONFIRMATION_VOTED, None),
    ("confirm", confirmation_voted,
     {"number": "456-QĐ", "date": "25/06/2020", "issuing_body": "BTV"},
     St.OFFICIAL, lambda c: c.member.status == Member.Status.OFFICIAL),
    ("not-confirm", at(St.ADMITTED), {"number": "QĐ-X", "date": "01/06/2020", "issuing_body": "BTV",
     "reason": "Không đủ tư cách"}, St.NOT_CONFIRMED,
     lambda c: c.member.status == Member.Status.REMOVED_FROM_PROBATIONARY_LIST),
]  # fmt: skip
MEMBER_FIELDS = {
    "introduction": ("introducer", 1),
    "replace-introducer": ("introducer", 5),
    "ceremony": ("mentor", 3),
    "mentor": ("mentor", 4),
}


def test_every_step_is_exercised():
    assert {case[0] for case in STEP_CASES} == set(steps.STEPS)


@pytest.mark.parametrize(
    ("slug", "reach", "data", "stage_after", "written"),
    STEP_CASES,
    ids=[f"{case[0]}-{case[3]}" for case in STEP_CASES],
)
def test_each_step_through_its_form(
    client, story, secretary, slug, reach, data, stage_after, written
):
    candidate = reach(story)
    if slug in MEMBER_FIELDS:
        name, index = MEMBER_FIELDS[slug]
        data = {**data, name: story.officials[index].pk}
    if slug == "replace-introducer":
        data = {**data, "replaced": candidate.introductions.order_by("pk").first().pk}
    before = candidate.stage
    client.force_login(secretary)
    assert client.get(step_url(candidate, slug)).status_code == 200
    response = post_step(client, candidate, slug, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert response["Location"] == candidate.get_absolute_url()
    candidate.refresh_from_db()
    assert candidate.stage == stage_after
    if stage_after != before:
        event = candidate.events.get(from_stage=before, to_stage=stage_after)
        assert event.actor == secretary
    if written:
        assert written(candidate)


# Refusals: the rule's number on the page, nothing written ----------------------------------------


def test_a_failed_vote_is_confirmed_then_recorded_and_the_stage_stays(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(secretary)
    data = {"date": "27/04/2019", "number": "01", "present": 6, "votes_for": 3, "votes_against": 3}
    response = post_step(client, candidate, "vote", data)
    assert response.status_code == 200
    assert 'id="step-warnings"' in response.text and "R8" in response.text
    assert not Resolution.objects.exists()

    response = post_step(client, candidate, "vote", {**data, "acknowledge": "on"})
    assert response.status_code == 302
    resolution = Resolution.objects.get()
    assert (resolution.passed, resolution.base, resolution.votes_for) == (False, 6, 3)
    candidate.refresh_from_db()
    assert candidate.stage == St.INTRODUCED
    assert candidate.events.filter(data__failed_vote=resolution.pk).exists()
    page = client.get(candidate.get_absolute_url()).text
    assert 'id="escalate-flag"' not in page


def test_a_failed_vote_says_so_and_the_third_asks_for_the_superior_committee(
    client, story, secretary
):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(secretary)
    for number, day in enumerate(("27/04/2019", "04/05/2019", "11/05/2019"), 1):
        data = {"date": day, "present": 6, "votes_for": 3, "votes_against": 3, "acknowledge": "on"}
        response = in_english(client).post(step_url(candidate, "vote"), data, follow=True)
        notes = [(m.level_tag, str(m)) for m in response.context["messages"]]
        assert notes[0][0] == "warning" and "did not pass" in notes[0][1]
        assert any("superior committee" in text for _, text in notes) is (number == 3)


def test_the_third_failed_vote_flags_escalation(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(secretary)
    for day in ("27/04/2019", "04/05/2019", "11/05/2019"):
        data = {"date": day, "present": 6, "votes_for": 2, "votes_against": 4, "acknowledge": "on"}
        response = post_step(client, candidate, "vote", data)
        assert response.status_code == 302
    assert Resolution.objects.filter(passed=False).count() == 3
    page = client.get(response["Location"]).text
    assert 'id="escalate-flag"' in page
    assert "adm-escalate" in client.get(reverse("admissions:board")).text


def test_vote_with_an_expired_awareness_certificate_is_refused_r3(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED)  # certificate of 06/02/2019, valid to 06/02/2024
    with time_machine.travel(D(2024, 3, 15), tick=False):
        client.force_login(secretary)  # a session of 2020 has expired by 2024
        data = {**VOTE, "date": "01/03/2024", "number": "01"}
        response = post_step(client, candidate, "vote", data)
    assert response.status_code == 200
    assert 'id="step-refused"' in response.text and ">R3<" in response.text
    assert not Resolution.objects.exists()
    candidate.refresh_from_db()
    assert candidate.stage == St.INTRODUCED


def test_a_probationary_introducer_is_refused_r6(client, story, secretary):
    candidate = story.candidate_at(St.BACKGROUND_VERIFIED)
    newcomer = register_member(
        cell=story.cell, status=Member.Status.PROBATIONARY, effective_date=D(2019, 3, 1)
    )
    client.force_login(secretary)
    data = {"kind": "MEMBER", "introducer": newcomer.pk, "date": "17/04/2019",
            "together_since": "01/01/2017"}  # fmt: skip
    response = post_step(client, candidate, "introduction", data)
    assert response.status_code == 200
    assert 'id="step-refused"' in response.text and ">R6<" in response.text
    assert not Introduction.objects.exists()


def test_a_ceremony_before_the_decision_was_received_is_refused_r13(client, story, secretary):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)  # decided 17/05, received 20/05/2019
    client.force_login(secretary)
    data = {"day": "18/05/2019", "mentor": story.officials[3].pk}
    response = post_step(client, candidate, "ceremony", data)
    assert response.status_code == 200
    assert ">R13<" in response.text
    candidate.refresh_from_db()
    assert candidate.stage == St.ADMISSION_DECIDED and candidate.member is None
    assert not MentorAssignment.objects.exists()


def test_a_late_ceremony_is_a_warning_confirmed_before_recording_r12(client, story, secretary):
    candidate = story.candidate_at(St.ADMISSION_DECIDED)  # received 20/05/2019: due 01/07/2019
    client.force_login(secretary)
    data = {"day": "15/08/2019", "mentor": story.officials[3].pk}
    response = post_step(client, candidate, "ceremony", data)
    assert response.status_code == 200
    assert 'id="step-warnings"' in response.text and ">R12<" in response.text
    assert "01/07/2019" in response.text
    response = post_step(client, candidate, "ceremony", {**data, "acknowledge": "on"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == St.ADMITTED


def test_the_youth_union_path_blocks_or_with_a_local_rule_warns_r7(client, story, secretary):
    young = {"is_youth_union_member": True, "date_of_birth": D(1996, 4, 2)}
    candidate = story.candidate_at(St.BACKGROUND_VERIFIED, **young)
    add_introducers(story, candidate)
    client.force_login(secretary)
    data = {"number": "5-KNĐ/1", "date": "22/04/2019"}
    # Blocks by default (Điều lệ Đảng, Điều 4): refused, even with the box ticked.
    response = post_step(client, candidate, "introduced", {**data, "acknowledge": "on"})
    assert 'id="step-refused"' in response.text and ">R7<" in response.text
    RuleValue.objects.create(
        key="YOUTH_PATH_BLOCKS", value=0, effective_from=D(2019, 1, 1), source="Local rule"
    )
    response = post_step(client, candidate, "introduced", data)
    assert response.status_code == 200
    assert 'id="step-warnings"' in response.text and ">R7<" in response.text
    candidate.refresh_from_db()
    assert candidate.stage == St.BACKGROUND_VERIFIED
    assert (
        post_step(client, candidate, "introduced", {**data, "acknowledge": "on"}).status_code == 302
    )
    candidate.refresh_from_db()
    assert candidate.stage == St.INTRODUCED


def test_a_late_admission_decision_is_a_warning_r11(client, story, secretary):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)  # vote 27/04/2019: due 23/07/2019
    client.force_login(secretary)
    data = {**DECIDE, "date": "01/08/2019", "received_on": "05/08/2019"}
    response = post_step(client, candidate, "decide", data)
    assert response.status_code == 200
    assert ">R11<" in response.text and "23/07/2019" in response.text
    assert not candidate.decisions.exists()
    assert post_step(client, candidate, "decide", {**data, "acknowledge": "on"}).status_code == 302
    assert candidate.decisions.get().date == D(2019, 8, 1)


def test_a_paper_with_its_scan(client, story, secretary):
    candidate = story.candidate_at(St.ADMITTED)
    client.force_login(secretary)
    scan = SimpleUploadedFile("tu-kiem-diem.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    data = {"form": Form.SELF_REVIEW, "number": "", "date": "20/05/2020", "scan": scan}
    assert post_step(client, candidate, "document", data).status_code == 302
    document = candidate.documents.get(form=Form.SELF_REVIEW)
    assert document.scan.name.endswith(".pdf")
    assert document.scan.url in client.get(candidate.get_absolute_url()).text


def test_a_confirmation_vote_before_the_end_of_probation_is_refused_r14(client, story, secretary):
    candidate = story.candidate_at(St.ADMITTED)  # probation ends 27/05/2020
    add_confirmation_papers(candidate)
    client.force_login(secretary)
    with time_machine.travel(D(2020, 3, 5), tick=False):
        response = post_step(client, candidate, "confirmation-vote", {**VOTE, "date": "02/03/2020"})
    assert response.status_code == 200
    assert ">R14<" in response.text and "27/05/2020" in response.text
    assert not Resolution.objects.filter(kind=Resolution.Kind.CONFIRMATION_CHAPTER).exists()


def test_a_confirmation_vote_without_the_papers_is_refused_r18(client, story, secretary):
    candidate = story.candidate_at(St.ADMITTED)
    client.force_login(secretary)
    response = post_step(client, candidate, "confirmation-vote", {**VOTE, "date": "02/06/2020"})
    assert response.status_code == 200
    assert response.text.count(">R18<") == 4
    assert not Resolution.objects.filter(kind=Resolution.Kind.CONFIRMATION_CHAPTER).exists()


def test_dossier_dates_out_of_order_are_refused_r4(client, story, secretary):
    candidate = story.candidate_at(St.COURSE_DONE)
    client.force_login(secretary)
    data = {"application_date": "10/03/2019", "background_date": "05/03/2019"}
    response = post_step(client, candidate, "dossier", data)
    assert response.status_code == 200 and ">R4<" in response.text
    assert not CandidateDocument.objects.filter(form=Form.APPLICATION).exists()


def test_certifying_before_every_reply_is_refused_r5(client, story, secretary):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    services.candidate_save_check(
        candidate_id=candidate.pk, actor=None, relation="SELF", person_name="X",
        requested_on=D(2019, 3, 10),
    )  # fmt: skip
    client.force_login(secretary)
    response = post_step(client, candidate, "certify", {"certified_on": "07/04/2019"})
    assert response.status_code == 200 and ">R5<" in response.text
    candidate.refresh_from_db()
    assert candidate.stage == St.DOSSIER_OPEN


def test_field_errors_from_the_service_land_on_the_field(client, story, secretary):
    candidate = story.candidate_at(St.CHAPTER_APPROVED)
    client.force_login(secretary)
    response = post_step(client, candidate, "decide", {**DECIDE, "received_on": "10/05/2019"})
    assert response.status_code == 200
    assert "received_on" in response.context["form"].errors
    assert not candidate.decisions.exists()


def test_a_form_error_writes_nothing(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(secretary)
    response = post_step(client, candidate, "vote", {"date": "31/02/2019", "present": "x"})
    assert response.status_code == 200
    assert {"date", "present", "votes_for"} <= set(response.context["form"].errors)
    assert not Resolution.objects.exists()


def test_vote_form_shows_the_voting_base_and_htmx_refreshes_it(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED)
    client.force_login(secretary)
    page = client.get(step_url(candidate, "vote")).text
    assert 'id="vote-base"' in page and 'hx-get="' in page
    response = client.get(
        step_url(candidate, "vote"), {"date": "27/04/2019"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<h1" not in response.text
    assert response.context["vote_base"]["base"].base == 6
    assert "27/04/2019" in response.text


# A new candidate ---------------------------------------------------------------------------------

NEW = {
    "full_name": "Phạm Thu Trang", "gender": "F", "date_of_birth": "12/08/1998",
    "ethnicity": "Kinh", "religion": "Không", "education": "UNIVERSITY",
    "source": "YOUTH_UNION", "day": "02/01/2019", "is_youth_union_member": "on",
}  # fmt: skip


def test_secretary_adds_a_candidate(client, story, secretary):
    client.force_login(secretary)
    data = {**NEW, "cell": story.cell.pk, "helper_member": story.officials[0].pk}
    response = client.post(reverse("admissions:candidate-create"), data)
    candidate = Candidate.objects.get()
    assert response["Location"] == candidate.get_absolute_url()
    assert (candidate.stage, candidate.chapter, candidate.helper) == (
        St.POOL, story.chapter, story.officials[0],
    )  # fmt: skip
    assert candidate.events.get().to_stage == St.POOL
    assert candidate.is_youth_union_member and candidate.source == "YOUTH_UNION"


def test_a_readmission_too_soon_is_refused_r20(client, story, secretary):
    client.force_login(secretary)
    data = {**NEW, "is_readmission": "on", "former_exit_date": "01/06/2017",
            "former_exit_reason": "OTHER", "readmission_consent": ""}  # fmt: skip
    response = client.post(reverse("admissions:candidate-create"), data)
    assert response.status_code == 200
    # Beside the fields they concern; the page cites Quy định 294-QĐ/TW, mục 3.5.
    assert {"former_exit_date", "readmission_consent"} <= set(response.context["form"].errors)
    assert "mục 3.5" in response.text
    assert not Candidate.objects.exists()


def test_former_member_fields_are_ignored_unless_ticked(client, story, secretary):
    client.force_login(secretary)
    data = {**NEW, "former_exit_date": "01/06/2017", "former_exit_reason": "ABANDONED"}
    assert client.post(reverse("admissions:candidate-create"), data).status_code == 302
    assert Candidate.objects.get().former_exit_date is None


def test_a_helper_from_another_chapter_is_refused(client, story, secretary):
    stranger = register_member()
    client.force_login(secretary)
    response = client.post(
        reverse("admissions:candidate-create"), {**NEW, "helper_member": stranger.pk}
    )
    assert response.status_code == 200
    assert "helper_member" in response.context["form"].errors
    assert not Candidate.objects.exists()


# The case page -----------------------------------------------------------------------------------


def test_candidate_page_shows_the_case(client, story, secretary):
    candidate = story.candidate_at(St.INTRODUCED)
    services.candidate_chapter_vote(
        candidate_id=candidate.pk, actor=None,
        vote=services.Vote(
            date=D(2019, 4, 27), number="01", present=6, votes_for=3, votes_against=3
        ),
    )  # fmt: skip
    client.force_login(secretary)
    with time_machine.travel(D(2020, 4, 22), tick=False):  # the dossier is still fresh (R29)
        response = in_english(client).get(candidate.get_absolute_url())
    page = response.text
    assert response.context["primary"].slug == "vote"
    assert 'id="primary-step"' in page and step_url(candidate, "vote") in page
    assert "Vote did not pass" in page  # the failed vote on the timeline
    assert "3 × 3 = 9 &lt; 12 = 2 × 6" in page  # noqa: RUF001
    states = {paper.form: paper.state for paper in response.context["papers"]}
    assert states[Form.AWARENESS] == "present"
    assert states[Form.CHAPTER_RESOLUTION] == "later"
    assert "13 months together" in page
    assert story.officials[1].full_name in page


def test_candidate_page_of_a_probationary_member_links_the_record(client, story, secretary):
    candidate = story.candidate_at(St.ADMITTED)
    client.force_login(secretary)
    response = client.get(candidate.get_absolute_url())
    assert candidate.member.get_absolute_url() in response.text
    states = {paper.form: paper.state for paper in response.context["papers"]}
    assert all(states[form] == "missing" for form in CONFIRMATION_PAPERS)
    assert response.context["primary"].slug == "document"


def test_check_rows_can_be_updated_from_the_table(client, story, secretary):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    check = services.candidate_save_check(
        candidate_id=candidate.pk, actor=None, relation="SELF", person_name="X",
        requested_on=D(2019, 3, 10),
    )  # fmt: skip
    client.force_login(secretary)
    assert f"?check={check.pk}" in client.get(candidate.get_absolute_url()).text
    form = client.get(step_url(candidate, "check"), {"check": check.pk}).context["form"]
    assert form.initial["person_name"] == "X"
    data = {"check": check.pk, "relation": "SELF", "person_name": "X", "requested_on": "10/03/2019",
            "replied_on": "25/03/2019", "result": "Tốt"}  # fmt: skip
    assert post_step(client, candidate, "check", data).status_code == 302
    assert BackgroundCheck.objects.get().replied_on == D(2019, 3, 25)


# One candidate from the pool to official, by HTTP POSTs only -------------------------------------


def test_full_path_from_the_pool_to_official_through_the_browser(client, story, secretary):
    client.force_login(secretary)
    officials = story.officials
    response = client.post(
        reverse("admissions:candidate-create"),
        {**NEW, "full_name": "Lê Thị Mai", "date_of_birth": "02/04/1986", "cell": story.cell.pk,
         "source": "CHAPTER", "helper_member": officials[0].pk, "day": "07/01/2019",
         "is_youth_union_member": ""},
    )  # fmt: skip
    candidate = Candidate.objects.get()
    assert response["Location"] == candidate.get_absolute_url()

    def step(slug, data):
        response = post_step(client, candidate, slug, data)
        assert response.status_code == 302, response.context["form"].errors
        candidate.refresh_from_db()
        return candidate.stage

    assert step("sympathiser", {"day": "21/01/2019", "number": "02-NQ/CB"}) == St.SYMPATHISER
    assert step("course", {"number": "CN-123", "date": "06/02/2019"}) == St.COURSE_DONE
    dossier = {"application_date": "08/03/2019", "background_date": "10/03/2019"}
    assert step("dossier", dossier) == St.DOSSIER_OPEN
    for relation, name in [
        ("SELF", "Lê Thị Mai"),
        ("FATHER", "Lê Văn Hùng"),
        ("MOTHER", "Trần Thị Lan"),
    ]:
        check = {"relation": relation, "person_name": name, "requested_on": "10/03/2019",
                 "replied_on": "28/03/2019", "result": "Tốt"}  # fmt: skip
        assert step("check", check) == St.DOSSIER_OPEN
    assert step("certify", {"certified_on": "07/04/2019"}) == St.BACKGROUND_VERIFIED
    for member in officials[1:3]:
        intro = {"kind": "MEMBER", "introducer": member.pk, "date": "17/04/2019",
                 "together_since": "15/03/2018"}  # fmt: skip
        assert step("introduction", intro) == St.BACKGROUND_VERIFIED
    assert step("introduced", {"number": "5-KNĐ/1", "date": "22/04/2019"}) == St.INTRODUCED
    vote = {**VOTE, "date": "27/04/2019", "number": "01-NQ/CB"}
    assert step("vote", vote) == St.CHAPTER_APPROVED
    assert step("decide", DECIDE) == St.ADMISSION_DECIDED
    ceremony = {"day": "27/05/2019", "mentor": officials[3].pk, "mentor_resolution": "02-NQ/CB"}
    assert step("ceremony", ceremony) == St.ADMITTED
    for form in CONFIRMATION_PAPERS:
        assert step("document", {"form": form, "date": "20/05/2020"}) == St.ADMITTED
    vote = {**VOTE, "date": "02/06/2020", "number": "05-NQ/CB"}
    assert step("confirmation-vote", vote) == St.CONFIRMATION_VOTED
    decision = {"number": "456-QĐ/ĐUK", "date": "25/06/2020", "issuing_body": "Ban Thường vụ"}
    assert step("confirm", decision) == St.OFFICIAL

    member = candidate.member
    assert member.status == Member.Status.OFFICIAL
    assert member.ceremony_date == D(2019, 5, 27)
    assert member.official_date == D(2020, 5, 27)  # R15, however late the decision
    assert member.confirmation_decision_date == D(2020, 6, 25)
    moves = candidate.events.exclude(from_stage=F("to_stage"))
    stages = list(moves.values_list("to_stage", flat=True))
    assert stages == [
        St.POOL, St.SYMPATHISER, St.COURSE_DONE, St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED,
        St.INTRODUCED, St.CHAPTER_APPROVED, St.ADMISSION_DECIDED, St.ADMITTED,
        St.CONFIRMATION_VOTED, St.OFFICIAL,
    ]  # fmt: skip
    assert candidate.events.filter(actor=secretary).count() == len(stages)
    page = client.get(candidate.get_absolute_url()).text
    assert "/step/" not in page  # closed: nothing more to record
    board = client.get(reverse("admissions:board"))
    assert candidate.full_name not in board.text and 'id="closed-cases"' in board.text


def _former_member(story, left_on):
    from members import services as member_services

    person = register_member(cell=story.cell)
    member_services.member_leave(
        member_id=person.pk, actor=None, effective_date=left_on, reason="Hoàn cảnh gia đình",
        decision=member_services.Document(number="12-QĐ", date=left_on),
    )  # fmt: skip
    return person


def test_a_former_members_record_gives_the_exit_date_and_is_linked(client, story, secretary):
    with time_machine.travel(D(2026, 3, 5), tick=False):  # 36 months after leaving (R20)
        former = _former_member(story, D(2022, 1, 10))
        client.force_login(secretary)
        data = {**NEW, "day": "02/03/2026", "is_readmission": "on", "former_member": former.pk,
                "former_exit_reason": "OTHER", "readmission_consent": "45-CV/TU"}  # fmt: skip
        response = client.post(reverse("admissions:candidate-create"), data)
        assert response.status_code == 302, response.context["form"].errors
        candidate = Candidate.objects.get()
        assert candidate.former_member == former
        assert candidate.former_exit_date == D(2022, 1, 10)


def test_a_second_case_for_the_same_former_member_is_refused(client, story, secretary):
    with time_machine.travel(D(2026, 3, 5), tick=False):  # 36 months after leaving (R20)
        former = _former_member(story, D(2022, 1, 10))
        client.force_login(secretary)
        data = {**NEW, "day": "02/03/2026", "is_readmission": "on", "former_member": former.pk,
                "former_exit_reason": "OTHER", "readmission_consent": "45-CV/TU"}  # fmt: skip
        assert client.post(reverse("admissions:candidate-create"), data).status_code == 302
        again = client.post(reverse("admissions:candidate-create"), data)
        assert again.status_code == 200
        assert Candidate.objects.count() == 1


def test_only_members_who_left_the_roll_are_offered_as_former_members(client, story, secretary):
    with time_machine.travel(D(2026, 3, 5), tick=False):  # 36 months after leaving (R20)
        former = _former_member(story, D(2022, 1, 10))
        client.force_login(secretary)
        field = (
            client.get(reverse("admissions:candidate-create"))
            .context["form"]
            .fields["former_member"]
        )
        assert list(field.queryset) == [former]
