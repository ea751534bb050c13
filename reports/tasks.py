"""Background work of the reports: the register export of a large scope (``chapter.jobs``).

``export_register`` (the view) starts ``register_export`` for a scope of more than
``settings.BACKGROUND_ROWS`` members. The task runs in the worker: it checks the owner's scope
again with the parameters of the request (a role ended since is a refusal, never a leak), writes
the same workbook as the download (``export_stream.register_stream``: the same rows and values,
through the streaming writer of ``chapter.xlsx_stream``), reading members ``CHUNK`` at a time,
into a temporary file on disk, and keeps it on the job for its owner.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connections, router
from django.utils.translation import gettext as _
from django_tasks import task

from chapter import jobs
from chapter.replica import reading_from_replica
from members import access
from members.models import Member
from reports import export_stream, exports
from reports.forms import ReportForm

KIND = "register_export"


def start_register_export(request, form: ReportForm, scope_label: str):
    """Create the job for the register of ``form``'s scope and enqueue it; returns the job."""
    day = form.cleaned_data["as_of"]
    title = _("Member register (7-HSĐV) as of %(day)s: %(scope)s") % {
        "day": day.strftime("%d/%m/%Y"),
        "scope": scope_label,
    }
    return jobs.start(
        owner=request.user,
        kind=KIND,
        title=title,
        task=register_export,
        parameters={"report": form.params(), "scope_label": scope_label},
        total=form.scope().count(),
    )


@contextmanager
def _without_jit():
    """PostgreSQL's JIT compiles the register's one big query for seconds and gains nothing on
    a plan that streams rows: off for the task, on again after (the worker's connection lives
    on)."""
    connection = connections[router.db_for_read(Member)]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _owners_form(job) -> ReportForm:
    """The job's report parameters, valid for its owner as the owner's roles are now; else
    ``JobRefused`` (a role ended, a chapter moved out of the owner's scope)."""
    owner = job.owner
    if not owner.is_active or not access.has_reach(owner):
        raise jobs.JobRefused(_("You no longer have a role that reads this register."))
    form = ReportForm(job.parameters.get("report", {}), user=owner)
    if not form.is_valid():
        raise jobs.JobRefused(_("This chapter or cell is no longer in your scope."))
    return form


def owner_still_reads(job) -> bool:
    """The download's check (``jobs.register_access_check``, registered in ``reports.apps``): the
    owner may still read the register the file holds, by the checks the task made."""
    try:
        _owners_form(job)
    except jobs.JobRefused:
        return False
    return True


@task()
def register_export(job_id: int) -> int:
    """Write the register of the job's scope; returns the number of rows."""
    with jobs.running(job_id) as job:
        params = job.parameters
        form = _owners_form(job)
        day = form.cleaned_data["as_of"]
        with tempfile.TemporaryDirectory(prefix="register-") as folder:
            path = Path(folder) / "register.xlsx"
            with reading_from_replica(), _without_jit():
                rows = export_stream.register_stream(
                    form.scope(),
                    day,
                    path,
                    scope_label=params.get("scope_label", ""),
                    progress=lambda done: jobs.progress(job, done),
                )
            job.total = rows
            jobs.finish(job, path=path, filename=exports.register_filename(day))
        return rows
    return 0


@task()
def store_figures(tops: list[str], name: str, counts_key: str) -> None:
    """Count and store a measure of the subtrees of ``tops`` (``reports.figures``): a report's
    figures of a day or period asked for the first time, answered live meanwhile."""
    from reports.figures import subtrees

    with reading_from_replica():
        subtrees(tops, name, counts_key, units=name == "roll")
