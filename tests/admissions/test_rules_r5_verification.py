"""R5 (Hướng dẫn 01-HD/TW, mục 3.4c): who needs no background verification, the whole relations
table both ways; relatives abroad verified through their own body; the check, the service, the
step form and the step page agree."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from admissions import checks, dossier_forms, services
from admissions.models import BackgroundCheck, Candidate
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member

pytestmark = pytest.mark.django_db
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
St = Candidate.Stage
Relation = BackgroundCheck.Relation
Basis = BackgroundCheck.ExemptionBasis
CERTIFIED = D(2020, 5, 10)
SOURCE = "Hướng dẫn 01-HD/TW, mục 3.4c"

OWN_SIDE = [Relation.FATHER, Relation.MOTHER, Relation.SIBLING, Relation.CHILD]
SPOUSE_SIDE = [
    Relation.SPOUSE,
    Relation.FATHER_IN_LAW,
    Relation.MOTHER_IN_LAW,
    Relation.SPOUSE_SIBLING,
]
NEVER = [Relation.SELF, Relation.GUARDIAN, Relation.OTHER]


def row(relation, *, member=False, declared=False, exempted=False, replied_on=None, **extra):
    return BackgroundCheck(
        relation=relation,
        person_name=f"Người {relation}",
        requested_on=D(2020, 4, 1),
        replied_on=replied_on,
        is_party_member=member,
        fully_declared=declared,
        exempted=exempted,
        exemption_reason="Đảng viên" if exempted else "",
        **extra,
    )


def applicant_self():
    return row(Relation.SELF, replied_on=D(2020, 5, 1))


def test_the_relations_table_lists_every_relation_the_guidance_names():
    assert set(Relation.values) == {
        "SELF", "FATHER", "MOTHER", "SIBLING", "CHILD", "GUARDIAN", "SPOUSE", "FATHER_IN_LAW",
        "MOTHER_IN_LAW", "SPOUSE_SIBLING", "OTHER",
    }  # fmt: skip
    assert set(OWN_SIDE) | set(SPOUSE_SIDE) | set(NEVER) == set(Relation.values)
    assert set(OWN_SIDE) | set(SPOUSE_SIDE) == checks.EXEMPTIBLE_RELATIONS


# The table, one way: a party member who is fully declared, alone ---------------------------------

# relation -> the basis its own membership gives (None: never exempted).
ALONE = {
    **dict.fromkeys(OWN_SIDE, Basis.MEMBER_RELATIVE),
    **dict.fromkeys(SPOUSE_SIDE, Basis.SPOUSE_SIDE),
    **dict.fromkeys(NEVER, None),
}


@pytest.mark.parametrize(("relation", "basis"), ALONE.items())
def test_a_member_relative_fully_declared(relation, basis):
    exempt = row(relation, member=True, declared=True, exempted=True)
    violations = checks.check_exemption(exempt, [])
    if basis is None:
        assert [(v.rule, v.field) for v in violations] == [("R5", "exempted")]
        assert violations[0].source == SOURCE
    else:
        assert violations == []
        assert checks.exemption_basis(exempt, []) == basis
        assert checks.check_verification([applicant_self(), exempt], CERTIFIED) == []


@pytest.mark.parametrize("relation", [*OWN_SIDE, *SPOUSE_SIDE, *NEVER])
def test_the_other_way_a_relative_not_a_member_is_verified(relation):
    exempt = row(relation, declared=True, exempted=True)
    assert [v.rule for v in checks.check_exemption(exempt, [])] == ["R5"]
    # At the certification the same row needs its reply.
    found = checks.check_verification([applicant_self(), exempt], CERTIFIED)
    assert [v.rule for v in found] == ["R5"]


@pytest.mark.parametrize("relation", OWN_SIDE + SPOUSE_SIDE)
def test_a_member_not_fully_declared_is_verified(relation):
    exempt = row(relation, member=True, exempted=True)
    [violation] = checks.check_exemption(exempt, [])
    assert violation.code == "not_fully_declared"
    assert "2-KNĐ" in violation.message


# The table, the other way: a member on the spouse's side exempts the whole side -----------------


@pytest.mark.parametrize("member_relation", SPOUSE_SIDE)
@pytest.mark.parametrize("relation", SPOUSE_SIDE)
def test_a_member_on_the_spouse_side_exempts_the_whole_side(member_relation, relation):
    the_member = row(member_relation, member=True, declared=True, replied_on=D(2020, 5, 1))
    exempt = row(relation, declared=True, exempted=True)
    assert checks.check_exemption(exempt, [the_member]) == []
    assert checks.exemption_basis(exempt, [the_member]) == Basis.SPOUSE_SIDE


@pytest.mark.parametrize("member_relation", SPOUSE_SIDE)
@pytest.mark.parametrize("relation", [*OWN_SIDE, *NEVER])
def test_a_member_on_the_spouse_side_exempts_nobody_else(member_relation, relation):
    the_member = row(member_relation, member=True, declared=True)
    exempt = row(relation, declared=True, exempted=True)
    assert [v.rule for v in checks.check_exemption(exempt, [the_member])] == ["R5"]


@pytest.mark.parametrize("member_relation", [*OWN_SIDE, Relation.GUARDIAN, Relation.OTHER])
@pytest.mark.parametrize("relation", SPOUSE_SIDE)
def test_a_member_on_the_applicants_own_side_does_not_exempt_the_spouse_side(
    member_relation, relation
):
    the_member = row(member_relation, member=True, declared=True)
    exempt = row(relation, declared=True, exempted=True)
    [violation] = checks.check_exemption(exempt, [the_member])
    assert violation.code == "no_member_on_spouse_side"


@pytest.mark.parametrize("relation", OWN_SIDE)
def test_a_parent_sibling_or_child_exempts_only_themself(relation):
    the_member = row(relation, member=True, declared=True, exempted=True)
    other = row(Relation.MOTHER if relation != Relation.MOTHER else Relation.FATHER, declared=True)
    other.exempted = True
    assert [v.code for v in checks.check_exemption(other, [the_member])] == ["not_a_member"]


def test_an_exemption_resting_on_a_spouse_side_member_falls_when_that_row_changes():
    spouse = row(Relation.SPOUSE, member=True, declared=True, replied_on=D(2020, 5, 1))
    father_in_law = row(Relation.FATHER_IN_LAW, declared=True, exempted=True)
    rows = [applicant_self(), spouse, father_in_law]
    assert checks.check_verification(rows, CERTIFIED) == []
    spouse.is_party_member = False
    assert [v.code for v in checks.check_verification(rows, CERTIFIED)] == [
        "no_member_on_spouse_side"
    ]


def test_the_applicant_is_never_exempted():
    [violation] = checks.check_exemption(
        row(Relation.SELF, member=True, declared=True, exempted=True), []
    )
    assert violation.code == "self_exempt"


def test_the_refusal_is_translated_and_cites_the_guidance():
    exempt = row(Relation.GUARDIAN, member=True, declared=True, exempted=True)
    with translation.override("vi"):
        [violation] = checks.check_exemption(exempt, [])
    assert "đảng viên" in violation.message
    assert "Only a birth parent" not in violation.message
    assert violation.source == SOURCE


# Relatives abroad: a check like any other, through the body that verifies abroad ------------------


def test_a_relative_abroad_names_the_body_that_verifies_them():
    abroad = row(Relation.SPOUSE, abroad=True)
    [violation] = checks.check_exemption(abroad, [])
    assert (violation.field, violation.code) == ("verifying_body", "abroad_without_body")
    abroad.verifying_body = "Đảng ủy Ngoài nước"
    assert checks.check_exemption(abroad, []) == []
    # It is a verification: the reply is still needed before the certification.
    assert [v.rule for v in checks.check_verification([applicant_self(), abroad], CERTIFIED)] == [
        "R5"
    ]
    abroad.replied_on = CERTIFIED
    assert checks.check_verification([applicant_self(), abroad], CERTIFIED) == []
    abroad.replied_on = CERTIFIED + ONE_DAY
    assert [v.rule for v in checks.check_verification([applicant_self(), abroad], CERTIFIED)] == [
        "R5"
    ]


def test_a_relative_abroad_who_is_exempted_needs_no_body():
    abroad = row(Relation.FATHER, member=True, declared=True, exempted=True, abroad=True)
    assert checks.check_exemption(abroad, []) == []


# The service, the step form and the step page ----------------------------------------------------


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(D(2020, 7, 15), tick=False):
        yield


@pytest.fixture
def story(chapter, cell):
    return PipelineStory(
        chapter=chapter, cell=cell, officials=[register_member(cell=cell) for _ in range(6)]
    )


def save(candidate, relation, **fields):
    return services.candidate_save_check(
        candidate_id=candidate.pk,
        actor=None,
        relation=relation,
        person_name=fields.pop("person_name", f"Người {relation}"),
        **fields,
    )


def test_the_service_records_the_basis_of_each_exemption(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    father = save(
        candidate,
        Relation.FATHER,
        is_party_member=True,
        fully_declared=True,
        exempted=True,
        exemption_reason="Đảng viên chi bộ 3",
    )
    assert father.exemption_basis == Basis.MEMBER_RELATIVE
    save(candidate, Relation.SPOUSE, is_party_member=True, fully_declared=True, replied_on=None)
    mother_in_law = save(
        candidate,
        Relation.MOTHER_IN_LAW,
        fully_declared=True,
        exempted=True,
        exemption_reason="Chồng là đảng viên",
    )
    assert mother_in_law.exemption_basis == Basis.SPOUSE_SIDE


def test_the_service_refuses_an_exemption_the_guidance_does_not_allow(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    with pytest.raises(ValidationError) as raised:
        save(candidate, Relation.SPOUSE, fully_declared=True, exempted=True, exemption_reason="x")
    assert raised.value.violations[0].code == "no_member_on_spouse_side"
    assert "exempted" in raised.value.error_dict
    assert not candidate.checks.exists()


def test_the_service_refuses_a_relative_abroad_without_the_verifying_body(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    with pytest.raises(ValidationError) as raised:
        save(candidate, Relation.CHILD, abroad=True)
    assert "verifying_body" in raised.value.error_dict
    saved = save(candidate, Relation.CHILD, abroad=True, verifying_body="Đảng ủy Ngoài nước")
    assert saved.verifying_body == "Đảng ủy Ngoài nước"


def test_the_step_form_shows_the_refusal_before_saving(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    data = {
        "relation": Relation.SPOUSE_SIBLING,
        "person_name": "Trần Văn Dũng",
        "fully_declared": "on",
        "exempted": "on",
        "exemption_reason": "Anh vợ là đảng viên",
    }
    form = dossier_forms.CheckForm(data, candidate=candidate)
    assert not form.is_valid()
    assert "exempted" in form.errors
    save(candidate, Relation.SPOUSE, is_party_member=True, fully_declared=True)
    form = dossier_forms.CheckForm(data, candidate=candidate)
    assert form.is_valid(), form.errors


def test_the_step_page_refuses_and_writes_nothing(client, secretary, story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "check"])
    data = {
        "relation": Relation.GUARDIAN,
        "person_name": "Lê Văn Tư",
        "is_party_member": "on",
        "fully_declared": "on",
        "exempted": "on",
        "exemption_reason": "Đảng viên",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not candidate.checks.exists()
    # Beside the box, in the reader's language, the guidance's own words for whom it exempts.
    assert "is-invalid" in response.text
    guardian = row(Relation.GUARDIAN, member=True, declared=True, exempted=True)
    guardian.person_name = "Lê Văn Tư"
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        [violation] = checks.check_exemption(guardian, [])
    assert violation.message.replace("'", "&#x27;") in response.text


def test_certification_with_a_spouse_side_exemption(story):
    candidate = story.candidate_at(St.DOSSIER_OPEN)
    replied = story.day("checks")
    save(candidate, Relation.SELF, person_name=candidate.full_name, replied_on=replied)
    save(candidate, Relation.SPOUSE, is_party_member=True, fully_declared=True, replied_on=replied)
    save(
        candidate,
        Relation.FATHER_IN_LAW,
        fully_declared=True,
        exempted=True,
        exemption_reason="Vợ là đảng viên",
    )
    certified = services.candidate_certify_background(
        candidate_id=candidate.pk, actor=None, certified_on=story.day("certified")
    )
    assert certified.stage == St.BACKGROUND_VERIFIED
