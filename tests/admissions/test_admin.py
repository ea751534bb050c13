"""The admissions admin corrects papers with a reason; stages and the ledger stay read-only."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from admissions.models import Candidate, CandidateEvent, Decision, Resolution
from chapter.models import RuleValue
from tests.admissions.factories import PipelineStory

pytestmark = pytest.mark.django_db
St = Candidate.Stage


@pytest.fixture
def admitted(db):
    with time_machine.travel(datetime.date(2019, 12, 1), tick=False):
        return PipelineStory.build().candidate_at(St.ADMITTED)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


MODELS = [
    "candidate", "candidatedocument", "backgroundcheck", "introduction", "resolution", "decision",
    "extension", "mentorassignment", "observation", "candidateevent",
    "chapteradmissionsettings",
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS)
def test_changelists_load(admin_client, admitted, model):
    response = admin_client.get(reverse(f"admin:admissions_{model}_changelist"))
    assert response.status_code == 200


def test_candidate_search_ignores_diacritics(admin_client, admitted):
    response = admin_client.get(
        reverse("admin:admissions_candidate_changelist"), {"q": "le thi mai"}
    )
    assert admitted.full_name in response.text


def test_candidate_stage_is_read_only(admin_client, admitted):
    url = reverse("admin:admissions_candidate_change", args=[admitted.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="stage"' not in page.text
    assert admin_client.get(reverse("admin:admissions_candidate_add")).status_code == 403


def test_correcting_a_decision_number_needs_a_reason_and_keeps_history(
    admin_client, admitted, admin_user
):
    decision = Decision.objects.get(candidate=admitted, kind=Decision.Kind.ADMISSION)
    url = reverse("admin:admissions_decision_change", args=[decision.pk])
    data = {
        "number": "124-QĐ/ĐUK", "date": "20/05/2019", "issuing_body": decision.issuing_body,
        "received_on": "23/05/2019", "reason": "",
    }  # fmt: skip
    refused = admin_client.post(url, {**data, "change_reason": ""})
    assert refused.status_code == 200
    decision.refresh_from_db()
    assert decision.number == "123-QĐ/ĐUK"

    done = admin_client.post(url, {**data, "change_reason": "Sửa số quyết định gõ nhầm"})
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.number == "124-QĐ/ĐUK"
    latest = decision.history.first()
    assert latest.history_change_reason == "Sửa số quyết định gõ nhầm"
    assert latest.history_user == admin_user


def test_vote_figures_cannot_be_changed(admin_client, admitted):
    resolution = Resolution.objects.get(candidate=admitted)
    page = admin_client.get(reverse("admin:admissions_resolution_change", args=[resolution.pk]))
    assert 'name="votes_for"' not in page.text
    assert 'name="number"' in page.text


def test_pipeline_ledger_is_read_only(admin_client, admitted):
    event = CandidateEvent.objects.filter(candidate=admitted).first()
    assert admin_client.get(reverse("admin:admissions_candidateevent_add")).status_code == 403
    change = admin_client.post(
        reverse("admin:admissions_candidateevent_change", args=[event.pk]), {}
    )
    assert change.status_code == 403
    delete = admin_client.post(
        reverse("admin:admissions_candidateevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert CandidateEvent.objects.filter(pk=event.pk).exists()


def test_rule_value_from_a_date(admin_client):
    response = admin_client.post(
        reverse("admin:chapter_rulevalue_add"),
        {
            "key": "CEREMONY_WD",
            "value": "25",
            "effective_from": "01/01/2027",
            "source": "Hướng dẫn mới",
        },
    )
    assert response.status_code == 302
    assert RuleValue.objects.get().value == 25
    unknown = admin_client.post(
        reverse("admin:chapter_rulevalue_add"),
        {"key": "NO_SUCH_RULE", "value": "1", "effective_from": "01/01/2027", "source": "x"},
    )
    assert unknown.status_code == 200
    assert RuleValue.objects.count() == 1


def test_non_staff_are_sent_to_the_admin_login(client, secretary):
    client.force_login(secretary)
    response = client.get(reverse("admin:admissions_candidate_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
