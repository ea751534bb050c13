"""Every URL in the URLconf needs a login, except the few that are public on purpose."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Public on purpose: logging in (here and in the admin) and switching the language.
PUBLIC_PREFIXES = ("accounts/login/", "admin/login/", "i18n/")


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def sample_path(route: str) -> str:
    """Turn a route (or a regex) into a concrete path with plausible argument values."""
    import re

    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<(int|path|str|slug)?:?[^>]+>", "1", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    route = re.sub(r"[()?*+]", "", route)
    return "/" + route


ALL_ROUTES = sorted({route for route, _ in walk(get_resolver().url_patterns)})


def test_the_walk_sees_the_sections():
    assert {"", "members/", "admissions/", "reports/", "admin/"} <= set(ALL_ROUTES)


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_anonymous_is_sent_to_login(client, route):
    path = sample_path(route)
    response = client.get(path)
    if route.startswith(PUBLIC_PREFIXES):
        assert response.status_code != 500
        return
    if route.startswith("admin/"):
        # The admin has its own login page (also behind a login).
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert "login" in response["Location"]
        return
    assert response.status_code == 302, path
    assert response["Location"].startswith("/accounts/login/"), path
