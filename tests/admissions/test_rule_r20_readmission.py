"""R20 (Quy định 294-QĐ/TW, mục 3.5): re-admission. 36 months after leaving; 60 months after a
less serious conviction is expunged; someone who asked to leave only with the chapter's document
on very hard family circumstances; never after abandoning activity, serious disunity, corruption
or a serious crime; once only; the provincial standing committee's written consent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from admissions import checks, services
from admissions.checks import RuleViolated
from admissions.models import Candidate
from chapter.dates import add_months
from chapter.models import RuleValue

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
LEFT = D(2018, 6, 1)
EXPUNGED = D(2019, 3, 15)
Reason, Conviction = Candidate.ExitReason, Candidate.Conviction


def former(**fields) -> Candidate:
    values = {
        "full_name": "Phạm Văn Long",
        "gender": "M",
        "date_of_birth": D(1980, 3, 15),
        "education": Candidate.Education.UNIVERSITY,
        "former_exit_date": LEFT,
        "former_exit_reason": Reason.OTHER,
        "readmission_consent": "99-CV/TU",
    }
    return Candidate(**{**values, **fields})


HARDSHIP = {
    "former_exit_reason": Reason.ASKED_TO_LEAVE,
    "hardship_document": "Biên bản xác minh hoàn cảnh gia đình của chi bộ",
    "hardship_number": "12-BB/CB",
    "hardship_date": D(2017, 12, 1),
}
LESS_SERIOUS = {"conviction": Conviction.LESS_SERIOUS, "conviction_expunged_on": EXPUNGED}


def found(candidate, on, *, again=False):
    return checks.check_readmission(candidate, on, already_readmitted=again)


def codes(violations) -> list[str]:
    return [v.code for v in violations]


# 36 months after leaving -------------------------------------------------------------------------


def test_36_months_after_leaving_the_day_before_and_the_day_of():
    start = add_months(LEFT, 36)
    assert codes(found(former(), start - ONE_DAY)) == ["too_early"]
    assert found(former(), start) == []


# Asked to leave: only with very hard family circumstances on record ------------------------------


def test_asked_to_leave_without_the_document_is_refused():
    violations = found(former(former_exit_reason=Reason.ASKED_TO_LEAVE), D(2025, 1, 1))
    assert codes(violations) == ["hardship_missing"]
    assert violations[0].source == "Quy định 294-QĐ/TW, mục 3.5"


@pytest.mark.parametrize("missing", ["hardship_document", "hardship_number", "hardship_date"])
def test_the_document_needs_its_number_date_and_what_it_is(missing):
    candidate = former(**{**HARDSHIP, missing: None if missing == "hardship_date" else ""})
    assert codes(found(candidate, D(2025, 1, 1))) == ["hardship_missing"]


def test_asked_to_leave_with_the_document_may_be_readmitted():
    assert found(former(**HARDSHIP), D(2025, 1, 1)) == []


def test_a_document_dated_after_the_day_does_not_count():
    candidate = former(**{**HARDSHIP, "hardship_date": D(2025, 1, 2)})
    assert codes(found(candidate, D(2025, 1, 1))) == ["hardship_later"]
    assert found(candidate, D(2025, 1, 2)) == []


# A less serious conviction: 60 months after it was expunged --------------------------------------


def test_60_months_after_expungement_the_day_before_and_the_day_of():
    start = add_months(EXPUNGED, 60)  # 15/03/2024
    assert codes(found(former(**LESS_SERIOUS), start - ONE_DAY)) == ["too_early"]
    assert found(former(**LESS_SERIOUS), start) == []


def test_the_60_months_replace_the_36_after_leaving():
    # Left in 2010, expunged in 2019: 36 months since leaving are long past, 60 since the
    # expungement are not.
    candidate = former(former_exit_date=D(2010, 1, 1), **LESS_SERIOUS)
    [violation] = found(candidate, D(2023, 1, 1))
    assert violation.code == "too_early" and "15/03/2024" in violation.message


def test_the_expungement_date_is_required():
    candidate = former(conviction=Conviction.LESS_SERIOUS)
    assert codes(found(candidate, D(2025, 1, 1))) == ["expunged_missing"]


def test_the_60_months_are_a_rule_value():
    RuleValue.objects.create(
        key="READMISSION_CONVICTION_MONTHS", value=48, effective_from=D(2020, 1, 1), source="t"
    )
    start = add_months(EXPUNGED, 48)
    assert codes(found(former(**LESS_SERIOUS), start - ONE_DAY)) == ["too_early"]
    assert found(former(**LESS_SERIOUS), start) == []


# The bars that never lift ------------------------------------------------------------------------


@pytest.mark.parametrize("conviction", [Conviction.SERIOUS, Conviction.CORRUPTION])
def test_a_serious_or_corruption_conviction_bars(conviction):
    candidate = former(conviction=conviction, conviction_expunged_on=D(2000, 1, 1))
    assert codes(found(candidate, D(2026, 1, 1))) == ["barred_conviction"]


@pytest.mark.parametrize("reason", [Reason.ABANDONED, Reason.DISUNITY, Reason.CORRUPTION_OR_CRIME])
def test_the_barred_reasons_stay_barred_even_with_a_hardship_document(reason):
    candidate = former(**{**HARDSHIP, "former_exit_reason": reason})
    assert codes(found(candidate, D(2026, 1, 1))) == ["barred_reason"]


def test_each_refusal_names_its_field():
    cases = [
        (former(former_exit_reason=Reason.ASKED_TO_LEAVE), "hardship_document"),
        (former(former_exit_reason=Reason.ABANDONED), "former_exit_reason"),
        (former(conviction=Conviction.SERIOUS), "conviction"),
        (former(**LESS_SERIOUS), "conviction_expunged_on"),
        (former(readmission_consent=""), "readmission_consent"),
    ]
    for candidate, field in cases:
        assert [v.field for v in found(candidate, D(2023, 1, 1))] == [field]
    assert [v.field for v in found(former(), D(2020, 1, 1))] == ["former_exit_date"]
    assert [v.field for v in found(former(), D(2025, 1, 1), again=True)] == ["former_member"]


def test_once_only_and_the_provincial_consent():
    assert "consent_missing" in codes(found(former(readmission_consent=""), D(2025, 1, 1)))
    assert codes(found(former(), D(2025, 1, 1), again=True)) == ["readmitted_before"]


def test_the_refusals_read_in_vietnamese():
    with translation.override("vi"):
        [hardship] = found(former(former_exit_reason=Reason.ASKED_TO_LEAVE), D(2025, 1, 1))
        [consent] = found(former(readmission_consent=""), D(2025, 1, 1))
        [expunged] = found(former(**LESS_SERIOUS), D(2023, 1, 1))
    assert "hoàn cảnh gia đình đặc biệt khó khăn" in hardship.message
    assert "ban thường vụ tỉnh ủy, thành ủy" in consent.message
    assert "xóa án tích" in expunged.message


# The service and the form ------------------------------------------------------------------------


def create(chapter, day, **details):
    base = {"full_name": "Phạm Văn Long", "gender": "M", "date_of_birth": D(1980, 3, 15)}
    return services.candidate_create(
        chapter=chapter, actor=None, day=day, details={**base, **details}
    )


def readmission(**fields):
    return {
        "former_exit_date": LEFT,
        "former_exit_reason": Reason.OTHER,
        "readmission_consent": "99-CV/TU",
        **fields,
    }


def test_the_service_refuses_then_accepts_on_the_threshold(chapter):
    start = add_months(EXPUNGED, 60)
    with pytest.raises(RuleViolated) as raised:
        create(chapter, start - ONE_DAY, **readmission(**LESS_SERIOUS))
    assert [v.rule for v in raised.value.violations] == ["R20"]
    assert not Candidate.objects.exists()
    candidate = create(chapter, start, **readmission(**LESS_SERIOUS))
    assert (candidate.conviction, candidate.conviction_expunged_on) == (
        Conviction.LESS_SERIOUS, EXPUNGED,
    )  # fmt: skip


def test_the_service_keeps_the_hardship_document(chapter):
    candidate = create(chapter, D(2025, 1, 1), **readmission(**HARDSHIP))
    candidate.refresh_from_db()
    assert (candidate.hardship_number, candidate.hardship_date) == ("12-BB/CB", D(2017, 12, 1))


NEW = {"full_name": "Phạm Văn Long", "gender": "M", "date_of_birth": "15/03/1980",
       "ethnicity": "Kinh", "education": "UNIVERSITY", "source": "CHAPTER",
       "day": "02/03/2026", "is_readmission": "on", "former_exit_date": "01/06/2018",
       "readmission_consent": "45-CV/TU"}  # fmt: skip


def test_the_form_shows_the_hardship_refusal_before_saving(client, secretary):
    client.force_login(secretary)
    url = reverse("admissions:candidate-create")
    page = client.get(url).text
    assert 'name="hardship_number"' in page and 'name="conviction_expunged_on"' in page
    response = client.post(url, {**NEW, "former_exit_reason": "ASKED_TO_LEAVE"})
    assert response.status_code == 200
    # Beside the field it concerns, with no internal rule number.
    [error] = response.context["form"].errors["hardship_document"]
    assert "hoàn cảnh gia đình đặc biệt khó khăn" in error and "R20" not in error
    assert not Candidate.objects.exists()
    hardship = {"hardship_document": "Biên bản của chi bộ", "hardship_number": "12-BB/CB",
                "hardship_date": "01/12/2017"}  # fmt: skip
    data = {**NEW, "former_exit_reason": "ASKED_TO_LEAVE", **hardship}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Candidate.objects.get().hardship_document == "Biên bản của chi bộ"


def test_the_r20_fields_are_cleared_unless_readmission_is_ticked(client, secretary):
    client.force_login(secretary)
    data = {**NEW, "is_readmission": "", "conviction": "SERIOUS", "hardship_number": "1"}
    assert client.post(reverse("admissions:candidate-create"), data).status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.conviction, candidate.hardship_number) == ("", "")
