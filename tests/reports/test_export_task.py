"""The register export in the background (reports/tasks.py, reports/views.py `export_register`):
above ``BACKGROUND_ROWS`` members a committee's register is a job; the task checks the scope
again, writes the same workbook with a fixed number of queries per chunk, and keeps the file."""

import io
import signal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from chapter.models import Job
from members.models import RoleAssignment
from reports import exports, tasks
from tests.members.factories import CellFactory, ChapterFactory, give_role, register_member

pytestmark = pytest.mark.django_db

REGISTER = reverse("reports:export-register")
HEADER_ROW = 5
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def province(settings):
    """A committee of two chapters (five members), its officer; the background from 3 rows."""
    settings.BACKGROUND_ROWS = 3
    first = ChapterFactory()
    second = ChapterFactory(committee=first.committee)
    for chapter, count in ((first, 3), (second, 2)):
        cell = CellFactory(chapter=chapter)
        for _i in range(count):
            register_member(cell=cell)
    officer = get_user_model().objects.create_user("capuy", password="pw")
    role = give_role(officer, RoleAssignment.Role.COMMITTEE_OFFICER, committee=first.committee)
    return first, second, officer, role


def book(job: Job):
    with job.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def test_a_large_scope_is_a_job_with_progress_and_the_file(client, settings, province):
    settings.TASKS = IMMEDIATE
    _first, _second, officer, _role = province
    client.force_login(officer)
    response = client.post(REGISTER + "?as_of=2026-03-15")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.owner, job.kind, job.status) == (officer, tasks.KIND, Job.Status.DONE)
    assert (job.done, job.total) == (5, 5)
    assert job.filename == "so-danh-sach-dang-vien-2026-03-15.xlsx"
    workbook = book(job)
    assert workbook.worksheets[0].max_row == HEADER_ROW + 5
    download = client.get(reverse("job-download", args=[job.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_large_scope_asks_first_and_only_the_post_starts(client, settings, province):
    """A link followed (a GET) never queues a heavy export: it shows how many rows and a form
    whose POST (with its CSRF token) starts the job."""
    settings.TASKS = DATABASE
    client.force_login(province[2])
    url = REGISTER + "?as_of=2026-03-15"
    page = client.get(url)
    assert page.status_code == 200 and not Job.objects.exists()
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and 'method="post"' in html
    assert 'type="submit"' in html and "Bắt đầu xuất" in html
    assert "<script>" not in html and "<style" not in html  # CSP: no inline script or style
    assert page.context["rows"] == 5
    assert client.head(url).status_code == 200 and not Job.objects.exists()
    for method in (client.put, client.delete, client.patch):
        assert method(url).status_code == 405
    assert not Job.objects.exists()
    started = client.post(url)
    assert started.status_code == 302 and Job.objects.get().status == Job.Status.QUEUED


def test_the_post_checks_the_csrf_token(settings, province):
    from django.test import Client

    settings.TASKS = DATABASE
    client = Client(enforce_csrf_checks=True)
    client.force_login(province[2])
    assert client.post(REGISTER + "?as_of=2026-03-15").status_code == 403
    assert not Job.objects.exists()


def test_the_kept_file_goes_with_the_owners_role(client, settings, province):
    """A role ended after the job finished: the file is neither offered nor served (404)."""
    settings.TASKS = IMMEDIATE
    _first, _second, officer, role = province
    client.force_login(officer)
    client.post(REGISTER + "?as_of=2026-03-15")
    job = Job.objects.get()
    download = reverse("job-download", args=[job.public_id])
    assert job.status == Job.Status.DONE
    assert download in client.get(job.get_absolute_url()).content.decode()
    assert client.get(download).status_code == 200
    role.delete()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and download not in page.content.decode()
    progress = client.get(reverse("job-progress", args=[job.public_id]))
    assert download not in progress.content.decode()
    assert client.get(download).status_code == 404
    job.file.delete(save=False)


def test_a_chapter_moved_away_takes_its_kept_file(client, settings, province):
    settings.TASKS = IMMEDIATE
    _first, second, officer, _role = province
    client.force_login(officer)
    settings.BACKGROUND_ROWS = 0
    client.post(f"{REGISTER}?as_of=2026-03-15")
    job = Job.objects.get()
    job.parameters["report"]["chapter"] = str(second.public_id)
    job.save()
    assert client.get(reverse("job-download", args=[job.public_id])).status_code == 200
    second.committee = ChapterFactory().committee
    second.save()
    assert client.get(reverse("job-download", args=[job.public_id])).status_code == 404


def test_at_the_threshold_the_download_stays_at_once(client, settings, province):
    settings.BACKGROUND_ROWS = 5  # five members: not more than the threshold
    client.force_login(province[2])
    response = client.get(REGISTER + "?as_of=2026-03-15")
    assert response.status_code == 200 and not Job.objects.exists()


def test_one_chapter_is_written_at_once_whatever_the_threshold(client, province):
    first, _second, officer, _role = province
    client.force_login(officer)
    response = client.get(f"{REGISTER}?as_of=2026-03-15&chapter={first.public_id}")
    assert response.status_code == 200 and not Job.objects.exists()


def test_the_task_checks_the_scope_again_when_it_runs(client, settings, province):
    settings.TASKS = DATABASE  # queued: the role ends before a worker picks it up
    _first, _second, officer, role = province
    client.force_login(officer)
    client.post(REGISTER + "?as_of=2026-03-15")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    role.delete()
    tasks.register_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file
    assert "no longer" in job.message or "không còn" in job.message


def test_a_chapter_moved_out_of_scope_is_refused(client, settings, province):
    settings.TASKS = DATABASE
    _first, second, officer, _role = province
    client.force_login(officer)
    # A committee officer's register of one chapter is a download at once; ask for the job
    # directly with that chapter, then move the chapter to another committee.
    settings.BACKGROUND_ROWS = 0
    response = client.post(f"{REGISTER}?as_of=2026-03-15")
    job = Job.objects.get()
    job.parameters["report"]["chapter"] = str(second.public_id)
    job.save()
    second.committee = ChapterFactory().committee
    second.save()
    tasks.register_export.call(job.pk)
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == Job.Status.FAILED and not job.file


@pytest.mark.parametrize("size", [4, 12])
def test_the_task_takes_a_fixed_number_of_queries_per_chunk(monkeypatch, settings, size):
    """Members are read in chunks with their movements prefetched per chunk, and progress is
    one UPDATE per chunk: never a query per member."""
    settings.TASKS = DATABASE
    monkeypatch.setattr(exports, "CHUNK", 4)
    chapter = ChapterFactory()
    other = ChapterFactory(committee=chapter.committee)
    for _i in range(size):
        register_member(chapter)
    register_member(other)
    officer = get_user_model().objects.create_user("capuy", password="pw")
    give_role(officer, RoleAssignment.Role.COMMITTEE_OFFICER, committee=chapter.committee)
    job = Job.objects.create(
        owner=officer,
        kind=tasks.KIND,
        title="t",
        parameters={"report": {"as_of": "2026-03-15"}, "scope_label": "x"},
    )
    with CaptureQueriesContext(connection) as queries:
        tasks.register_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == size + 1
    chunks = (size + 1 + 3) // 4
    # the job, marked running; the owner's roles; the scope's chapters and the records that
    # have left them since the day (export_stream._held_on); those gone to another chapter this
    # year (_gone_elsewhere); the chapters' names ranked for the merge; the members' cursor and
    # that of the records moved since the day (_moved_since); the job saved with its file. Per
    # chunk: the chunk's movements, and its progress.
    # On PostgreSQL, JIT is set off and back on (two more), and progress inside the test's
    # transaction goes through a side connection (one fewer per chunk on this one).
    postgresql = connection.vendor == "postgresql"
    per_chunk = 1 if postgresql else 2
    assert len(queries) == FIXED_QUERIES + 2 * postgresql + per_chunk * chunks


FIXED_QUERIES = 10


def test_a_name_like_a_formula_stays_text_in_the_background_file(settings, province):
    settings.TASKS = IMMEDIATE
    first, _second, officer, _role = province
    register_member(first, full_name='=HYPERLINK("http://x","y")')
    tasks.start_register_export(_Request(officer), _valid_form(officer), scope_label="Đảng ủy")
    job = Job.objects.get()
    ws = book(job).worksheets[0]
    names = [row[1].value for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    assert '=HYPERLINK("http://x","y")' in names
    cell = next(row[1] for row in ws.iter_rows(min_row=HEADER_ROW + 1) if row[1].value == names[0])
    assert cell.data_type == "s"


@pytest.mark.freeze_time("2026-03-15")
def test_the_background_file_holds_what_the_download_holds(client, settings, province):
    """The streaming writer of the task and openpyxl's of the download: the same sheets, rows
    and values, dates as dates, identifiers as text, the book's panes and print titles."""
    settings.TASKS = IMMEDIATE
    first, _second, officer, _role = province
    register_member(first, full_name="+84 nhầm", card_number="01234567", other_names="A & <B>")
    client.force_login(officer)
    settings.BACKGROUND_ROWS = 10_000
    download = client.get(REGISTER + "?as_of=2026-03-15")
    direct = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    settings.BACKGROUND_ROWS = 3
    client.post(REGISTER + "?as_of=2026-03-15")
    background = book(Job.objects.get())
    assert background.sheetnames == direct.sheetnames
    for mine, theirs in zip(background.worksheets, direct.worksheets, strict=True):
        assert list(mine.values) == list(theirs.values)
        assert mine.freeze_panes == theirs.freeze_panes
    sheet = background.worksheets[0]
    assert sheet.print_title_rows == direct.worksheets[0].print_title_rows == "$5:$5"
    assert sheet.page_setup.orientation == "landscape"
    risky = next(c for row in sheet.iter_rows() for c in row if c.value == "+84 nhầm")
    assert risky.data_type == "s" and risky.quotePrefix
    listing = background.worksheets[1]
    card = next(c for row in listing.iter_rows() for c in row if c.value == "01234567")
    assert card.number_format == "@"
    dated = next(c for row in sheet.iter_rows(min_row=HEADER_ROW + 1) for c in row if c.is_date)
    assert dated.number_format == "DD/MM/YYYY"


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_writes_the_register(client, settings, province):
    settings.TASKS = DATABASE
    client.force_login(province[2])
    client.post(REGISTER + "?as_of=2026-03-15")
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0"
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.done == 5
    assert book(job).worksheets[0].max_row == HEADER_ROW + 5
    job.file.delete(save=False)


class _Request:
    def __init__(self, user):
        self.user = user


def _valid_form(user):
    from reports.forms import ReportForm

    form = ReportForm({"as_of": "2026-03-15"}, user=user)
    assert form.is_valid(), form.errors
    return form
