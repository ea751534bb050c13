"""The access matrix (issue 10, item 10): every URL pattern of the URLconf, the admin included,
requested by every role with GET and POST on objects in and out of the role's reach.

For each request the outcome must be one the rules of ``tests/security/matrix.py`` allow
(200, a redirect to the login page, 403, 404, 405...); a signed-in user's 200 is never cached
(``no-store``) and a page carries a Content-Security-Policy; and no marker of an object the role may
not see appears in what comes back: pages, htmx fragments, JSON, the XML inside an Excel
export, a redirect's address. A URL pattern the matrix does not know fails
``test_the_matrix_knows_every_url_pattern``: whoever adds a URL adds its rule.
"""

import pytest
from django.test import Client
from django.urls import reverse

from members.access import reach_of
from members.models import RoleAssignment
from tests.security.conftest import ROLES, client_for
from tests.security.matrix import (
    APP_RULES,
    POST,
    admin_objects,
    body_text,
    cases,
    known,
    outcome,
    pattern_keys,
)

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-10-01 10:00")]

KEYS = pattern_keys()


def test_the_matrix_knows_every_url_pattern():
    unknown = [key for key in KEYS if not known(key)]
    assert not unknown, f"URL patterns missing from tests/security/matrix.py: {unknown}"


def test_every_rule_of_the_matrix_is_a_url_pattern():
    stale = [key for key in APP_RULES if key not in KEYS]
    assert not stale, f"rules for URL patterns that no longer exist: {stale}"


def test_the_matrix_walks_the_admin_and_the_application():
    assert "members:member-detail" in KEYS
    assert "admin:members.member:change" in KEYS
    assert "admin:members.member:simple_history" in KEYS
    assert "admin:autocomplete" in KEYS


def _client(world, role) -> Client:
    return client_for(world, role)


def _headers_problems(role: str, response) -> list[str]:
    """A signed-in user's page or download is never kept by a cache; a page has a CSP."""
    problems = []
    if response.status_code != 200:
        return problems
    if role != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}, not no-store")
    html = response.get("Content-Type", "").startswith("text/html")
    if html and not response.has_header("Content-Security-Policy"):
        problems.append("no Content-Security-Policy")
    return problems


def run_matrix(world, key: str) -> list[str]:
    """Every request of one pattern; the list of what went wrong."""
    problems = []
    pattern_cases = cases(world, key)
    assert pattern_cases, f"{key}: the matrix made no request"
    logs_out = key in ("logout", "admin:logout")
    for role in ROLES:
        client = _client(world, role)
        for case in pattern_cases:
            if case.roles is not None and role not in case.roles:
                continue
            for method in case.methods:
                if logs_out:  # a session of its own, not the module's
                    client = Client()
                    if role != "anonymous":
                        client.force_login(world.users[role])
                send = client.post if method == POST else client.get
                response = send(case.url, headers=case.headers)
                got = outcome(response)
                allowed = case.expect(role, method)
                where = f"{role:28} {method:4} {case.url} ({case.label})"
                if got not in allowed:
                    problems.append(f"{where}: got {got}, expected {sorted(map(str, allowed))}")
                problems += [f"{where}: {p}" for p in _headers_problems(role, response)]
                leaks = [m for m in world.leaks(role, body_text(response)) if m not in case.public]
                if leaks:
                    problems.append(f"{where}: shows what the role may not see: {leaks}")
    return problems


@pytest.mark.parametrize("key", [key for key in KEYS if known(key)])
def test_access_matrix(world, frozen, key):
    problems = run_matrix(world, key)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_staff_cannot_widen_their_own_reach_in_the_admin(world, frozen):
    """Issue 10: a deputy who is staff with change permissions gave itself a committee-officer
    role in the admin. Role assignments are the superuser's: adding or changing one is 403,
    and nothing is written."""
    client = _client(world, "staff")
    staff = world.users["staff"]
    own = world.roles["staff"]
    grab = {
        "user": staff.pk,
        "role": RoleAssignment.Role.COMMITTEE_OFFICER,
        "committee": world.committees["C2"].pk,
        "start_date": "01/09/2019",
        "change_reason": "Tự cấp quyền",
    }
    before = list(RoleAssignment.objects.order_by("pk").values())
    added = client.post(reverse("admin:members_roleassignment_add"), grab)
    changed = client.post(reverse("admin:members_roleassignment_change", args=[own.pk]), grab)
    assert (added.status_code, changed.status_code) == (403, 403)
    assert list(RoleAssignment.objects.order_by("pk").values()) == before
    staff._members_reach = None
    assert not reach_of(staff).committee_ids


def _action_cases(world):
    """Every admin action of every model, with one object here and one elsewhere."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = world.users["superuser"]
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_actions(request):
            if name == "delete_selected":
                continue
            for where, obj, _scope in admin_objects(world, model):
                yield model, name, where, obj


def test_admin_actions_never_reach_another_chapter(world, frozen):
    """Staff tick an object of another chapter and run each admin action (its form page, then
    "apply"): nothing of that object changes, and its page shows none of it."""
    client = _client(world, "staff")
    problems, tried = [], 0
    for model, name, where, obj in _action_cases(world):
        if where != "elsewhere":
            continue
        tried += 1
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        history = getattr(obj, "history", None)
        before = (history.count() if history is not None else None, _events(obj))
        for extra in ({}, {"apply": "1", "effective_date": "01/09/2019", "note": "x"}):
            data = {"action": name, "_selected_action": [obj.pk], "index": 0, **extra}
            response = client.post(url, data)
            where_ = f"{model._meta.label} {name} {(extra and 'apply') or 'form'}"
            if response.status_code >= 500:
                problems.append(f"{where_}: {response.status_code}")
            leaks = world.leaks("staff", body_text(response))
            if leaks:
                problems.append(f"{where_}: shows {leaks}")
        after = (history.count() if history is not None else None, _events(obj))
        if before != after:
            problems.append(f"{model._meta.label} {name}: changed an object of another chapter")
    assert tried >= 4, "the admin has fewer actions than the members' movements"
    assert not problems, "\n".join(problems)


def _events(obj) -> int | None:
    events = getattr(obj, "events", None)
    return events.count() if events is not None else None
