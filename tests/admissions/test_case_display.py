"""What the admissions pages show (issue 10, item 8): overdue deadlines as a positive number of
working days ("quá hạn 174 ngày làm việc", never "quá hạn -174"), and every paper of the file
on the case page, "other document" included."""

import datetime
import re

import pytest

from admissions.models import Candidate, CandidateDocument, Form
from admissions.queries import dossier_checklist, other_papers
from tests.admissions.factories import PipelineStory

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-06-30")]
St = Candidate.Stage
D = datetime.date


@pytest.fixture
def story(chapter, cell):
    return PipelineStory.build(chapter=chapter)


@pytest.fixture
def overdue(story):
    # The chapter voted on 27/04/2019: the committee's decision (R11) is long overdue.
    return story.candidate_at(St.CHAPTER_APPROVED, full_name="Đỗ Thị Hoa")


@pytest.mark.parametrize(
    "url", ["/", "/admissions/", "/admissions/list/", "/admissions/deadlines/"]
)
def test_overdue_counts_are_never_negative(client, secretary, overdue, url):
    client.force_login(secretary)
    text = client.get(url).text
    assert "quá hạn" in text
    assert "quá hạn -" not in text
    assert "ngày làm việc" in text
    assert not re.search(r">\s*-\d+\s*<", text)  # no bare negative count in a cell


def test_the_case_page_says_by_how_much(client, secretary, overdue):
    client.force_login(secretary)
    text = client.get(overdue.get_absolute_url()).text
    assert "quá hạn -" not in text
    assert "quá hạn" in text


def test_other_documents_are_listed_on_the_case(client, secretary, story):
    candidate = story.candidate_at(St.INTRODUCED, full_name="Phạm Văn An")
    CandidateDocument.objects.create(
        candidate=candidate, form=Form.OTHER, date=D(2019, 4, 20), number="GX-7",
        issuing_body="Công an phường", note="Giấy xác nhận cư trú",
    )  # fmt: skip
    client.force_login(secretary)
    response = client.get(candidate.get_absolute_url())
    assert "Giấy tờ khác trong hồ sơ" in response.text
    assert "GX-7" in response.text and "Giấy xác nhận cư trú" in response.text
    listed = response.context["other_papers"]
    assert [d.number for d in listed] == ["GX-7"]


def test_other_papers_are_those_the_checklist_leaves_out(story):
    candidate = story.candidate_at(St.INTRODUCED, full_name="Phạm Văn An")
    CandidateDocument.objects.create(candidate=candidate, form=Form.OTHER, date=D(2019, 4, 20))
    CandidateDocument.objects.create(candidate=candidate, form=Form.APPRAISAL, date=D(2019, 4, 21))
    _phase, papers = dossier_checklist(candidate, D(2020, 6, 30))
    others = other_papers(candidate, papers)
    assert [d.form for d in others] == [Form.OTHER, Form.APPRAISAL]
    shown = {p.form for p in papers}
    assert all(d.form in shown for d in candidate.documents.all() if d not in others)


def test_the_scan_of_an_other_paper_goes_through_the_scoped_view(client, secretary, story):
    candidate = story.candidate_at(St.INTRODUCED, full_name="Phạm Văn An")
    document = CandidateDocument.objects.create(
        candidate=candidate, form=Form.OTHER, date=D(2019, 4, 20), scan="dossiers/x.pdf"
    )
    client.force_login(secretary)
    text = client.get(candidate.get_absolute_url()).text
    assert f"/admissions/{candidate.public_id}/papers/{document.pk}/scan/" in text
    assert "dossiers/x.pdf" not in text


def test_no_other_papers_no_section(client, secretary, story):
    candidate = story.candidate_at(St.INTRODUCED, full_name="Phạm Văn An")
    client.force_login(secretary)
    assert "other-papers" not in client.get(candidate.get_absolute_url()).text
