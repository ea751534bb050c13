"""Background jobs: a large export or import runs as a django-tasks task, and a ``Job`` row tells
its owner how far it got and keeps the file it made.

The queue is django-tasks' own (``settings.TASKS``: its database backend, rows in this database,
run by ``manage.py db_worker``); a ``Job`` is only what the user's page reads. A view calls
``start`` (it creates the job in the user's language and enqueues the task with the job's id)
and redirects to ``job.get_absolute_url()``. The task, in the worker, wraps its work in
``with running(job_id) as job:``, reports ``progress(job, done, total)`` every chunk and ends with
``finish(job, path=..., filename=...)`` for a file, or ``finish(job, message=..., next_url=...)``;
``JobRefused`` (a refusal the user can read: the scope is gone, the file has errors) ends it as
failed with that message, any other exception as failed with a generic one (the traceback stays
in django-tasks' result row for the administrator).

Progress inside a transaction (an import writes all or nothing) is invisible to the page until
the commit; on PostgreSQL it goes through a second, autocommit connection instead. On SQLite the
import's transaction holds the write lock, so the page shows "running" until it ends.

A job's file is served only while its owner may still read what it holds: the app that makes a
kind of file registers ``register_access_check(kind, check)`` (``check(job) -> bool``, the same
checks its task made when it ran); a file of a kind with no check, or whose check fails, is not
offered and its download is a 404 (``may_download``). The chapter app imports no other app, so
the checks come from the apps (``reports.apps``).

A finished job's file is kept ``settings.JOB_FILE_DAYS`` days: ``drop_expired`` deletes older
jobs and their files; ``start`` calls it, and so does ``manage.py cleanup_jobs`` (run by
``make run`` before the worker starts, and daily in production).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chapter.models import Job

logger = logging.getLogger(__name__)
Status = Job.Status
# A running job whose progress has not moved for this long is shown as possibly stopped.
QUIET_AFTER = timedelta(minutes=10)


class JobRefused(Exception):
    """The work cannot be done, for a reason its owner can read (already translated)."""


def start(*, owner, kind: str, title: str, task, parameters: dict | None = None, total=0) -> Job:
    """Create the job (in the current language) and enqueue ``task(job_id)``. The same request
    again while its job is unfinished (a second click, a reload) finds that job instead."""
    drop_expired()
    params = {**(parameters or {}), "language": translation.get_language()}
    unfinished = Job.objects.filter(
        owner=owner, kind=kind, parameters=params, status__in=(Status.QUEUED, Status.RUNNING)
    ).first()
    if unfinished is not None:
        return unfinished
    job = Job.objects.create(
        owner=owner, kind=kind, title=title[:300], parameters=params, total=total
    )
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def visible_job(user, public_id) -> Job:
    """The job, for its owner or a superuser; ``Job.DoesNotExist`` for anyone else."""
    jobs = Job.objects.all() if user.is_superuser else Job.objects.filter(owner=user)
    return jobs.get(public_id=public_id)


# Who may still have the file: kind -> check(job) -> bool, registered by the app of the kind.
_ACCESS_CHECKS: dict[str, Callable[[Job], bool]] = {}


def register_access_check(kind: str, check: Callable[[Job], bool]) -> None:
    """Serve the files of ``kind`` only while ``check(job)`` is true (the owner's scope then)."""
    _ACCESS_CHECKS[kind] = check


def may_download(job: Job) -> bool:
    """The job is done, has a file, and its kind's check says its owner may still read it (no
    check registered: never)."""
    if job.status != Status.DONE or not job.file:
        return False
    check = _ACCESS_CHECKS.get(job.kind)
    return check is not None and bool(check(job))


# In the worker -------------------------------------------------------------------------------


@contextmanager
def running(job_id: int) -> Iterator[Job]:
    """Mark the job running, in its owner's language, and end it as failed on an exception
    (``JobRefused``: its message; anything else: a generic one, and re-raised)."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    job.status, job.started_at = Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])
    with translation.override(job.parameters.get("language") or settings.LANGUAGE_CODE):
        try:
            yield job
        except JobRefused as refusal:
            _fail(job, str(refusal))
        except Exception:
            _fail(job, _("The work stopped on an unexpected error. Try again later."))
            raise
        finally:
            _close_side_connection(job)


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Status.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def progress(job: Job, done: int, total: int | None = None) -> None:
    """Record how far the job got (one UPDATE); visible at once, also inside a transaction on
    PostgreSQL (through a side connection), not on SQLite (see the module docstring)."""
    job.done = done
    if total is not None:
        job.total = total
    values = {"done": job.done, "total": job.total, "updated_at": timezone.now()}
    if not connection.in_atomic_block or connection.vendor != "postgresql":
        Job.objects.filter(pk=job.pk).update(**values)
    else:
        side = getattr(job, "_side_connection", None)
        if side is None:
            side = job._side_connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, updated_at = %s "
                "WHERE id = %s",
                [values["done"], values["total"], values["updated_at"], job.pk],
            )


def _close_side_connection(job: Job) -> None:
    side = getattr(job, "_side_connection", None)
    if side is not None:
        side.close()
        job._side_connection = None


def finish(
    job: Job, *, path: Path | None = None, filename: str = "", message: str = "", next_url=""
) -> None:
    """The job is done: keep the file at ``path`` (the task's temporary file) under ``filename``
    for the owner to download, and/or a message and the page to go on to."""
    if path is not None:
        with open(path, "rb") as handle:
            job.file.save(filename, File(handle), save=False)
        job.filename = filename[:200]
    job.status, job.finished_at = Status.DONE, timezone.now()
    job.message, job.next_url = message, next_url[:300]
    if job.total:
        job.done = job.total
    job.save()


# Keeping the files -----------------------------------------------------------------------------


def drop_expired(now=None) -> int:
    """Delete the jobs (and their files) finished more than ``JOB_FILE_DAYS`` days ago, and mark
    failed those that never finished in that time (their worker died). Returns how many went."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.JOB_FILE_DAYS)
    Job.objects.filter(status__in=(Status.QUEUED, Status.RUNNING), updated_at__lt=limit).update(
        status=Status.FAILED, finished_at=now, message=_("The work never finished.")
    )
    expired = list(Job.objects.filter(Q(finished_at__lt=limit)).only("pk", "file"))
    for job in expired:
        if job.file:
            try:
                job.file.delete(save=False)
            except OSError:
                logger.warning("Could not delete the file of job %s", job.pk)
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)


def fail_unfinished_running() -> int:
    """Mark failed the jobs marked running (``cleanup_jobs --orphans``: no worker is up, so
    their worker died mid-task). Returns how many."""
    return Job.objects.filter(status=Status.RUNNING).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        message=_("The work was interrupted (the background worker stopped). Ask for it again."),
    )


def quiet(job: Job, now=None) -> bool:
    """A running job with no progress for ``QUIET_AFTER``: its worker may have stopped."""
    return not job.finished and (now or timezone.now()) - job.updated_at > QUIET_AFTER
