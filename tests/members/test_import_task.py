"""A large import in the background (members/tasks.py, members/import_views.py): above
``BACKGROUND_ROWS`` rows the confirmed preview becomes a job; the task imports with the same
checks, all or nothing, after checking that its owner still manages the chapter."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from chapter.models import Job
from members import importing as importer
from members import tasks
from members.models import ImportBatch, Member
from tests.members.factories import ChapterFactory, register_member
from tests.members.test_import import PROBATIONARY, ROW, probationary_row, xlsx_bytes

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def two_rows(settings, chapter, cell, other_cell, secretary):
    """A file of two rows, the background from more than one row."""
    settings.BACKGROUND_ROWS = 1
    return importer.batch_create(
        chapter=chapter,
        actor=secretary,
        filename="so.xlsx",
        content=xlsx_bytes([ROW, probationary_row()]),
    )


def confirm(client, user, batch, **data):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client.post(reverse("members:import-preview", args=[batch.public_id]), data)


def test_a_large_file_is_imported_by_a_job(client, settings, two_rows, secretary, chapter):
    settings.TASKS = IMMEDIATE
    response = confirm(client, secretary, two_rows, rows="2")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.owner, job.kind, job.status) == (secretary, tasks.KIND, Job.Status.DONE)
    assert (job.done, job.total) == (2, 2)
    assert "2 created" in job.message
    assert job.next_url == reverse("members:member-list")
    assert Member.objects.filter(chapter=chapter).count() == 2
    two_rows.refresh_from_db()
    assert two_rows.status == ImportBatch.Status.IMPORTED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "2 created" in page and reverse("members:member-list") in page


def test_at_the_threshold_the_import_stays_at_once(client, settings, two_rows, secretary):
    settings.BACKGROUND_ROWS = 2
    response = confirm(client, secretary, two_rows, rows="2")
    assert response.status_code == 302 and response.url == reverse("members:member-list")
    assert not Job.objects.exists()
    assert Member.objects.filter(citizen_id=ROW["citizen_id"]).exists()


def test_without_the_previews_count_the_file_is_counted(client, settings, two_rows, secretary):
    settings.TASKS = DATABASE
    response = confirm(client, secretary, two_rows, rows="x")
    job = Job.objects.get()
    assert response.url == job.get_absolute_url() and job.total == 2
    assert job.status == Job.Status.QUEUED  # waits for the worker: nothing written yet
    assert not Member.objects.filter(citizen_id=ROW["citizen_id"]).exists()


def test_the_preview_says_a_large_file_goes_to_the_background(client, two_rows, secretary):
    client.force_login(secretary)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("members:import-preview", args=[two_rows.public_id]))
    text = page.content.decode()
    assert 'name="rows" value="2"' in text and "imported in the background" in text


def test_a_row_refused_while_writing_imports_nothing(
    client, settings, two_rows, secretary, chapter
):
    settings.TASKS = DATABASE
    confirm(client, secretary, two_rows, rows="2")
    job = Job.objects.get()
    # Between the confirmation and the worker, the second row's citizen ID is registered
    # elsewhere: the task plans again, with the same checks, and writes nothing.
    register_member(ChapterFactory(), citizen_id=PROBATIONARY["citizen_id"])
    tasks.register_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Nothing was imported" in job.message and "row 3" in job.message
    assert job.next_url == two_rows.get_absolute_url()
    assert not Member.objects.filter(chapter=chapter).exists()
    two_rows.refresh_from_db()
    assert two_rows.status == ImportBatch.Status.PENDING


def test_the_task_checks_the_owner_still_manages_the_chapter(
    client, settings, two_rows, secretary, chapter
):
    settings.TASKS = DATABASE
    confirm(client, secretary, two_rows, rows="2")
    job = Job.objects.get()
    secretary.role_assignments.all().delete()
    tasks.register_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "no longer manage" in job.message
    assert not Member.objects.filter(chapter=chapter).exists()


def test_a_file_imported_meanwhile_is_not_imported_twice(client, settings, two_rows, secretary):
    settings.TASKS = DATABASE
    confirm(client, secretary, two_rows, rows="2")
    job = Job.objects.get()
    importer.batch_import(batch_id=two_rows.pk, actor=secretary)
    tasks.register_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and "already been imported" in job.message
    assert Member.objects.filter(citizen_id=ROW["citizen_id"]).count() == 1


def test_only_a_manager_starts_an_import_job(client, settings, two_rows, committee_officer):
    settings.TASKS = IMMEDIATE
    response = confirm(client, committee_officer, two_rows, rows="2")
    assert response.status_code == 403 and not Job.objects.exists()
