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


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_opened_menus_and_updated_results(
    browser, live_server, committee_officer, member, other_member, size, language
):
    """What the page-by-page walk does not open: the phone's menu, the Committee and user menus
    open, the register after a search typed and after a sort (the htmx-swapped results)."""
    context = new_context(browser, live_server, size, language)
    page = context.new_page()
    log_in(page, committee_officer.username)
    page.goto("/members/")
    found = []

    def axe(state: str) -> None:
        role = "committee_officer"
        found.extend(check(page, name=state, role=role, size=size, language=language))

    if size == "390x844":
        page.locator(".navbar-toggler").click()
        page.locator("#main-nav.show").wait_for()
        axe("menu-open")
    for name, toggle in (
        ("committee-menu-open", "#main-nav .navbar-nav:first-child .dropdown-toggle"),
        ("user-menu-open", "#main-nav .navbar-nav + .navbar-nav .dropdown-toggle"),
    ):
        page.locator(toggle).first.click()
        page.locator(".dropdown-menu.show").first.wait_for()
        axe(name)
        page.keyboard.press("Escape")
    page.locator("#id_q").fill("nguyen")
    page.wait_for_url("**/members/?q=nguyen*")
    page.locator(".htmx-request").first.wait_for(state="detached")
    axe("register-searched")
    if size == "1366x768":
        page.locator("#member-sort-by-name").click()
        page.wait_for_url("**sort=*")
        page.locator(".htmx-request").first.wait_for(state="detached")
        axe("register-sorted")
    context.close()
    assert not found, report(found)


def test_axe_reports_what_it_finds(browser, live_server):
    """The check is live: an image without a text alternative and a grey on grey line added to
    the login page are reported, with the selector and the colours."""
    context = new_context(browser, live_server, "1366x768", "vi")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend",
          '<img id="no-alt" src="/static/favicon.ico">' +
          '<p id="faint">faint</p>');
        const faint = document.getElementById("faint");  // CSSOM: the CSP refuses style=""
        faint.style.color = "#aaa";
        faint.style.background = "#fff";
        }"""
    )
    found = check(
        page, name="login+faults", role="anonymous", size="1366x768", language="vi", keep=False
    )
    context.close()
    by_rule = {f.rule: f for f in found}
    assert by_rule["image-alt"].target == "#no-alt"
    assert by_rule["color-contrast"].target == "#faint"
    assert by_rule["color-contrast"].colours.startswith("#aaaaaa on #ffffff 2.32:1")
    assert "faint" in report(found)
