"""admissions.checks against DOMAIN.md §5, rule by rule, with the boundary cases.

Each test names the rule it checks and asserts the R-number of the violation it expects. Checks
that read the register (R6 introducers, R8 and R9 vote base) run on members put on the roll
through the real members services; the rest take unsaved rows.
"""

import datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admissions import checks
from admissions.checks import Violation
from admissions.models import (
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    Form,
    Introduction,
)
from chapter.dates import add_months
from chapter.models import RuleValue
from members import services as member_services
from members.models import Member
from tests.members.factories import ChapterFactory, member_details, register_member

# The rules' numbers are data (RuleValue rows), so even the pure checks read the database.
pytestmark = pytest.mark.django_db
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
Relation = BackgroundCheck.Relation
Kind = Introduction.Kind
TODAY = D(2021, 6, 30)


def rules_of(violations: list[Violation]) -> list[str]:
    return [v.rule for v in violations]


def applicant(**fields) -> Candidate:
    values = {
        "full_name": "Lê Thị Mai",
        "gender": "F",
        "date_of_birth": D(1986, 4, 2),  # over youth age (R7) on these tests' dates
        "education": Candidate.Education.UNIVERSITY,
    }
    return Candidate(**{**values, **fields})


def document(form: str, day: datetime.date) -> CandidateDocument:
    return CandidateDocument(form=form, date=day)


# R1: age, 216 to 720 completed months on the vote date --------------------------------------------

VOTE = D(2026, 3, 15)


def test_r1_exactly_18_years_on_the_vote_date_passes():
    assert checks.check_age(applicant(date_of_birth=D(2008, 3, 15)), VOTE) == []


def test_r1_the_day_before_the_18th_birthday_fails():
    violations = checks.check_age(applicant(date_of_birth=D(2008, 3, 16)), VOTE)
    assert rules_of(violations) == ["R1"]


def test_r1_17_years_11_months_fails():
    violations = checks.check_age(applicant(date_of_birth=add_months(VOTE, -215)), VOTE)
    assert rules_of(violations) == ["R1"]
    assert all(v.blocking for v in violations)


def test_r1_born_on_29_february_is_18_on_28_february():
    # 29/02/2008 + 216 months clamps to 28/02/2026 (chapter.dates, DOMAIN.md R14 [U]).
    born = D(2008, 2, 29)
    assert checks.check_age(applicant(date_of_birth=born), D(2026, 2, 28)) == []
    assert rules_of(checks.check_age(applicant(date_of_birth=born), D(2026, 2, 27))) == ["R1"]


def test_r1_exactly_60_years_passes():
    assert checks.check_age(applicant(date_of_birth=add_months(VOTE, -720)), VOTE) == []


def test_r1_60_years_and_one_day_is_still_720_completed_months():
    # DOMAIN.md R1 counts in whole months: 216 <= completed_months <= 720. Sixty years and a
    # day are 720 completed months, so the applicant is not yet "over 60".
    born = add_months(VOTE, -720) - ONE_DAY
    assert checks.check_age(applicant(date_of_birth=born), VOTE) == []


def test_r1_over_60_fails_without_the_provincial_approval():
    born = add_months(VOTE, -721)
    violations = checks.check_age(applicant(date_of_birth=born), VOTE)
    assert rules_of(violations) == ["R1"]
    assert violations[0].blocking


def test_r1_over_60_passes_with_the_provincial_approval():
    candidate = applicant(date_of_birth=D(1950, 1, 1), over_age_approval="12-CV/TU 03/02/2026")
    assert checks.check_age(candidate, VOTE) == []


# R2: education ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "education",
    [
        Candidate.Education.LOWER_SECONDARY,
        Candidate.Education.UPPER_SECONDARY,
        Candidate.Education.VOCATIONAL,
        Candidate.Education.UNIVERSITY,
    ],
)
def test_r2_lower_secondary_or_higher_passes(education):
    assert checks.check_education(applicant(education=education)) == []


def test_r2_primary_school_without_an_exception_fails():
    violations = checks.check_education(applicant(education=Candidate.Education.PRIMARY))
    assert rules_of(violations) == ["R2"]


def test_r2_a_village_elder_without_the_provincial_consent_fails():
    candidate = applicant(
        education=Candidate.Education.PRIMARY,
        education_exception=Candidate.EducationException.VILLAGE_ELDER,
    )
    assert rules_of(checks.check_education(candidate)) == ["R2"]


@pytest.mark.parametrize(
    ("exception", "consent"),
    [
        # The listed areas and fishermen need no approval (Hướng dẫn 01-HD/TW, mục 1.2).
        (Candidate.EducationException.REMOTE_AREA, {}),
        (Candidate.EducationException.FISHERMAN, {}),
        (
            Candidate.EducationException.VILLAGE_ELDER,
            {
                "education_exception_approval": "45-CV/BTCTU",
                "education_exception_approval_date": D(2020, 1, 2),
            },
        ),
    ],
)
def test_r2_primary_school_with_an_exception_passes(exception, consent):
    candidate = applicant(
        education=Candidate.Education.PRIMARY, education_exception=exception, **consent
    )
    assert checks.check_education(candidate) == []


# R3: the awareness certificate is at most 60 months old on the vote date --------------------------

ISSUED = D(2019, 3, 20)


def test_r3_a_certificate_exactly_60_months_old_passes():
    on = add_months(ISSUED, 60)
    assert checks.check_awareness([document(Form.AWARENESS, ISSUED)], on) == []


def test_r3_a_certificate_60_months_and_one_day_old_fails():
    on = add_months(ISSUED, 60) + ONE_DAY
    violations = checks.check_awareness([document(Form.AWARENESS, ISSUED)], on)
    assert rules_of(violations) == ["R3"]


def test_r3_a_missing_certificate_fails():
    violations = checks.check_awareness([document(Form.APPLICATION, ISSUED)], ISSUED)
    assert rules_of(violations) == ["R3"]


def test_r3_the_newest_certificate_counts():
    papers = [document(Form.AWARENESS, D(2010, 1, 1)), document(Form.AWARENESS, ISSUED)]
    assert checks.check_awareness(papers, D(2021, 1, 1)) == []


# R4: the application is dated on or before the background declaration -----------------------------


def test_r4_application_before_or_on_the_declaration_passes():
    for application in (D(2020, 3, 1), D(2020, 3, 2)):
        papers = [document(Form.APPLICATION, application), document(Form.BACKGROUND, D(2020, 3, 2))]
        assert checks.check_application(papers) == []


def test_r4_application_after_the_declaration_fails():
    papers = [document(Form.APPLICATION, D(2020, 3, 3)), document(Form.BACKGROUND, D(2020, 3, 2))]
    assert rules_of(checks.check_application(papers)) == ["R4"]


def test_r4_missing_papers_fail():
    assert rules_of(checks.check_application([])) == ["R4", "R4"]


# R5: certified after every reply, or a per-relative exemption -------------------------------------

CERTIFIED = D(2020, 5, 10)


REPLIED = D(2020, 5, 1)


def check(relation, *, replied_on=REPLIED, exempted=False) -> BackgroundCheck:
    return BackgroundCheck(
        relation=relation,
        person_name=str(relation),
        requested_on=D(2020, 4, 1),
        replied_on=replied_on,
        exempted=exempted,
        is_party_member=exempted,
        fully_declared=exempted,
        exemption_reason="Đảng viên, đã khai đầy đủ" if exempted else "",
    )


def test_r5_every_reply_in_before_the_certification_passes():
    rows = [
        check(Relation.SELF),
        check(Relation.FATHER),
        check(Relation.MOTHER, replied_on=CERTIFIED),
    ]
    assert checks.check_verification(rows, CERTIFIED) == []


def test_r5_a_missing_reply_fails():
    rows = [check(Relation.SELF), check(Relation.FATHER, replied_on=None)]
    assert rules_of(checks.check_verification(rows, CERTIFIED)) == ["R5"]


def test_r5_a_reply_after_the_certification_fails():
    rows = [check(Relation.SELF), check(Relation.FATHER, replied_on=CERTIFIED + ONE_DAY)]
    assert rules_of(checks.check_verification(rows, CERTIFIED)) == ["R5"]


@pytest.mark.parametrize("relation", [Relation.FATHER, Relation.MOTHER, Relation.CHILD])
def test_r5_an_exempted_parent_or_child_needs_no_reply(relation):
    rows = [check(Relation.SELF), check(relation, replied_on=None, exempted=True)]
    assert checks.check_verification(rows, CERTIFIED) == []


# The whole table, both ways: tests/admissions/test_rules_r5_verification.py.
@pytest.mark.parametrize("relation", [Relation.GUARDIAN, Relation.OTHER])
def test_r5_only_a_parent_sibling_or_child_can_be_exempted(relation):
    rows = [check(Relation.SELF), check(relation, replied_on=None, exempted=True)]
    assert rules_of(checks.check_verification(rows, CERTIFIED)) == ["R5"]


def test_r5_no_check_of_the_applicant_themself_fails():
    rows = [check(Relation.FATHER), check(Relation.MOTHER)]
    assert rules_of(checks.check_verification(rows, CERTIFIED)) == ["R5"]


# R6, R7: introducers ------------------------------------------------------------------------------

INTRODUCED = D(2020, 3, 10)


def introduction(kind=Kind.MEMBER, *, introducer=None, day=INTRODUCED, since=None, number=""):
    return Introduction(
        kind=kind,
        introducer=introducer,
        date=day,
        together_since=since if since is not None else add_months(day, -24),
        organisation="" if kind == Kind.MEMBER else "BCH Đoàn cơ sở",
        document_number=number,
    )


@pytest.fixture
def officials(chapter):
    return [register_member(chapter) for _ in range(2)]


def test_r6_two_distinct_official_members_pass(officials):
    intros = [introduction(introducer=m) for m in officials]
    assert checks.check_introducers(applicant(), intros, INTRODUCED) == []


def test_r6_the_same_member_twice_fails(officials):
    intros = [introduction(introducer=officials[0]), introduction(introducer=officials[0])]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


def test_r6_a_single_member_fails(officials):
    intros = [introduction(introducer=officials[0])]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


def test_r6_a_probationary_member_cannot_introduce(chapter, officials):
    probationary = register_member(
        chapter, status=Member.Status.PROBATIONARY, effective_date=D(2019, 12, 1)
    )
    intros = [introduction(introducer=officials[0]), introduction(introducer=probationary)]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


@pytest.mark.freeze_time(TODAY)
def test_r6_a_member_probationary_on_the_introduction_date_fails_though_official_now(
    chapter, officials
):
    # Ceremony 01/11/2019, official 01/11/2020, confirmed in 12/2020: probationary on the
    # introduction date 10/03/2020, official by the vote. R6 is judged on the letter's date.
    member = register_member(
        chapter,
        status=Member.Status.PROBATIONARY,
        effective_date=D(2019, 12, 1),
        ceremony_date=D(2019, 11, 1),
    )
    member_services.member_confirm_official(
        member_id=member.pk,
        actor=None,
        decision=member_services.Document("DECISION", "16-QĐ/ĐUK", D(2020, 12, 1), "ĐUK"),
    )
    member.refresh_from_db()
    assert member.status == Member.Status.OFFICIAL
    intros = [introduction(introducer=officials[0]), introduction(introducer=member)]
    vote_day = D(2021, 1, 15)
    assert rules_of(checks.check_introducers(applicant(), intros, vote_day)) == ["R6"]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


def test_r6_exactly_12_months_together_passes(officials):
    intros = [
        introduction(introducer=officials[0]),
        introduction(introducer=officials[1], since=add_months(INTRODUCED, -12)),
    ]
    assert checks.check_introducers(applicant(), intros, INTRODUCED) == []


def test_r6_one_day_short_of_12_months_together_fails(officials):
    intros = [
        introduction(introducer=officials[0]),
        introduction(introducer=officials[1], since=add_months(INTRODUCED, -12) + ONE_DAY),
    ]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


@pytest.mark.parametrize("kind", [Kind.YOUTH_UNION, Kind.TRADE_UNION])
def test_r6_a_union_resolution_and_one_official_member_pass(officials, kind):
    intros = [introduction(kind, number="12-NQ/ĐTN"), introduction(introducer=officials[0])]
    assert checks.check_introducers(applicant(), intros, INTRODUCED) == []


def test_r6_a_union_resolution_with_two_members_fails(officials):
    intros = [introduction(Kind.YOUTH_UNION, number="12-NQ/ĐTN")] + [
        introduction(introducer=m) for m in officials
    ]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


def test_r6_a_union_resolution_with_the_same_member_twice_fails(officials):
    intros = [
        introduction(Kind.YOUTH_UNION, number="12-NQ/ĐTN"),
        introduction(introducer=officials[0]),
        introduction(introducer=officials[0]),
    ]
    assert "R6" in rules_of(checks.check_introducers(applicant(), intros, INTRODUCED))


def test_r6_a_union_resolution_without_its_number_fails(officials):
    intros = [introduction(Kind.TRADE_UNION), introduction(introducer=officials[0])]
    assert rules_of(checks.check_introducers(applicant(), intros, INTRODUCED)) == ["R6"]


def test_r7_the_youth_path_blocks_by_default(officials):
    # A Youth Union member of 23 introduced by two members rather than the Youth Union
    # (Điều lệ Đảng, Điều 4: "phải là đoàn viên", introduced by the Youth Union executive).
    young = applicant(date_of_birth=D(1997, 1, 1), is_youth_union_member=True)
    intros = [introduction(introducer=m) for m in officials]
    violations = checks.check_introducers(young, intros, INTRODUCED)
    assert rules_of(violations) == ["R7"]
    assert violations[0].blocking


def test_r7_the_youth_path_warns_when_a_local_rule_says_so(officials):
    RuleValue.objects.create(
        key="YOUTH_PATH_BLOCKS", value=0, effective_from=D(2020, 1, 1), source="Local rule"
    )
    young = applicant(date_of_birth=D(1997, 1, 1), is_youth_union_member=True)
    intros = [introduction(introducer=m) for m in officials]
    violations = checks.check_introducers(young, intros, INTRODUCED)
    assert rules_of(violations) == ["R7"]
    assert not violations[0].blocking
    # Before the local rule was in force the same case was refused.
    earlier = [introduction(introducer=m, day=D(2019, 6, 1)) for m in officials]
    assert checks.check_youth_path(young, earlier, D(2019, 6, 1))[0].blocking


def test_r7_the_youth_union_path_or_an_older_applicant_raises_nothing(officials):
    young = applicant(date_of_birth=D(1997, 1, 1), is_youth_union_member=True)
    youth_path = [introduction(Kind.YOUTH_UNION, number="3-NQ/ĐTN")]
    assert checks.check_youth_path(young, youth_path, INTRODUCED) == []
    older = applicant(date_of_birth=D(1985, 1, 1), is_youth_union_member=True)
    assert checks.check_youth_path(older, [], INTRODUCED) == []


# R8: two thirds of the base -----------------------------------------------------------------------


def test_r8_exactly_two_thirds_passes():
    assert checks.vote_passes(4, 6)


def test_r8_three_of_five_fails():
    assert not checks.vote_passes(3, 5)  # 9 < 10


def test_r8_a_base_of_zero_fails():
    assert not checks.vote_passes(0, 0)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 500).flatmap(lambda b: st.tuples(st.integers(0, b), st.just(b))))
def test_r8_vote_passes_is_exactly_two_thirds(votes):
    votes_for, base = votes
    assert checks.vote_passes(votes_for, base) == (Fraction(votes_for, base) >= Fraction(2, 3))


def test_r8_vote_figures_within_the_base():
    base = checks.VoteBase(official=6, temporarily_out=0, exempted=0, exempted_present=0)
    assert checks.check_vote_figures(base, 6, 5, 1) == []
    assert rules_of(checks.check_vote_figures(base, 7, 5, 1)) == ["R8"]
    assert rules_of(checks.check_vote_figures(base, 5, 5, 1)) == ["R8"]


MEETING = D(2020, 6, 15)


@pytest.fixture
def six_officials(chapter):
    return [register_member(chapter) for _ in range(6)]


def test_r8_probationary_members_never_count(chapter, six_officials):
    register_member(chapter, status=Member.Status.PROBATIONARY, effective_date=D(2020, 2, 1))
    assert checks.vote_base(chapter, MEETING).base == 6


@pytest.mark.freeze_time(TODAY)
def test_r8_temporarily_transferred_out_members_are_subtracted(chapter, six_officials):
    member_services.member_temporary_out(
        member_id=six_officials[0].pk,
        actor=None,
        effective_date=D(2020, 3, 1),
        to_organisation="Chi bộ Trường Chính trị tỉnh",
    )
    base = checks.vote_base(chapter, MEETING)
    assert (base.official, base.temporarily_out, base.base) == (6, 1, 5)
    # Before they left they still counted.
    assert checks.vote_base(chapter, D(2020, 2, 28)).base == 6


@pytest.mark.freeze_time(TODAY)
def test_r8_exempted_members_count_only_when_present(chapter, six_officials):
    for member in six_officials[:2]:
        member_services.member_exempt(
            member_id=member.pk, actor=None, effective_date=D(2020, 1, 10), reason="Tuổi cao"
        )
    absent = checks.vote_base(chapter, MEETING)
    assert (absent.exempted, absent.base) == (2, 4)
    one_present = checks.vote_base(chapter, MEETING, exempted_present=1)
    assert one_present.base == 5
    # More exempted members "present" than there are exempted members adds nothing more.
    assert checks.vote_base(chapter, MEETING, exempted_present=5).base == 6


@pytest.mark.freeze_time(TODAY)
def test_r8_the_base_is_the_register_as_it_stood_on_the_meeting_day(chapter, six_officials):
    member_services.member_transfer_in(
        chapter=chapter,
        actor=None,
        effective_date=MEETING + ONE_DAY,
        status=Member.Status.OFFICIAL,
        from_organisation="Chi bộ Sở Y tế",
        letter=member_services.Document("TRANSFER_LETTER", "7-GGT", MEETING, "ĐUK"),
        details=member_details(),
    )
    member_services.member_transfer_out(
        member_id=six_officials[0].pk,
        actor=None,
        effective_date=MEETING + ONE_DAY,
        to_organisation="Chi bộ Sở Tài chính",
        letter=member_services.Document("TRANSFER_LETTER", "8-GGT", MEETING, "ĐUK"),
    )
    # Arrived after the meeting: not counted; left after the meeting: still counted.
    assert checks.vote_base(chapter, MEETING).base == 6
    assert checks.vote_base(chapter, MEETING + ONE_DAY).base == 6


def test_r8_other_chapters_do_not_count(chapter, six_officials):
    register_member(ChapterFactory())
    assert checks.vote_base(chapter, MEETING).official == 6


# R9: the chapter minimum --------------------------------------------------------------------------


def test_r9_a_chapter_of_two_official_members_cannot_vote(chapter):
    register_member(chapter)
    register_member(chapter)
    register_member(chapter, status=Member.Status.PROBATIONARY, effective_date=D(2020, 2, 1))
    base = checks.vote_base(chapter, MEETING)
    assert rules_of(checks.check_chapter_size(base, MEETING)) == ["R9"]


def test_r9_three_official_members_can_vote(chapter):
    for _ in range(3):
        register_member(chapter)
    assert checks.check_chapter_size(checks.vote_base(chapter, MEETING), MEETING) == []


# R18: the confirmation dossier --------------------------------------------------------------------

DOSSIER = [Form.SELF_REVIEW, Form.MENTOR_ASSESSMENT, Form.MEMBER_OPINIONS, Form.NEW_MEMBER_COURSE]


def test_r18_the_full_dossier_passes():
    papers = [document(form, D(2020, 5, 20)) for form in DOSSIER]
    assert checks.check_confirmation_dossier(papers, D(2020, 6, 2)) == []


@pytest.mark.parametrize("missing", DOSSIER)
def test_r18_each_missing_paper_fails(missing):
    papers = [document(form, D(2020, 5, 20)) for form in DOSSIER if form != missing]
    assert rules_of(checks.check_confirmation_dossier(papers, D(2020, 6, 2))) == ["R18"]


def test_r18_a_paper_dated_after_the_vote_does_not_count():
    papers = [document(form, D(2020, 5, 20)) for form in DOSSIER[:-1]]
    papers.append(document(Form.NEW_MEMBER_COURSE, D(2020, 6, 3)))
    assert rules_of(checks.check_confirmation_dossier(papers, D(2020, 6, 2))) == ["R18"]


# R20: re-admission --------------------------------------------------------------------------------

LEFT = D(2018, 6, 1)


def former(**fields) -> Candidate:
    values = {
        "former_exit_date": LEFT,
        "former_exit_reason": Candidate.ExitReason.OTHER,
        "readmission_consent": "99-CV/TU",
    }
    return applicant(**{**values, **fields})


def test_r20_exactly_36_months_after_leaving_passes():
    on = add_months(LEFT, 36)
    assert checks.check_readmission(former(), on, already_readmitted=False) == []


def test_r20_one_day_short_of_36_months_fails():
    on = add_months(LEFT, 36) - ONE_DAY
    assert rules_of(checks.check_readmission(former(), on, already_readmitted=False)) == ["R20"]


@pytest.mark.parametrize(
    "reason",
    [
        Candidate.ExitReason.ABANDONED,
        Candidate.ExitReason.ASKED_TO_LEAVE,
        Candidate.ExitReason.DISUNITY,
        Candidate.ExitReason.CORRUPTION_OR_CRIME,
    ],
)
def test_r20_barred_reasons_fail(reason):
    candidate = former(former_exit_reason=reason)
    violations = checks.check_readmission(candidate, D(2025, 1, 1), already_readmitted=False)
    assert rules_of(violations) == ["R20"]


def test_r20_once_only():
    violations = checks.check_readmission(former(), D(2025, 1, 1), already_readmitted=True)
    assert rules_of(violations) == ["R20"]


def test_r20_the_provincial_consent_is_required():
    candidate = former(readmission_consent="")
    violations = checks.check_readmission(candidate, D(2025, 1, 1), already_readmitted=False)
    assert rules_of(violations) == ["R20"]


def test_r20_the_leaving_date_is_required_for_a_former_member():
    candidate = former(former_exit_date=None)
    candidate.former_member_id = 1  # a former member on file, but no leaving date
    violations = checks.check_readmission(candidate, D(2025, 1, 1), already_readmitted=False)
    assert rules_of(violations) == ["R20"]


def test_r20_does_not_apply_to_a_first_admission():
    assert checks.check_readmission(applicant(), D(2025, 1, 1), already_readmitted=False) == []
