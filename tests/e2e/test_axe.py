"""Zero axe-core violations (WCAG 2.0 and 2.1, A and AA) on every main page, as every role that
reaches it, on a 1366x768 laptop and a 390x844 phone, in Vietnamese and in English (issue 16).

One test per role walks its pages in four browser contexts (two sizes, two languages), on the
demo chapter (tests/e2e/axe_world.py); a failure lists every violation: page, role, size,
language, rule, impact, the element's selector, axe's message and, for contrast, the colours.
Set AXE_RESULTS=/some/file.jsonl to keep the findings as JSON lines."""

import pytest

from tests.e2e.axe_check import check, report
from tests.e2e.axe_world import PASSWORD, USERS, build_world

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.freeze_time("2026-03-15"),
]
SIZES = {"1366x768": {"width": 1366, "height": 768}, "390x844": {"width": 390, "height": 844}}
LANGUAGES = {"vi": "vi-VN", "en": "en-US"}


def new_context(browser, live_server, size: str, language: str):
    """A browser at this size whose Accept-Language and language cookie both say ``language``
    (the cookie is what the footer's language switch sets)."""
    context = browser.new_context(
        viewport=SIZES[size], locale=LANGUAGES[language], base_url=live_server.url
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def visit(page, target) -> None:
    response = page.goto(target.url)
    if target.submit_empty:
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        assert page.locator("main .is-invalid").count(), f"{target.name}: no error shown"
    else:
        expected = 404 if target.name == "not-found" else 200
        assert response.status == expected, f"{target.name}: {target.url} gave {response.status}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page(browser, live_server, size, language):
    context = new_context(browser, live_server, size, language)
    page = context.new_page()
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language
    found = check(page, name="login", role="anonymous", size=size, language=language)
    context.close()
    assert not found, report(found)


@pytest.mark.parametrize("role", USERS)
def test_every_main_page(browser, live_server, role):
    pages = [p for p in build_world() if role in p.roles]
    found = []
    for size in SIZES:
        for language in LANGUAGES:
            context = new_context(browser, live_server, size, language)
            page = context.new_page()
            log_in(page, USERS[role])
            assert page.locator("html").get_attribute("lang") == language
            for target in pages:
                visit(page, target)
                found += check(page, name=target.name, role=role, size=size, language=language)
            context.close()
    assert not found, report(found)
