"""R29 (Hướng dẫn 01-HD/TW): a dossier complete twelve months ago without a chapter vote is
redone — new introductions (3-, 4-KNĐ), a new summary of opinions (5-KNĐ) and a supplementary
background check, dated after the last fresh day — and the vote is refused until it is."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from admissions import checks, services
from admissions.checks import RuleViolated
from admissions.models import BackgroundCheck, Candidate, Form, Resolution
from chapter.documents import Document
from chapter.models import RuleValue
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2021-06-30")]
St = Candidate.Stage
D = datetime.date
# The story's summary of opinions (5-KNĐ): the dossier is complete on 22/04/2019.
COMPLETE = D(2019, 4, 22)
LAST_FRESH = D(2020, 4, 22)


@pytest.fixture
def story(secretary, chapter):
    return PipelineStory.build(officials=6, chapter=chapter)


@pytest.fixture
def case(story):
    # Over the youth age: the Youth Union path (R7) stays out of these tests.
    return story.candidate_at(St.INTRODUCED, date_of_birth=D(1985, 4, 2))


def vote(day, **figures):
    values = {"present": 6, "votes_for": 6, "votes_against": 0, **figures}
    return services.Vote(date=day, number="01-NQ/CB", **values)


def hold_vote(case, day):
    return services.candidate_chapter_vote(candidate_id=case.pk, actor=None, vote=vote(day))


def paper(case, form, day):
    services.candidate_add_document(
        candidate_id=case.pk, actor=None, form=form, paper=Document(number="1", date=day)
    )


def supplementary(case, requested, replied):
    return services.candidate_supplementary_check(
        candidate_id=case.pk,
        actor=None,
        person_name=case.full_name,
        requested_on=requested,
        replied_on=replied,
        result="Không có gì mới",
    )


LETTERS, OPINIONS, REPLY = D(2020, 5, 4), D(2020, 5, 10), D(2020, 5, 8)


def renew(case, letters=LETTERS, opinions=OPINIONS, check=REPLY):
    paper(case, Form.INTRODUCTION, letters)
    paper(case, Form.INTRODUCTION, letters)
    paper(case, Form.OPINIONS, opinions)
    supplementary(case, letters, check)


def refusal(case, day) -> RuleViolated:
    with pytest.raises(RuleViolated) as raised:
        hold_vote(case, day)
    return raised.value


# The boundary: twelve months to the day, and a day more ------------------------------------------


def test_the_dossier_is_complete_on_the_day_the_case_was_introduced(case):
    fresh = checks.case_freshness(case, LAST_FRESH)
    assert (fresh.completed, fresh.fresh_until, fresh.stale) == (COMPLETE, LAST_FRESH, False)
    assert case.events.get(to_stage=St.INTRODUCED).date == COMPLETE


def test_twelve_months_to_the_day_the_chapter_still_votes(case):
    candidate, resolution = hold_vote(case, LAST_FRESH)
    assert resolution.passed and candidate.stage == St.CHAPTER_APPROVED


def test_a_day_more_the_vote_is_refused_citing_the_guidance(case):
    error = refusal(case, LAST_FRESH + datetime.timedelta(days=1))
    [stale] = [v for v in error.violations if v.rule == "R29"]
    assert stale.blocking and stale.code == "dossier_stale"
    assert stale.source == "Hướng dẫn 01-HD/TW"
    assert "22/04/2020" in stale.message and "5-KNĐ" in stale.message
    assert not Resolution.objects.exists()
    case.refresh_from_db()
    assert case.stage == St.INTRODUCED


def test_the_refusal_reads_in_vietnamese(case):
    with translation.override("vi"):
        error = refusal(case, D(2020, 6, 1))
        message = next(v.message for v in error.violations if v.rule == "R29")
    assert "thẩm tra lý lịch bổ sung" in message
    assert "22/04/2020" in message


def test_a_failed_vote_within_the_twelve_months_does_not_restart_them(case):
    _candidate, failed = services.candidate_chapter_vote(
        candidate_id=case.pk, actor=None, vote=vote(D(2019, 6, 1), votes_for=3, votes_against=3)
    )
    assert not failed.passed
    case.refresh_from_db()
    assert checks.case_freshness(case, D(2020, 4, 23)).stale


# Redoing the papers lifts the block --------------------------------------------------------------


def test_redone_papers_lift_the_block(case):
    renew(case)
    candidate, resolution = hold_vote(case, D(2020, 5, 15))
    assert resolution.passed and candidate.stage == St.CHAPTER_APPROVED


def test_each_missing_paper_is_named(case):
    paper(case, Form.INTRODUCTION, D(2020, 5, 4))
    paper(case, Form.YOUTH_RESOLUTION, D(2020, 5, 4))  # a union's resolution and one 3-KNĐ
    fresh = checks.case_freshness(case, D(2020, 5, 15))
    assert fresh.missing == (checks.freshness.OPINIONS, checks.freshness.CHECK)
    with translation.override("en"):
        error = refusal(case, D(2020, 5, 15))
    message = next(v.message for v in error.violations if v.rule == "R29")
    assert "a new summary of opinions (5-KNĐ)" in message
    assert "a supplementary background check" in message
    assert "new introductions" not in message


def test_one_new_letter_is_not_enough(case):
    paper(case, Form.INTRODUCTION, D(2020, 5, 4))
    paper(case, Form.OPINIONS, D(2020, 5, 10))
    supplementary(case, D(2020, 5, 4), D(2020, 5, 8))
    assert checks.case_freshness(case, D(2020, 5, 15)).missing == (checks.freshness.LETTERS,)


def test_papers_dated_on_the_last_fresh_day_do_not_count(case):
    paper(case, Form.INTRODUCTION, LAST_FRESH)
    paper(case, Form.INTRODUCTION, LAST_FRESH)
    paper(case, Form.OPINIONS, LAST_FRESH)
    # The supplementary check itself cannot be requested on that day (below): a reply can.
    BackgroundCheck.objects.create(
        candidate=case, relation="SELF", person_name="x", requested_on=D(2020, 4, 1),
        replied_on=LAST_FRESH,
    )  # fmt: skip
    assert checks.case_freshness(case, D(2020, 5, 15)).missing == (
        checks.freshness.LETTERS, checks.freshness.OPINIONS, checks.freshness.CHECK,
    )  # fmt: skip


def test_papers_dated_after_the_vote_do_not_count(case):
    renew(case, letters=D(2020, 5, 4), opinions=D(2020, 5, 20), check=D(2020, 5, 8))
    error = refusal(case, D(2020, 5, 15))
    assert [v.rule for v in error.refused] == ["R29"]


def test_a_renewed_dossier_is_fresh_twelve_months_from_its_last_paper(case):
    renew(case)  # the last renewed paper: the summary of 10/05/2020
    assert checks.case_freshness(case, D(2021, 5, 10)).stale is False
    later = checks.case_freshness(case, D(2021, 5, 11))
    assert later.stale and later.fresh_until == D(2021, 5, 10)
    assert later.renewed_after == LAST_FRESH


def test_the_twelve_months_are_a_rule_value(case):
    RuleValue.objects.create(
        key="DOSSIER_FRESH_MONTHS", value=18, effective_from=D(2019, 1, 1), source="test"
    )
    assert checks.case_freshness(case, D(2020, 10, 22)).stale is False
    assert checks.case_freshness(case, D(2020, 10, 23)).stale is True


# The supplementary background check --------------------------------------------------------------


def test_no_supplementary_check_while_the_dossier_is_fresh(case):
    with pytest.raises(RuleViolated) as raised:
        supplementary(case, LAST_FRESH, None)
    assert [(v.rule, v.code, v.field) for v in raised.value.violations] == [
        ("R29", "dossier_fresh", "requested_on")
    ]
    assert not case.checks.filter(requested_on=LAST_FRESH).exists()
    row = supplementary(case, LAST_FRESH + datetime.timedelta(days=1), None)
    assert row.relation == BackgroundCheck.Relation.SELF and row.replied_on is None


def test_the_reply_is_added_to_the_supplementary_request(case):
    row = supplementary(case, D(2020, 5, 4), None)
    services.candidate_supplementary_check(
        candidate_id=case.pk, actor=None, person_name=row.person_name,
        requested_on=row.requested_on, replied_on=D(2020, 5, 8), check_id=row.pk,
    )  # fmt: skip
    row.refresh_from_db()
    assert row.replied_on == D(2020, 5, 8)


def test_an_old_check_cannot_be_turned_into_a_supplementary_one(case):
    old = case.checks.get(relation="SELF")
    with pytest.raises(RuleViolated):
        services.candidate_supplementary_check(
            candidate_id=case.pk, actor=None, person_name=old.person_name,
            requested_on=D(2020, 5, 4), replied_on=D(2020, 5, 8), check_id=old.pk,
        )  # fmt: skip


def test_the_supplementary_check_is_only_for_a_case_waiting_for_the_vote(story):
    candidate = story.candidate_at(St.BACKGROUND_VERIFIED)
    with pytest.raises(services.StepNotAllowed):
        supplementary(candidate, D(2020, 5, 4), None)


# The pages ---------------------------------------------------------------------------------------


@pytest.mark.freeze_time("2020-06-30")
def test_the_case_page_and_the_board_flag_a_stale_dossier(client, secretary, case):
    client.force_login(secretary)
    page = client.get(case.get_absolute_url()).text
    assert 'id="dossier-stale"' in page and 'id="stale-flag"' in page
    assert "?form=3-KND" in page and "supplementary-check" in page
    assert "adm-stale" in client.get(reverse("admissions:board")).text
    assert "adm-stale" in client.get(reverse("admissions:candidate-list")).text
    renew(case)
    page = client.get(case.get_absolute_url()).text
    assert 'id="dossier-stale"' not in page
    assert "adm-stale" not in client.get(reverse("admissions:board")).text


@pytest.mark.freeze_time("2020-04-22")
def test_a_fresh_dossier_is_not_flagged(client, secretary, case):
    client.force_login(secretary)
    assert 'id="dossier-stale"' not in client.get(case.get_absolute_url()).text
    assert "adm-stale" not in client.get(reverse("admissions:board")).text
    step = reverse("admissions:candidate-step", args=[case.public_id, "supplementary-check"])
    assert client.get(step).status_code == 403


def test_the_vote_page_shows_the_papers_to_redo_and_refuses(client, secretary, case):
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[case.public_id, "vote"])
    facts = dict(client.get(url).context["facts"])
    assert facts["Ngày hoàn chỉnh hồ sơ"] == "22/04/2019"  # Dossier complete
    assert "thẩm tra lý lịch bổ sung" in facts["Hồ sơ phải làm lại"]  # Papers to redo
    data = {"date": "01/06/2020", "number": "01", "present": 6, "votes_for": 6,
            "votes_against": 0, "acknowledge": "on"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "R29" in [v.rule for v in response.context["refused"]]
    assert "Hướng dẫn 01-HD/TW" in response.text
    assert not Resolution.objects.exists()


def test_the_supplementary_check_step_records_the_check(client, secretary, case):
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[case.public_id, "supplementary-check"])
    assert "Hồ sơ phải làm lại" in dict(client.get(url).context["facts"])  # Papers to redo
    data = {"relation": "SELF", "person_name": case.full_name, "requested_on": "04/05/2020",
            "replied_on": "08/05/2020", "result": "Tốt"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert case.checks.filter(requested_on=D(2020, 5, 4), replied_on=D(2020, 5, 8)).exists()
    early = {**data, "requested_on": "22/04/2020", "replied_on": ""}
    response = client.post(url, early)
    assert response.status_code == 200
    assert "22/04/2020" in str(response.context["form"].errors["requested_on"])
