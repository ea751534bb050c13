"""The case list's and the deadlines' pages come from the one pagination partial
(templates/_pagination.html): plain links, no htmx on these pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from admissions import views
from admissions.models import Candidate
from tests.admissions.factories import PipelineStory
from tests.members.factories import register_member
from tests.pagination import assert_pages_keep, pagination

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.date(2019, 6, 24), tick=False):  # ceremonies due 01/07
        yield


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("admissions:candidate-list", {"stage": Candidate.Stage.ADMISSION_DECIDED}),
        # No filters of its own: whatever the address carries stays.
        ("admissions:deadlines", {"from": "board"}),
    ],
)
def test_page_two_links_every_page_with_the_filters_kept(
    client, chapter, cell, secretary, monkeypatch, name, kept
):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    story = PipelineStory(
        chapter=chapter, cell=cell, officials=[register_member(cell=cell) for _ in range(6)]
    )
    for full_name in ("Lê Thị Mai", "Trần Thị Bích", "Phạm Văn Cường"):
        story.candidate_at(Candidate.Stage.ADMISSION_DECIDED, full_name=full_name)
    story.candidate_at(Candidate.Stage.POOL, full_name="Nguyễn Văn An")
    client.force_login(secretary)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse(name), {**kept, "page": 2})
    assert response.context["page"].paginator.num_pages == 3
    pages = {"«": 1, "1": 1, "3": 3, "»": 3}
    assert assert_pages_keep(response, kept, pages) == "Pages"
    assert all("hx-get" not in attrs for _query, attrs in pagination(response)[1].values())
