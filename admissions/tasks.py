"""Background work of the admissions: the stored deadlines recomputed after a change of the
working-day calendar or of a deadline's rule value that moves more cases than
``settings.BACKGROUND_ROWS`` (``admissions.due.refresh_or_defer``; fewer are recomputed in the
transaction of the change).

``defer_refresh`` runs in the transaction of the change: when a user is saving (the admin,
``chapter.notices``) it creates a ``Job`` for them, which rolls back with the change, and tells
their page that the deadlines are being recomputed, with a link to the job's progress; then, on
commit only, it enqueues ``refresh_due_dates_task``, so the worker reads the committed calendar.
The task recomputes the cases the change can move, as they are when it starts, in batches, the
ones nearest today first, each batch in its own transaction (``due.refresh_soonest_first``):
idempotent, safe to run again or twice at once.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from admissions import due
from chapter import jobs, notices
from chapter.models import Job

KIND = "due_refresh"


def _title(scope: dict) -> str:
    if "since" in scope:
        return _("Deadlines recomputed after a change of the working-day calendar")
    return _("Deadlines recomputed after a change of a rule value")


def _back(scope: dict) -> str:
    model = "calendaroverride" if "since" in scope else "rulevalue"
    return reverse(f"admin:chapter_{model}_changelist")


def defer_refresh(scope: dict) -> Job | None:
    """Recompute the cases of ``scope`` (``due.cases_in_scope``) in the worker once the current
    transaction commits; with a job and a notice when a user is saving. Returns the job."""
    owner = notices.acting_user()
    job = None
    if owner is not None:
        job = Job.objects.create(
            owner=owner,
            kind=KIND,
            title=_title(scope),
            parameters={**scope, "language": translation.get_language()},
        )
        notices.announce(
            format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "The stored deadlines of the admission cases this change moves are being "
                    "recomputed in the background. Until that ends, the due-soon list and the "
                    "overdue figures may still show former dates for some cases; a step recorded "
                    "meanwhile stores its new deadline at once."
                ),
                job.get_absolute_url(),
                _("Follow the progress"),
            )
        )
    transaction.on_commit(partial(_enqueue, job.pk if job else None, scope))
    return job


def _enqueue(job_id: int | None, scope: dict) -> None:
    result = refresh_due_dates_task.enqueue(job_id, scope)
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(task_id=str(result.id))


@task()
def refresh_due_dates_task(job_id: int | None, scope: dict) -> int:
    """Recompute the stored deadlines of the cases of ``scope``; returns how many changed."""
    cases = due.cases_in_scope(scope)
    if job_id is None:
        return due.refresh_soonest_first(cases)
    with jobs.running(job_id) as job:
        changed = due.refresh_soonest_first(
            cases, progress=lambda done, total: jobs.progress(job, done, total)
        )
        message = ngettext(
            "%(total)s open case checked, the deadline of %(changed)s changed.",
            "%(total)s open cases checked, the deadlines of %(changed)s changed.",
            job.total,
        ) % {"total": job.total, "changed": changed}
        jobs.finish(job, message=message, next_url=_back(scope))
        return changed
    return 0
