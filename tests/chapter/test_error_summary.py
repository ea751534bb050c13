"""Error summaries (issue 16, GOV.UK's pattern): a form that comes back with errors opens with a
box (templates/_error_summary.html) that takes the focus (static/js/app.js: [data-error-summary],
tabindex="-1", role="alert"), headed "Có lỗi cần sửa", listing each error; a field's error links to
its input's id, the form's own errors are plain text. Each invalid input keeps aria-invalid and an
aria-describedby naming its error text. One test per family of form templates: a movement, a
transfer's request and step, a case step, the login page, the member form, the import."""

import datetime
import re

import pytest
from django.urls import reverse

from admissions.models import Candidate, ChapterAdmissionSettings
from members.models import Handover
from tests.admissions.factories import PipelineStory
from tests.members.factories import ChapterFactory, CommitteeFactory

pytestmark = pytest.mark.django_db

HEADING = "Có lỗi cần sửa"


def summary_of(html: str) -> str:
    """The error summary's markup (exactly one on the page)."""
    found = re.findall(r"<div [^>]*data-error-summary[^>]*>.*?</ul>", html, re.S)
    assert len(found) == 1, found
    return found[0]


def linked_ids(summary: str) -> list[str]:
    return re.findall(r'href="#([^"]+)"', summary)


def assert_summary(html: str, *fields: str) -> str:
    """The summary is there, focusable and announced, and links to each field's input, which
    exists on the page, is marked invalid and is described by its error text."""
    summary = summary_of(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert HEADING in summary
    ids = linked_ids(summary)
    for field in fields:
        assert f"id_{field}" in ids, (field, ids)
    for input_id in ids:
        tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{input_id}"[^>]*>', html)
        assert tag, input_id
        assert 'aria-invalid="true"' in tag.group(0)
        described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
        assert described, input_id
        assert any(f'id="{ref}"' in html for ref in described.group(1).split())
    return summary


def test_a_movement_with_errors_opens_with_the_summary(client, secretary, member):
    client.force_login(secretary)
    url = reverse("members:member-move", args=[member.public_id, "transfer-out"])
    page = client.post(url, {})
    assert page.status_code == 200
    summary = assert_summary(page.text, "effective_date")
    assert "Trường này là bắt buộc." in summary  # Django's own message, in Vietnamese


@pytest.mark.freeze_time("2026-03-15")
def test_a_transfer_request_and_a_transfer_step_open_with_the_summary(client, secretary, member):
    far = ChapterFactory(committee=CommitteeFactory(name="Đảng ủy phường Bến Thành"))
    client.force_login(secretary)
    page = client.post(reverse("members:handover-new", args=[member.public_id]), {})
    assert_summary(page.text, "to_chapter", "requested_on")  # the request
    data = {
        "kind": "PERMANENT",
        "to_chapter": str(far.public_id),
        "requested_on": "02/03/2026",
        "reason": "Chuyển công tác",
        "issuing_body": "",
    }
    new = reverse("members:handover-new", args=[member.public_id])
    assert client.post(new, data).status_code == 200
    client.post(new, {**data, "confirm": "1"})
    handover = Handover.objects.get(member=member)
    page = client.post(reverse("members:handover-issue", args=[handover.public_id]), {})
    assert page.status_code == 200
    summary = summary_of(page.text)
    assert HEADING in summary and linked_ids(summary)


@pytest.mark.freeze_time("2019-06-30")
def test_a_case_step_with_errors_opens_with_the_summary(client, chapter, secretary):
    ChapterAdmissionSettings.objects.create(chapter=chapter, grassroots_step=True)
    story = PipelineStory.build(officials=6, chapter=chapter)
    case = story.candidate_at(
        Candidate.Stage.CHAPTER_APPROVED, date_of_birth=datetime.date(1985, 4, 2)
    )
    client.force_login(secretary)
    page = client.post(
        reverse("admissions:candidate-step", args=[case.public_id, "grassroots"]), {}
    )
    assert page.status_code == 200
    assert_summary(page.text, "present", "votes_for")


def test_the_login_page_lists_a_wrong_password_without_a_link(client, secretary):
    page = client.post(reverse("login"), {"username": secretary.username, "password": "wrong"})
    summary = summary_of(page.text)
    assert HEADING in summary
    assert linked_ids(summary) == []  # the form's own error: no field to go to
    page = client.post(reverse("login"), {"username": "", "password": ""})
    assert_summary(page.text, "username", "password")


def test_the_member_form_opens_with_the_summary(client, secretary):
    client.force_login(secretary)
    page = client.post(reverse("members:member-create"), {})
    assert page.status_code == 200
    assert_summary(page.text, "full_name")


def test_the_import_opens_with_the_summary(client, secretary):
    client.force_login(secretary)
    page = client.post(reverse("members:import"), {})
    assert page.status_code == 200
    assert_summary(page.text, "file")


def test_a_form_without_errors_has_no_summary(client, secretary, member):
    client.force_login(secretary)
    page = client.get(reverse("members:member-move", args=[member.public_id, "transfer-out"]))
    assert "data-error-summary" not in page.text


def test_english_reads_there_is_a_problem(client, secretary, member, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary)
    page = client.post(reverse("members:member-move", args=[member.public_id, "transfer-out"]), {})
    assert "There is a problem" in summary_of(page.text)
