"""Background work of the register: a large import confirmed on its preview (``chapter.jobs``).

``import_preview`` (members/import_views.py) starts ``register_import`` when the confirmed file
has more than ``settings.BACKGROUND_ROWS`` rows. The task runs in the worker the very import the
page would have run (``importing.batch_import``: read, plan against the register as it is then,
write in batches through the services' checks, all in one transaction, all or nothing), after
checking again that the owner still manages the chapter; its progress follows the batches.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from chapter import jobs
from members import access, importing
from members.models import ImportBatch

KIND = "register_import"
ISSUES_SHOWN = 10  # refusals listed on the job's page; the preview shows them all


def start_register_import(request, batch: ImportBatch, rows: int):
    """Create the job for importing ``batch`` (``rows`` rows in the file) and enqueue it."""
    title = _("Import of %(file)s into %(chapter)s") % {
        "file": batch.filename,
        "chapter": batch.chapter.name,
    }
    return jobs.start(
        owner=request.user,
        kind=KIND,
        title=title,
        task=register_import,
        parameters={"batch": str(batch.public_id)},
        total=rows,
    )


@task()
def register_import(job_id: int) -> dict | None:
    """Import the job's kept file; returns the counts (None: it was already imported)."""
    with jobs.running(job_id) as job:
        owner = job.owner
        batch = ImportBatch.objects.filter(public_id=job.parameters.get("batch")).first()
        preview = batch.get_absolute_url() if batch else reverse("members:import")
        if batch is None or not owner.is_active:
            raise jobs.JobRefused(_("This file is no longer kept: upload it again."))
        if not access.chapters_managed_by(owner).filter(pk=batch.chapter_id).exists():
            raise jobs.JobRefused(_("You no longer manage this chapter's register."))
        try:
            plan = importing.batch_import(
                batch_id=batch.pk,
                actor=owner,
                progress=lambda done, total: jobs.progress(job, done, total),
            )
        except importing.ImportFailed as failure:
            job.next_url = preview
            job.save(update_fields=["next_url"])
            raise jobs.JobRefused(_failure_text(failure.issues)) from failure
        except importing.ImportFileError as error:
            raise jobs.JobRefused(" ".join(error.messages)) from error
        if plan is None:
            jobs.finish(job, message=_("This file has already been imported."), next_url=preview)
            return None
        counts = plan.counts()
        summary = importing.summary_text(counts)
        message = _("Imported from %(file)s: %(summary)s.") % {
            "file": batch.filename,
            "summary": summary,
        }
        jobs.finish(job, message=message, next_url=reverse("members:member-list"))
        return counts
    return None


def _failure_text(issues) -> str:
    lines = [_("Nothing was imported: the register refused these rows.")]
    lines += [str(issue) for issue in issues[:ISSUES_SHOWN]]
    if len(issues) > ISSUES_SHOWN:
        lines.append(_("… and %(n)d more: see the preview.") % {"n": len(issues) - ISSUES_SHOWN})
    return "\n".join(lines)
