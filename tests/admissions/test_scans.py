"""Dossier scans: private, typed by content, limited in size, served only through a view that
checks the case's scope (admissions/files.py, chapter/files.py, admissions.views.candidate_scan)."""

import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from admissions.files import scan_storage
from admissions.models import Candidate, CandidateDocument, Form
from chapter.files import PrivateFileSystemStorage
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-06-30")]

St = Candidate.Stage
PDF = b"%PDF-1.4\n% a scanned self-review\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<html><script>alert(document.cookie)</script></html>"
NAME = re.compile(r"^dossiers/2020/[0-9a-f]{32}\.(pdf|png|jpg)$")


@pytest.fixture
def story(chapter, cell):
    officials = [register_member(cell=cell) for _ in range(6)]
    return PipelineStory(chapter=chapter, cell=cell, officials=officials)


@pytest.fixture
def candidate(story):
    return story.candidate_at(St.COURSE_DONE)


def upload(client, candidate, content: bytes, name: str = "tu-kiem-diem.pdf"):
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "document"])
    data = {
        "form": Form.SELF_REVIEW,
        "number": "",
        "date": "20/05/2020",
        "scan": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }
    return client.post(url, data)


def reviews(candidate):
    """The self-reviews uploaded by these tests (the course left its certificate already)."""
    return candidate.documents.filter(form=Form.SELF_REVIEW)


def scan_url(document) -> str:
    return reverse("admissions:candidate-scan", args=[document.candidate.public_id, document.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def document(client, candidate, secretary):
    client.force_login(secretary)
    assert upload(client, candidate, PDF).status_code == 302
    client.logout()
    return reviews(candidate).get()


# Storing -----------------------------------------------------------------------------------------


def test_a_scan_is_stored_under_a_random_name_with_the_contents_extension(
    client, candidate, secretary
):
    client.force_login(secretary)
    assert upload(client, candidate, PNG, name="ho-so-nguyen-van-a.pdf").status_code == 302
    document = reviews(candidate).get()
    assert NAME.match(document.scan.name)
    assert document.scan.name.endswith(".png")  # the content, not the uploaded name
    assert "nguyen" not in document.scan.name


@pytest.mark.parametrize("content", [HTML, b"PK\x03\x04 a zip", b"GIF89a", b""])
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused(client, candidate, secretary, content):
    client.force_login(secretary)
    with translation.override("en"):
        response = upload(client, candidate, content, name="scan.pdf")
    assert response.status_code == 200
    assert not reviews(candidate).exists()


def test_the_refusal_is_translated(client, candidate, secretary):
    client.force_login(secretary)
    response = upload(client, candidate, HTML, name="scan.pdf")
    assert response.status_code == 200
    assert "Bản quét phải là tệp PDF, JPEG hoặc PNG." in response.text
    assert not reviews(candidate).exists()


def test_a_scan_over_the_limit_is_refused(client, candidate, secretary, settings):
    settings.SCAN_MAX_BYTES = 1024 * 1024
    client.force_login(secretary)
    too_big = PDF + b"0" * (1024 * 1024)
    response = upload(client, candidate, too_big)
    assert response.status_code == 200
    assert "Bản quét lớn hơn 1 MB" in response.text
    assert not reviews(candidate).exists()
    assert upload(client, candidate, PDF + b"0" * 1000).status_code == 302  # under it: kept


# Serving -----------------------------------------------------------------------------------------


def test_a_secretary_gets_the_scan_with_its_bytes(client, document, secretary):
    client.force_login(secretary)
    response = client.get(scan_url(document))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "20200520.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"  # the PDF viewer works


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretary", 200),
        ("cell_leader", 200),  # the candidate's cell
        ("committee_officer", 200),
        ("admin_user", 200),
        ("other_cell_leader", 404),
        ("outsider", 404),
        ("user", 404),  # signed in, no role
    ],
)
def test_only_those_who_see_the_case_get_its_scan(client, request, document, role, status):
    client.force_login(request.getfixturevalue(role))
    response = client.get(scan_url(document))
    assert response.status_code == status
    if status == 404:
        assert PDF not in response.content


def test_anonymous_is_sent_to_the_login_page(client, document):
    response = client.get(scan_url(document))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_paper_of_another_case_is_not_found_under_this_one(client, story, document, secretary):
    other = story.candidate_at(St.COURSE_DONE, full_name="Phạm Thị Lan", citizen_id="001196000123")
    client.force_login(secretary)
    url = reverse("admissions:candidate-scan", args=[other.public_id, document.pk])
    assert client.get(url).status_code == 404


def test_a_paper_without_a_scan_is_not_found(client, candidate, secretary):
    client.force_login(secretary)
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "document"])
    data = {"form": Form.SELF_REVIEW, "number": "", "date": "20/05/2020"}
    assert client.post(url, data).status_code == 302
    document = reviews(candidate).get()
    assert client.get(scan_url(document)).status_code == 404


def test_post_is_not_allowed(client, document, secretary):
    client.force_login(secretary)
    assert client.post(scan_url(document)).status_code == 405


def test_images_open_in_the_browser(client, candidate, secretary):
    client.force_login(secretary)
    assert upload(client, candidate, JPEG, name="anh.jpg").status_code == 302
    response = client.get(scan_url(reviews(candidate).get()))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert "default-src 'self'" in response["Content-Security-Policy"]  # the site's policy
    assert body(response) == JPEG


def test_a_scan_stored_under_its_old_name_still_opens(client, candidate, secretary):
    name = scan_storage().save("dossiers/2019/tu-kiem-diem.pdf", ContentFile(PDF))
    document = CandidateDocument.objects.create(
        candidate=candidate, form=Form.SELF_REVIEW, date="2019-05-20", scan=name
    )
    client.force_login(secretary)
    response = client.get(scan_url(document))
    assert response.status_code == 200
    assert body(response) == PDF


def test_an_old_file_of_another_type_is_a_download_not_a_page(client, candidate, secretary):
    name = scan_storage().save("dossiers/2019/ghi-chu.html", ContentFile(HTML))
    document = CandidateDocument.objects.create(
        candidate=candidate, form=Form.OTHER, date="2019-05-20", scan=name
    )
    client.force_login(secretary)
    response = client.get(scan_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert ".html" not in response["Content-Disposition"]


def test_a_missing_file_is_not_found(client, candidate, secretary):
    document = CandidateDocument.objects.create(
        candidate=candidate, form=Form.SELF_REVIEW, date="2019-05-20", scan="dossiers/2019/gone.pdf"
    )
    client.force_login(secretary)
    assert client.get(scan_url(document)).status_code == 404


def test_behind_nginx_the_file_is_sent_by_x_accel_redirect(client, document, secretary, settings):
    settings.SCANS_X_ACCEL_PREFIX = "/internal-scans/"
    client.force_login(secretary)
    response = client.get(scan_url(document))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-scans/{document.scan.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""


def test_the_case_page_links_to_the_view(client, story, secretary):
    candidate = story.candidate_at(St.ADMITTED)  # the self-review is a paper of the probation
    client.force_login(secretary)
    assert upload(client, candidate, PDF).status_code == 302
    document = reviews(candidate).get()
    text = client.get(candidate.get_absolute_url()).text
    assert f'href="{scan_url(document)}"' in text
    assert document.scan.name not in text


def test_the_admin_links_to_the_view(client, document, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:admissions_candidatedocument_change", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert scan_url(document) in response.text


# Nothing public ----------------------------------------------------------------------------------


def test_no_url_serves_uploaded_files(document):
    assert "media" not in settings.MEDIA_URL  # Django's default, "/": nothing is served there
    for path in (f"/media/{document.scan.name}", f"/{document.scan.name}"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_production_keeps_scans_in_a_private_storage_outside_the_static_files():
    from chapter import settings as production

    scans = production.STORAGES["scans"]
    assert scans["BACKEND"] == "chapter.files.PrivateFileSystemStorage"
    location = scans["OPTIONS"]["location"].resolve()
    public = [production.STATIC_ROOT, *production.STATICFILES_DIRS]
    assert not any(location.is_relative_to(root.resolve()) for root in public)
    with pytest.raises(ValueError):
        PrivateFileSystemStorage(location=location).url("dossiers/2020/x.pdf")
