"""Headers every response carries: the Content-Security-Policy (no inline script or style, no
framing) and, for a signed-in user, ``Cache-Control: no-store, private`` on pages and downloads."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"
PAGES = [
    "/",
    "/members/",
    "/admissions/",
    "/admissions/list/",
    "/reports/",
    "/accounts/password_change/",
]


def directives(response) -> dict[str, list[str]]:
    policy = response[CSP]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_strict_policy(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response[CSP]
    assert "'unsafe-eval'" not in response[CSP]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_policy_and_no_cache(client, secretary, path):
    client.force_login(secretary)
    response = client.get(path)
    assert response.status_code == 200
    assert_strict_policy(response)
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache


def test_the_login_page_has_the_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_a_404_has_the_policy(client, secretary):
    client.force_login(secretary)
    response = client.get("/members/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert_strict_policy(response)


def test_the_admin_has_the_policy_and_no_cache(client, admin_user):
    client.force_login(admin_user)
    for path in ("/admin/", "/admin/members/member/", "/admin/admissions/candidate/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_policy(response)
        assert "no-store" in response["Cache-Control"]


def test_a_download_is_not_cached(client, secretary, member):
    client.force_login(secretary)
    response = client.get(reverse("reports:export-register"))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache
    assert_strict_policy(response)


def test_an_htmx_fragment_is_not_cached(client, secretary, member):
    client.force_login(secretary)
    response = client.get("/members/?q=nguyen", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_cache(client, secretary):
    client.force_login(secretary)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_anonymous_pages_are_not_marked_private(client):
    """The login page is Django's own never_cache view; nothing of ours is added there."""
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]  # Django's never_cache


def test_htmx_injects_no_inline_style_and_evaluates_nothing(client, secretary):
    client.force_login(secretary)
    text = client.get("/members/").text
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", text)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)
    # Swapped links are wired at once: a quick second press must not become a full page load.
    assert '"defaultSettleDelay": 0' in config.group(1)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HX_ON = re.compile(r"\shx-on", re.IGNORECASE)


def test_no_template_has_inline_script_handler_or_style():
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if any(p.search(line) for p in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, HX_ON)):
                offenders.append(f"{template}:{number}")
    assert offenders == []


@pytest.mark.parametrize("path", ["/", "/members/", "/reports/", "/admissions/"])
def test_rendered_pages_have_no_inline_script_handler_or_style(client, secretary, member, path):
    client.force_login(secretary)
    text = client.get(path).text
    assert not INLINE_SCRIPT.search(text)
    assert not EVENT_HANDLER.search(text)
    assert not STYLE_ATTRIBUTE.search(text)


# Escaping: names typed by users never become markup, help texts included ---------------------

MARKUP = "<img src=x onerror=alert(1)>"


def test_a_cell_name_with_markup_is_shown_as_text_on_the_move_form(client, secretary, chapter):
    from tests.members.factories import CellFactory, register_member

    member = register_member(cell=CellFactory(chapter=chapter, name=MARKUP), full_name="Lê Văn An")
    CellFactory(chapter=chapter, name=f"{MARKUP} 2")
    client.force_login(secretary)
    response = client.get(reverse("members:member-move", args=[member.public_id, "move-cell"]))
    assert response.status_code == 200
    text = response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text  # the help text "Now: …" and the choice
    assert "<img" not in text
