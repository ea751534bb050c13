"""A background job's page, its progress (polled by htmx every two seconds) and its file.

Only the job's owner (and a superuser) sees any of them: for anyone else the job does not exist
(404), whatever its id. The file is offered and served only while the owner's scope still covers
it (``jobs.may_download``, checked again at every request): a role ended since is a 404.
"""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chapter import jobs
from chapter.models import Job

# htmx stops polling when a response has this status (and still swaps it in).
STOP_POLLING = 286


def _job(request: HttpRequest, job_id: UUID) -> Job:
    try:
        return jobs.visible_job(request.user, job_id)
    except Job.DoesNotExist:
        raise Http404 from None


def _context(job: Job) -> dict:
    return {"job": job, "quiet": jobs.quiet(job), "downloadable": jobs.may_download(job)}


@require_safe
def job_page(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "jobs/job.html", _context(job))


@require_safe
def job_progress(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job(request, job_id)
    status = STOP_POLLING if job.finished else 200
    return render(request, "jobs/_progress.html", _context(job), status=status)


@require_safe
def job_download(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job(request, job_id)
    if not jobs.may_download(job):
        raise Http404
    try:
        handle = job.file.storage.open(job.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
