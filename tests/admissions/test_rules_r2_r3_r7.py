"""R2 education exceptions (Hướng dẫn 01-HD/TW, mục 1.2), R7 the youth path (Điều lệ Đảng,
Điều 4), and papers that count only when dated on or before the act (R3, R4, R18)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from admissions import checks, forms, services
from admissions.models import (
    Candidate,
    CandidateDocument,
    ChapterAdmissionSettings,
    Form,
    Introduction,
    Resolution,
)
from chapter.dates import add_months
from chapter.documents import Document
from chapter.models import RuleValue
from members.models import Chapter
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
St = Candidate.Stage
Education = Candidate.Education
Category = Candidate.EducationException
VOTE = D(2020, 3, 10)


def applicant(**fields) -> Candidate:
    values = {
        "full_name": "Hồ Văn Sáng",
        "gender": "M",
        "date_of_birth": D(1970, 4, 2),
        "education": Education.UNIVERSITY,
    }
    return Candidate(**{**values, **fields})


def rules_of(violations) -> list[str]:
    return [v.rule for v in violations]


# R2: education -----------------------------------------------------------------------------------

SECONDARY = [Education.LOWER_SECONDARY, Education.UPPER_SECONDARY, Education.VOCATIONAL,
             Education.UNIVERSITY]  # fmt: skip


@pytest.mark.parametrize("level", SECONDARY)
@pytest.mark.parametrize("category", Category.values)
def test_r2_lower_secondary_or_higher_needs_nothing_more(level, category):
    assert checks.check_education(applicant(education=level, education_exception=category)) == []


@pytest.mark.parametrize("category", [Category.REMOTE_AREA, Category.FISHERMAN])
def test_r2_primary_school_is_enough_in_the_listed_areas_and_for_fishermen_without_approval(
    category,
):
    candidate = applicant(education=Education.PRIMARY, education_exception=category)
    assert checks.check_education(candidate, VOTE) == []


@pytest.mark.parametrize("category", [Category.REMOTE_AREA, Category.FISHERMAN, Category.NONE])
def test_r2_able_to_read_and_write_is_not_enough_outside_the_village_elders(category):
    candidate = applicant(education=Education.LITERATE, education_exception=category)
    [violation] = checks.check_education(candidate, VOTE)
    assert violation.rule == "R2"
    assert violation.source.endswith("Hướng dẫn 01-HD/TW, mục 1.2")


def test_r2_primary_school_without_an_exception_is_refused():
    [violation] = checks.check_education(applicant(education=Education.PRIMARY), VOTE)
    assert (violation.rule, violation.field) == ("R2", "education_exception")
    with translation.override("vi"):
        [violation] = checks.check_education(applicant(education=Education.PRIMARY), VOTE)
    assert "trung học cơ sở" in violation.message


@pytest.mark.parametrize("level", [Education.LITERATE, Education.PRIMARY])
def test_r2_a_village_elder_needs_the_provincial_consent_dated_on_or_before_the_vote(level):
    elder = applicant(education=level, education_exception=Category.VILLAGE_ELDER)
    [violation] = checks.check_education(elder, VOTE)
    assert violation.code == checks.applicant.CONSENT_CODE
    elder.education_exception_approval = "45-CV/TU"
    assert rules_of(checks.check_education(elder, VOTE)) == ["R2"]  # no date yet
    elder.education_exception_approval_date = VOTE
    assert checks.check_education(elder, VOTE) == []
    elder.education_exception_approval_date = VOTE + ONE_DAY
    [violation] = checks.check_education(elder, VOTE)
    assert violation.code == checks.applicant.CONSENT_CODE


def test_r2_the_pool_takes_a_village_elder_before_the_consent_but_not_a_mismatch(chapter):
    elder = applicant(education=Education.LITERATE, education_exception=Category.VILLAGE_ELDER)
    assert checks.check_education_category(elder) == []
    literate = applicant(education=Education.LITERATE)
    assert rules_of(checks.check_education_category(literate)) == ["R2"]
    with pytest.raises(ValidationError) as raised:
        services.candidate_create(
            chapter=chapter,
            actor=None,
            day=D(2020, 1, 6),
            details={
                "full_name": "Hồ Văn Sáng",
                "gender": "M",
                "date_of_birth": D(1950, 4, 2),
                "education": Education.LITERATE,
            },
        )
    assert "education_exception" in raised.value.error_dict


@pytest.mark.freeze_time("2020-03-15")
def test_r2_the_new_candidate_form_shows_the_mismatch_before_saving(chapter):
    data = {
        "full_name": "Hồ Văn Sáng",
        "gender": "M",
        "date_of_birth": "02/04/1950",
        "ethnicity": "Ê Đê",
        "source": Candidate.Source.CHAPTER,
        "day": "06/01/2020",
        "education": Education.LITERATE,
        "education_exception": Category.FISHERMAN,
    }
    form = forms.CandidateCreateForm(data, chapters=Chapter.objects.filter(pk=chapter.pk))
    assert not form.is_valid()
    assert "education_exception" in form.errors
    data["education_exception"] = Category.VILLAGE_ELDER
    form = forms.CandidateCreateForm(data, chapters=Chapter.objects.filter(pk=chapter.pk))
    assert form.is_valid(), form.errors


# R7: the youth path ------------------------------------------------------------------------------


def member_intros(officials, day=VOTE):
    return [
        Introduction(
            kind=Introduction.Kind.MEMBER,
            introducer=m,
            date=day,
            together_since=add_months(day, -24),
        )
        for m in officials
    ]


@pytest.fixture
def officials(chapter):
    return [register_member(chapter) for _ in range(2)]


def test_r7_blocks_by_default():
    assert checks.is_youth_age(applicant(date_of_birth=D(1990, 1, 1)), VOTE)
    young = applicant(date_of_birth=D(1990, 1, 1))
    [violation] = checks.check_youth_path(young, [], VOTE)
    assert (violation.rule, violation.code, violation.blocking) == (
        "R7",
        "not_youth_union_member",
        True,
    )
    assert violation.source == "Điều lệ Đảng, Điều 4"


def test_r7_the_age_limit_the_day_before_and_the_day_of_the_31st_birthday():
    # Youth age (16-30): up to the day before the 31st birthday.
    born = D(1989, 3, 10)
    assert checks.is_youth_age(applicant(date_of_birth=born), VOTE - ONE_DAY)
    assert rules_of(checks.check_youth_path(applicant(date_of_birth=born), [], VOTE - ONE_DAY)) == [
        "R7"
    ]
    assert not checks.is_youth_age(applicant(date_of_birth=born), VOTE)
    assert checks.check_youth_path(applicant(date_of_birth=born), [], VOTE) == []


def test_r7_the_age_limit_is_a_rule_value():
    RuleValue.objects.create(
        key="YOUTH_MAX_AGE", value=35, effective_from=D(2020, 1, 1), source="x"
    )
    assert checks.is_youth_age(applicant(date_of_birth=D(1986, 1, 1)), VOTE)


def test_r7_a_youth_union_member_on_the_youth_union_path_passes(officials):
    young = applicant(date_of_birth=D(1997, 1, 1), is_youth_union_member=True)
    union = Introduction(
        kind=Introduction.Kind.YOUTH_UNION, organisation="BCH Đoàn cơ sở",
        document_number="3-NQ/ĐTN", date=VOTE,
    )  # fmt: skip
    intros = [union, *member_intros(officials[:1])]
    assert checks.check_introducers(young, intros, VOTE) == []
    # Two members instead of the Youth Union: refused, with the reason.
    [violation] = checks.check_introducers(young, member_intros(officials), VOTE)
    assert (violation.rule, violation.code) == ("R7", "youth_path")


def test_r7_where_no_youth_union_exists_the_applicant_need_not_be_a_member(chapter, officials):
    young = applicant(date_of_birth=D(1997, 1, 1), chapter=chapter)
    assert rules_of(checks.check_introducers(young, member_intros(officials), VOTE)) == ["R7"]
    ChapterAdmissionSettings.objects.create(chapter=chapter, youth_union_exists=False)
    young = applicant(date_of_birth=D(1997, 1, 1), chapter=Chapter.objects.get(pk=chapter.pk))
    assert checks.check_introducers(young, member_intros(officials), VOTE) == []


def test_r7_a_chapter_may_set_the_rule_to_warn(officials):
    RuleValue.objects.create(
        key="YOUTH_PATH_BLOCKS", value=0, effective_from=D(2020, 1, 1), source="Local rule"
    )
    young = applicant(date_of_birth=D(1997, 1, 1))
    [violation] = checks.check_youth_path(young, [], VOTE)
    assert not violation.blocking
    # Before that value was in force the default blocks.
    assert checks.check_youth_path(young, [], D(2019, 12, 31))[0].blocking


def test_r7_the_message_is_translated():
    with translation.override("vi"):
        [violation] = checks.check_youth_path(applicant(date_of_birth=D(1997, 1, 1)), [], VOTE)
    assert "đoàn viên" in violation.message


# R3, R4, R18: a paper counts only when dated on or before the act ---------------------------------


def paper(form, day):
    return CandidateDocument(form=form, date=day)


def test_r3_a_certificate_renewed_after_the_vote_never_makes_that_vote_valid():
    expired = paper(Form.AWARENESS, add_months(VOTE, -61))
    renewed = paper(Form.AWARENESS, VOTE + ONE_DAY)
    [violation] = checks.check_awareness([expired, renewed], VOTE)
    assert violation.rule == "R3"
    assert "expired" in violation.message or "hết" in violation.message
    # Renewed on the vote day itself: it counts.
    assert checks.check_awareness([expired, paper(Form.AWARENESS, VOTE)], VOTE) == []


def test_r3_a_certificate_dated_only_after_the_vote_is_named_as_too_late():
    [violation] = checks.check_awareness([paper(Form.AWARENESS, VOTE + ONE_DAY)], VOTE)
    assert violation.rule == "R3"
    assert "11/03/2020" in violation.message


def test_r4_papers_dated_after_the_vote_do_not_count():
    application = paper(Form.APPLICATION, D(2019, 6, 1))
    late = paper(Form.BACKGROUND, VOTE + ONE_DAY)
    assert rules_of(checks.check_application([application, late], VOTE)) == ["R4"]
    on_time = paper(Form.BACKGROUND, VOTE)
    assert checks.check_application([application, on_time], VOTE) == []


@pytest.mark.parametrize("form", [*checks.CONFIRMATION_FORMS, Form.CONFIRMATION_RESOLUTION])
def test_r18_the_confirmation_dossier_counts_papers_dated_on_or_before_the_act(form):
    act = D(2020, 6, 25)
    papers = [paper(f, act) for f in (*checks.CONFIRMATION_FORMS, Form.CONFIRMATION_RESOLUTION)]
    assert checks.check_confirmation_dossier(papers, act, resolution=True) == []
    late = [p if p.form != form else paper(form, act + ONE_DAY) for p in papers]
    assert rules_of(checks.check_confirmation_dossier(late, act, resolution=True)) == ["R18"]


# Through the services: a vote recorded after the fact ---------------------------------------------


@pytest.fixture
def story(chapter, cell):
    return PipelineStory(
        chapter=chapter, cell=cell, officials=[register_member(cell=cell) for _ in range(6)]
    )


def test_a_renewal_dated_after_the_vote_is_refused_for_that_vote(story):
    with time_machine.travel(D(2024, 7, 15), tick=False):
        candidate = story.candidate_at(St.INTRODUCED)
        vote_day = add_months(story.day("course"), 60) + ONE_DAY  # the certificate expired
        services.candidate_record_course(
            candidate_id=candidate.pk,
            actor=None,
            certificate=Document(number="CN-2", date=vote_day + ONE_DAY, issuing_body="TTCT"),
        )
        vote = services.Vote(date=vote_day, number="01", present=6, votes_for=6, votes_against=0)
        with pytest.raises(ValidationError) as raised:
            services.candidate_chapter_vote(candidate_id=candidate.pk, actor=None, vote=vote)
        assert "R3" in [v.rule for v in raised.value.refused]
        assert not Resolution.objects.exists()
