"""The access matrix: every URL pattern of the URLconf, filled with objects of the world, and the
outcome each role should get (tests/security/conftest.py builds the world).

``pattern_keys()`` walks ``get_resolver()`` (the admin included) and names each pattern:
``"<namespace>:<name>"`` for the application, ``"admin:<name>"`` for the admin site's own views,
``"admin:<app.model>:<view>"`` for a model admin's views. ``cases(world, key)`` gives the
requests for one pattern, each with the outcomes allowed per role and method; a key the
matrix does not know raises ``UnknownPattern``, so a new URL cannot escape the matrix.

Outcomes are status codes, or for redirects: ``"login"`` (to the login page), ``"admin-login"``,
``"admin-index"`` (the admin's "does not exist" redirect), ``"redirect"`` (anywhere else).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks import task

from admissions import access as admission_access
from admissions import steps
from admissions.models import Candidate
from members.actions import ACTION_SLUGS, available_actions, case_step_url
from members.models import Cell, Chapter, Committee, Member, RoleAssignment
from reports import queries
from tests.members.factories import register_member
from tests.security.conftest import (
    CHAPTERS,
    ELSEWHERE,
    HERE,
    MARKER,
    REACHES,
    TOP,
    TREE,
    Scope,
    World,
)

GET, POST = "GET", "POST"
BOTH = (GET, POST)
# A sample of roles for variants whose access is proven by a sibling case for every role.
SAMPLE = ("no_role", "cell_leader", "secretary", "committee_officer", "superuser")
MANAGES = {"secretary": "A", "deputy": "A", "staff": "A", "secretary_elsewhere": "C"}
LEADS = {"cell_leader": "A1", "cell_leader_elsewhere": "C1"}
# Login records: a staff user may be shown them or not; they name no unit.
LOGIN_RECORDS = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# Changed by superusers only, so that nobody widens their own reach (issue 10, item 4).
SUPERUSER_ONLY = {
    "auth.user",
    "auth.group",
    "members.roleassignment",
    "members.committee",
    "chapter.rulevalue",
    "django_tasks_database.dbtaskresult",  # the background task queue (read-only there)
}

Expect = Callable[[str, str], set]


@dataclass
class Case:
    url: str
    label: str
    expect: Expect  # (role, method) -> allowed outcomes
    methods: tuple[str, ...] = BOTH
    headers: dict[str, str] = field(default_factory=dict)
    #: the roles that make this request (None: every role); variants that only repeat what
    #: another case proves for the other roles name a few, to keep the matrix fast
    roles: tuple[str, ...] | None = None
    #: markers this page may show to any role it answers: the names of the chapters and
    #: committees on a transfer's letter, which are not confidential (members/handover_views.py)
    public: frozenset[str] = frozenset()


class UnknownPattern(KeyError):
    pass


# The URLconf ---------------------------------------------------------------------------------

ADMIN_SITE_VIEWS = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
    "catch_all",
}
ADMIN_MODEL_VIEWS = {"changelist", "add", "change", "delete", "history", "redirect"}


def _walk(resolver, namespace=None, prefix="") -> Iterator[tuple[str | None, URLPattern, str]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, entry.namespace or namespace, route)
        else:
            yield namespace, entry, route


def _admin_model_key(route: str, name: str | None) -> str | None:
    match = re.match(r"^admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    app, model = match.groups()
    if name is None:
        return f"admin:{app}.{model}:redirect"
    prefix = f"{app}_{model}_"
    if not name.startswith(prefix):
        return f"admin:{app}.{model}:{name}"
    return f"admin:{app}.{model}:{name.removeprefix(prefix)}"


def pattern_keys() -> list[str]:
    """Every pattern of the URLconf, named as described above, in URLconf order."""
    keys = []
    for namespace, entry, route in _walk(get_resolver()):
        if namespace == "admin":
            if entry.name is None and route.endswith("(?P<url>.*)$"):
                key = "admin:catch_all"
            elif entry.name in ADMIN_SITE_VIEWS:
                key = f"admin:{entry.name}"
            else:
                key = _admin_model_key(route, entry.name) or f"admin:{entry.name}"
        else:
            key = f"{namespace}:{entry.name}" if namespace else str(entry.name)
        if key not in keys:
            keys.append(key)
    return keys


def known(key: str) -> bool:
    if key in APP_RULES or key.removeprefix("admin:") in ADMIN_SITE_VIEWS:
        return True
    parts = key.split(":")
    if len(parts) != 3 or parts[0] != "admin":
        return False
    label, view = parts[1], parts[2]
    model_admin = _model_admin(label)
    if model_admin is None:
        return False
    if view in ADMIN_MODEL_VIEWS:
        return True
    if view == "simple_history":
        return hasattr(model_admin, "history_form_view")
    return (label, view) in ADMIN_EXTRA_VIEWS


def _model_admin(label: str):
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower == label:
            return model_admin
    return None


# Outcomes --------------------------------------------------------------------------------------


def outcome(response) -> int | str:
    if response.status_code in (301, 302, 303):
        path = urlparse(response["Location"]).path
        if path == reverse("login"):
            return "login"
        if path == reverse("admin:login"):
            return "admin-login"
        if path == reverse("admin:index"):
            return "admin-index"
        return "redirect"
    return response.status_code


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body_text(response) -> str:
    """What a response shows: the page, a fragment, JSON, or every XML part of a workbook;
    with the Location header of a redirect."""
    parts = [response.get("Location", ""), response.get("Content-Disposition", "")]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts += [book.read(name).decode() for name in book.namelist()]
    else:
        parts.append(content.decode(errors="replace"))
    return "\n".join(parts)


# Who may do what -------------------------------------------------------------------------------


def _keys(world: World):
    chapters = {c.pk: k for k, c in world.chapters.items()}
    cells = {c.pk: k for k, c in world.cells.items()}
    committees = {c.pk: k for k, c in world.committees.items()}
    return chapters, cells, committees


def scope_of(world: World, obj, *, private: bool = True) -> Scope | None:
    """The unit an object belongs to; people's records are private (a cell leader reads their
    own cell's), organisation rows are not."""
    chapters, cells, committees = _keys(world)
    if isinstance(obj, Committee):
        return Scope(committees[obj.pk]) if obj.pk in committees else None
    if isinstance(obj, get_user_model()):
        for role, user in world.users.items():
            if user.pk == obj.pk and role in world.roles:
                return scope_of(world, world.roles[role], private=False)
        return None
    if isinstance(obj, RoleAssignment):
        if obj.committee_id:
            return Scope(committees[obj.committee_id])
        obj = obj.cell if obj.cell_id else obj.chapter
        private = False
    for parent in ("candidate", "member"):
        if not isinstance(obj, (Candidate, Member)) and getattr(obj, f"{parent}_id", None):
            return scope_of(world, getattr(obj, parent), private=private)
    if isinstance(obj, Chapter):
        return Scope(_committee(world, obj), chapters[obj.pk])
    if isinstance(obj, Cell):
        chapter = chapters[obj.chapter_id]
        return Scope(_committee(world, obj.chapter), chapter, cells[obj.pk], private)
    chapter_id = getattr(obj, "chapter_id", None)
    if chapter_id is None:
        return None
    chapter = world.chapters[chapters[chapter_id]]
    return Scope(
        _committee(world, chapter),
        chapters[chapter_id],
        cells.get(getattr(obj, "cell_id", None)),
        private,
    )


def _committee(world: World, chapter: Chapter) -> str:
    for key, committee in world.committees.items():
        if committee.pk == chapter.committee_id:
            return key
    raise LookupError(chapter)


def reads(role: str, scope: Scope | None) -> bool:
    return scope is not None and REACHES[role].sees(scope)


def manages(role: str, scope: Scope | None) -> bool:
    """The secretary's or deputy's chapter (or the superuser): every change."""
    if role == "superuser":
        return True
    return scope is not None and MANAGES.get(role, "-") == scope.chapter


def leads(role: str, scope: Scope | None) -> bool:
    """The cell leader's own cell: contact details, observations."""
    return scope is not None and LEADS.get(role, "-") == scope.cell


def has_reach(role: str) -> bool:
    return role not in ("anonymous", "no_role")


def app(rule: Callable[[str, str], set | int | str]) -> Expect:
    """An application page: the anonymous go to the login page; ``rule`` for the others."""

    def expect(role: str, method: str) -> set:
        if role == "anonymous":
            return {"login"}
        found = rule(role, method)
        return found if isinstance(found, set) else {found}

    return expect


def safe_only(get_rule: Callable[[str], set | int | str]) -> Expect:
    """A read-only page (``require_safe``/``require_GET``): a POST is 405 for every user."""
    return app(lambda role, method: get_rule(role) if method == GET else 405)


def scoped(scope: Scope | None, then: Callable[[str], set | int | str]) -> Callable:
    """404 outside the role's reach, ``then(role)`` inside."""
    return lambda role: then(role) if reads(role, scope) else 404


# The application's patterns ---------------------------------------------------------------------


def _lists(*queries_: str, htmx: bool = False) -> Callable[[World, str], list[Case]]:
    def generate(world: World, url: str) -> list[Case]:
        cases = [Case(url, "page", safe_only(lambda role: 200))]
        for query in queries_:
            cases.append(Case(f"{url}?{query}", query, safe_only(lambda role: 200), (GET,)))
        if htmx:
            hx = {"HX-Request": "true"}
            cases.append(Case(url + "?q=zzleak", "htmx", safe_only(lambda r: 200), (GET,), hx))
        return cases

    return generate


def _managers_page(*, safe: bool = False):
    """A page for the secretary or deputy of some chapter (the chapter is chosen on it)."""

    def generate(world: World, url: str) -> list[Case]:
        def rule(role, method):
            if safe and method == POST:
                return 405
            return 200 if role in {*MANAGES, "superuser"} else 403

        return [Case(url, "page", app(rule))]

    return generate


def _unit_filters(world: World, url: str, *, reach_needed: bool, period: bool = False):
    """A report-like page filtered by ?chapter= / ?cell= (public ids): out of scope → 404."""
    cases = []
    for key, chapter in world.chapters.items():
        scope = scope_of(world, chapter)
        cases.append(
            Case(
                f"{url}?chapter={chapter.public_id}",
                f"chapter {key}",
                _report_rule(scope, reach_needed),
                (GET,),
            )
        )
    for key in ("A1", "A2", "C1"):
        scope = scope_of(world, world.cells[key])  # a cell's people: a cell leader's own only
        cases.append(
            Case(
                f"{url}?cell={world.cells[key].public_id}",
                f"cell {key}",
                _report_rule(scope, reach_needed),
                (GET,),
            )
        )
    return cases


def _report_rule(scope: Scope | None, reach_needed: bool) -> Expect:
    def rule(role):
        if not has_reach(role):
            return 404 if reach_needed else 200
        return 200 if reads(role, scope) else 404

    return safe_only(rule)


def _reports_page(world: World, url: str) -> list[Case]:
    base = Case(url, "page", safe_only(lambda role: 200))
    dated = Case(
        url + "?as_of=2019-09-30&from=2019-01-01&to=2019-09-30",
        "dated",
        safe_only(lambda r: 200),
        (GET,),
    )
    return [base, dated, *_unit_filters(world, url, reach_needed=False)]


def _export(world: World, url: str) -> list[Case]:
    rule = safe_only(lambda role: 200 if has_reach(role) else 404)
    return [Case(url, "export", rule), *_unit_filters(world, url, reach_needed=True)]


def _export_register(world: World, url: str) -> list[Case]:
    """The register: a POST is the same request (it starts the background job for a large scope,
    which these small units never are; out of scope 404 either way)."""

    def both(case: Case) -> Case:
        case.expect = app(lambda role, method, get=case.expect: get(role, GET))
        case.methods = BOTH
        return case

    return [both(case) for case in _export(world, url)]


def _drill_down_values(world: World, figure: str) -> list[tuple[str, Scope | None]]:
    """Every value a drill-down takes, with the unit it names (None: no unit)."""
    if figure == "by_chapter":
        return [(str(c.public_id), scope_of(world, c)) for c in world.chapters.values()]
    if figure == "by_unit":  # a child unit of the tree: a committee or a chapter
        units = [*world.committees.values(), *world.chapters.values()]
        values = [(str(unit.public_id), scope_of(world, unit)) for unit in units]
        return [*values, *((str(c.pk), INTEGER_KEY) for c in world.committees.values())]
    if figure == "by_cell":
        values = [(queries.NO_VALUE, None)]
        for cell in world.cells.values():
            scope = scope_of(world, cell)
            values += [(str(cell.public_id), scope), (str(cell.pk), INTEGER_KEY)]
        return values
    if figure == "sex":
        return [(value, None) for value in Member.Gender.values]
    if figure == "age":
        return [(value, None) for value, _label in queries.AGE_BAND_CHOICES]
    if figure == "party_age":
        return [(value, None) for value, _label in queries.PARTY_AGE_BAND_CHOICES]
    return [(queries.NO_VALUE, None), ("Kinh", None)]


def _people(world: World, url: str) -> list[Case]:
    cases = [Case(url, "no figure", safe_only(lambda role: 404))]
    for figure in queries.FIGURES:
        if not queries.needs_value(figure):
            query = urlencode({"figure": figure, "from": "2018-01-01", "to": "2019-09-30"})
            rule = safe_only(lambda role: 200 if has_reach(role) else 404)
            cases.append(Case(f"{url}?{query}", figure, rule, (GET,), roles=SAMPLE))
            continue
        for value, scope in _drill_down_values(world, figure):
            query = urlencode({"figure": figure, "value": value})
            roles = (
                None
                if figure in ("by_chapter", "by_cell", "by_unit") and scope is not INTEGER_KEY
                else SAMPLE
            )
            case = Case(
                f"{url}?{query}", f"{figure}={value}", _value_rule(scope), (GET,), roles=roles
            )
            cases.append(case)
    return cases


INTEGER_KEY = Scope("integer key")  # no integer keys in URLs: they can be counted through


def _value_rule(scope: Scope | None) -> Expect:
    def rule(role):
        if not has_reach(role) or scope is INTEGER_KEY:
            return 404
        if scope is None or reads(role, scope):
            return 200
        return {200, 404}  # an empty list or not found, but never the unit's name

    return safe_only(rule)


def _member_cases(world: World):
    for key in ("A1", "A2", "B1", "C1", "A-probationary", "A-admitted"):
        yield key, world.members[key]


def _member_detail(world: World, url_for) -> list[Case]:
    cases = []
    for key, member in _member_cases(world):
        scope = scope_of(world, member)
        cases.append(
            Case(
                url_for(public_id=member.public_id),
                f"member {key}",
                safe_only(scoped(scope, lambda role: 200)),
            )
        )
    return cases


def _member_edit(world: World, url_for) -> list[Case]:
    cases = []
    for key, member in _member_cases(world):
        scope = scope_of(world, member)

        def rule(role, method, scope=scope, member=member):
            if not reads(role, scope):
                return 404
            if manages(role, scope) or (leads(role, scope) and member.is_active):
                return 200 if method == GET else {200, "redirect"}
            return 403

        cases.append(Case(url_for(public_id=member.public_id), f"member {key}", app(rule)))
    return cases


def _member_correct(world: World, url_for) -> list[Case]:
    cases = []
    for key, member in _member_cases(world):
        scope = scope_of(world, member)

        def rule(role, method, scope=scope):
            if not reads(role, scope):
                return 404
            return 200 if manages(role, scope) else 403

        cases.append(Case(url_for(public_id=member.public_id), f"member {key}", app(rule)))
    return cases


def _member_move(world: World, url_for) -> list[Case]:
    """Every movement slug of the registry on a member here and one elsewhere; one slug on the
    other members; an unknown slug is 404."""
    cases = []
    for key, member in _member_cases(world):
        slugs = ACTION_SLUGS if key in ("A1", "C1") else ("confirm", ACTION_SLUGS[0])
        for action in (*slugs, "no-such-movement"):
            scope = scope_of(world, member)

            def rule(role, method, scope=scope, member=member, action=action):
                if action not in ACTION_SLUGS:
                    return 404
                if not reads(role, scope):
                    return 404
                if not manages(role, scope):
                    return 403
                # Not available now, or recorded on the member's admission case: a redirect.
                on_case = case_step_url(member, action)
                return 200 if action in available_actions(member) and not on_case else "redirect"

            url = url_for(public_id=member.public_id, action=action)
            cases.append(Case(url, f"member {key} {action}", app(rule)))
    return cases


def _chapter_cases(world: World, url_for, *, manage: bool, safe: bool = False) -> list[Case]:
    cases = []
    for key, chapter in world.chapters.items():
        scope = scope_of(world, chapter)

        def rule(role, method, scope=scope):
            if safe and method == POST:
                return 405
            if not reads(role, scope):
                return 404
            if manage and not manages(role, scope):
                return 403
            return 200

        cases.append(Case(url_for(public_id=chapter.public_id), f"chapter {key}", app(rule)))
    return cases


def _cell_edit(world: World, url_for) -> list[Case]:
    cases = []
    for key in ("A1", "A2", "B1", "C1"):
        cell = world.cells[key]
        scope = scope_of(world, cell)  # a cell leader reaches their own cell, not the others

        def rule(role, method, scope=scope):
            if not reads(role, scope):
                return 404
            return 200 if manages(role, scope) else 403

        cases.append(Case(url_for(public_id=cell.public_id), f"cell {key}", app(rule)))
    return cases


def _role_end(world: World, url_for) -> list[Case]:
    cases = []
    for role_name in ("cell_leader", "secretary", "secretary_elsewhere", "committee_officer"):
        assignment = world.roles[role_name]
        scope = scope_of(world, assignment)
        kwargs = {"pk": assignment.pk, "public_id": getattr(assignment, "public_id", None)}

        def rule(role, method, scope=scope, assignment=assignment):
            if assignment.committee_id:  # the administrator's business
                return 404
            if not reads(role, scope):
                return 404
            return 200 if manages(role, scope) else 403

        cases.append(Case(url_for(**kwargs), f"role of {role_name}", app(rule)))
    return cases


def _import_preview(world: World, url_for) -> list[Case]:
    cases = []
    for key, batch in world.batches.items():
        scope = scope_of(world, batch, private=False)

        def rule(role, method, scope=scope):
            if not reads(role, scope):
                return 404
            if not manages(role, scope):
                return 403
            return 200 if method == GET else {200, "redirect"}

        kwargs = {"batch_id": batch.public_id, "public_id": batch.public_id}
        cases.append(Case(url_for(**kwargs), f"batch {key}", app(rule)))
    return cases


@task()
def queued_work(job_id: int) -> None:
    """A task the matrix queues (never run): a job and django-tasks' row for the admin."""


def world_job(world: World):
    """A finished background job of the secretary's with its file (chapter/jobs.py), made for
    the test asking (each test's rows are rolled back); its task's row in django-tasks' queue is
    what the admin's task pages show."""
    from django.core.files.base import ContentFile

    from chapter import jobs
    from chapter.models import Job

    owner = world.users["secretary"]
    # A register file (reports/tasks.py): served while the owner's role still reads its scope.
    job = jobs.start(
        owner=owner,
        kind="register_export",
        title="Sổ đảng viên",
        task=queued_work,
        parameters={"report": {"as_of": "2019-09-30"}},
    )
    job.file.save("ket-qua.txt", ContentFile(b"text"), save=False)
    job.filename, job.status = "ket-qua.txt", Job.Status.DONE
    job.save()
    return job


def _job(world: World, url_for) -> list[Case]:
    """A background job's page, progress and file: its owner and a superuser only."""
    job = world_job(world)
    done = 286 if "progress" in url_for(job_id=job.public_id) else 200  # htmx: stop polling
    seen = ("secretary", "superuser")
    return [
        Case(
            url_for(job_id=job.public_id),
            "owner's job",
            safe_only(lambda role: done if role in seen else 404),
        )
    ]


def _candidates(world: World):
    for key in ("A-POOL", "A-DOSSIER_OPEN", "A-CHAPTER_APPROVED", "A-ADMITTED", "B-POOL", "C-POOL"):
        yield key, world.candidates[key]


def _candidate_detail(world: World, url_for) -> list[Case]:
    return [
        Case(
            url_for(public_id=c.public_id),
            f"candidate {key}",
            safe_only(scoped(scope_of(world, c), lambda r: 200)),
        )
        for key, c in _candidates(world)
    ]


def _can_run(role: str, candidate: Candidate, slug: str, scope: Scope) -> bool:
    if manages(role, scope):
        return True
    reach = REACHES[role]
    return (
        slug in admission_access.COMMITTEE_STEPS
        and role.startswith("committee_officer")
        and scope.chapter in reach.chapters
    )


def _candidate_annul(world: World, url_for) -> list[Case]:
    cases = []
    for key, candidate in _candidates(world):
        scope = scope_of(world, candidate)

        def rule(role, method, scope=scope):
            if not reads(role, scope):
                return 404
            return 200 if manages(role, scope) else 403

        cases.append(Case(url_for(public_id=candidate.public_id), f"candidate {key}", app(rule)))
    return cases


def _candidate_scan(world: World, url_for) -> list[Case]:
    """A scan through its own case; a case with another case's paper number is 404."""
    cases = []
    pairs = [("A", "A"), ("C", "C"), ("A", "C")]
    for case_key, paper_key in pairs:
        candidate = world.scans[case_key].candidate
        document = world.scans[paper_key]
        scope = scope_of(world, candidate)
        same = case_key == paper_key
        rule = safe_only(
            lambda role, scope=scope, same=same: 200 if same and reads(role, scope) else 404
        )
        url = url_for(public_id=candidate.public_id, document_id=document.pk)
        cases.append(Case(url, f"case {case_key} paper {paper_key}", rule))
    return cases


def _candidate_step(world: World, url_for) -> list[Case]:
    """Every step of the registry on the candidates here at each stage and one elsewhere."""
    cases = []
    every_stage = [(k, c) for k, c in world.candidates.items() if k.startswith("A-")]
    for key, candidate in dict([*_candidates(world), *every_stage]).items():
        if key in ("A-POOL", "C-POOL"):
            slugs = list(steps.STEPS)
        else:  # the step the case waits for, and one it does not
            slugs = [s for s in (steps.next_slug(candidate), "sympathiser") if s]
        for n, slug in enumerate((*slugs, "no-such-step")):
            scope = scope_of(world, candidate)

            def rule(role, method, scope=scope, candidate=candidate, slug=slug):
                step = steps.get_step(slug)
                if step is None or not reads(role, scope):
                    return 404
                if not _can_run(role, candidate, slug, scope):
                    return 403
                return 200 if step.applies_to(candidate) else 403

            url = url_for(public_id=candidate.public_id, step=slug)
            methods = BOTH if n < 3 or key not in ("A-POOL", "C-POOL") else (GET,)
            cases.append(Case(url, f"candidate {key} {slug}", app(rule), methods))
            if slug in ("vote", "confirmation-vote") and key in ("A-CHAPTER_APPROVED", "C-POOL"):
                hx = {"HX-Request": "true"}
                cases.append(
                    Case(url + "?date=01/09/2019", f"htmx {key} {slug}", app(rule), (GET,), hx)
                )
    return cases


def _candidate_observe(world: World, url_for) -> list[Case]:
    cases = []
    for key, candidate in _candidates(world):
        scope = scope_of(world, candidate)

        def rule(role, method, scope=scope, candidate=candidate):
            if method == GET:
                return 405
            if not reads(role, scope):
                return 404
            return "redirect" if manages(role, scope) or leads(role, scope) else 403

        cases.append(Case(url_for(public_id=candidate.public_id), f"candidate {key}", app(rule)))
    return cases


def _rating_year(world: World, url_for) -> list[Case]:
    """A chapter's yearly rating page (ratings app): read by whoever sees the chapter, saved by
    its secretary or deputy; a year not begun is not found."""
    cases = []
    for key, chapter in world.chapters.items():
        scope = scope_of(world, chapter)
        for year in (2019, 2020):  # the world lives in 2019

            def rule(role, method, scope=scope, begun=year == 2019):
                if not reads(role, scope):
                    return 404
                if method == POST and not manages(role, scope):
                    return 403
                return 200 if begun else 404

            url = url_for(public_id=chapter.public_id, year=year)
            cases.append(Case(url, f"chapter {key} {year}", app(rule)))
    return cases


def _badge_list(*, export: bool):
    """The badge list (page or Excel): everyone signed in (the export needs a role), a chapter
    out of reach a 404."""

    def generate(world: World, url: str) -> list[Case]:
        every = safe_only(lambda role: 200 if not export or has_reach(role) else 404)
        cases = [Case(url, "list", every), Case(url + "?year=2020", "next year", every, (GET,))]
        for key, chapter in world.chapters.items():
            scope = scope_of(world, chapter)
            rule = safe_only(lambda role, scope=scope: 200 if reads(role, scope) else 404)
            cases.append(Case(f"{url}?chapter={chapter.public_id}", f"chapter {key}", rule, (GET,)))
        return cases

    return generate


def _document_opinions(world: World, url_for) -> list[Case]:
    """The summary of opinions the committee types (5-KNĐ from the verified background on,
    12-KNĐ from the ceremony on): typed by the chapter's managers, the committee reads (403)."""
    cases = []
    for key, candidate in _candidates(world):
        scope = scope_of(world, candidate)
        due = {
            "ADMISSION": candidate.stage in ("CHAPTER_APPROVED", "ADMITTED"),
            "CONFIRMATION": candidate.stage == "ADMITTED",
        }
        for kind in ("ADMISSION", "CONFIRMATION", "NO_SUCH_SUMMARY"):
            known, ok = kind in due, due.get(kind, False)

            def rule(role, method, scope=scope, known=known, ok=ok):
                if not reads_chapter(role, scope) or not known:
                    return 404
                if not manages(role, scope):
                    return 403
                if not ok:
                    return 404
                return 200 if method == GET else {200, "redirect"}

            url = url_for(public_id=candidate.public_id, kind=kind)
            cases.append(Case(url, f"candidate {key} {kind}", app(rule)))
    return cases


def reads_chapter(role: str, scope: Scope | None) -> bool:
    """The chapter's documents: read by those who read the whole chapter, not a cell leader."""
    return reads(role, scope) and "cell_leader" not in role


def _document_case(world: World, url_for) -> list[Case]:
    cases = []
    for key, candidate in _candidates(world):
        scope = scope_of(world, candidate)
        rule = safe_only(lambda role, scope=scope: 200 if reads_chapter(role, scope) else 404)
        cases.append(Case(url_for(public_id=candidate.public_id), f"candidate {key}", rule))
    return cases


def _document_preview(world: World, url_for) -> list[Case]:
    """Each case's documents: one that can be made (after a vote), one that cannot yet, one
    unknown; reading needs the case in scope, making needs the chapter's management."""
    cases = []
    for key, candidate in _candidates(world):
        scope = scope_of(world, candidate)
        voted = candidate.resolutions.exists()
        for slug in ("admission-minutes", "no-such-document"):

            def rule(role, method, scope=scope, ok=voted and slug != "no-such-document"):
                if not reads_chapter(role, scope) or not ok:
                    return 404
                if method == POST and not manages(role, scope):
                    return 403
                return 200 if method == GET else {200, "redirect"}

            url = url_for(public_id=candidate.public_id, slug=slug)
            cases.append(Case(url, f"candidate {key} {slug}", app(rule)))
    return cases


def _document_meeting(world: World, url_for) -> list[Case]:
    cases = []
    for key, candidate in _candidates(world):
        scope = scope_of(world, candidate)
        voted = candidate.resolutions.filter(kind="ADMISSION_CHAPTER").exists()
        for kind in ("ADMISSION_CHAPTER", "NO_SUCH_VOTE"):

            def rule(role, method, scope=scope, known=kind != "NO_SUCH_VOTE", ok=voted):
                if not reads_chapter(role, scope) or not known:
                    return 404
                if not manages(role, scope):
                    return 403
                if not ok:
                    return 404
                return 200 if method == GET else {200, "redirect"}

            url = url_for(public_id=candidate.public_id, kind=kind)
            cases.append(Case(url, f"candidate {key} {kind}", app(rule)))
    return cases


def _chapter_documents_page(world: World, url_for) -> list[Case]:
    """The chapter's own documents page (register book, lists): read by those who read the
    whole chapter, not a cell leader; read-only."""
    cases = []
    for key, chapter in world.chapters.items():
        scope = scope_of(world, chapter)
        rule = safe_only(lambda role, scope=scope: 200 if reads_chapter(role, scope) else 404)
        cases.append(Case(url_for(public_id=chapter.public_id), f"chapter {key}", rule))
    return cases


def _chapter_document_preview(world: World, url_for) -> list[Case]:
    """A chapter document's preview (GET) and making (POST, its secretary or deputy only; a
    committee officer 403); an unknown document is not found."""
    cases = []
    for key, chapter in world.chapters.items():
        scope = scope_of(world, chapter)
        for slug in ("sign-in-sheet", "no-such-document"):

            def rule(role, method, scope=scope, known=slug != "no-such-document"):
                if not reads_chapter(role, scope):
                    return 404
                if method == POST and not manages(role, scope):
                    return 403
                if not known:
                    return 404
                return 200 if method == GET else {200, "redirect"}

            url = url_for(public_id=chapter.public_id, slug=slug)
            cases.append(Case(url, f"chapter {key} {slug}", app(rule)))
    return cases


def _unit_index(role: str) -> int | str:
    """The committee unit pages (reports/unit_views.py): committee officers and superusers only;
    with one committee (the world has one root), its page."""
    return "redirect" if role.startswith("committee_officer") or role == "superuser" else 404


def _unit_pages(world: World, url_for) -> list[Case]:
    """Each committee's unit page: 200 for an officer whose subtree holds it (and the
    superuser), 404 for everyone else, secretaries and cell leaders included; the htmx search."""
    cases = []
    for key, committee in world.committees.items():

        def rule(role, key=key):
            officer = role.startswith("committee_officer") and key in REACHES[role].committees
            return 200 if officer or role == "superuser" else 404

        url = url_for(public_id=committee.public_id)
        cases.append(Case(url, f"committee {key}", safe_only(rule)))
        if key == "C1":
            hx = {"HX-Request": "true"}
            cases.append(Case(url + "?q=zzleak", "htmx search", safe_only(rule), (GET,), hx))
            cases.append(Case(url + "?q=Chi&page=2", "search page 2", safe_only(rule), (GET,)))
    unknown = url_for(public_id="00000000-0000-4000-8000-000000000000")
    cases.append(Case(unknown, "unknown committee", safe_only(lambda role: 404)))
    return cases


def _fixed(rule: Expect) -> Callable[[World, str], list[Case]]:
    return lambda world, url: [Case(url, "page", rule)]


def _everyone(get: set | int | str, post: set | int | str) -> Expect:
    def expect(role, method):
        found = get if method == GET else post
        return found if isinstance(found, set) else {found}

    return expect


def _pickers(world: World, url: str) -> list[Case]:
    """A picker's matches (members/pickers.py): the units the user reads, names checked for
    leaks like every page; the cells of a chapter out of reach are not found (404)."""
    cases = [
        Case(url, "all", safe_only(lambda role: 200)),
        Case(f"{url}?q=zzleak", "query", safe_only(lambda role: 200), (GET,)),
        Case(f"{url}?key=pk", "integer keys", safe_only(lambda role: 200), (GET,)),
    ]
    if not url.endswith("/cells/"):
        return cases
    for key, chapter in world.chapters.items():
        scope = scope_of(world, chapter)
        rule = safe_only(lambda role, scope=scope: 200 if reads(role, scope) else 404)
        cases.append(Case(f"{url}?chapter={chapter.public_id}", f"chapter {key}", rule, (GET,)))
        url_pk = f"{url}?key=pk&chapter={chapter.pk}"
        cases.append(Case(url_pk, f"chapter {key} by pk", rule, (GET,), roles=SAMPLE))
    return cases


def _board_units(world: World, url: str) -> list[Case]:
    """The board of a unit of the committee tree (``?unit=``): the officer's committees and
    those under them, every one for a superuser; 404 for anyone else."""
    cases = _lists("q=zzleak")(world, url)
    for key, committee in world.committees.items():

        def rule(role, key=key):
            officer = role.startswith("committee_officer") and key in REACHES[role].committees
            return 200 if role == "superuser" or officer else 404

        unit = f"{url}?unit={committee.public_id}"
        cases.append(Case(unit, f"unit {key}", safe_only(rule), (GET,)))
    return cases


def _work_queue(world: World, url: str) -> list[Case]:
    """The committee's work queue (admissions/queue_views.py): committee officers and superusers
    only, as the unit pages; a unit or chapter filter outside the officer's reach is 404."""

    def officer(role: str) -> bool:
        return role == "superuser" or role.startswith("committee_officer")

    cases = [Case(url, "page", safe_only(lambda role: 200 if officer(role) else 404))]
    for key, committee in world.committees.items():

        def unit_rule(role, key=key):
            ok = role == "superuser" or (officer(role) and key in REACHES[role].committees)
            return 200 if ok else 404

        cases.append(Case(f"{url}?unit={committee.public_id}", f"unit {key}", safe_only(unit_rule)))
    for key, chapter in world.chapters.items():

        def chapter_rule(role, key=key):
            ok = role == "superuser" or (officer(role) and key in REACHES[role].chapters)
            return 200 if ok else 404

        query = f"{url}?chapter={chapter.public_id}&page=2"
        cases.append(Case(query, f"chapter {key}", safe_only(chapter_rule), (GET,)))
    return cases


def _board_column(world: World, url_for) -> list[Case]:
    """A board column's next cards (htmx): the board's scope; only a board column has one."""
    column = url_for(stage=Candidate.Stage.POOL)
    hx = {"HX-Request": "true"}
    return [
        Case(column, "column", safe_only(lambda role: 200)),
        Case(f"{column}?offset=20&q=zzleak", "more", safe_only(lambda r: 200), (GET,), hx),
        Case(url_for(stage="OFFICIAL"), "closed stage", safe_only(lambda r: 404), (GET,)),
    ]


# Reorganisation decisions (members/reorganisation_views.py) --------------------------------

OFFICERS = {"committee_officer", "committee_officer_elsewhere", "committee_officer_top"}
#: who reads a decision of (committee, chapter touched): the deciding committee's officers and
#: those above, and whoever reads the chapter touched (a secretary, an officer of a committee
#: under the deciding one); a cell leader reads none
DECISION_READERS = {
    ("C1", "A"): {"committee_officer", "committee_officer_top", "secretary", "deputy", "staff"},
    ("C2", "C"): {"committee_officer_elsewhere", "committee_officer_top", "secretary_elsewhere"},
    ("C0", "A"): {"committee_officer", "committee_officer_top", "secretary", "deputy", "staff"},
}


def world_reorganisations(world: World) -> dict[tuple[str, str], object]:
    """A decision row of each committee of ``DECISION_READERS`` that touched its chapter, made
    for the test asking (rolled back with it); the rules of the moves are tested in
    tests/members/test_reorganisation.py."""
    import datetime as dt

    from members.models import Reorganisation

    made = {}
    for committee, chapter in DECISION_READERS:
        unit = world.chapters[chapter]
        made[(committee, chapter)] = Reorganisation.objects.create(
            kind=Reorganisation.Kind.MERGE,
            committee=world.committees[committee],
            decision_number=f"9-QĐ/{committee}",
            decision_date=dt.date(2019, 9, 1),
            issuing_body="Đảng ủy",
            summary={"chapters": [unit.name], "target": unit.name, "chapter_ids": [unit.pk]},
        )
    return made


def _deciding_names(world: World) -> frozenset[str]:
    """The deciding committees' names: on the decision's paper, which names its issuing body to
    every chapter it touches (not confidential, as a transfer letter's committees)."""
    from tests.security.conftest import MARKER

    keys = {committee for committee, _chapter in DECISION_READERS}
    return frozenset(m for key in keys for m in MARKER.findall(world.committees[key].name))


def _reorganisations(world: World, url: str) -> list[Case]:
    """The decisions' list: anyone with a role (each sees those in reach; a leak is caught)."""
    world_reorganisations(world)
    rule = safe_only(lambda role: 403 if role == "no_role" else 200)
    public = _deciding_names(world)
    return [
        Case(url, "page", rule, public=public),
        Case(f"{url}?page=2", "page 2", rule, (GET,), roles=SAMPLE, public=public),
    ]


def _reorganisation_new(world: World, url: str) -> list[Case]:
    """Recording a decision: committee officers and superusers; the forms list their units."""
    rule = app(lambda role, method: 200 if role in {*OFFICERS, "superuser"} else 403)
    source = world.chapters["A"].public_id
    return [
        Case(f"{url}{query}", query or "chooser", rule)
        for query in ("", "?kind=MERGE", "?kind=MOVE_CHAPTERS", f"?kind=SPLIT&source={source}")
    ]


def _reorganisation_detail(world: World, url_for) -> list[Case]:
    cases = []
    for key, decision in world_reorganisations(world).items():

        def rule(role, key=key):
            return 200 if role == "superuser" or role in DECISION_READERS[key] else 404

        url = url_for(public_id=decision.public_id)
        label = f"decision of {key[0]} touching {key[1]}"
        cases.append(Case(url, label, safe_only(rule), public=_deciding_names(world)))
    return cases


# Transfers between chapters (members/handover_views.py) ------------------------------------

#: a secretary's or an officer's reach over a transfer's chapters (a cell leader reads none)
TRANSFER_ROLES = {*MANAGES, "superuser"} | {r for r in REACHES if r.startswith("committee_officer")}
#: the committee each officer holds the role in (they read the committees under it too)
OFFICER_OF = {
    "committee_officer": HERE,
    "committee_officer_elsewhere": ELSEWHERE,
    "committee_officer_top": TOP,
}
STEP_STATES = {
    "detail": None,
    "issue": ("REQUESTED",),
    "accept": ("SENT",),
    "not-arrived": ("SENT",),
    "cancel": ("REQUESTED", "SENT", "NOT_ARRIVED"),
}


def _reads_unit(role: str, chapter_key: str) -> bool:
    return role == "superuser" or (
        "cell_leader" not in role and chapter_key in REACHES[role].chapters
    )


def _names(world: World, *objects) -> frozenset[str]:
    """The markers in the names of these chapters and committees (and of every one if none)."""
    if not objects:
        objects = (*world.chapters.values(), *world.committees.values())
    return frozenset(m for obj in objects for m in MARKER.findall(obj.name))


def world_handovers(world: World) -> dict[str, object]:
    """Transfers made for the test asking (rolled back with it), of members registered for
    them whose private details carry the sending cell's markers: "A-C requested" (letter to
    issue), "A-C sent" (an arrival at C), "C-A sent" (an arrival at A), "B-C temporary" (a
    temporary stay at C, accepted)."""
    from chapter.documents import Document
    from members import services as member_services
    from members.models import Handover

    letter = Document(number="7-GGT/ĐUK", date=datetime.date(2019, 9, 5), issuing_body="Đảng ủy")
    made = {}
    for label, source, target, kind, issued in (
        ("A-C requested", "A1", "C", Handover.Kind.PERMANENT, False),
        ("A-C sent", "A2", "C", Handover.Kind.PERMANENT, True),
        ("C-A sent", "C1", "A", Handover.Kind.PERMANENT, True),
        ("B-C temporary", "B1", "C", Handover.Kind.TEMPORARY, True),
    ):
        private = world.mark(Scope(CHAPTERS[source[0]], source[0], source, True))
        member = register_member(
            cell=world.cells[source],
            full_name="Đỗ Văn Chuyển",
            note=f"Ghi chú {private}",
            current_address=f"Số 2 {private}",
            workplace=f"Cơ quan {private}",
        )
        handover = member_services.handover_request(
            member_id=member.pk,
            actor=None,
            kind=kind,
            to_chapter=world.chapters[target],
            requested_on=datetime.date(2019, 9, 2),
            until=datetime.date(2020, 3, 1) if kind == Handover.Kind.TEMPORARY else None,
            letter=letter if issued else None,
        )
        if kind == Handover.Kind.TEMPORARY:
            handover = member_services.handover_accept(
                handover_id=handover.pk, actor=None, presented_on=datetime.date(2019, 9, 9)
            )
        made[label] = handover
    return made


def _may_issue(role: str, source: str) -> bool:
    """The transfer letter: the sending secretary, or an officer of the sending chapter's
    committee or of the one directly above it (``Reach.decides_for``)."""
    if role == "superuser" or MANAGES.get(role) == source:
        return True
    committee = CHAPTERS[source]
    return OFFICER_OF.get(role, "-") in (committee, TREE[committee])


def _handover_step(step: str):
    """A transfer's page (GET only) or one of its steps: out of reach 404 (a cell leader reads
    none; the receiving side once the letter is issued); without the right 403; a step its
    state does not allow, a redirect to the transfer."""

    def generate(world: World, url_for) -> list[Case]:
        cases = []
        for label, handover in world_handovers(world).items():
            source, target = label.split()[0].split("-")

            def rule(role, method, handover=handover, source=source, target=target):
                if step == "detail" and method == POST:
                    return 405
                addressed = handover.state != "REQUESTED"
                if not (_reads_unit(role, source) or (addressed and _reads_unit(role, target))):
                    return 404
                if step == "detail":
                    return 200
                if step == "issue":
                    allowed = _may_issue(role, source)
                elif step in ("accept", "not-arrived"):  # once addressed (access.can_receive)
                    receives = role == "superuser" or MANAGES.get(role) == target
                    allowed = receives and addressed
                else:
                    allowed = role == "superuser" or MANAGES.get(role) == source
                if not allowed:
                    return 403
                return 200 if handover.state in STEP_STATES[step] else "redirect"

            public = _names(world, handover.from_chapter, handover.to_chapter)
            public |= _names(world, handover.from_chapter.committee, handover.to_chapter.committee)
            url = url_for(public_id=handover.public_id)
            cases.append(Case(url, label, app(rule), public=public))
        return cases

    return generate


def _transfers(world: World, url: str) -> list[Case]:
    """The transfers page: secretaries, officers and superusers; every list of it."""
    world_handovers(world)
    public = _names(world)
    rule = safe_only(lambda role: 200 if role in TRANSFER_ROLES else 404)
    return [
        Case(f"{url}{query}", query or "page", rule, public=public)
        for query in ("", "?show=arrivals", "?show=temporary", "?show=sent&page=2", "?show=closed")
    ]


def _destinations(world: World, url: str) -> list[Case]:
    """The destination picker: every chapter's name, for whoever may send a member."""
    rule = safe_only(lambda role: 200 if role in {*MANAGES, "superuser"} else 404)
    return [
        Case(url, "all", rule, public=_names(world)),
        Case(f"{url}?q=zzleak", "query", rule, (GET,), public=_names(world)),
    ]


def _handover_new(world: World, url_for) -> list[Case]:
    """A member's transfer to a chapter of the system: the member's secretary (a member off
    the roll: a redirect to the member)."""
    cases = []
    for key, member in _member_cases(world):
        scope = scope_of(world, member)

        def rule(role, method, scope=scope, member=member):
            if not reads(role, scope):
                return 404
            if not manages(role, scope):
                return 403
            return 200 if member.is_active else "redirect"

        url = url_for(public_id=member.public_id)
        cases.append(Case(url, f"member {key}", app(rule), public=_names(world)))
    return cases


def _url_cases(generate):
    """For patterns with arguments: ``generate(world, url_for)``."""
    return ("args", generate)


APP_RULES: dict[str, object] = {
    "dashboard": _fixed(safe_only(lambda role: 200)),
    "members:member-list": _lists("q=zzleak", "page=2", "sort=-name", htmx=True),
    "members:member-create": _managers_page(),
    "members:member-detail": _url_cases(_member_detail),
    "members:member-edit": _url_cases(_member_edit),
    "members:pick-chapters": _pickers,
    "members:pick-cells": _pickers,
    "members:import": _managers_page(),
    "members:import-template": _managers_page(safe=True),
    "members:import-preview": _url_cases(_import_preview),
    "members:transfer-in": _managers_page(),
    "members:member-move": _url_cases(_member_move),
    "members:member-correct": _url_cases(_member_correct),
    "members:member-annul": _url_cases(_member_correct),  # the same reach as a correction
    "members:chapter-detail": _url_cases(
        lambda w, u: _chapter_cases(w, u, manage=False, safe=True)
    ),
    "members:cell-create": _url_cases(lambda w, u: _chapter_cases(w, u, manage=True)),
    "members:cell-edit": _url_cases(_cell_edit),
    "members:role-create": _url_cases(lambda w, u: _chapter_cases(w, u, manage=True)),
    "members:role-end": _url_cases(_role_end),
    "members:transfers": _transfers,
    "members:pick-destinations": _destinations,
    "members:handover-new": _url_cases(_handover_new),
    "members:handover-detail": _url_cases(_handover_step("detail")),
    "members:handover-issue": _url_cases(_handover_step("issue")),
    "members:handover-accept": _url_cases(_handover_step("accept")),
    "members:handover-not-arrived": _url_cases(_handover_step("not-arrived")),
    "members:handover-cancel": _url_cases(_handover_step("cancel")),
    "members:reorganisations": _reorganisations,
    "members:reorganisation-new": _reorganisation_new,
    "members:reorganisation-detail": _url_cases(_reorganisation_detail),
    "admissions:board": _board_units,
    "admissions:board-column": _url_cases(_board_column),
    "admissions:candidate-list": _lists("q=zzleak", "stage=closed", "page=2"),
    "admissions:deadlines": _fixed(safe_only(lambda role: 200)),
    "admissions:queue": _work_queue,
    "admissions:probation": _fixed(safe_only(lambda role: 200)),
    "admissions:candidate-create": _managers_page(),
    "admissions:candidate-detail": _url_cases(_candidate_detail),
    "admissions:candidate-step": _url_cases(_candidate_step),
    "admissions:candidate-observe": _url_cases(_candidate_observe),
    "admissions:candidate-annul": _url_cases(_candidate_annul),
    "admissions:candidate-scan": _url_cases(_candidate_scan),
    "documents:case": _url_cases(_document_case),
    "documents:preview": _url_cases(_document_preview),
    "documents:meeting": _url_cases(_document_meeting),
    "documents:opinions": _url_cases(_document_opinions),
    "documents:settings": _url_cases(lambda w, u: _chapter_cases(w, u, manage=True)),
    "documents:chapter": _url_cases(_chapter_documents_page),
    "documents:chapter-preview": _url_cases(_chapter_document_preview),
    # A made document's files: through its case (tests/documents); an unknown one is not found.
    "documents:file": _url_cases(
        lambda w, u: [
            Case(
                u(public_id="00000000-0000-4000-8000-000000000000", fmt="pdf"),
                "unknown document",
                safe_only(lambda role: 404),
            )
        ]
    ),
    "reports:report": _reports_page,
    "reports:people": _people,
    "reports:export-figures": _export,
    "reports:export-register": _export_register,
    "reports:units": _fixed(safe_only(lambda role: _unit_index(role))),
    "reports:unit": _url_cases(_unit_pages),
    "job": _url_cases(_job),
    "job-progress": _url_cases(_job),
    "job-download": _url_cases(_job),
    "ratings:index": _fixed(safe_only(lambda role: 200)),
    "ratings:chapter-year": _url_cases(_rating_year),
    "ratings:badges": _badge_list(export=False),
    "ratings:badges-export": _badge_list(export=True),
    # Django's own pages
    "login": _fixed(_everyone(200, 200)),
    "logout": _fixed(app(lambda role, method: 405 if method == GET else {"login", "redirect"})),
    "password_change": _fixed(app(lambda role, method: 200)),
    "password_change_done": _fixed(app(lambda role, method: 200 if method == GET else 405)),
    "set_language": _fixed(_everyone({204, "redirect"}, "redirect")),
    # The admin's "view on site", scoped (chapter/urls.py, before the admin's own)
    "admin-view-on-site": lambda world, url: _view_on_site_cases(world),
}
# Views a model admin adds to its own URLs: (model label, view name) -> how to fill them.
ADMIN_EXTRA_VIEWS = {("auth.user", "password_change")}


def url_for_pattern(key: str) -> Callable[..., str]:
    """``url_for(**kwargs)``: reverse the pattern with the kwargs its route names."""
    namespace, _sep, name = key.rpartition(":")
    for ns, entry, _route in _walk(get_resolver()):
        if ns == (namespace or None) and entry.name == name:
            wanted = set(entry.pattern.converters)

            def url_for(wanted=wanted, **kwargs) -> str:
                return reverse(key, kwargs={k: v for k, v in kwargs.items() if k in wanted})

            return url_for
    raise UnknownPattern(key)


# The admin -------------------------------------------------------------------------------------


def _admin_site_expect(view: str) -> Expect:
    def expect(role: str, method: str) -> set:
        staff = role in ("staff", "superuser")
        if view == "login":
            if method == GET and staff:
                return {"admin-index"}
            return {200}
        if view == "logout":  # wherever it lands, the session is gone
            return {405, 200, "admin-login", "admin-index", "login", "redirect"}
        if not staff:
            return {"admin-login", "login"}
        if view in ("password_change",):
            return {200}
        if view == "password_change_done":
            return {200} if method == GET else {200, 405}
        if view == "catch_all":
            return {404}
        if view == "autocomplete":
            return {200, 403, 404} if method == GET else {405, 200, 403}
        return {200} if method == GET else {200, 405}

    return expect


def _admin_site_cases(world: World, view: str) -> list[Case]:
    expect = _admin_site_expect(view)
    if view == "app_list":
        return [
            Case(reverse("admin:app_list", args=[app_label]), app_label, _app_list_expect, (GET,))
            for app_label in ("members", "admissions", "auth", "axes", "chapter")
        ]
    if view == "catch_all":
        return [Case("/admin/no-such-page/", "unknown", expect)]
    if view == "autocomplete":
        return _autocomplete_cases(world, expect)
    if view == "view_on_site":
        return _view_on_site_cases(world)
    return [Case(reverse(f"admin:{view}"), view, expect)]


def _app_list_expect(role: str, method: str) -> set:
    if role not in ("staff", "superuser"):
        return {"admin-login"}
    return {200, 404}  # 404: an app with nothing the user may see


def _autocomplete_cases(world: World, expect: Expect) -> list[Case]:
    cases = []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            params = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": "",
            }
            url = reverse("admin:autocomplete") + "?" + urlencode(params)
            cases.append(Case(url, f"{model._meta.label_lower}.{field_name}", expect, (GET,)))
    return cases


def _view_on_site_cases(world: World) -> list[Case]:
    cases = []
    for label, obj, scope in admin_objects(world, Member) + admin_objects(world, Candidate):
        ct = ContentType.objects.get_for_model(obj)

        def expect(role, method, scope=scope):
            if role not in ("staff", "superuser"):
                return {"admin-login", "login"}
            return {"redirect"} if reads(role, scope) else {404}

        url = reverse("admin:view_on_site", args=[ct.pk, obj.pk])
        cases.append(Case(url, label, expect, (GET,)))
    return cases


def admin_objects(world: World, model) -> list[tuple[str, object, Scope | None]]:
    """One object here (chapter A, or committee C1) and one elsewhere (chapter C, committee C2);
    for a model with no unit (a rule, a calendar day, a login attempt), any object."""
    here = elsewhere = unscoped = None
    if model is get_user_model():
        rows = [world.users["secretary"], world.users["secretary_elsewhere"]]
    elif model._meta.label_lower == "django_tasks_database.dbtaskresult":
        rows = [model._default_manager.get(id=world_job(world).task_id)]
    elif model._meta.label_lower == "members.handover":
        # Sent from chapter A (its staff read it); between B and C (they do not).
        made = world_handovers(world)
        return [("here", made["A-C sent"], None), ("elsewhere", made["B-C temporary"], None)]
    elif model._meta.label_lower == "members.reorganisation":
        # Of committee C1, over chapter A (its staff read it); of C2, over C (they do not).
        made = world_reorganisations(world)
        return [("here", made[("C1", "A")], None), ("elsewhere", made[("C2", "C")], None)]
    else:
        rows = list(model._default_manager.all()[:400])
    for obj in rows:
        scope = scope_of(world, obj)
        if scope is None:
            unscoped = unscoped or obj
        elif here is None and (
            scope.chapter == "A" or (scope.chapter is None and scope.committee == "C1")
        ):
            here = obj
        elif elsewhere is None and (
            scope.chapter == "C" or (scope.chapter is None and scope.committee == "C2")
        ):
            elsewhere = obj
    found = []
    if here is not None:
        found.append(("here", here, scope_of(world, here)))
    if elsewhere is not None:
        found.append(("elsewhere", elsewhere, scope_of(world, elsewhere)))
    if not found and unscoped is not None:
        found.append(("unscoped", unscoped, None))
    return found


def _admin_model_expect(label: str, view: str, scope: Scope | None, where: str) -> Expect:
    readable = where in ("here", "unscoped", "model")

    def expect(role: str, method: str) -> set:
        if role not in ("staff", "superuser"):
            return {"admin-login", "login"}
        if view == "redirect":
            return {"redirect"}
        if role == "superuser":
            return _superuser(view, method)
        if not readable:  # staff: another chapter's object does not exist for them
            return {404, 403, "admin-index"}
        only_superuser = label in SUPERUSER_ONLY | LOGIN_RECORDS
        if view == "changelist":
            return {200, 403} if only_superuser or method == GET else {200, 403, "redirect"}
        if view in ("add", "delete"):
            return {403}  # staff hold view and change permissions only
        if method == POST and view == "history":
            return {200, 403} if only_superuser else {200}
        if method == POST and (only_superuser or view == "simple_history"):
            return {403}
        if view == "change" and method == POST:
            return {200, 403}
        return {200, 403} if only_superuser else {200}

    return expect


def _superuser(view: str, method: str) -> set:
    if view in ("add", "delete"):
        return {200, 403}  # 403 where the admin never adds or deletes (ledgers, members)
    if view == "simple_history" and method == POST:
        return {403}  # an old version is shown, never restored
    if view == "change" and method == POST:
        return {200, 403, "redirect"}  # an empty form may be a valid one (a login record)
    if view == "changelist" and method == POST:
        return {200, "redirect"}
    return {200}


def _admin_model_cases(world: World, label: str, view: str) -> list[Case]:
    model_admin = _model_admin(label)
    model = model_admin.model
    info = (model._meta.app_label, model._meta.model_name)
    if view in ("changelist", "add"):
        url = reverse(f"admin:{info[0]}_{info[1]}_{view}")
        cases = [Case(url, view, _admin_model_expect(label, view, None, "model"))]
        if view == "changelist":
            cases.append(
                Case(
                    url + "?q=zzleak",
                    "search",
                    _admin_model_expect(label, view, None, "model"),
                    (GET,),
                )
            )
        return cases
    cases = []
    # A transfer names both chapters and their committees, a decision the chapters it moved:
    # names of the organisation, not confidential (the member's details are).
    public = _names(world) if label in ("members.handover", "members.reorganisation") else None
    for where, obj, scope in admin_objects(world, model):
        expect = _admin_model_expect(label, view, scope, where)
        if view == "simple_history":
            version = obj.history.order_by("-history_id").first()
            url = reverse(f"admin:{info[0]}_{info[1]}_simple_history", args=[obj.pk, version.pk])
        elif view == "redirect":
            url = reverse(f"admin:{info[0]}_{info[1]}_changelist") + f"{obj.pk}/"
        else:
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk])
        cases.append(Case(url, where, expect, public=public or frozenset()))
    return cases


# Entry point -----------------------------------------------------------------------------------


def cases(world: World, key: str) -> list[Case]:
    """The requests for one pattern; UnknownPattern if the matrix does not know it."""
    if not known(key):
        raise UnknownPattern(key)
    if key.startswith("admin:"):
        parts = key.split(":")
        if len(parts) == 2:
            return _admin_site_cases(world, parts[1])
        return _admin_model_cases(world, parts[1], parts[2])
    rule = APP_RULES[key]
    if isinstance(rule, tuple):
        return rule[1](world, url_for_pattern(key))
    return rule(world, "" if key == "admin-view-on-site" else reverse(key))
