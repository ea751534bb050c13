"""Escaping (issue 10, item 10): markup and formulas planted in every text field are shown as
text, never run, and never become a live formula in a workbook.

Every text field of committees, chapters, cells, members, candidates and the papers of a case
is set to ``=HYPERLINK("http://x","y") <img src=x onerror=alert(1)>`` (shorter fields get what
fits: the markup, or a bare formula). Then every URL of the access matrix
(tests/security/matrix.py) is read by the secretary and by the superuser: no page or fragment
may contain the raw ``<img src=x onerror``, and every Excel download is opened with openpyxl
and as XML: no cell holds a formula.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from admissions.models import (
    BackgroundCheck,
    Candidate,
    CandidateDocument,
    Decision,
    Extension,
    Introduction,
    MentorAssignment,
    Observation,
    Resolution,
)
from members import importing as importer
from members.models import Cell, Chapter, Committee, Member, Position
from tests.security.conftest import build_csv
from tests.security.matrix import GET, XLSX, cases, known, pattern_keys

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2019-10-01 10:00")]

MARKUP = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
PAYLOAD = f"{FORMULA} {MARKUP}"
RAW = "<img src=x onerror"
PLANTED = (
    Committee,
    Chapter,
    Cell,
    Member,
    Candidate,
    CandidateDocument,
    BackgroundCheck,
    Introduction,
    Resolution,
    Decision,
    Extension,
    MentorAssignment,
    Observation,
    Position,
)
# Derived from the name; a code of the numbering; the committee tree's path (treebeard's own).
SKIPPED = {"search_key", "short_code", "path"}


def payload_for(field: models.Field, pk: int) -> str:
    """The planted text that fits the field, told apart by the row's pk (unique names): both,
    the markup, or a bare formula."""
    limit = field.max_length or 10_000
    for text in (PAYLOAD, MARKUP):
        if len(text) + len(f" {pk}") <= limit:
            return f"{text} {pk}"
    return f"={pk}+1"[:limit]


def text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.editable
        and f.name not in SKIPPED
    ]


@pytest.fixture(scope="module")
def planted(world, django_db_blocker):
    """Every text field of the world's rows planted (saved, so row history keeps it too)."""
    with django_db_blocker.unblock():
        for model in PLANTED:
            fields = text_fields(model)
            for row in model._default_manager.all():
                for field in fields:
                    setattr(row, field.name, payload_for(field, row.pk))
                row.save()
    return world


def test_every_planted_model_has_text_fields():
    for model in PLANTED:
        assert text_fields(model), model


def formulas_in(content: bytes) -> list[str]:
    """Cells that hold a formula, by openpyxl and in the sheets' XML."""
    found = []
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            found += [f"{sheet.title}!{c.coordinate}" for c in row if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(
                rb"<(\w+:)?f[ >/]", archive.read(name)
            ):
                found.append(f"{name}: <f> element")
    return found


def problems_of(response, url: str) -> list[str]:
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(XLSX):
        return [f"{url}: formula in {where}" for where in formulas_in(content)]
    if content_type.startswith("text/html") and RAW in content.decode(errors="replace"):
        text = content.decode(errors="replace")
        at = text.index(RAW)
        return [f"{url}: unescaped markup …{text[max(0, at - 120) : at + 40]!r}"]
    return []


@pytest.mark.parametrize("key", [key for key in pattern_keys() if known(key)])
def test_pages_and_exports_show_planted_text_as_text(planted, frozen, key):
    problems = []
    for role in ("secretary", "superuser"):
        client = Client()
        client.force_login(planted.users[role])
        for case in cases(planted, key):
            if GET not in case.methods or key in ("logout", "admin:logout"):
                continue
            response = client.get(case.url, headers=case.headers)
            problems += [f"{role}: {p}" for p in problems_of(response, case.url)]
    assert not problems, "\n".join(problems[:30])


def test_an_imported_formula_stays_text_in_the_register_export(planted, frozen):
    """A register whose names are formulas, imported through the preview, then exported."""
    client = Client()
    client.force_login(planted.users["secretary"])
    content = build_csv(FORMULA)
    batch = importer.batch_create(
        chapter=planted.chapters["A"],
        actor=planted.users["secretary"],
        filename="so.csv",
        content=content,
    )
    preview = client.get(batch.get_absolute_url())
    assert preview.status_code == 200
    assert not problems_of(preview, "preview")
    response = client.post(batch.get_absolute_url())
    assert response.status_code < 500
    if not Member.objects.filter(full_name=FORMULA).exists():
        return  # refused on import: nothing to export
    export = client.get(reverse("reports:export-register"))
    assert export.status_code == 200
    assert (
        formulas_in(b"".join(export.streaming_content) if export.streaming else export.content)
        == []
    )


def test_the_planted_text_reaches_the_pages_and_the_workbook(planted, frozen):
    """The checks above see the payload: escaped on a page, a plain string in a workbook."""
    client = Client()
    client.force_login(planted.users["secretary"])
    page = client.get(planted.members["A1"].get_absolute_url())
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.content.decode()
    export = client.get(reverse("reports:export-register"))
    content = b"".join(export.streaming_content) if export.streaming else export.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
    assert any(isinstance(v, str) and FORMULA in v for v in texts)
