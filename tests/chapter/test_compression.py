"""Pages go gzip-compressed (chapter/compression.py); files already compressed (spreadsheets,
PDFs) go as they are, and a streamed download still streams."""

import gzip
import re

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from chapter.compression import PageGZipMiddleware

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def test_a_page_is_compressed_when_the_browser_accepts_gzip(secretary_client):
    response = secretary_client.get(reverse("dashboard"), headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<html" in html
    assert len(response.content) < len(html.encode()) / 3
    assert int(response["Content-Length"]) == len(response.content)


def test_a_page_is_plain_when_the_browser_does_not_ask(secretary_client):
    response = secretary_client.get(reverse("dashboard"))
    assert not response.has_header("Content-Encoding")
    assert b"<html" in response.content


def test_the_csrf_token_differs_in_every_response(client):
    """What makes compression safe against BREACH here: the one secret in a page is masked anew
    each time, so its compressed length tells nothing."""
    tokens = set()
    for _ in range(3):
        response = client.get(reverse("login"), headers={"accept-encoding": "gzip"})
        html = gzip.decompress(response.content).decode()
        tokens |= set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 3


def test_a_spreadsheet_download_is_not_compressed_again_and_still_streams(secretary_client):
    response = secretary_client.get(
        reverse("reports:export-register"), headers={"accept-encoding": "gzip, br"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    assert response.streaming
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip archive


@pytest.mark.parametrize("content_type", [XLSX, "application/pdf", "image/jpeg"])
def test_compressed_types_pass_through(content_type):
    body = b"x" * 5000
    middleware = PageGZipMiddleware(lambda request: HttpResponse(body, content_type=content_type))
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    response = middleware(request)
    assert response.content == body and not response.has_header("Content-Encoding")


def test_a_streamed_text_response_is_compressed_chunk_by_chunk():
    chunks = [f"row {n};".encode() * 50 for n in range(20)]
    middleware = PageGZipMiddleware(
        lambda request: StreamingHttpResponse(iter(chunks), content_type="text/csv")
    )
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    response = middleware(request)
    assert response.streaming and response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)) == b"".join(chunks)
