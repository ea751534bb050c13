"""Hypothesis against every form and filter (issue 10, item 10): bad input gets a message,
never a 500, and a refused form writes nothing.

Forms are read from the pages themselves (the fields of the page's POST form, its select
options), so a field added to a form is fuzzed without touching this file. Each value comes
from a pool of troublemakers (dates of year 1 and 9999, 29/02 of a common year, 10,000
characters, NUL bytes, negative and huge numbers, right-to-left and astral unicode) or from
the form's own choices, so that some submissions pass the form and reach the service.

After each submission: no exception and no 5xx; no markup echoed back unescaped (a form
re-rendered, a confirmation page); if the form was refused (re-rendered, an
error message, a 4xx), no row of the members, admissions or chapter apps (their history tables
included) was added, changed or removed; and nothing accepted carries a date outside the
Party's era (before 03/02/1930 or in the year 9999).
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import time_machine
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions import services, steps
from admissions.checks.votes import vote_base
from admissions.models import Candidate, ChapterAdmissionSettings, Form
from chapter.documents import Document
from chapter.forms import DATE_PLACEHOLDER
from members.actions import ACTION_SLUGS
from reports import queries
from tests.conftest import CHAPTER_TZ
from tests.security.matrix import url_for_pattern

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-10-01 10:00")]

FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # the world differs between runs: no replayed examples
)
OUT_OF_ERA = ("01/01/0001", "31/12/9999", "01/01/1900", "0001-01-01", "9999-12-31")
TROUBLE = (
    *OUT_OF_ERA,
    "29/02/2027",
    "31/04/2019",
    "00/00/0000",
    "32/13/2019",
    "1/1/19",
    "2019-02-29",
    "01/10/2019",
    "30/09/2019",
    "15/03/1980",
    "x" * 10_000,
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "1e309",
    "NaN",
    "١٢٣",
    "\U0001d7d9\U0001d7da",  # mathematical digits one and two
    "\u202egnp.exe",
    "' OR 1=1 --",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x","y")',
    "",
    " ",
    "Nguyễn Văn An",
)


# Reading a page's forms ------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of each <form>: method, action and {name: (kind, [values])}."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append({"method": method, "action": attrs.get("action") or "", "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "image"):
            kind = attrs.get("type", "text")
            if attrs.get("placeholder") == str(DATE_PLACEHOLDER) or kind == "date":
                kind = "date"
            fields.setdefault(name, (kind, []))[1].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            fields[name] = ("textarea", [""])
        elif tag == "select" and name:
            fields[name] = ("select", [])
            self._select = name
        elif tag == "option" and self._select:
            fields[self._select][1].append(attrs.get("value") or "")
        elif tag == "button" and name:
            fields.setdefault(name, ("button", []))[1].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(client: Client, url: str, method: str = "post") -> dict[str, tuple[str, list]]:
    """The fields of the page's own form (not the language switch or the logout button)."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    reader = FormReader()
    reader.feed(response.content.decode())
    fields: dict = {}
    for form in reader.forms:
        if form["method"] != method or form["action"] not in ("", url, "?", "."):
            continue
        fields.update(form["fields"])
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def values_for(kind: str, offered: list[str]):
    own = [v for v in offered if v]
    if kind == "file":
        return st.one_of(
            st.binary(max_size=200).map(lambda b: SimpleUploadedFile("scan.pdf", b)),
            st.just(SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n")),
            st.just(SimpleUploadedFile("so.csv", "Họ và tên\r\n\x00\r\n".encode())),
        )
    pool = [st.sampled_from(TROUBLE), st.text(max_size=30)]
    if own:
        pool.insert(0, st.sampled_from(own))
    if kind in ("checkbox", "hidden", "button", "radio"):
        pool = [st.sampled_from(own or ["1"]), st.sampled_from(TROUBLE)]
    return st.one_of(*pool)


def submission(fields: dict, *, extra: dict[str, list[str]] | None = None):
    """A strategy for one POST body: each field a value or left out."""
    names = {**fields, **{k: ("hidden", v) for k, v in (extra or {}).items()}}
    return st.fixed_dictionaries(
        {}, optional={name: values_for(kind, offered) for name, (kind, offered) in names.items()}
    )


# What was written ------------------------------------------------------------------------------

AUDITED_APPS = ("members", "admissions", "chapter")


def snapshot() -> dict[str, tuple]:
    """Each model's count and latest change, history tables included."""
    state = {}
    for label in AUDITED_APPS:
        for model in apps.get_app_config(label).get_models():
            rows = model._default_manager.all()
            stamp = None
            fields = {f.name for f in model._meta.fields}
            for name in ("history_date", "updated_at", "created_at"):
                if name in fields:
                    stamp = rows.order_by(f"-{name}").values_list(name, flat=True).first()
                    break
            state[model._meta.label] = (rows.count(), stamp)
    return state


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    if "error" in levels:
        return True
    return response.status_code == 200


def check(
    client: Client, url: str, data: dict, *, method: str = "post", dates: set[str] = frozenset()
) -> None:
    """One request, rolled back after it so that every example starts from the same world."""
    with transaction.atomic():
        before = snapshot()
        send = client.post if method == "post" else client.get
        response = send(url, data)
        assert response.status_code < 500, f"{url} {data!r:.300}: {response.status_code}"
        assert not reflected(response), f"{url} {data!r:.300}: shows the markup unescaped"
        after = snapshot()
        transaction.set_rollback(True)
    changed = {k for k in before if before[k] != after[k]}
    if method == "post" and refused(response):
        assert not changed, f"{url}: refused ({response.status_code}) but wrote {changed}"
    if changed:
        bad = {k: v for k, v in data.items() if k in dates and v in OUT_OF_ERA}
        assert not bad, f"{url}: accepted dates outside the Party's era {bad}, wrote {changed}"


def reflected(response) -> bool:
    """The submitted markup echoed back as markup (a form re-rendered, a confirmation page)."""
    if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
        return False
    return "<img src=x onerror" in response.content.decode(errors="replace")


def date_names(fields: dict) -> set[str]:
    return {name for name, (kind, _values) in fields.items() if kind == "date"}


@pytest.fixture
def secretary(world, frozen):
    client = Client()
    client.force_login(world.users["secretary"])
    return client


@pytest.fixture
def superuser(world, frozen):
    client = Client()
    client.force_login(world.users["superuser"])
    return client


# Forms -----------------------------------------------------------------------------------------


def _member_forms(world) -> list[tuple[str, str]]:
    member = world.members["A1"]
    probationary = world.members["A-probationary"]
    forms = [
        ("member-create", reverse("members:member-create")),
        ("member-edit", reverse("members:member-edit", args=[member.public_id])),
        ("member-correct", reverse("members:member-correct", args=[member.public_id])),
        ("transfer-in", reverse("members:transfer-in")),
        ("cell-create", reverse("members:cell-create", args=[world.chapters["A"].public_id])),
        ("cell-edit", reverse("members:cell-edit", args=[world.cells["A1"].public_id])),
        ("role-create", reverse("members:role-create", args=[world.chapters["A"].public_id])),
        ("candidate-create", reverse("admissions:candidate-create")),
        ("import", reverse("members:import")),
    ]
    forms.append(("member-annul", reverse("members:member-annul", args=[member.public_id])))
    for action in ACTION_SLUGS:
        target = {
            "confirm": probationary,
            "remove-from-probationary-list": probationary,
            "temporary-return": world.members["A-temporarily-out"],
            "end-exemption": world.members["A-exempted"],
        }.get(action, member)
        url = reverse("members:member-move", args=[target.public_id, action])
        forms.append((f"move-{action}", url))
    return forms


MEMBER_FORMS = [
    "member-create",
    "member-edit",
    "member-correct",
    "member-annul",
    "transfer-in",
    "cell-create",
    "cell-edit",
    "role-create",
    "candidate-create",
    "import",
    *(f"move-{action}" for action in ACTION_SLUGS),
]


@pytest.mark.parametrize("name", MEMBER_FORMS)
def test_member_and_organisation_forms(world, secretary, name):
    urls = dict(_member_forms(world))
    if name not in urls:
        pytest.skip(f"{name}: no such page yet")
    url = urls[name]
    if secretary.get(url).status_code != 200:
        pytest.skip(f"{name}: not offered for this member now")
    fields = page_forms(secretary, url)
    assert fields, f"{url}: no form found"

    @FUZZ
    @given(data=submission(fields, extra={"confirm": ["1"]}))
    def fuzz(data):
        check(secretary, url, data, dates=date_names(fields))

    fuzz()


def test_role_end_form(world, secretary):
    assignment = world.roles["cell_leader"]
    url = url_for_pattern("members:role-end")(
        pk=assignment.pk, public_id=getattr(assignment, "public_id", None)
    )
    fields = page_forms(secretary, url)

    @FUZZ
    @given(data=submission(fields))
    def fuzz(data):
        check(secretary, url, data, dates=date_names(fields))

    fuzz()


# Every step at a stage where it applies: a candidate of chapter A at a stage it starts from.


def _candidate_for(world, slug: str) -> Candidate | None:
    step = steps.get_step(slug)
    for key, candidate in world.candidates.items():
        if not key.startswith("A-"):
            continue
        candidate = Candidate.objects.select_related("chapter__admission_settings").get(
            pk=candidate.pk
        )
        if step.applies_to(candidate):
            return candidate
    return None


def _confirmation_voted(world) -> Candidate:
    """Chapter A's admitted candidate, its probation served: papers and the chapter's vote."""
    candidate = world.candidates["A-ADMITTED"]
    paper = Document(number="", date=datetime.date(2020, 5, 28))
    for form in (
        Form.SELF_REVIEW,
        Form.MENTOR_ASSESSMENT,
        Form.MEMBER_OPINIONS,
        Form.NEW_MEMBER_COURSE,
    ):
        services.candidate_add_document(
            candidate_id=candidate.pk, actor=None, form=form, paper=paper
        )
    day = datetime.date(2020, 6, 2)
    base = vote_base(candidate.chapter, day).base
    vote = services.Vote(day, "05-NQ/CB", present=base, votes_for=base, votes_against=0)
    candidate, _resolution = services.candidate_confirmation_vote(
        candidate_id=candidate.pk, actor=None, vote=vote
    )
    return candidate


@pytest.mark.parametrize("slug", list(steps.STEPS))
def test_step_forms(world, superuser, slug):
    if slug == "grassroots":  # a chapter whose resolutions go to a grassroots committee
        settings_row = ChapterAdmissionSettings.objects.get(chapter=world.chapters["A"])
        settings_row.grassroots_step = True
        settings_row.save()
    if slug == "confirm":  # after the probation: a year on, the chapter has voted
        with time_machine.travel(datetime.datetime(2020, 7, 1, 9, 0, tzinfo=CHAPTER_TZ)):
            _confirmation_voted(world)
            superuser = Client()
            superuser.force_login(world.users["superuser"])
            _fuzz_step(world, superuser, slug)
        return
    _fuzz_step(world, superuser, slug)


def _fuzz_step(world, superuser: Client, slug: str) -> None:
    candidate = _candidate_for(world, slug)
    if candidate is None:
        pytest.skip(f"{slug}: no candidate of the world is at a stage it applies to")
    url = reverse("admissions:candidate-step", args=[candidate.public_id, slug])
    fields = page_forms(superuser, url)

    @FUZZ
    @given(data=submission(fields, extra={"acknowledge": ["on"]}))
    def fuzz(data):
        check(superuser, url, data, dates=date_names(fields))

    fuzz()


def test_observation_form(world, secretary):
    candidate = world.candidates["A-POOL"]
    url = reverse("admissions:candidate-observe", args=[candidate.public_id])
    detail = reverse("admissions:candidate-detail", args=[candidate.public_id])
    fields = {}
    reader = FormReader()
    reader.feed(secretary.get(detail).content.decode())
    for form in reader.forms:
        if form["action"] == url:
            fields.update(form["fields"])
    fields.pop("csrfmiddlewaretoken", None)
    assert fields, "the case page has no observation form"

    @FUZZ
    @given(data=submission(fields))
    def fuzz(data):
        check(secretary, url, data, dates=date_names(fields))

    fuzz()


# Filters and query parameters ------------------------------------------------------------------

FILTER_PAGES = ("members:member-list", "admissions:board", "admissions:candidate-list")


@pytest.mark.parametrize("name", FILTER_PAGES)
def test_list_filters(world, secretary, name):
    url = reverse(name)
    fields = page_forms(secretary, url, method="get")
    assert fields, f"{url}: no filter form"

    @FUZZ
    @given(data=submission(fields, extra={"page": ["2"], "sort": ["name"]}))
    def fuzz(data):
        check(secretary, url, data, method="get")
        check(secretary, url + "?" + urlencode(data), {}, method="get")

    fuzz()


REPORT_PARAMS = {
    "as_of": ("text", ["30/09/2019", "2019-09-30"]),
    "from": ("text", ["01/01/2019"]),
    "to": ("text", ["30/09/2019"]),
    "chapter": ("text", []),
    "cell": ("text", []),
    "page": ("text", ["2"]),
}


@pytest.mark.parametrize(
    "name", ["reports:report", "reports:export-figures", "reports:export-register"]
)
def test_report_parameters(world, secretary, name):
    url = reverse(name)
    params = dict(REPORT_PARAMS)
    params["chapter"] = ("text", [str(c.public_id) for c in world.chapters.values()])
    params["cell"] = ("text", [str(c.public_id) for c in world.cells.values()])

    @FUZZ
    @given(data=submission(params))
    def fuzz(data):
        check(secretary, url, data, method="get")

    fuzz()


def test_drill_down_parameters(world, secretary):
    url = reverse("reports:people")
    params = dict(REPORT_PARAMS)
    params["figure"] = ("select", list(queries.FIGURES))
    values = [str(c.public_id) for c in [*world.chapters.values(), *world.cells.values()]]
    params["value"] = ("text", [*values, queries.NO_VALUE, "M", "F", "1", "-1"])

    @FUZZ
    @given(data=submission(params))
    def fuzz(data):
        check(secretary, url, data, method="get")

    fuzz()


def test_vote_base_fragment(world, secretary):
    candidate = world.candidates["A-CHAPTER_APPROVED"]
    url = reverse("admissions:candidate-step", args=[candidate.public_id, "vote"])

    @FUZZ
    @given(date=st.one_of(st.sampled_from(TROUBLE), st.text(max_size=20)))
    def fuzz(date):
        response = secretary.get(url, {"date": date}, headers={"HX-Request": "true"})
        assert response.status_code < 500

    fuzz()


def test_import_preview_parameters(world, secretary):
    url = reverse("members:import-preview", args=[world.batches["A"].public_id])

    @FUZZ
    @given(show=st.sampled_from((*TROUBLE, "all", "errors")), page=st.sampled_from(TROUBLE))
    def fuzz(show, page):
        response = secretary.get(url, {"show": show, "page": page})
        assert response.status_code < 500

    fuzz()


def test_troublemakers_include_the_issue_examples():
    assert {"01/01/0001", "31/12/9999", "29/02/2027", "\x00", "-1"} <= set(TROUBLE)
    assert any(len(v) >= 10_000 for v in TROUBLE)
    assert datetime.date(2027, 3, 1)  # 2027 is a common year: 29/02/2027 does not exist
