"""R10 (Hướng dẫn 01-HD/TW, mục 3.6c): the grassroots committee's vote is recorded like the
chapter's — its members, present, for, against, the resolution's number and date — and passes
iff for * 3 >= 2 * all the committee's members; a failed vote is recorded and the case stays."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from admissions import checks, services
from admissions.checks import RuleViolated
from admissions.models import Candidate, ChapterAdmissionSettings, Form, Resolution
from chapter.documents import Document
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-06-30")]
St = Candidate.Stage
D = datetime.date
DAY = D(2019, 5, 10)


@pytest.fixture
def case(chapter, secretary):
    ChapterAdmissionSettings.objects.create(chapter=chapter, grassroots_step=True)
    story = PipelineStory.build(officials=6, chapter=chapter)
    return story.candidate_at(St.CHAPTER_APPROVED, date_of_birth=D(1985, 4, 2))


def committee_vote(case, members=9, present=9, votes_for=6, votes_against=None, **kwargs):
    against = present - votes_for if votes_against is None else votes_against
    return services.candidate_grassroots_approve(
        candidate_id=case.pk,
        actor=None,
        resolution=Document(number="08-NQ/ĐU", date=DAY, issuing_body="Đảng ủy cơ sở"),
        committee_members=members,
        present=present,
        votes_for=votes_for,
        votes_against=against,
        **kwargs,
    )


# The threshold: two thirds of all the committee's members ----------------------------------------


@pytest.mark.parametrize(
    ("members", "votes_for", "passed"),
    [(9, 6, True), (9, 5, False), (7, 5, True), (7, 4, False), (3, 2, True), (3, 1, False)],
)
def test_two_thirds_of_all_members(members, votes_for, passed):
    assert checks.vote_passes(votes_for, members) is passed


def test_six_of_nine_members_pass_and_the_case_moves(case):
    candidate, resolution = committee_vote(case, members=9, present=7, votes_for=6)
    assert resolution.passed and candidate.stage == St.GRASSROOTS_APPROVED
    assert (resolution.kind, resolution.base, resolution.present) == (
        Resolution.Kind.ADMISSION_GRASSROOTS, 9, 7,
    )  # fmt: skip
    assert (resolution.number, resolution.date) == ("08-NQ/ĐU", DAY)
    assert candidate.documents.filter(form=Form.GRASSROOTS_RESOLUTION).count() == 1
    data = candidate.events.latest("id").data
    assert (data["base"], data["for"]) == (9, 6)


def test_five_of_nine_fail_even_when_all_present_vote_for(case):
    """Two thirds of all members, not of those present: 5 of 5 present is not enough."""
    candidate, resolution = committee_vote(case, members=9, present=5, votes_for=5)
    assert not resolution.passed
    candidate.refresh_from_db()
    assert candidate.stage == St.CHAPTER_APPROVED
    assert not candidate.documents.filter(form=Form.GRASSROOTS_RESOLUTION).exists()
    event = candidate.events.latest("id")
    assert event.data["failed_vote"] == resolution.pk and event.data["failures"] == 1
    assert "escalate" not in event.data


def test_a_failed_vote_is_refused_until_confirmed(case):
    with pytest.raises(RuleViolated) as raised:
        committee_vote(case, votes_for=5, stop_on_warnings=True)
    [warning] = raised.value.violations
    assert (warning.rule, warning.blocking) == ("R10", False)
    assert warning.source == "Hướng dẫn 01-HD/TW, mục 3.6c"
    assert "5 × 3 = 15" in warning.message and "2 × 9 = 18" in warning.message  # noqa: RUF001
    assert not Resolution.objects.filter(kind=Resolution.Kind.ADMISSION_GRASSROOTS).exists()


def test_after_a_failed_vote_the_committee_votes_again(case):
    committee_vote(case, votes_for=5)
    candidate, resolution = committee_vote(case, votes_for=6)
    assert resolution.passed and candidate.stage == St.GRASSROOTS_APPROVED
    assert Resolution.objects.filter(kind=Resolution.Kind.ADMISSION_GRASSROOTS).count() == 2


# Bad figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "code"),
    [
        ({"members": 0, "present": 0, "votes_for": 0}, "required"),
        ({"members": 9, "present": 10, "votes_for": 7}, "present_over_members"),
        ({"members": 9, "present": 7, "votes_for": 6, "votes_against": 2}, "over_present"),
    ],
)
def test_impossible_figures_are_refused(case, figures, code):
    with pytest.raises(RuleViolated) as raised:
        committee_vote(case, **figures)
    assert code in {v.code for v in raised.value.refused}
    assert {v.rule for v in raised.value.refused} == {"R10"}
    assert not Resolution.objects.filter(kind=Resolution.Kind.ADMISSION_GRASSROOTS).exists()
    case.refresh_from_db()
    assert case.stage == St.CHAPTER_APPROVED


def test_the_committee_message_reads_in_vietnamese():
    with translation.override("vi"):
        [violation] = checks.check_committee_figures(9, 10, 7, 0)
    assert "cấp ủy viên" in violation.message


# The step page -----------------------------------------------------------------------------------


def step_url(case):
    return reverse("admissions:candidate-step", args=[case.public_id, "grassroots"])


FORM = {"number": "08-NQ/ĐU", "date": "10/05/2019", "issuing_body": "Đảng ủy cơ sở",
        "committee_members": 9, "present": 7, "votes_for": 6, "votes_against": 1}  # fmt: skip


def test_the_step_records_a_passed_vote(client, secretary, case):
    client.force_login(secretary)
    page = client.get(step_url(case))
    assert "Hướng dẫn 01-HD/TW, mục 3.6c" in page.text
    assert client.post(step_url(case), FORM).status_code == 302
    case.refresh_from_db()
    assert case.stage == St.GRASSROOTS_APPROVED
    detail = client.get(case.get_absolute_url()).text
    assert 'id="committee-vote-note"' in detail


def test_the_form_refuses_more_present_than_members_before_saving(client, secretary, case):
    client.force_login(secretary)
    response = client.post(step_url(case), {**FORM, "present": 10, "votes_against": 4})
    assert response.status_code == 200
    assert "present" in response.context["form"].errors
    assert not Resolution.objects.filter(kind=Resolution.Kind.ADMISSION_GRASSROOTS).exists()


def test_a_failed_vote_is_shown_then_recorded_once_confirmed(client, secretary, case):
    client.force_login(secretary)
    short = {**FORM, "votes_for": 5, "votes_against": 2}
    response = client.post(step_url(case), short)
    assert response.status_code == 200
    assert [v.rule for v in response.context["warnings"]] == ["R10"]
    assert not Resolution.objects.filter(kind=Resolution.Kind.ADMISSION_GRASSROOTS).exists()
    response = client.post(step_url(case), {**short, "acknowledge": "on"}, follow=True)
    assert Resolution.objects.get(kind=Resolution.Kind.ADMISSION_GRASSROOTS).passed is False
    case.refresh_from_db()
    assert case.stage == St.CHAPTER_APPROVED
    assert "Đảng ủy biểu quyết không thông qua" in response.text
