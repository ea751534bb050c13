"""Background jobs (chapter/jobs.py, chapter/job_views.py): who sees a job, its progress and its
file, the worker running a task queued in the database, and the files' expiry."""

import datetime
import signal
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from chapter import jobs
from chapter.job_views import STOP_POLLING
from chapter.models import Job

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def write_a_file(job_id: int) -> int:
    """A task as the apps write them: progress per chunk, then a file."""
    with jobs.running(job_id) as job:
        for done in (2, 4):
            jobs.progress(job, done, 4)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "out.txt"
            path.write_text("four rows")
            jobs.finish(job, path=path, filename="ket-qua.txt")
        return 4
    return 0


@task()
def refuse(job_id: int) -> None:
    with jobs.running(job_id):
        raise jobs.JobRefused("Không còn trong phạm vi.")


@task()
def crash(job_id: int) -> None:
    with jobs.running(job_id):
        raise RuntimeError("a bug")


def make_user(name: str, **extra):
    return get_user_model().objects.create_user(name, password="pw", **extra)


def start(owner, task_=write_a_file, **kwargs) -> Job:
    return jobs.start(owner=owner, kind="test", title="Sổ đảng viên", task=task_, **kwargs)


@pytest.fixture(autouse=True)
def readable_test_files():
    """The "test" kind's files: served while the check allows (the apps register theirs)."""
    jobs.register_access_check("test", lambda job: not job.parameters.get("refused"))
    yield
    jobs._ACCESS_CHECKS.pop("test", None)


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def queued(settings):
    settings.TASKS = DATABASE


@pytest.fixture
def keep_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers: put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")


# The page, its progress and its file --------------------------------------------------------


def test_the_owner_sees_progress_then_downloads_the_file(client, immediate):
    owner = make_user("owner")
    job = start(owner)
    assert job.status == Job.Status.DONE and (job.done, job.total) == (4, 4)
    client.force_login(owner)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert 'aria-live="polite"' in text and "<progress" in text
    assert 'hx-trigger="every 2s"' not in text  # finished: nothing to poll
    assert reverse("job-download", args=[job.public_id]) in text
    fragment = client.get(reverse("job-progress", args=[job.public_id]))
    assert fragment.status_code == STOP_POLLING  # htmx stops polling
    download = client.get(reverse("job-download", args=[job.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"four rows"
    assert 'filename="ket-qua.txt"' in download["Content-Disposition"]


def test_a_queued_job_is_polled_and_has_no_file_yet(client, queued):
    owner = make_user("owner")
    job = start(owner)
    assert job.status == Job.Status.QUEUED and job.task_id
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert reverse("job-progress", args=[job.public_id]) in page
    assert client.get(reverse("job-progress", args=[job.public_id])).status_code == 200
    assert client.get(reverse("job-download", args=[job.public_id])).status_code == 404


def test_the_same_request_again_finds_the_unfinished_job(queued):
    owner = make_user("owner")
    first = start(owner, parameters={"as_of": "2026-03-15"})
    assert start(owner, parameters={"as_of": "2026-03-15"}) == first
    assert start(owner, parameters={"as_of": "2026-03-16"}) != first
    assert DBTaskResult.objects.count() == 2


@pytest.mark.parametrize("who", ["other", "staff", "anonymous"])
def test_nobody_else_sees_a_job(client, immediate, who):
    job = start(make_user("owner"))
    if who == "other":
        client.force_login(make_user("other"))
    elif who == "staff":
        client.force_login(make_user("staff", is_staff=True))
    for name in ("job", "job-progress", "job-download"):
        response = client.get(reverse(name, args=[job.public_id]))
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url
        else:
            assert response.status_code == 404


def test_a_superuser_sees_any_job(client, immediate):
    job = start(make_user("owner"))
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    assert client.get(job.get_absolute_url()).status_code == 200
    assert client.get(reverse("job-download", args=[job.public_id])).status_code == 200


def test_the_pages_are_read_only(client, immediate):
    owner = make_user("owner")
    job = start(owner)
    client.force_login(owner)
    for name in ("job", "job-progress", "job-download"):
        assert client.post(reverse(name, args=[job.public_id])).status_code == 405


def test_a_file_is_served_only_while_its_kinds_check_allows(client, immediate):
    """The access check runs again at each request: failing, or no check registered for the
    kind, the file is neither offered on the page nor served (404)."""
    owner = make_user("owner")
    job = start(owner)
    client.force_login(owner)
    download = reverse("job-download", args=[job.public_id])
    assert client.get(download).status_code == 200
    job.parameters["refused"] = True
    job.save()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and download not in page.content.decode()
    assert client.get(download).status_code == 404
    Job.objects.filter(pk=job.pk).update(kind="unchecked", parameters={})
    assert client.get(download).status_code == 404
    assert download not in client.get(job.get_absolute_url()).content.decode()


# Failures ------------------------------------------------------------------------------------


def test_a_refusal_is_the_jobs_message(client, immediate):
    owner = make_user("owner")
    job = start(owner, refuse)
    assert job.status == Job.Status.FAILED
    assert job.message == "Không còn trong phạm vi." and job.finished_at
    client.force_login(owner)
    assert "Không còn trong phạm vi." in client.get(job.get_absolute_url()).content.decode()
    assert client.get(reverse("job-download", args=[job.public_id])).status_code == 404


def test_an_error_fails_the_job_with_a_generic_message(immediate):
    job = start(make_user("owner"), crash)
    assert job.status == Job.Status.FAILED
    assert "a bug" not in job.message and job.message


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_as_it_goes():
    owner = make_user("owner")
    job = Job.objects.create(owner=owner, kind="test", title="t")
    with jobs.running(job.pk) as running:
        jobs.progress(running, 250, 1000)
        job.refresh_from_db()
        assert (job.status, job.done, job.total, job.percent) == (Job.Status.RUNNING, 250, 1000, 25)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_progress_inside_a_transaction_is_seen_before_the_commit():
    """An import writes all or nothing in one transaction: its progress goes through a second
    connection, so the page (another connection) sees it while the transaction is open."""
    owner = make_user("owner")
    job = Job.objects.create(owner=owner, kind="test", title="t")
    with jobs.running(job.pk) as running, transaction.atomic():
        jobs.progress(running, 1000, 5000)
        outside = connections.create_connection("default")
        try:
            with outside.cursor() as cursor:
                cursor.execute("SELECT done, total FROM chapter_job WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (1000, 5000)
        finally:
            outside.close()


# The worker (django-tasks' database backend) ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_job(queued, keep_signals):
    job = start(make_user("owner"))
    result = DBTaskResult.objects.get(id=job.task_id)
    assert result.status == "READY"
    run_worker()
    job.refresh_from_db()
    result.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file and job.filename == "ket-qua.txt"
    assert result.status == "SUCCESSFUL" and result.return_value == 4
    job.file.delete(save=False)


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_failed_in_both_records(queued, keep_signals):
    job = start(make_user("owner"), crash)
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    result = DBTaskResult.objects.get(id=job.task_id)
    assert result.status == "FAILED" and "RuntimeError" in result.exception_class_path


# Keeping the files -----------------------------------------------------------------------------


@pytest.mark.freeze_time("2026-03-15")
def test_files_are_deleted_after_the_days_kept(settings, immediate):
    settings.JOB_FILE_DAYS = 7
    owner = make_user("owner")
    job = start(owner)
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    finished = job.finished_at
    assert jobs.drop_expired(now=finished + datetime.timedelta(days=7)) == 0  # the 7th day
    assert jobs.drop_expired(now=finished + datetime.timedelta(days=7, seconds=1)) == 1
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not storage.exists(name)


def test_cleanup_command_marks_interrupted_jobs_failed(queued):
    job = start(make_user("owner"))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")
    call_command("cleanup_jobs", "--verbosity", "0")
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # without --orphans another worker may be on it
    call_command("cleanup_jobs", "--orphans", "--verbosity", "0")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"


def test_a_running_job_without_progress_for_ten_minutes_says_so(client, queued):
    owner = make_user("owner")
    job = start(owner)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    job.refresh_from_db()
    assert jobs.quiet(job)
    client.force_login(owner)
    assert "alert-warning" in client.get(job.get_absolute_url()).content.decode()
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    job.refresh_from_db()
    assert not jobs.quiet(job)


def test_a_failed_job_does_not_show_how_far_it_got(client, queued):
    """An import's progress is committed through a side connection before it fails and rolls
    everything back: the page says nothing was changed and shows no row count beside it."""
    owner = make_user("owner")
    job = start(owner)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, done=3000, total=5000, message="Không còn trong phạm vi."
    )
    client.force_login(owner)
    for name in ("job", "job-progress"):
        text = client.get(reverse(name, args=[job.public_id])).content.decode()
        assert "Không còn trong phạm vi." in text
        assert "3,000" not in text and "3.000" not in text and "60%" not in text
        assert "<progress" not in text
